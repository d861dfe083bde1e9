// Root: loads the app state, shows First run or the main shell, keeps the language in
// sync with settings, and turns "luring://changed" into a reload counter for screens.
import { useEffect, useState } from "preact/hooks";
import { api, type AppState } from "./api";
import { ErrorLine } from "./components/ErrorLine";
import { Shell } from "./Shell";
import { FirstRun } from "./screens/FirstRun";
import { setLang, t } from "./i18n";

export function App() {
  const [app, setApp] = useState<AppState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    setError(null);
    api.appState().then(setApp, setError);
  }, [attempt]);

  if (app) setLang(app.settings.language === "en" ? "en" : "id");

  if (!app) {
    return (
      <main class="center">
        {error ? (
          <>
            <ErrorLine error={error} />
            <button type="button" class="primary" onClick={() => setAttempt((n) => n + 1)}>
              {t("common.reload")}
            </button>
          </>
        ) : (
          <p role="status">{t("app.loading")}</p>
        )}
      </main>
    );
  }
  if (!app.account) return <FirstRun onDone={setApp} />;
  return <Shell app={app} setApp={setApp} />;
}
