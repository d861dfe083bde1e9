//! The data folder holds password and token hashes (`server.db`) and the agency's root key:
//! only the server's user may read it. The folder is made 0700 and everything in it 0600
//! (folders 0700) at every start and admin command, so a folder copied, restored or made by
//! an older version with the default umask is repaired, and each repair is reported.
//!
//! Symbolic links are left alone (their target may be anything; changing it is not ours
//! to do).

use std::path::Path;

use crate::error::{Result, ServerError};

/// Creates `dir` (0700) if missing, then removes group and other access from it and from
/// everything under it. Returns one sentence per fix, for the log.
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
        b.create(dir).map_err(|e| file_error("create", dir, e))?;
    }
    #[cfg(unix)]
    fix_tree(dir, &mut fixed)?;
    Ok(fixed)
}

/// Creates `path` empty with mode 0600 if it does not exist (so that SQLite, which gives
/// its WAL files the database file's mode, never makes them readable by others).
pub fn create_private_file(path: &Path) -> Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path).map_err(|e| file_error("create", path, e))?;
    Ok(())
}

fn file_error(action: &str, path: &Path, e: std::io::Error) -> ServerError {
    ServerError::Invalid(format!(
        "cannot {action} {} ({e}); check that the server's user owns the data folder",
        path.display()
    ))
}

#[cfg(unix)]
fn fix_tree(path: &Path, fixed: &mut Vec<String>) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::symlink_metadata(path).map_err(|e| file_error("read", path, e))?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let mode = meta.permissions().mode() & 0o777;
    // Files lose group and other access and keep the owner's (a read-only file stays
    // read-only); folders become 0700 (the owner must be able to enter them).
    let new = if meta.is_dir() { 0o700 } else { mode & 0o700 };
    if new != mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(new))
            .map_err(|e| file_error("restrict access to", path, e))?;
        fixed.push(format!(
            "{} was open to others (mode {mode:o}); it is now {new:o}",
            path.display()
        ));
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).map_err(|e| file_error("read", path, e))? {
            let entry = entry.map_err(|e| file_error("read", path, e))?;
            fix_tree(&entry.path(), fixed)?;
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p)
            .expect("the file exists")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn folder_and_files_become_private_and_fixes_are_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        assert!(make_private(&data).unwrap().is_empty());
        assert_eq!(mode(&data), 0o700);
        create_private_file(&data.join("server.db")).unwrap();
        assert_eq!(mode(&data.join("server.db")), 0o600);

        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(data.join("server.db-wal"), b"x").unwrap();
        std::fs::set_permissions(
            data.join("server.db-wal"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        std::fs::create_dir(data.join("sub")).unwrap();
        std::fs::write(data.join("sub/f"), b"x").unwrap();
        std::fs::set_permissions(data.join("sub/f"), std::fs::Permissions::from_mode(0o666))
            .unwrap();
        std::fs::set_permissions(data.join("sub"), std::fs::Permissions::from_mode(0o775)).unwrap();

        let fixed = make_private(&data).unwrap();
        assert_eq!(fixed.len(), 4, "{fixed:?}");
        assert!(fixed[0].contains("open to others"), "{fixed:?}");
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("server.db-wal")), 0o600);
        assert_eq!(mode(&data.join("sub")), 0o700);
        assert_eq!(mode(&data.join("sub/f")), 0o600);
        assert!(
            make_private(&data).unwrap().is_empty(),
            "nothing left to fix"
        );
    }
}
