// @vitest-environment happy-dom
// Every error code the client can return, and every rule a refused value can break, has a
// sentence in Indonesian and in English (issue 15 item 4). The lists come from the Rust
// types (bindings.ts, generated and checked by src-tauri's bindings test), so a new code
// without a sentence fails here. In Indonesian no English reaches the person: not the
// shell's message, not an English word.
import { afterEach, describe, expect, it } from "vitest";
import type { AppError, ErrorCode } from "./api";
import { ERROR_CODES, VALIDATION_REASONS } from "./bindings";
import { errorDetail, errorText } from "./errors";
import { setLang, t, type Key } from "./i18n";

// Whole words a sentence in Indonesian never needs; each is common in the shell's messages.
const ENGLISH = /\b(the|is|are|not|cannot|refused|please|must|does|exist|error|failed|wrong|try|again|your|with|only|this|that|answered|was|login|log in)\b/i;
// The shell's message, as the CLI would print it: English by design.
const SHELL = "the server at https://x.example refused: it does not exist";

afterEach(() => setLang("id"));

function shown(e: AppError): string {
  return [errorText(e), errorDetail(e) ?? ""].join(" ");
}

describe("error sentences", () => {
  it("lists codes from Rust", () => {
    expect(ERROR_CODES.length).toBeGreaterThan(25);
    expect(ERROR_CODES).toContain("no_answer");
    expect(VALIDATION_REASONS).toContain("title_too_long");
  });

  it("has its own Indonesian sentence for every code, with no English in it", () => {
    setLang("id");
    const generic = t("err.internal");
    for (const code of ERROR_CODES) {
      expect(t(`err.${code}` as Key), code).not.toBe(`err.${code}`);
      const text = shown({ code, message: SHELL });
      if (code !== "internal") expect(text, code).not.toBe(generic);
      expect(text, code).not.toContain("https://x.example");
      expect(ENGLISH.test(text), `${code}: ${text}`).toBe(false);
    }
  });

  it("has an Indonesian sentence for every rule a value can break, naming its numbers", () => {
    setLang("id");
    for (const reason of VALIDATION_REASONS) {
      const e: AppError = { code: "invalid", message: SHELL, invalid: { reason, value: "x", len: 250, max: 200 } };
      const text = shown(e);
      expect(t(`err.invalid.${reason}` as Key), reason).not.toBe(`err.invalid.${reason}`);
      expect(text, reason).not.toContain("{");
      expect(ENGLISH.test(text), `${reason}: ${text}`).toBe(false);
    }
    const long: AppError = { code: "invalid", message: SHELL, invalid: { reason: "title_too_long", value: null, len: 250, max: 200 } };
    expect(errorText(long)).toBe("Judul terlalu panjang: 250 karakter, paling banyak 200.");
  });

  it("has an English sentence for every code and rule too", () => {
    setLang("en");
    for (const code of ERROR_CODES) expect(t(`err.${code}` as Key), code).not.toBe(`err.${code}`);
    for (const reason of VALIDATION_REASONS) expect(t(`err.invalid.${reason}` as Key), reason).not.toBe(`err.invalid.${reason}`);
    expect(errorText({ code: "no_answer", message: "the server at x did not answer within 7 seconds" })).toContain("7 seconds");
  });

  it("tells the first run's four failures apart", () => {
    setLang("id");
    const of = (code: ErrorCode) => errorText({ code, message: SHELL });
    expect(of("server_address")).toContain("Alamat server salah");
    expect(of("not_luring")).toContain("bukan server Luring");
    expect(of("no_answer")).toContain("Server tidak menjawab");
    expect(of("network")).toContain("Tidak ada sinyal");
  });

  it("says an unknown code as the generic sentence, not as the raw code", () => {
    setLang("id");
    expect(errorText({ code: "something_new" as ErrorCode, message: "x" })).toBe(t("err.internal"));
  });
});
