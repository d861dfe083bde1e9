// Shared app-wide state handed to every screen: the account, the current route,
// navigation, and a counter bumped on every "luring://changed" event so screens reload.
import { createContext } from "preact";
import { useCallback, useContext, useEffect, useRef, useState } from "preact/hooks";
import type { AppState, DueBucket } from "./api";

export type Screen = "beranda" | "tugas" | "naskah" | "persetujuan" | "pengaturan";
export const SCREENS: Screen[] = ["beranda", "tugas", "naskah", "persetujuan", "pengaturan"];

export interface Route {
  screen: Screen;
  id?: string; // the open item (task, document, approval), if any
  /** Tugas opened from Beranda's "lihat semua": one bucket of my unfinished tasks, or the tasks I gave. */
  filter?: RouteFilter;
}

export interface RouteFilter {
  due?: DueBucket;
  given?: boolean;
}

export interface Ctx {
  app: AppState;
  setApp: (s: AppState) => void;
  route: Route;
  navigate: (screen: Screen, id?: string, filter?: RouteFilter) => void;
  /** Bumped whenever a background sync brought data in. */
  changed: number;
}

export const AppCtx = createContext<Ctx>(null as unknown as Ctx);
export const useApp = () => useContext(AppCtx);

/**
 * What `useLoad` knows. While (re)loading, the last data and error stay, so lists do not
 * flash; once loaded there is data and no error; a failure keeps the last data.
 */
export type LoadState<T> =
  | { state: "loading"; data: T | undefined; error: unknown }
  | { state: "ready"; data: T; error: null }
  | { state: "failed"; data: T | undefined; error: unknown };

export type Loaded<T> = LoadState<T> & {
  loading: boolean;
  reload: () => void;
  /** Replace the data with a fresher value (e.g. the view a command returned). */
  set: (d: T) => void;
};

/**
 * Loads data with `fn`, again when `deps` change and on every "changed" event.
 * Keeps the previous data while reloading so lists do not flash; ignores stale replies.
 */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const { changed } = useApp();
  const [st, setSt] = useState<LoadState<T>>({ state: "loading", data: undefined, error: null });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const my = ++seq.current;
    setSt((old) => ({ state: "loading", data: old.data, error: old.error }));
    fn().then(
      (d) => {
        if (my !== seq.current) return;
        setSt({ state: "ready", data: d, error: null });
      },
      (e) => {
        if (my !== seq.current) return;
        setSt((old) => ({ state: "failed", data: old.data, error: e }));
      },
    );
  }, [...deps, changed, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const set = useCallback((d: T) => {
    seq.current++; // a reply still in flight is now older than this value
    setSt({ state: "ready", data: d, error: null });
  }, []);
  return { ...st, loading: st.state === "loading", reload, set };
}

/**
 * A form's command: `busy` while it runs (buttons disable), its `error`, and an `ok` line.
 * `run(f)` clears both lines, runs `f` and keeps its error; it resolves to whether `f`
 * succeeded. Checks made before running set `error` themselves.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [ok, setOk] = useState<string | null>(null);
  const run = useCallback(async (f: () => Promise<void>): Promise<boolean> => {
    setError(null);
    setOk(null);
    setBusy(true);
    try {
      await f();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, ok, setOk, run };
}

/**
 * The fields of a form that edits a loaded view `v`: they start as `fieldsOf(v)` and take
 * fresh data from a reload only while the user has not edited them. `edit(k, x)` changes
 * one field (the form is then dirty and its "saved" line goes); a submit ends with
 * `setDirty(false)`. `error` and `ok` are the form's two lines.
 */
export function useEditForm<V, F>(v: V, fieldsOf: (v: V) => F) {
  const [fields, setFields] = useState<F>(() => fieldsOf(v));
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [ok, setOk] = useState<string | null>(null);
  useEffect(() => {
    if (dirty) return;
    setFields(fieldsOf(v));
  }, [v]);
  const edit = <K extends keyof F>(k: K, x: F[K]) => {
    setFields((f) => ({ ...f, [k]: x }));
    setDirty(true);
    setOk(null);
  };
  return { fields, edit, setDirty, error, setError, ok, setOk };
}

/**
 * Subscribes `f` to a backend event while the component is mounted (`subscribe` is one of
 * api.ts's `events`); an unsubscribe that arrives after unmounting runs at once.
 */
export function useEvent<T>(subscribe: (f: (payload: T) => void) => Promise<() => void>, f: (payload: T) => void) {
  const ref = useRef(f);
  ref.current = f;
  useEffect(() => {
    let alive = true;
    let un: (() => void) | null = null;
    subscribe((p) => {
      if (alive) ref.current(p);
    }).then((u) => (alive ? (un = u) : u()), () => {});
    return () => {
      alive = false;
      un?.();
    };
  }, [subscribe]);
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
