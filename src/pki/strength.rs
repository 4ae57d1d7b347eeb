//! Key and signature strength of a certificate chain (RFC 9325 §4.5), read from the
//! certificates themselves — no verification, so a chain the strict verifier refuses is still
//! judged for what it is — and the legacy SHA-1 signature (the one weak algorithm the test PKI
//! makes on purpose: the `sha1-signed` bad server certificate).

use rustls_pki_types::CertificateDer;
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

/// One way a certificate falls short, with the requirement it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weakness {
    /// The certificate's subject.
    pub subject: String,
    /// What is weak, e.g. "signed with sha1WithRSAEncryption".
    pub what: String,
    /// The requirement id (the project's requirements.toml).
    pub requirement: &'static str,
}

impl std::fmt::Display for Weakness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.subject, self.what)
    }
}

/// Signature algorithms whose hash is SHA-1 or MD5 (MD2 too), by OID.
const WEAK_SIGNATURES: &[(&str, &str)] = &[
    ("1.2.840.113549.1.1.5", "sha1WithRSAEncryption"),
    ("1.2.840.113549.1.1.4", "md5WithRSAEncryption"),
    ("1.2.840.113549.1.1.2", "md2WithRSAEncryption"),
    ("1.3.14.3.2.29", "sha1WithRSASignature (OIW)"),
    ("1.2.840.10045.4.1", "ecdsa-with-SHA1"),
    ("1.2.840.10040.4.3", "dsa-with-sha1"),
];
/// RSASSA-PSS, whose hash is a parameter (SHA-1 when absent).
const RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
const SHA1: &str = "1.3.14.3.2.26";
const MD5: &str = "1.2.840.113549.2.5";

/// Every weakness of `chain` (leaf first, as presented): an RSA key under 2048 bits
/// (rfc9325-4.5-rsa2048), an EC key on a curve under 224 bits (rfc9325-4.5-curves), a signature
/// with SHA-1 or MD5 (rfc9325-4.5-sha1-md5). A self-signed certificate's own signature is not
/// judged: a trust anchor's is never verified (RFC 8446 §4.4.2.2). A certificate that does not
/// parse is named as such, so nothing unread passes.
pub fn weaknesses(chain: &[CertificateDer<'_>]) -> Vec<Weakness> {
    let mut out = Vec::new();
    for der in chain {
        let Ok((_, cert)) = X509Certificate::from_der(der) else {
            out.push(Weakness {
                subject: "(unparsable certificate)".into(),
                what: "not an X.509 certificate the harness can read".into(),
                requirement: "rfc9325-4.5-rsa2048",
            });
            continue;
        };
        let subject = cert.subject().to_string();
        let mut weak = |what: String, requirement| {
            out.push(Weakness {
                subject: subject.clone(),
                what,
                requirement,
            })
        };
        match cert.public_key().parsed() {
            Ok(PublicKey::RSA(rsa)) if rsa.key_size() < 2048 => weak(
                format!("an RSA key of {} bits (at least 2048)", rsa.key_size()),
                "rfc9325-4.5-rsa2048",
            ),
            Ok(PublicKey::EC(ec)) if ec.key_size() < 224 => weak(
                format!("an EC key of {} bits (at least 224)", ec.key_size()),
                "rfc9325-4.5-curves",
            ),
            _ => {}
        }
        if cert.subject() == cert.issuer() {
            continue;
        }
        if let Some(name) = weak_signature(&cert) {
            weak(format!("signed with {name}"), "rfc9325-4.5-sha1-md5");
        }
    }
    out
}

/// Key and signature of one certificate, for evidence: "EC 256 bits, signed ecdsa-with-SHA256".
pub fn describe(der: &CertificateDer<'_>) -> String {
    const NAMES: &[(&str, &str)] = &[
        ("1.2.840.113549.1.1.11", "sha256WithRSAEncryption"),
        ("1.2.840.113549.1.1.12", "sha384WithRSAEncryption"),
        ("1.2.840.113549.1.1.13", "sha512WithRSAEncryption"),
        ("1.2.840.10045.4.3.2", "ecdsa-with-SHA256"),
        ("1.2.840.10045.4.3.3", "ecdsa-with-SHA384"),
        ("1.2.840.10045.4.3.4", "ecdsa-with-SHA512"),
        ("1.3.101.112", "Ed25519"),
        (RSASSA_PSS, "RSASSA-PSS"),
    ];
    let Ok((_, cert)) = X509Certificate::from_der(der) else {
        return "unparsable".into();
    };
    let key = match cert.public_key().parsed() {
        Ok(PublicKey::RSA(k)) => format!("RSA {} bits", k.key_size()),
        Ok(PublicKey::EC(k)) => format!("EC {} bits", k.key_size()),
        Ok(other) => format!("{} bits", other.key_size()),
        Err(_) => "unreadable key".into(),
    };
    let oid = cert.signature_algorithm.algorithm.to_id_string();
    let alg = NAMES
        .iter()
        .chain(WEAK_SIGNATURES)
        .find(|(o, _)| *o == oid)
        .map(|(_, n)| n.to_string())
        .unwrap_or(oid);
    format!("{key}, signed {alg}")
}

/// The name of `cert`'s signature algorithm when its hash is SHA-1 or MD5.
fn weak_signature(cert: &X509Certificate<'_>) -> Option<String> {
    let oid = cert.signature_algorithm.algorithm.to_id_string();
    if let Some((_, name)) = WEAK_SIGNATURES.iter().find(|(o, _)| *o == oid) {
        return Some(name.to_string());
    }
    if oid == RSASSA_PSS {
        use x509_parser::signature_algorithm::SignatureAlgorithm;
        let hash = match SignatureAlgorithm::try_from(&cert.signature_algorithm) {
            Ok(SignatureAlgorithm::RSASSA_PSS(p)) => p.hash_algorithm_oid().to_id_string(),
            // Unreadable parameters: the default hash, SHA-1 (RFC 4055 §3.1).
            _ => SHA1.to_string(),
        };
        if hash == SHA1 || hash == MD5 {
            return Some(format!("RSASSA-PSS with hash {hash}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{Authority, Identity, ServerVariant};

    #[test]
    fn the_sha1_signed_server_chain_is_weak_and_the_good_one_is_not() {
        let ca = Authority::new_root("strength test root").unwrap();
        let hosts = vec!["capif.example".to_string()];
        let good = ca
            .issue_identity(&crate::pki::CertProfile::Server {
                hosts: hosts.clone(),
            })
            .unwrap();
        assert_eq!(weaknesses(&good.chain), vec![]);
        // The root itself is self-signed: its signature is not judged.
        assert_eq!(weaknesses(std::slice::from_ref(&ca.cert)), vec![]);
        let bad = Identity::bad_server(&ca, ServerVariant::Sha1Signed, &hosts).unwrap();
        let found = weaknesses(&bad.chain);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].what, "signed with ecdsa-with-SHA1");
        assert_eq!(found[0].requirement, "rfc9325-4.5-sha1-md5");
        assert!(
            found[0].subject.contains("capif.example"),
            "{}",
            found[0].subject
        );
        // The SHA-1 signature is real: it verifies under the intermediate's key over the
        // SHA-1 digest of the TBS, so a refusal can only be for the algorithm; and it would
        // not verify over the SHA-256 digest.
        let (_, leaf) = X509Certificate::from_der(&bad.chain[0]).unwrap();
        let (_, intermediate) = X509Certificate::from_der(&bad.chain[1]).unwrap();
        assert_eq!(
            leaf.signature_algorithm.algorithm.to_id_string(),
            "1.2.840.10045.4.1"
        );
        assert_eq!(
            leaf.tbs_certificate.signature.algorithm.to_id_string(),
            "1.2.840.10045.4.1",
            "the TBS says what was signed"
        );
        let key = intermediate.public_key().subject_public_key.data.as_ref();
        let tbs = leaf.tbs_certificate.as_ref();
        let signature = leaf.signature_value.data.as_ref();
        assert!(
            crate::pki::verify_ecdsa_p256_sha1(key, tbs, signature),
            "a valid SHA-1 signature"
        );
        let mut other = tbs.to_vec();
        *other.last_mut().unwrap() ^= 1;
        assert!(!crate::pki::verify_ecdsa_p256_sha1(key, &other, signature));
        // Something that is not a certificate is never silently fine.
        let junk = CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x00]);
        assert_eq!(weaknesses(&[junk]).len(), 1);
    }

    #[test]
    fn a_1024_bit_rsa_key_is_weak() {
        use rsa::pkcs8::EncodePublicKey;
        let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap();
        let spki = key.to_public_key().to_public_key_der().unwrap();
        let ca = Authority::new_root("strength test root").unwrap();
        let params = crate::pki::CertProfile::Server {
            hosts: vec!["capif.example".into()],
        }
        .params()
        .unwrap();
        let public = rcgen::SubjectPublicKeyInfo::from_der(spki.as_bytes()).unwrap();
        let cert = params.signed_by(&public, ca.issuer()).unwrap();
        let found = weaknesses(&[cert.der().clone()]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].requirement, "rfc9325-4.5-rsa2048");
        assert!(found[0].what.contains("1024 bits"), "{}", found[0].what);
    }
}
