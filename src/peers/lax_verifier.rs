//! Deliberately broken server-certificate verifiers, used only by faults of the reference peers
//! (`skip-cert-verification`, `skip-hostname-check`, `accept-sha1-cert`, `register-skip-verify` of the invoker,
//! `follow-jku` / `follow-x5u` of the core): the self-test of the harness.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, TrustAnchor, UnixTime};

/// Which check the verifier skips.
#[derive(Debug)]
pub struct LaxVerifier {
    provider: Arc<CryptoProvider>,
    /// None: accept anything. Some: verify the chain against these roots, but not the name.
    roots: Option<Vec<TrustAnchor<'static>>>,
    /// Verify chain and name, and accept SHA-1 certificate signatures (`accept-sha1-cert`).
    sha1: bool,
}

/// ecdsa-with-SHA1 on P-256, which webpki rightly does not offer: what a verifier built with a
/// legacy algorithm list accepts.
#[derive(Debug)]
struct EcdsaP256Sha1;

impl rustls_pki_types::SignatureVerificationAlgorithm for EcdsaP256Sha1 {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), rustls_pki_types::InvalidSignature> {
        crate::pki::verify_ecdsa_p256_sha1(public_key, message, signature)
            .then_some(())
            .ok_or(rustls_pki_types::InvalidSignature)
    }
    fn public_key_alg_id(&self) -> rustls_pki_types::AlgorithmIdentifier {
        rustls_pki_types::alg_id::ECDSA_P256
    }
    fn signature_alg_id(&self) -> rustls_pki_types::AlgorithmIdentifier {
        // OID 1.2.840.10045.4.1, no parameters (the AlgorithmIdentifier's contents).
        rustls_pki_types::AlgorithmIdentifier::from_slice(&[
            0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01,
        ])
    }
}

impl LaxVerifier {
    /// Accepts any certificate.
    pub fn anything() -> Arc<Self> {
        Arc::new(Self {
            provider: crate::net::provider(),
            roots: None,
            sha1: false,
        })
    }

    /// Verifies chain, validity and serverAuth against `ca`, but not the host name.
    pub fn without_name(ca: &CertificateDer<'_>) -> Arc<Self> {
        Self::against(ca, false)
    }

    /// Verifies chain, validity, serverAuth and name against `ca`, but also accepts
    /// certificates signed with SHA-1.
    pub fn accepting_sha1(ca: &CertificateDer<'_>) -> Arc<Self> {
        Self::against(ca, true)
    }

    fn against(ca: &CertificateDer<'_>, sha1: bool) -> Arc<Self> {
        let roots = webpki::anchor_from_trusted_cert(ca)
            .ok()
            .map(|a| vec![a.to_owned()]);
        Arc::new(Self {
            provider: crate::net::provider(),
            roots: Some(roots.unwrap_or_default()),
            sha1,
        })
    }
}

impl ServerCertVerifier for LaxVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        static WITH_SHA1: std::sync::OnceLock<
            Vec<&'static dyn rustls_pki_types::SignatureVerificationAlgorithm>,
        > = std::sync::OnceLock::new();
        let algs = if self.sha1 {
            WITH_SHA1
                .get_or_init(|| {
                    let mut v = webpki::ALL_VERIFICATION_ALGS.to_vec();
                    v.push(&EcdsaP256Sha1);
                    v
                })
                .as_slice()
        } else {
            webpki::ALL_VERIFICATION_ALGS
        };
        if let Some(roots) = &self.roots {
            let ee = webpki::EndEntityCert::try_from(end_entity)
                .map_err(|e| rustls::Error::General(format!("{e:?}")))?;
            if self.sha1 {
                ee.verify_is_valid_for_subject_name(server_name)
                    .map_err(|e| rustls::Error::General(format!("{e:?}")))?;
            }
            ee.verify_for_usage(
                algs,
                roots,
                intermediates,
                now,
                webpki::KeyUsage::server_auth(),
                None,
                None,
            )
            .map_err(|e| rustls::Error::General(format!("{e:?}")))?;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
