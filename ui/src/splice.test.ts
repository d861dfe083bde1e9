// The editor's splices: what one input did, read from the text before, the text after and
// the caret — never the whole-body guess a diff would make.
import { describe, expect, it } from "vitest";
import { applySplices, spliceOf } from "./splice";

describe("spliceOf", () => {
  it("reads typing in the middle of a word as an insertion of the typed characters only", () => {
    expect(spliceOf("rencana kunjungan", "rencana kunju ngan", 14)).toEqual({ pos: 13, delete: 0, insert: " " });
    expect(spliceOf("rapa besok", "rapat besok", 5)).toEqual({ pos: 4, delete: 0, insert: "t" });
  });

  it("places a letter typed among equal ones where the caret says", () => {
    // "aa" → "aaa": typed between the two, at the end, or at the start.
    expect(spliceOf("aa", "aaa", 2)).toEqual({ pos: 1, delete: 0, insert: "a" });
    expect(spliceOf("aa", "aaa", 3)).toEqual({ pos: 2, delete: 0, insert: "a" });
    expect(spliceOf("aa", "aaa", 1)).toEqual({ pos: 0, delete: 0, insert: "a" });
  });

  it("reads backspace, delete and a paste over a selection", () => {
    expect(spliceOf("aab", "ab", 0)).toEqual({ pos: 0, delete: 1, insert: "" }); // backspace after the first a
    expect(spliceOf("aab", "ab", 1)).toEqual({ pos: 1, delete: 1, insert: "" }); // delete key before the second a
    expect(spliceOf("halo dunia", "halo semua", 10)).toEqual({ pos: 5, delete: 5, insert: "semua" });
    expect(spliceOf("", "Yth. Bapak", 10)).toEqual({ pos: 0, delete: 0, insert: "Yth. Bapak" });
    expect(spliceOf("teks", "", 0)).toEqual({ pos: 0, delete: 4, insert: "" });
  });

  it("counts UTF-16 units and never cuts an emoji in two", () => {
    // 😀 (D83D DE00) → 😁 (D83D DE01): the same high surrogate, but the whole emoji is replaced.
    expect(spliceOf("a😀b", "a😁b", 3)).toEqual({ pos: 1, delete: 2, insert: "😁" });
    expect(spliceOf("😀", "😀x", 3)).toEqual({ pos: 2, delete: 0, insert: "x" });
  });

  it("gives back the text after, for any single edit", () => {
    const alphabet = ["a", "b", " ", "é", "😀", "\n"];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const word = () => Array.from({ length: rand(5) }, () => alphabet[rand(alphabet.length)]).join("");
    for (let i = 0; i < 500; i++) {
      const before = word() + word();
      // A splice on whole characters (code points), as a text area makes them.
      const cps = Array.from(before);
      const at = rand(cps.length + 1);
      const del = rand(cps.length - at + 1);
      const typed = word();
      const after = cps.slice(0, at).join("") + typed + cps.slice(at + del).join("");
      const caret = cps.slice(0, at).join("").length + typed.length;
      const s = spliceOf(before, after, caret);
      expect(applySplices(before, [s])).toBe(after);
      expect(s.delete + s.insert.length).toBeLessThanOrEqual(cps.slice(at, at + del).join("").length + typed.length);
    }
  });
});
