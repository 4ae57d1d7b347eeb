//! Layer 2: the test PKI (rcgen), onboarding credentials (JWT) and invoker public keys.
//!
//! Everything here is TEST ONLY: keys are generated per run and written unencrypted.

mod bundle;
mod credential;
mod harness_identity;
mod invoker_key;
mod issued;
mod minter;
mod profile;
mod strength;
mod subject_key;

pub use bundle::{Manifest, ManifestEntry, TestPki, BUNDLE_FILES};
pub use credential::{
    jwt_header, mint_credential, p256_spki_pem, tamper_signature, verify_credential,
    verify_credential_leniently, verify_credential_with, verify_credential_with_key, Claims,
    CredentialError, Lenience, CREDENTIAL_AUDIENCE, CREDENTIAL_ISSUER,
};
pub use harness_identity::{
    template_problem, HarnessIdentity, IdentityIssuer, IdentityTemplates, DEFAULT_CN,
    DEFAULT_INFORMATION,
};
pub use invoker_key::{
    enrolment_request, rsa_key_pair, InvokerKey, KeyFormat, KeyKind, NOTIFICATION_DESTINATION,
};
pub use issued::{
    key_identifiers_link, pem_certificates, verify_issued, IssuedCertificate, IssuedError,
};
pub use minter::{
    describe_crafted, embedded_jwk_copy, jwt_alg, jwt_claims, unsecured_copy, url_keyed_copy,
    KeyUrl, Minter, UrlKeyed, FORGED_KID, SIGNING_ALGS,
};
pub use profile::verify_ecdsa_p256_sha1;
pub use profile::{
    certificate_common_name, csr_common_name, der_to_pem, new_serial, pem_to_der, Authority,
    CertProfile, Identity, PkiError, ServerVariant, DEFAULT_HOSTS,
};
pub use strength::{describe as describe_strength, weaknesses, Weakness};
pub use subject_key::{certificate_spki, parse_invoker_public_key, SubjectKey, SubjectKeyError};

/// SHA-256 of `bytes` as lower-case hex with ':' separators (the usual fingerprint form).
pub fn sha256_fingerprint(bytes: &[u8]) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, bytes);
    d.as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}
