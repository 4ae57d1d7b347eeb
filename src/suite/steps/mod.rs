//! Step definitions, one file per domain concept. Steps are glue: act through `sut`, judge
//! through `checks`, record in the World. Every step first returns early when a verdict is
//! already fixed (not applicable, harness error).

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

/// Skip the rest of a scenario whose verdict is already fixed; on an interrupted run, fix it
/// to a harness error first.
macro_rules! skip_if_decided {
    ($w:expr) => {
        if !$w.decided() && $crate::sut::processes::interrupted() {
            $w.decided = Some((
                $crate::checks::Verdict::Error,
                "error: interrupted (SIGTERM/SIGINT) before this test purpose finished".into(),
            ));
        }
        if $w.decided() {
            return Ok(());
        }
    };
}
pub(crate) use skip_if_decided;
