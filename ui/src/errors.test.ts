// @vitest-environment happy-dom
// Every error code the client can return, and every rule a refused value can break, has a
// sentence in Indonesian and in English (issue 15 item 4). The lists come from the Rust
// types (bindings.ts, generated and checked by src-tauri's bindings test), so a new code
// without a sentence fails here. In Indonesian no English reaches the person: not the
// shell's message, not an English word.
import { afterEach, describe, expect, it } from "vitest";
import type { AppError, ErrorCode } from "./api";
import { ERROR_CODES, REFUSAL_CODES, VALIDATION_REASONS } from "./bindings";
import { errorDetail, errorText, refusalText } from "./errors";
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

// Why the server refused a change (`Refusal.code`, from luring_model::RefusalCode): the
// server's reason is English, so each code has its own sentence in both languages.
describe("refusal sentences", () => {
  it("lists codes from Rust", () => {
    expect(REFUSAL_CODES.length).toBeGreaterThan(20);
    expect(REFUSAL_CODES).toContain("frozen_approved");
    expect(REFUSAL_CODES).toContain("unknown");
  });

  it("has its own Indonesian sentence for every code, with no English in it", () => {
    setLang("id");
    const generic = t("refusal.unknown");
    const seen = new Set<string>();
    for (const code of REFUSAL_CODES) {
      expect(t(`refusal.${code}` as Key), code).not.toBe(`refusal.${code}`);
      const text = refusalText(code);
      if (code !== "unknown") expect(text, code).not.toBe(generic);
      expect(text, code).not.toContain("{");
      expect(ENGLISH.test(text), `${code}: ${text}`).toBe(false);
      seen.add(text);
    }
    expect(seen.size, "two codes share a sentence").toBe(REFUSAL_CODES.length);
    expect(refusalText("frozen_approved")).toContain("Buat revisi");
    expect(refusalText("frozen_submitted")).toContain("Tarik pengajuan");
  });

  it("has an English sentence for every code too", () => {
    setLang("en");
    for (const code of REFUSAL_CODES) {
      expect(t(`refusal.${code}` as Key), code).not.toBe(`refusal.${code}`);
      if (code !== "unknown") expect(refusalText(code), code).not.toBe(t("refusal.unknown"));
    }
    expect(refusalText("frozen_approved")).toContain("revision");
  });

  it("says a code this app does not know (a newer server's) with the generic sentence", () => {
    setLang("id");
    expect(refusalText("approved_by_bsre")).toBe(t("refusal.unknown"));
    expect(refusalText(null)).toBe(t("refusal.unknown"));
    setLang("en");
    expect(refusalText("approved_by_bsre")).toBe(t("refusal.unknown"));
  });
});
