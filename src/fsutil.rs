//! Files written so that an interrupted run never leaves a half-written one (a temporary
//! name in the same directory, then a rename), and files read so that a special file or a
//! huge one cannot hang the harness or exhaust its memory.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Who may read a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileMode {
    /// 0644: certificates, reports.
    Public,
    /// 0600: private keys and credentials.
    Private,
}

/// Largest configuration, certificate, key, baseline or credential file read.
pub const MAX_INPUT_FILE: u64 = 4 * 1024 * 1024;

/// Read `path`, refusing what is not a regular file (a FIFO would block forever, /dev/zero
/// never ends) and what is larger than `max` bytes.
pub fn read_limited(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    if meta.len() > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{} bytes, more than the {max}-byte limit", meta.len()),
        ));
    }
    let mut bytes = Vec::new();
    // The file may grow between the check and the read: never read more than the limit.
    std::fs::File::open(path)?
        .take(max + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("more than the {max}-byte limit"),
        ));
    }
    Ok(bytes)
}

/// [`read_limited`] with [`MAX_INPUT_FILE`], as UTF-8 text.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    String::from_utf8(read_limited(path, MAX_INPUT_FILE)?)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// Write `bytes` to `path` atomically with `mode`.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: FileMode) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let bits = match mode {
        FileMode::Public => 0o644,
        FileMode::Private => 0o600,
    };
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(bits)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        // `mode` applies only when the file is created; a stale temp file keeps its bits.
        std::fs::set_permissions(&tmp, std::os::unix::fs::PermissionsExt::from_mode(bits))?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_and_huge_files_are_refused() {
        let e = read_limited(Path::new("/dev/zero"), 1024).unwrap_err();
        assert_eq!(e.to_string(), "not a regular file");
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo only creates a file system node from a valid C string.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert_eq!(
            read_limited(&fifo, 1024).unwrap_err().to_string(),
            "not a regular file"
        );
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 2048]).unwrap();
        assert!(read_limited(&big, 1024).is_err());
        assert_eq!(read_limited(&big, 4096).unwrap().len(), 2048);
    }
}
