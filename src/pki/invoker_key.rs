//! The key pair the harness uses when it plays an API invoker, and the one onboarding request
//! body built from it. The type of key and the form of `apiInvokerPublicKey` are PIXIT
//! (`[core] invoker_key`, `invoker_key_format`): TS 29.222 asks only for "the API Invoker's
//! public key", so a core that accepts only RSA must not fail everywhere because the harness
//! always sent P-256.

use rcgen::{CertificateParams, DnType, KeyPair, PublicKeyData, SignatureAlgorithm};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::HarnessIdentity;

/// The `notificationDestination` the harness sends (it receives no notifications).
pub const NOTIFICATION_DESTINATION: &str = "https://api-invoker.invalid/capif/notifications";

/// Which key the harness generates for an invoker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyKind {
    /// ECDSA P-256 (the default).
    #[default]
    P256,
    /// ECDSA P-384.
    P384,
    /// RSA 2048 (what opencapif-sdk and many cores use).
    Rsa2048,
    /// Ed25519.
    Ed25519,
}

/// How the public key is carried in `apiInvokerPublicKey`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyFormat {
    /// A PEM PKCS#10 CSR (what every known implementation sends; the default).
    #[default]
    Csr,
    /// A bare PEM SubjectPublicKeyInfo.
    Spki,
}

/// An invoker key pair.
pub struct InvokerKey {
    /// The key pair.
    pub pair: KeyPair,
}

impl std::fmt::Debug for InvokerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InvokerKey").finish_non_exhaustive()
    }
}

impl InvokerKey {
    /// A fresh key of `kind`.
    pub fn generate(kind: KeyKind) -> Self {
        let pair = match kind {
            KeyKind::P256 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256),
            KeyKind::P384 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384),
            KeyKind::Ed25519 => KeyPair::generate_for(&rcgen::PKCS_ED25519),
            KeyKind::Rsa2048 => rsa_key_pair(2048, &rcgen::PKCS_RSA_SHA256),
        }
        .expect("key generation with ring");
        Self { pair }
    }

    /// [`InvokerKey::generate`] off the async threads: an RSA key takes long enough to starve
    /// the runtime, and a starved runtime fires phase timeouts the core did not cause.
    pub async fn generate_off_thread(kind: KeyKind) -> Self {
        match kind {
            KeyKind::Rsa2048 => tokio::task::spawn_blocking(move || Self::generate(kind))
                .await
                .expect("key generation does not panic"),
            _ => Self::generate(kind),
        }
    }

    /// The DER SubjectPublicKeyInfo (what an issued certificate must bind).
    pub fn spki(&self) -> Vec<u8> {
        self.pair.subject_public_key_info()
    }

    /// The value of `apiInvokerPublicKey` in `format`, a CSR with `who`'s subject.
    pub fn public_key_field(&self, format: KeyFormat, who: &HarnessIdentity) -> String {
        match format {
            KeyFormat::Csr => self.csr(who),
            KeyFormat::Spki => self.pair.public_key_pem(),
        }
    }

    /// A PEM CSR for this key with `who`'s subject (CN, and O/OU when set).
    pub fn csr(&self, who: &HarnessIdentity) -> String {
        let mut p = CertificateParams::default();
        p.distinguished_name = rcgen::DistinguishedName::new();
        p.distinguished_name
            .push(DnType::CommonName, who.cn.as_str());
        if let Some(o) = &who.o {
            p.distinguished_name
                .push(DnType::OrganizationName, o.as_str());
        }
        if let Some(ou) = &who.ou {
            p.distinguished_name
                .push(DnType::OrganizationalUnitName, ou.as_str());
        }
        p.serialize_request(&self.pair)
            .and_then(|c| c.pem())
            .expect("CSR of a fresh key")
    }

    /// A copy of the key pair (rcgen's KeyPair is not Clone).
    pub fn pair_copy(&self) -> KeyPair {
        KeyPair::from_pkcs8_der_and_sign_algo(
            &rustls_pki_types::PrivatePkcs8KeyDer::from(self.pair.serialize_der()),
            self.pair.algorithm(),
        )
        .expect("own key")
    }
}

/// An RSA key of `bits` (ring cannot generate RSA keys; the `rsa` crate can, and ring signs
/// with it).
pub fn rsa_key_pair(
    bits: usize,
    alg: &'static SignatureAlgorithm,
) -> Result<KeyPair, rcgen::Error> {
    use rsa::pkcs8::EncodePrivateKey;
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, bits)
        .map_err(|_| rcgen::Error::KeyGenerationUnavailable)?;
    let der = key
        .to_pkcs8_der()
        .map_err(|_| rcgen::Error::KeyGenerationUnavailable)?;
    KeyPair::from_pkcs8_der_and_sign_algo(
        &rustls_pki_types::PrivatePkcs8KeyDer::from(der.as_bytes().to_vec()),
        alg,
    )
}

/// A conformant APIInvokerEnrolmentDetails for a POST, carrying `public_key` and
/// `information` as apiInvokerInformation.
pub fn enrolment_request(public_key: &str, information: &str) -> Value {
    json!({
        "onboardingInformation": {"apiInvokerPublicKey": public_key},
        "notificationDestination": NOTIFICATION_DESTINATION,
        "apiInvokerInformation": information,
        "supportedFeatures": "0",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::parse_invoker_public_key;

    #[test]
    fn every_key_kind_and_format_is_what_the_validator_reads() {
        for kind in [
            KeyKind::P256,
            KeyKind::P384,
            KeyKind::Rsa2048,
            KeyKind::Ed25519,
        ] {
            let key = InvokerKey::generate(kind);
            let who = crate::pki::IdentityIssuer::new(Default::default()).next();
            for format in [KeyFormat::Csr, KeyFormat::Spki] {
                let parsed = parse_invoker_public_key(&key.public_key_field(format, &who))
                    .unwrap_or_else(|e| panic!("{kind:?} {format:?}: {e}"));
                assert_eq!(parsed.spki_der, key.spki(), "{kind:?} {format:?}");
                assert_eq!(parsed.from_csr, format == KeyFormat::Csr);
            }
            assert_eq!(key.pair_copy().serialize_der(), key.pair.serialize_der());
        }
    }
}
