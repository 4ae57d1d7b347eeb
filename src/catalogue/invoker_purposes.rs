//! Test purposes for an API invoker under test (the harness plays the CAPIF core).

use super::quotes::{CLOSE_NOTIFY, REJECT, SECURE, TEARDOWN, TLS_VERSIONS};
use super::types::{Applicability as A, Branch as B, Severity as S, Sut, TestPurpose};

const VERIFY: &str = "The API invoker authenticates the CAPIF core with the pre-provisioned root CA certificate (server certificate authentication, TS 33.122 §6.1 step 2); \"If the onboarding session cannot be secured, the session is released and the onboarding flow ends.\"";
const CREDENTIAL: &str = "\"The API Invoker includes an onboarding credential in the Onboard API Invoker Request message.\"";
const REQUEST: &str = "POST {apiRoot}/api-invoker-management/v1/onboardedInvokers with an APIInvokerEnrolmentDetails (application/json): onboardingInformation.apiInvokerPublicKey and notificationDestination required, apiInvokerId \"shall not be present in the POST request\".";
const RESPONSE: &str = "\"the CAPIF core creates and returns an Onboard API Invoker Response message ... which contains the API Invoker profile and includes the API Invoker ID. Security information for CAPIF-1 or CAPIF-1e authentication ... is also transferred to the API Invoker\"";

const GIVE_UP: &str = "\"If the onboarding session cannot be secured, the session is released and the onboarding flow ends\"; RFC 9112 §9.5: a client SHOULD apply timeouts to a connection. No clause fixes the bound, so the vendor declares it ([invoker] gives_up_within, default 30 s): recommended, not mandatory. Reporting success without an answer is the same defect as INV-OK-03.";

const ENROLMENT: &str = "Pre-provisioning is outside TS 33.122 (\"The API Invoker and the CAPIF core are pre-provisioned with the onboarding enrolment information\", §6.1): informational. A register the invoker does not authenticate, or reaches in clear, hands its login, its onboarding credential and its trust root to whoever is on the path; the core it then trusts may be the attacker's.";

const OFFBOARD: &str = "TS 33.122 §6.8 step 2: \"The API invoker shall send Offboard API invoker request message to the CAPIF core function, including the CAPIF core function specific API invoker ID\", over the TLS session of step 0, mutually authenticated with the certificate issued at onboarding (TS 29.222 §10.2): DELETE on the resource the core created (TS 29.222 §8.4.2.3.3.2).";
const OFFBOARD_CREDENTIAL: &str = "TS 33.122 §6.8 authenticates the offboarding by the mutually authenticated TLS session; the onboarding credential authorizes onboarding only, and sending it again exposes it to one more request for nothing: recommended.";
const OFFBOARD_RESULT: &str = "TS 29.222 §8.4.2.3.3.2: DELETE answers \"204 No Content: the individual API invoker matching the onboardingId was offboarded\"; TS 33.122 §6.8 step 5: on success \"The API invoker shall delete the information\" of its onboarding. Only a 204 is an offboarding; an error answer leaves the invoker onboarded.";
const OFFBOARD_TEARDOWN: &str = "TS 33.122 §6.8 step 6: \"The CAPIF core function shall tear down the TLS session with the API invoker\"; the invoker has nothing more to send on it and ends it too (RFC 9112 §9.6): recommended, the clause names the core.";

const ASYNC: &str = "POST /onboardedInvokers: \"202 Accepted: the CAPIF core accepted the request, and the onboarding result will be notified\" (TS 29.222 §8.4.2.2.3.1), by an OnboardingNotification (result required) to the notificationDestination of the request: the onboarding is done when the notification says so, with the apiInvokerId it carries.";

const fn tp(
    id: &'static str,
    title: &'static str,
    branch: B,
    severity: S,
    spec_refs: &'static [&'static str],
    requirement: &'static str,
) -> TestPurpose {
    TestPurpose {
        id,
        title,
        sut: Sut::Invoker,
        branch,
        severity,
        spec_refs,
        requirement,
        applicability: A::Always,
        needs: &[],
    }
}

const TLS_REFS: &[&str] = &["TS 33.122 Annex X.1", "TS 33.122 §6.1", "TS 29.222 §10.2"];

/// The invoker-under-test catalogue.
pub static INVOKER: &[TestPurpose] = &[
    tp("INV-TLS-01", "The invoker refuses a core certificate from another CA and sends nothing", B::SecureConnection, S::Mandatory, TLS_REFS, VERIFY),
    tp("INV-TLS-02", "The invoker refuses an expired core certificate and sends nothing", B::SecureConnection, S::Mandatory, TLS_REFS, VERIFY),
    tp("INV-TLS-03", "The invoker refuses a core certificate that is not yet valid and sends nothing", B::SecureConnection, S::Mandatory, TLS_REFS, VERIFY),
    tp("INV-TLS-04", "The invoker refuses a core certificate for another name and sends nothing", B::SecureConnection, S::Mandatory, TLS_REFS, VERIFY),
    tp("INV-TLS-05", "The invoker refuses a self-signed core certificate and sends nothing", B::SecureConnection, S::Mandatory, TLS_REFS, VERIFY),
    tp("INV-TLS-06", "The invoker refuses a core certificate without serverAuth usage and sends nothing", B::SecureConnection, S::Mandatory, TLS_REFS, VERIFY),
    tp("INV-TLS-07", "The invoker sends no credential to a listener that answers in clear", B::SecureConnection, S::Mandatory, &["TS 33.122 Annex X.1", "TS 29.222 §10.2"], SECURE),
    tp("INV-TLS-08", "The invoker's ClientHello offers nothing below TLS 1.2", B::SecureConnection, S::Mandatory, &["TS 33.210 §6.2.1"], TLS_VERSIONS),
    tp("INV-TLS-09", "The invoker refuses a core certificate issued by a non-CA certificate and sends nothing", B::SecureConnection, S::Mandatory, TLS_REFS, VERIFY),
    tp("INV-TLS-10", "The invoker's ClientHello offers both TLS 1.2 and TLS 1.3", B::SecureConnection, S::Mandatory, &["TS 33.210 §6.2.1"], TLS_VERSIONS),
    tp("INV-TLS-11", "The invoker's ClientHello offers no cipher suite RFC 9325 forbids (NULL, anonymous, export, RC4, single DES)", B::SecureConnection, S::Mandatory, &["RFC 9325 §4.1", "TS 33.210 §6.2.3"],
        "RFC 9325 §4.1: \"Implementations MUST NOT negotiate the cipher suites with NULL encryption\", \"MUST NOT negotiate RC4 cipher suites\", \"MUST NOT negotiate cipher suites offering less than 112 bits of security, including so-called 'export-level' encryption\"; anonymous suites offer no authentication. A suite offered is a suite that can be negotiated."),
    tp("INV-TLS-12", "The invoker's ClientHello offers no cipher suite RFC 9325 discourages (3DES, static RSA, finite-field DH, CBC)", B::SecureConnection, S::Recommended, &["RFC 9325 §4.1", "RFC 9325 §4.2"],
        "RFC 9325: implementations SHOULD NOT negotiate cipher suites with static RSA key transport, finite-field DH or CBC mode encryption, nor 3DES; the recommended suites are TLS_ECDHE_*_WITH_AES_*_GCM_* (and the TLS 1.3 suites)."),
    tp("INV-TLS-13", "Addressed by a DNS name, the invoker sends it as SNI", B::SecureConnection, S::Recommended, &["RFC 6066 §3", "RFC 8446 §9.2"],
        "RFC 8446 §9.2: \"TLS clients [...] SHOULD send [the server_name extension] when applicable\"; RFC 6066 §3: the client names the server by its DNS host name. A core behind a name-based front end needs it to pick its certificate."),
    tp("INV-TLS-14", "Addressed by a DNS name, the invoker refuses a core certificate for another name and sends nothing", B::SecureConnection, S::Mandatory, TLS_REFS, VERIFY),
    tp("INV-TLS-15", "The invoker gives up on a core that never answers its ClientHello, within its declared bound, and reports failure", B::SecureConnection, S::Recommended, &["TS 33.122 Annex X.1", "RFC 9112 §9.5"], GIVE_UP),
    tp("INV-CRED-01", "The request carries the provisioned credential as Authorization: Bearer", B::RequestValidation, S::Mandatory, &["TS 33.122 Annex X.1", "TS 33.122 §6.1", "RFC 6750 §2.1"], CREDENTIAL),
    tp("INV-CRED-02", "On a 401 ProblemDetails the invoker reports failure and no apiInvokerId", B::RequestValidation, S::Mandatory, &["TS 33.122 Annex X.1", "RFC 9110 §15.5.2"], REJECT),
    tp("INV-CRED-03", "The invoker does not retry a rejected credential more than once", B::RequestValidation, S::Informational, &["TS 33.122 Annex X.1"], REJECT),
    tp("INV-REQ-01", "The invoker POSTs to {apiRoot}/api-invoker-management/v1/onboardedInvokers with application/json", B::RequestValidation, S::Mandatory, &["TS 29.222 §8.4.2.2.3.1"], REQUEST),
    tp("INV-REQ-02", "The invoker sends a valid APIInvokerEnrolmentDetails", B::RequestValidation, S::Mandatory, &["TS 29.222 §8.4.5.2.2", "TS 29.222 §8.4.5.2.3"], REQUEST),
    tp("INV-OK-01", "On 201 the invoker reports success with the assigned apiInvokerId", B::OnboardingResponse, S::Mandatory, &["TS 33.122 Annex X.1", "TS 29.222 §8.4.2.2.3.1"], RESPONSE),
    tp("INV-OK-02", "A 201 whose apiInvokerId or certificate is missing or unusable (empty, not PEM, unparsable, for another key, from another CA, expired) is not reported as success", B::OnboardingResponse, S::Recommended, &["TS 33.122 Annex X.1", "TS 29.222 §8.4.5.2.2", "TS 33.122 §6.1"], RESPONSE),
    tp("INV-OK-03", "Only 201 Created is reported as success: not 200, 202 (asynchronous onboarding, not declared) or 204", B::OnboardingResponse, S::Mandatory, &["TS 29.222 §8.4.2.2.3.1"],
        "POST /onboardedInvokers: \"201 Created: the API invoker is onboarded successfully\" (with the created resource); \"202 Accepted: the CAPIF core accepted the request, and the onboarding result will be notified\"; no other success status is defined."),
    tp("INV-OK-04", "The invoker gives up on a core that never answers the onboarding request, within its declared bound, and reports failure", B::OnboardingResponse, S::Recommended, &["TS 33.122 Annex X.1", "RFC 9112 §9.5"], GIVE_UP),
    tp("INV-OK-05", "After a 202 Accepted the invoker reports success only once the OnboardingNotification arrived, with the notified apiInvokerId", B::OnboardingResponse, S::Mandatory, &["TS 29.222 §8.4.2.2.3.1", "TS 29.222 §8.4.5.2.7"], ASYNC),
    tp("INV-OK-06", "After a 202 Accepted and an OnboardingNotification with result false the invoker reports failure", B::OnboardingResponse, S::Mandatory, &["TS 29.222 §8.4.2.2.3.1", "TS 29.222 §8.4.5.2.7"], ASYNC),
    tp("INV-OK-07", "After a 202 Accepted that is never notified the invoker gives up within its declared bound and reports failure", B::OnboardingResponse, S::Recommended, &["TS 29.222 §8.4.2.2.3.1", "RFC 9112 §9.5"], GIVE_UP),
    tp("INV-TD-01", "After the success response the invoker ends the session and sends nothing more", B::Teardown, S::Mandatory, &["TS 33.122 Annex X.1", "RFC 9112 §9.6"], TEARDOWN),
    tp("INV-TD-02", "After the error response the invoker ends the session and sends nothing more", B::Teardown, S::Mandatory, &["TS 33.122 Annex X.1", "RFC 9112 §9.6"], TEARDOWN),
    tp("INV-TD-03", "The invoker sends close_notify before closing the connection", B::Teardown, S::Recommended, &["TS 33.122 Annex X.1", "RFC 8446 §6.1"],
        CLOSE_NOTIFY),
    tp("INV-OFF-01", "The invoker offboards with DELETE on the resource the core named in its Location", B::Offboarding, S::Mandatory, &["TS 33.122 §6.8 step 2", "TS 29.222 §8.4.2.3.3.2"], OFFBOARD),
    tp("INV-OFF-02", "The offboarding DELETE goes over mutual TLS with the certificate issued at onboarding", B::Offboarding, S::Mandatory, &["TS 33.122 §6.8", "TS 29.222 §10.2"], OFFBOARD),
    tp("INV-OFF-03", "The offboarding DELETE does not carry the onboarding credential", B::Offboarding, S::Recommended, &["TS 33.122 §6.8"], OFFBOARD_CREDENTIAL),
    tp("INV-OFF-04", "On 204 the invoker reports the offboarding as done", B::Offboarding, S::Mandatory, &["TS 33.122 §6.8 step 5", "TS 29.222 §8.4.2.3.3.2"], OFFBOARD_RESULT),
    tp("INV-OFF-05", "On 403 to the offboarding the invoker reports failure", B::Offboarding, S::Mandatory, &["TS 29.222 §8.4.2.3.3.2"], OFFBOARD_RESULT),
    tp("INV-OFF-06", "On 404 to the offboarding the invoker reports failure", B::Offboarding, S::Mandatory, &["TS 29.222 §8.4.2.3.3.2"], OFFBOARD_RESULT),
    tp("INV-OFF-07", "After the offboarding response the invoker ends the session and sends nothing more", B::Offboarding, S::Recommended, &["TS 33.122 §6.8 step 6", "RFC 9112 §9.6"], OFFBOARD_TEARDOWN),
    tp("INV-ENR-01", "The invoker sends no register login to a register whose certificate does not chain to its provisioned root", B::Enrolment, S::Informational, &["TS 33.122 §6.1", "RFC 9110 §4.3.4"], ENROLMENT),
    tp("INV-ENR-02", "The invoker sends no register login in clear", B::Enrolment, S::Informational, &["TS 33.122 §6.1", "RFC 7617 §4"], ENROLMENT),
];
