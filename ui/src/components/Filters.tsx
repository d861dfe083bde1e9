// The filter bar's fields, the same on Tugas and Naskah: a choice with "all" first, and a
// search box. Each is a labelled field; the ids are the ones the desktop tests select.
import type { ComponentChildren } from "preact";

/** A `<select>` whose first option, "", means all. `options` are [value, text] pairs. */
export function ChoiceFilter({ id, label, all, value, options, onChange }: {
  id: string;
  label: string;
  all: string;
  value: string;
  options: [string, string][];
  onChange: (value: string) => void;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{all}</option>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </div>
  );
}

/** A search box that reports every keystroke. */
export function SearchFilter({ id, label, value, onInput, placeholder }: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  /** What the search looks through, when the label does not say it. */
  placeholder?: string;
}) {
  return (
    <div class="field grow">
      <label for={id}>{label}</label>
      <input id={id} type="search" placeholder={placeholder} value={value} onInput={(e) => onInput(e.currentTarget.value)} />
    </div>
  );
}

/** The bar around them. */
export function Filters({ children }: { children: ComponentChildren }) {
  return <div class="filters" role="search">{children}</div>;
}
