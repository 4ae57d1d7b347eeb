//! INV-TLS-16, tested actively: the played core answers a ClientHello that offers TLS 1.3 with
//! a complete, valid TLS 1.2 server flight (ServerHello, Certificate, a signed ECDHE
//! ServerKeyExchange, ServerHelloDone), built by hand because rustls, as a TLS 1.3 server,
//! would never answer TLS 1.2 to such a hello. Once with the downgrade sentinel of RFC 8446
//! §4.1.3 in the last 8 bytes of ServerHello.random, once without (the control). A client that
//! checks the sentinel aborts on the ServerHello with illegal_parameter; without it, the same
//! client goes on with its ClientKeyExchange, which proves the flight itself was acceptable.

use ring::agreement;
use ring::rand::SystemRandom;
use tokio::net::TcpStream;

use super::legacy::{answer, read_hello, u24, LegacyReply};
use crate::net::client_hello::ClientHelloInfo;
use crate::pki::Identity;

pub use crate::net::client_hello::DOWNGRADE_SENTINEL;

/// ECDHE suites with ECDSA, then with RSA authentication (AEAD first): the ServerHello picks
/// the first the invoker offered that fits the played core's key.
const ECDSA_SUITES: &[u16] = &[0xc02b, 0xc02c, 0xcca9, 0xc023, 0xc024, 0xc009, 0xc00a];
const RSA_SUITES: &[u16] = &[0xc02f, 0xc030, 0xcca8, 0xc027, 0xc028, 0xc013, 0xc014];

/// Why a flight could not be built for this ClientHello (the reason says what it lacked).
pub type NoFlight = String;

/// Whether `hello` offers TLS 1.3 (the sentinel binds TLS 1.3 clients).
pub fn offers_tls13(hello: &ClientHelloInfo) -> bool {
    hello
        .supported_versions
        .as_ref()
        .is_some_and(|v| v.contains(&0x0304))
}

/// The TLS 1.2 server flight for `hello`, signed with `identity`'s key, with or without the
/// downgrade sentinel.
pub fn tls12_flight(
    hello: &ClientHelloInfo,
    identity: &Identity,
    sentinel: bool,
    renegotiation_info: bool,
) -> Result<Vec<u8>, NoFlight> {
    let ecdsa = identity.key.algorithm() == &rcgen::PKCS_ECDSA_P256_SHA256;
    let (suites, scheme) = if ecdsa {
        (ECDSA_SUITES, 0x0403u16)
    } else {
        (RSA_SUITES, 0x0401u16)
    };
    let suite = suites
        .iter()
        .copied()
        .find(|s| hello.cipher_suites.contains(s))
        .ok_or("the ClientHello offers no TLS 1.2 ECDHE suite for the played core's key")?;
    if !hello.signature_algorithms.is_empty() && !hello.signature_algorithms.contains(&scheme) {
        return Err(format!(
            "the ClientHello does not offer the signature scheme 0x{scheme:04x} the played core's key needs"
        ));
    }
    let rng = SystemRandom::new();
    let (group, curve) = if hello.groups.contains(&29) {
        (29u16, &agreement::X25519)
    } else if hello.groups.contains(&23) || hello.groups.is_empty() {
        (23u16, &agreement::ECDH_P256)
    } else {
        return Err("the ClientHello offers neither x25519 nor secp256r1".into());
    };
    let ephemeral =
        agreement::EphemeralPrivateKey::generate(curve, &rng).map_err(|e| e.to_string())?;
    let public = ephemeral.compute_public_key().map_err(|e| e.to_string())?;
    let mut random = [0u8; 32];
    ring::rand::SecureRandom::fill(&rng, &mut random).map_err(|e| e.to_string())?;
    if sentinel {
        random[24..].copy_from_slice(&DOWNGRADE_SENTINEL);
    }
    // ServerHello: TLS 1.2, the random, no session id, the suite, no compression;
    // renegotiation_info (empty; left out for INV-TLS-24) and, when offered,
    // extended_master_secret.
    let mut extensions = if renegotiation_info {
        vec![0xff, 0x01, 0x00, 0x01, 0x00]
    } else {
        Vec::new()
    };
    if hello.extensions.contains(&23) {
        extensions.extend_from_slice(&[0x00, 0x17, 0x00, 0x00]);
    }
    let mut sh = vec![0x03, 0x03];
    sh.extend_from_slice(&random);
    // An empty session id: echoing the client's (TLS 1.3 middlebox compatibility) id would
    // announce a TLS 1.2 resumption, which a client rightly refuses.
    sh.push(0);
    sh.extend_from_slice(&suite.to_be_bytes());
    sh.push(0);
    sh.extend_from_slice(&(extensions.len() as u16).to_be_bytes());
    sh.extend_from_slice(&extensions);
    let mut certs = Vec::new();
    for c in &identity.chain {
        certs.extend_from_slice(&u24(c.len()));
        certs.extend_from_slice(c);
    }
    let mut cert_msg = u24(certs.len()).to_vec();
    cert_msg.extend_from_slice(&certs);
    // ServerKeyExchange: named curve, the ephemeral public key, signed over both randoms.
    let mut params = vec![3];
    params.extend_from_slice(&group.to_be_bytes());
    params.push(public.as_ref().len() as u8);
    params.extend_from_slice(public.as_ref());
    let mut signed = hello.random.clone();
    signed.extend_from_slice(&random);
    signed.extend_from_slice(&params);
    let signature = rcgen::SigningKey::sign(&*identity.key, &signed).map_err(|e| e.to_string())?;
    let mut ske = params;
    ske.extend_from_slice(&scheme.to_be_bytes());
    ske.extend_from_slice(&(signature.len() as u16).to_be_bytes());
    ske.extend_from_slice(&signature);
    let mut hs = Vec::new();
    for (ty, body) in [(2u8, sh), (11, cert_msg), (12, ske), (14, Vec::new())] {
        hs.push(ty);
        hs.extend_from_slice(&u24(body.len()));
        hs.extend_from_slice(&body);
    }
    let mut out = Vec::new();
    for chunk in hs.chunks(16 * 1024) {
        out.extend_from_slice(&[0x16, 0x03, 0x03]);
        out.extend_from_slice(&(chunk.len() as u16).to_be_bytes());
        out.extend_from_slice(chunk);
    }
    Ok(out)
}

/// Read the ClientHello, answer it with the TLS 1.2 flight (with the sentinel or not) and read
/// what the invoker does; everything within `deadline`. The ClientHello, if one arrived, and
/// the reply: Err when the hello offered no TLS 1.3 or no flight could be built for it (nothing
/// was answered; the reason says why).
pub async fn probe(
    tcp: &mut TcpStream,
    identity: &Identity,
    sentinel: bool,
    deadline: tokio::time::Instant,
) -> (Option<ClientHelloInfo>, Result<LegacyReply, NoFlight>) {
    let Some(hello) = read_hello(tcp, deadline).await else {
        return (None, Err("no ClientHello arrived".into()));
    };
    if !offers_tls13(&hello) {
        return (Some(hello), Err("the ClientHello offers no TLS 1.3".into()));
    }
    match tls12_flight(&hello, identity, sentinel, true) {
        Ok(flight) => {
            let reply = answer(tcp, &flight, deadline).await;
            (Some(hello), Ok(reply))
        }
        Err(why) => (Some(hello), Err(why)),
    }
}

/// INV-TLS-24: read the ClientHello and, when it offers TLS 1.2, answer with the TLS 1.2
/// flight whose ServerHello acknowledges renegotiation_info or not (`acknowledged`), then read
/// what the invoker does. Err when no TLS 1.2 was offered or no flight could be built.
pub async fn probe_renegotiation(
    tcp: &mut TcpStream,
    identity: &Identity,
    acknowledged: bool,
    deadline: tokio::time::Instant,
) -> (Option<ClientHelloInfo>, Result<LegacyReply, NoFlight>) {
    let Some(hello) = read_hello(tcp, deadline).await else {
        return (None, Err("no ClientHello arrived".into()));
    };
    if !hello.offered().contains(&0x0303) {
        return (Some(hello), Err("the ClientHello offers no TLS 1.2".into()));
    }
    match tls12_flight(&hello, identity, false, acknowledged) {
        Ok(flight) => {
            let reply = answer(tcp, &flight, deadline).await;
            (Some(hello), Ok(reply))
        }
        Err(why) => (Some(hello), Err(why)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::TestPki;

    /// rustls, a TLS 1.3 client, against the flight: it goes on without the sentinel (the
    /// flight is valid) and aborts with illegal_parameter with it (RFC 8446 §4.1.3).
    #[tokio::test]
    async fn a_rustls_client_takes_the_flight_and_refuses_the_sentinel() {
        let pki = TestPki::generate(&["127.0.0.1".to_string()]).unwrap();
        for sentinel in [false, true] {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let config = crate::net::client_config(
                std::slice::from_ref(&pki.ca.cert),
                None,
                crate::net::TLS_VERSIONS,
            )
            .unwrap();
            let client = tokio::spawn(async move {
                let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
                let name = rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap();
                let _ = tokio::time::timeout(
                    std::time::Duration::from_secs(5),
                    tokio_rustls::TlsConnector::from(config).connect(name, tcp),
                )
                .await;
            });
            let (mut tcp, _) = listener.accept().await.unwrap();
            let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
            let (hello, reply) = probe(&mut tcp, &pki.core, sentinel, deadline).await;
            assert!(offers_tls13(&hello.unwrap()));
            let reply = reply.unwrap();
            if sentinel {
                assert_eq!(
                    reply,
                    LegacyReply::Alert {
                        level: 2,
                        description: 47
                    }
                );
            } else {
                assert_eq!(reply, LegacyReply::Continued { message: 16 }, "{reply:?}");
            }
            drop(tcp);
            let _ = client.await;
        }
    }
}
