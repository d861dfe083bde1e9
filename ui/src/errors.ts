// Turns an AppError (or anything thrown) into one sentence per code, in the UI's language.
// Users never see a stack. The shell's message is English (the CLI's sentence): it is
// woven in or shown as a detail only in English, never in Indonesian, where each code and
// each refused value's rule (`invalid.reason`) has its own sentence.
import type { AppError, ErrorCode } from "./api";
import { ERROR_CODES, REFUSAL_CODES } from "./bindings";
import { getLang, t, type Key } from "./i18n";
import { formatDateInput } from "./dates";

/** Codes whose English sentence embeds the shell's message ({msg}). */
const WITH_MESSAGE = new Set<string>(["invalid", "approval", "server", "file", "bundle", "key", "ca_file", "bad_answer"]);
/** Codes whose sentence does not say enough; in English the shell's message follows it. */
const DETAILED = new Set<string>(["internal", "store", "network"]);

const KNOWN = new Set<string>(ERROR_CODES);

export function asAppError(e: unknown): AppError {
  if (e && typeof e === "object" && "code" in e) {
    const o = e as { code: unknown; message?: unknown; invalid?: AppError["invalid"] };
    const code = String(o.code);
    return {
      code: (KNOWN.has(code) ? code : "internal") as ErrorCode,
      message: o.message == null ? "" : String(o.message),
      ...(o.invalid ? { invalid: o.invalid } : {}),
    };
  }
  if (e instanceof Error) return { code: "internal", message: e.message };
  return { code: "internal", message: String(e) };
}

/** Seconds a login waits, when the message says ("within 20 seconds"). */
function secondsIn(message: string): string {
  return /(\d+) second/.exec(message)?.[1] ?? "30";
}

/** The sentence shown to the user for an error. */
export function errorText(e: unknown): string {
  const err = asAppError(e);
  const vars = {
    msg: err.message || "-",
    secs: secondsIn(err.message),
    value: err.invalid?.value ?? "",
    len: err.invalid?.len ?? "",
    max: err.invalid?.max ?? "",
    example: formatDateInput("2026-12-05"),
  };
  if (err.code === "invalid" && err.invalid) return t(`err.invalid.${err.invalid.reason}` as Key, vars);
  const key = `err.${err.code}` as Key;
  if (t(key) === key) return t("err.internal");
  return t(key, vars);
}

/** Extra detail line (the shell's English message), in English only, for codes whose sentence does not include it. */
export function errorDetail(e: unknown): string | null {
  const err = asAppError(e);
  if (getLang() !== "en" || WITH_MESSAGE.has(err.code) || !err.message) return null;
  return DETAILED.has(err.code) ? t("err.detail", { msg: err.message }) : null;
}

const REFUSALS = new Set<string>(REFUSAL_CODES);

/** What the person is told about a change the server refused (`Refusal.code`): a sentence
 * per code saying what happened and what to do; a code this app does not know (a newer
 * server's) gets the generic one. The server's English reason is never part of it. */
export function refusalText(code: string | null | undefined): string {
  const known = code != null && REFUSALS.has(code) ? code : "unknown";
  return t(`refusal.${known}` as Key);
}
