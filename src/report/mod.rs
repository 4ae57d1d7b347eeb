//! Layer 6: the report model, filled once from a run, and its renderers (pure functions of
//! the model: JSON, JUnit XML, Markdown, HTML).

mod baseline;
pub mod diff;
mod figure;
mod headline;
mod html;
mod junit;
mod markdown;
mod model;
mod write;

pub use baseline::{Baseline, BaselineError, Deviation, DeviationKind, Expected, BASELINE_FORMAT};
pub use headline::{headline, Headline, Tone};
pub use html::{esc as html_escape, render_html};
pub use junit::render_junit;
pub use markdown::{md_text, render_markdown};
pub use model::{
    branch_counts, specifications, BaselineReport, CellInfo, Report, ResultEntry, Summary,
    SutDescription, FORMAT_VERSION,
};
pub use write::{check_writable, write_reports, ReportPaths};

#[cfg(test)]
mod snapshots;
#[cfg(test)]
pub use snapshots::synthetic as synthetic_for_tests;
