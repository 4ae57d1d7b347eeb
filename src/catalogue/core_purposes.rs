//! Test purposes for a CAPIF core under test (the harness plays the API invoker). Each cites
//! requirement ids from `requirements.toml`; its severity follows from them (README "Severity")
//! unless it declares a project policy.

use super::types::{
    Applicability as A, Branch as B, Capability as C, Need, Runner, Severity as S, Sut, TestPurpose,
};

/// A verified TLS session and an onboarding answer without a client certificate.
const SESSION: &[Need] = &[Need::SecureSession, Need::NoClientCertificate];
/// ... and a valid request is accepted: the positive control before a rejection is judged.
const ACCEPTED: &[Need] = &[
    Need::SecureSession,
    Need::NoClientCertificate,
    Need::Accepted,
];
/// ... and a valid request is answered 201 Created.
const CREATED: &[Need] = &[
    Need::SecureSession,
    Need::NoClientCertificate,
    Need::Created,
];
/// ... and a credential the harness mints is accepted (positive control for forged ones).
const MINTED: &[Need] = &[
    Need::SecureSession,
    Need::NoClientCertificate,
    Need::Accepted,
    Need::MintedCredentialAccepted,
];

/// The policy of the forged-credential test purposes: the sentence that makes credential
/// validation a "shall" (TS 33.122 §6.1) is not verified yet, so the rule alone gives them
/// recommended.
const FORGERY: &str = "a core that accepts a credential anyone can make without the enrolment key authenticates no one; TS 33.122 §6.1's validation sentence (33122-6.1-token-validated), which makes this a shall, is not yet read verbatim";

const fn tp(
    id: &'static str,
    title: &'static str,
    branch: B,
    requirements: &'static [&'static str],
    applicability: A,
) -> TestPurpose {
    TestPurpose {
        id,
        title,
        sut: Sut::Core,
        branch,
        requirements,
        policy: None,
        applicability,
        needs: ACCEPTED,
        runner: Runner::Suite,
        judged_by: &[],
    }
}

const TOKEN: &[&str] = &[
    "33122-B.1-error",
    "33122-6.1-token-validated",
    "rfc7519-7.2-reject",
];

/// The core-under-test catalogue.
pub static CORE: &[TestPurpose] = &[
    tp("CCF-TLS-01", "The core presents a certificate that chains to the provisioned root and is valid for its name, over TLS 1.2 or 1.3",
        B::SecureConnection, &["33122-B.1-secure-fails", "33122-6.1-tls", "33122-6.1-tls-profile"], A::Always).needs(&[])
        .judged_by(&["checks::core::secure_connection::secure_connection"]),
    tp("CCF-TLS-02", "The core refuses a ClientHello that offers only TLS 1.0/1.1",
        B::SecureConnection, &["33210-6.2.1-no-legacy"], A::Always).needs(&[])
        .judged_by(&["checks::core::secure_connection::legacy_versions_refused"]),
    tp("CCF-TLS-03", "The core does not process an onboarding request sent in clear",
        B::SecureConnection, &["33122-B.1-secure-fails", "33122-6.1-tls"], A::Always).needs(&[])
        .judged_by(&["checks::core::secure_connection::cleartext_not_processed"]),
    tp("CCF-TLS-04", "The core does not require a client certificate for onboarding",
        B::SecureConnection, &["33122-6.1-tls"], A::Always).needs(&[Need::SecureSession])
        .judged_by(&["checks::core::secure_connection::no_client_certificate_required"]),
    tp("CCF-TLS-05", "The core survives an abandoned handshake and still onboards afterwards",
        B::SecureConnection, &["33122-B.1-secure-fails"], A::Always)
        .judged_by(&["checks::core::secure_connection::still_accepted"]),
    tp("CCF-TLS-06", "The core completes a handshake with a client that offers only TLS 1.2",
        B::SecureConnection, &["33210-6.2.1-tls12-tls13"], A::Always).needs(&[Need::SecureSession])
        .judged_by(&["checks::core::secure_connection::handshake_with_only"]),
    tp("CCF-TLS-07", "The core completes a handshake with a client that offers only TLS 1.3",
        B::SecureConnection, &["33210-6.2.1-tls12-tls13"], A::Always).needs(&[Need::SecureSession])
        .judged_by(&["checks::core::secure_connection::handshake_with_only"]),
    tp("CCF-TLS-10", "Offered TLS 1.2 and TLS 1.3, a core that speaks TLS 1.3 negotiates TLS 1.3",
        B::SecureConnection, &["rfc9325-3.1.1-prefer-tls13"], A::Always)
        .judged_by(&["checks::core::secure_connection::prefers_tls13"]),
    tp("CCF-TLS-13", "Offered only TLS 1.3 with TLS_AES_128_GCM_SHA256 and key exchange secp256r1 (the mandatory-to-implement suite and group), the core completes the handshake",
        B::SecureConnection, &["33210-6.2.2-rfc8446-9.1", "rfc8446-9.1-mti"], A::Always)
        .judged_by(&["checks::core::secure_connection::handshake_with_offer"]),
    tp("CCF-TLS-14", "Offered only TLS 1.3 with key exchange secp384r1, the core completes the handshake",
        B::SecureConnection, &["33210-6.2.2-secp384r1"], A::Always)
        .judged_by(&["checks::core::secure_connection::handshake_with_offer"]),
    tp("CCF-TLS-11", "Every TLS 1.2 ServerHello acknowledges the renegotiation_info extension the ClientHello carried",
        B::SecureConnection, &["rfc9325-3.5-server-reneg-info"], A::Always)
        .judged_by(&["checks::core::secure_connection::tls12_extension_acknowledged"]),
    tp("CCF-TLS-12", "Every TLS 1.2 ServerHello negotiates the extended_master_secret the ClientHello offered",
        B::SecureConnection, &["rfc9325-3.5-ems-support"], A::Always)
        .judged_by(&["checks::core::secure_connection::tls12_extension_acknowledged"]),
    tp("CCF-TLS-15", "Proposed every discouraged TLS 1.2 suite first and TLS_ECDHE_*_AES_128_GCM_SHA256 last, the core selects the latter",
        B::SecureConnection, &["rfc9325-4.2.1-prefer"], A::Always)
        .judged_by(&["checks::core::secure_connection::prefers_aes128_gcm_ecdhe"]),
    tp("CCF-TLS-16", "No certificate the core presents has an RSA key under 2048 bits, an EC key under 224 bits or a SHA-1 or MD5 signature",
        B::SecureConnection, &["rfc9325-4.5-rsa2048", "rfc9325-4.5-curves", "rfc9325-4.5-sha1-md5"], A::Always).needs(&[])
        .judged_by(&["checks::core::secure_connection::certificate_strength"]),
    tp("CCF-TLS-17", "The core does not process an onboarding request sent as TLS 1.3 early data (0-RTT)",
        B::SecureConnection, &["rfc9325-3.10-0rtt", "rfc8446-E.5-0rtt"], A::Always)
        .judged_by(&["checks::core::secure_connection::early_data_not_processed"]),
    tp("CCF-TLS-08", "The core refuses a TLS 1.2 ClientHello offering only suites RFC 9325 forbids (NULL, anonymous, export, RC4, DES)",
        B::SecureConnection, &["rfc9325-4.1-null", "rfc9325-4.1-rc4", "rfc9325-4.1-112bit", "rfc5246-A.5-anon"], A::Always).needs(&[])
        .judged_by(&["checks::core::secure_connection::enumerated_suites_refused"]),
    tp("CCF-TLS-09", "The core refuses a TLS 1.2 ClientHello offering only suites RFC 9325 discourages (3DES, static RSA, finite-field DH, CBC)",
        B::SecureConnection, &["rfc9325-4.1-static-rsa", "rfc9325-4.1-dhe", "rfc9325-4.2-cbc", "rfc9325-4.1-128bit", "33210-6.2.3-aead-pfs"], A::Always).needs(&[])
        .judged_by(&["checks::core::secure_connection::enumerated_suites_refused"]),
    tp("CCF-CRED-01", "The core rejects an onboarding request without a credential",
        B::RequestValidation, &["33122-B.1-request", "33122-B.1-error", "33122-6.1-token-validated"], A::Always).policy(S::Mandatory, FORGERY)
        .judged_by(&["checks::core::credential::rejected"]),
    tp("CCF-CRED-02", "The core rejects a malformed credential",
        B::RequestValidation, TOKEN, A::Always).policy(S::Mandatory, FORGERY)
        .judged_by(&["checks::core::credential::rejected"]),
    tp("CCF-CRED-03", "The core rejects a credential whose signature was tampered with",
        B::RequestValidation, TOKEN, A::Always).policy(S::Mandatory, FORGERY)
        .judged_by(&["checks::core::credential::rejected"]),
    tp("CCF-CRED-04", "The core rejects a credential presented with a scheme other than Bearer",
        B::RequestValidation, &["33122-B.1-error", "rfc6750-2.1-bearer"], A::Always)
        .judged_by(&["checks::core::credential::rejected"]),
    tp("CCF-CRED-05", "The core rejects an expired credential",
        B::RequestValidation, &["33122-6.1-token-validated", "rfc7519-4.1.4-exp-check"], A::Requires(C::AcceptsHarnessCredentials)).needs(MINTED)
        .judged_by(&["checks::core::credential::rejected"]),
    tp("CCF-CRED-06", "The core rejects a credential signed by an unknown key",
        B::RequestValidation, TOKEN, A::Requires(C::AcceptsHarnessCredentials)).needs(MINTED).policy(S::Mandatory, FORGERY)
        .judged_by(&["checks::core::credential::rejected"]),
    tp("CCF-CRED-07", "The core's error response is a ProblemDetails in application/problem+json whose status, when present, matches the HTTP status",
        B::RequestValidation, &["29222-7.7-errors", "29222-openapi-errors"], A::Always)
        .policy(S::Recommended, "the API's own contract (the TS 29.222 OpenAPI) defines every error answer as application/problem+json ProblemDetails, while TS 29.122 clause 5.2.6, which would make it binding, is not retrieved")
        .judged_by(&["checks::core::credential::problem_details"]),
    tp("CCF-CRED-08", "A rejected request leaves no state: the same public key onboards afterwards",
        B::RequestValidation, &["33122-B.1-error"], A::Always)
        .judged_by(&["checks::core::credential::same_key_onboards"]),
    tp("CCF-CRED-09", "The core rejects an unsecured credential (alg: none, signature removed)",
        B::RequestValidation, &["33122-6.1-token-validated", "rfc7518-3.6-none", "rfc7519-7.2-reject"], A::Always).policy(S::Mandatory, FORGERY)
        .judged_by(&["checks::core::credential::rejected"]),
    tp("CCF-CRED-10", "A 401 carries a WWW-Authenticate challenge",
        B::RequestValidation, &["rfc9110-11.6.1-www-authenticate", "rfc6750-3-www-authenticate"], A::Always)
        .judged_by(&["checks::core::credential::www_authenticate"]),
    tp("CCF-CRED-19", "Every 401 carries a WWW-Authenticate challenge, also for a credential that was presented and refused (malformed, tampered, unsecured, under another scheme)",
        B::RequestValidation, &["rfc9110-11.6.1-www-authenticate", "rfc6750-3-www-authenticate"], A::Always)
        .judged_by(&["checks::core::credential::www_authenticate_on_every_401"]),
    tp("CCF-CRED-20", "A 401 to a presented Bearer token names the error in its challenge (error=\"invalid_token\")",
        B::RequestValidation, &["rfc6750-3.1-error-attribute"], A::Always)
        .judged_by(&["checks::core::credential::error_attribute_on_every_401"]),
    tp("CCF-CRED-11", "The core rejects a credential with an unknown critical header parameter (crit)",
        B::RequestValidation, &["33122-6.1-token-validated", "rfc7515-4.1.11-crit", "rfc7519-7.2-reject"], A::Requires(C::AcceptsHarnessCredentials)).needs(MINTED)
        .judged_by(&["checks::core::credential::rejected"]),
    tp("CCF-CRED-12", "The core rejects a credential whose audience (aud) does not name it",
        B::RequestValidation, &["33122-6.1-token-validated", "rfc7519-4.1.3-aud"], A::Requires(C::AcceptsHarnessCredentials)).needs(MINTED)
        .judged_by(&["checks::core::credential::rejected"]),
    tp("CCF-CRED-13", "The core rejects a credential that is not valid yet (nbf in the future)",
        B::RequestValidation, &["33122-6.1-token-validated", "rfc7519-4.1.5-nbf"], A::Requires(C::AcceptsHarnessCredentials)).needs(MINTED)
        .judged_by(&["checks::core::credential::rejected"]),
    tp("CCF-CRED-14", "The core rejects an HS256 credential MACed with its public verification key (algorithm confusion)",
        B::RequestValidation, &["33122-6.1-token-validated", "rfc8725-3.1-one-alg"], A::Requires(C::AcceptsHarnessCredentials)).needs(MINTED).policy(S::Mandatory, FORGERY)
        .judged_by(&["checks::core::credential::rejected"]),
    tp("CCF-CRED-15", "The core rejects a credential signed by the key its own jwk header carries",
        B::RequestValidation, TOKEN, A::Always).policy(S::Mandatory, FORGERY)
        .judged_by(&["checks::core::credential::rejected"]),
    tp("CCF-CRED-16", "The core rejects a credential without an expiry (exp)",
        B::RequestValidation, &["rfc7519-4.1.4-exp-optional"], A::Requires(C::AcceptsHarnessCredentials)).needs(MINTED)
        .judged_by(&["checks::core::credential::rejected"]),
    tp("CCF-CRED-17", "The core rejects a credential signed by a key its own jku header points to",
        B::RequestValidation, TOKEN, A::Always).policy(S::Mandatory, FORGERY)
        .judged_by(&["checks::core::credential::rejected"]),
    tp("CCF-CRED-18", "The core rejects a credential signed by a key its own x5u header points to",
        B::RequestValidation, TOKEN, A::Always).policy(S::Mandatory, FORGERY)
        .judged_by(&["checks::core::credential::rejected"]),
    tp("CCF-REQ-01", "The core rejects a request without onboardingInformation with 400",
        B::RequestValidation, &["29222-openapi-enrolment-required"], A::Always)
        .judged_by(&["checks::core::request_validation::bad_request_for_missing"]),
    tp("CCF-REQ-02", "The core rejects a request without apiInvokerPublicKey with 400",
        B::RequestValidation, &["29222-openapi-enrolment-required"], A::Always)
        .judged_by(&["checks::core::request_validation::bad_request_for_missing"]),
    tp("CCF-REQ-03", "The core rejects a request without notificationDestination with 400",
        B::RequestValidation, &["29222-openapi-enrolment-required"], A::Always)
        .judged_by(&["checks::core::request_validation::bad_request_for_missing"]),
    tp("CCF-REQ-04", "The core does not adopt an apiInvokerId sent in the POST",
        B::RequestValidation, &["29222-openapi-invoker-id"], A::Always)
        .judged_by(&["checks::core::request_validation::not_adopted"]),
    tp("CCF-REQ-05", "The core rejects a non-JSON body and a wrong content type (400/415)",
        B::RequestValidation, &["29222-openapi-request-body"], A::Always)
        .judged_by(&["checks::core::request_validation::rejected_with"]),
    tp("CCF-REQ-07", "A valid request whose apiInvokerInformation holds spaces, quotes, shell and URL metacharacters and non-ASCII is onboarded, the value echoed unchanged",
        B::RequestValidation, &["29222-openapi-invoker-information", "33122-B.1-validate"], A::Always)
        .policy(S::Mandatory, "apiInvokerInformation is a free string (TS 29.222 OpenAPI: no pattern, no length), so this is a valid request, and a valid request answered with an error is the positive control (CCF-OK-01) failing for this value")
        .judged_by(&["checks::core::request_validation::free_text_onboarded"]),
    tp("CCF-REQ-06", "The 400 for a missing required field names it in invalidParams",
        B::RequestValidation, &["29122-openapi-invalid-params", "29222-7.7-errors"], A::Always)
        .judged_by(&["checks::core::request_validation::invalid_params_name"]),
    tp("CCF-OK-01", "The core answers a valid onboarding request with 201 Created",
        B::OnboardingResponse, &["33122-B.1-validate", "29222-openapi-201"], A::Always).needs(SESSION)
        .policy(S::Mandatory, "a core that onboards no valid invoker performs no part of Figure B.1-1, and every other test purpose needs this positive control")
        .judged_by(&["checks::core::onboarding_response::created", "checks::core::onboarding_response::created_for"]),
    tp("CCF-OK-02", "The Location header is {apiRoot}/api-invoker-management/v1/onboardedInvokers/{onboardingId}",
        B::OnboardingResponse, &["29222-openapi-location", "29222-openapi-location-v19"], A::Always).needs(CREATED)
        .judged_by(&["checks::core::onboarding_response::location"]),
    tp("CCF-OK-03", "The response is an application/json APIInvokerEnrolmentDetails with a non-empty apiInvokerId",
        B::OnboardingResponse, &["33122-B.1-validate", "29222-openapi-201", "29222-openapi-invoker-id"], A::Always).needs(CREATED)
        .judged_by(&["checks::core::onboarding_response::has_invoker_id"]),
    tp("CCF-OK-04", "The issued certificate is X.509, chains to the invoker CA, binds the invoker's key, is valid now and allows clientAuth",
        B::OnboardingResponse, &["33122-B.1-security-info", "29222-10.2-mtls"], A::Requires(C::IssuesCertificate)).needs(CREATED)
        .judged_by(&["checks::core::onboarding_response::issued_certificate"]),
    tp("CCF-OK-05", "The response carries an onboardingSecret",
        B::OnboardingResponse, &["33122-B.1-security-info"], A::Requires(C::IssuesOnboardingSecret)).needs(CREATED)
        .judged_by(&["checks::core::onboarding_response::onboarding_secret"]),
    tp("CCF-OK-08", "Without a declared certificate, the 201 still carries CAPIF-1/1e security information (an apiInvokerCertificate or an onboardingSecret)",
        B::OnboardingResponse, &["33122-B.1-security-info"], A::Unless(C::IssuesCertificate)).needs(CREATED)
        .judged_by(&["checks::core::onboarding_response::security_information"]),
    tp("CCF-OK-09", "A 202 Accepted is completed, within the declared bound, by an OnboardingNotification with a result to this request's notificationDestination",
        B::OnboardingResponse, &["29222-openapi-202", "29222-openapi-notification"], A::Requires(C::AsynchronousOnboarding))
        .judged_by(&["checks::core::async_onboarding::onboarding_notified"]),
    tp("CCF-OK-10", "The core authenticates the receiver it notifies: to a receiver presenting a certificate from another CA, for another name or expired it sends no notification (the handshake fails), and the trusted receiver is then notified",
        B::OnboardingResponse, &["33122-6.1-tls", "rfc9110-4.3.4-verify", "rfc9110-4.3.4-automated", "29222-openapi-202"], A::Requires(C::AsynchronousOnboarding))
        .judged_by(&["checks::core::async_onboarding::receiver_authenticated"]),
    tp("CCF-OK-11", "One onboarding, one result: no later notification to the same destination contradicts the first (result, apiInvokerId, resourceLocation, certificate) within the declared bound",
        B::OnboardingResponse, &["29222-openapi-202", "29222-openapi-notification"], A::Requires(C::AsynchronousOnboarding))
        .policy(S::Recommended, "no text says a core sends one notification per request; one that contradicts the first leaves the invoker two results for one onboarding, and which it keeps decides whether its id and certificate are the ones the core honours")
        .judged_by(&["checks::core::async_onboarding::onboarding_notified", "checks::core::async_onboarding::one_result"]),
    tp("CCF-OK-06", "Two invokers get different apiInvokerIds",
        B::OnboardingResponse, &["33122-B.1-validate", "33122-6.8-step2-id"], A::Always).needs(CREATED)
        .policy(S::Mandatory, "an API invoker ID that two invokers share identifies neither: offboarding one (TS 33.122 clause 6.8, \"CAPIF core function specific API invoker ID\") would remove the other")
        .judged_by(&["checks::core::onboarding_response::distinct_ids"]),
    tp("CCF-OK-07", "The issued certificate is accepted for mutual TLS (offboarding DELETE answers 204)",
        B::OnboardingResponse, &["29222-10.2-mtls", "29222-openapi-delete-204"], A::Requires(C::Offboarding)).needs(CREATED)
        .judged_by(&["checks::core::onboarding_response::deleted_with_issued_certificate"]),
    tp("CCF-OFF-01", "After offboarding, the invoker resource and its certificate are gone: the issued certificate no longer reaches the resource",
        B::Offboarding, &["33122-6.8-step3-delete", "rfc9110-9.2.2-idempotent"], A::Requires(C::Offboarding)).needs(CREATED)
        .judged_by(&["checks::core::offboarding::offboarded_gone"]),
    tp("CCF-OFF-02", "After offboarding, the same public key onboards again",
        B::Offboarding, &["33122-6.8-step3-retain"], A::Requires(C::Offboarding)).needs(CREATED)
        .judged_by(&["checks::core::offboarding::reonboarded"]),
    tp("CCF-OFF-03", "A DELETE without a client certificate is refused and deletes nothing",
        B::Offboarding, &["33122-6.8-step3-verify", "29222-10.2-mtls"], A::Requires(C::Offboarding)).needs(CREATED)
        .judged_by(&["checks::core::offboarding::offboarding_refused"]),
    tp("CCF-OFF-04", "A DELETE with another invoker's certificate is refused and deletes nothing",
        B::Offboarding, &["33122-6.8-step3-verify", "29222-10.2-mtls"], A::Requires(C::Offboarding)).needs(CREATED)
        .judged_by(&["checks::core::offboarding::offboarding_refused"]),
    tp("CCF-OFF-05", "After the offboarding response the core tears down the TLS session itself",
        B::Offboarding, &["33122-6.8-step6-teardown"], A::Requires(C::Offboarding)).needs(CREATED)
        .judged_by(&["checks::core::offboarding::offboarding_torn_down"]),
    tp("CCF-TD-01", "After a success response the session is torn down: the core ends it, or (teardown = \"either\") serves nothing more after the invoker's close",
        B::Teardown, &["33122-B.1-teardown", "rfc9112-9.6-server-close"], A::Always).policy(S::Mandatory, TEARDOWN)
        .judged_by(&["checks::core::teardown::session_ended"]),
    tp("CCF-TD-02", "After an error response the session is torn down: the core ends it, or (teardown = \"either\") serves nothing more after the invoker's close",
        B::Teardown, &["33122-B.1-teardown", "rfc9112-9.6-server-close"], A::Always).policy(S::Mandatory, TEARDOWN)
        .judged_by(&["checks::core::teardown::session_ended"]),
    tp("CCF-TD-03", "The core sends close_notify before closing the TCP connection",
        B::Teardown, &["rfc8446-6.1-close-notify", "rfc9112-9.8-server-closure-alert"], A::Always)
        .judged_by(&["checks::core::teardown::close_notify_sent"]),
    // Judged by one property-based campaign (`capif-conformance fuzz`), not by `run`.
    tp("CCF-FUZZ-01", "Every generated request the model holds valid is answered as valid: 201 Created with Location and APIInvokerEnrolmentDetails",
        B::RequestValidation, &["33122-B.1-validate", "29222-openapi-201"], A::Always).needs(&[]).by_fuzz()
        .policy(S::Mandatory, "a valid request answered with an error is the positive control (CCF-OK-01) failing for that request, and CCF-OK-01 is mandatory by project policy")
        .judged_by(&["fuzz::property_check"]),
    tp("CCF-FUZZ-02", "Every generated request the model holds invalid is refused with a 4xx ProblemDetails and onboards nothing",
        B::RequestValidation, &["29222-openapi-enrolment-required", "29222-7.7-errors"], A::Always).needs(&[]).by_fuzz()
        .judged_by(&["fuzz::property_check"]),
    tp("CCF-FUZZ-03", "Every generated request is answered, and never with a 5xx",
        B::RequestValidation, &["33122-B.1-validate", "29222-7.7-errors"], A::Always).needs(&[]).by_fuzz()
        .policy(S::Mandatory, "no answer or a 5xx to a request is the core failing whatever the request: for a valid one it is CCF-FUZZ-01's failure, for an invalid one CCF-FUZZ-02's (REQUIRED members, refused with a 4xx); named apart so the finding says the core broke, not that it judged wrong")
        .judged_by(&["fuzz::property_check"]),
    tp("CCF-FUZZ-04", "After the answer to every generated request the session is torn down: the core ends it, or (teardown = \"either\") serves nothing more after the invoker's close",
        B::Teardown, &["33122-B.1-teardown", "rfc9112-9.6-server-close"], A::Always).needs(&[]).by_fuzz()
        .policy(S::Mandatory, TEARDOWN)
        .judged_by(&["fuzz::property_check"]),
    tp("CCF-FUZZ-05", "Every generated valid request framed otherwise (the body chunked, header names in another case, the headers in another order) is answered as valid",
        B::RequestValidation, &["rfc9112-7.1-chunked", "rfc9110-5.1-field-names", "rfc9110-5.3-field-order"], A::Always).needs(&[]).by_fuzz()
        .judged_by(&["fuzz::property_check"]),
];

/// The policy of the core's teardown test purposes (the example of shared/normative/README.md).
const TEARDOWN: &str = "the teardown of Figure B.1-1 is informative and names no actor, but RFC 9112 clause 9.6 makes closing a MUST for the side that announced Connection: close, and a session that stays usable after the response is what the figure rules out (teardown = \"either\" accepts the invoker closing it)";
