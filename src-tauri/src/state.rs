//! What the commands share: the profile folder, the window's open profile and the sync
//! loop. Injected once at start-up; the profile sits behind a mutex because SQLite's
//! connection serves one caller at a time (the sync loop has its own connection, so a slow
//! link never blocks typing).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use luring_client::{ClientError, ErrorCode, LoginCancel, Profile};
use tauri::{AppHandle, Manager};

use crate::error::{CmdError, CmdResult};
use crate::sync_loop::SyncLoop;

/// The desktop's command line. An argument it does not know does not stop the window (a
/// desktop session may add its own); clap stops reading at it, so `--profile` comes first.
#[derive(Debug, clap::Parser)]
#[command(name = "luring-desktop", version, about, ignore_errors = true)]
struct Args {
    /// The profile folder (default: the LURING_PROFILE variable, else the platform's data
    /// folder for the app).
    #[arg(long, value_name = "DIR")]
    profile: Option<PathBuf>,
}

/// `--profile DIR` (or `--profile=DIR`) from `args`, the program's name first.
fn profile_arg<I, T>(args: I) -> anyhow::Result<Option<PathBuf>>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    // clap, told to ignore errors, drops a `--profile` that lacks its folder: say so.
    if args.last().is_some_and(|a| a == "--profile") {
        anyhow::bail!("--profile needs a folder");
    }
    Ok(<Args as clap::Parser>::try_parse_from(args)?.profile)
}

/// The profile folder: `--profile DIR` or `LURING_PROFILE` if given (the demo and the
/// tests use them; the CLI takes the same), else the platform's data folder for the app.
pub fn profile_dir(app: &AppHandle) -> anyhow::Result<PathBuf> {
    if let Some(dir) = profile_arg(std::env::args_os())? {
        return Ok(dir);
    }
    if let Some(dir) = std::env::var_os("LURING_PROFILE") {
        return Ok(PathBuf::from(dir));
    }
    Ok(app.path().app_data_dir()?.join("profile"))
}

#[derive(Clone)]
pub struct Desktop {
    pub dir: PathBuf,
    profile: Arc<Mutex<Option<Profile>>>,
    /// Why an existing profile could not be opened (e.g. made by a newer Luring): the window
    /// says so instead of offering a first run over it.
    pub open_error: Option<CmdError>,
    pub sync: Arc<SyncLoop>,
    /// The login under way, if any, so "Batal" can stop it.
    login: Arc<Mutex<Option<LoginCancel>>>,
}

impl Desktop {
    /// Opens the profile in `dir` if there is one (else the window shows its first run) and
    /// starts the sync loop, which tries the server at once.
    pub fn open(dir: PathBuf, app: AppHandle) -> Self {
        let (profile, open_error) = match Profile::open(&dir) {
            Ok(p) => (Some(p), None),
            Err(ClientError::NoProfile(_)) => (None, None),
            Err(e) => {
                tracing::error!("the profile in {} cannot be opened: {e}", dir.display());
                (None, Some(CmdError::from(e)))
            }
        };
        let sync = SyncLoop::start(dir.clone(), app);
        Self {
            dir,
            profile: Arc::new(Mutex::new(profile)),
            open_error,
            sync,
            login: Arc::default(),
        }
    }

    /// A new login starts: the handle "Batal" stops it with (a login still running is stopped).
    pub fn begin_login(&self) -> LoginCancel {
        let c = LoginCancel::new();
        let old = self
            .login
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .replace(c.clone());
        if let Some(old) = old {
            old.cancel();
        }
        c
    }

    /// "Batal": stops the login under way, if any.
    pub fn cancel_login(&self) {
        if let Some(c) = self.login.lock().unwrap_or_else(|p| p.into_inner()).take() {
            c.cancel();
        }
    }

    /// Runs `f` on the open profile, on a blocking thread (SQLite, argon2 and HTTP must
    /// never hold the window's event loop).
    pub async fn with<T, F>(&self, f: F) -> CmdResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Profile) -> Result<T, ClientError> + Send + 'static,
    {
        let profile = self.profile.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = profile.lock().unwrap_or_else(|p| p.into_inner());
            let p = guard.as_mut().ok_or_else(|| {
                CmdError::new(
                    ErrorCode::NoProfile,
                    "no profile yet: log in or work offline first",
                )
            })?;
            f(p).map_err(CmdError::from)
        })
        .await
        .map_err(|e| CmdError::new(ErrorCode::Internal, e.to_string()))?
    }

    /// As [`Desktop::with`], for a change the server should hear about soon.
    pub async fn change<T, F>(&self, f: F) -> CmdResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Profile) -> Result<T, ClientError> + Send + 'static,
    {
        let r = self.with(f).await;
        if r.is_ok() {
            self.sync.local_change();
        }
        r
    }

    /// Replaces the open profile by what `make` opens or creates (login, offline start).
    pub async fn replace<F>(&self, make: F) -> CmdResult<()>
    where
        F: FnOnce(&std::path::Path) -> Result<Profile, ClientError> + Send + 'static,
    {
        let profile = self.profile.clone();
        let dir = self.dir.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let p = make(&dir).map_err(CmdError::from)?;
            *profile.lock().unwrap_or_else(|p| p.into_inner()) = Some(p);
            Ok::<_, CmdError>(())
        })
        .await
        .map_err(|e| CmdError::new(ErrorCode::Internal, e.to_string()))??;
        self.sync.account_changed();
        Ok(())
    }

    pub fn has_profile(&self) -> bool {
        self.profile
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_folder_is_read_in_both_spellings_and_unknown_arguments_do_not_stop_the_window() {
        let dir = |args: &[&str]| profile_arg(args.iter().copied()).expect("parsed");
        assert_eq!(dir(&["app"]), None);
        assert_eq!(dir(&["app", "--profile", "/p"]), Some("/p".into()));
        assert_eq!(dir(&["app", "--profile=/p"]), Some("/p".into()));
        assert_eq!(
            dir(&["app", "--profile", "/p", "--other"]),
            Some("/p".into())
        );
        assert_eq!(dir(&["app", "--other"]), None);
        let e = profile_arg(["app", "--profile"]).expect_err("no folder");
        assert_eq!(e.to_string(), "--profile needs a folder");
    }
}
