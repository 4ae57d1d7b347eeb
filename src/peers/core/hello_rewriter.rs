//! The no-renegotiation-info-ack and no-extended-master-secret faults of the reference core.
//! rustls always acknowledges both, so the faulty core is reached through a loopback relay that
//! renames the acknowledgement in its TLS 1.2 ServerHello to an unassigned extension type, and
//! only for a ClientHello that carries the renegotiation_info *extension* — the harness's
//! hand-built probes send it; rustls clients send the SCSV instead, so every other session of
//! the self-test still completes (its transcript is untouched).

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::net::client_hello::parse_client_hello;

/// The type an acknowledgement is renamed to (unassigned, so the probe sees none).
const RENAMED: [u8; 2] = [0xfe, 0xfe];

/// Relay `public` to `inner` until `stopped`, renaming extension `ext` in the ServerHello that
/// answers a ClientHello carrying the renegotiation_info extension.
pub async fn relay(
    public: TcpListener,
    inner: std::net::SocketAddr,
    ext: u16,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = stopped.changed() => return,
            accepted = public.accept() => {
                let Ok((down, _)) = accepted else { continue };
                tokio::spawn(async move {
                    if let Ok(up) = TcpStream::connect(inner).await {
                        session(down, up, ext).await;
                    }
                });
            }
        }
    }
}

async fn session(down: TcpStream, up: TcpStream, ext: u16) {
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
    let rename = info.is_some_and(|i| i.extensions.contains(&0xff01));
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
            if first && rename {
                rename_extension(&mut buf[..n], ext);
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
    }
}
