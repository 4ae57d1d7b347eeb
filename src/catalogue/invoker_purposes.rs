//! Test purposes for an API invoker under test (the harness plays the CAPIF core). Each cites
//! requirement ids from `requirements.toml`; its severity follows from them (README "Severity")
//! unless it declares a project policy.

use super::types::{Applicability as A, Branch as B, Runner, Severity as S, Sut, TestPurpose};

/// The policy of the test purposes that judge what the invoker reports (the adapter's exit
/// status): the texts describe the messages, not what an invoker concludes from them.
const OUTCOME: &str = "an invoker that reports the opposite of what the core answered proceeds without an identity it believes it has, or abandons one it has: the failure Figure B.1-1's response branch exists to prevent, though no clause states how an invoker reports";

/// The policy of the test purposes judging what an invoker makes of a defective 201.
const UNCHECKED_201: &str = "the texts say what the core sends, not that the invoker must check it; an invoker that keeps an unusable certificate fails later, on its first mutual-TLS request";

const fn tp(
    id: &'static str,
    title: &'static str,
    branch: B,
    requirements: &'static [&'static str],
) -> TestPurpose {
    TestPurpose {
        id,
        title,
        sut: Sut::Invoker,
        branch,
        requirements,
        policy: None,
        applicability: A::Always,
        needs: &[],
        runner: Runner::Suite,
        judged_by: &[],
    }
}

/// The core authenticated with the provisioned root: chain and name (TS 33.122 §6.1 step 2).
const VERIFY: &[&str] = &["33122-B.1-secure-fails", "33122-6.1-tls"];
/// A bound the vendor declares ([invoker] gives_up_within): no text sets one.
const GIVE_UP: &[&str] = &["33122-B.1-secure-fails", "rfc9112-9.5-timeouts"];

/// The invoker-under-test catalogue.
pub static INVOKER: &[TestPurpose] = &[
    tp("INV-TLS-01", "The invoker refuses a core certificate from another CA and sends nothing", B::SecureConnection, VERIFY)
        .judged_by(&["checks::invoker::secure_connection::refused_bad_certificate"]),
    tp("INV-TLS-02", "The invoker refuses an expired core certificate and sends nothing", B::SecureConnection, VERIFY)
        .judged_by(&["checks::invoker::secure_connection::refused_bad_certificate"]),
    tp("INV-TLS-03", "The invoker refuses a core certificate that is not yet valid and sends nothing", B::SecureConnection, VERIFY)
        .judged_by(&["checks::invoker::secure_connection::refused_bad_certificate"]),
    tp("INV-TLS-04", "The invoker refuses a core certificate for another name and sends nothing", B::SecureConnection, VERIFY)
        .judged_by(&["checks::invoker::secure_connection::refused_bad_certificate"]),
    tp("INV-TLS-05", "The invoker refuses a self-signed core certificate and sends nothing", B::SecureConnection, VERIFY)
        .judged_by(&["checks::invoker::secure_connection::refused_bad_certificate"]),
    tp("INV-TLS-06", "The invoker refuses a core certificate without serverAuth usage and sends nothing", B::SecureConnection, VERIFY)
        .judged_by(&["checks::invoker::secure_connection::refused_bad_certificate"]),
    tp("INV-TLS-07", "The invoker sends no credential to a listener that answers in clear", B::SecureConnection, &["33122-B.1-secure-fails", "33122-6.1-tls"])
        .judged_by(&["checks::invoker::secure_connection::no_credential_in_clear"]),
    tp("INV-TLS-08", "The invoker does not negotiate anything below TLS 1.2", B::SecureConnection, &["33210-6.2.1-no-legacy"])
        .judged_by(&["checks::invoker::secure_connection::refuses_legacy_version"]),
    tp("INV-TLS-09", "The invoker refuses a core certificate issued by a non-CA certificate and sends nothing", B::SecureConnection, VERIFY)
        .judged_by(&["checks::invoker::secure_connection::refused_bad_certificate"]),
    tp("INV-TLS-10", "The invoker onboards with a core that speaks only TLS 1.2 and with one that speaks only TLS 1.3", B::SecureConnection, &["33210-6.2.1-tls12-tls13"])
        .judged_by(&["checks::invoker::secure_connection::onboards_with_each_version"]),
    tp("INV-TLS-11", "The invoker's ClientHello offers no cipher suite RFC 9325 forbids (NULL, anonymous, export, RC4, single DES)", B::SecureConnection,
        &["rfc9325-4.1-null", "rfc9325-4.1-rc4", "rfc9325-4.1-112bit", "rfc7465-2-rc4-offer", "rfc5246-A.5-anon"])
        .judged_by(&["checks::invoker::secure_connection::client_hello_suites"]),
    tp("INV-TLS-12", "The invoker's ClientHello offers no cipher suite RFC 9325 discourages (3DES, static RSA, finite-field DH, CBC without encrypt_then_mac)", B::SecureConnection,
        &["rfc9325-4.1-static-rsa", "rfc9325-4.1-dhe", "rfc9325-4.2-cbc", "rfc9325-4.1-128bit"])
        .judged_by(&["checks::invoker::secure_connection::client_hello_suites"]),
    tp("INV-TLS-13", "Addressed by a DNS name, the invoker sends it as SNI", B::SecureConnection, &["rfc8446-9.2-sni", "rfc9325-3.7-sni-policy"])
        .policy(S::Recommended, "RFC 8446 clause 9.2 requires supporting server_name, while RFC 9325 clause 3.7 leaves its actual use to local policy; a core behind a name-based front end needs it")
        .judged_by(&["checks::invoker::secure_connection::sends_sni"]),
    tp("INV-TLS-14", "Addressed by a DNS name, the invoker refuses a core certificate for another name and sends nothing", B::SecureConnection, VERIFY)
        .judged_by(&["checks::invoker::secure_connection::refused_bad_certificate"]),
    tp("INV-TLS-15", "The invoker gives up on a core that never answers its ClientHello, within its declared bound, and reports failure", B::SecureConnection, GIVE_UP)
        .judged_by(&["checks::invoker::gave_up_on_silence"]),
    tp("INV-TLS-16", "Having offered TLS 1.3, the invoker aborts with illegal_parameter on a TLS 1.2 ServerHello carrying the downgrade sentinel, and goes on with the same ServerHello without it", B::SecureConnection,
        &["rfc8446-4.1.3-downgrade-abort", "rfc8446-4.1.3-downgrade"])
        .judged_by(&["checks::invoker::secure_connection::detects_downgrade"]),
    tp("INV-TLS-17", "The invoker never asks a listener for an upgrade to TLS within HTTP/1.1 (Upgrade: TLS in clear)", B::SecureConnection, &["33210-6.2.1-no-upgrade"])
        .judged_by(&["checks::invoker::secure_connection::no_upgrade_in_clear"]),
    tp("INV-TLS-18", "The invoker refuses a core certificate signed with SHA-1 and sends nothing", B::SecureConnection, &["rfc9325-4.5-sha1-md5"])
        .judged_by(&["checks::invoker::secure_connection::refused_bad_certificate"]),
    tp("INV-TLS-19", "Offering TLS 1.2, the invoker's ClientHello signals renegotiation_info (the extension or the SCSV)", B::SecureConnection, &["rfc9325-3.5-reneg-info", "rfc9325-3.5-server-reneg-info"])
        .judged_by(&["checks::invoker::secure_connection::tls12_hellos_signal"]),
    tp("INV-TLS-20", "Offering TLS 1.2, the invoker's ClientHello offers extended_master_secret", B::SecureConnection, &["rfc9325-3.5-ems-support"])
        .judged_by(&["checks::invoker::secure_connection::tls12_hellos_signal"]),
    tp("INV-TLS-21", "The invoker onboards with a core speaking TLS 1.3 with only TLS_AES_128_GCM_SHA256 and key exchange secp256r1 (the mandatory-to-implement suite and group)", B::SecureConnection, &["33210-6.2.2-rfc8446-9.1", "rfc8446-9.1-mti"])
        .judged_by(&["checks::invoker::secure_connection::completes_restricted"]),
    tp("INV-TLS-22", "The invoker onboards with a core speaking TLS 1.3 with key exchange secp384r1 only", B::SecureConnection, &["33210-6.2.2-secp384r1"])
        .judged_by(&["checks::invoker::secure_connection::completes_restricted"]),
    tp("INV-TLS-23", "Offering TLS 1.3, the invoker's ClientHello carries the extensions RFC 8446 §9.2 requires (signature_algorithms, supported_groups, key_share)", B::SecureConnection, &["33210-6.2.2-rfc8446-9.2", "rfc8446-9.2-tls13-hello"])
        .judged_by(&["checks::invoker::secure_connection::tls13_hello_extensions"]),
    tp("INV-TLS-24", "Offered TLS 1.2, the invoker aborts with a fatal handshake_failure on a TLS 1.2 ServerHello that does not acknowledge renegotiation_info, and goes on with the same flight acknowledging it", B::SecureConnection, &["rfc9325-3.5-reneg-info"])
        .judged_by(&["checks::invoker::secure_connection::aborts_without_renegotiation_ack"]),
    tp("INV-CRED-01", "The request carries the provisioned credential as Authorization: Bearer", B::RequestValidation, &["33122-B.1-request", "rfc6750-2.1-bearer"])
        .judged_by(&["checks::invoker::request::bearer_credential"]),
    tp("INV-CRED-02", "On a 401 ProblemDetails the invoker reports failure and no apiInvokerId", B::RequestValidation, &["33122-B.1-error"]).policy(S::Mandatory, OUTCOME)
        .judged_by(&["checks::invoker::request::reports_failure_without_id"]),
    tp("INV-CRED-03", "The invoker does not retry a rejected credential more than once", B::RequestValidation, &["33122-B.1-error"])
        .judged_by(&["checks::invoker::request::bounded_retries"]),
    tp("INV-REQ-01", "The invoker POSTs to {apiRoot}/api-invoker-management/v1/onboardedInvokers with application/json", B::RequestValidation, &["29222-openapi-request-body"])
        .judged_by(&["checks::invoker::request::request_target"]),
    tp("INV-REQ-02", "The invoker sends a valid APIInvokerEnrolmentDetails", B::RequestValidation, &["29222-openapi-enrolment-required", "29222-openapi-invoker-id"])
        .judged_by(&["checks::invoker::request::request_body_valid"]),
    tp("INV-OK-01", "On 201 the invoker reports success with the assigned apiInvokerId", B::OnboardingResponse, &["33122-B.1-validate", "29222-openapi-201"]).policy(S::Mandatory, OUTCOME)
        .judged_by(&["checks::invoker::onboarding_response::reports_success"]),
    tp("INV-OK-02", "A 201 whose apiInvokerId or certificate is missing or unusable (empty, not PEM, unparsable, for another key, from another CA, expired) is not reported as success", B::OnboardingResponse,
        &["33122-B.1-security-info", "29222-openapi-invoker-id", "29222-10.2-mtls"])
        .policy(S::Recommended, UNCHECKED_201)
        .judged_by(&["checks::invoker::onboarding_response::not_success_on_incomplete"]),
    tp("INV-OK-03", "Only 201 Created is reported as success: not 200, 202 (asynchronous onboarding, not declared) or 204", B::OnboardingResponse, &["29222-openapi-201", "29222-openapi-202"])
        .policy(S::Recommended, "the API defines 201 (onboarded) and 202 (accepted, result notified) and no other success, but no clause forbids an invoker to accept another 2xx")
        .judged_by(&["checks::invoker::onboarding_response::not_success_on_incomplete"]),
    tp("INV-OK-04", "The invoker gives up on a core that never answers the onboarding request, within its declared bound, and reports failure", B::OnboardingResponse, GIVE_UP)
        .judged_by(&["checks::invoker::gave_up_on_silence"]),
    tp("INV-OK-05", "After a 202 Accepted the invoker reports success only once the OnboardingNotification arrived, with the notified apiInvokerId", B::OnboardingResponse,
        &["29222-openapi-202"]).policy(S::Mandatory, OUTCOME)
        .judged_by(&["checks::invoker::async_onboarding::async_success"]),
    tp("INV-OK-06", "After a 202 Accepted and an OnboardingNotification with result false the invoker reports failure", B::OnboardingResponse,
        &["29222-openapi-202"]).policy(S::Mandatory, OUTCOME)
        .judged_by(&["checks::invoker::async_onboarding::async_failure"]),
    tp("INV-OK-07", "After a 202 Accepted that is never notified the invoker gives up within its declared bound and reports failure", B::OnboardingResponse, &["29222-openapi-202", "rfc9112-9.5-timeouts"])
        .judged_by(&["checks::invoker::async_onboarding::async_gave_up"]),
    tp("INV-OK-08", "After a 202 Accepted, an OnboardingNotification whose apiInvokerId or certificate is unusable (empty, not PEM, unparsable, for another key, from another CA, expired) is not reported as success", B::OnboardingResponse,
        &["29222-openapi-202", "29222-openapi-notification", "33122-B.1-security-info", "29222-10.2-mtls"])
        .policy(S::Recommended, "as for a 201 (INV-OK-02): the texts say what the core sends, not that the invoker must check it; an invoker that keeps an unusable certificate fails later, on its first mutual-TLS request")
        .judged_by(&["checks::invoker::async_onboarding::async_not_success_on_unusable"]),
    tp("INV-OK-09", "The invoker names an https:// notificationDestination and serves it (on loopback, a refused connection fails)", B::OnboardingResponse,
        &["33122-6.1-tls", "29222-openapi-202"])
        .judged_by(&["checks::invoker::async_onboarding::notification_destination_served"]),
    tp("INV-OK-10", "A notification POSTed to a path of the invoker's receiver other than the notificationDestination it named is refused (4xx) and not taken as the result", B::OnboardingResponse,
        &["29222-openapi-202", "29222-openapi-notification"])
        .policy(S::Recommended, "no text says the receiver must refuse another path, but one that takes any POST lets whoever reaches it decide the onboarding result; the callback the API defines is the notificationDestination the invoker named")
        .judged_by(&["checks::invoker::async_onboarding::only_the_named_destination_notifies"]),
    tp("INV-OK-11", "The invoker's receiver answers the OnboardingNotification with 204 No Content", B::OnboardingResponse,
        &["29222-openapi-callback-204"])
        .judged_by(&["checks::invoker::async_onboarding::notification_answered_204"]),
    tp("INV-TD-01", "After the success response the invoker ends the session and sends nothing more", B::Teardown, &["33122-B.1-teardown", "rfc9112-9.6-client-close"])
        .judged_by(&["checks::invoker::teardown::invoker_ended_session"]),
    tp("INV-TD-02", "After the error response the invoker ends the session and sends nothing more", B::Teardown, &["33122-B.1-teardown", "rfc9112-9.6-client-close"])
        .judged_by(&["checks::invoker::teardown::invoker_ended_session"]),
    tp("INV-TD-03", "The invoker sends close_notify before closing the connection", B::Teardown, &["rfc8446-6.1-close-notify", "rfc9112-9.8-client-closure-alert"])
        .judged_by(&["checks::invoker::teardown::invoker_close_notify"]),
    tp("INV-OFF-01", "The invoker offboards with DELETE on the resource the core named in its Location", B::Offboarding, &["33122-6.8-step2-send", "33122-6.8-step2-id"])
        .judged_by(&["checks::invoker::offboarding::offboard_target"]),
    tp("INV-OFF-02", "The offboarding DELETE goes over mutual TLS with the certificate issued at onboarding", B::Offboarding, &["33122-6.8-step0-tls", "29222-10.2-mtls"])
        .judged_by(&["checks::invoker::offboarding::offboard_mutual_tls"]),
    tp("INV-OFF-03", "The offboarding DELETE does not carry the onboarding credential", B::Offboarding, &["33122-6.8-step0-tls"])
        .judged_by(&["checks::invoker::offboarding::offboard_without_credential"]),
    tp("INV-OFF-04", "On 204 the invoker reports the offboarding as done", B::Offboarding, &["29222-openapi-delete-204", "33122-6.8-step5-invoker-deletes"])
        .judged_by(&["checks::invoker::offboarding::offboard_reported_done"]),
    tp("INV-OFF-05", "On 403 to the offboarding the invoker reports failure", B::Offboarding, &["29222-openapi-delete-204"]).policy(S::Mandatory, OUTCOME)
        .judged_by(&["checks::invoker::offboarding::offboard_reported_failure"]),
    tp("INV-OFF-06", "On 404 to the offboarding the invoker reports a definite outcome (done, as already offboarded, or failed) and ends the session", B::Offboarding, &["29222-openapi-delete-204", "rfc9110-9.2.2-idempotent"])
        .judged_by(&["checks::invoker::offboarding::offboard_outcome_on_404"]),
    tp("INV-OFF-07", "After the offboarding response the invoker ends the session and sends nothing more", B::Offboarding, &["rfc9112-9.6-client-close"])
        .judged_by(&["checks::invoker::offboarding::offboard_ended_session"]),
    tp("INV-ENR-01", "The invoker sends no register login to a register whose certificate does not chain to its provisioned root", B::Enrolment, &["33122-B.1-prereq"])
        .judged_by(&["checks::invoker::enrolment::register_authenticated"]),
    tp("INV-ENR-02", "The invoker sends no register login in clear", B::Enrolment, &["33122-B.1-prereq"])
        .judged_by(&["checks::invoker::enrolment::no_register_login_in_clear"]),
    // Judged by one property-based campaign (`capif-conformance fuzz --sut invoker`), not by `run`.
    tp("INV-FUZZ-01", "The invoker reports success for no generated answer with an error status (4xx, 5xx)", B::OnboardingResponse, &["33122-B.1-error"])
        .by_fuzz().policy(S::Mandatory, OUTCOME)
        .judged_by(&["fuzz::invoker::property_check"]),
    tp("INV-FUZZ-02", "The invoker reports success only for a valid 201 Created: not for another success status, nor for a 201 whose apiInvokerId or certificate is missing, of another JSON type or unusable, nor for a body that is not JSON", B::OnboardingResponse,
        &["33122-B.1-security-info", "29222-openapi-invoker-id", "29222-10.2-mtls", "29222-openapi-201"])
        .by_fuzz().policy(S::Recommended, UNCHECKED_201)
        .judged_by(&["fuzz::invoker::property_check"]),
    tp("INV-FUZZ-03", "On every generated answer the invoker ends within its declared bound, without crashing", B::OnboardingResponse, GIVE_UP)
        .by_fuzz()
        .judged_by(&["fuzz::invoker::property_check"]),
];
