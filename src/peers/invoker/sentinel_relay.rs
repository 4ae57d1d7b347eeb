//! The ignore-downgrade-sentinel fault of the reference invoker. rustls always checks the
//! downgrade sentinel (RFC 8446 §4.1.3) when it offers TLS 1.3, so the faulty invoker reaches
//! the core through a loopback relay that blanks the sentinel in a TLS 1.2 ServerHello before
//! rustls reads it: the invoker then behaves as a client that never checks (it goes on with
//! its ClientKeyExchange; the handshake would fail later, on Finished).

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::net::client_hello::DOWNGRADE_SENTINEL;

/// Bytes of the server's first flight up to the end of ServerHello.random.
const HEAD: usize = 43;

/// A relay on loopback to `host:port` for one connection; its port.
pub async fn start(host: &str, port: u16) -> std::io::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let local = listener.local_addr()?.port();
    let target = (host.to_string(), port);
    tokio::spawn(async move {
        let Ok(Ok((down, _))) =
            tokio::time::timeout(std::time::Duration::from_secs(30), listener.accept()).await
        else {
            return;
        };
        let Ok(up) = TcpStream::connect(target).await else {
            return;
        };
        relay(down, up).await;
    });
    Ok(local)
}

async fn relay(down: TcpStream, up: TcpStream) {
    let (mut down_r, mut down_w) = down.into_split();
    let (mut up_r, mut up_w) = up.into_split();
    let to_server = async {
        let _ = tokio::io::copy(&mut down_r, &mut up_w).await;
        let _ = up_w.shutdown().await;
    };
    let to_client = async {
        // Hold the first HEAD bytes, blank the sentinel if they are a TLS 1.2 ServerHello
        // carrying it, then pass everything through.
        let mut head = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        while head.len() < HEAD {
            match up_r.read(&mut buf).await {
                Ok(n) if n > 0 => head.extend_from_slice(&buf[..n]),
                _ => break,
            }
        }
        blank_sentinel(&mut head);
        if down_w.write_all(&head).await.is_ok() {
            let _ = tokio::io::copy(&mut up_r, &mut down_w).await;
        }
        let _ = down_w.shutdown().await;
    };
    tokio::join!(to_server, to_client);
}

/// Zero the sentinel in `bytes` when they start with a handshake record holding a TLS 1.2
/// ServerHello whose random ends with it.
fn blank_sentinel(bytes: &mut [u8]) {
    let server_hello_12 = bytes.len() >= HEAD
        && bytes[0] == 0x16
        && bytes[5] == 2
        && bytes[9..11] == [0x03, 0x03]
        && bytes[35..HEAD] == DOWNGRADE_SENTINEL;
    if server_hello_12 {
        bytes[35..HEAD].fill(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_tls12_server_hello_with_the_sentinel_is_changed() {
        let mut flight = vec![0x16, 0x03, 0x03, 0x00, 0x50, 2, 0, 0, 0x4c, 0x03, 0x03];
        flight.extend_from_slice(&[0x5a; 24]);
        flight.extend_from_slice(&DOWNGRADE_SENTINEL);
        flight.push(0);
        let mut blanked = flight.clone();
        blank_sentinel(&mut blanked);
        assert_eq!(&blanked[35..43], &[0; 8]);
        assert_eq!(blanked[..35], flight[..35]);
        // A TLS 1.3 ServerHello (legacy_version 0x0303 too, but no sentinel) is left alone.
        let mut other = flight.clone();
        other[35..43].copy_from_slice(&[1; 8]);
        let before = other.clone();
        blank_sentinel(&mut other);
        assert_eq!(other, before);
    }
}
