//! Layer 4: checks are pure functions from observed evidence to a result with a one-sentence
//! reason a vendor understands. No I/O here, so every check is unit-tested.

mod control;
mod core;
mod core_async;
mod invoker;
mod invoker_async;
mod invoker_offboarding;
mod offboarding;
mod pair;
mod verdict;

pub use self::core::{
    bad_request_for_missing, certificate_strength, cleartext_not_processed, close_notify_sent,
    created, created_for, deleted_with_issued_certificate, describe, distinct_ids,
    early_data_not_processed, enrolment_body, enrolment_details, enumerated_suites_refused,
    error_attribute_on_every_401, free_text, free_text_onboarded, handshake_with_offer,
    handshake_with_only, has_invoker_id, invalid_params_name, issued_certificate,
    legacy_versions_refused, location, no_client_certificate_required, not_adopted,
    onboarding_secret, prefers_aes128_gcm_ecdhe, prefers_tls13, problem_details, rejected,
    rejected_with, same_key_onboards, secure_connection, security_information, session_ended,
    still_accepted, tls12_extension_acknowledged, tls_version_allowed, www_authenticate,
    www_authenticate_on_every_401, AES128_GCM_ECDHE,
};
pub use control::{demands_client_certificate, Control, Holds};
pub use core_async::{onboarding_notified, one_result, receiver_authenticated, ImpostorTrial};
pub use invoker::{
    aborts_without_renegotiation_ack, bearer_credential, bounded_retries, client_hello_suites,
    completes_restricted, detects_downgrade, ems_signal, gave_up_on_silence, invoker_close_notify,
    invoker_ended_session, no_credential_in_clear, no_register_login_in_clear, no_upgrade_in_clear,
    not_success_on_incomplete, observed_violation, onboarding_posts, onboards_with_each_version,
    refused_bad_certificate, refuses_legacy_version, register_authenticated, renegotiation_signal,
    reports_failure_without_id, reports_success, request_body_valid, request_target, sends_sni,
    tls12_hellos_signal, tls13_hello_extensions,
};
pub use invoker_async::{
    async_failure, async_gave_up, async_not_success_on_unusable, async_success,
    notification_answered_204, notification_destination_served,
    only_the_named_destination_notifies,
};
pub use invoker_offboarding::{
    offboard_ended_session, offboard_mutual_tls, offboard_outcome_on_404, offboard_reported_done,
    offboard_reported_failure, offboard_target, offboard_without_credential,
};
pub use offboarding::{
    offboarded_gone, offboarding_refused, offboarding_torn_down, reonboarded, Presented,
};
pub use pair::{
    pair_certificate, pair_offboarded, pair_onboarded, pair_second_offboarding_refused,
};
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
