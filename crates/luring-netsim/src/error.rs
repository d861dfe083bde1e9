//! The emulator's errors: a profile that does not exist or cannot work, and a link that
//! could not start.

/// What can go wrong when choosing a profile or starting a [`crate::Link`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `Profile::by_name` was given a name it does not know.
    #[error("there is no link profile called {0:?}; use one of edge, vsat, 3g, flaky")]
    UnknownProfile(String),
    /// A profile whose numbers cannot describe a link (say a bandwidth of zero).
    #[error("the link profile is not usable: {0}")]
    InvalidProfile(String),
    /// The listening socket, the runtime or its thread could not be created.
    #[error("could not start the link emulator: {0}")]
    Start(#[from] std::io::Error),
}

/// The emulator's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
