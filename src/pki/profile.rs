//! Certificate profiles: one enum drives every issuance (names, key usage, EKU, validity),
//! instead of copied parameter blocks. Each certificate gets an explicit random serial:
//! rcgen's default derives it from the key, which would make variants collide.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PublicKeyData, SerialNumber,
};
use ring::rand::{SecureRandom, SystemRandom};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

/// Names a core certificate is valid for when `--host` is not given.
pub const DEFAULT_HOSTS: &[&str] = &["localhost", "127.0.0.1"];

/// Errors of certificate generation and loading.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    /// rcgen refused the parameters or the key.
    #[error("certificate generation failed: {0}")]
    Generate(#[from] rcgen::Error),
    /// A bundle file could not be read or written.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// A bundle file is there but does not hold what it should.
    #[error("{path}: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// What a certificate is for; decides its extensions and validity.
#[derive(Debug, Clone)]
pub enum CertProfile {
    /// The CAPIF root CA that signs the core's server certificate and invoker certificates.
    RootCa {
        /// Subject common name.
        name: String,
    },
    /// An intermediate CA under the root (real cores issue invoker certificates from one).
    IntermediateCa {
        /// Subject common name.
        name: String,
    },
    /// A CAPIF core server certificate.
    Server {
        /// DNS names and IP addresses (subjectAltName).
        hosts: Vec<String>,
    },
    /// The enrolment key's certificate: signs onboarding credentials, nothing else.
    Enrolment,
    /// A certificate issued to an onboarded invoker: CN = apiInvokerId, clientAuth.
    Invoker {
        /// The apiInvokerId.
        api_invoker_id: String,
        /// How long it is valid.
        validity: Duration,
    },
    /// An invoker certificate for serverAuth only, not clientAuth: unusable for mutual TLS
    /// (a defective 201 of the played core, to see that an invoker refuses it).
    InvokerServerAuthOnly {
        /// The apiInvokerId.
        api_invoker_id: String,
    },
    /// A deliberately wrong server certificate for a negative test.
    BadServer {
        /// Which defect.
        variant: ServerVariant,
        /// The names it is (or, for `WrongName`, is not) for.
        hosts: Vec<String>,
    },
}

/// The defects a server certificate can be generated with (README "Test PKI").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServerVariant {
    /// Issued by a CA the invoker was not provisioned with.
    OtherCa,
    /// notAfter in the past.
    Expired,
    /// notBefore in the future.
    NotYetValid,
    /// Valid, but for another host name.
    WrongName,
    /// A self-signed leaf.
    SelfSigned,
    /// Extended key usage clientAuth only (no serverAuth).
    ClientAuthOnly,
    /// Issued by a certificate that is not a CA (basicConstraints CA:false).
    IssuedByNonCa,
    /// Signed with SHA-1 (ecdsa-with-SHA1) by a P-256 intermediate of the root: RFC 9325 §4.5
    /// "SHA-1 or MD5 MUST NOT be used"; otherwise a valid chain.
    Sha1Signed,
}

impl ServerVariant {
    /// Every variant, in a stable order.
    pub const ALL: [ServerVariant; 8] = [
        ServerVariant::OtherCa,
        ServerVariant::Expired,
        ServerVariant::NotYetValid,
        ServerVariant::WrongName,
        ServerVariant::SelfSigned,
        ServerVariant::ClientAuthOnly,
        ServerVariant::IssuedByNonCa,
        ServerVariant::Sha1Signed,
    ];

    /// The Gherkin word for it ("the harness core presents a {word} certificate").
    pub fn word(self) -> &'static str {
        match self {
            ServerVariant::OtherCa => "other-ca",
            ServerVariant::Expired => "expired",
            ServerVariant::NotYetValid => "not-yet-valid",
            ServerVariant::WrongName => "wrong-name",
            ServerVariant::SelfSigned => "self-signed",
            ServerVariant::ClientAuthOnly => "client-auth-only",
            ServerVariant::IssuedByNonCa => "issued-by-non-ca",
            ServerVariant::Sha1Signed => "sha1-signed",
        }
    }

    /// What is wrong with it, for reasons ("a core certificate {defect}").
    pub fn defect(self) -> &'static str {
        match self {
            ServerVariant::OtherCa => "from another CA",
            ServerVariant::Expired => "that has expired",
            ServerVariant::NotYetValid => "that is not yet valid",
            ServerVariant::WrongName => "for another name",
            ServerVariant::SelfSigned => "that is self-signed",
            ServerVariant::ClientAuthOnly => "without serverAuth usage",
            ServerVariant::IssuedByNonCa => "issued by a non-CA certificate",
            ServerVariant::Sha1Signed => "signed with SHA-1",
        }
    }
}

impl std::str::FromStr for ServerVariant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|v| v.word() == s)
            .ok_or_else(|| format!("unknown certificate variant {s}"))
    }
}

/// Host name that `WrongName` certificates are issued for.
pub const WRONG_NAME: &str = "not-the-capif-core.invalid";

/// A fresh positive 128-bit serial number.
pub fn new_serial() -> SerialNumber {
    let mut bytes = [0u8; 16];
    SystemRandom::new()
        .fill(&mut bytes)
        .expect("the system random generator is available");
    // Positive and without a leading zero byte, so the DER INTEGER keeps all 16 bytes.
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    SerialNumber::from_slice(&bytes)
}

impl CertProfile {
    /// The rcgen parameters this profile stands for.
    pub fn params(&self) -> Result<CertificateParams, PkiError> {
        let now = OffsetDateTime::now_utc();
        let mut p = CertificateParams::default();
        p.serial_number = Some(new_serial());
        p.not_before = now - Duration::minutes(5);
        p.not_after = now + Duration::days(365);
        p.distinguished_name = rcgen::DistinguishedName::new();
        p.distinguished_name
            .push(DnType::OrganizationName, "capif-conformance TEST ONLY");
        p.use_authority_key_identifier_extension = true;
        match self {
            CertProfile::RootCa { name } => {
                p.distinguished_name.push(DnType::CommonName, name.as_str());
                p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
                p.key_usages = vec![
                    KeyUsagePurpose::KeyCertSign,
                    KeyUsagePurpose::CrlSign,
                    KeyUsagePurpose::DigitalSignature,
                ];
                p.not_after = now + Duration::days(3650);
                p.use_authority_key_identifier_extension = false;
            }
            CertProfile::IntermediateCa { name } => {
                p.distinguished_name.push(DnType::CommonName, name.as_str());
                p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
                p.key_usages = vec![
                    KeyUsagePurpose::KeyCertSign,
                    KeyUsagePurpose::CrlSign,
                    KeyUsagePurpose::DigitalSignature,
                ];
                p.not_after = now + Duration::days(1825);
            }
            CertProfile::Server { hosts } => server_leaf(&mut p, hosts)?,
            CertProfile::Enrolment => {
                p.distinguished_name
                    .push(DnType::CommonName, "CAPIF onboarding enrolment signer");
                p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
            }
            CertProfile::InvokerServerAuthOnly { api_invoker_id } => {
                p.distinguished_name
                    .push(DnType::CommonName, api_invoker_id.as_str());
                p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
                p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
                p.not_before = now - Duration::minutes(1);
                p.not_after = now + Duration::days(1);
            }
            CertProfile::Invoker {
                api_invoker_id,
                validity,
            } => {
                p.distinguished_name
                    .push(DnType::CommonName, api_invoker_id.as_str());
                p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
                p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
                p.not_before = now - Duration::minutes(1);
                p.not_after = now + *validity;
                if validity.is_negative() {
                    // Already expired: a validity window that ended (only scripted by the
                    // played core, to see that an invoker refuses it).
                    p.not_before = p.not_after - Duration::days(30);
                }
            }
            CertProfile::BadServer { variant, hosts } => {
                server_leaf(&mut p, hosts)?;
                match variant {
                    ServerVariant::Expired => {
                        p.not_before = now - Duration::days(30);
                        p.not_after = now - Duration::days(1);
                    }
                    ServerVariant::NotYetValid => {
                        p.not_before = now + Duration::days(1);
                        p.not_after = now + Duration::days(30);
                    }
                    ServerVariant::WrongName => {
                        p.subject_alt_names.clear();
                        server_leaf(&mut p, &[WRONG_NAME.to_string()])?;
                    }
                    ServerVariant::ClientAuthOnly => {
                        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
                    }
                    ServerVariant::OtherCa
                    | ServerVariant::SelfSigned
                    | ServerVariant::IssuedByNonCa
                    | ServerVariant::Sha1Signed => {}
                }
            }
        }
        Ok(p)
    }
}

fn server_leaf(p: &mut CertificateParams, hosts: &[String]) -> Result<(), PkiError> {
    let named = CertificateParams::new(hosts.to_vec())?;
    p.subject_alt_names = named.subject_alt_names;
    p.distinguished_name.remove(DnType::CommonName);
    p.distinguished_name.push(
        DnType::CommonName,
        hosts.first().map(String::as_str).unwrap_or("capif-core"),
    );
    p.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    Ok(())
}

/// A certificate authority: its certificate and the issuer that signs with its key.
#[derive(Clone)]
pub struct Authority {
    /// The CA certificate (DER).
    pub cert: CertificateDer<'static>,
    issuer: Arc<Issuer<'static, KeyPair>>,
    key_pem: String,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authority").finish_non_exhaustive()
    }
}

impl Authority {
    /// A new self-signed root CA.
    pub fn new_root(name: &str) -> Result<Self, PkiError> {
        let key = KeyPair::generate()?;
        let params = CertProfile::RootCa { name: name.into() }.params()?;
        let cert = params.self_signed(&key)?;
        Ok(Self::from_parts(cert.der().clone(), params, key))
    }

    /// An authority from an existing CA certificate and its key (PEM).
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Self, rcgen::Error> {
        let key = KeyPair::from_pem(key_pem)?;
        let key_pem = key.serialize_pem();
        let issuer = Issuer::from_ca_cert_pem(cert_pem, key)?;
        let der = pem_to_der(cert_pem).ok_or(rcgen::Error::CouldNotParseCertificate)?;
        Ok(Self {
            cert: der,
            issuer: Arc::new(issuer),
            key_pem,
        })
    }

    fn from_parts(cert: CertificateDer<'static>, params: CertificateParams, key: KeyPair) -> Self {
        let key_pem = key.serialize_pem();
        Self {
            cert,
            issuer: Arc::new(Issuer::new(params, key)),
            key_pem,
        }
    }

    /// The issuer, for a certificate made by hand (tests).
    #[cfg(test)]
    pub(crate) fn issuer(&self) -> &Issuer<'static, KeyPair> {
        &self.issuer
    }

    /// A new intermediate CA signed by this one.
    pub fn new_intermediate(&self, name: &str) -> Result<Self, PkiError> {
        let key = KeyPair::generate()?;
        let params = CertProfile::IntermediateCa { name: name.into() }.params()?;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(Self::from_parts(cert.der().clone(), params, key))
    }

    /// The same CA, but what it issues carries an authorityKeyIdentifier that is not this
    /// CA's subjectKeyIdentifier (only for the `aki-mismatch` fault: webpki ignores it,
    /// OpenSSL cannot build the chain).
    pub fn with_wrong_key_identifier(&self) -> Result<Self, PkiError> {
        use x509_parser::prelude::FromDer;
        let (_, parsed) = x509_parser::certificate::X509Certificate::from_der(&self.cert)
            .map_err(|_| rcgen::Error::CouldNotParseCertificate)?;
        // The same subject (our CAs name themselves with O and CN), so names still chain.
        let mut params = CertificateParams::default();
        params.distinguished_name = rcgen::DistinguishedName::new();
        for o in parsed.subject().iter_organization() {
            if let Ok(v) = o.as_str() {
                params.distinguished_name.push(DnType::OrganizationName, v);
            }
        }
        for cn in parsed.subject().iter_common_name() {
            if let Ok(v) = cn.as_str() {
                params.distinguished_name.push(DnType::CommonName, v);
            }
        }
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let mut id = [0u8; 20];
        SystemRandom::new()
            .fill(&mut id)
            .expect("the system random generator is available");
        params.key_identifier_method = rcgen::KeyIdMethod::PreSpecified(id.to_vec());
        let key = KeyPair::from_pem(&self.key_pem)?;
        Ok(Self {
            cert: self.cert.clone(),
            issuer: Arc::new(Issuer::new(params, key)),
            key_pem: self.key_pem.clone(),
        })
    }

    /// Issue a certificate of `profile` for `public_key`.
    pub fn issue(
        &self,
        profile: &CertProfile,
        public_key: &impl PublicKeyData,
    ) -> Result<Certificate, PkiError> {
        Ok(profile.params()?.signed_by(public_key, &self.issuer)?)
    }

    /// Generate a key and issue a certificate of `profile` for it.
    pub fn issue_identity(&self, profile: &CertProfile) -> Result<Identity, PkiError> {
        let key = KeyPair::generate()?;
        let cert = self.issue(profile, &key)?;
        Ok(Identity::new(vec![cert.der().clone()], key))
    }

    /// The CA certificate as PEM.
    pub fn cert_pem(&self) -> String {
        der_to_pem("CERTIFICATE", &self.cert)
    }

    /// The CA private key as PKCS#8 PEM.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }
}

/// A certificate chain (leaf first) with its private key: what a TLS peer presents.
pub struct Identity {
    /// Leaf first, then intermediates (never the root).
    pub chain: Vec<CertificateDer<'static>>,
    /// The leaf's key, shared by the clones: rcgen's KeyPair is not Clone, and re-reading it
    /// from PKCS#8 recomputed the public key (a P-256 multiplication) at every clone of the
    /// bundle, ~7% of the harness's CPU in the embedded run.
    pub key: Arc<KeyPair>,
}

impl Clone for Identity {
    fn clone(&self) -> Self {
        Self {
            chain: self.chain.clone(),
            key: Arc::clone(&self.key),
        }
    }
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("chain_len", &self.chain.len())
            .finish_non_exhaustive()
    }
}

/// The subject CN of a DER certificate (None: unparsable, or no CN).
pub fn certificate_common_name(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    first_common_name(cert.subject())
}

/// The subject CN of a PEM PKCS#10 CSR.
pub fn csr_common_name(pem: &str) -> Option<String> {
    use x509_parser::prelude::FromDer;
    let der = ::pem::parse(pem.as_bytes()).ok()?;
    let (_, csr) =
        x509_parser::certification_request::X509CertificationRequest::from_der(der.contents())
            .ok()?;
    first_common_name(&csr.certification_request_info.subject)
}

fn first_common_name(name: &x509_parser::x509::X509Name<'_>) -> Option<String> {
    Some(name.iter_common_name().next()?.as_str().ok()?.to_string())
}

impl Identity {
    /// An identity from its chain and key.
    pub fn new(chain: Vec<CertificateDer<'static>>, key: KeyPair) -> Self {
        Self {
            chain,
            key: Arc::new(key),
        }
    }

    /// The key as rustls wants it.
    pub fn private_key_der(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key.serialize_der()))
    }

    /// The leaf certificate's subject CN (None: no leaf, unparsable, or no CN), for reasons
    /// that must name who presented a certificate.
    pub fn common_name(&self) -> Option<String> {
        certificate_common_name(self.chain.first()?)
    }

    /// The leaf certificate as PEM.
    pub fn cert_pem(&self) -> String {
        der_to_pem("CERTIFICATE", &self.chain[0])
    }

    /// The whole chain as concatenated PEM.
    pub fn chain_pem(&self) -> String {
        self.chain
            .iter()
            .map(|c| der_to_pem("CERTIFICATE", c))
            .collect()
    }

    /// A server certificate with the defect `variant`, for a negative test.
    ///
    /// `ca` is the CAPIF root the invoker trusts; only `OtherCa`, `SelfSigned` and
    /// `IssuedByNonCa` step outside it.
    pub fn bad_server(
        ca: &Authority,
        variant: ServerVariant,
        hosts: &[String],
    ) -> Result<Identity, PkiError> {
        let profile = CertProfile::BadServer {
            variant,
            hosts: hosts.to_vec(),
        };
        match variant {
            ServerVariant::OtherCa => {
                Authority::new_root("Some Other CA (not the CAPIF root)")?.issue_identity(&profile)
            }
            ServerVariant::SelfSigned => {
                let key = KeyPair::generate()?;
                let cert = profile.params()?.self_signed(&key)?;
                Ok(Identity::new(vec![cert.der().clone()], key))
            }
            ServerVariant::IssuedByNonCa => {
                // A leaf of the CAPIF root (CA:false) used as the issuer of the server cert.
                let mut not_ca = CertProfile::Server {
                    hosts: vec!["intermediate-without-ca-flag".into()],
                }
                .params()?;
                not_ca.key_usages.push(KeyUsagePurpose::KeyCertSign);
                let not_ca_key = KeyPair::generate()?;
                let not_ca_cert = not_ca.signed_by(&not_ca_key, &ca.issuer)?;
                let issuer = Issuer::new(not_ca, not_ca_key);
                let key = KeyPair::generate()?;
                let leaf = profile.params()?.signed_by(&key, &issuer)?;
                Ok(Identity::new(
                    vec![leaf.der().clone(), not_ca_cert.der().clone()],
                    key,
                ))
            }
            ServerVariant::Sha1Signed => {
                // An intermediate of the root (signed as usual, P-256 like the rest of the
                // PKI), whose signature on the leaf is ECDSA over SHA-1: the chain is whole,
                // only the hash is weak.
                let signer = KeyPair::generate()?;
                let signer_pkcs8 = signer.serialize_der();
                let params = CertProfile::IntermediateCa {
                    name: "capif-conformance SHA-1 intermediate CA TEST ONLY".into(),
                }
                .params()?;
                let intermediate = params.signed_by(&signer, &ca.issuer)?;
                let issuer = Issuer::new(params, signer);
                let key = KeyPair::generate()?;
                let leaf = profile.params()?.signed_by(&key, &issuer)?;
                Ok(Identity::new(
                    vec![
                        sha1::resigned(leaf.der(), &signer_pkcs8)?,
                        intermediate.der().clone(),
                    ],
                    key,
                ))
            }
            _ => ca.issue_identity(&profile),
        }
    }
}

/// SHA-1 certificate signatures, which neither ring nor rcgen makes: the leaf is issued as
/// usual (ecdsa-with-SHA256), then its TBS is made to say ecdsa-with-SHA1 and signed again over
/// its SHA-1 digest with the issuer's P-256 key. TEST ONLY: for the `sha1-signed` bad server
/// certificate. (ECDSA rather than RSA: the rest of the test PKI is P-256, so the SHA-1 hash is
/// the chain's only difference, and an RSA-2048 key took 50–120 ms of a 0.3 s run to find.)
pub use sha1::verify_ecdsa_p256_sha1;

mod sha1 {
    use der::asn1::{AnyRef, BitStringRef};
    use der::{Decode, Encode, Reader, SliceReader, Tag};
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    use p256::pkcs8::DecodePrivateKey;
    use rustls_pki_types::CertificateDer;

    /// AlgorithmIdentifier { ecdsa-with-SHA256 } (RFC 5758 §3.2), what rcgen writes for P-256.
    const ECDSA_SHA256: [u8; 12] = [
        0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
    ];
    /// AlgorithmIdentifier { ecdsa-with-SHA1 } (RFC 3279 §2.2.3): one byte shorter.
    pub const ECDSA_SHA1: [u8; 11] = [
        0x30, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01,
    ];

    /// `cert` (issued with ecdsa-with-SHA256 by the key in `signer_pkcs8`) saying
    /// ecdsa-with-SHA1 in its TBS and outer signature algorithm, signed over the SHA-1 digest
    /// of that TBS.
    pub fn resigned(
        cert: &CertificateDer<'_>,
        signer_pkcs8: &[u8],
    ) -> Result<CertificateDer<'static>, rcgen::Error> {
        let der_error = |_: der::Error| rcgen::Error::RingUnspecified;
        let outer = AnyRef::from_der(cert).map_err(der_error)?;
        let mut certificate = SliceReader::new(outer.value()).map_err(der_error)?;
        let tbs = AnyRef::decode(&mut certificate).map_err(der_error)?;
        // TBSCertificate: version [0], serialNumber, signature (the AlgorithmIdentifier), ...
        let mut fields = Vec::new();
        let mut reader = SliceReader::new(tbs.value()).map_err(der_error)?;
        while !reader.is_finished() {
            let field = AnyRef::decode(&mut reader).map_err(der_error)?;
            fields.push(field.to_der().map_err(der_error)?);
        }
        match fields.get_mut(2) {
            Some(alg) if *alg == ECDSA_SHA256 => *alg = ECDSA_SHA1.to_vec(),
            _ => return Err(rcgen::Error::RingUnspecified),
        }
        let tbs = sequence(&fields.concat())?;
        let key = p256::ecdsa::SigningKey::from_pkcs8_der(signer_pkcs8)
            .map_err(|_| rcgen::Error::RingUnspecified)?;
        let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &tbs);
        let signature: p256::ecdsa::Signature = key
            .sign_prehash(digest.as_ref())
            .map_err(|_| rcgen::Error::RingUnspecified)?;
        let bits = BitStringRef::from_bytes(signature.to_der().as_bytes())
            .and_then(|b| b.to_der())
            .map_err(der_error)?;
        Ok(CertificateDer::from(sequence(
            &[tbs, ECDSA_SHA1.to_vec(), bits].concat(),
        )?))
    }

    /// Whether `signature` (DER ECDSA-Sig-Value) is the P-256 key `public_key`'s (SEC1 point)
    /// over the SHA-1 digest of `message`: the verifier of a legacy algorithm list (the
    /// `accept-sha1-cert` fault) and of the tests that the SHA-1 signature is real.
    pub fn verify_ecdsa_p256_sha1(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, message);
        match (
            p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key),
            p256::ecdsa::Signature::from_der(signature),
        ) {
            (Ok(key), Ok(sig)) => key.verify_prehash(digest.as_ref(), &sig).is_ok(),
            _ => false,
        }
    }

    fn sequence(content: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        AnyRef::new(Tag::Sequence, content)
            .and_then(|a| a.to_der())
            .map_err(|_| rcgen::Error::RingUnspecified)
    }
}

/// PEM-encode DER bytes under `label`.
pub fn der_to_pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The first certificate of a PEM text, as DER.
pub fn pem_to_der(pem: &str) -> Option<CertificateDer<'static>> {
    use rustls_pki_types::pem::PemObject;
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .next()
        .and_then(Result::ok)
}

#[cfg(test)]
mod tests;
