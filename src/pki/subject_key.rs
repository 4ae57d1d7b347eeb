//! The invoker's `apiInvokerPublicKey`: a PEM PKCS#10 CSR (what every known invoker sends)
//! or a PEM SubjectPublicKeyInfo (what the spec's wording, "public key", also allows).
//!
//! The core issues a certificate for exactly this key and decides everything else itself
//! (CA flag, EKU, validity, subject): nothing is copied from the CSR but the key.

use rcgen::{PublicKeyData, SignatureAlgorithm};
use x509_parser::prelude::FromDer;

/// Why `apiInvokerPublicKey` was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubjectKeyError {
    /// Not PEM, or PEM of another kind.
    #[error("not a PEM CERTIFICATE REQUEST or PUBLIC KEY")]
    NotPem,
    /// PEM, but the DER inside does not parse.
    #[error("the {0} does not parse")]
    Unparsable(&'static str),
    /// The CSR's self-signature does not verify: the sender does not hold the key.
    #[error("the CSR's signature does not verify (proof of possession failed)")]
    BadCsrSignature,
    /// A key type the core does not issue certificates for.
    #[error("unsupported key algorithm {0} (RSA, EC P-256/P-384 and Ed25519 are supported)")]
    UnsupportedAlgorithm(String),
}

/// An invoker public key, ready to be certified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectKey {
    /// The DER SubjectPublicKeyInfo: the identity of the key (duplicate detection, binding).
    pub spki_der: Vec<u8>,
    raw: Vec<u8>,
    alg: &'static SignatureAlgorithm,
    /// Whether it came in a CSR (whose signature was verified).
    pub from_csr: bool,
}

impl PublicKeyData for SubjectKey {
    fn der_bytes(&self) -> &[u8] {
        &self.raw
    }
    fn algorithm(&self) -> &'static SignatureAlgorithm {
        self.alg
    }
}

/// Parse `apiInvokerPublicKey`; a CSR must carry a valid self-signature.
pub fn parse_invoker_public_key(text: &str) -> Result<SubjectKey, SubjectKeyError> {
    let block = pem::parse(text.trim()).map_err(|_| SubjectKeyError::NotPem)?;
    match block.tag() {
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
            let (_, csr) = x509_parser::certification_request::X509CertificationRequest::from_der(
                block.contents(),
            )
            .map_err(|_| SubjectKeyError::Unparsable("CSR"))?;
            csr.verify_signature()
                .map_err(|_| SubjectKeyError::BadCsrSignature)?;
            let spki = &csr.certification_request_info.subject_pki;
            from_spki(spki, true)
        }
        "PUBLIC KEY" => {
            let (_, spki) = x509_parser::x509::SubjectPublicKeyInfo::from_der(block.contents())
                .map_err(|_| SubjectKeyError::Unparsable("public key"))?;
            from_spki(&spki, false)
        }
        _ => Err(SubjectKeyError::NotPem),
    }
}

fn from_spki(
    spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>,
    from_csr: bool,
) -> Result<SubjectKey, SubjectKeyError> {
    let alg_oid = spki.algorithm.algorithm.to_id_string();
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|o| o.to_id_string());
    let alg: &'static SignatureAlgorithm = match (alg_oid.as_str(), curve.as_deref()) {
        ("1.2.840.113549.1.1.1", _) => &rcgen::PKCS_RSA_SHA256,
        ("1.2.840.10045.2.1", Some("1.2.840.10045.3.1.7")) => &rcgen::PKCS_ECDSA_P256_SHA256,
        ("1.2.840.10045.2.1", Some("1.3.132.0.34")) => &rcgen::PKCS_ECDSA_P384_SHA384,
        ("1.3.101.112", _) => &rcgen::PKCS_ED25519,
        (other, c) => {
            return Err(SubjectKeyError::UnsupportedAlgorithm(match c {
                Some(c) => format!("{other} ({c})"),
                None => other.to_string(),
            }))
        }
    };
    Ok(SubjectKey {
        spki_der: spki.raw.to_vec(),
        raw: spki.subject_public_key.data.to_vec(),
        alg,
        from_csr,
    })
}

/// The DER SubjectPublicKeyInfo of a certificate (to check what key it binds).
pub fn certificate_spki(cert_der: &[u8]) -> Option<Vec<u8>> {
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(cert_der).ok()?;
    Some(cert.tbs_certificate.subject_pki.raw.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{CertificateParams, KeyPair};

    fn csr_pem(key: &KeyPair) -> String {
        CertificateParams::new(vec![])
            .unwrap()
            .serialize_request(key)
            .unwrap()
            .pem()
            .unwrap()
    }

    #[test]
    fn csr_and_public_key_yield_the_same_key() {
        let key = KeyPair::generate().unwrap();
        let a = parse_invoker_public_key(&csr_pem(&key)).unwrap();
        let b = parse_invoker_public_key(&key.public_key_pem()).unwrap();
        assert!(a.from_csr && !b.from_csr);
        assert_eq!(a.spki_der, b.spki_der);
        assert_eq!(a.spki_der, key.subject_public_key_info());
    }

    #[test]
    fn csr_with_broken_signature_is_refused() {
        let key = KeyPair::generate().unwrap();
        let pem_text = csr_pem(&key);
        let block = pem::parse(&pem_text).unwrap();
        let mut der = block.contents().to_vec();
        let n = der.len();
        der[n - 3] ^= 0x01; // inside the signature
        let bad = pem::encode(&pem::Pem::new("CERTIFICATE REQUEST", der));
        assert_eq!(
            parse_invoker_public_key(&bad),
            Err(SubjectKeyError::BadCsrSignature)
        );
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        assert_eq!(
            parse_invoker_public_key("hello"),
            Err(SubjectKeyError::NotPem)
        );
        let cert_pem = pem::encode(&pem::Pem::new("CERTIFICATE", vec![1, 2, 3]));
        assert_eq!(
            parse_invoker_public_key(&cert_pem),
            Err(SubjectKeyError::NotPem)
        );
        let junk = pem::encode(&pem::Pem::new("PUBLIC KEY", vec![1, 2, 3]));
        assert_eq!(
            parse_invoker_public_key(&junk),
            Err(SubjectKeyError::Unparsable("public key"))
        );
    }
}
