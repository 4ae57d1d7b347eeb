//! Layer 6: the report model, filled once from a run, and its renderers (pure functions).

mod model;
mod write;

pub use model::{Report, ResultEntry, Summary, SutDescription, FORMAT_VERSION};
pub use write::{write_reports, ReportPaths};
