//! The reference core's server: TCP accept, TLS (server authentication; a client certificate
//! is optional and only used for offboarding), hyper HTTP/1.1 without keep-alive, graceful
//! bounded shutdown.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{Method, Request, StatusCode};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use super::enrolment::{self, EnrolmentLogin, GETAUTH_PATH};
use super::hello_rewriter::Rewrite;
use super::onboarding;
use super::registry::Registry;
use super::respond::{self, Body};
use crate::model::ONBOARDING_PATH;
use crate::net::{server_config, ClientAuth, TLS_VERSIONS};
use crate::peers::faults::{CoreFault, Faults};
use crate::peers::variants::{CoreVariant, Variants};
use crate::pki::{Authority, Identity, ServerVariant, TestPki};

/// How the reference core behaves.
#[derive(Debug, Clone)]
pub struct CoreSettings {
    /// Its PKI: server identity, the CA that signs invoker certificates, the enrolment key.
    pub pki: TestPki,
    /// The apiRoot used in Location headers; empty means "the URL it listens on".
    pub api_root: String,
    /// Also issue an onboarding secret (CAPIF-2/2e information).
    pub issue_secret: bool,
    /// Serve `GET /getauth` with this login.
    pub enrolment: Option<EnrolmentLogin>,
    /// Largest request body accepted (413 above).
    pub max_body: usize,
    /// Time allowed for a request body to arrive.
    pub body_timeout: Duration,
    /// Time allowed for the TLS handshake.
    pub handshake_timeout: Duration,
    /// Validity of issued invoker certificates.
    pub invoker_cert_validity: time::Duration,
    /// Upper bound of a graceful shutdown.
    pub shutdown_grace: Duration,
    /// Deliberate bugs (self-test only; empty for the real reference core).
    pub faults: Faults<CoreFault>,
    /// Legitimate behaviours of other implementations (self-test only).
    pub variants: Variants<CoreVariant>,
}

impl CoreSettings {
    /// Strict defaults around `pki`.
    pub fn new(pki: TestPki) -> Self {
        Self {
            pki,
            api_root: String::new(),
            issue_secret: false,
            enrolment: None,
            max_body: 64 * 1024,
            body_timeout: Duration::from_secs(10),
            handshake_timeout: Duration::from_secs(10),
            invoker_cert_validity: time::Duration::days(90),
            shutdown_grace: Duration::from_secs(5),
            faults: Faults::none(),
            variants: Variants::default(),
        }
    }
}

/// Shared state of a running core.
pub struct State {
    /// Its settings (with the final apiRoot).
    pub settings: CoreSettings,
    /// Onboarded invokers.
    pub registry: Mutex<Registry>,
    /// The CA that signs invoker certificates: the PKI's root, an intermediate under it
    /// (`intermediate-ca` variant), or a wrong one (faults).
    pub issuer: Authority,
    /// What follows the leaf in `apiInvokerCertificate` (PEM): nothing, or the intermediate
    /// and the root.
    pub bundle_tail: String,
    /// The apiInvokerInformation values being onboarded right now, and whether two equal ones
    /// ever overlapped (the `wedge-on-shared-name` fault).
    pub in_flight: Mutex<(std::collections::HashSet<String>, bool)>,
    /// With the prefer-tls12 fault: the TLS 1.2-only configuration used whenever a
    /// ClientHello offers TLS 1.2 (None: rustls picks the highest common version).
    pub tls12_when_offered: Option<Arc<rustls::ServerConfig>>,
}

/// A started core: where it listens and how to stop it.
pub struct RunningCore {
    /// The bound address.
    pub addr: SocketAddr,
    /// `https://HOST:PORT`: the apiRoot.
    pub url: String,
    state: Arc<State>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningCore {
    /// Bind `listen` (e.g. `127.0.0.1:0`) and serve until [`RunningCore::shutdown`].
    ///
    /// Long by design: the issuer each fault and variant asks for, one branch each.
    pub async fn start(mut settings: CoreSettings, listen: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let host = if addr.ip().is_unspecified() {
            "127.0.0.1".to_string()
        } else if addr.is_ipv6() {
            format!("[{}]", addr.ip())
        } else {
            addr.ip().to_string()
        };
        let url = format!("https://{host}:{}", addr.port());
        if settings.api_root.is_empty() {
            settings.api_root = url.clone();
        }
        let faults = &settings.faults;
        let bad = [
            (CoreFault::ExpiredServerCert, ServerVariant::Expired),
            (CoreFault::WrongNameServerCert, ServerVariant::WrongName),
            (CoreFault::OtherCaServerCert, ServerVariant::OtherCa),
            (CoreFault::Sha1ServerCert, ServerVariant::Sha1Signed),
        ]
        .into_iter()
        .find(|(f, _)| faults.has(*f));
        let identity = match bad {
            Some((_, v)) => Identity::bad_server(&settings.pki.ca, v, &settings.pki.hosts)
                .map_err(std::io::Error::other)?,
            None => settings.pki.core.clone(),
        };
        let roots = vec![settings.pki.ca.cert.clone()];
        let client_auth = if faults.has(CoreFault::RequireClientCert) {
            ClientAuth::Required(roots)
        } else {
            ClientAuth::Optional(roots)
        };
        let versions: &[&'static rustls::SupportedProtocolVersion] =
            if faults.has(CoreFault::Tls13Only) {
                &[&rustls::version::TLS13]
            } else if faults.has(CoreFault::Tls12Only) {
                &[&rustls::version::TLS12]
            } else {
                TLS_VERSIONS
            };
        let tls12_when_offered = if faults.has(CoreFault::PreferTls12) {
            Some(
                server_config(&identity, &client_auth, &[&rustls::version::TLS12])
                    .map_err(std::io::Error::other)?,
            )
        } else {
            None
        };
        // The faults that leave out a mandatory TLS 1.3 suite or a key-exchange group.
        let provider = crate::net::provider_with(
            &if faults.has(CoreFault::NoTls13Aes128Gcm) {
                vec![
                    rustls::CipherSuite::TLS13_AES_256_GCM_SHA384,
                    rustls::CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
                    rustls::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                    rustls::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                    rustls::CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
                    rustls::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                    rustls::CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
                    rustls::CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
                ]
            } else {
                Vec::new()
            },
            &if faults.has(CoreFault::NoSecp384r1) {
                vec![rustls::NamedGroup::X25519, rustls::NamedGroup::secp256r1]
            } else {
                Vec::new()
            },
        );
        let mut tls = crate::net::server_config_with(provider, &identity, &client_auth, versions)
            .map_err(std::io::Error::other)?;
        if faults.has(CoreFault::AcceptEarlyData) {
            // Tickets that permit 0-RTT; serve_session hands the early data to HTTP.
            let mut c = (*tls).clone();
            c.max_early_data_size = 16 * 1024;
            tls = Arc::new(c);
        }
        let root = &settings.pki.ca;
        let (issuer, bundle_tail) = if faults.has(CoreFault::CertFromOtherCa) {
            (
                Authority::new_root("Not the CAPIF root").map_err(std::io::Error::other)?,
                String::new(),
            )
        } else if faults.has(CoreFault::AkiMismatch) {
            (
                root.with_wrong_key_identifier()
                    .map_err(std::io::Error::other)?,
                String::new(),
            )
        } else if settings.variants.has(CoreVariant::IntermediateCa) {
            let intermediate = root
                .new_intermediate("capif-conformance intermediate CA TEST ONLY")
                .map_err(std::io::Error::other)?;
            let tail = format!("{}{}", intermediate.cert_pem(), root.cert_pem());
            (intermediate, tail)
        } else {
            (root.clone(), String::new())
        };
        let state = Arc::new(State {
            settings,
            registry: Mutex::new(Registry::default()),
            issuer,
            bundle_tail,
            in_flight: Mutex::new(Default::default()),
            tls12_when_offered,
        });
        let (stop, stopped) = watch::channel(false);
        // The faults that rewrite the ServerHello put a relay on the public port (see
        // hello_rewriter); the core itself then listens on loopback behind it.
        let rewrite = [
            (
                CoreFault::NoRenegotiationInfoAck,
                Rewrite::HideExtension(0xff01),
            ),
            (
                CoreFault::NoExtendedMasterSecret,
                Rewrite::HideExtension(0x0017),
            ),
            (CoreFault::PrefersWeakerSuite, Rewrite::PreferWeakerSuite),
        ]
        .into_iter()
        .find(|(f, _)| state.settings.faults.has(*f));
        let listener = match rewrite {
            Some((_, rewrite)) => {
                let inner = TcpListener::bind("127.0.0.1:0").await?;
                tokio::spawn(super::hello_rewriter::relay(
                    listener,
                    inner.local_addr()?,
                    rewrite,
                    stopped.clone(),
                ));
                inner
            }
            None => listener,
        };
        let task = tokio::spawn(accept_loop(
            listener,
            TlsAcceptor::from(tls),
            state.clone(),
            stopped,
        ));
        Ok(Self {
            addr,
            url,
            state,
            stop,
            task,
        })
    }

    /// How many invokers are onboarded now.
    pub fn onboarded_count(&self) -> usize {
        self.state.registry.lock().expect("registry lock").len()
    }

    /// Stop accepting, let open sessions finish within the grace bound, then stop.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    state: Arc<State>,
    stopped: watch::Receiver<bool>,
) {
    let grace = state.settings.shutdown_grace;
    crate::net::accept_until_stopped(listener, stopped, grace, move |tcp| {
        serve_session(tcp, acceptor.clone(), state.clone())
    })
    .await;
}

async fn serve_session(tcp: tokio::net::TcpStream, acceptor: TlsAcceptor, state: Arc<State>) {
    // A failed handshake ends the flow: "If the onboarding session cannot be secured, the
    // session is released and the onboarding flow ends."
    let handshake = async {
        match &state.tls12_when_offered {
            Some(tls12) => prefer_tls12(tcp, &acceptor, tls12.clone()).await,
            None => acceptor.accept(tcp).await,
        }
    };
    let mut tls = match tokio::time::timeout(state.settings.handshake_timeout, handshake).await {
        Ok(Ok(tls)) => tls,
        _ => return,
    };
    let client_cert = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| c.to_vec());
    let variants = &state.settings.variants;
    // offboard-keep-session keeps the connection alive, and every response but the
    // offboarding one still says Connection: close (so hyper closes after it).
    let keep_alive = state.settings.faults.has(CoreFault::KeepSessionOpen)
        || state.settings.faults.has(CoreFault::OffboardKeepSession)
        || variants.has(CoreVariant::KeepAlive);
    // The keep-alive variant closes idle sessions after 2 s, as gunicorn does.
    let idle = if variants.has(CoreVariant::KeepAlive) {
        Duration::from_secs(2)
    } else {
        Duration::from_secs(10)
    };
    let skip = state.settings.faults.has(CoreFault::FinWithoutCloseNotify);
    // accept-early-data: what arrived as 0-RTT is read first, as if it were 1-RTT.
    let mut early = Vec::new();
    if state.settings.faults.has(CoreFault::AcceptEarlyData) {
        if let Some(mut data) = tls.get_mut().1.early_data() {
            let _ = std::io::Read::read_to_end(&mut data, &mut early);
        }
    }
    serve_http(tls, early, skip, keep_alive, idle, state, client_cert).await
}

/// Serve HTTP/1.1 on the session (`early`: bytes to read before the stream's).
#[allow(clippy::too_many_arguments)]
async fn serve_http(
    tls: tokio_rustls::server::TlsStream<tokio::net::TcpStream>,
    early: Vec<u8>,
    skip: bool,
    keep_alive: bool,
    idle: Duration,
    state: Arc<State>,
    client_cert: Option<Vec<u8>>,
) {
    let service = service_fn(move |req: Request<Incoming>| {
        let state = state.clone();
        let client_cert = client_cert.clone();
        async move {
            let presented = req.headers().contains_key(http::header::AUTHORIZATION);
            let bearer = req
                .headers()
                .get(http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer "));
            let mut resp = route(&state, client_cert.as_deref(), req).await;
            if bearer && resp.status() == StatusCode::UNAUTHORIZED {
                // RFC 6750 §3.1: a presented token that failed authentication is named in the
                // challenge (no header or another scheme gets none).
                resp.headers_mut().insert(
                    http::header::WWW_AUTHENTICATE,
                    http::HeaderValue::from_static(
                        "Bearer realm=\"capif-onboarding\", error=\"invalid_token\"",
                    ),
                );
            }
            Ok::<_, Infallible>(alter(&state.settings, presented, resp).await)
        }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .keep_alive(keep_alive)
        .timer(TokioTimer::new())
        .header_read_timeout(idle)
        .serve_connection(TokioIo::new(NoCloseNotify { tls, skip, early }), service)
        .await;
}

async fn route(
    state: &State,
    client_cert: Option<&[u8]>,
    req: Request<Incoming>,
) -> http::Response<Body> {
    if client_cert.is_none() && state.settings.faults.has(CoreFault::ClientCert400) {
        // What nginx with `ssl_verify_client on` answers (the client-cert-400 fault).
        let mut r = http::Response::new(Body::new(bytes::Bytes::from_static(
            b"<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>No required SSL certificate was sent</center>\r\n</body>\r\n</html>\r\n",
        )));
        *r.status_mut() = StatusCode::BAD_REQUEST;
        r.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/html"),
        );
        return r;
    }
    let path = req.uri().path().to_string();
    let method = req.method().clone();
    if path == ONBOARDING_PATH {
        return match method {
            Method::POST => {
                let (parts, body) = req.into_parts();
                onboarding::onboard(state, &parts.headers, body).await
            }
            _ => not_allowed(&method, "POST"),
        };
    }
    if let Some(id) = path
        .strip_prefix(ONBOARDING_PATH)
        .and_then(|rest| rest.strip_prefix('/'))
        .filter(|id| !id.is_empty() && !id.contains('/'))
    {
        return match method {
            Method::DELETE => onboarding::offboard(state, id, client_cert),
            Method::PUT => onboarding::update(state, id, client_cert),
            _ => not_allowed(&method, "DELETE, PUT"),
        };
    }
    if let (Some(login), true) = (&state.settings.enrolment, path == GETAUTH_PATH) {
        return match method {
            Method::GET => enrolment::getauth(login, &state.settings.pki, req.headers()),
            _ => not_allowed(&method, "GET"),
        };
    }
    respond::problem(
        StatusCode::NOT_FOUND,
        "RESOURCE_NOT_FOUND",
        format!("no resource at {path}"),
    )
}

/// The TLS stream, whose shutdown skips the close_notify only with the
/// `fin-without-close-notify` fault (`skip`), and whose first bytes are `early` (the 0-RTT
/// data of the `accept-early-data` fault, empty otherwise); else a plain pass-through.
struct NoCloseNotify {
    tls: tokio_rustls::server::TlsStream<tokio::net::TcpStream>,
    skip: bool,
    early: Vec<u8>,
}

impl tokio::io::AsyncRead for NoCloseNotify {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if !self.early.is_empty() {
            let n = self.early.len().min(buf.remaining());
            buf.put_slice(&self.early[..n]);
            self.early.drain(..n);
            return std::task::Poll::Ready(Ok(()));
        }
        std::pin::Pin::new(&mut self.tls).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for NoCloseNotify {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.tls).poll_write(cx, buf)
    }
    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.tls).poll_flush(cx)
    }
    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if self.skip {
            // Flush what is buffered, then FIN on the TCP socket with no close_notify.
            std::task::ready!(std::pin::Pin::new(&mut self.tls).poll_flush(cx))?;
            let (tcp, _) = self.tls.get_mut();
            std::pin::Pin::new(tcp).poll_shutdown(cx)
        } else {
            std::pin::Pin::new(&mut self.tls).poll_shutdown(cx)
        }
    }
}

/// The prefer-tls12 fault: TLS 1.2 whenever the ClientHello offers it (read from the peeked
/// bytes: rustls does not show the offered versions), though the core speaks TLS 1.3 to a
/// client offering only that.
async fn prefer_tls12(
    tcp: tokio::net::TcpStream,
    acceptor: &TlsAcceptor,
    tls12: Arc<rustls::ServerConfig>,
) -> std::io::Result<tokio_rustls::server::TlsStream<tokio::net::TcpStream>> {
    let mut buf = vec![0u8; 16 * 1024];
    let hello = loop {
        let n = tcp.peek(&mut buf).await?;
        if let Some(hello) = crate::net::client_hello::parse_client_hello(&buf[..n]) {
            break Some(hello);
        }
        if n == 0 || n == buf.len() {
            break None;
        }
        // Not all of it yet: wait for more (peek returns at once while bytes are queued).
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let offers_tls12 = hello.is_some_and(|h| h.offered().contains(&0x0303));
    if offers_tls12 {
        TlsAcceptor::from(tls12).accept(tcp).await
    } else {
        acceptor.accept(tcp).await
    }
}

/// The one hook through which response faults and variants act: the real reference core
/// passes every response through unchanged. `presented`: the request had an Authorization
/// header.
async fn alter(
    settings: &CoreSettings,
    presented: bool,
    mut r: http::Response<Body>,
) -> http::Response<Body> {
    let (faults, variants) = (&settings.faults, &settings.variants);
    if faults.0.is_empty() && variants.0.is_empty() {
        return r;
    }
    let error = r.status().as_u16() >= 400;
    if faults.has(CoreFault::Ok200) && r.status() == StatusCode::CREATED {
        *r.status_mut() = StatusCode::OK;
    }
    if faults.has(CoreFault::NoLocation) {
        r.headers_mut().remove(http::header::LOCATION);
    }
    if faults.has(CoreFault::NoWwwAuthenticate)
        || (faults.has(CoreFault::WwwAuthenticateOnlyWhenMissing) && presented)
    {
        r.headers_mut().remove(http::header::WWW_AUTHENTICATE);
    }
    if faults.has(CoreFault::NoErrorAttribute)
        && r.headers().contains_key(http::header::WWW_AUTHENTICATE)
    {
        r.headers_mut().insert(
            http::header::WWW_AUTHENTICATE,
            http::HeaderValue::from_static("Bearer realm=\"capif-onboarding\""),
        );
    }
    if faults.has(CoreFault::LocationOtherPort) {
        relocate(&mut r, |u| {
            let _ = u.set_port(Some(
                u.port_or_known_default().unwrap_or(443).wrapping_add(1),
            ));
        });
    }
    if variants.has(CoreVariant::RelativeLocation) {
        if let Some(path) = location(&r).map(|u| u.path().to_string()) {
            set_location(&mut r, &path);
        }
    }
    let offboarded = r.status() == StatusCode::NO_CONTENT;
    // The keep-alive variant still tears the session down after the offboarding response:
    // there TS 33.122 §6.8 step 6 says the core shall.
    if faults.has(CoreFault::KeepSessionOpen)
        || (variants.has(CoreVariant::KeepAlive) && !offboarded)
        || (offboarded && faults.has(CoreFault::OffboardKeepSession))
    {
        r.headers_mut().remove(http::header::CONNECTION);
    }
    if error && faults.has(CoreFault::ErrorWithInvokerId) {
        let body = serde_json::json!({"status": r.status().as_u16(), "apiInvokerId": "INVleakedbytheerrorpath0000000"});
        *r.body_mut() = Body::new(bytes::Bytes::from(body.to_string()));
    }
    if error && faults.has(CoreFault::ErrorAsHtml) {
        *r.body_mut() = Body::new(bytes::Bytes::from_static(
            b"<html><body><h1>Error</h1></body></html>",
        ));
        r.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/html"),
        );
    }
    if error
        && (variants.has(CoreVariant::ConnexionErrors)
            || variants.has(CoreVariant::MinimalProblemDetails))
    {
        let minimal = variants.has(CoreVariant::MinimalProblemDetails);
        let body = r.body().clone();
        let pd: serde_json::Value = http_body_util::BodyExt::collect(body)
            .await
            .ok()
            .and_then(|b| serde_json::from_slice(&b.to_bytes()).ok())
            .unwrap_or_default();
        // connexion names the field in detail, and says nothing else.
        let field = pd["invalidParams"][0]["param"]
            .as_str()
            .map(|p| p.rsplit('/').next().unwrap_or(p).to_string());
        let detail = match field {
            Some(f) if !f.is_empty() => format!("'{f}' is a required property"),
            _ => pd["detail"].as_str().unwrap_or("error").to_string(),
        };
        let rewritten = if minimal {
            serde_json::json!({"title": pd["title"], "detail": detail})
        } else {
            serde_json::json!({"type": "about:blank", "title": pd["title"], "status": pd["status"], "detail": detail})
        };
        *r.body_mut() = Body::new(bytes::Bytes::from(rewritten.to_string()));
    }
    r
}

fn location(r: &http::Response<Body>) -> Option<url::Url> {
    r.headers()
        .get(http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| url::Url::parse(v).ok())
}

fn set_location(r: &mut http::Response<Body>, value: &str) {
    if let Ok(v) = http::HeaderValue::from_str(value) {
        r.headers_mut().insert(http::header::LOCATION, v);
    }
}

fn relocate(r: &mut http::Response<Body>, change: impl FnOnce(&mut url::Url)) {
    if let Some(mut u) = location(r) {
        change(&mut u);
        set_location(r, u.as_str());
    }
}

fn not_allowed(method: &Method, allow: &'static str) -> http::Response<Body> {
    let mut r = respond::problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!("{method} is not supported here (the reference core implements {allow})"),
    );
    r.headers_mut()
        .insert(http::header::ALLOW, http::HeaderValue::from_static(allow));
    r
}
