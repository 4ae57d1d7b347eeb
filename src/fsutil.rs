//! Files written so that an interrupted run never leaves a half-written one: a temporary
//! name in the same directory, then a rename.

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
