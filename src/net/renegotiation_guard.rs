//! RFC 9325 §3.5 for a TLS client built on rustls: "If the server does not acknowledge the
//! extension, the client MUST generate a fatal handshake_failure alert prior to terminating
//! the connection." rustls never renegotiates and so does not look for the acknowledgement;
//! the reference invoker's TCP stream is wrapped in this guard, which reads the server's
//! ServerHello as it passes, and for a TLS 1.2 ServerHello without renegotiation_info sends
//! the fatal handshake_failure alert and fails the read (rustls then ends the connection).
//! Used only by the reference invoker: the harness itself, as an invoker testing a core,
//! leaves that finding to CCF-TLS-11 (one defect, one failure). The same stream carries the
//! reference invoker's `ignore-downgrade-sentinel` fault (self-test only), in the stream itself
//! so no relay's timing can change a verdict.

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// A fatal handshake_failure alert record (TLS 1.2 record version).
pub const HANDSHAKE_FAILURE_ALERT: [u8; 7] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28];

/// The most of the server's first bytes looked at (a ServerHello is far smaller).
const LOOK_CAP: usize = 16 * 1024;

/// A TCP stream that checks the ServerHello's renegotiation_info (`active`), or a plain one.
pub struct GuardedTcp {
    inner: TcpStream,
    /// Still looking at the server's first bytes.
    looking: bool,
    seen: Vec<u8>,
    /// Refusing: how much of the alert was written (the read fails once it all was).
    refusing: Option<usize>,
    /// The `ignore-downgrade-sentinel` fault of the reference invoker (SELF-TEST ONLY): the
    /// first bytes are held until ServerHello.random is whole, and a TLS 1.2 ServerHello's
    /// downgrade sentinel is blanked before rustls (which always checks) sees it. `None`: off,
    /// or done; `Some(held)`: still holding.
    blank_sentinel: Option<Vec<u8>>,
    /// Held bytes already judged, still to hand to the reader.
    pending: Vec<u8>,
}

/// Bytes of the server's first flight up to the end of ServerHello.random.
const HEAD: usize = 43;

impl GuardedTcp {
    /// Wrap `inner`; `active`: check the ServerHello.
    pub fn new(inner: TcpStream, active: bool) -> Self {
        Self {
            inner,
            looking: active,
            seen: Vec::new(),
            refusing: None,
            blank_sentinel: None,
            pending: Vec::new(),
        }
    }

    /// SELF-TEST ONLY: blank the downgrade sentinel of a TLS 1.2 ServerHello (a client that
    /// never checks it).
    pub fn blanking_sentinel(mut self) -> Self {
        self.blank_sentinel = Some(Vec::new());
        self
    }

    /// Read from the socket into `buf`, through the sentinel-blanking hold when it is on.
    fn poll_inner(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if let Some(held) = self.blank_sentinel.as_mut() {
            let mut chunk = [0u8; 4096];
            while held.len() < HEAD {
                let mut rb = ReadBuf::new(&mut chunk);
                std::task::ready!(Pin::new(&mut self.inner).poll_read(cx, &mut rb))?;
                if rb.filled().is_empty() {
                    break;
                }
                held.extend_from_slice(rb.filled());
            }
            let mut held = self.blank_sentinel.take().unwrap_or_default();
            blank_sentinel(&mut held);
            self.pending = held;
        }
        if !self.pending.is_empty() {
            let n = self.pending.len().min(buf.remaining());
            buf.put_slice(&self.pending[..n]);
            self.pending.drain(..n);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

/// Zero the sentinel in `bytes` when they start with a handshake record holding a TLS 1.2
/// ServerHello whose random ends with it.
fn blank_sentinel(bytes: &mut [u8]) {
    let server_hello_12 = bytes.len() >= HEAD
        && bytes[0] == 0x16
        && bytes[5] == 2
        && bytes[9..11] == [0x03, 0x03]
        && bytes[35..HEAD] == super::client_hello::DOWNGRADE_SENTINEL;
    if server_hello_12 {
        bytes[35..HEAD].fill(0);
    }
}

/// What the server's first bytes say.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Not enough bytes yet.
    NeedMore,
    /// A TLS 1.2 ServerHello without renegotiation_info.
    Unacknowledged,
    /// Anything else (acknowledged, TLS 1.3, an alert, not a ServerHello): stop looking.
    Fine,
}

/// Judge the server's first bytes.
pub fn judge(seen: &[u8]) -> Verdict {
    if seen.len() < 5 {
        return Verdict::NeedMore;
    }
    if seen[0] != 0x16 {
        return Verdict::Fine;
    }
    let len = u16::from_be_bytes([seen[3], seen[4]]) as usize;
    if seen.len() < 5 + len.min(LOOK_CAP) {
        return Verdict::NeedMore;
    }
    let record = &seen[5..(5 + len).min(seen.len())];
    if record.first() != Some(&2) || record.len() < 4 {
        return Verdict::Fine;
    }
    let body_len = u32::from_be_bytes([0, record[1], record[2], record[3]]) as usize;
    if record.len() < 4 + body_len {
        // A ServerHello split over records: too rare to chase; not judged.
        return Verdict::Fine;
    }
    let extensions = super::client_hello::server_hello_extensions(seen);
    // TLS 1.3 (and its HelloRetryRequest) says so in supported_versions; renegotiation_info
    // is a TLS 1.2 matter.
    if extensions.contains(&0x002b) || extensions.contains(&0xff01) {
        return Verdict::Fine;
    }
    Verdict::Unacknowledged
}

impl AsyncRead for GuardedTcp {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.refusing.is_none() {
            let before = buf.filled().len();
            std::task::ready!(self.poll_inner(cx, buf))?;
            if !self.looking {
                return Poll::Ready(Ok(()));
            }
            let new = buf.filled()[before..].to_vec();
            self.seen.extend_from_slice(&new);
            match judge(&self.seen) {
                Verdict::NeedMore if self.seen.len() < LOOK_CAP && !new.is_empty() => {
                    return Poll::Ready(Ok(()))
                }
                Verdict::Unacknowledged => {
                    // rustls never sees this ServerHello; the alert goes out first.
                    buf.set_filled(before);
                    self.looking = false;
                    self.refusing = Some(0);
                }
                _ => {
                    self.looking = false;
                    self.seen = Vec::new();
                    return Poll::Ready(Ok(()));
                }
            }
        }
        // Write the whole alert (a real write, woken by the socket), then fail the read.
        while let Some(done) = self.refusing.filter(|d| *d < HANDSHAKE_FAILURE_ALERT.len()) {
            let n = std::task::ready!(
                Pin::new(&mut self.inner).poll_write(cx, &HANDSHAKE_FAILURE_ALERT[done..])
            )?;
            if n == 0 {
                break;
            }
            self.refusing = Some(done + n);
        }
        // Then half-close: the peer reads the alert and a FIN, whatever becomes of the socket
        // after (a close with unread bytes would be an RST, which can discard the alert).
        let _ = std::task::ready!(Pin::new(&mut self.inner).poll_shutdown(cx));
        Poll::Ready(Err(std::io::Error::other(
            "the TLS 1.2 ServerHello does not acknowledge renegotiation_info (RFC 9325 §3.5): sent a fatal handshake_failure alert",
        )))
    }
}

impl AsyncWrite for GuardedTcp {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ServerHello record with `extensions` (type, empty data), legacy_version TLS 1.2.
    fn server_hello(extensions: &[u16]) -> Vec<u8> {
        let mut exts = Vec::new();
        for e in extensions {
            exts.extend_from_slice(&e.to_be_bytes());
            if *e == 0xff01 {
                exts.extend_from_slice(&[0, 1, 0]);
            } else if *e == 0x002b {
                exts.extend_from_slice(&[0, 2, 3, 4]);
            } else {
                exts.extend_from_slice(&[0, 0]);
            }
        }
        let mut body = vec![0x03, 0x03];
        body.extend_from_slice(&[9; 32]);
        body.push(0);
        body.extend_from_slice(&[0xc0, 0x2b, 0]);
        body.extend_from_slice(&(exts.len() as u16).to_be_bytes());
        body.extend_from_slice(&exts);
        let mut hs = vec![2, 0];
        hs.extend_from_slice(&(body.len() as u16).to_be_bytes());
        hs.extend_from_slice(&body);
        let mut rec = vec![0x16, 0x03, 0x03];
        rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
        rec.extend_from_slice(&hs);
        rec
    }

    #[test]
    fn only_a_tls12_server_hello_without_the_acknowledgement_is_refused() {
        assert_eq!(judge(&server_hello(&[0x0017])), Verdict::Unacknowledged);
        assert_eq!(judge(&server_hello(&[0xff01, 0x0017])), Verdict::Fine);
        assert_eq!(judge(&server_hello(&[0x002b])), Verdict::Fine, "TLS 1.3");
        let whole = server_hello(&[0x0017]);
        assert_eq!(judge(&whole[..20]), Verdict::NeedMore);
        assert_eq!(judge(&[0x15, 3, 3, 0, 2, 2, 40]), Verdict::Fine, "an alert");
    }

    #[test]
    fn only_a_tls12_server_hello_with_the_sentinel_is_blanked() {
        let mut flight = vec![0x16, 0x03, 0x03, 0x00, 0x50, 2, 0, 0, 0x4c, 0x03, 0x03];
        flight.extend_from_slice(&[0x5a; 24]);
        flight.extend_from_slice(&crate::net::client_hello::DOWNGRADE_SENTINEL);
        flight.push(0);
        let mut blanked = flight.clone();
        blank_sentinel(&mut blanked);
        assert_eq!(&blanked[35..43], &[0; 8]);
        assert_eq!(blanked[..35], flight[..35]);
        let mut other = flight.clone();
        other[35..43].copy_from_slice(&[1; 8]);
        let kept = other.clone();
        blank_sentinel(&mut other);
        assert_eq!(other, kept);
    }
}
