//! A scenario's own server and its clients' logins, and a sync or transfer measured
//! through a fresh emulated link in front of it (`luring-bench link` and `sync`).

use std::path::PathBuf;
use std::time::Duration;

use luring_client::{LoginOptions, Profile, TransferReport};
use luring_netsim::{Link, Profile as LinkProfile};
use luring_store::MetaKey;

use crate::link::{attachment_requests, CHUNK_BYTES, MANIFEST_ENTRY_BYTES, RETRY_PAUSE};
use crate::served::{self, Served};
use crate::wire::{self, Measured};
use crate::BoxResult;

/// The link a measurement goes through.
pub struct Over {
    pub profile: LinkProfile,
    /// Stop starting a failed sync again after this long.
    pub give_up: Duration,
}

/// Paths and options shared by a scenario's clients.
pub struct Site {
    pub server: Served,
    pub dir: PathBuf,
    pub opts: LoginOptions,
}

impl Site {
    pub fn start(dir: PathBuf, https: bool) -> BoxResult<Site> {
        std::fs::create_dir_all(&dir)?;
        let server = Served::start(&dir, https)?;
        let opts = LoginOptions {
            ca_file: server.ca.clone(),
            ..Default::default()
        };
        Ok(Site { server, dir, opts })
    }

    pub fn direct(&self) -> String {
        self.server.url_via(self.server.addr)
    }

    pub fn login(&self, folder: &str, nip: &str) -> BoxResult<Profile> {
        Ok(Profile::login(
            &self.dir.join(folder),
            &self.direct(),
            nip,
            served::password(nip)?,
            &self.opts,
        )?)
    }

    /// `how` through a fresh link with `over`'s profile.
    fn through(
        &self,
        over: &Over,
        how: impl FnOnce(&Link, &wire::Plan<'_>) -> BoxResult<Measured>,
    ) -> BoxResult<Measured> {
        let link = Link::start(self.server.addr, over.profile.clone())?;
        let url = self.server.url_via(link.addr());
        let m = how(
            &link,
            &wire::Plan {
                url: &url,
                ca: self.server.ca.as_deref(),
                give_up: over.give_up,
                pause: RETRY_PAUSE,
            },
        )?;
        let _final = link.stop();
        Ok(m)
    }

    /// `p`'s sync through a fresh link with `over`'s profile.
    pub fn measure(&self, p: &mut Profile, over: &Over) -> BoxResult<Measured> {
        self.through(over, |link, w| wire::sync_through(p, link, w))
    }

    /// An attachment transfer of `p`'s (`go`, `size` bytes) through a fresh link: the
    /// profile's server is the link while it runs.
    pub fn transfer(
        &self,
        p: &mut Profile,
        over: &Over,
        upload: bool,
        size: u64,
        mut go: impl FnMut(&mut Profile) -> luring_client::Result<TransferReport>,
    ) -> BoxResult<Measured> {
        self.through(over, |link, w| {
            p.store().put(MetaKey::Server, w.url)?;
            let payload = size + size.div_ceil(CHUNK_BYTES) * MANIFEST_ENTRY_BYTES;
            let clean = attachment_requests(size);
            let m = wire::transfer_through(link, w, upload, clean, payload, || go(p));
            p.store().put(MetaKey::Server, &self.direct())?;
            m
        })
    }
}
