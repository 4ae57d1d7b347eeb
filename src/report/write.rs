//! Writing a report directory: `DIR/<run-id>/` and `DIR/latest/`, every file written under a
//! temporary name and renamed, so an interrupted run never leaves a half-written report.

use std::path::{Path, PathBuf};

use super::model::Report;
use super::{render_html, render_junit, render_markdown};
use crate::fsutil::{write_atomic, FileMode};

/// Where a run's reports were written.
#[derive(Debug, Clone)]
pub struct ReportPaths {
    /// `DIR/<run-id>/`.
    pub run_dir: PathBuf,
    /// `DIR/latest/`.
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
