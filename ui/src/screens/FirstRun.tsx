// First run (no account yet): log in to the agency server, or work offline with a name
// and NIP. After a login, a step to set the signing passphrase (skippable).
// Typed values survive a failed attempt (e.g. login while offline).
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type AppState } from "../api";
import { ErrorLine } from "../components/ErrorLine";
import { cleanNip } from "../format";
import { t } from "../i18n";
import { useAction } from "../state";
import { LoginForm, PassphraseForm } from "../components/AccountForms";

type Mode = "login" | "offline";

export function FirstRun({ onDone }: { onDone: (s: AppState) => void }) {
  const [mode, setMode] = useState<Mode>("login");
  const [afterLogin, setAfterLogin] = useState<AppState | null>(null);

  if (afterLogin) return <PassphraseStep state={afterLogin} onDone={onDone} />;

  return (
    <main class="first-run" id="first-run">
      <h1>{t("first.title")}</h1>
      <p class="lead">{t("first.intro")}</p>
      <div class="choices" role="group">
        <Choice id="choose-login" active={mode === "login"} onChoose={() => setMode("login")} title={t("first.chooseLogin")} hint={t("first.chooseLoginHint")} />
        <Choice id="choose-offline" active={mode === "offline"} onChoose={() => setMode("offline")} title={t("first.chooseOffline")} hint={t("first.chooseOfflineHint")} />
      </div>
      {/* Both forms stay mounted so typed values survive switching; only one is visible. */}
      <LoginForm hidden={mode !== "login"} onLoggedIn={(s) => (s.account?.has_passphrase ? onDone(s) : setAfterLogin(s))} />
      <OfflineForm hidden={mode !== "offline"} onDone={onDone} />
    </main>
  );
}

function OfflineForm({ hidden, onDone }: { hidden: boolean; onDone: (s: AppState) => void }) {
  const [name, setName] = useState("");
  const [nip, setNip] = useState("");
  const { busy, error, setError, run } = useAction();

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    const n = cleanNip(nip);
    if (!name.trim() || !n) return setError(t("first.required"));
    if (!/^\d{18}$/.test(n)) return setError(t("first.nipInvalid"));
    await run(async () => {
      onDone(await api.workOffline(name.trim(), n));
    });
  }

  return (
    <form noValidate class="card form" hidden={hidden} onSubmit={submit} aria-labelledby="offline-h">
      <h2 id="offline-h">{t("first.chooseOffline")}</h2>
      <label for="offline-name">{t("first.name")}</label>
      <input id="offline-name" autoComplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <label for="offline-nip">{t("first.nip")}</label>
      <input id="offline-nip" inputMode="numeric" maxLength={24} value={nip} onInput={(e) => setNip(e.currentTarget.value)} />
      <ErrorLine error={error} />
      <div class="actions">
        <button id="offline-submit" type="submit" class="primary" disabled={busy} aria-busy={busy}>
          {t("first.start")}
        </button>
      </div>
    </form>
  );
}

/** Set the signing passphrase (twice), or skip. Also used from Pengaturan (without skip). */
export function PassphraseStep({ state, onDone }: { state: AppState; onDone: (s: AppState) => void }) {
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <main class="first-run" id="passphrase-step">
      <h1>{t("pass.title")}</h1>
      <PassphraseForm inputRef={first} onSet={onDone} onSkip={() => onDone(state)} />
    </main>
  );
}

/** One of the two ways to start, as a toggle button. */
function Choice({ id, active, onChoose, title, hint }: { id: string; active: boolean; onChoose: () => void; title: string; hint: string }) {
  return (
    <button type="button" id={id} class={`choice ${active ? "active" : ""}`} aria-pressed={active} onClick={onChoose}>
      <strong>{title}</strong>
      <span>{hint}</span>
    </button>
  );
}
