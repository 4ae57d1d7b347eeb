//! What a core's TLS accepts, found by enumeration as scanners (sslyze, testssl.sh) do it,
//! never inferred from one fixed hello (README "TLS cipher suite classes"):
//!
//! - each legacy version (SSL 3.0, TLS 1.0, TLS 1.1) is offered with every registry suite that
//!   exists for it, so a refusal is never a partial offer's;
//! - TLS 1.2 suites are enumerated per class, concurrently: offer every suite of the class,
//!   remove the one the core selected, repeat until it refuses. encrypt_then_mac is offered,
//!   and whether the core negotiated it is kept per accepted suite (RFC 9325 §4.2 lifts CBC
//!   only then).
//!
//! Hand-built hellos need no verified session: a bad server certificate does not stop them.

use serde::Serialize;

use super::probes::{hello_probe, LegacyHelloOutcome};
use crate::net::suites::SuiteClass;
use crate::net::{PhaseError, Timeouts};

/// How one legacy version was answered.
#[derive(Debug, Clone, Serialize)]
pub struct VersionProbe {
    /// The version offered (0x0300 SSL 3.0, 0x0301 TLS 1.0, 0x0302 TLS 1.1).
    pub version: u16,
    /// How many suites the hello offered (every registry suite that exists for it).
    pub offered: usize,
    /// The answer.
    pub outcome: LegacyHelloOutcome,
    /// The suite a ServerHello selected.
    pub selected: Option<u16>,
}

/// One TLS 1.2 suite the core accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptedSuite {
    /// The suite's code.
    pub suite: u16,
    /// Its class.
    #[serde(skip)]
    pub class: SuiteClass,
    /// Whether the ServerHello acknowledged encrypt_then_mac (offered in every hello).
    pub encrypt_then_mac: bool,
    /// Whether it acknowledged renegotiation_info (offered as the extension in every hello).
    pub renegotiation_info: bool,
    /// Whether it negotiated extended_master_secret (offered in every hello).
    pub extended_master_secret: bool,
}

/// Every TLS 1.2 suite the core accepted, and what finding them took.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Enumeration {
    /// Accepted suites, by class then in the order found.
    pub accepted: Vec<AcceptedSuite>,
    /// Handshakes made.
    pub handshakes: usize,
    /// Wall time, ms.
    pub ms: u64,
    /// A class whose enumeration stopped on something other than a refusal (a broken
    /// connection, non-TLS bytes): named so a verdict never rests on it silently.
    pub incomplete: Vec<String>,
}

/// The legacy versions probed for CCF-TLS-02.
pub const LEGACY_VERSIONS: [u16; 3] = [0x0300, 0x0301, 0x0302];

/// Every registry suite that exists before TLS 1.2 (no AEAD, no SHA-256/384 MAC, no TLS 1.3
/// suite, no signalling value).
pub fn legacy_suites() -> Vec<u16> {
    crate::net::suites::registry()
        .filter(|c| crate::net::suites::exists_before_tls12(*c))
        .collect()
}

/// Offer each legacy version with every suite that exists for it, concurrently.
pub async fn probe_legacy_versions(
    host: &str,
    port: u16,
    server_name: &str,
    timeouts: &Timeouts,
) -> Result<Vec<VersionProbe>, PhaseError> {
    let suites = legacy_suites();
    let offered = suites.len();
    let probes = LEGACY_VERSIONS.iter().map(|v| {
        let hello = super::probes::client_hello_bytes_for(server_name, *v, &suites, false);
        async move {
            let (outcome, bytes) = hello_probe(host, port, &hello, timeouts).await?;
            Ok::<_, PhaseError>(VersionProbe {
                version: *v,
                offered,
                outcome,
                selected: super::probes::server_hello_suite(&bytes),
            })
        }
    });
    futures::future::try_join_all(probes).await
}

/// Enumerate the TLS 1.2 suites the core accepts, one class at a time (concurrently).
pub async fn enumerate_tls12(
    host: &str,
    port: u16,
    server_name: &str,
    timeouts: &Timeouts,
) -> Result<Enumeration, PhaseError> {
    let started = std::time::Instant::now();
    let classes = SuiteClass::FORBIDDEN
        .iter()
        .chain(SuiteClass::DISCOURAGED.iter())
        .chain([SuiteClass::EcdheAead].iter());
    let runs = classes.map(|class| enumerate_class(host, port, server_name, *class, timeouts));
    let mut all = Enumeration::default();
    for r in futures::future::try_join_all(runs).await? {
        all.accepted.extend(r.accepted);
        all.handshakes += r.handshakes;
        all.incomplete.extend(r.incomplete);
    }
    all.ms = started.elapsed().as_millis() as u64;
    Ok(all)
}

async fn enumerate_class(
    host: &str,
    port: u16,
    server_name: &str,
    class: SuiteClass,
    timeouts: &Timeouts,
) -> Result<Enumeration, PhaseError> {
    let mut offer = class.members();
    let mut found = Enumeration::default();
    // Bounded: each round removes one suite, or ends.
    while !offer.is_empty() {
        let hello = super::probes::client_hello_bytes_for(server_name, 0x0303, &offer, true);
        let (outcome, bytes) = hello_probe(host, port, &hello, timeouts).await?;
        found.handshakes += 1;
        match outcome {
            LegacyHelloOutcome::ServerHello { .. } => {
                let Some(suite) = super::probes::server_hello_suite(&bytes) else {
                    found.incomplete.push(format!(
                        "{}: a ServerHello without a readable suite",
                        class.name()
                    ));
                    break;
                };
                if !offer.contains(&suite) {
                    found.incomplete.push(format!(
                        "{}: the core selected {} which was not offered",
                        class.name(),
                        crate::net::suites::suite_name(suite)
                    ));
                    break;
                }
                let acknowledged = super::probes::server_hello_extensions(&bytes);
                found.accepted.push(AcceptedSuite {
                    suite,
                    class,
                    encrypt_then_mac: acknowledged.contains(&ENCRYPT_THEN_MAC),
                    renegotiation_info: acknowledged.contains(&RENEGOTIATION_INFO),
                    extended_master_secret: acknowledged.contains(&EXTENDED_MASTER_SECRET),
                });
                offer.retain(|c| *c != suite);
            }
            LegacyHelloOutcome::NotTls { first_bytes } => {
                found.incomplete.push(format!(
                    "{}: bytes that are not TLS ({first_bytes})",
                    class.name()
                ));
                break;
            }
            // An alert, a close, or nothing: the rest of the class is refused.
            _ => break,
        }
    }
    Ok(found)
}

/// The TLS 1.3 suites the core accepts, each tried alone (rustls offers the three ring
/// implements: TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256;
/// the CCM suites cannot be offered). Reported, not judged: no text requires more than
/// TLS_AES_128_GCM_SHA256 (RFC 8446 §9.1), which CCF-TLS-07's handshake covers.
pub async fn enumerate_tls13(
    host: &str,
    port: u16,
    server_name: &str,
    timeouts: &Timeouts,
) -> Vec<u16> {
    let base = rustls::crypto::ring::default_provider();
    let suites: Vec<rustls::SupportedCipherSuite> = base
        .cipher_suites
        .iter()
        .copied()
        .filter(|s| s.version() == &rustls::version::TLS13)
        .collect();
    let tries = suites.into_iter().map(|suite| {
        let provider = rustls::crypto::CryptoProvider {
            cipher_suites: vec![suite],
            ..rustls::crypto::ring::default_provider()
        };
        async move {
            match super::probes::unverified_handshake(
                host,
                port,
                server_name,
                std::sync::Arc::new(provider),
                &[&rustls::version::TLS13],
                timeouts,
            )
            .await
            {
                Ok(Ok(_)) => Some(u16::from(suite.suite())),
                _ => None,
            }
        }
    });
    futures::future::join_all(tries)
        .await
        .into_iter()
        .flatten()
        .collect()
}

/// The encrypt_then_mac extension (RFC 7366).
const ENCRYPT_THEN_MAC: u16 = 22;
/// renegotiation_info (RFC 5746).
pub const RENEGOTIATION_INFO: u16 = 0xff01;
/// extended_master_secret (RFC 7627).
pub const EXTENDED_MASTER_SECRET: u16 = 0x0017;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_hellos_offer_only_suites_that_exist_before_tls_1_2() {
        let s = legacy_suites();
        assert!(s.len() > 100, "{}", s.len());
        assert!(s.contains(&0x002f) && s.contains(&0xc013) && s.contains(&0x0005));
        assert!(!s.contains(&0xc02b) && !s.contains(&0x003c) && !s.contains(&0x1301));
        // One record holds the whole offer.
        assert!(s.len() * 2 < 16_000);
    }
}
