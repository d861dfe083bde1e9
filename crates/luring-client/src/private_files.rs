//! A profile folder holds the bearer token (in the database), the sealed signing key, a
//! pending key between login and passphrase, and attachments: only its owner may read it.
//! The folder is made 0700 and everything in it 0600 (folders 0700) whenever a profile is
//! created or opened, so a profile copied, restored or made by an older version with the
//! default umask is repaired; each repair is kept for the caller to report.
//!
//! Symbolic links are left alone (their target may be anything; changing it is not ours
//! to do). Other systems than Unix have no such modes; there this does nothing.

use std::path::Path;

use crate::error::{ClientError, Result};

/// Creates `dir` (0700) if missing, then removes group and other access from it and from
/// everything under it. Returns one sentence per fix.
pub fn make_private(dir: &Path) -> Result<Vec<String>> {
    let mut fixed = Vec::new();
    if !dir.exists() {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(dir)
            .map_err(|e| ClientError::file("create", dir, e))?;
    }
    #[cfg(unix)]
    fix_tree(dir, &mut fixed)?;
    Ok(fixed)
}

/// Creates `path` empty with mode 0600 if it does not exist (SQLite gives its WAL files the
/// database file's mode, so they are private too).
pub fn create_private_file(path: &Path) -> Result<()> {
    private_options()
        .open(path)
        .map_err(|e| ClientError::file("create", path, e))?;
    Ok(())
}

fn private_options() -> std::fs::OpenOptions {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

#[cfg(unix)]
fn fix_tree(path: &Path, fixed: &mut Vec<String>) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::symlink_metadata(path).map_err(|e| ClientError::file("read", path, e))?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let mode = meta.permissions().mode() & 0o777;
    // Files lose group and other access and keep the owner's (a read-only file stays
    // read-only); folders become 0700 (the owner must be able to enter them).
    let new = if meta.is_dir() { 0o700 } else { mode & 0o700 };
    if new != mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(new))
            .map_err(|e| ClientError::file("restrict access to", path, e))?;
        fixed.push(format!(
            "{} was open to others (mode {mode:o}); it is now {new:o}",
            path.display()
        ));
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).map_err(|e| ClientError::file("read", path, e))? {
            let entry = entry.map_err(|e| ClientError::file("read", path, e))?;
            fix_tree(&entry.path(), fixed)?;
        }
    }
    Ok(())
}
