//! Writing a file so that a power cut or a full disk leaves either the old file or the
//! complete new one, never half of it: the bytes go to a temporary file in the same folder,
//! are flushed to disk, the temporary file is renamed over the target, and the folder
//! itself is flushed so the rename survives a cut too.
//!
//! One helper for every file Luring writes outside SQLite (bundles, evidence files, the
//! desktop's settings, the agency CA, the pending device key, attachments); before it, each
//! had its own copy and one of them (the legal evidence file) was not atomic at all. The
//! temporary file is `tempfile`'s: a unique name, removed again if anything fails before
//! the rename.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically, with the mode a new file would get (0666 less the
/// umask on Unix).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, bytes, false)
}

/// As [`write_atomic`], readable and writable by its owner only (0600 on Unix): for the
/// profile's secrets and anything else kept inside a profile folder.
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, bytes, true)
}

fn write_with(path: &Path, bytes: &[u8], private: bool) -> io::Result<()> {
    let mut f = AtomicFile::new_in(folder_of(path), private)?;
    f.write_all(bytes)?;
    f.commit(path)
}

/// The folder holding `path` (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A file being written in `dir` that appears under its final name only at
/// [`AtomicFile::commit`], for a writer that streams (and learns the name at the end, as
/// attachments do from their hash). Dropped without `commit`, it is removed.
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    dir: PathBuf,
}

impl AtomicFile {
    /// A new temporary file in `dir`; `private` makes it 0600 on Unix.
    pub fn new_in(dir: &Path, private: bool) -> io::Result<Self> {
        let mut b = tempfile::Builder::new();
        b.prefix(".tmp-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            b.permissions(std::fs::Permissions::from_mode(if private {
                0o600
            } else {
                0o666
            }));
        }
        #[cfg(not(unix))]
        let _ = private;
        Ok(Self {
            tmp: b.tempfile_in(dir)?,
            dir: dir.to_owned(),
        })
    }

    /// Where the bytes are while being written (for error messages).
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Flushes the bytes to disk, renames the file to `path` (in the same folder) and makes
    /// the rename itself durable.
    pub fn commit(self, path: &Path) -> io::Result<()> {
        self.tmp.as_file().sync_all()?;
        self.tmp.persist(path).map_err(|e| e.error)?;
        sync_dir(&self.dir);
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

/// Makes a rename in `dir` durable (the folder entry), where the platform allows it. A
/// failure here is not reported: the file itself is already on disk.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_replaces_the_whole_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let p = dir.path().join("a.json");
        write_atomic(&p, b"old").expect("written");
        write_atomic(&p, b"new and longer").expect("replaced");
        assert_eq!(std::fs::read(&p).expect("read"), b"new and longer");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("listed")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["a.json"]);
    }

    #[test]
    fn an_uncommitted_file_disappears() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        {
            let mut f = AtomicFile::new_in(dir.path(), true).expect("created");
            f.write_all(b"half").expect("written");
        }
        assert_eq!(std::fs::read_dir(dir.path()).expect("listed").count(), 0);
    }

    #[test]
    fn a_write_into_a_missing_folder_fails_and_creates_nothing() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let p = dir.path().join("missing").join("a.json");
        assert!(write_atomic(&p, b"x").is_err());
        assert!(!p.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_private_file_is_its_owners_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("a temporary folder");
        let p = dir.path().join("secret");
        write_atomic_private(&p, b"k").expect("written");
        let mode = std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
