// Small display helpers: dates (relative and local), file sizes, short hashes, NIP lists.
import { getLang, t } from "./i18n";

function locale() {
  return getLang() === "id" ? "id-ID" : "en-GB";
}

/** "baru saja", "5 menit lalu", "3 jam lalu", "kemarin", or a date. */
export function relativeTime(iso: string | null, now = Date.now()): string {
  if (!iso) return "";
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const mins = Math.floor((now - then) / 60000);
  if (mins < 1) return t("time.justNow");
  if (mins < 60) return t("time.minutes", { n: mins });
  const hours = Math.floor(mins / 60);
  if (hours < 24) return t("time.hours", { n: hours });
  if (hours < 48) return t("time.yesterday");
  return formatDate(iso);
}

/** A calendar date ("2025-03-01" or RFC 3339) in the user's language, e.g. "1 Mar 2025". */
export function formatDate(s: string | null): string {
  if (!s) return "";
  const d = s.length === 10 ? new Date(s + "T00:00:00") : new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return d.toLocaleDateString(locale(), { day: "numeric", month: "short", year: "numeric" });
}

export function formatDateTime(s: string | null): string {
  if (!s) return "";
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return d.toLocaleString(locale(), { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function longToday(): string {
  return new Date().toLocaleDateString(locale(), { weekday: "long", day: "numeric", month: "long", year: "numeric" });
}

/** Today's date as YYYY-MM-DD in local time (what <input type=date> uses). */
export function todayIso(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The date part of a due value, which may be a date or a date-time. */
export function dueDay(due: string | null): string | null {
  return due ? due.slice(0, 10) : null;
}

/** A count as people read it: "1.234" in Indonesian, "1,234" in English. */
export function formatCount(n: number): string {
  return n.toLocaleString(locale());
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function shortHash(h: string | null | undefined): string {
  if (!h) return "";
  const s = h.includes(":") ? h.slice(h.indexOf(":") + 1) : h;
  return s.slice(0, 12);
}

/** A NIP as typed ("19850101 201001 1 001") → digits only, spaces removed. */
export function cleanNip(s: string): string {
  return s.replace(/[\s.-]+/g, "");
}

/** "a, b ;c" → ["a","b","c"] (NIPs, spaces inside each removed); empty parts dropped. */
export function splitNips(s: string): string[] {
  return s.split(/[,;\n]+/).map(cleanNip).filter(Boolean);
}
