//! The faults of the reference core that rustls cannot commit: it always acknowledges
//! renegotiation_info and extended_master_secret, and implements no weaker suite to prefer.
//! The faulty core is reached through a loopback relay that rewrites its TLS 1.2 ServerHello:
//!
//! - no-renegotiation-info-ack / no-extended-master-secret rename the acknowledgement to an
//!   unassigned extension type, only for a ClientHello that carries the renegotiation_info
//!   *extension* — the harness's hand-built probes send it; rustls clients send the SCSV
//!   instead, so every other session of the self-test still completes (its transcript is
//!   untouched);
//! - prefers-weaker-suite makes the ServerHello select the first discouraged suite offered, only
//!   for a hello that proposes a discouraged suite before an AES-128-GCM ECDHE one (CCF-TLS-15's;
//!   the enumeration offers one class per hello, rustls clients no discouraged suite). The
//!   probe reads the ServerHello only; the handshake behind it is not meant to complete.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::net::client_hello::parse_client_hello;

/// The type an acknowledgement is renamed to (unassigned, so the probe sees none).
const RENAMED: [u8; 2] = [0xfe, 0xfe];

/// What the relay does to the ServerHello.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rewrite {
    /// Rename this extension's acknowledgement.
    HideExtension(u16),
    /// Select the first discouraged suite offered.
    PreferWeakerSuite,
}

/// Relay `public` to `inner` until `stopped`, rewriting the ServerHello as `rewrite` says for
/// the ClientHellos it is meant for.
pub async fn relay(
    public: TcpListener,
    inner: std::net::SocketAddr,
    rewrite: Rewrite,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = stopped.changed() => return,
            accepted = public.accept() => {
                let Ok((down, _)) = accepted else { continue };
                tokio::spawn(async move {
                    if let Ok(up) = TcpStream::connect(inner).await {
                        session(down, up, rewrite).await;
                    }
                });
            }
        }
    }
}

async fn session(down: TcpStream, up: TcpStream, rewrite: Rewrite) {
    let (mut down_r, mut down_w) = down.into_split();
    let (mut up_r, mut up_w) = up.into_split();
    // The ClientHello, whole, before anything is forwarded.
    let mut hello = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    let info = loop {
        if let Some(info) = parse_client_hello(&hello) {
            break Some(info);
        }
        match down_r.read(&mut buf).await {
            Ok(n) if n > 0 && hello.len() < 64 * 1024 => hello.extend_from_slice(&buf[..n]),
            _ => break None,
        }
    };
    if up_w.write_all(&hello).await.is_err() {
        return;
    }
    // The weaker suite to select is fixed by the hello, before the answer arrives.
    let weaker = info
        .as_ref()
        .and_then(|i| first_weaker_before_aead(&i.cipher_suites));
    let carries_ri = info.is_some_and(|i| i.extensions.contains(&0xff01));
    let edit = move |b: &mut [u8]| match rewrite {
        Rewrite::HideExtension(ext) if carries_ri => rename_extension(b, ext),
        Rewrite::PreferWeakerSuite => {
            if let Some(weak) = weaker {
                select_suite(b, weak)
            }
        }
        _ => {}
    };
    let to_server = async {
        let _ = tokio::io::copy(&mut down_r, &mut up_w).await;
        let _ = up_w.shutdown().await;
    };
    let to_client = async {
        let mut first = true;
        loop {
            let n = match up_r.read(&mut buf).await {
                Ok(n) if n > 0 => n,
                _ => break,
            };
            if first {
                edit(&mut buf[..n]);
            }
            first = false;
            if down_w.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = down_w.shutdown().await;
    };
    tokio::join!(to_server, to_client);
}

/// The first discouraged suite of `offered` when one comes before an AES-128-GCM ECDHE suite.
fn first_weaker_before_aead(offered: &[u16]) -> Option<u16> {
    use crate::net::suites::SuiteClass;
    let aead = offered
        .iter()
        .position(|s| crate::net::suites::AES128_GCM_ECDHE.contains(s))?;
    offered[..aead]
        .iter()
        .copied()
        .find(|s| SuiteClass::DISCOURAGED.contains(&SuiteClass::of(*s)))
}

/// Make a ServerHello at the start of `bytes` select `suite`.
fn select_suite(bytes: &mut [u8], suite: u16) {
    if bytes.len() < 44 || bytes[0] != 0x16 || bytes[5] != 2 {
        return;
    }
    let at = 44 + bytes[43] as usize;
    if let Some(s) = bytes.get_mut(at..at + 2) {
        s.copy_from_slice(&suite.to_be_bytes());
    }
}

/// Rename extension `ext` of a ServerHello at the start of `bytes` (lengths unchanged).
fn rename_extension(bytes: &mut [u8], ext: u16) {
    if bytes.len() < 44 || bytes[0] != 0x16 || bytes[5] != 2 {
        return;
    }
    // record (5) + type (1) + length (3) + version (2) + random (32) + session id
    let sid = bytes[43] as usize;
    // + suite (2) + compression (1): the extensions' length
    let mut at = 44 + sid + 3;
    let Some(len) = bytes
        .get(at..at + 2)
        .map(|l| u16::from_be_bytes([l[0], l[1]]) as usize)
    else {
        return;
    };
    at += 2;
    let end = (at + len).min(bytes.len());
    while at + 4 <= end {
        let ty = u16::from_be_bytes([bytes[at], bytes[at + 1]]);
        let n = u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]) as usize;
        if ty == ext {
            bytes[at..at + 2].copy_from_slice(&RENAMED);
            return;
        }
        at += 4 + n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_named_extension_is_renamed() {
        // A ServerHello with an empty session id and extensions ff01 (1 byte) and 0017 (empty).
        let mut sh = vec![0x16, 0x03, 0x03, 0x00, 0x00, 2, 0, 0, 0, 0x03, 0x03];
        sh.extend_from_slice(&[7; 32]);
        sh.push(0);
        sh.extend_from_slice(&[0xc0, 0x2b, 0x00]);
        let exts = [0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x17, 0x00, 0x00];
        sh.extend_from_slice(&(exts.len() as u16).to_be_bytes());
        sh.extend_from_slice(&exts);
        // The two extension types sit at 49 and 54.
        let types = |b: &[u8]| (b[49..51].to_vec(), b[54..56].to_vec());
        let mut ems = sh.clone();
        rename_extension(&mut ems, 0x0017);
        assert_eq!(types(&ems), (vec![0xff, 0x01], RENAMED.to_vec()));
        let mut ri = sh.clone();
        rename_extension(&mut ri, 0xff01);
        assert_eq!(types(&ri), (RENAMED.to_vec(), vec![0x00, 0x17]));
        // Not a ServerHello: untouched.
        let mut other = sh.clone();
        other[5] = 11;
        rename_extension(&mut other, 0xff01);
        assert_eq!(other, {
            let mut o = sh.clone();
            o[5] = 11;
            o
        });
        // The suite (at 44, after an empty session id) is rewritten in place.
        let mut weak = sh.clone();
        select_suite(&mut weak, 0x002f);
        assert_eq!(&weak[44..46], &[0x00, 0x2f]);
        assert_eq!(weak[46..], sh[46..]);
    }

    #[test]
    fn only_a_weaker_suite_proposed_before_the_aead_one_is_chosen() {
        // CBC (0xc013), static RSA (0x002f), then ECDHE-RSA-AES128-GCM.
        assert_eq!(
            first_weaker_before_aead(&[0xc013, 0x002f, 0xc02f]),
            Some(0xc013)
        );
        // The enumeration's hellos (one class) and rustls' (AEAD only): untouched.
        assert_eq!(first_weaker_before_aead(&[0xc013, 0x002f]), None);
        assert_eq!(first_weaker_before_aead(&[0xc02f, 0xc013]), None);
        assert_eq!(first_weaker_before_aead(&[0xc02b, 0xc02f, 0x1301]), None);
    }
}
