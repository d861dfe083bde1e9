// A date typed as text in the UI language's order (dd/mm/yyyy in Indonesian), instead of
// <input type=date>, whose order follows the computer's locale and which hands back ""
// for a date typed halfway, so the form could not tell "no date" from "not finished".
// The form keeps the text; `readDate` says whether it may be submitted.
import { dateOrder, datePattern, formatDateInput, parseDateInput, type DateInput } from "../dates";
import { t } from "../i18n";

/** The message for a typed date that cannot be submitted, or null (empty or a whole date). */
export function dateProblem(d: DateInput): string | null {
  if (d.kind !== "partial" && d.kind !== "invalid") return null;
  const example = formatDateInput("2026-12-05");
  const vars = { pattern: datePattern(), example, digits: example.replace(/\D/g, "") };
  return d.kind === "partial" ? t("date.partial", vars) : t("date.invalid", vars);
}

export function DateField({ id, value, onInput, onBlur, describedBy }: {
  id: string;
  /** The text as typed. */
  value: string;
  onInput: (text: string) => void;
  onBlur?: () => void;
  describedBy?: string;
}) {
  return (
    <input
      id={id}
      type="text"
      inputMode="numeric"
      autoComplete="off"
      spellcheck={false}
      maxLength={10}
      placeholder={datePattern()}
      aria-describedby={describedBy}
      data-date-order={dateOrder()}
      value={value}
      onInput={(e) => onInput(e.currentTarget.value)}
      onBlur={(e) => {
        // A whole date is shown back in the usual form ("05122026" → "05/12/2026").
        const d = parseDateInput(e.currentTarget.value);
        if (d.kind === "date") onInput(formatDateInput(d.iso));
        onBlur?.();
      }}
    />
  );
}
