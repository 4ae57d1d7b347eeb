//! A plain TCP relay between an invoker under test and a core under test (a matrix's pair
//! cell). It terminates nothing: every byte is forwarded as it came, half-closes too. On the
//! way it reads what TLS shows in clear — the versions and suites the invoker offered, the
//! version and suite the core chose, alerts sent before encryption (and that an encrypted one
//! passed), and who closed first — the evidence a vendor needs when a pair fails.
//!
//! Both peers are systems under test: what they send is read within caps (the first
//! [`OBSERVED_BYTES`] of each direction, [`MAX_SESSIONS`] sessions, [`MAX_ALERTS`] alerts a
//! session) and forwarded without being kept; the relay lives no longer than the pair run.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::client_hello::{parse_client_hello, suite_name, version_name};

/// Bytes of each direction read for TLS records; the rest is only forwarded and counted.
pub const OBSERVED_BYTES: usize = 64 * 1024;
/// Sessions recorded; later ones are relayed and counted.
pub const MAX_SESSIONS: usize = 32;
/// Alerts recorded per session.
pub const MAX_ALERTS: usize = 8;

/// Which peer sent something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The API invoker (the client).
    Invoker,
    /// The CAPIF core (the server).
    Core,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Invoker => "the invoker",
            Side::Core => "the core",
        }
    }
}

/// How one direction ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// An orderly end of stream (FIN).
    Closed,
    /// A read error (a reset, mostly).
    Broken(String),
}

/// What a ClientHello offered, in clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// Versions offered (supported_versions, else legacy_version and below).
    pub versions: Vec<u16>,
    /// Cipher suites offered, in order.
    pub suites: Vec<u16>,
    /// The SNI host name.
    pub server_name: Option<String>,
}

/// What a ServerHello chose, in clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// The negotiated version (supported_versions, else legacy_version).
    pub version: u16,
    /// The cipher suite.
    pub suite: u16,
    /// A HelloRetryRequest rather than a ServerHello.
    pub hello_retry: bool,
}

/// One relayed TCP connection, as far as it was seen.
#[derive(Debug, Clone)]
pub struct RelayedSession {
    /// The first ClientHello.
    pub offer: Option<Offer>,
    /// The ServerHellos (a HelloRetryRequest, then the ServerHello).
    pub choices: Vec<Choice>,
    /// Alerts, in order: (who sent it, its name, or "an encrypted alert").
    pub alerts: Vec<(Side, String)>,
    /// Bytes forwarded: invoker → core, core → invoker.
    pub bytes: [u64; 2],
    /// How each direction ended and when: invoker → core, core → invoker.
    pub ended: [Option<(Duration, End)>; 2],
    /// The core could not be reached (the invoker's connection was closed).
    pub upstream_error: Option<String>,
}

impl RelayedSession {
    fn new() -> Self {
        Self {
            offer: None,
            choices: Vec::new(),
            alerts: Vec::new(),
            bytes: [0, 0],
            ended: [None, None],
            upstream_error: None,
        }
    }

    /// Who ended the connection first: the side whose direction ended first (None while
    /// both are open).
    pub fn first_to_close(&self) -> Option<(Side, &End)> {
        match &self.ended {
            [Some((a, e)), Some((b, _))] if a <= b => Some((Side::Invoker, e)),
            [_, Some((_, e))] => Some((Side::Core, e)),
            [Some((_, e)), None] => Some((Side::Invoker, e)),
            [None, None] => None,
        }
    }

    /// One line for the evidence.
    pub fn describe(&self) -> String {
        if let Some(e) = &self.upstream_error {
            return format!("the core could not be reached: {e}");
        }
        let mut parts = Vec::new();
        match &self.offer {
            Some(o) => parts.push(format!(
                "the invoker offered {} with {} suite(s){}",
                o.versions
                    .iter()
                    .map(|v| version_name(*v))
                    .collect::<Vec<_>>()
                    .join(", "),
                o.suites.len(),
                o.server_name
                    .as_ref()
                    .map(|n| format!(" for {n:?}"))
                    .unwrap_or_default()
            )),
            None => parts.push("no ClientHello was seen".into()),
        }
        for c in &self.choices {
            parts.push(format!(
                "the core {} {} with {}",
                if c.hello_retry {
                    "asked to retry (HelloRetryRequest)"
                } else {
                    "chose"
                },
                version_name(c.version),
                suite_name(c.suite)
            ));
        }
        if self.offer.is_some() && self.choices.is_empty() {
            parts.push("no ServerHello was seen".into());
        }
        for (side, alert) in &self.alerts {
            parts.push(format!("{} sent {alert}", side.name()));
        }
        match self.first_to_close() {
            Some((side, End::Closed)) => parts.push(format!("{} closed first", side.name())),
            Some((side, End::Broken(e))) => {
                parts.push(format!("{}'s side broke first ({e})", side.name()))
            }
            None => parts.push("still open when the run ended".into()),
        }
        parts.push(format!(
            "{} bytes to the core, {} to the invoker",
            self.bytes[0], self.bytes[1]
        ));
        parts.join("; ")
    }
}

/// What the relay saw, shared with its connection tasks.
#[derive(Default)]
struct Seen {
    sessions: Vec<Arc<Mutex<RelayedSession>>>,
    not_recorded: usize,
}

/// A running relay; stops (with every connection it relays) when dropped.
pub struct Relay {
    /// Where the invoker connects.
    pub addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Relay {
    /// Listen on `ip` (port chosen by the system) and relay each connection to `upstream`,
    /// reached within `connect_within`.
    pub async fn start(
        ip: IpAddr,
        upstream: (String, u16),
        connect_within: Duration,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind((ip, 0)).await?;
        let addr = listener.local_addr()?;
        let seen = Arc::new(Mutex::new(Seen::default()));
        let shared = Arc::clone(&seen);
        let task = tokio::spawn(async move {
            // Connection tasks end with the accept loop (aborted on drop).
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((invoker, _)) = listener.accept().await {
                let session = Arc::new(Mutex::new(RelayedSession::new()));
                {
                    let mut s = shared.lock().expect("relay state");
                    if s.sessions.len() < MAX_SESSIONS {
                        s.sessions.push(Arc::clone(&session));
                    } else {
                        s.not_recorded += 1;
                    }
                }
                connections.spawn(relay_one(
                    invoker,
                    upstream.clone(),
                    connect_within,
                    session,
                ));
            }
        });
        Ok(Self { addr, seen, task })
    }

    /// Wait (at most `within`) until every recorded session has seen one of its sides end:
    /// when the invoker's process has exited, the relay reads its end a moment later.
    pub async fn settle(&self, within: Duration) {
        let started = Instant::now();
        while started.elapsed() < within {
            let (sessions, _) = self.sessions();
            if sessions
                .iter()
                .all(|s| s.upstream_error.is_some() || s.ended.iter().any(Option::is_some))
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The sessions relayed so far, and how many more were relayed without being recorded.
    pub fn sessions(&self) -> (Vec<RelayedSession>, usize) {
        let s = self.seen.lock().expect("relay state");
        let sessions = s
            .sessions
            .iter()
            .map(|x| x.lock().expect("session").clone())
            .collect();
        (sessions, s.not_recorded)
    }
}

async fn relay_one(
    invoker: TcpStream,
    upstream: (String, u16),
    connect_within: Duration,
    session: Arc<Mutex<RelayedSession>>,
) {
    let _ = invoker.set_nodelay(true);
    let core = match tokio::time::timeout(connect_within, TcpStream::connect(&upstream)).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => {
            session.lock().expect("session").upstream_error =
                Some(format!("{}:{}: {e}", upstream.0, upstream.1));
            return;
        }
        Err(_) => {
            session.lock().expect("session").upstream_error = Some(format!(
                "{}:{}: no connection within {connect_within:?}",
                upstream.0, upstream.1
            ));
            return;
        }
    };
    let _ = core.set_nodelay(true);
    let started = Instant::now();
    let (ir, iw) = invoker.into_split();
    let (cr, cw) = core.into_split();
    tokio::join!(
        pump(ir, cw, Side::Invoker, &session, started),
        pump(cr, iw, Side::Core, &session, started)
    );
}

/// Forward one direction until it ends, then half-close the other side's write.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    side: Side,
    session: &Mutex<RelayedSession>,
    started: Instant,
) {
    let at = match side {
        Side::Invoker => 0,
        Side::Core => 1,
    };
    let mut records = Records::default();
    let mut buf = vec![0u8; 16 * 1024];
    let end = loop {
        match from.read(&mut buf).await {
            Ok(0) => break End::Closed,
            Ok(n) => {
                records.feed(&buf[..n], side, &mut session.lock().expect("session"));
                session.lock().expect("session").bytes[at] += n as u64;
                if to.write_all(&buf[..n]).await.is_err() {
                    break End::Broken("the other side stopped reading".into());
                }
            }
            Err(e) => break End::Broken(e.kind().to_string()),
        }
    };
    session.lock().expect("session").ended[at] = Some((started.elapsed(), end));
    let _ = to.shutdown().await;
}

/// The TLS records of one direction, read as they come within [`OBSERVED_BYTES`].
#[derive(Default)]
struct Records {
    pending: Vec<u8>,
    observed: usize,
    /// Raw handshake records until the first hello was read (at most [`HELLO_RECORDS`]: each
    /// one re-reads them all).
    hello: Vec<u8>,
    hello_records: usize,
    hello_read: bool,
}

/// Handshake records read for a hello: a hello spans one or two; a peer sending tiny records
/// one by one is not worth reading quadratically.
const HELLO_RECORDS: usize = 8;

impl Records {
    fn feed(&mut self, bytes: &[u8], side: Side, session: &mut RelayedSession) {
        let room = OBSERVED_BYTES.saturating_sub(self.observed);
        let take = bytes.len().min(room);
        self.observed += take;
        self.pending.extend_from_slice(&bytes[..take]);
        while self.pending.len() >= 5 {
            let len = u16::from_be_bytes([self.pending[3], self.pending[4]]) as usize;
            if self.pending.len() < 5 + len {
                break;
            }
            let record: Vec<u8> = self.pending.drain(..5 + len).collect();
            self.record(&record, side, session);
        }
    }

    fn record(&mut self, record: &[u8], side: Side, session: &mut RelayedSession) {
        match record[0] {
            // Handshake: the first hello of this direction, reassembled across records.
            0x16 if !self.hello_read && self.hello_records < HELLO_RECORDS => {
                self.hello_records += 1;
                self.hello.extend_from_slice(record);
                match side {
                    Side::Invoker => {
                        if let Some(ch) = parse_client_hello(&self.hello) {
                            session.offer = Some(Offer {
                                versions: ch.offered(),
                                suites: ch.cipher_suites,
                                server_name: ch.server_name,
                            });
                            self.hello_read = true;
                        }
                    }
                    Side::Core => {
                        let hellos = server_hellos(&self.hello);
                        // A HelloRetryRequest is followed by the real ServerHello.
                        if hellos.last().is_some_and(|c| !c.hello_retry) {
                            self.hello_read = true;
                        }
                        session.choices = hellos;
                    }
                }
            }
            // An alert of two bytes is in clear; an encrypted one (TLS 1.2) is longer.
            0x15 if session.alerts.len() < MAX_ALERTS => {
                let alert = match record.get(5..) {
                    Some([level, description]) => format!(
                        "{} alert {:?} ({description})",
                        if *level == 2 { "a fatal" } else { "a warning" },
                        rustls::AlertDescription::from(*description)
                    ),
                    _ => "an encrypted alert".into(),
                };
                session.alerts.push((side, alert));
            }
            _ => {}
        }
    }
}

/// The ServerHellos (HelloRetryRequest included) at the start of the handshake records in
/// `records`, as far as they are complete.
fn server_hellos(records: &[u8]) -> Vec<Choice> {
    /// ServerHello.random of a HelloRetryRequest (RFC 8446 §4.1.3).
    const HRR: [u8; 32] = [
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8,
        0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8,
        0x33, 0x9c,
    ];
    let hs = super::client_hello::handshake_bytes(records);
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(header) = hs.get(at..at + 4) {
        let len = u32::from_be_bytes([0, header[1], header[2], header[3]]) as usize;
        let Some(body) = hs.get(at + 4..at + 4 + len) else {
            break;
        };
        if header[0] != 2 {
            break;
        }
        match parse_server_hello(body, &HRR) {
            Some(c) => found.push(c),
            None => break,
        }
        at += 4 + len;
    }
    found
}

fn parse_server_hello(body: &[u8], hrr: &[u8; 32]) -> Option<Choice> {
    let legacy = u16::from_be_bytes([*body.first()?, *body.get(1)?]);
    let random = body.get(2..34)?;
    let sid = *body.get(34)? as usize;
    let at = 35 + sid;
    let suite = u16::from_be_bytes([*body.get(at)?, *body.get(at + 1)?]);
    let mut version = legacy;
    // compression (1), then extensions
    let mut e = at + 3;
    if let Some(l) = body.get(e..e + 2) {
        let end = (e + 2 + u16::from_be_bytes([l[0], l[1]]) as usize).min(body.len());
        e += 2;
        while e + 4 <= end {
            let ty = u16::from_be_bytes([body[e], body[e + 1]]);
            let len = u16::from_be_bytes([body[e + 2], body[e + 3]]) as usize;
            if ty == 0x002b && len == 2 {
                version = u16::from_be_bytes([*body.get(e + 4)?, *body.get(e + 5)?]);
            }
            e += 4 + len;
        }
    }
    Some(Choice {
        version,
        suite,
        hello_retry: random == hrr,
    })
}

/// A relay for a pair cell: where the invoker is told to connect (`CAPIF_HOST` stays the core's
/// name `name`, so the name must resolve to a loopback address of this machine for the relay
/// to sit between them), relaying to the core at `upstream`. Err: why it cannot be used.
pub async fn for_pair(name: &str, upstream: (String, u16)) -> Result<Relay, String> {
    let resolved: Vec<SocketAddr> =
        match tokio::time::timeout(Duration::from_secs(5), tokio::net::lookup_host((name, 443)))
            .await
        {
            Ok(Ok(a)) => a.collect(),
            Ok(Err(e)) => return Err(format!("{name:?} does not resolve here ({e})")),
            Err(_) => return Err(format!("{name:?} did not resolve within 5 s")),
        };
    let ip = match resolved.first() {
        Some(a) if resolved.iter().all(|a| a.ip().is_loopback()) => a.ip(),
        _ => {
            let addrs: Vec<String> = resolved.iter().map(|a| a.ip().to_string()).collect();
            return Err(format!(
                "{name:?} resolves to {}, not to a loopback address of this machine, so the invoker \
                 cannot be pointed at the harness without changing the name it verifies",
                addrs.join(", ")
            ));
        }
    };
    Relay::start(ip, upstream, Duration::from_secs(10))
        .await
        .map_err(|e| format!("cannot listen on {ip}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc as StdArc;

    /// A rustls server on loopback with `versions`, and its client config.
    fn tls_pair(
        versions: &[&'static rustls::SupportedProtocolVersion],
    ) -> (StdArc<rustls::ServerConfig>, StdArc<rustls::ClientConfig>) {
        let pki = crate::pki::TestPki::generate(&["localhost".to_string()]).unwrap();
        let server =
            crate::net::server_config(&pki.core, &crate::net::ClientAuth::None, versions).unwrap();
        let client =
            crate::net::client_config(std::slice::from_ref(&pki.ca.cert), None, versions).unwrap();
        (server, client)
    }

    async fn serve_once(
        config: StdArc<rustls::ServerConfig>,
    ) -> (u16, tokio::task::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            if let Ok(mut tls) = tokio_rustls::TlsAcceptor::from(config).accept(tcp).await {
                let mut b = [0u8; 5];
                let _ = tls.read_exact(&mut b).await;
                let _ = tls.write_all(b"world").await;
                let _ = tls.shutdown().await;
            }
        });
        (port, task)
    }

    async fn relay_to(port: u16) -> Relay {
        Relay::start(
            "127.0.0.1".parse().unwrap(),
            ("127.0.0.1".into(), port),
            Duration::from_secs(5),
        )
        .await
        .unwrap()
    }

    async fn through_relay(
        server: StdArc<rustls::ServerConfig>,
        client: StdArc<rustls::ClientConfig>,
        name: &str,
    ) -> RelayedSession {
        let (port, served) = serve_once(server).await;
        let relay = relay_to(port).await;
        let tcp = TcpStream::connect(relay.addr).await.unwrap();
        let name = rustls::pki_types::ServerName::try_from(name.to_string()).unwrap();
        if let Ok(mut tls) = tokio_rustls::TlsConnector::from(client)
            .connect(name, tcp)
            .await
        {
            tls.write_all(b"hello").await.unwrap();
            let mut b = Vec::new();
            let _ = tls.read_to_end(&mut b).await;
            assert_eq!(b, b"world", "the bytes pass unchanged both ways");
        }
        let _ = served.await;
        // Both directions end (the server closed; the client's end follows).
        for _ in 0..100 {
            if relay.sessions().0[0].ended.iter().all(Option::is_some) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let (sessions, more) = relay.sessions();
        assert_eq!((sessions.len(), more), (1, 0));
        sessions[0].clone()
    }

    #[tokio::test]
    async fn a_tls13_session_is_relayed_and_its_clear_parts_read() {
        let (server, client) = tls_pair(&[&rustls::version::TLS13]);
        let s = through_relay(server, client, "localhost").await;
        let offer = s.offer.clone().expect("the ClientHello");
        assert_eq!(offer.versions, vec![0x0304]);
        assert_eq!(offer.server_name.as_deref(), Some("localhost"));
        assert_eq!(s.choices.len(), 1);
        assert_eq!(s.choices[0].version, 0x0304);
        assert!(offer.suites.contains(&s.choices[0].suite));
        // TLS 1.3 encrypts close_notify: nothing in clear.
        assert_eq!(s.alerts, vec![]);
        assert_eq!(s.first_to_close().map(|(side, _)| side), Some(Side::Core));
        assert!(s.bytes[0] > 0 && s.bytes[1] > 0);
        let line = s.describe();
        assert!(
            line.contains("the core chose TLS 1.3 with TLS13_"),
            "{line}"
        );
        assert!(line.contains("the core closed first"), "{line}");
    }

    #[tokio::test]
    async fn a_tls12_refusal_shows_the_alert_in_clear() {
        // The client verifies another name: it aborts with a fatal bad_certificate after the
        // server's flight, in clear (TLS 1.2 before ChangeCipherSpec).
        let (server, client) = tls_pair(&[&rustls::version::TLS12]);
        let s = through_relay(server, client, "other.example").await;
        assert_eq!(s.choices.first().map(|c| c.version), Some(0x0303));
        assert!(
            s.alerts
                .iter()
                .any(|(side, a)| *side == Side::Invoker && a.contains("fatal alert")),
            "{:?}",
            s.alerts
        );
        assert_eq!(
            s.first_to_close().map(|(side, _)| side),
            Some(Side::Invoker)
        );
    }

    #[tokio::test]
    async fn an_unreachable_core_is_said() {
        let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let relay = relay_to(port).await;
        let mut tcp = TcpStream::connect(relay.addr).await.unwrap();
        let mut b = Vec::new();
        let _ = tcp.read_to_end(&mut b).await;
        let (s, _) = relay.sessions();
        assert!(s[0].describe().starts_with("the core could not be reached"));
    }

    #[tokio::test]
    async fn a_name_that_is_not_loopback_is_no_place_for_the_relay() {
        let err = for_pair("192.0.2.7", ("192.0.2.7".into(), 443))
            .await
            .err()
            .expect("not loopback");
        assert!(
            err.contains("192.0.2.7") && err.contains("loopback"),
            "{err}"
        );
        assert!(for_pair("127.0.0.1", ("127.0.0.1".into(), 1)).await.is_ok());
    }

    proptest::proptest! {
        /// Whatever a peer sends, in whatever pieces, reading it never panics and keeps
        /// within the caps.
        #[test]
        fn hostile_bytes_are_read_within_the_caps(
            chunks in proptest::collection::vec(proptest::collection::vec(proptest::num::u8::ANY, 0..3000), 0..40),
            as_core in proptest::bool::ANY,
        ) {
            let side = if as_core { Side::Core } else { Side::Invoker };
            let mut records = Records::default();
            let mut session = RelayedSession::new();
            for c in &chunks {
                records.feed(c, side, &mut session);
            }
            proptest::prop_assert!(records.pending.len() <= OBSERVED_BYTES);
            proptest::prop_assert!(records.hello_records <= HELLO_RECORDS);
            proptest::prop_assert!(session.alerts.len() <= MAX_ALERTS);
            let _ = session.describe();
        }
    }
}
