//! `--keylog FILE`: NSS key-log lines so Wireshark can decrypt a capture of the run.

use std::io::Write;
use std::sync::Mutex;

/// Appends NSS key-log lines to a file; remembers the first write that failed.
#[derive(Debug)]
pub struct KeyLogFile {
    file: Mutex<std::fs::File>,
    failed: Mutex<Option<String>>,
}

impl KeyLogFile {
    /// Open (append, create) `path`, mode 0600 also when it exists (it holds TLS secrets);
    /// a FIFO or device is refused (opening a FIFO would block forever).
    pub fn open(path: &std::path::Path) -> std::io::Result<Self> {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if let Ok(meta) = std::fs::metadata(path) {
            if !meta.is_file() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "not a regular file",
                ));
            }
        }
        let f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)?;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(Self {
            file: Mutex::new(f),
            failed: Mutex::new(None),
        })
    }

    /// The first write error, if a write failed (the run must not pass it over).
    pub fn failure(&self) -> Option<String> {
        self.failed.lock().ok().and_then(|f| f.clone())
    }
}

impl rustls::KeyLog for KeyLogFile {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        if let Ok(mut f) = self.file.lock() {
            let line = format!(
                "{label} {} {}\n",
                hex::encode(client_random),
                hex::encode(secret)
            );
            if let Err(e) = f.write_all(line.as_bytes()).and_then(|_| f.flush()) {
                if let Ok(mut failed) = self.failed.lock() {
                    failed.get_or_insert_with(|| e.to_string());
                }
            }
        }
    }
}
