// The account forms shared by the first run and Pengaturan: log in to the agency server,
// and set the signing passphrase. Typed values survive a failed attempt.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type AppState } from "../api";
import { cleanNip } from "../format";
import { t } from "../i18n";
import { useAction } from "../state";
import { ErrorLine } from "./ErrorLine";

/** Log in to the agency server; also used by Pengaturan to connect an offline profile later. */
export function LoginForm({ hidden, onLoggedIn, initialNip = "", initialServer = "", title = t("first.chooseLogin"), needsPassphrase = false }: {
  hidden: boolean;
  onLoggedIn: (s: AppState) => void;
  initialNip?: string;
  initialServer?: string;
  title?: string;
  /** The device key is sealed: the login proves with it that the key is this device's. */
  needsPassphrase?: boolean;
}) {
  const [server, setServer] = useState(initialServer);
  const [nip, setNip] = useState(initialNip);
  const [password, setPassword] = useState("");
  const [passphrase, setPassphrase] = useState("");
  const [caFile, setCaFile] = useState("");
  const { busy, error, setError, run } = useAction();
  const formRef = useRef<HTMLFormElement>(null);
  const waited = useWaited(busy);

  // After a failed login the focus goes to the field to mend: the address when it is
  // wrong or not Luring's, the password when refused; after Batal or a server that did
  // not answer, "Masuk" again (the Batal button that had it is gone).
  useEffect(() => {
    const code = error && typeof error === "object" ? (error as { code?: string }).code : null;
    const field = code === "server_address" || code === "not_luring" || code === "insecure_http" ? "#login-server"
      : code === "unauthorized" ? "#login-password"
      : code === "cancelled" || code === "no_answer" || code === "network" ? "#login-submit" : null;
    if (field) formRef.current?.querySelector<HTMLInputElement>(field)?.focus();
  }, [error]);

  async function chooseCa() {
    try {
      const p = await api.pickFile(t("first.caChoose"));
      if (p) setCaFile(p);
    } catch (err) {
      setError(err);
    }
  }

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    const n = cleanNip(nip);
    if (!server.trim() || !n || !password || (needsPassphrase && !passphrase)) return setError(t("first.required"));
    if (!/^\d{18}$/.test(n)) return setError(t("first.nipInvalid"));
    await run(async () => {
      onLoggedIn(await api.login(server.trim(), n, password, caFile.trim() || null, needsPassphrase ? passphrase : null));
    });
  }

  return (
    <form noValidate ref={formRef} class="card form" hidden={hidden} onSubmit={submit} aria-labelledby="login-h">
      <h2 id="login-h">{title}</h2>
      <label for="login-server">{t("first.server")}</label>
      <input id="login-server" type="text" inputMode="url" spellcheck={false} autoComplete="url" placeholder={t("first.serverHint")}
        value={server} onInput={(e) => setServer(e.currentTarget.value)} />
      <label for="login-nip">{t("first.nip")}</label>
      <input id="login-nip" inputMode="numeric" autoComplete="username" maxLength={24}
        value={nip} onInput={(e) => setNip(e.currentTarget.value)} />
      <label for="login-password">{t("first.password")}</label>
      <input id="login-password" type="password" autoComplete="current-password"
        value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      {needsPassphrase && (
        <>
          <label for="login-passphrase">{t("first.loginPassphrase")}</label>
          <input id="login-passphrase" type="password" autoComplete="off" aria-describedby="login-passphrase-hint"
            value={passphrase} onInput={(e) => setPassphrase(e.currentTarget.value)} />
          <p class="muted" id="login-passphrase-hint">{t("first.loginPassphraseHint")}</p>
        </>
      )}
      <details class="ca-file" open={caFile !== ""}>
        <summary>{t("first.caFile")}</summary>
        <p class="explain">{t("first.caHint")}</p>
        <label for="login-ca-file">{t("first.caPath")}</label>
        <div class="ca-row">
          <input id="login-ca-file" type="text" spellcheck={false} placeholder="agency-ca.pem"
            value={caFile} onInput={(e) => setCaFile(e.currentTarget.value)} />
          <button id="login-ca-choose" type="button" onClick={chooseCa}>{t("first.caChoose")}</button>
        </div>
      </details>
      <ErrorLine error={error} />
      <div class="actions">
        <button id="login-submit" type="submit" class="primary" disabled={busy} aria-busy={busy}>
          {busy ? t("first.loggingIn") : t("first.login")}
        </button>
        {busy && (
          <>
            <button id="login-cancel" type="button" onClick={() => void api.cancelLogin().catch(setError)}>
              {t("login.cancel")}
            </button>
            {waited >= 3 && <span class="muted" role="status">{t("login.waiting", { secs: LOGIN_WAIT_SECS })}</span>}
          </>
        )}
      </div>
    </form>
  );
}

/** The longest a login step waits for its server (luring_client::LOGIN_WAIT). */
const LOGIN_WAIT_SECS = 30;

/** Seconds since `busy` became true (0 when not busy), ticking each second. */
function useWaited(busy: boolean): number {
  const [n, setN] = useState(0);
  useEffect(() => {
    setN(0);
    if (!busy) return;
    const timer = setInterval(() => setN((x) => x + 1), 1000);
    return () => clearInterval(timer);
  }, [busy]);
  return n;
}

export function PassphraseForm({
  onSet,
  onSkip,
  inputRef,
}: {
  onSet: (s: AppState) => void;
  onSkip?: () => void;
  inputRef?: { current: HTMLInputElement | null };
}) {
  const [p1, setP1] = useState("");
  const [p2, setP2] = useState("");
  const { busy, error, setError, run } = useAction();

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    if (p1.length < 8) return setError(t("pass.tooShort"));
    if (p1 !== p2) return setError(t("pass.mismatch"));
    await run(async () => {
      const s = await api.setPassphrase(p1);
      setP1("");
      setP2("");
      onSet(s);
    });
  }

  return (
    <form noValidate class="card form" onSubmit={submit}>
      <p class="explain">{t("pass.explain")}</p>
      <label for="passphrase">{t("pass.label")}</label>
      <input id="passphrase" ref={inputRef} type="password" autoComplete="new-password"
        value={p1} onInput={(e) => setP1(e.currentTarget.value)} />
      <label for="passphrase-again">{t("pass.again")}</label>
      <input id="passphrase-again" type="password" autoComplete="new-password"
        value={p2} onInput={(e) => setP2(e.currentTarget.value)} />
      <ErrorLine error={error} />
      <div class="actions">
        <button id="passphrase-submit" type="submit" class="primary" disabled={busy} aria-busy={busy}>
          {t("pass.submit")}
        </button>
        {onSkip && (
          <button id="passphrase-skip" type="button" onClick={onSkip}>
            {t("pass.skip")}
          </button>
        )}
      </div>
    </form>
  );
}
