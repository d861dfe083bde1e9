// The main window once a profile exists: side menu (Alt+1..5), the current screen in
// #app-main, and the status bar. Owns the route and the "changed" reload counter.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { events, type AppState } from "./api";
import { StatusBar } from "./components/StatusBar";
import { t, type Key } from "./i18n";
import { AppCtx, SCREENS, useEvent, type Route, type RouteFilter, type Screen } from "./state";
import { Approvals } from "./screens/Approvals";
import { Documents } from "./screens/Documents";
import { Home } from "./screens/Home";
import { Settings } from "./screens/Settings";
import { Tasks } from "./screens/Tasks";

const ICONS: Record<Screen, string> = { beranda: "⌂", tugas: "✓", naskah: "✎", persetujuan: "✍", pengaturan: "⚙" };

export function Shell({ app, setApp }: { app: AppState; setApp: (s: AppState) => void }) {
  const [route, setRoute] = useState<Route>({ screen: "beranda" });
  const [changed, setChanged] = useState(0);
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  const navigate = useCallback((screen: Screen, id?: string, filter?: RouteFilter) => setRoute({ screen, id, filter }), []);

  // A background sync brought data in: every mounted screen reloads (no page reload).
  useEvent(events.onChanged, () => setChanged((n) => n + 1));

  // Alt+1..5 switch the main screens.
  useEffect(() => {
    const h = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const n = Number(e.key);
      const byCode = /^Digit([1-5])$/.exec(e.code);
      const i = n >= 1 && n <= 5 ? n : byCode ? Number(byCode[1]) : 0;
      if (i) {
        e.preventDefault();
        navigate(SCREENS[i - 1]);
      }
    };
    window.addEventListener("keydown", h);
    return () => window.removeEventListener("keydown", h);
  }, [navigate]);

  // Escape in a text field leaves it (the focus goes to the pane around it), so a second
  // Escape can close the detail; typed text stays in the field.
  useEffect(() => {
    const h = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (e.key !== "Escape" || e.defaultPrevented || !el) return;
      if (el.tagName !== "INPUT" && el.tagName !== "TEXTAREA" && el.tagName !== "SELECT") return;
      e.preventDefault();
      el.blur();
      const pane = el.closest<HTMLElement>("article, section, main");
      if (pane) {
        if (!pane.hasAttribute("tabindex")) pane.setAttribute("tabindex", "-1");
        pane.focus();
      }
    };
    window.addEventListener("keydown", h);
    return () => window.removeEventListener("keydown", h);
  }, []);

  // On a screen change, move focus to the screen's heading so Tab continues from there.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.querySelector<HTMLElement>("h1")?.focus();
  }, [route.screen]);

  const acct = app.account!;
  return (
    <AppCtx.Provider value={{ app, setApp, route, navigate, changed }}>
      <div class="shell">
        <a class="skip" href="#app-main">{t("app.skip")}</a>
        <nav class="sidebar" aria-label={t("nav.label")}>
          <div class="brand">
            <span class="brand-name">{t("app.name")}</span>
            <span class="brand-user" title={acct.nip}>{acct.name}</span>
          </div>
          <ul>
            {SCREENS.map((s, i) => (
              <li key={s}>
                <button
                  type="button"
                  data-nav={s}
                  class={route.screen === s ? "active" : ""}
                  aria-current={route.screen === s ? "page" : undefined}
                  aria-keyshortcuts={`Alt+${i + 1}`}
                  onClick={() => navigate(s)}
                >
                  <span class="nav-icon" aria-hidden="true">{ICONS[s]}</span>
                  <span class="nav-text">{t(`nav.${s}` as Key)}</span>
                  <kbd aria-hidden="true">{t("nav.shortcut", { n: i + 1 })}</kbd>
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <main id="app-main" class="main" ref={mainRef} tabIndex={-1}>
          {route.screen === "beranda" && <Home />}
          {route.screen === "tugas" && <Tasks key="tugas" />}
          {route.screen === "naskah" && <Documents key="naskah" />}
          {route.screen === "persetujuan" && <Approvals key="persetujuan" />}
          {route.screen === "pengaturan" && <Settings />}
        </main>
        <StatusBar />
      </div>
    </AppCtx.Provider>
  );
}
