//! Layer 4: checks are pure functions from observed evidence to a result with a one-sentence
//! reason a vendor understands. No I/O here, so every check is unit-tested. By role and branch:
//! `<role>/<branch>.rs` judges the scenarios of `features/<role>/<branch>.feature`; the
//! positive controls every scenario shares are in `control.rs`. Steps call a check by its path
//! (`checks::core::teardown::session_ended`), the path the catalogue's `judged_by` names, so
//! its home is read at the call site; the re-exports below serve the other layers.

mod control;
pub(crate) mod core;
pub(crate) mod invoker;
pub(crate) mod pair;
mod verdict;

pub use self::core::credential::{problem_details, rejected};
pub use self::core::offboarding::Presented;
pub use self::core::onboarding_response::{
    created, enrolment_details, issued_certificate, location,
};
pub use self::core::secure_connection::{
    enumerated_suites_refused, legacy_versions_refused, AES128_GCM_ECDHE,
};
pub use self::core::teardown::session_ended;
pub use crate::net::describe_response as describe;
pub use control::{demands_client_certificate, Control, Holds};
pub use verdict::{Check, Verdict};

/// RFC 8446 §6.1: `peer` sent close_notify before closing its side. Judged on its own close
/// (`end`) or, when it kept the session open, on its close after the harness's close_notify
/// (`after_close`); a peer that never closed gives no close to judge. One rule for both roles.
pub(crate) fn close_notify_before_close(
    peer: &str,
    end: &crate::net::SessionEnd,
    after_close: Option<&crate::net::SessionEnd>,
) -> Check {
    use crate::net::SessionEnd;
    let (close, when) = if end.ended() {
        (end, String::new())
    } else {
        match after_close {
            Some(a) if a.ended() => (a, " (after the harness's close_notify)".to_string()),
            _ => {
                return Check::Inconclusive(format!(
                    "the {peer} did not close the session, so there was no close to observe ({})",
                    end.describe()
                ))
            }
        }
    };
    match close {
        SessionEnd::CloseNotify => Check::Pass(format!("close_notify, then EOF{when}")),
        other => Check::Fail(format!(
            "expected close_notify before the close{when}, observed: {}",
            other.describe()
        )),
    }
}

/// Test helper: `c` passes, or the test fails showing why it did not.
#[cfg(test)]
#[track_caller]
pub(crate) fn assert_pass(c: &Check) {
    assert!(c.passed(), "expected a pass, got {c:?}");
}

/// Test helper: `c` does not pass, or the test fails showing the pass's reason.
#[cfg(test)]
#[track_caller]
pub(crate) fn assert_not_pass(c: &Check) {
    assert!(!c.passed(), "expected no pass, got {c:?}");
}
