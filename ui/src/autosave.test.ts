// The editor's promise — no keystroke lost — rests on AutoSaver: these tests drive it with a
// fake save that the test resolves or fails by hand.
import { describe, expect, it, vi } from "vitest";
import { AutoSaver } from "./autosave";
import { applySplices, type Splice } from "./splice";

/** A save whose calls wait until the test settles them. */
function fakeSave() {
  const calls: { body: string; splices: Splice[]; ok: () => void; fail: () => void }[] = [];
  const save = (body: string, splices: Splice[]) =>
    new Promise<unknown>((resolve, reject) => {
      calls.push({ body, splices, ok: () => resolve({ body }), fail: () => reject({ code: "store", message: "disk busy" }) });
    });
  return { calls, save };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("AutoSaver", () => {
  it("sends at once, keeps one save in flight and sends only the newest text next", async () => {
    const f = fakeSave();
    const s = new AutoSaver(f.save);
    s.input("R");
    s.input("Ra");
    s.input("Rap");
    expect(f.calls.map((c) => c.body)).toEqual(["R"]);
    expect(s.state).toBe("saving");
    f.calls[0].ok();
    await tick();
    expect(f.calls.map((c) => c.body)).toEqual(["R", "Rap"]);
    f.calls[1].ok();
    await tick();
    expect(s.state).toBe("saved");
    expect(s.dirty).toBe(false);
  });

  it("sends with each body the splices typed since the last one sent", async () => {
    const f = fakeSave();
    const s = new AutoSaver(f.save, 60_000);
    s.input("R", { pos: 0, delete: 0, insert: "R" });
    s.input("Ra", { pos: 1, delete: 0, insert: "a" });
    s.input("Rap", { pos: 2, delete: 0, insert: "p" });
    expect(f.calls[0].splices).toEqual([{ pos: 0, delete: 0, insert: "R" }]);
    f.calls[0].ok();
    await tick();
    expect(f.calls[1].body).toBe("Rap");
    expect(applySplices("R", f.calls[1].splices)).toBe("Rap");
    // An input whose splice is unknown sends the whole body (no splices) until the next save.
    s.input("Rapa", null);
    s.input("Rapat", { pos: 4, delete: 0, insert: "t" });
    f.calls[1].ok();
    await tick();
    expect(f.calls[2]).toMatchObject({ body: "Rapat", splices: [] });
    // After a failure nobody knows what was stored: the retry and what follows go whole.
    f.calls[2].fail();
    await tick();
    s.input("Rapat!", { pos: 5, delete: 0, insert: "!" });
    expect(f.calls[3]).toMatchObject({ body: "Rapat!", splices: [] });
    f.calls[3].ok();
    await tick();
    s.input("Rapat!!", { pos: 6, delete: 0, insert: "!" });
    expect(f.calls[4].splices).toEqual([{ pos: 6, delete: 0, insert: "!" }]);
  });

  it("keeps a failed text, says so, and retries it", async () => {
    vi.useFakeTimers();
    try {
      const f = fakeSave();
      const s = new AutoSaver(f.save, 2000);
      const states: string[] = [];
      s.setListener((st) => states.push(st));
      s.input("Rapat Senin");
      f.calls[0].fail();
      await vi.advanceTimersByTimeAsync(0);
      expect(s.state).toBe("error");
      expect(s.dirty).toBe(true);
      expect(states).toContain("error");
      await vi.advanceTimersByTimeAsync(2000);
      expect(f.calls.map((c) => c.body)).toEqual(["Rapat Senin", "Rapat Senin"]);
      f.calls[1].ok();
      await vi.advanceTimersByTimeAsync(0);
      expect(s.state).toBe("saved");
    } finally {
      vi.useRealTimers();
    }
  });

  it("does not let a failed older text replace newer typing", async () => {
    const f = fakeSave();
    const s = new AutoSaver(f.save, 60_000);
    s.input("a");
    s.input("ab");
    f.calls[0].fail();
    await tick();
    // "ab" is what is pending; the next save sends it, not "a".
    void s.flush();
    await tick();
    expect(f.calls.map((c) => c.body)).toEqual(["a", "ab"]);
    expect(s.latest).toBe("ab");
  });

  it("flush resolves only once everything typed is saved", async () => {
    const f = fakeSave();
    const s = new AutoSaver(f.save);
    s.input("x");
    s.input("xy");
    let flushed = false;
    const done = s.flush().then(() => (flushed = true));
    f.calls[0].ok();
    await tick();
    expect(flushed).toBe(false);
    f.calls[1].ok();
    await done;
    expect(flushed).toBe(true);
    expect(s.latest).toBe("xy");
  });
});
