//! The server's settings in one place: where its data is, where it listens, its TLS
//! certificate and the bounds on connections. Each can be given as a flag or, for service
//! managers and containers, as a `LURING_SERVER_…` environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::attachments::AttachmentLimits;
use crate::serve::{self, Limits, TlsError};

/// What `luring-server` is started with (the flags before any subcommand).
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Data folder (database and the agency key).
    #[arg(long, value_name = "DIR", env = "LURING_SERVER_DATA")]
    pub data: PathBuf,
    /// Address to serve on (port 0 picks a free port; the chosen address is printed).
    #[arg(long, default_value = "127.0.0.1:8080", env = "LURING_SERVER_LISTEN")]
    pub listen: SocketAddr,
    /// Serve HTTPS with this PEM certificate chain (leaf first); needs --tls-key.
    #[arg(
        long,
        value_name = "FILE",
        requires = "tls_key",
        env = "LURING_SERVER_TLS_CERT"
    )]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(
        long,
        value_name = "FILE",
        requires = "tls_cert",
        env = "LURING_SERVER_TLS_KEY"
    )]
    pub tls_key: Option<PathBuf>,
    /// Seconds a client has to finish its TLS handshake and request headers.
    #[arg(long, value_name = "SECS", default_value_t = 20)]
    pub header_timeout_secs: u64,
    /// Seconds a request body may pause between chunks.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub body_timeout_secs: u64,
    /// Largest attachment, in megabytes (10^6 bytes).
    #[arg(
        long,
        value_name = "MB",
        default_value_t = 25,
        env = "LURING_SERVER_ATTACHMENT_MAX_MB"
    )]
    pub attachment_max_mb: u64,
    /// Connections open at once; more wait until one closes.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub max_connections: usize,
}

impl Settings {
    /// The connection bounds (each at least 1).
    pub fn limits(&self) -> Limits {
        Limits {
            header_timeout: Duration::from_secs(self.header_timeout_secs.max(1)),
            body_timeout: Duration::from_secs(self.body_timeout_secs.max(1)),
            max_connections: self.max_connections.max(1),
        }
    }

    /// The bounds on attachments (at least 1 MB per file).
    pub fn attachment_limits(&self) -> AttachmentLimits {
        AttachmentLimits::with_max(self.attachment_max_mb.max(1).saturating_mul(1_000_000))
    }

    /// How to listen: with TLS when a certificate and key are given, and within
    /// [`Self::limits`].
    pub fn serve_options(&self) -> Result<serve::Options, TlsError> {
        let tls = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(serve::tls_acceptor(cert, key)?),
            _ => None,
        };
        Ok(serve::Options {
            tls,
            limits: self.limits(),
        })
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        settings: Settings,
    }

    fn parse(args: &[&str]) -> Result<Settings, clap::Error> {
        Cli::try_parse_from([&["luring-server"], args].concat()).map(|c| c.settings)
    }

    #[test]
    fn defaults_and_bounds_are_the_servers() {
        let s = parse(&["--data", "/srv/luring"]).unwrap();
        assert_eq!(s.listen, "127.0.0.1:8080".parse().unwrap());
        let l = s.limits();
        assert_eq!(l.header_timeout, Duration::from_secs(20));
        assert_eq!(l.body_timeout, Duration::from_secs(60));
        assert_eq!(l.max_connections, 1024);
        assert_eq!(s.attachment_limits().max_bytes, 25_000_000);
        assert!(s.serve_options().unwrap().tls.is_none());
        // Zero is raised to one rather than meaning "no time" or "no connection".
        let s = parse(&[
            "--data",
            "d",
            "--header-timeout-secs",
            "0",
            "--body-timeout-secs",
            "0",
            "--max-connections",
            "0",
        ])
        .unwrap();
        let l = s.limits();
        assert_eq!(l.header_timeout, Duration::from_secs(1));
        assert_eq!(l.body_timeout, Duration::from_secs(1));
        assert_eq!(l.max_connections, 1);
    }

    #[test]
    fn a_certificate_needs_its_key() {
        assert!(parse(&["--data", "d", "--tls-cert", "c.pem"]).is_err());
        assert!(parse(&["--data", "d", "--tls-key", "k.pem"]).is_err());
        assert!(parse(&["--data", "d", "--tls-cert", "c.pem", "--tls-key", "k.pem"]).is_ok());
    }
}
