// Turns an AppError (or anything thrown) into one Indonesian/English sentence per code.
// Users never see a stack; the shell's English message is added only where it helps.
import type { AppError } from "./api";
import { t, type Key } from "./i18n";

/** Codes whose sentence embeds the shell's message ({msg}). */
const WITH_MESSAGE = new Set(["invalid", "approval", "server", "file", "bundle", "key", "ca_file", "bad_answer"]);

export function asAppError(e: unknown): AppError {
  if (e && typeof e === "object" && "code" in e) {
    const o = e as { code: unknown; message?: unknown };
    return { code: String(o.code), message: o.message == null ? "" : String(o.message) };
  }
  if (e instanceof Error) return { code: "internal", message: e.message };
  return { code: "internal", message: String(e) };
}

/** The sentence shown to the user for an error. */
export function errorText(e: unknown): string {
  const err = asAppError(e);
  const key = `err.${err.code}` as Key;
  const known = t(key) !== key;
  if (!known) return t("err.internal");
  return t(key, { msg: err.message || "-" });
}

/** Extra detail line (the shell's message) for codes whose sentence does not already include it. */
export function errorDetail(e: unknown): string | null {
  const err = asAppError(e);
  if (WITH_MESSAGE.has(err.code) || !err.message) return null;
  if (err.code === "internal" || err.code === "store" || err.code === "network") return t("err.detail", { msg: err.message });
  return null;
}
