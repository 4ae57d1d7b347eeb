//! rustls configurations: TLS 1.2 and 1.3 only (TS 33.210 §6.2.1), ring provider, HTTP/1.1.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig, SupportedProtocolVersion};
use rustls_pki_types::CertificateDer;

use crate::pki::Identity;

/// The protocol versions CAPIF allows: "TLS 1.2 and TLS 1.3 shall be supported", older shall not.
pub static TLS_VERSIONS: &[&SupportedProtocolVersion] =
    &[&rustls::version::TLS13, &rustls::version::TLS12];

/// The crypto provider every config uses.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The ring provider restricted to the cipher `suites` and key-exchange `groups` given (an
/// empty list keeps them all): a client that offers only these, a server that accepts only
/// these.
pub fn provider_with(
    suites: &[rustls::CipherSuite],
    groups: &[rustls::NamedGroup],
) -> Arc<CryptoProvider> {
    let mut p = rustls::crypto::ring::default_provider();
    if !suites.is_empty() {
        p.cipher_suites.retain(|s| suites.contains(&s.suite()));
    }
    if !groups.is_empty() {
        p.kx_groups.retain(|g| groups.contains(&g.name()));
    }
    Arc::new(p)
}

/// Whether and how a server asks for a client certificate.
#[derive(Debug, Clone)]
pub enum ClientAuth {
    /// Never ask (onboarding: server authentication only).
    None,
    /// Ask, accept certificates chaining to these roots, but let clients without one in
    /// (the onboarding POST has none; DELETE on the invoker resource needs one).
    Optional(Vec<CertificateDer<'static>>),
    /// Require one chaining to these roots (a faulty core that demands mutual TLS).
    Required(Vec<CertificateDer<'static>>),
}

fn roots(certs: &[CertificateDer<'static>]) -> Result<RootCertStore, rustls::Error> {
    let mut store = RootCertStore::empty();
    for c in certs {
        store.add(c.clone())?;
    }
    Ok(store)
}

/// A server config presenting `identity`.
pub fn server_config(
    identity: &Identity,
    client_auth: &ClientAuth,
    versions: &[&'static SupportedProtocolVersion],
) -> Result<Arc<ServerConfig>, rustls::Error> {
    server_config_with(provider(), identity, client_auth, versions)
}

/// [`server_config`] with the crypto provider `p` (see [`provider_with`]).
pub fn server_config_with(
    p: Arc<CryptoProvider>,
    identity: &Identity,
    client_auth: &ClientAuth,
    versions: &[&'static SupportedProtocolVersion],
) -> Result<Arc<ServerConfig>, rustls::Error> {
    let builder = ServerConfig::builder_with_provider(p).with_protocol_versions(versions)?;
    let builder = match client_auth {
        ClientAuth::None => builder.with_no_client_auth(),
        ClientAuth::Optional(certs) | ClientAuth::Required(certs) => {
            let b =
                WebPkiClientVerifier::builder_with_provider(Arc::new(roots(certs)?), provider());
            let b = if matches!(client_auth, ClientAuth::Optional(_)) {
                b.allow_unauthenticated()
            } else {
                b
            };
            builder.with_client_cert_verifier(
                b.build()
                    .map_err(|e| rustls::Error::General(format!("client verifier: {e}")))?,
            )
        }
    };
    let mut cfg = builder.with_single_cert(identity.chain.clone(), identity.private_key_der())?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(cfg))
}

/// A client config trusting exactly `trusted` (the provisioned root), optionally presenting
/// `client_identity` (mutual TLS with the certificate issued at onboarding).
pub fn client_config(
    trusted: &[CertificateDer<'static>],
    client_identity: Option<&Identity>,
    versions: &[&'static SupportedProtocolVersion],
) -> Result<Arc<ClientConfig>, rustls::Error> {
    client_config_with(provider(), trusted, client_identity, versions)
}

/// [`client_config`] with the crypto provider `p` (see [`provider_with`]).
pub fn client_config_with(
    p: Arc<CryptoProvider>,
    trusted: &[CertificateDer<'static>],
    client_identity: Option<&Identity>,
    versions: &[&'static SupportedProtocolVersion],
) -> Result<Arc<ClientConfig>, rustls::Error> {
    let builder = ClientConfig::builder_with_provider(p)
        .with_protocol_versions(versions)?
        .with_root_certificates(roots(trusted)?);
    let mut cfg = match client_identity {
        Some(id) => builder.with_client_auth_cert(id.chain.clone(), id.private_key_der())?,
        None => builder.with_no_client_auth(),
    };
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(cfg))
}

/// A TLS protocol version, shown as "TLS 1.2" everywhere (evidence, reasons, reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsVersion {
    /// TLS 1.2.
    Tls12,
    /// TLS 1.3.
    Tls13,
    /// Anything else, by its wire value (0x0301 is TLS 1.0).
    Other(u16),
}

impl TlsVersion {
    /// Whether TS 33.210 §6.2.1 allows it (TLS 1.2 or 1.3).
    pub fn allowed(self) -> bool {
        matches!(self, TlsVersion::Tls12 | TlsVersion::Tls13)
    }
}

impl From<rustls::ProtocolVersion> for TlsVersion {
    fn from(v: rustls::ProtocolVersion) -> Self {
        match u16::from(v) {
            0x0303 => TlsVersion::Tls12,
            0x0304 => TlsVersion::Tls13,
            other => TlsVersion::Other(other),
        }
    }
}

impl std::fmt::Display for TlsVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TlsVersion::Tls12 => f.write_str("TLS 1.2"),
            TlsVersion::Tls13 => f.write_str("TLS 1.3"),
            TlsVersion::Other(0x0301) => f.write_str("TLS 1.0"),
            TlsVersion::Other(0x0302) => f.write_str("TLS 1.1"),
            TlsVersion::Other(v) => write!(f, "version 0x{v:04x}"),
        }
    }
}

impl serde::Serialize for TlsVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Serialized as its display text: "TLS 1.2", "TLS 1.3", "TLS 1.1", "version 0x0300".
impl schemars::JsonSchema for TlsVersion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TlsVersion".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^(TLS 1\\.[0-3]|version 0x[0-9a-f]{4})$"
        })
    }
}

/// The negotiated protocol version and cipher suite, as named in evidence.
pub fn negotiated(conn: &rustls::CommonState) -> (TlsVersion, String) {
    (
        conn.protocol_version()
            .map(TlsVersion::from)
            .unwrap_or(TlsVersion::Other(0)),
        conn.negotiated_cipher_suite()
            .map(|c| format!("{:?}", c.suite()))
            .unwrap_or_default(),
    )
}
