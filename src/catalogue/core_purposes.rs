//! Test purposes for a CAPIF core under test (the harness plays the API invoker).

use super::quotes::{CLOSE_NOTIFY, REJECT, SECURE, TEARDOWN, TLS_VERSIONS};
use super::types::{
    Applicability as A, Branch as B, Capability as C, Need, Severity as S, Sut, TestPurpose,
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

const JWT: &str = "\"The API invoker includes an onboard credential obtained during pre-provisioning ... which may be an OAuth 2.0 access token\"; a token shall be a JWT with a JWS signature, validated per RFC 7519 and RFC 7515.";
const BODY: &str = "APIInvokerEnrolmentDetails: onboardingInformation (with apiInvokerPublicKey) and notificationDestination are required; apiInvokerId \"shall not be present in the POST request\".";
const RESPONSE: &str = "\"If the onboarding credential is valid, the CAPIF core creates and returns an Onboard API Invoker Response message ... which contains the API Invoker profile and includes the API Invoker ID. Security information for CAPIF-1 or CAPIF-1e authentication and (optionally) security information for CAPIF-2 or CAPIF-2e is also transferred to the API Invoker\"";

const OFFBOARD: &str = "TS 33.122 §6.8 step 3: \"The CAPIF core function shall verify the API invoker ID received in step 2 and check that the corresponding profile exists for this API invoker. With successful verification of the API invoker ID and its profile, the CAPIF core function shall cancel the enrolment of the API invoker and delete the API invoker profile. This includes deletion of API invoker certificate [...]\"";
const REONBOARD: &str = "TS 33.122 §6.8 step 3 deletes the profile, but \"Depending on the operator policy, the CAPIF core function may retain the information of the offboarded API invoker\": a core that refuses the same key again may be following its policy, hence recommended.";
const OFFBOARD_AUTH: &str = "TS 33.122 §6.8: the Offboard API invoker request goes over the TLS session of step 0, mutually authenticated with the certificate issued at onboarding (TS 29.222 §10.2), and step 3 \"shall verify the API invoker ID\": a request that does not authenticate as that invoker is refused and deletes nothing.";
const OFFBOARD_TEARDOWN: &str = "TS 33.122 §6.8 step 6: \"The CAPIF core function shall tear down the TLS session with the API invoker.\" The core itself, so a keep-alive core that waits for the invoker to close fails here even with teardown = \"either\".";

const fn tp(
    id: &'static str,
    title: &'static str,
    branch: B,
    severity: S,
    spec_refs: &'static [&'static str],
    requirement: &'static str,
    applicability: A,
) -> TestPurpose {
    TestPurpose {
        id,
        title,
        sut: Sut::Core,
        branch,
        severity,
        spec_refs,
        requirement,
        applicability,
        needs: ACCEPTED,
    }
}

/// The core-under-test catalogue.
pub static CORE: &[TestPurpose] = &[
    tp("CCF-TLS-01", "The core presents a certificate that chains to the provisioned root and is valid for its name, over TLS 1.2 or 1.3",
        B::SecureConnection, S::Mandatory, &["TS 33.122 Annex X.1", "TS 33.122 §6.1 step 2", "TS 33.210 §6.2.1"], SECURE, A::Always).needs(&[]),
    tp("CCF-TLS-02", "The core refuses a ClientHello that offers only TLS 1.0/1.1",
        B::SecureConnection, S::Mandatory, &["TS 33.210 §6.2.1"], TLS_VERSIONS, A::Always).needs(&[]),
    tp("CCF-TLS-03", "The core does not process an onboarding request sent in clear",
        B::SecureConnection, S::Mandatory, &["TS 33.122 Annex X.1", "TS 29.222 §10.2"], SECURE, A::Always).needs(&[]),
    tp("CCF-TLS-04", "The core does not require a client certificate for onboarding",
        B::SecureConnection, S::Mandatory, &["TS 29.222 §10.2", "TS 33.122 §6.1"],
        "Onboarding uses TLS with server certificate authentication only: the invoker has no certificate until the core issues one.", A::Always).needs(&[Need::SecureSession]),
    tp("CCF-TLS-05", "The core survives an abandoned handshake and still onboards afterwards",
        B::SecureConnection, S::Recommended, &["TS 33.122 Annex X.1"], SECURE, A::Always),
    tp("CCF-TLS-06", "The core completes a handshake with a client that offers only TLS 1.2",
        B::SecureConnection, S::Mandatory, &["TS 33.210 §6.2.1"], TLS_VERSIONS, A::Always).needs(&[Need::SecureSession]),
    tp("CCF-TLS-07", "The core completes a handshake with a client that offers only TLS 1.3",
        B::SecureConnection, S::Mandatory, &["TS 33.210 §6.2.1"], TLS_VERSIONS, A::Always).needs(&[Need::SecureSession]),
    tp("CCF-TLS-08", "The core refuses a TLS 1.2 ClientHello offering only suites RFC 9325 forbids (NULL, anonymous, export, RC4, DES)",
        B::SecureConnection, S::Mandatory, &["RFC 9325 §4.1", "TS 33.210 §6.2.3"],
        "RFC 9325 §4.1: implementations MUST NOT negotiate cipher suites with NULL encryption, RC4, or less than 112 bits of security (export, DES); anonymous suites authenticate no one.", A::Always).needs(&[Need::SecureSession]),
    tp("CCF-TLS-09", "The core refuses a TLS 1.2 ClientHello offering only suites RFC 9325 discourages (3DES, static RSA, finite-field DH, CBC)",
        B::SecureConnection, S::Recommended, &["RFC 9325 §4.1", "RFC 9325 §4.2"],
        "RFC 9325: implementations SHOULD NOT negotiate 3DES, static RSA key transport, finite-field DH or CBC suites; the recommended suites are TLS_ECDHE_*_WITH_AES_*_GCM_*.", A::Always).needs(&[Need::SecureSession]),
    tp("CCF-CRED-01", "The core rejects an onboarding request without a credential",
        B::RequestValidation, S::Mandatory, &["TS 33.122 Annex X.1", "TS 33.122 §6.1"], REJECT, A::Always),
    tp("CCF-CRED-02", "The core rejects a malformed credential",
        B::RequestValidation, S::Mandatory, &["TS 33.122 §6.1", "RFC 7519 §7.2"], JWT, A::Always),
    tp("CCF-CRED-03", "The core rejects a credential whose signature was tampered with",
        B::RequestValidation, S::Mandatory, &["TS 33.122 §6.1", "RFC 7515 §5.2"], JWT, A::Always),
    tp("CCF-CRED-04", "The core rejects a credential presented with a scheme other than Bearer",
        B::RequestValidation, S::Mandatory, &["TS 33.122 §6.1", "RFC 6750 §2.1"], JWT, A::Always),
    tp("CCF-CRED-05", "The core rejects an expired credential",
        B::RequestValidation, S::Mandatory, &["TS 33.122 §6.1", "RFC 7519 §4.1.4"], JWT, A::Requires(C::AcceptsHarnessCredentials)).needs(MINTED),
    tp("CCF-CRED-06", "The core rejects a credential signed by an unknown key",
        B::RequestValidation, S::Mandatory, &["TS 33.122 §6.1", "RFC 7515 §5.2"], JWT, A::Requires(C::AcceptsHarnessCredentials)).needs(MINTED),
    tp("CCF-CRED-07", "The core's error response is a ProblemDetails in application/problem+json whose status, when present, matches the HTTP status",
        B::RequestValidation, S::Mandatory, &["TS 29.222 §8.4.4", "TS 29.122 §5.2.6"],
        "Error responses of CAPIF APIs carry a ProblemDetails body (application/problem+json) as defined in TS 29.122.", A::Always),
    tp("CCF-CRED-08", "A rejected request leaves no state: the same public key onboards afterwards",
        B::RequestValidation, S::Recommended, &["TS 33.122 Annex X.1"], REJECT, A::Always),
    tp("CCF-CRED-09", "The core rejects an unsecured credential (alg: none, signature removed)",
        B::RequestValidation, S::Mandatory, &["TS 33.122 §6.1", "RFC 7518 §3.6", "RFC 8725 §3.1"],
        "RFC 7518 §3.6: \"Implementations that support Unsecured JWSs MUST NOT accept such objects as valid unless the application specifies that it is acceptable for a specific object\"; TS 33.122 §6.1: the credential has a JWS signature.", A::Always),
    tp("CCF-CRED-10", "A 401 carries a WWW-Authenticate challenge",
        B::RequestValidation, S::Mandatory, &["RFC 9110 §11.6.1", "RFC 6750 §3"],
        "RFC 9110 §11.6.1: \"A server generating a 401 (Unauthorized) response MUST send a WWW-Authenticate header field containing at least one challenge.\"", A::Always),
    tp("CCF-CRED-11", "The core rejects a credential with an unknown critical header parameter (crit)",
        B::RequestValidation, S::Mandatory, &["TS 33.122 §6.1", "RFC 7515 §4.1.11"],
        "RFC 7515 §4.1.11: \"If any of the listed extension Header Parameters are not understood and supported by the recipient, then the JWS is invalid.\"", A::Requires(C::AcceptsHarnessCredentials)).needs(MINTED),
    tp("CCF-CRED-12", "The core rejects a credential whose audience (aud) does not name it",
        B::RequestValidation, S::Mandatory, &["TS 33.122 §6.1", "RFC 7519 §4.1.3"],
        "RFC 7519 §4.1.3: \"If the principal processing the claim does not identify itself with a value in the \"aud\" claim when this claim is present, then the JWT MUST be rejected.\"", A::Requires(C::AcceptsHarnessCredentials)).needs(MINTED),
    tp("CCF-CRED-13", "The core rejects a credential that is not valid yet (nbf in the future)",
        B::RequestValidation, S::Mandatory, &["TS 33.122 §6.1", "RFC 7519 §4.1.5"],
        "RFC 7519 §4.1.5: the \"nbf\" claim \"identifies the time before which the JWT MUST NOT be accepted for processing\".", A::Requires(C::AcceptsHarnessCredentials)).needs(MINTED),
    tp("CCF-CRED-14", "The core rejects an HS256 credential MACed with its public verification key (algorithm confusion)",
        B::RequestValidation, S::Mandatory, &["TS 33.122 §6.1", "RFC 8725 §3.1", "RFC 8725 §2.1"],
        "RFC 8725 §3.1: libraries \"MUST NOT use any other algorithms when performing cryptographic operations\" than the ones the caller allows; §2.1: a public key used as an HMAC secret lets anyone forge a token.", A::Requires(C::AcceptsHarnessCredentials)).needs(MINTED),
    tp("CCF-CRED-15", "The core rejects a credential signed by the key its own jwk header carries",
        B::RequestValidation, S::Mandatory, &["TS 33.122 §6.1", "RFC 7515 §5.2", "RFC 8725 §3.10"],
        "TS 33.122 §6.1: the credential is validated as issued in pre-provisioning; a key the token names for itself (RFC 7515 §4.1.3 jwk) authenticates no issuer, so this is a credential signed by an unknown key.", A::Always),
    tp("CCF-CRED-16", "The core rejects a credential without an expiry (exp)",
        B::RequestValidation, S::Recommended, &["TS 33.122 §6.1", "RFC 7519 §4.1.4"],
        "RFC 7519 makes exp OPTIONAL, so this is recommended, not mandatory: a credential without exp never expires, and an onboarding credential is meant to be short-lived (TS 33.122 §6.1 pre-provisioning).", A::Requires(C::AcceptsHarnessCredentials)).needs(MINTED),
    tp("CCF-CRED-17", "The core rejects a credential signed by a key its own jku header points to",
        B::RequestValidation, S::Mandatory, &["TS 33.122 §6.1", "RFC 7515 §4.1.2", "RFC 8725 §3.10"],
        "A key the token points to (jku: a JWK Set URL, RFC 7515 §4.1.2) authenticates no issuer: accepting it accepts a credential signed by an unknown key (TS 33.122 §6.1). RFC 8725 §3.10: blindly following jku \"could result in server-side request forgery (SSRF) attacks\"; whether the core fetched the URL is in the evidence.", A::Always),
    tp("CCF-CRED-18", "The core rejects a credential signed by a key its own x5u header points to",
        B::RequestValidation, S::Mandatory, &["TS 33.122 §6.1", "RFC 7515 §4.1.5", "RFC 8725 §3.10"],
        "A certificate the token points to (x5u, RFC 7515 §4.1.5), self-signed by the forger, authenticates no issuer: accepting it accepts a credential signed by an unknown key (TS 33.122 §6.1); whether the core fetched the URL is in the evidence.", A::Always),
    tp("CCF-REQ-01", "The core rejects a request without onboardingInformation with 400",
        B::RequestValidation, S::Mandatory, &["TS 29.222 §8.4.5.2.2", "TS 29.122 §5.2.6"], BODY, A::Always),
    tp("CCF-REQ-02", "The core rejects a request without apiInvokerPublicKey with 400",
        B::RequestValidation, S::Mandatory, &["TS 29.222 §8.4.5.2.3", "TS 29.122 §5.2.6"], BODY, A::Always),
    tp("CCF-REQ-03", "The core rejects a request without notificationDestination with 400",
        B::RequestValidation, S::Mandatory, &["TS 29.222 §8.4.5.2.2", "TS 29.122 §5.2.6"], BODY, A::Always),
    tp("CCF-REQ-04", "The core does not adopt an apiInvokerId sent in the POST",
        B::RequestValidation, S::Mandatory, &["TS 29.222 §8.4.5.2.2"], BODY, A::Always),
    tp("CCF-REQ-05", "The core rejects a non-JSON body and a wrong content type (400/415)",
        B::RequestValidation, S::Mandatory, &["TS 29.222 §8.4.2.2.3.1", "TS 29.500 §5.2.7.2"],
        "The request body of POST /onboardedInvokers is APIInvokerEnrolmentDetails in application/json.", A::Always),
    tp("CCF-REQ-06", "The 400 for a missing required field names it in invalidParams",
        B::RequestValidation, S::Recommended, &["TS 29.122 §5.2.6", "TS 29.222 §8.4.5.2.2"],
        "ProblemDetails.invalidParams: \"Description of invalid parameters, for a request rejected due to invalid parameters.\" It is optional (TS 29.122 CommonData), so naming the field is recommended, not required.", A::Always),
    tp("CCF-OK-01", "The core answers a valid onboarding request with 201 Created",
        B::OnboardingResponse, S::Mandatory, &["TS 29.222 §8.4.2.2.3.1", "TS 33.122 Annex X.1"], RESPONSE, A::Always).needs(SESSION),
    tp("CCF-OK-02", "The Location header is {apiRoot}/api-invoker-management/v1/onboardedInvokers/{onboardingId}",
        B::OnboardingResponse, S::Mandatory, &["TS 29.222 §8.4.2.2.3.1"],
        "On success, \"201 Created\" with the Location header containing the URI of the created resource: {apiRoot}/api-invoker-management/v1/onboardedInvokers/{onboardingId}.", A::Always).needs(CREATED),
    tp("CCF-OK-03", "The response is an application/json APIInvokerEnrolmentDetails with a non-empty apiInvokerId",
        B::OnboardingResponse, S::Mandatory, &["TS 29.222 §8.4.5.2.2", "TS 33.122 Annex X.1"], RESPONSE, A::Always).needs(CREATED),
    tp("CCF-OK-04", "The issued certificate is X.509, chains to the invoker CA, binds the invoker's key, is valid now and allows clientAuth",
        B::OnboardingResponse, S::Mandatory, &["TS 33.122 Annex X.1", "TS 33.122 §6.1", "TS 29.222 §8.4.5.2.3"], RESPONSE, A::Requires(C::IssuesCertificate)).needs(CREATED),
    tp("CCF-OK-05", "The response carries an onboardingSecret",
        B::OnboardingResponse, S::Mandatory, &["TS 33.122 Annex X.1", "TS 29.222 §8.4.5.2.3"], RESPONSE, A::Requires(C::IssuesOnboardingSecret)).needs(CREATED),
    tp("CCF-OK-08", "Without a declared certificate, the 201 still carries CAPIF-1/1e security information (an apiInvokerCertificate or an onboardingSecret)",
        B::OnboardingResponse, S::Recommended, &["TS 33.122 Annex X.1", "TS 29.222 §8.4.5.2.3"], RESPONSE, A::Unless(C::IssuesCertificate)).needs(CREATED),
    tp("CCF-OK-09", "A 202 Accepted is completed, within the declared bound, by an OnboardingNotification to this request's notificationDestination with result true, the apiInvokerId and the resourceLocation",
        B::OnboardingResponse, S::Mandatory, &["TS 29.222 §8.4.2.2.3.1", "TS 29.222 §8.4.5.2.7"],
        "POST /onboardedInvokers: \"202 Accepted: the CAPIF core accepted the request, and the onboarding result will be notified\" to the notificationDestination of the request (callback notificationDestination: OnboardingNotification, result required). The notification's apiInvokerEnrolmentDetails and resourceLocation are then judged as a 201's body and Location are (CCF-OK-02..07).",
        A::Requires(C::AsynchronousOnboarding)),
    tp("CCF-OK-06", "Two invokers get different apiInvokerIds",
        B::OnboardingResponse, S::Mandatory, &["TS 23.222 §8.1", "TS 33.122 Annex X.1"], RESPONSE, A::Always).needs(CREATED),
    tp("CCF-OK-07", "The issued certificate is accepted for mutual TLS (offboarding DELETE answers 204)",
        B::OnboardingResponse, S::Mandatory, &["TS 29.222 §10.2", "TS 29.222 §8.4.2.3.3.2"],
        "Requests on the onboarded invoker resource are authenticated with the certificate issued at onboarding (mutual TLS); DELETE answers 204 No Content.", A::Requires(C::Offboarding)).needs(CREATED),
    tp("CCF-OFF-01", "After offboarding, the invoker resource and its certificate are gone: a second DELETE with the issued certificate is refused",
        B::Offboarding, S::Mandatory, &["TS 33.122 §6.8 step 3", "TS 29.222 §8.4.2.3.3.2"], OFFBOARD, A::Requires(C::Offboarding)).needs(CREATED),
    tp("CCF-OFF-02", "After offboarding, the same public key onboards again",
        B::Offboarding, S::Recommended, &["TS 33.122 §6.8 step 3"], REONBOARD, A::Requires(C::Offboarding)).needs(CREATED),
    tp("CCF-OFF-03", "A DELETE without a client certificate is refused and deletes nothing",
        B::Offboarding, S::Mandatory, &["TS 33.122 §6.8", "TS 29.222 §10.2"], OFFBOARD_AUTH, A::Requires(C::Offboarding)).needs(CREATED),
    tp("CCF-OFF-04", "A DELETE with another invoker's certificate is refused and deletes nothing",
        B::Offboarding, S::Mandatory, &["TS 33.122 §6.8 step 3", "TS 29.222 §10.2"], OFFBOARD_AUTH, A::Requires(C::Offboarding)).needs(CREATED),
    tp("CCF-OFF-05", "After the offboarding response the core tears down the TLS session itself",
        B::Offboarding, S::Mandatory, &["TS 33.122 §6.8 step 6", "RFC 8446 §6.1"], OFFBOARD_TEARDOWN, A::Requires(C::Offboarding)).needs(CREATED),
    tp("CCF-TD-01", "After a success response the session is torn down: the core ends it, or (teardown = \"either\") serves nothing more after the invoker's close",
        B::Teardown, S::Mandatory, &["TS 33.122 Annex X.1", "RFC 9112 §9.6"], TEARDOWN, A::Always),
    tp("CCF-TD-02", "After an error response the session is torn down: the core ends it, or (teardown = \"either\") serves nothing more after the invoker's close",
        B::Teardown, S::Mandatory, &["TS 33.122 Annex X.1", "RFC 9112 §9.6"], TEARDOWN, A::Always),
    tp("CCF-TD-03", "The core sends close_notify before closing the TCP connection",
        B::Teardown, S::Recommended, &["TS 33.122 Annex X.1", "RFC 8446 §6.1"],
        CLOSE_NOTIFY, A::Always),
];
