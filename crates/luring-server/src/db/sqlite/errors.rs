//! SQLite's errors in the backend-neutral words of [`DbError`]: a broken uniqueness rule
//! becomes the [`Conflict`] it names, a missing referenced row (a foreign key) becomes
//! [`DbError::NotFound`], everything else [`DbError::Other`].

use rusqlite::ffi;

use crate::db::{Conflict, DbError};

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        constraint(&e).unwrap_or_else(|| DbError::Other(Box::new(e)))
    }
}

/// The [`DbError`] of a constraint SQLite refused, if it is one the server names.
fn constraint(e: &rusqlite::Error) -> Option<DbError> {
    let rusqlite::Error::SqliteFailure(failure, message) = e else {
        return None;
    };
    match failure.extended_code {
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Some(DbError::NotFound),
        ffi::SQLITE_CONSTRAINT_PRIMARYKEY | ffi::SQLITE_CONSTRAINT_UNIQUE => {
            // SQLite names the columns: "UNIQUE constraint failed: devices.actor".
            let columns = message
                .as_deref()?
                .strip_prefix("UNIQUE constraint failed: ")?;
            conflict_on(columns).map(DbError::Conflict)
        }
        _ => None,
    }
}

/// The rule behind a unique key of the schema, by its columns as SQLite lists them.
fn conflict_on(columns: &str) -> Option<Conflict> {
    Some(match columns {
        "agency.id" => Conflict::AgencyExists,
        "units.code" => Conflict::UnitExists,
        "users.nip" => Conflict::UserExists,
        "devices.id" => Conflict::DeviceExists,
        "devices.actor" => Conflict::ActorBound,
        "tokens.hash" => Conflict::TokenExists,
        "log.hash" => Conflict::ChangeLogged,
        "letter_numbers.unit, letter_numbers.year, letter_numbers.number" => {
            Conflict::LetterNumberTaken
        }
        _ => return None,
    })
}
