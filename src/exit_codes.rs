//! Process exit codes: a contract with CI pipelines (README "Command line" and "Exit codes").

/// Every applicable mandatory test purpose passed (or the results match the baseline).
pub const OK: i32 = 0;
/// A mandatory test purpose failed, or the results deviate from the baseline.
/// Also: the reference invoker reports that onboarding failed (adapter protocol, §4).
pub const FAILED: i32 = 1;
/// Usage, configuration or harness error; the message says what to fix.
pub const USAGE_OR_HARNESS: i32 = 2;
/// Nothing applicable was tested: no test purpose passed or failed (all not-applicable,
/// inconclusive or error). Such a run is not conformant, whatever its baseline says.
pub const NOTHING_TESTED: i32 = 3;
/// The run was interrupted (SIGTERM or SIGINT): every process it started was ended and the
/// report of what finished was written (the rest `error: interrupted`).
pub const INTERRUPTED: i32 = 5;
/// The selection matched no test purpose.
pub const NOTHING_SELECTED: i32 = 4;
/// Adapter protocol: the invoker does not support what the scenario needs.
pub const ADAPTER_UNSUPPORTED: i32 = crate::adapter_contract::EXIT_UNSUPPORTED;
