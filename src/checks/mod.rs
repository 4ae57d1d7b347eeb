//! Layer 4: checks are pure functions from observed evidence to a result with a one-sentence
//! reason a vendor understands. No I/O here, so every check is unit-tested. By role and branch:
//! `<role>/<branch>.rs` judges the scenarios of `features/<role>/<branch>.feature`; the
//! positive controls every scenario shares are in `control.rs`.

mod control;
mod core;
mod invoker;
mod pair;
mod verdict;

pub use self::core::async_onboarding::{
    onboarding_notified, one_result, receiver_authenticated, ImpostorTrial,
};
pub use self::core::credential::{
    error_attribute_on_every_401, problem_details, rejected, same_key_onboards, www_authenticate,
    www_authenticate_on_every_401,
};
pub use self::core::offboarding::{
    offboarded_gone, offboarding_refused, offboarding_torn_down, reonboarded, Presented,
};
pub use self::core::onboarding_response::{
    created, created_for, deleted_with_issued_certificate, distinct_ids, enrolment_body,
    enrolment_details, has_invoker_id, issued_certificate, location, onboarding_secret,
    security_information,
};
pub use self::core::request_validation::{
    bad_request_for_missing, free_text, free_text_onboarded, invalid_params_name, not_adopted,
    rejected_with,
};
pub use self::core::secure_connection::{
    certificate_strength, cleartext_not_processed, early_data_not_processed,
    enumerated_suites_refused, handshake_with_offer, handshake_with_only, legacy_versions_refused,
    no_client_certificate_required, prefers_aes128_gcm_ecdhe, prefers_tls13, secure_connection,
    still_accepted, tls12_extension_acknowledged, tls_version_allowed, AES128_GCM_ECDHE,
};
pub use self::core::teardown::{close_notify_sent, session_ended};
pub use self::invoker::async_onboarding::{
    async_failure, async_gave_up, async_not_success_on_unusable, async_success,
    notification_answered_204, notification_destination_served,
    only_the_named_destination_notifies,
};
pub use self::invoker::enrolment::{no_register_login_in_clear, register_authenticated};
pub use self::invoker::offboarding::{
    offboard_ended_session, offboard_mutual_tls, offboard_outcome_on_404, offboard_reported_done,
    offboard_reported_failure, offboard_target, offboard_without_credential,
};
pub use self::invoker::onboarding_response::{not_success_on_incomplete, reports_success};
pub use self::invoker::request::{
    bearer_credential, bounded_retries, reports_failure_without_id, request_body_valid,
    request_target,
};
pub use self::invoker::secure_connection::{
    aborts_without_renegotiation_ack, client_hello_suites, completes_restricted, detects_downgrade,
    ems_signal, no_credential_in_clear, no_upgrade_in_clear, observed_violation,
    onboards_with_each_version, refused_bad_certificate, refuses_legacy_version,
    renegotiation_signal, sends_sni, tls12_hellos_signal, tls13_hello_extensions,
};
pub use self::invoker::teardown::{invoker_close_notify, invoker_ended_session};
pub use self::invoker::{gave_up_on_silence, onboarding_posts};
pub use self::pair::interop::{
    pair_certificate, pair_offboarded, pair_onboarded, pair_second_offboarding_refused,
};
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
