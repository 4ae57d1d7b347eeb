//! Layer 6: the run driver. Builds the targets (the embedded reference peers by default, or
//! the configured SUT), runs the suite, fills the report model, writes the reports, and
//! decides the exit code. The CLI only parses arguments and prints.

mod embedded;
mod plan;

pub use embedded::EmbeddedCore;
pub use plan::{execute, exit_code_for, PairConfigs, RunError, RunPlan, RunResult, SutSelection};
