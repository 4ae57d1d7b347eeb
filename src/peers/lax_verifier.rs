//! Deliberately broken server-certificate verifiers, used only by faults of the reference peers
//! (`skip-cert-verification`, `skip-hostname-check`, `register-skip-verify` of the invoker,
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
}

impl LaxVerifier {
    /// Accepts any certificate.
    pub fn anything() -> Arc<Self> {
        Arc::new(Self {
            provider: crate::net::provider(),
            roots: None,
        })
    }

    /// Verifies chain, validity and serverAuth against `ca`, but not the host name.
    pub fn without_name(ca: &CertificateDer<'_>) -> Arc<Self> {
        let roots = webpki::anchor_from_trusted_cert(ca)
            .ok()
            .map(|a| vec![a.to_owned()]);
        Arc::new(Self {
            provider: crate::net::provider(),
            roots: Some(roots.unwrap_or_default()),
        })
    }
}

impl ServerCertVerifier for LaxVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Some(roots) = &self.roots {
            let ee = webpki::EndEntityCert::try_from(end_entity)
                .map_err(|e| rustls::Error::General(format!("{e:?}")))?;
            ee.verify_for_usage(
                webpki::ALL_VERIFICATION_ALGS,
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
