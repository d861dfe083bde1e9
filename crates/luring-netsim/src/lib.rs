//! An emulated 3T link for tests and benchmarks. Luring is built for 2G/EDGE and satellite
//! links that drop every few minutes; this machine has no netem, so the link is a userspace
//! TCP proxy on loopback that a real client connects to instead of the real server.
//!
//! ```no_run
//! # fn main() -> Result<(), luring_netsim::Error> {
//! use luring_netsim::{Link, Profile};
//! let server: std::net::SocketAddr = "127.0.0.1:8080".parse().unwrap();
//! let link = Link::start(server, Profile::by_name("edge")?)?;
//! // point the client at `link.addr()` instead of `server`, then:
//! let stats = link.stop();
//! println!("{} bytes down, {} cuts", stats.bytes_down, stats.cuts);
//! # Ok(()) }
//! ```
//!
//! What the link does, per direction ("down" is server → client, "up" client → server):
//! - **bandwidth**: bytes leave one bottleneck per direction (shared by all connections) at
//!   the profile's rate, one segment of at most 1,460 bytes at a time;
//! - **delay**: each segment arrives its one-way delay after its last bit left, in order,
//!   so a transfer of B bytes takes B×8/bandwidth + delay, as on a real link;
//! - **handshake**: a new connection's first bytes wait one round trip (TCP's handshake,
//!   which the kernel completes instantly on loopback);
//! - **cuts**: a connection carries at most N bytes (both directions together, N fixed or
//!   drawn from a seeded RNG per connection); after exactly N bytes have been delivered
//!   both sides are reset;
//! - **blackouts**: on a schedule the link goes down: open connections are reset at once
//!   and new ones are reset as soon as they are accepted;
//! - **counters** ([`Stats`]) readable while the link runs.
//!
//! The profiles of DESIGN.md ("Links in 3T areas") are [`Profile::by_name`]; custom links
//! are built with [`Profile::unlimited`] and its setters.

mod blackout;
mod bottleneck;
mod connection;
mod error;
mod link;
mod profile;
mod stats;

pub use blackout::Blackout;
pub use error::{Error, Result};
pub use link::Link;
pub use profile::{CutAfter, Direction, Profile, PROFILE_NAMES};
pub use stats::Stats;
