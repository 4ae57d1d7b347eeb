//! Step definitions, one file per domain concept. Steps are glue: act through `sut`, judge
//! through `checks`, record in the World. A step that fixes a verdict (not applicable, harness
//! error, a failed check) returns `Err`, so cucumber skips the rest of the scenario; the first
//! step of every scenario calls `SuiteWorld::begin`, which stops one decided before it started.

mod core_actions;
mod core_credential;
mod core_offboarding;
mod core_request;
mod core_response;
mod core_teardown;
mod core_tls;
mod fuzz;
mod invoker;
mod invoker_offboarding;
mod pair;
