//! A connection-level HTTPS/1.1 client: one TLS session per call, the caller owns the socket.
//!
//! Why not hyper's client here: a conformance harness must see exactly which bytes were sent
//! and received, cap what a hostile peer can make it buffer, and observe how the *peer* ends
//! the session after the response (close_notify, bare FIN, reset, nothing) without the client
//! library closing first or swallowing the distinction. httparse (hyper's own parser) does the
//! parsing; framing is the small part of RFC 9112 a single exchange needs.

use std::sync::Arc;
use std::time::Instant;

use rustls::ClientConfig;
use rustls_pki_types::{CertificateDer, ServerName};
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use super::phase::{within, Phase, PhaseError, Timeouts};
use super::session_end::{classify_io_error, SessionEnd};

/// Largest response head read (status line + headers).
pub const MAX_HEAD: usize = 64 * 1024;
/// Largest response body read; a peer announcing more is a protocol error, not an allocation.
pub const MAX_BODY: usize = 1024 * 1024;

/// What the TLS handshake negotiated, for evidence.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TlsSummary {
    /// The negotiated version.
    pub version: super::TlsVersion,
    /// The cipher suite.
    pub cipher: String,
    /// The ALPN protocol, if any.
    pub alpn: Option<String>,
    /// The chain the peer presented, leaf first (DER).
    #[serde(skip)]
    pub peer_chain: Vec<CertificateDer<'static>>,
    /// Time from TCP connected to handshake complete, ms.
    pub handshake_ms: u64,
}

/// An HTTP/1.1 request to send.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// Method.
    pub method: String,
    /// Request target (path and query).
    pub target: String,
    /// Headers besides Host and Content-Length, which are added.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

/// One way of framing the same HTTP/1.1 request differently: what RFC 9112 §7.1 (chunked) and
/// RFC 9110 §5.1 and §5.3 (names case-insensitive, order of different names not significant)
/// make the same request (`fuzz`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Framing {
    /// The body in chunks of this many bytes (Transfer-Encoding: chunked, no Content-Length).
    Chunked(usize),
    /// Every header name in lower case.
    LowerCaseNames,
    /// Every header name in upper case.
    UpperCaseNames,
    /// The headers (after Host) in reverse order.
    ReversedHeaders,
}

impl Framing {
    /// Apply it to `request`.
    pub fn apply(self, request: &mut HttpRequest) {
        match self {
            Framing::Chunked(size) => {
                let size = size.max(1);
                let mut body = Vec::with_capacity(request.body.len() + 16);
                for chunk in request.body.chunks(size) {
                    body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                    body.extend_from_slice(chunk);
                    body.extend_from_slice(b"\r\n");
                }
                body.extend_from_slice(b"0\r\n\r\n");
                request.body = body;
                request
                    .headers
                    .push(("Transfer-Encoding".into(), "chunked".into()));
            }
            Framing::LowerCaseNames => {
                for (k, _) in &mut request.headers {
                    *k = k.to_ascii_lowercase();
                }
            }
            Framing::UpperCaseNames => {
                for (k, _) in &mut request.headers {
                    *k = k.to_ascii_uppercase();
                }
            }
            Framing::ReversedHeaders => request.headers.reverse(),
        }
    }
}

impl HttpRequest {
    /// A request with no headers and no body.
    pub fn new(method: &str, target: &str) -> Self {
        Self {
            method: method.into(),
            target: target.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Add a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Set a JSON body with `Content-Type: application/json`.
    pub fn json(self, body: &serde_json::Value) -> Self {
        let mut r = self.header("Content-Type", "application/json");
        r.body = serde_json::to_vec(body).expect("a Value serializes");
        r
    }

    /// The bytes on the wire for `authority` (the Host header).
    pub fn to_bytes(&self, authority: &str) -> Vec<u8> {
        let mut out = format!(
            "{} {} HTTP/1.1\r\nHost: {authority}\r\n",
            self.method, self.target
        );
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        // With Transfer-Encoding the body is already framed (RFC 9112 §6.2: no Content-Length).
        let framed = self
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("transfer-encoding"));
        if !framed
            && (!self.body.is_empty() || matches!(self.method.as_str(), "POST" | "PUT" | "PATCH"))
        {
            out.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// A response as received. Its `Debug` gives the body's size, not its bytes: a body is what
/// the system under test chose to send.
#[derive(Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked).
    #[serde(skip)]
    pub body: bytes::Bytes,
}

impl std::fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers.len())
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

impl HttpResponse {
    /// First value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The media type without parameters, lower-cased.
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }

    /// Whether the response carries the `close` connection option (RFC 9112 §9.6).
    pub fn announces_close(&self) -> bool {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("connection"))
            .flat_map(|(_, v)| v.split(','))
            .any(|o| o.trim().eq_ignore_ascii_case("close"))
    }

    /// The body as JSON, if it is.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// One TLS session to a server.
pub struct HttpsSession {
    stream: TlsStream<super::renegotiation_guard::GuardedTcp>,
    authority: String,
    timeouts: Timeouts,
    /// What the handshake negotiated.
    pub tls: TlsSummary,
    /// How the session ended, when reading the response already saw it.
    ended: Option<SessionEnd>,
    leftover: Vec<u8>,
}

impl HttpsSession {
    /// Connect to `host:port`, then handshake verifying the server as `server_name`.
    pub async fn connect(
        host: &str,
        port: u16,
        server_name: ServerName<'static>,
        config: Arc<ClientConfig>,
        timeouts: &Timeouts,
    ) -> Result<Self, PhaseError> {
        Self::connect_checking(host, port, server_name, config, timeouts, false, false).await
    }

    /// [`HttpsSession::connect`]; `renegotiation_check`: abort with handshake_failure on a
    /// TLS 1.2 ServerHello that does not acknowledge renegotiation_info (RFC 9325 §3.5, what
    /// rustls does not do: the reference invoker's conformance, see `renegotiation_guard`);
    /// `blank_sentinel`: SELF-TEST ONLY, the `ignore-downgrade-sentinel` fault.
    pub async fn connect_checking(
        host: &str,
        port: u16,
        server_name: ServerName<'static>,
        config: Arc<ClientConfig>,
        timeouts: &Timeouts,
        renegotiation_check: bool,
        blank_sentinel: bool,
    ) -> Result<Self, PhaseError> {
        let tcp = within(
            Phase::Connect,
            timeouts.connect,
            TcpStream::connect((host, port)),
        )
        .await?;
        let _ = tcp.set_nodelay(true);
        let mut tcp = super::renegotiation_guard::GuardedTcp::new(tcp, renegotiation_check);
        if blank_sentinel {
            tcp = tcp.blanking_sentinel();
        }
        let started = Instant::now();
        let stream = within(
            Phase::Handshake,
            timeouts.handshake,
            TlsConnector::from(config).connect(server_name, tcp),
        )
        .await?;
        let (_, conn) = stream.get_ref();
        let (version, cipher) = super::negotiated(conn);
        let tls = TlsSummary {
            version,
            cipher,
            alpn: conn
                .alpn_protocol()
                .map(|p| String::from_utf8_lossy(p).into_owned()),
            peer_chain: conn
                .peer_certificates()
                .map(|c| c.iter().map(|c| c.clone().into_owned()).collect())
                .unwrap_or_default(),
            handshake_ms: started.elapsed().as_millis() as u64,
        };
        let authority = if port == 443 {
            host.to_string()
        } else if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        Ok(Self {
            stream,
            authority,
            timeouts: *timeouts,
            tls,
            ended: None,
            leftover: Vec::new(),
        })
    }

    /// Send `req` and read the whole response (head and body, within the size caps).
    pub async fn exchange(&mut self, req: &HttpRequest) -> Result<HttpResponse, PhaseError> {
        let bytes = req.to_bytes(&self.authority);
        within(Phase::Request, self.timeouts.response, async {
            self.stream.write_all(&bytes).await?;
            self.stream.flush().await
        })
        .await?;
        let limit = self.timeouts.response;
        let head_only = req.method.eq_ignore_ascii_case("HEAD");
        match tokio::time::timeout(limit, self.read_response(head_only)).await {
            Ok(r) => r,
            Err(_) => Err(PhaseError::Timeout {
                phase: Phase::Response,
                limit,
            }),
        }
    }

    /// After a complete response: wait (teardown timeout) for the server to end the session.
    pub async fn await_peer_close(&mut self) -> SessionEnd {
        if let Some(end) = &self.ended {
            return end.clone();
        }
        if !self.leftover.is_empty() {
            return SessionEnd::MoreData {
                bytes: self.leftover.len(),
            };
        }
        let end = SessionEnd::observe(&mut self.stream, self.timeouts.teardown).await;
        self.ended = Some(end.clone());
        end
    }

    /// After a complete response: did the server tear the session down? Decided by behaviour,
    /// never by racing a timer against the server's keep-alive idle limit:
    /// - the server announced `Connection: close`: it MUST close (RFC 9112 §9.6) and a client
    ///   MUST NOT send more, so wait (response timeout) for the close;
    /// - otherwise send `probe`, a harmless second request, at once: either the server serves
    ///   it (the session stayed usable: [`SessionEnd::ServedAnotherRequest`]) or it has ended
    ///   the session (how it ended is what was read: close_notify, FIN, reset).
    ///
    /// A close the server had already sent is read before any reset the probe provokes (the
    /// kernel delivers queued bytes before the error), so close_notify is still seen.
    pub async fn observe_teardown(
        &mut self,
        announced_close: bool,
        probe: &HttpRequest,
    ) -> SessionEnd {
        if let Some(end) = &self.ended {
            return end.clone();
        }
        if !self.leftover.is_empty() {
            return SessionEnd::MoreData {
                bytes: self.leftover.len(),
            };
        }
        let end = if announced_close {
            SessionEnd::observe(&mut self.stream, self.timeouts.response).await
        } else {
            match self.exchange(probe).await {
                Ok(resp) => SessionEnd::ServedAnotherRequest {
                    status: resp.status,
                },
                Err(e) => match (&self.ended, e) {
                    (Some(end), _) => end.clone(),
                    (None, PhaseError::Io { source, .. }) => classify_io_error(&source),
                    (None, PhaseError::Timeout { .. }) => SessionEnd::StillOpen,
                    (None, other) => SessionEnd::Other {
                        error: other.to_string(),
                    },
                },
            }
        };
        self.ended = Some(end.clone());
        end
    }

    /// Send close_notify and close our side (bounded by the teardown timeout).
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(self.timeouts.teardown, self.stream.shutdown()).await;
    }

    /// Close the TCP connection without a TLS close_notify (only for a deliberate fault).
    pub async fn close_without_notify(self) {
        let (mut tcp, _) = self.stream.into_inner();
        let _ = tokio::time::timeout(self.timeouts.teardown, tcp.shutdown()).await;
    }

    /// Send close_notify, then see (teardown timeout) whether the peer closes too or sends
    /// more: after our close, a conformant peer serves nothing more on the session.
    pub async fn close_and_observe(mut self) -> SessionEnd {
        let _ = tokio::time::timeout(self.timeouts.teardown, self.stream.shutdown()).await;
        SessionEnd::observe(&mut self.stream, self.timeouts.teardown).await
    }

    async fn fill(&mut self, buf: &mut Vec<u8>) -> Result<usize, PhaseError> {
        let mut chunk = [0u8; 8192];
        match self.stream.read(&mut chunk).await {
            Ok(0) => {
                self.ended = Some(SessionEnd::CloseNotify);
                Ok(0)
            }
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                Ok(n)
            }
            Err(e) => {
                self.ended = Some(classify_io_error(&e));
                Err(PhaseError::Io {
                    phase: Phase::Response,
                    source: e,
                })
            }
        }
    }

    /// Read one response: head (capped), then the body as its framing says (Content-Length,
    /// chunked, or until close), within the response timeout. Long by design: RFC 9112 §6.3's
    /// framing rules in their order, each cap enforced where the bytes arrive.
    async fn read_response(&mut self, head_only: bool) -> Result<HttpResponse, PhaseError> {
        let protocol = |reason: String| PhaseError::Protocol {
            phase: Phase::Response,
            reason,
        };
        let mut buf = std::mem::take(&mut self.leftover);
        loop {
            // Parse the head; skip interim 1xx responses.
            let (status, headers, head_len) = loop {
                let mut hdrs = [httparse::EMPTY_HEADER; 64];
                let mut resp = httparse::Response::new(&mut hdrs);
                match resp.parse(&buf) {
                    Ok(httparse::Status::Complete(n)) => {
                        let headers = resp
                            .headers
                            .iter()
                            .map(|h| {
                                (
                                    h.name.to_string(),
                                    String::from_utf8_lossy(h.value).into_owned(),
                                )
                            })
                            .collect::<Vec<_>>();
                        break (resp.code.unwrap_or(0), headers, n);
                    }
                    Ok(httparse::Status::Partial) => {
                        if buf.len() > MAX_HEAD {
                            return Err(protocol(format!(
                                "response head larger than {MAX_HEAD} bytes"
                            )));
                        }
                        if self.fill(&mut buf).await? == 0 {
                            return Err(protocol(if buf.is_empty() {
                                "the server closed the session without a response".into()
                            } else {
                                "the server closed the session in the middle of the response head"
                                    .into()
                            }));
                        }
                    }
                    Err(e) => {
                        return Err(protocol(format!("not an HTTP/1.1 response: {e}")));
                    }
                }
            };
            buf.drain(..head_len);
            if (100..200).contains(&status) {
                continue;
            }
            let response = |body: Vec<u8>| HttpResponse {
                status,
                headers: headers.clone(),
                body: body.into(),
            };
            if head_only || status == 204 || status == 304 {
                self.leftover = buf;
                return Ok(response(Vec::new()));
            }
            // Framing decided as RFC 9112 §6.3 says: an invalid one discards the response.
            match super::framing::body_framing(&headers).map_err(protocol)? {
                super::framing::BodyFraming::Chunked => {
                    let body = self.read_chunked(&mut buf).await?;
                    self.leftover = buf;
                    return Ok(response(body));
                }
                super::framing::BodyFraming::Length(len) => {
                    let len = match usize::try_from(len) {
                        Ok(l) if l <= MAX_BODY => l,
                        _ => {
                            return Err(protocol(format!(
                                "Content-Length {len} exceeds the {MAX_BODY}-byte cap"
                            )))
                        }
                    };
                    // The declared length, allocated once: growing by doubling would hold up to
                    // twice the cap per response (issue 28: memory proportionate to the caps).
                    buf.reserve_exact(len.saturating_sub(buf.len()));
                    while buf.len() < len {
                        if self.fill(&mut buf).await? == 0 {
                            return Err(protocol(format!(
                                "the server closed the session after {} of {len} body bytes",
                                buf.len()
                            )));
                        }
                    }
                    let rest = buf.split_off(len);
                    self.leftover = rest;
                    return Ok(response(buf));
                }
                super::framing::BodyFraming::Unspecified => {}
            }
            // Close-delimited body.
            loop {
                if buf.len() > MAX_BODY {
                    return Err(protocol(format!("body exceeds the {MAX_BODY}-byte cap")));
                }
                match self.fill(&mut buf).await {
                    Ok(0) => return Ok(response(buf)),
                    Ok(_) => {}
                    // A close-delimited body ended by a bare FIN still delivered its bytes.
                    Err(_) if self.ended == Some(SessionEnd::TcpCloseWithoutCloseNotify) => {
                        return Ok(response(buf))
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }

    async fn read_chunked(&mut self, buf: &mut Vec<u8>) -> Result<Vec<u8>, PhaseError> {
        let protocol = |reason: String| PhaseError::Protocol {
            phase: Phase::Response,
            reason,
        };
        let mut body = Vec::new();
        loop {
            let (start, size) = loop {
                match httparse::parse_chunk_size(buf) {
                    Ok(httparse::Status::Complete((i, n))) => break (i, n),
                    Ok(httparse::Status::Partial) => {
                        if buf.len() > MAX_HEAD || self.fill(buf).await? == 0 {
                            return Err(protocol("truncated chunk header".into()));
                        }
                    }
                    Err(_) => return Err(protocol("invalid chunk size".into())),
                }
            };
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            if size > MAX_BODY || body.len() + size > MAX_BODY {
                return Err(protocol(format!(
                    "chunked body exceeds the {MAX_BODY}-byte cap"
                )));
            }
            // chunk data + CRLF (the last chunk is followed by trailers + CRLF; take "\r\n").
            while buf.len() < start + size + 2 {
                if self.fill(buf).await? == 0 {
                    return Err(protocol(
                        "the server closed the session inside a chunk".into(),
                    ));
                }
            }
            body.extend_from_slice(&buf[start..start + size]);
            buf.drain(..start + size + 2);
            if size == 0 {
                return Ok(body);
            }
        }
    }
}

/// The host of `url` as a connection and a server name want it (an IPv6 literal without its
/// brackets).
pub fn url_host(url: &url::Url) -> String {
    url.host_str()
        .unwrap_or_default()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string()
}

/// POST `body` as JSON to the https:// URL `destination` with `config` and return the status:
/// the one way the harness's peers deliver a notification.
pub async fn post_json(
    destination: &str,
    body: &serde_json::Value,
    config: Arc<ClientConfig>,
    timeouts: &Timeouts,
) -> Result<u16, String> {
    let url = url::Url::parse(destination).map_err(|e| format!("{destination:?}: {e}"))?;
    if url.scheme() != "https" {
        return Err(format!("{destination} is not an https:// URI"));
    }
    let host = url_host(&url);
    let name = ServerName::try_from(host.clone()).map_err(|e| e.to_string())?;
    let port = url.port_or_known_default().unwrap_or(443);
    let mut session = HttpsSession::connect(&host, port, name, config, timeouts)
        .await
        .map_err(|e| e.to_string())?;
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let answer = session
        .exchange(&HttpRequest::new("POST", &target).json(body))
        .await;
    session.close().await;
    answer.map(|r| r.status).map_err(|e| e.to_string())
}

/// One request over plain TCP, for a register reached over `http://` only when the vendor
/// opted in to a login in clear: status and body of the answer (the server closes after it;
/// at most 1 MiB is read), everything within `timeout`.
pub async fn plain_http_exchange(
    host: &str,
    port: u16,
    request: &HttpRequest,
    timeout: std::time::Duration,
) -> Result<(u16, Vec<u8>), String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let exchange = async {
        let mut tcp = tokio::net::TcpStream::connect((host, port)).await?;
        tcp.write_all(&request.to_bytes(&format!("{host}:{port}")))
            .await?;
        let mut raw = Vec::new();
        (&mut tcp).take(1 << 20).read_to_end(&mut raw).await?;
        Ok::<_, std::io::Error>(raw)
    };
    let raw = tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| "timed out".to_string())?
        .map_err(|e| e.to_string())?;
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(&raw) {
        Ok(httparse::Status::Complete(head)) => {
            Ok((response.code.unwrap_or(0), raw[head..].to_vec()))
        }
        _ => Err("the answer is not HTTP".into()),
    }
}

#[cfg(test)]
mod tests;
