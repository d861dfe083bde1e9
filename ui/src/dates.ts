// Dates as people type and read them: dd/mm/yyyy in Indonesian whatever the computer's
// locale (a browser's <input type=date> follows the OS, so under an American locale 12/05
// read as 12 May), and the locale's own order in English. Typing only digits works
// ("05122026" is 5 December 2026); a half-typed date is reported, never silently dropped.
import { getLang } from "./i18n";

/** The order of day, month and year in the UI's language. */
export type DateOrder = "dmy" | "mdy" | "ymd";

/** The English locale to follow: the computer's when it is an English one, else British. */
function englishLocale(): string {
  const nav = typeof navigator !== "undefined" ? navigator.language : "";
  return nav && nav.toLowerCase().startsWith("en") ? nav : "en-GB";
}

/** The order of a locale's numeric dates, read from Intl (so "en-US" gives "mdy"). */
export function orderOf(locale: string): DateOrder {
  const parts = new Intl.DateTimeFormat(locale, { day: "2-digit", month: "2-digit", year: "numeric" })
    .formatToParts(new Date(2026, 11, 5))
    .map((p) => p.type)
    .filter((t) => t === "day" || t === "month" || t === "year");
  const s = parts.map((p) => p[0]).join("");
  return s === "mdy" || s === "ymd" ? s : "dmy";
}

/** Indonesian is always dd/mm/yyyy; English follows the computer's English locale. */
export function dateOrder(): DateOrder {
  return getLang() === "id" ? "dmy" : orderOf(englishLocale());
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** "2026-12-05" → "05/12/2026" (or the English order); anything else is returned as is. */
export function formatDateInput(iso: string | null | undefined, order: DateOrder = dateOrder()): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d] = m;
  if (order === "ymd") return `${y}-${mo}-${d}`;
  return order === "mdy" ? `${mo}/${d}/${y}` : `${d}/${mo}/${y}`;
}

/** What the person wrote in a date field: nothing, a date, a date not yet complete, or not a date. */
export type DateInput =
  | { kind: "empty" }
  | { kind: "date"; iso: string }
  | { kind: "partial" }
  | { kind: "invalid" };

/** The placeholder showing the order expected: "hh/bb/tttt" in Indonesian. */
export function datePattern(order: DateOrder = dateOrder()): string {
  const [d, m, y] = getLang() === "id" ? ["hh", "bb", "tttt"] : ["dd", "mm", "yyyy"];
  if (order === "ymd") return `${y}-${m}-${d}`;
  return order === "mdy" ? `${m}/${d}/${y}` : `${d}/${m}/${y}`;
}

function check(y: number, m: number, d: number): DateInput {
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return { kind: "invalid" };
  const days = new Date(y, m, 0).getDate(); // day 0 of the next month: this month's last day
  if (d > days) return { kind: "invalid" };
  return { kind: "date", iso: `${pad(y, 4)}-${pad(m)}-${pad(d)}` };
}

/** Reads a typed date in `order`: "05122026", "5/12/2026", "05-12-2026", "5 12 2026", or ISO "2026-12-05". */
export function parseDateInput(text: string, order: DateOrder = dateOrder()): DateInput {
  const s = text.trim();
  if (!s) return { kind: "empty" };
  if (/[^\d\s/.-]/.test(s)) return { kind: "invalid" };
  // ISO is unambiguous in every language (and what a pasted value often is).
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (iso) return check(+iso[1], +iso[2], +iso[3]);
  let parts: string[];
  if (/^\d+$/.test(s)) {
    // Digits only: two for day and month each, and four for the year.
    if (s.length < 8) return { kind: "partial" };
    if (s.length > 8) return { kind: "invalid" };
    parts = order === "ymd" ? [s.slice(0, 4), s.slice(4, 6), s.slice(6)] : [s.slice(0, 2), s.slice(2, 4), s.slice(4)];
  } else {
    parts = s.split(/[\s/.-]+/);
    if (parts.length > 3) return { kind: "invalid" };
    if (parts.length < 3 || parts.some((p) => p === "")) return { kind: "partial" };
  }
  const yearAt = order === "ymd" ? 0 : 2;
  const yText = parts[yearAt];
  // A year is written in full: "5/12/20" is still being typed, not 2020.
  if (yText.length < 4) return { kind: "partial" };
  if (yText.length > 4) return { kind: "invalid" };
  const y = Number(yText);
  const [a, b] = order === "ymd" ? [parts[1], parts[2]] : [parts[0], parts[1]];
  const [d, m] = order === "mdy" ? [Number(b), Number(a)] : order === "ymd" ? [Number(b), Number(a)] : [Number(a), Number(b)];
  return check(y, m, d);
}
