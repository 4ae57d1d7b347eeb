//! The fault catalogue: deliberate, documented bugs of the reference peers, used ONLY to prove
//! that each check of the harness catches the bug it is for (the kill matrix in the self-test).
//! Each fault names the clause it breaks and exactly the test purposes that must fail.

use std::collections::BTreeSet;

/// A fault's documentation and its expected kills.
#[derive(Debug, Clone, Copy)]
pub struct FaultSpec {
    /// Name used with `--fault`.
    pub name: &'static str,
    /// The bug, in one sentence.
    pub bug: &'static str,
    /// The clause it breaks.
    pub breaks: &'static str,
    /// The test purposes that must fail with it (and no other).
    pub catches: &'static [&'static str],
}

/// An enum of catalogued behaviours with `ALL`, `spec()`, `parse()` and `names()`: used for
/// the faults here and the legitimate variants (`super::variants`).
macro_rules! catalogued {
    ($spec_ty:ty; $(#[$m:meta])* $vis:vis enum $name:ident { $($variant:ident => $spec:expr,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $($variant,)* }
        impl $name {
            /// Every entry, in catalogue order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            /// Its documentation and expected verdicts.
            pub fn spec(self) -> $spec_ty {
                match self { $($name::$variant => $spec,)* }
            }
            /// Parse a `--fault` / `--variant` name.
            pub fn parse(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|f| f.spec().name == name)
            }
            /// Every valid name, for error messages.
            pub fn names() -> Vec<&'static str> {
                Self::ALL.iter().map(|f| f.spec().name).collect()
            }
        }
    };
}
pub(crate) use catalogued;

const ANNEX: &str = "TS 33.122 Annex B.1";

catalogued! { FaultSpec;
    /// Deliberate bugs of the reference core.
    pub enum CoreFault {
        AcceptAnyCredential => FaultSpec { name: "accept-any-credential", bug: "onboards without validating the onboarding credential", breaks: ANNEX,
            // CCF-CRED-07 and -08 are inconclusive: there is no rejection to judge.
            catches: &["CCF-CRED-01", "CCF-CRED-02", "CCF-CRED-03", "CCF-CRED-04", "CCF-CRED-05", "CCF-CRED-06", "CCF-CRED-09", "CCF-CRED-11", "CCF-CRED-12", "CCF-CRED-13", "CCF-CRED-14", "CCF-CRED-15", "CCF-CRED-16", "CCF-CRED-17", "CCF-CRED-18"] },
        AcceptExpiredCredential => FaultSpec { name: "accept-expired-credential", bug: "does not check the credential's exp claim", breaks: "TS 33.122 §6.1, RFC 7519 §4.1.4",
            // Not checking exp at all also accepts a credential that has none.
            catches: &["CCF-CRED-05", "CCF-CRED-16"] },
        ErrorWithInvokerId => FaultSpec { name: "error-with-invoker-id", bug: "puts an apiInvokerId into error responses", breaks: ANNEX,
            // Every rejection leaks the id (each test purpose observed it on its own
            // rejection); the replaced body also lost its invalidParams (CCF-REQ-06).
            catches: &["CCF-CRED-01", "CCF-CRED-02", "CCF-CRED-03", "CCF-CRED-04", "CCF-CRED-05", "CCF-CRED-06", "CCF-CRED-09", "CCF-CRED-11", "CCF-CRED-12", "CCF-CRED-13", "CCF-CRED-14", "CCF-CRED-15", "CCF-CRED-16", "CCF-CRED-17", "CCF-CRED-18", "CCF-REQ-01", "CCF-REQ-02", "CCF-REQ-03", "CCF-REQ-05", "CCF-REQ-06", "CCF-FUZZ-02"] },
        Ok200 => FaultSpec { name: "ok-200", bug: "answers 200 instead of 201 Created", breaks: "TS 29.222 §8.4.2.2.3.1",
            // Everything that needs a 201 is inconclusive, pointing at CCF-OK-01.
            catches: &["CCF-OK-01", "CCF-FUZZ-01"] },
        NoLocation => FaultSpec { name: "no-location", bug: "omits the Location header of the 201", breaks: "TS 29.222 §8.4.2.2.3.1",
            catches: &["CCF-OK-02", "CCF-FUZZ-01"] },
        ErrorAsHtml => FaultSpec { name: "error-as-html", bug: "answers errors with text/html instead of a ProblemDetails", breaks: "TS 29.122 §5.2.6",
            // A 400 is still a 400 (CCF-REQ-01..03 pass); the body is not a ProblemDetails.
            catches: &["CCF-CRED-07", "CCF-REQ-06", "CCF-FUZZ-02"] },
        KeepSessionOpen => FaultSpec { name: "keep-session-open", bug: "keeps the TLS session open after the response", breaks: ANNEX,
            // After the offboarding response too, where §6.8 step 6 says the core shall.
            catches: &["CCF-TD-01", "CCF-TD-02", "CCF-OFF-05", "CCF-FUZZ-04"] },
        ExpiredServerCert => FaultSpec { name: "expired-server-cert", bug: "presents an expired server certificate", breaks: "TS 33.122 §6.1",
            catches: &["CCF-TLS-01"] },
        WrongNameServerCert => FaultSpec { name: "wrong-name-server-cert", bug: "presents a server certificate for another name", breaks: "TS 33.122 §6.1",
            catches: &["CCF-TLS-01"] },
        OtherCaServerCert => FaultSpec { name: "other-ca-server-cert", bug: "presents a server certificate from another CA", breaks: "TS 33.122 §6.1",
            catches: &["CCF-TLS-01"] },
        CertForOtherKey => FaultSpec { name: "cert-for-other-key", bug: "issues the invoker certificate for a key other than the invoker's", breaks: ANNEX,
            catches: &["CCF-OK-04", "CCF-FUZZ-01"] },
        CertFromOtherCa => FaultSpec { name: "cert-from-other-ca", bug: "issues the invoker certificate from another CA", breaks: ANNEX,
            catches: &["CCF-OK-04", "CCF-FUZZ-01"] },
        StoreOnReject => FaultSpec { name: "store-on-reject", bug: "stores the invoker's key even when it rejects the credential", breaks: ANNEX,
            catches: &["CCF-CRED-08"] },
        AdoptInvokerId => FaultSpec { name: "adopt-invoker-id", bug: "adopts the apiInvokerId the invoker sent", breaks: "TS 29.222 §8.4.5.2.2",
            catches: &["CCF-REQ-04"] },
        DuplicateIds => FaultSpec { name: "duplicate-ids", bug: "gives every invoker the same apiInvokerId", breaks: "TS 23.222 §8.1",
            catches: &["CCF-OK-06"] },
        IgnoreContentType => FaultSpec { name: "ignore-content-type", bug: "accepts a body whatever its Content-Type says", breaks: "TS 29.222 §8.4.2.2.3.1",
            catches: &["CCF-REQ-05", "CCF-FUZZ-02"] },
        FinWithoutCloseNotify => FaultSpec { name: "fin-without-close-notify", bug: "closes the TCP connection without a TLS close_notify", breaks: "RFC 8446 §6.1",
            catches: &["CCF-TD-03"] },
        LocationOtherPort => FaultSpec { name: "location-other-port", bug: "sends a Location whose port is not the apiRoot's", breaks: "TS 29.222 §8.4.2.2.3.1",
            catches: &["CCF-OK-02", "CCF-FUZZ-01"] },
        AkiMismatch => FaultSpec { name: "aki-mismatch", bug: "issues invoker certificates whose authorityKeyIdentifier is not the CA's subjectKeyIdentifier", breaks: "RFC 5280 §4.2.1.1",
            // CCF-OK-07 is inconclusive: it does not use a certificate CCF-OK-04 refused.
            catches: &["CCF-OK-04", "CCF-FUZZ-01"] },
        ClientCert400 => FaultSpec { name: "client-cert-400", bug: "answers a request without a client certificate 400 \"No required SSL certificate was sent\" (nginx ssl_verify_client on)", breaks: "TS 29.222 §10.2",
            catches: &["CCF-TLS-04", "CCF-FUZZ-01"] },
        Tls13Only => FaultSpec { name: "tls13-only", bug: "serves TLS 1.3 only", breaks: "TS 33.210 §6.2.1",
            catches: &["CCF-TLS-06"] },
        Tls12Only => FaultSpec { name: "tls12-only", bug: "serves TLS 1.2 only", breaks: "TS 33.210 §6.2.1",
            catches: &["CCF-TLS-07"] },
        PreferTls12 => FaultSpec { name: "prefer-tls12", bug: "negotiates TLS 1.2 with a client offering TLS 1.2 and TLS 1.3, though it speaks TLS 1.3 to a client offering only that", breaks: "RFC 9325 §3.1.1",
            catches: &["CCF-TLS-10"] },
        NoTls13Aes128Gcm => FaultSpec { name: "no-tls13-aes128gcm", bug: "does not implement TLS_AES_128_GCM_SHA256 in TLS 1.3 (only the two other suites)", breaks: "TS 33.210 §6.2.2, RFC 8446 §9.1",
            catches: &["CCF-TLS-13"] },
        NoSecp384r1 => FaultSpec { name: "no-secp384r1", bug: "offers no key exchange with secp384r1", breaks: "TS 33.210 §6.2.2 (should)",
            catches: &["CCF-TLS-14"] },
        NoRenegotiationInfoAck => FaultSpec { name: "no-renegotiation-info-ack", bug: "does not acknowledge the renegotiation_info extension in its TLS 1.2 ServerHello (a loopback relay renames the acknowledgement rustls sends, for hellos carrying the extension)", breaks: "RFC 9325 §3.5, RFC 5746",
            catches: &["CCF-TLS-11"] },
        NoExtendedMasterSecret => FaultSpec { name: "no-extended-master-secret", bug: "does not negotiate extended_master_secret in TLS 1.2 (a loopback relay renames the acknowledgement rustls sends, for hellos carrying renegotiation_info)", breaks: "RFC 9325 §3.5, RFC 7627",
            catches: &["CCF-TLS-12"] },
        Sha1ServerCert => FaultSpec { name: "sha1-server-cert", bug: "presents a server certificate signed with SHA-1 (ECDSA over SHA-1, by an intermediate of the provisioned root; otherwise a valid chain)", breaks: "RFC 9325 §4.5",
            catches: &["CCF-TLS-16"] },
        AcceptEarlyData => FaultSpec { name: "accept-early-data", bug: "issues TLS 1.3 tickets that permit early data and processes an onboarding request sent as 0-RTT (replayable)", breaks: "RFC 9325 §3.10, RFC 8446 App. E.5",
            catches: &["CCF-TLS-17"] },
        PrefersWeakerSuite => FaultSpec { name: "prefers-weaker-suite", bug: "selects the first discouraged TLS 1.2 suite a client proposes ahead of TLS_ECDHE_*_AES_128_GCM_SHA256 (a loopback relay rewrites the ServerHello's suite, for hellos proposing both)", breaks: "RFC 9325 §4.2.1",
            catches: &["CCF-TLS-15"] },
        AcceptAlgNone => FaultSpec { name: "accept-alg-none", bug: "accepts an unsecured credential (alg: none, no signature)", breaks: "RFC 7518 §3.6, RFC 8725 §3.1",
            catches: &["CCF-CRED-09"] },
        IgnoreCrit => FaultSpec { name: "ignore-crit", bug: "accepts a credential naming an unknown critical header parameter", breaks: "RFC 7515 §4.1.11",
            catches: &["CCF-CRED-11"] },
        IgnoreAud => FaultSpec { name: "ignore-aud", bug: "does not check the credential's audience", breaks: "RFC 7519 §4.1.3",
            catches: &["CCF-CRED-12"] },
        IgnoreNbf => FaultSpec { name: "ignore-nbf", bug: "accepts a credential before its nbf", breaks: "RFC 7519 §4.1.5",
            catches: &["CCF-CRED-13"] },
        Hs256KeyConfusion => FaultSpec { name: "hs256-key-confusion", bug: "takes the algorithm from the token: an HS256 credential is MACed with the enrolment public key (SPKI PEM) as the secret", breaks: "RFC 8725 §3.1",
            catches: &["CCF-CRED-14"] },
        TrustEmbeddedJwk => FaultSpec { name: "trust-embedded-jwk", bug: "verifies the credential with the key its own jwk header carries", breaks: "TS 33.122 §6.1, RFC 7515 §5.2",
            catches: &["CCF-CRED-15"] },
        FollowJku => FaultSpec { name: "follow-jku", bug: "fetches the JWK Set the credential's jku header names (without authenticating its server) and verifies with it", breaks: "TS 33.122 §6.1, RFC 8725 §3.10",
            catches: &["CCF-CRED-17"] },
        FollowX5u => FaultSpec { name: "follow-x5u", bug: "fetches the certificate the credential's x5u header names (without authenticating its server) and verifies with its key", breaks: "TS 33.122 §6.1, RFC 8725 §3.10",
            catches: &["CCF-CRED-18"] },
        AcceptNoExp => FaultSpec { name: "accept-no-exp", bug: "accepts a credential without an exp claim", breaks: "RFC 7519 §4.1.4 (recommended)",
            catches: &["CCF-CRED-16"] },
        NoSecurityInformation => FaultSpec { name: "no-security-information", bug: "returns neither an apiInvokerCertificate nor an onboardingSecret", breaks: ANNEX,
            // The embedded core declares issues_certificate, so CCF-OK-04 catches it there;
            // with issues_certificate = false (tested apart) CCF-OK-08 does.
            catches: &["CCF-OK-04", "CCF-FUZZ-01"] },
        NoWwwAuthenticate => FaultSpec { name: "no-www-authenticate", bug: "answers 401 without a WWW-Authenticate challenge", breaks: "RFC 9110 §11.6.1",
            catches: &["CCF-CRED-10"] },
        WwwAuthenticateOnlyWhenMissing => FaultSpec { name: "www-authenticate-only-when-missing", bug: "sends WWW-Authenticate with the 401 for a missing credential, not with the 401s for presented but invalid ones", breaks: "RFC 9110 §11.6.1, RFC 6750 §3",
            catches: &["CCF-CRED-19"] },
        NoErrorAttribute => FaultSpec { name: "no-error-attribute", bug: "challenges a presented but invalid Bearer token without the error attribute (Bearer realm only)", breaks: "RFC 6750 §3.1 (recommended)",
            catches: &["CCF-CRED-20"] },
        OffboardKeepsProfile => FaultSpec { name: "offboard-keeps-profile", bug: "answers the offboarding DELETE 204 but deletes neither the invoker profile nor its certificate", breaks: "TS 33.122 §6.8 step 3",
            // CCF-OFF-02 finds the key refused and the old resource alive: inconclusive,
            // pointing at CCF-OFF-01.
            catches: &["CCF-OFF-01"] },
        OffboardKeepsKey => FaultSpec { name: "offboard-keeps-key", bug: "deletes the invoker resource but keeps its public key registered, so the key cannot onboard again", breaks: "TS 33.122 §6.8 step 3 (recommended)",
            catches: &["CCF-OFF-02"] },
        OffboardWithoutClientCert => FaultSpec { name: "offboard-without-client-cert", bug: "offboards on a DELETE without a client certificate", breaks: "TS 33.122 §6.8, TS 29.222 §10.2",
            catches: &["CCF-OFF-03"] },
        OffboardAnyInvoker => FaultSpec { name: "offboard-any-invoker", bug: "offboards on a DELETE with any certificate it issued, not only the invoker's own", breaks: "TS 33.122 §6.8 step 3",
            catches: &["CCF-OFF-04"] },
        AuthoriseByCnPrefix => FaultSpec { name: "authorise-by-cn-prefix", bug: "issues certificates with the CSR's CN and lets any certificate it issued whose CN starts with \"invoker\" offboard any invoker (a front end authorising by role prefix)", breaks: "TS 33.122 §6.8 step 3",
            // With the default CSR CN (invoker-{run}-{n}) the invoker's own DELETE works, so
            // only the cross-invoker DELETE of CCF-OFF-04 shows the defect.
            catches: &["CCF-OFF-04"] },
        OffboardKeepSession => FaultSpec { name: "offboard-keep-session", bug: "keeps the TLS session alive after the offboarding response (other responses still close it)", breaks: "TS 33.122 §6.8 step 6",
            catches: &["CCF-OFF-05"] },
        AsyncNoNotification => FaultSpec { name: "async-no-notification", bug: "answers a valid request 202 Accepted and never sends the OnboardingNotification", breaks: "TS 29.222 §8.4.2.2.3.1",
            // Everything judging the onboarding result (CCF-OK-02..07, CCF-OFF-*) is
            // inconclusive, pointing at CCF-OK-09.
            catches: &["CCF-OK-09"] },
        AsyncResultFalse => FaultSpec { name: "async-result-false", bug: "answers a valid request 202 Accepted, then notifies result false", breaks: "TS 29.222 §8.4.2.2.3.1",
            catches: &["CCF-OK-09"] },
        NotifyUnverifiedReceiver => FaultSpec { name: "notify-unverified-receiver", bug: "answers 202 Accepted and POSTs the OnboardingNotification to whatever certificate the receiver presents (no server-certificate verification on the callback)", breaks: "TS 33.122 §6.1, RFC 9110 §4.3.4",
            catches: &["CCF-OK-10"] },
        AsyncContradictingNotification => FaultSpec { name: "async-contradicting-notification", bug: "answers 202 Accepted, notifies the successful result, then notifies result false to the same destination", breaks: "TS 29.222 §8.4.2.2.3.1 (recommended: one onboarding, one result)",
            catches: &["CCF-OK-11"] },
        AsyncNotifyInClear => FaultSpec { name: "async-notify-in-clear", bug: "answers 202 Accepted and POSTs the OnboardingNotification over plain TCP to the https:// destination's port", breaks: "TS 33.122 §6.1",
            // Nothing arrives over TLS: everything judging the notified result is
            // inconclusive, pointing at CCF-OK-09 (whose reason says a clear-text request came).
            catches: &["CCF-OK-09"] },
        FreeText500 => FaultSpec { name: "free-text-500", bug: "answers 500 when apiInvokerInformation contains a space (it passes the value unquoted to a shell command)", breaks: "TS 29.222 OpenAPI (apiInvokerInformation is a free string)",
            catches: &["CCF-REQ-07", "CCF-FUZZ-03"] },
        WedgeOnSharedName => FaultSpec { name: "wedge-on-shared-name", bug: "when two onboardings with the same apiInvokerInformation overlap, its CA breaks and every later request gets 500", breaks: "TS 33.122 Annex B.1 (a valid request answered as invalid)",
            // Caught by nothing while the harness gives every onboarding its own name: that is
            // what this row proves, at concurrency 16 (the self-test with a shared name shows
            // the fault bites).
            catches: &[] },
        // No scenario sends a chunked body: the fuzz campaign does.
        LengthRequired => FaultSpec { name: "length-required", bug: "answers 411 Length Required to a request whose body is chunked", breaks: "RFC 9112 §7.1",
            catches: &["CCF-FUZZ-05"] },
        RequireClientCert => FaultSpec { name: "require-client-cert", bug: "requires a client certificate for onboarding", breaks: "TS 29.222 §10.2",
            // Every other session is aborted for want of a client certificate: inconclusive,
            // pointing at CCF-TLS-04.
            catches: &["CCF-TLS-04"] },
    }
}

catalogued! { FaultSpec;
    /// Deliberate bugs of the reference invoker.
    pub enum InvokerFault {
        SkipCertVerification => FaultSpec { name: "skip-cert-verification", bug: "accepts any server certificate", breaks: "TS 33.122 §6.1 step 2",
            catches: &["INV-TLS-01", "INV-TLS-02", "INV-TLS-03", "INV-TLS-04", "INV-TLS-05", "INV-TLS-06", "INV-TLS-09", "INV-TLS-14", "INV-TLS-18"] },
        SkipHostnameCheck => FaultSpec { name: "skip-hostname-check", bug: "verifies the chain but not the server name", breaks: "TS 33.122 §6.1 step 2",
            catches: &["INV-TLS-04", "INV-TLS-14"] },
        AcceptSha1Cert => FaultSpec { name: "accept-sha1-cert", bug: "verifies chain, validity and name, but with a legacy algorithm list that accepts SHA-1 certificate signatures", breaks: "RFC 9325 §4.5",
            catches: &["INV-TLS-18"] },
        OffersNoTls13Aes128Gcm => FaultSpec { name: "offers-no-tls13-aes128gcm", bug: "does not implement TLS_AES_128_GCM_SHA256 (its TLS 1.3 suites are AES-256-GCM and ChaCha20 only)", breaks: "RFC 8446 §9.1 via TS 33.210 §6.2.2",
            catches: &["INV-TLS-21"] },
        OffersNoSecp384r1 => FaultSpec { name: "offers-no-secp384r1", bug: "does not implement key exchange with secp384r1 (X25519 and secp256r1 only)", breaks: "TS 33.210 §6.2.2",
            catches: &["INV-TLS-22"] },
        NoRenegotiationCheck => FaultSpec { name: "no-renegotiation-check", bug: "goes on with a TLS 1.2 ServerHello that does not acknowledge renegotiation_info (plain rustls, which never renegotiates and does not look)", breaks: "RFC 9325 §3.5",
            catches: &["INV-TLS-24"] },
        NoSni => FaultSpec { name: "no-sni", bug: "sends no server_name (SNI) extension", breaks: "RFC 8446 §9.2",
            catches: &["INV-TLS-13"] },
        IgnoreDowngradeSentinel => FaultSpec { name: "ignore-downgrade-sentinel", bug: "offers TLS 1.3 but takes a TLS 1.2 ServerHello whose random carries the downgrade sentinel (its TCP stream blanks it before rustls, which always checks, can see it)", breaks: "RFC 8446 §4.1.3",
            catches: &["INV-TLS-16"] },
        // INV-OK-01 is inconclusive: the played core granted nothing, so "reports success on a
        // 201" was not exercised (it names INV-CRED-01 / INV-REQ-02).
        CredentialInQuery => FaultSpec { name: "credential-in-query", bug: "sends the credential in the query string instead of Authorization: Bearer", breaks: "TS 33.122 §6.1, RFC 6750 §2.1",
            catches: &["INV-CRED-01"] },
        NoCredential => FaultSpec { name: "no-credential", bug: "sends no credential at all", breaks: ANNEX,
            catches: &["INV-CRED-01"] },
        SendInvokerId => FaultSpec { name: "send-invoker-id", bug: "sends an apiInvokerId in the POST", breaks: "TS 29.222 §8.4.5.2.2",
            catches: &["INV-REQ-02"] },
        OmitNotificationDestination => FaultSpec { name: "omit-notification-destination", bug: "omits the required notificationDestination", breaks: "TS 29.222 §8.4.5.2.2",
            catches: &["INV-REQ-02"] },
        SuccessOn401 => FaultSpec { name: "success-on-401", bug: "reports success when the core answers 401", breaks: ANNEX,
            catches: &["INV-CRED-02", "INV-FUZZ-01"] },
        KeepSessionOpen => FaultSpec { name: "keep-session-open", bug: "keeps the TLS session open after the response", breaks: ANNEX,
            catches: &["INV-TD-01", "INV-TD-02"] },
        RetryLoop => FaultSpec { name: "retry-loop", bug: "retries a rejected credential in a loop", breaks: ANNEX,
            catches: &["INV-CRED-03"] },
        SuccessOn202 => FaultSpec { name: "success-on-202", bug: "reports success on a 202 Accepted without waiting for the OnboardingNotification", breaks: "TS 29.222 §8.4.2.2.3.1",
            // INV-OK-03 too: its scripted 202 (undeclared asynchronous onboarding) is no success
            // either; INV-OK-06 and -08: success reported where the only result was false or
            // unusable.
            catches: &["INV-OK-03", "INV-OK-05", "INV-OK-06", "INV-OK-07", "INV-OK-08"] },
        OffboardWrongPath => FaultSpec { name: "offboard-wrong-path", bug: "sends the offboarding DELETE to the onboardedInvokers collection, not to the resource the core named", breaks: "TS 33.122 §6.8 step 2, TS 29.222 §8.4.2.3.3.2",
            // The played core answers 404 and the invoker reports failure: INV-OFF-04 is
            // inconclusive, pointing at INV-OFF-01.
            catches: &["INV-OFF-01"] },
        OffboardWithoutCert => FaultSpec { name: "offboard-without-cert", bug: "offboards without presenting the issued certificate", breaks: "TS 33.122 §6.8, TS 29.222 §10.2",
            catches: &["INV-OFF-02"] },
        OffboardWithCredential => FaultSpec { name: "offboard-with-credential", bug: "sends its onboarding credential with the offboarding DELETE", breaks: "TS 33.122 §6.8 (recommended)",
            catches: &["INV-OFF-03"] },
        OffboardSuccessOnError => FaultSpec { name: "offboard-success-on-error", bug: "reports the offboarding as done whatever the core answered", breaks: "TS 29.222 §8.4.2.3.3.2",
            catches: &["INV-OFF-05"] },
        OffboardCrashOn404 => FaultSpec { name: "offboard-crash-on-404", bug: "aborts when the offboarding DELETE is answered 404, reporting no outcome", breaks: "TS 29.222 §8.4.2.3.3.2 (informational)",
            catches: &["INV-OFF-06"] },
        OffboardKeepSession => FaultSpec { name: "offboard-keep-session", bug: "keeps the TLS session open after the offboarding response", breaks: "TS 33.122 §6.8 step 6",
            catches: &["INV-OFF-07"] },
        CleartextFallback => FaultSpec { name: "cleartext-fallback", bug: "when TLS fails, sends the request in clear", breaks: ANNEX,
            catches: &["INV-TLS-07"] },
        UpgradeInClear => FaultSpec { name: "upgrade-in-clear", bug: "when TLS fails, asks for an upgrade to TLS within HTTP/1.1 in clear (OPTIONS * with Upgrade: TLS/1.2, RFC 2817), without the credential", breaks: "TS 33.210 §6.2.1",
            catches: &["INV-TLS-17"] },
        // Nothing it sends is an Onboard API Invoker Request: every purpose judging that
        // request is inconclusive, naming INV-REQ-01.
        WrongPath => FaultSpec { name: "wrong-path", bug: "POSTs to a misspelt onboarding path", breaks: "TS 29.222 §8.4.2.2.3.1",
            catches: &["INV-REQ-01"] },
        AcceptIncomplete201 => FaultSpec { name: "accept-incomplete-201", bug: "reports success for a 201 that lacks the id or the certificate", breaks: ANNEX,
            // A notified result is judged as a 201, so it takes unusable notified details too.
            catches: &["INV-OK-02", "INV-OK-08", "INV-FUZZ-02"] },
        SkipIssuedCertificateCheck => FaultSpec { name: "skip-issued-certificate-check", bug: "takes whatever apiInvokerCertificate the core returns without verifying it", breaks: "TS 33.122 §6.1",
            // The notified certificate is taken unverified too (the same defect, seen after a 202).
            catches: &["INV-OK-02", "INV-OK-08", "INV-FUZZ-02"] },
        TrustNotifiedDetails => FaultSpec { name: "trust-notified-details", bug: "verifies a 201's id and certificate but takes an OnboardingNotification's enrolment details unchecked", breaks: "TS 33.122 §6.1 (recommended)",
            catches: &["INV-OK-08"] },
        HttpNotificationDestination => FaultSpec { name: "http-notification-destination", bug: "names an http:// notificationDestination (its receiver speaks TLS, so nothing arrives)", breaks: "TS 33.122 §6.1",
            // Nothing is delivered: the other asynchronous purposes are inconclusive.
            catches: &["INV-OK-09"] },
        UnservedNotificationDestination => FaultSpec { name: "unserved-notification-destination", bug: "names an https:// notificationDestination on loopback that nothing serves", breaks: "TS 33.122 §6.1, TS 29.222 §8.4.2.2.3.1",
            catches: &["INV-OK-09"] },
        NotificationAnyPath => FaultSpec { name: "notification-any-path", bug: "takes a notification POSTed to any path of its receiver as the result", breaks: "TS 29.222 §8.4.2.2.3.1 (recommended)",
            catches: &["INV-OK-10"] },
        NotificationAnswer200 => FaultSpec { name: "notification-answer-200", bug: "its receiver answers the OnboardingNotification 200 OK instead of 204 No Content", breaks: "TS 29.222 OpenAPI (the callback's response is 204)",
            catches: &["INV-OK-11"] },
        Tls12OnlyClient => FaultSpec { name: "offer-tls12-only", bug: "offers TLS 1.2 only", breaks: "TS 33.210 §6.2.1",
            catches: &["INV-TLS-10"] },
        SuccessOnAny2xx => FaultSpec { name: "success-on-any-2xx", bug: "takes any 2xx answer with an enrolment body as onboarded", breaks: "TS 29.222 §8.4.2.2.3.1",
            catches: &["INV-OK-03", "INV-FUZZ-02"] },
        NoCloseNotify => FaultSpec { name: "no-close-notify", bug: "closes the TCP connection without a TLS close_notify", breaks: "RFC 8446 §6.1",
            catches: &["INV-TD-03"] },
        RegisterSkipVerify => FaultSpec { name: "register-skip-verify", bug: "fetches /getauth without verifying the register's certificate and trusts the ca_root it hands out (opencapif-sdk 0.1.24)", breaks: "TS 33.122 §6.1 pre-provisioning (informational)",
            catches: &["INV-ENR-01"] },
        RegisterLoginInClear => FaultSpec { name: "register-login-in-clear", bug: "sends the register login over plain HTTP (an http:// register, or after a failed handshake)", breaks: "TS 33.122 §6.1 pre-provisioning (informational)",
            // Falling back to clear after the rogue register's handshake failed hands that
            // register the login too.
            catches: &["INV-ENR-01", "INV-ENR-02"] },
        NeverGiveUp => FaultSpec { name: "never-give-up", bug: "waits an hour for a handshake, a response or a notification", breaks: "RFC 9112 §9.5 (recommended)",
            catches: &["INV-TLS-15", "INV-OK-04", "INV-OK-07"] },
        // No scenario sends a 201 whose body is not JSON: the invoker fuzz campaign does.
        HangOnUnparsable201 => FaultSpec { name: "hang-on-unparsable-201", bug: "waits an hour when a 201's body is not JSON", breaks: "RFC 9112 §9.5 (recommended)",
            catches: &["INV-FUZZ-03"] },
    }
}

/// A set of active faults (empty for the real reference peers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Faults<F: Ord>(pub BTreeSet<F>);

impl<F: Ord> Default for Faults<F> {
    fn default() -> Self {
        Self(BTreeSet::new())
    }
}

impl Faults<CoreFault> {
    /// Whether a fault makes the core answer 202 (asynchronous onboarding).
    pub fn asynchronous(&self) -> bool {
        [
            CoreFault::AsyncNoNotification,
            CoreFault::AsyncResultFalse,
            CoreFault::NotifyUnverifiedReceiver,
            CoreFault::AsyncContradictingNotification,
            CoreFault::AsyncNotifyInClear,
        ]
        .into_iter()
        .any(|f| self.has(f))
    }
}

impl<F: Ord + Copy> Faults<F> {
    /// No fault.
    pub fn none() -> Self {
        Self(BTreeSet::new())
    }

    /// Exactly these faults.
    pub fn of(faults: &[F]) -> Self {
        Self(faults.iter().copied().collect())
    }

    /// Whether `f` is active.
    pub fn has(&self, f: F) -> bool {
        self.0.contains(&f)
    }
}

/// The README's table of `faults` (markdown rows): each fault, its bug, the test purposes it
/// must fail (nothing: the harness never triggers it; see its own test).
pub fn readme_table(role: &str, faults: impl Iterator<Item = FaultSpec>) -> String {
    let mut out = format!("| {role} fault | the bug | caught by (exactly) |\n|---|---|---|\n");
    for f in faults {
        let caught = if f.catches.is_empty() {
            "nothing while the harness gives every onboarding its own name (a test of its own shows it bites)".to_string()
        } else {
            f.catches.join(", ")
        };
        out.push_str(&format!(
            "| {} | {} | {caught} |\n",
            f.name,
            f.bug.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's fault tables are the catalogue's (UPDATE_README=1 rewrites them).
    #[test]
    fn readme_fault_tables_match_the_catalogue() {
        let rerun = "cargo test --lib readme_fault";
        let core = readme_table("core", CoreFault::ALL.iter().map(|f| f.spec()));
        crate::readme_blocks::generated_block("faults:core", &core, rerun);
        let invoker = readme_table("invoker", InvokerFault::ALL.iter().map(|f| f.spec()));
        crate::readme_blocks::generated_block("faults:invoker", &invoker, rerun);
    }

    #[test]
    fn names_are_unique_and_every_kill_is_a_catalogue_id() {
        let mut names = BTreeSet::new();
        for f in CoreFault::ALL {
            let s = f.spec();
            assert!(names.insert(s.name));
            assert_eq!(CoreFault::parse(s.name), Some(*f));
            for id in s.catches {
                assert!(
                    crate::catalogue::find(id).is_some_and(|t| t.id.starts_with("CCF-")),
                    "{id}"
                );
            }
        }
        for f in InvokerFault::ALL {
            let s = f.spec();
            // The same bug in both roles keeps its name.
            assert!(
                names.insert(s.name)
                    || matches!(s.name, "keep-session-open" | "offboard-keep-session")
            );
            assert_eq!(InvokerFault::parse(s.name), Some(*f));
            for id in s.catches {
                assert!(
                    crate::catalogue::find(id).is_some_and(|t| t.id.starts_with("INV-")),
                    "{id}"
                );
            }
        }
    }
}
