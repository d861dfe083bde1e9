// Every string the UI shows, in Bahasa Indonesia (first) and English (setting).
// `t(key, vars)` reads the current language; App re-renders the tree when it changes.
// English must define exactly the same keys as Indonesian (checked by the type).

import { en } from "./i18n/en";
import { id } from "./i18n/id";

export type Key = keyof typeof id;
export type Lang = "id" | "en";

const dicts: Record<Lang, Record<Key, string>> = { id, en };
let current: Lang = "id";

export function setLang(l: Lang) {
  current = l;
  document.documentElement.lang = l;
}
export function getLang(): Lang {
  return current;
}

/** Translate `key`, replacing `{name}` placeholders with `vars`. */
export function t(key: Key, vars?: Record<string, string | number>): string {
  let s = dicts[current][key] ?? id[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** Translate a stored code (status, kind, classification, role…) with a known prefix; unknown codes are shown as is. */
export function tCode(prefix: string, code: string | null | undefined): string {
  if (!code) return "";
  const k = `${prefix}.${code}` as Key;
  return k in id ? t(k) : code;
}
