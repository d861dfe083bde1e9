//! Administration from the command line, against the data folder directly.

use std::path::Path;

use luring_model::{Nip, Role, Title, Unit};

use crate::agency;
use crate::auth::hash_password;
use crate::db::{AgencyRow, Database, UnitRow, UserRow};
use crate::error::{Result, ServerError};

/// Creates the agency and its Ed25519 root key.
pub fn init<D: Database>(db: &D, data: &Path, name: &str) -> Result<String> {
    let name = Title::parse(name).map_err(|e| ServerError::Invalid(e.to_string()))?;
    if db.agency()?.is_some() {
        return Err(ServerError::Invalid(
            "the agency is already initialised".into(),
        ));
    }
    let key = agency::create_key(data)?;
    let public_key = hex::encode(key.verifying_key().as_bytes());
    db.create_agency(&AgencyRow {
        name: name.to_string(),
        public_key: public_key.clone(),
    })?;
    Ok(public_key)
}

pub fn add_unit<D: Database>(db: &D, code: &str, name: &str, parent: Option<&str>) -> Result<()> {
    let code = Unit::code(code).map_err(|e| ServerError::Invalid(e.to_string()))?;
    let name = Title::parse(name).map_err(|e| ServerError::Invalid(e.to_string()))?;
    let units = db.units()?;
    if units.iter().any(|u| u.code == code) {
        return Err(ServerError::Invalid(format!(
            "unit '{code}' already exists"
        )));
    }
    if let Some(p) = parent {
        if !units.iter().any(|u| u.code == p) {
            return Err(ServerError::NotFound(format!("parent unit '{p}'")));
        }
    }
    db.add_unit(&UnitRow {
        code,
        name: name.to_string(),
        parent: parent.map(str::to_owned),
    })?;
    Ok(())
}

pub fn add_user<D: Database>(
    db: &D,
    nip: &str,
    name: &str,
    unit: &str,
    role: &str,
    password: &str,
) -> Result<()> {
    let nip = Nip::parse(nip).map_err(|e| ServerError::Invalid(e.to_string()))?;
    let name = Title::parse(name).map_err(|e| ServerError::Invalid(e.to_string()))?;
    let role: Role = role
        .parse()
        .map_err(|e: luring_model::ValidationError| ServerError::Invalid(e.to_string()))?;
    if password.chars().count() < 8 {
        return Err(ServerError::Invalid(
            "the password must have at least 8 characters".into(),
        ));
    }
    if !db.units()?.iter().any(|u| u.code == unit) {
        return Err(ServerError::NotFound(format!("unit '{unit}'")));
    }
    if db.user(nip.as_str())?.is_some() {
        return Err(ServerError::Invalid(format!(
            "a user with NIP {nip} already exists"
        )));
    }
    db.add_user(&UserRow {
        nip: nip.to_string(),
        name: name.to_string(),
        unit: unit.to_owned(),
        role: role.to_string(),
        password_hash: hash_password(password),
    })?;
    Ok(())
}

pub fn revoke_device<D: Database>(db: &D, id: &str) -> Result<()> {
    if db.revoke_device(id)? {
        Ok(())
    } else {
        Err(ServerError::NotFound(format!("device '{id}'")))
    }
}
