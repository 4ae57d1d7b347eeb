//! One connection to the played core: record, handshake, answer, observe the teardown.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use serde::Serialize;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;

use super::{answer, Shared};
use crate::net::client_hello::{parse_client_hello, ClientHelloInfo};
use crate::net::{
    classify_io_error, negotiated, server_config, ClientAuth, SessionEnd, TLS_VERSIONS,
};

/// Cap on what one session may make the harness buffer.
const MAX_BUFFER: usize = 256 * 1024;
/// Requests served on one session at most.
const MAX_REQUESTS: usize = 8;

/// How the TLS handshake went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Handshake {
    /// Completed.
    Completed {
        /// Negotiated version.
        version: crate::net::TlsVersion,
        /// Negotiated cipher suite.
        cipher: String,
    },
    /// Failed; the error as rustls reports it (an alert the invoker sent shows as
    /// "received fatal alert: …").
    Failed {
        /// The error.
        error: String,
    },
    /// The listener spoke cleartext; no handshake was attempted.
    Cleartext,
    /// The played core answered a ClientHello offering TLS 1.3 with a hand-built TLS 1.2
    /// flight (INV-TLS-16), with the downgrade sentinel or without it, and the invoker did
    /// `reply` (Err: no flight was sent, and why).
    Downgrade {
        /// Whether ServerHello.random ended with the sentinel.
        sentinel: bool,
        /// What the invoker did next.
        reply: Result<super::legacy::LegacyReply, String>,
    },
    /// The played core answered a ClientHello offering TLS 1.2 with the hand-built TLS 1.2
    /// flight (INV-TLS-24) whose ServerHello acknowledged renegotiation_info or not, and the
    /// invoker did `reply` (Err: no flight was sent, and why).
    Renegotiation {
        /// Whether the ServerHello carried renegotiation_info.
        acknowledged: bool,
        /// What the invoker did next.
        reply: Result<super::legacy::LegacyReply, String>,
    },
    /// The played core answered with a hand-built legacy ServerHello (INV-TLS-08) and the
    /// invoker did `reply`.
    Legacy {
        /// The version the ServerHello named (0x0301 TLS 1.0, 0x0302 TLS 1.1).
        version: u16,
        /// What the invoker did next.
        reply: super::legacy::LegacyReply,
    },
}

/// An HTTP request the invoker sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservedRequest {
    /// Method.
    pub method: String,
    /// Request target.
    pub target: String,
    /// Headers as sent.
    pub headers: Vec<(String, String)>,
    /// Body.
    #[serde(skip)]
    pub body: Vec<u8>,
    /// The status the played core answered it with (None: not answered).
    pub answered: Option<u16>,
}

impl ObservedRequest {
    /// First value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Everything observed on one connection.
#[derive(Debug, Clone, Serialize)]
pub struct SessionObservation {
    /// When the connection was accepted, ms since the played core started.
    pub accepted_ms: u64,
    /// The ClientHello, if one arrived.
    pub client_hello: Option<ClientHelloInfo>,
    /// The handshake.
    pub handshake: Handshake,
    /// Requests received, in order.
    pub requests: Vec<ObservedRequest>,
    /// Bytes received in clear (cleartext script only).
    #[serde(skip)]
    pub cleartext_received: Vec<u8>,
    /// Application data bytes received after the handshake (any of them on a session the
    /// invoker should have refused is a finding, even if they never made a request).
    pub app_bytes: usize,
    /// How the invoker ended a completed session on which it sent no request (an invoker
    /// that verifies the certificate after the handshake closes here).
    pub closed_before_request: Option<SessionEnd>,
    /// How the invoker ended the session after the last response (None: no response sent).
    pub end: Option<SessionEnd>,
    /// Time from the last response to that end, ms.
    pub end_after_ms: Option<u64>,
    /// The client certificate the invoker presented (leaf, DER), when the played core asked
    /// for one (offboarding scenarios).
    #[serde(skip)]
    pub client_certificate: Option<Vec<u8>>,
}

/// Records the first bytes read from a stream (the ClientHello) while passing them on.
pub(super) struct Recording<S> {
    pub(super) inner: S,
    pub(super) seen: Arc<Mutex<Vec<u8>>>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Recording<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = r {
            let mut seen = self.seen.lock().expect("lock");
            if seen.len() < 16 * 1024 {
                seen.extend_from_slice(&buf.filled()[before..]);
            }
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Recording<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Serve one connection and return what was observed.
///
/// Long by design: one connection in its order (record the ClientHello, handshake, read and
/// answer each request, observe the end), each outcome recorded where it happens.
pub async fn serve(tcp: TcpStream, shared: Arc<Shared>) -> SessionObservation {
    let mut obs = SessionObservation {
        accepted_ms: shared.started.elapsed().as_millis() as u64,
        client_hello: None,
        handshake: Handshake::Cleartext,
        requests: Vec::new(),
        cleartext_received: Vec::new(),
        app_bytes: 0,
        closed_before_request: None,
        end: None,
        end_after_ms: None,
        client_certificate: None,
    };
    if shared.script.presents == super::Presents::Silent {
        silent_handshake(tcp, &shared, &mut obs).await;
        return obs;
    }
    if let (Some(sentinel), Some(identity)) = (shared.script.downgrade, shared.identity.as_ref()) {
        let mut tcp = tcp;
        let deadline = tokio::time::Instant::now() + shared.timeouts.handshake;
        let (hello, reply) = super::downgrade::probe(&mut tcp, identity, sentinel, deadline).await;
        obs.client_hello = hello;
        obs.handshake = Handshake::Downgrade { sentinel, reply };
        return obs;
    }
    if let (Some(acknowledged), Some(identity)) =
        (shared.script.renegotiation_ack, shared.identity.as_ref())
    {
        let mut tcp = tcp;
        let deadline = tokio::time::Instant::now() + shared.timeouts.handshake;
        let (hello, reply) =
            super::downgrade::probe_renegotiation(&mut tcp, identity, acknowledged, deadline).await;
        obs.client_hello = hello;
        obs.handshake = Handshake::Renegotiation {
            acknowledged,
            reply,
        };
        return obs;
    }
    if let (Some(crate::net::TlsVersion::Other(version)), Some(identity)) =
        (shared.script.only_version, shared.identity.as_ref())
    {
        let mut tcp = tcp;
        let deadline = tokio::time::Instant::now() + shared.timeouts.handshake;
        let (hello, reply) = super::legacy::probe(&mut tcp, identity, version, deadline).await;
        obs.client_hello = hello;
        obs.handshake = match reply {
            Some(reply) => Handshake::Legacy { version, reply },
            None => Handshake::Failed {
                error: "no ClientHello arrived".into(),
            },
        };
        return obs;
    }
    let Some(identity) = shared.identity.clone() else {
        cleartext(tcp, &shared, &mut obs).await;
        return obs;
    };
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recording = Recording {
        inner: tcp,
        seen: seen.clone(),
    };
    // Only an offboarding scenario asks for a client certificate (optional: the onboarding
    // POST comes without one), so no other scenario's handshake changes.
    let client_auth = if shared.script.offboard.is_some() {
        ClientAuth::Optional(vec![shared.pki.ca.cert.clone()])
    } else {
        ClientAuth::None
    };
    let versions: &[&'static rustls::SupportedProtocolVersion] = match shared.script.only_version {
        Some(crate::net::TlsVersion::Tls12) => &[&rustls::version::TLS12],
        Some(crate::net::TlsVersion::Tls13) => &[&rustls::version::TLS13],
        _ => TLS_VERSIONS,
    };
    let cfg = match shared.script.restricted {
        Some(r) => crate::net::server_config_with(
            r.provider(),
            &identity,
            &client_auth,
            &[&rustls::version::TLS13],
        ),
        None => server_config(&identity, &client_auth, versions),
    };
    let cfg = match cfg {
        Ok(c) => c,
        Err(e) => {
            obs.handshake = Handshake::Failed {
                error: format!("harness: {e}"),
            };
            return obs;
        }
    };
    let accept = tokio_rustls::TlsAcceptor::from(cfg).accept(recording);
    let result = tokio::time::timeout(shared.timeouts.handshake, accept).await;
    obs.client_hello = parse_client_hello(&seen.lock().expect("lock"));
    let mut tls = match result {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            let error = crate::net::rustls_error(&e)
                .map(|t| t.to_string())
                .unwrap_or_else(|| e.to_string());
            obs.handshake = Handshake::Failed { error };
            return obs;
        }
        Err(_) => {
            obs.handshake = Handshake::Failed {
                error: "the handshake did not complete within the handshake timeout".into(),
            };
            return obs;
        }
    };
    let conn = tls.get_ref().1;
    obs.client_certificate = conn
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| c.to_vec());
    let (version, cipher) = negotiated(conn);
    obs.handshake = Handshake::Completed { version, cipher };
    let mut buf = Vec::new();
    let mut waiting = shared.timeouts.response;
    let mut responded_at: Option<Instant> = None;
    while obs.requests.len() < MAX_REQUESTS {
        match read_request(&mut tls, &mut buf, waiting, &mut obs.app_bytes).await {
            ReadOutcome::Request(req) => {
                obs.requests.push(req);
                if shared.script.answers == super::Answers::Never {
                    let (end, after) = wait_for_close(&mut tls, &shared, &mut obs.app_bytes).await;
                    obs.closed_before_request = Some(end);
                    obs.end_after_ms = Some(after);
                    return obs;
                }
                let req = obs.requests.last_mut().expect("pushed");
                let response = answer::respond(&shared, req, obs.client_certificate.as_deref());
                req.answered = answer::status_of(&response);
                if tls.write_all(&response).await.is_err() || tls.flush().await.is_err() {
                    obs.end = Some(SessionEnd::Reset);
                    return obs;
                }
                // The played core does NOT close: whether the invoker tears the session
                // down is what the teardown test purposes observe.
                responded_at = Some(Instant::now());
                // A 202's notification, once the 202 is on the wire.
                let pending = shared.pending.lock().expect("lock").take();
                if let Some(p) = pending {
                    answer::deliver(&shared, p).await;
                }
                waiting = shared.timeouts.teardown;
            }
            ReadOutcome::End(end) => {
                if responded_at.is_some() {
                    obs.end_after_ms = responded_at.map(|t| t.elapsed().as_millis() as u64);
                    obs.end = Some(end);
                } else {
                    obs.closed_before_request = Some(end);
                }
                return obs;
            }
        }
    }
    obs
}

enum ReadOutcome {
    Request(ObservedRequest),
    End(SessionEnd),
}

async fn read_request<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    limit: std::time::Duration,
    received: &mut usize,
) -> ReadOutcome {
    let deadline = tokio::time::Instant::now() + limit;
    let mut chunk = [0u8; 8192];
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        if let Ok(httparse::Status::Complete(head)) = req.parse(buf) {
            let headers: Vec<(String, String)> = req
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_string(),
                        String::from_utf8_lossy(h.value).into_owned(),
                    )
                })
                .collect();
            // Framing decided as RFC 9112 §6.3 says (the same rules as the harness's client):
            // a request whose framing is invalid ends the session with the reason.
            let framing = match crate::net::framing::body_framing(&headers) {
                Ok(f) => f,
                Err(e) => {
                    return ReadOutcome::End(SessionEnd::Other {
                        error: format!("the request's framing is invalid: {e}"),
                    })
                }
            };
            let len = match framing {
                crate::net::framing::BodyFraming::Length(n) => {
                    usize::try_from(n).unwrap_or(usize::MAX).min(MAX_BUFFER)
                }
                _ => 0,
            };
            // A chunked body (RFC 9112 §7.1) is as conformant as a Content-Length one.
            let framed = if framing == crate::net::framing::BodyFraming::Chunked {
                match decode_chunked(&buf[head..]) {
                    Chunked::Complete { body, used } => Some((body, head + used)),
                    Chunked::Partial => None,
                    Chunked::Invalid => {
                        return ReadOutcome::End(SessionEnd::Other {
                            error: "the request's chunked body is not valid chunked encoding"
                                .into(),
                        })
                    }
                }
            } else if buf.len() >= head + len {
                Some((buf[head..head + len].to_vec(), head + len))
            } else {
                None
            };
            if let Some((body, used)) = framed {
                let r = ObservedRequest {
                    method: req.method.unwrap_or_default().to_string(),
                    target: req.path.unwrap_or_default().to_string(),
                    headers,
                    body,
                    answered: None,
                };
                buf.drain(..used);
                return ReadOutcome::Request(r);
            }
        }
        if buf.len() > MAX_BUFFER {
            return ReadOutcome::End(SessionEnd::MoreData { bytes: buf.len() });
        }
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Err(_) if buf.is_empty() => return ReadOutcome::End(SessionEnd::StillOpen),
            Err(_) => return ReadOutcome::End(SessionEnd::MoreData { bytes: buf.len() }),
            Ok(Ok(0)) => return ReadOutcome::End(SessionEnd::CloseNotify),
            Ok(Ok(n)) => {
                *received += n;
                buf.extend_from_slice(&chunk[..n]);
            }
            Ok(Err(e)) => return ReadOutcome::End(classify_io_error(&e)),
        }
    }
}

/// A chunked body, decoded as far as it arrived.
#[derive(Debug, PartialEq, Eq)]
enum Chunked {
    /// The whole body (trailers skipped) and how many bytes of the input it used.
    Complete { body: Vec<u8>, used: usize },
    /// More bytes are needed.
    Partial,
    /// Not chunked encoding.
    Invalid,
}

/// Decode `Transfer-Encoding: chunked` (RFC 9112 §7.1): size lines, data, the last chunk and
/// any trailer fields up to the empty line.
fn decode_chunked(input: &[u8]) -> Chunked {
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        let (start, size) = match httparse::parse_chunk_size(&input[at..]) {
            Ok(httparse::Status::Complete((i, n))) => (at + i, n as usize),
            Ok(httparse::Status::Partial) => return Chunked::Partial,
            Err(_) => return Chunked::Invalid,
        };
        if size > MAX_BUFFER || body.len() + size > MAX_BUFFER {
            return Chunked::Invalid;
        }
        if size == 0 {
            // Trailer section: lines until an empty one.
            let mut line = start;
            loop {
                let Some(end) = input[line..].windows(2).position(|w| w == b"\r\n") else {
                    return Chunked::Partial;
                };
                if end == 0 {
                    return Chunked::Complete {
                        body,
                        used: line + 2,
                    };
                }
                line += end + 2;
            }
        }
        if input.len() < start + size + 2 {
            return Chunked::Partial;
        }
        if &input[start + size..start + size + 2] != b"\r\n" {
            return Chunked::Invalid;
        }
        body.extend_from_slice(&input[start..start + size]);
        at = start + size + 2;
    }
}

/// Never answer: read (and count) what arrives until the invoker ends the session, the played
/// core stops, or the silence bound (the adapter timeout of a silent scenario) passes.
/// Returns how the session ended and after how many ms of silence.
async fn wait_for_close<S: AsyncRead + Unpin>(
    stream: &mut S,
    shared: &Shared,
    received: &mut usize,
) -> (SessionEnd, u64) {
    let since = Instant::now();
    let deadline = tokio::time::Instant::now() + shared.timeouts.adapter;
    let mut stopped = shared.stopped.clone();
    let mut chunk = [0u8; 8192];
    let end = loop {
        tokio::select! {
            _ = stopped.changed() => break SessionEnd::StillOpen,
            _ = tokio::time::sleep_until(deadline) => break SessionEnd::StillOpen,
            read = stream.read(&mut chunk) => match read {
                Ok(0) => break SessionEnd::CloseNotify,
                Ok(n) => *received += n,
                Err(e) => break classify_io_error(&e),
            },
        }
    };
    (end, since.elapsed().as_millis() as u64)
}

/// The silent-core script: the ClientHello is read and recorded, no byte is sent.
async fn silent_handshake(mut tcp: TcpStream, shared: &Shared, obs: &mut SessionObservation) {
    let mut seen = Vec::new();
    let (end, after) = {
        let mut recording = Recording {
            inner: &mut tcp,
            seen: Arc::new(Mutex::new(Vec::new())),
        };
        let out = wait_for_close(&mut recording, shared, &mut 0).await;
        seen.extend_from_slice(&recording.seen.lock().expect("lock"));
        out
    };
    obs.client_hello = parse_client_hello(&seen);
    // Over TCP a clean end is a FIN: no TLS was ever spoken.
    let end = match end {
        SessionEnd::CloseNotify => SessionEnd::TcpCloseWithoutCloseNotify,
        other => other,
    };
    obs.handshake = Handshake::Failed {
        error: format!(
            "the played core never answered the ClientHello; {} after {after} ms",
            match &end {
                SessionEnd::StillOpen => "the connection was still open".to_string(),
                e => format!("the invoker ended the connection ({e:?})"),
            }
        ),
    };
    obs.closed_before_request = Some(end);
    obs.end_after_ms = Some(after);
}

async fn cleartext(mut tcp: TcpStream, shared: &Shared, obs: &mut SessionObservation) {
    let deadline = tokio::time::Instant::now() + shared.timeouts.handshake;
    let mut chunk = [0u8; 8192];
    loop {
        match tokio::time::timeout_at(deadline, tcp.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 && obs.cleartext_received.len() < MAX_BUFFER => {
                obs.cleartext_received.extend_from_slice(&chunk[..n]);
                // A ClientHello is one record; answer once something complete arrived.
                if obs.cleartext_received.len() >= 5 {
                    break;
                }
            }
            _ => break,
        }
    }
    obs.client_hello = parse_client_hello(&obs.cleartext_received);
    let _ = tcp
        .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 38\r\nConnection: close\r\n\r\nThis port speaks HTTP in clear, no TLS")
        .await;
    // Keep reading briefly: anything the invoker sends now went over the wire in clear.
    let deadline = tokio::time::Instant::now() + shared.timeouts.teardown;
    while let Ok(Ok(n)) = tokio::time::timeout_at(deadline, tcp.read(&mut chunk)).await {
        if n == 0 || obs.cleartext_received.len() >= MAX_BUFFER {
            break;
        }
        obs.cleartext_received.extend_from_slice(&chunk[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_decode() {
        let b = b"7\r\n{\"a\":1}\r\n0\r\n\r\nNEXT";
        assert_eq!(
            decode_chunked(b),
            Chunked::Complete {
                body: b"{\"a\":1}".to_vec(),
                used: b.len() - 4
            }
        );
        let t = b"3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: y\r\n\r\n";
        assert_eq!(
            decode_chunked(t),
            Chunked::Complete {
                body: b"abcde".to_vec(),
                used: t.len()
            }
        );
        for cut in 0..t.len() {
            assert_eq!(decode_chunked(&t[..cut]), Chunked::Partial, "cut at {cut}");
        }
        assert_eq!(decode_chunked(b"zz\r\n"), Chunked::Invalid);
        assert_eq!(decode_chunked(b"3\r\nabcXY"), Chunked::Invalid);
    }

    /// The played core reads an invoker's request with the client's framing rules: an invalid
    /// framing ends the session naming the header, a valid one yields the request.
    #[tokio::test]
    async fn a_request_with_invalid_framing_is_not_read_as_a_request() {
        let read = |raw: &'static [u8]| async move {
            let (mut client, mut server) = tokio::io::duplex(4096);
            tokio::io::AsyncWriteExt::write_all(&mut client, raw)
                .await
                .unwrap();
            let mut buf = Vec::new();
            read_request(
                &mut server,
                &mut buf,
                std::time::Duration::from_secs(1),
                &mut 0,
            )
            .await
        };
        let head = "POST /api-invoker-management/v1/onboardedInvokers HTTP/1.1\r\nHost: c\r\n";
        let ok = read(Box::leak(
            format!("{head}Content-Length: 2\r\n\r\n{{}}")
                .into_bytes()
                .into_boxed_slice(),
        ))
        .await;
        assert!(matches!(ok, ReadOutcome::Request(r) if r.body == b"{}"));
        for (framing, names) in [
            (
                "Content-Length: 2\r\nContent-Length: 3\r\n",
                "Content-Length values differ",
            ),
            ("Content-Length: +2\r\n", "1*DIGIT"),
            (
                "Transfer-Encoding: chunked\r\nContent-Length: 2\r\n",
                "both Transfer-Encoding",
            ),
            ("Transfer-Encoding: gzip\r\n", "not chunked"),
        ] {
            let raw = format!("{head}{framing}\r\n{{}}");
            match read(Box::leak(raw.into_bytes().into_boxed_slice())).await {
                ReadOutcome::End(SessionEnd::Other { error }) => {
                    assert!(error.contains(names), "{framing}: {error}")
                }
                _ => panic!("{framing}: read as a request"),
            }
        }
    }
}
