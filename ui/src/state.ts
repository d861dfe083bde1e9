// Shared app-wide state handed to every screen: the account, the current route,
// navigation, and a counter bumped on every "luring://changed" event so screens reload.
import { createContext } from "preact";
import { useCallback, useContext, useEffect, useRef, useState } from "preact/hooks";
import type { AppState } from "./api";

export type Screen = "beranda" | "tugas" | "naskah" | "persetujuan" | "pengaturan";
export const SCREENS: Screen[] = ["beranda", "tugas", "naskah", "persetujuan", "pengaturan"];

export interface Route {
  screen: Screen;
  id?: string; // the open item (task, document, approval), if any
}

export interface Ctx {
  app: AppState;
  setApp: (s: AppState) => void;
  route: Route;
  navigate: (screen: Screen, id?: string) => void;
  /** Bumped whenever a background sync brought data in. */
  changed: number;
}

export const AppCtx = createContext<Ctx>(null as unknown as Ctx);
export const useApp = () => useContext(AppCtx);

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  /** Replace the data with a fresher value (e.g. the view a command returned). */
  set: (d: T) => void;
}

/**
 * Loads data with `fn`, again when `deps` change and on every "changed" event.
 * Keeps the previous data while reloading so lists do not flash; ignores stale replies.
 */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const { changed } = useApp();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const my = ++seq.current;
    setLoading(true);
    fn().then(
      (d) => {
        if (my !== seq.current) return;
        setData(d);
        setError(null);
        setLoading(false);
      },
      (e) => {
        if (my !== seq.current) return;
        setError(e);
        setLoading(false);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, changed, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const set = useCallback((d: T) => {
    seq.current++; // a reply still in flight is now older than this value
    setData(d);
    setError(null);
    setLoading(false);
  }, []);
  return { data, error, loading, reload, set };
}

/**
 * Calls `fn` when Escape is pressed anywhere while `active` (closing a dialog or detail pane).
 * With `skipFields`, Escape inside a text field is left alone (so typed text is not lost).
 */
export function useEscape(active: boolean, fn: () => void, skipFields = false) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    if (!active) return;
    const h = (e: KeyboardEvent) => {
      const tag = (e.target as HTMLElement | null)?.tagName;
      if (skipFields && (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT")) return;
      if (e.key === "Escape" && !e.defaultPrevented) {
        e.preventDefault();
        ref.current();
      }
    };
    document.addEventListener("keydown", h);
    return () => document.removeEventListener("keydown", h);
  }, [active, skipFields]);
}
