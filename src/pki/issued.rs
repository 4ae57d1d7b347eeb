//! The one verifier of an invoker certificate issued at onboarding
//! (`onboardingInformation.apiInvokerCertificate`), used by the core checks, the reference
//! invoker and load mode.
//!
//! Real cores return a PEM *bundle* (leaf, intermediates, often the root) while the invoker is
//! provisioned with the root only, so the chain is built from every certificate in the field.
//! The certificate is also held to the part of the RFC 5280 profile that OpenSSL-based peers
//! enforce and webpki ignores: each certificate's authorityKeyIdentifier must be its issuer's
//! subjectKeyIdentifier (§4.2.1.1), or OpenSSL answers "unable to get local issuer
//! certificate" to an invoker that presents it.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, UnixTime};
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::certificate_spki;

/// Why an issued certificate is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssuedError {
    /// The field is empty or holds no PEM certificate.
    #[error("apiInvokerCertificate holds no PEM X.509 certificate")]
    NotPem,
    /// The leaf does not parse.
    #[error("apiInvokerCertificate does not parse: {0}")]
    Unparsable(String),
    /// No valid chain to the invoker CA for clientAuth now.
    #[error(
        "apiInvokerCertificate does not validate against the invoker CA for clientAuth now: {0}"
    )]
    Chain(String),
    /// An authorityKeyIdentifier that is not its issuer's subjectKeyIdentifier.
    #[error("{0} (RFC 5280 §4.2.1.1; OpenSSL-based invokers cannot build the chain)")]
    KeyIdentifier(String),
    /// It certifies another key.
    #[error(
        "apiInvokerCertificate certifies a different public key than the one the invoker sent"
    )]
    OtherKey,
}

/// A verified issued certificate.
#[derive(Debug, Clone)]
pub struct IssuedCertificate {
    /// Every certificate of the bundle, leaf first.
    pub chain: Vec<CertificateDer<'static>>,
    /// Notes for evidence (e.g. "bundle of 3: leaf + 2").
    pub notes: Vec<String>,
}

impl IssuedCertificate {
    /// The leaf.
    pub fn leaf(&self) -> &CertificateDer<'static> {
        &self.chain[0]
    }
}

/// Every certificate in a PEM text, in order.
pub fn pem_certificates(pem: &str) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .filter_map(Result::ok)
        .collect()
}

/// Verify `pem` (leaf first, then any intermediates and roots) against `roots`, for clientAuth
/// at `now`, binding `spki` (the DER SubjectPublicKeyInfo the invoker sent).
pub fn verify_issued(
    pem: &str,
    roots: &[CertificateDer<'_>],
    spki: &[u8],
    now: UnixTime,
) -> Result<IssuedCertificate, IssuedError> {
    let chain = pem_certificates(pem);
    let Some(leaf) = chain.first() else {
        return Err(IssuedError::NotPem);
    };
    let anchors: Vec<_> = roots
        .iter()
        .filter_map(|c| webpki::anchor_from_trusted_cert(c).ok())
        .collect();
    let ee = webpki::EndEntityCert::try_from(leaf)
        .map_err(|e| IssuedError::Unparsable(format!("{e:?}")))?;
    let intermediates: Vec<CertificateDer<'_>> = chain[1..]
        .iter()
        .filter(|c| !roots.contains(c))
        .cloned()
        .collect();
    let path = ee
        .verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &anchors,
            &intermediates,
            now,
            webpki::KeyUsage::client_auth(),
            None,
            None,
        )
        .map_err(|e| IssuedError::Chain(format!("{e:?}")))?;
    // The path webpki built, leaf to the certificate the anchor signed, then the anchor.
    let intermediates_used: Vec<CertificateDer<'_>> =
        path.intermediate_certificates().map(|c| c.der()).collect();
    let anchor_subject = path.anchor().subject.as_ref().to_vec();
    let mut path_der: Vec<&[u8]> = vec![leaf.as_ref()];
    path_der.extend(intermediates_used.iter().map(|c| c.as_ref()));
    if let Some(a) = roots.iter().find(|r| {
        webpki::anchor_from_trusted_cert(r).is_ok_and(|a| a.subject.as_ref() == anchor_subject)
    }) {
        path_der.push(a.as_ref());
    }
    key_identifiers_link(&path_der)?;
    if certificate_spki(leaf).as_deref() != Some(spki) {
        return Err(IssuedError::OtherKey);
    }
    let mut notes = Vec::new();
    if chain.len() > 1 {
        notes.push(format!(
            "apiInvokerCertificate is a bundle of {} certificates (leaf first); the chain was built from all of them",
            chain.len()
        ));
    }
    Ok(IssuedCertificate { chain, notes })
}

fn key_ids<'a>(cert: &'a X509Certificate<'a>) -> (Option<&'a [u8]>, Option<&'a [u8]>) {
    let mut ski = None;
    let mut aki = None;
    for ext in cert.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(k) => ski = Some(k.0),
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                aki = a.key_identifier.as_ref().map(|k| k.0)
            }
            _ => {}
        }
    }
    (ski, aki)
}

/// Each certificate's authorityKeyIdentifier (when present) equals the subjectKeyIdentifier
/// (when present) of its issuer among `path` (found by name, so the order does not matter).
pub fn key_identifiers_link(path: &[&[u8]]) -> Result<(), IssuedError> {
    let parsed: Vec<X509Certificate<'_>> = path
        .iter()
        .filter_map(|d| X509Certificate::from_der(d).ok().map(|(_, c)| c))
        .collect();
    for child in &parsed {
        if child.issuer().as_raw() == child.subject().as_raw() {
            continue;
        }
        let Some(issuer) = parsed
            .iter()
            .find(|c| c.subject().as_raw() == child.issuer().as_raw())
        else {
            continue;
        };
        let (_, aki) = key_ids(child);
        let (ski, _) = key_ids(issuer);
        if let (Some(aki), Some(ski)) = (aki, ski) {
            if aki != ski {
                return Err(IssuedError::KeyIdentifier(format!(
                    "the authorityKeyIdentifier of {} ({}) is not the subjectKeyIdentifier of its issuer {} ({})",
                    child.subject(),
                    hex::encode(aki),
                    issuer.subject(),
                    hex::encode(ski)
                )));
            }
        }
    }
    Ok(())
}
