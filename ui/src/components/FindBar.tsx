// Ctrl+F in the document editor: the desktop's web view has no find-in-page of its own,
// and a 30-page letter needs one. Enter goes to the next match (Shift+Enter the previous),
// which is selected in the text and scrolled into view; Escape closes the bar and puts the
// focus back in the text at the match. Nothing is changed in the document.
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";

/** Every start index of `q` in `text`, ignoring case. */
export function matchesOf(text: string, q: string): number[] {
  if (!q) return [];
  const hay = text.toLowerCase();
  const needle = q.toLowerCase();
  const out: number[] = [];
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + Math.max(1, needle.length))) out.push(i);
  return out;
}

/** Opens the bar on Ctrl+F (or Cmd+F) while the editor is shown. */
export function useFindShortcut(open: () => void) {
  const ref = useRef(open);
  ref.current = open;
  useEffect(() => {
    const h = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "f") {
        e.preventDefault();
        ref.current();
      }
    };
    document.addEventListener("keydown", h);
    return () => document.removeEventListener("keydown", h);
  }, []);
}

export function FindBar({ area, onClose }: { area: { current: HTMLTextAreaElement | null }; onClose: () => void }) {
  const [q, setQ] = useState("");
  const [at, setAt] = useState(-1); // index into the matches of the one shown
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const text = area.current?.value ?? "";
  const found = matchesOf(text, q);

  function show(k: number) {
    const a = area.current;
    if (!a || found.length === 0) return;
    const i = found[k];
    a.setSelectionRange(i, i + q.length);
    // Scroll the match into view: its line × the line height, a third from the top.
    const line = text.slice(0, i).split("\n").length - 1;
    const lh = parseFloat(getComputedStyle(a).lineHeight) || 20;
    a.scrollTop = Math.max(0, line * lh - a.clientHeight / 3);
    setAt(k);
  }

  function onKey(e: KeyboardEvent) {
    if (e.key === "Enter") {
      e.preventDefault();
      if (found.length === 0) return;
      const n = found.length;
      show(e.shiftKey ? (at - 1 + n) % n : (at + 1) % n);
    } else if (e.key === "Escape") {
      e.preventDefault(); // the editor's Escape (back to the list) must not fire too
      onClose();
      area.current?.focus();
    }
  }

  const status = !q ? "" : found.length === 0 ? t("find.none")
    : at < 0 ? t("find.total", { total: found.length }) : t("find.count", { n: at + 1, total: found.length });
  return (
    <div class="find-bar" role="search">
      <label for="doc-find" class="sr-only">{t("find.label")}</label>
      <input id="doc-find" ref={input} type="search" placeholder={t("find.label")} value={q}
        onInput={(e) => { setQ(e.currentTarget.value); setAt(-1); }} onKeyDown={onKey} />
      <span class="muted" role="status" data-testid="find-status">{status}</span>
      <button type="button" onClick={() => { onClose(); area.current?.focus(); }}>{t("common.close")}</button>
    </div>
  );
}
