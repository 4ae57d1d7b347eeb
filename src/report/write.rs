//! Writing a report directory: `DIR/<run-id>/` and `DIR/latest/`, every file written under a
//! temporary name and renamed.

use std::path::{Path, PathBuf};

use super::model::Report;
use crate::fsutil::{write_atomic, FileMode};

/// Where a run's reports were written.
#[derive(Debug, Clone)]
pub struct ReportPaths {
    /// `DIR/<run-id>/`.
    pub run_dir: PathBuf,
    /// `DIR/latest/`.
    pub latest_dir: PathBuf,
}

/// Render and write every report format of `report` below `out`.
pub fn write_reports(report: &Report, out: &Path) -> std::io::Result<ReportPaths> {
    let files: Vec<(&str, Vec<u8>)> = vec![(
        "report.json",
        serde_json::to_vec_pretty(report).map_err(std::io::Error::other)?,
    )];
    let run_dir = out.join(&report.run_id);
    let latest_dir = out.join("latest");
    for dir in [&run_dir, &latest_dir] {
        std::fs::create_dir_all(dir)?;
        for (name, bytes) in &files {
            write_atomic(&dir.join(name), bytes, FileMode::Public)?;
        }
    }
    Ok(ReportPaths {
        run_dir,
        latest_dir,
    })
}
