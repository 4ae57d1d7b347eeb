//! Writing a report directory: `DIR/<run-id>/`, every file written under a temporary name
//! and renamed, so an interrupted run never leaves a half-written report; then `DIR/latest`,
//! a symbolic link to the run directory swapped in one rename, so concurrent runs into one
//! `--out` never leave the files of two runs side by side in it.

use std::path::{Path, PathBuf};

use super::model::Report;
use super::{render_html, render_junit, render_markdown};
use crate::fsutil::{write_atomic, FileMode};

/// Where a run's reports were written.
#[derive(Debug, Clone)]
pub struct ReportPaths {
    /// `DIR/<run-id>/`.
    pub run_dir: PathBuf,
    /// `DIR/latest` (a link to `run_dir`).
    pub latest_dir: PathBuf,
}

impl ReportPaths {
    /// The HTML report of the run.
    pub fn html(&self) -> PathBuf {
        self.run_dir.join("report.html")
    }
}

/// Render and write every report format of `report` below `out`.
pub fn write_reports(report: &Report, out: &Path) -> std::io::Result<ReportPaths> {
    // The one choke point of every report file: no secret the evidence recorded gets through.
    let report = &report.scrubbed();
    let mut json = serde_json::to_vec_pretty(report).map_err(std::io::Error::other)?;
    json.push(b'\n');
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("report.json", json),
        ("junit.xml", render_junit(report).into_bytes()),
        ("report.md", render_markdown(report).into_bytes()),
        ("report.html", render_html(report).into_bytes()),
    ];
    let run_dir = out.join(&report.run_id);
    let latest_dir = out.join("latest");
    std::fs::create_dir_all(&run_dir)?;
    let written = files
        .iter()
        .try_for_each(|(name, bytes)| write_atomic(&run_dir.join(name), bytes, FileMode::Public));
    if let Err(e) = written {
        // No empty or partial run directory is left behind.
        let _ = std::fs::remove_dir_all(&run_dir);
        return Err(e);
    }
    point_latest_at(&latest_dir, &report.run_id)?;
    Ok(ReportPaths {
        run_dir,
        latest_dir,
    })
}

/// Make `latest` a link to `run_id` (relative, so the directory can be moved) by renaming a
/// fresh link over it. A `latest` directory left by an older version is replaced once.
fn point_latest_at(latest: &Path, run_id: &str) -> std::io::Result<()> {
    let dir = latest.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".latest.tmp-{}-{run_id}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(run_id, &tmp)?;
    if latest.is_dir() && !latest.is_symlink() {
        std::fs::remove_dir_all(latest)?;
    }
    std::fs::rename(&tmp, latest).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Check before a run that reports can be written below `out`: create it, write and remove
/// a probe file. A run whose reports could not be written would be lost.
pub fn check_writable(out: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    let probe = out.join(format!(".write-probe-{}", std::process::id()));
    std::fs::write(&probe, b"")?;
    std::fs::remove_file(&probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_is_swapped_whole() {
        let dir = tempfile::tempdir().unwrap();
        let latest = dir.path().join("latest");
        // An old-style latest directory is replaced.
        std::fs::create_dir_all(&latest).unwrap();
        std::fs::write(latest.join("report.json"), "old").unwrap();
        for run in ["run-a", "run-b"] {
            std::fs::create_dir_all(dir.path().join(run)).unwrap();
            std::fs::write(dir.path().join(run).join("report.json"), run).unwrap();
            point_latest_at(&latest, run).unwrap();
            assert_eq!(
                std::fs::read_to_string(latest.join("report.json")).unwrap(),
                run
            );
        }
        assert!(latest.is_symlink());
        assert!(check_writable(dir.path()).is_ok());
        assert!(check_writable(Path::new("/proc/capif-conformance-cannot-write")).is_err());
    }
}
