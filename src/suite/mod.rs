//! Layer 5: the Gherkin suite. One World per scenario owns the domain operations; steps are
//! thin glue over `sut` (actions) and `checks` (verdicts); the driver turns each finished
//! scenario into a typed [`Outcome`].

mod driver;
mod features;
mod steps;
mod world;

pub use driver::{run_suite, Outcome, OutcomeSink, SuiteError, SuiteOptions, SuiteTargets};
pub use features::{parse_features, scenario_location, scenario_steps, ResolvedStep, FEATURES};
pub use world::SuiteWorld;
