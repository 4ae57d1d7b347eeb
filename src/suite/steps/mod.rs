//! Step definitions, by role and branch (`<role>/<branch>.rs`, as `features/<role>/<branch>.feature`). Steps are glue: act through `sut`, judge
//! through `checks`, record in the World. A step that fixes a verdict (not applicable, harness
//! error, a failed check) returns `Err`, so cucumber skips the rest of the scenario; the first
//! step of every scenario calls `SuiteWorld::begin`, which stops one decided before it started.

mod core;
mod invoker;
mod pair;
