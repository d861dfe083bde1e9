//! Is the server back? A cheap check a waiting sync makes while the link is down: a TCP
//! connection to the server's address, no bytes sent (a TLS handshake or a request would
//! cost a round of bytes on a 2G link every few seconds of an outage).
//!
//! It only says "something listens there now". A sync loop that last failed because
//! nothing could be reached uses it to try at once when the server comes back, instead of
//! sleeping out a backoff of minutes while the status bar says "Tidak tersambung".

use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use luring_store::MetaKey;

use crate::error::Result;
use crate::profile::Profile;

/// Whether a TCP connection to `server`'s host and port opens within `within`.
pub fn server_listens(server: &str, within: Duration) -> bool {
    let Ok(url) = reqwest::Url::parse(server) else {
        return false;
    };
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return false;
    };
    // An IPv6 literal comes bracketed from the URL; the resolver wants it bare.
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let Ok(addrs) = (host, port).to_socket_addrs() else {
        return false;
    };
    addrs
        .into_iter()
        .any(|a| TcpStream::connect_timeout(&a, within).is_ok())
}

impl Profile {
    /// Whether this profile's server listens now (false for a profile without a server).
    pub fn server_listens(&self, within: Duration) -> Result<bool> {
        let server: Option<String> = self.store().get(MetaKey::Server)?;
        Ok(server.is_some_and(|s| server_listens(&s, within)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listening_port_is_seen_and_a_closed_one_is_not() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let port = l.local_addr().expect("its address").port();
        let url = format!("http://127.0.0.1:{port}");
        assert!(server_listens(&url, Duration::from_secs(1)));
        drop(l);
        assert!(!server_listens(&url, Duration::from_secs(1)));
        assert!(!server_listens("not a url", Duration::from_secs(1)));
    }
}
