// Pengaturan: server (read-only), language (id/en), account, device and its signing
// passphrase (set it here if it was skipped at first run), the profile folder, and
// "hemat data" (colleagues' attachments only when opened).
import { useEffect, useState } from "preact/hooks";
import { api, type AppState } from "../api";
import { ErrorLine, OkLine } from "../components/ErrorLine";
import { t, tCode, type Lang } from "../i18n";
import { LoginForm, PassphraseForm } from "../components/AccountForms";
import { useApp } from "../state";

export function Settings() {
  const { app, setApp } = useApp();
  const a = app.account!;
  const [langError, setLangError] = useState<unknown>(null);
  const [passOk, setPassOk] = useState<string | null>(null);
  const [hemat, setHemat] = useState<boolean | null>(null);
  const [hematError, setHematError] = useState<unknown>(null);

  useEffect(() => {
    api.hematData().then(setHemat, setHematError);
  }, []);

  async function changeHemat(on: boolean) {
    setHematError(null);
    try {
      setHemat(await api.setHematData(on));
    } catch (e) {
      setHematError(e);
    }
  }

  async function changeLang(l: Lang) {
    setLangError(null);
    try {
      setApp(await api.setLanguage(l));
    } catch (e) {
      setLangError(e);
    }
  }

  const row = (label: string, value: string | null | undefined, mono = false) => (
    <>
      <dt>{label}</dt>
      <dd class={mono ? "mono" : ""}>{value || t("set.none")}</dd>
    </>
  );

  return (
    <section class="screen settings" aria-labelledby="set-h">
      <header class="screen-head">
        <h1 id="set-h" tabIndex={-1}>{t("set.title")}</h1>
      </header>
      <div class="settings-grid">
        <section class="card" aria-labelledby="set-lang-h">
          <h2 id="set-lang-h">{t("set.language")}</h2>
          <fieldset class="radios">
            <legend class="sr-only">{t("set.language")}</legend>
            {(["id", "en"] as Lang[]).map((l) => (
              <div class="field check" key={l}>
                <input
                  type="radio"
                  name="language"
                  id={`set-lang-${l}`}
                  value={l}
                  checked={app.settings.language === l}
                  onChange={() => void changeLang(l)}
                />
                <label for={`set-lang-${l}`} lang={l}>{t(l === "id" ? "set.lang.id" : "set.lang.en")}</label>
              </div>
            ))}
          </fieldset>
          <ErrorLine error={langError} />

          <h2>{t("set.server")}</h2>
          <p class="mono" id="set-server">{a.server ?? t("set.noServer")}</p>
          <details class="connect" open={!a.server}>
            <summary>{a.server ? t("set.relogin") : t("set.connect")}</summary>
            <LoginForm
              hidden={false}
              title={a.server ? t("set.relogin") : t("set.connect")}
              initialNip={a.nip}
              initialServer={a.server ?? ""}
              needsPassphrase={a.has_passphrase}
              onLoggedIn={setApp}
            />
          </details>
        </section>

        <section class="card" aria-labelledby="set-acct-h">
          <h2 id="set-acct-h">{t("set.account")}</h2>
          <dl class="facts">
            {row(t("set.name"), a.name)}
            {row(t("set.nip"), a.nip, true)}
            {row(t("set.unit"), a.unit)}
            {row(t("set.role"), tCode("role", a.role))}
            {row(t("set.agency"), a.agency_name)}
          </dl>
        </section>

        <section class="card" aria-labelledby="set-dev-h">
          <h2 id="set-dev-h">{t("set.device")}</h2>
          <dl class="facts">
            {row(t("set.deviceId"), a.device_id, true)}
            {row(t("set.passphrase"), a.has_passphrase ? t("set.passYes") : t("set.passNo"))}
            {row(t("set.profile"), app.profile_dir, true)}
          </dl>
          {!a.has_passphrase && (
            <>
              <h3>{t("pass.title")}</h3>
              <PassphraseForm
                onSet={(s: AppState) => {
                  setApp(s);
                  setPassOk(t("pass.set"));
                }}
              />
            </>
          )}
          <OkLine text={passOk} />
        </section>

        <section class="card" aria-labelledby="set-data-h">
          <h2 id="set-data-h">{t("set.data")}</h2>
          <div class="field check">
            <input
              type="checkbox"
              id="set-hemat-data"
              data-testid="hemat-data"
              data-on={hemat === null ? undefined : String(hemat)}
              aria-describedby="set-hemat-data-hint"
              checked={hemat ?? true}
              disabled={hemat === null}
              onChange={(e) => void changeHemat(e.currentTarget.checked)}
            />
            <label for="set-hemat-data">{t("set.hematData")}</label>
          </div>
          <p class="muted" id="set-hemat-data-hint">{t("set.hematDataHint")}</p>
          <ErrorLine error={hematError} />
        </section>
      </div>
    </section>
  );
}
