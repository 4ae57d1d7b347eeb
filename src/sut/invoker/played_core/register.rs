//! The played register: the OpenCAPIF-style enrolment service an invoker under test fetches
//! its onboarding credential and CA root from (pre-provisioning, outside Figure B.1-1). It
//! records every connection and request, so the enrolment test purposes can tell whether the
//! invoker sent its register login to a register it could not authenticate, or in clear.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::net::{server_config, ClientAuth, TLS_VERSIONS};
use crate::peers::core::{
    getauth_answer, registration_answer, EnrolmentLogin, RegisterStyle, GETAUTH_PATH,
};
use crate::pki::{Identity, TestPki};

/// Path of the OpenCAPIF-era registration.
pub const REGISTER_PATH: &str = "/register";

/// Cap on a request body the register reads.
const MAX_BODY: usize = 64 * 1024;

/// How the played register presents itself in one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegisterScript {
    /// As the style says: TLS with the good certificate under the provisioned root, or plain
    /// HTTP for `opencapif-http`.
    #[default]
    AsDeclared,
    /// TLS with a certificate from a rogue CA; its `/getauth` hands out that rogue CA as
    /// `ca_root`, and the played core then presents a certificate from it (the on-path
    /// attacker's chain).
    RogueCa,
    /// Plain HTTP behind an `https://` URL.
    Cleartext,
}

/// One request the register received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterRequest {
    /// Method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Whether it carried the register login (HTTP Basic, or username and password in JSON).
    pub carried_login: bool,
    /// Whether the login was the right one (it was answered with a credential).
    pub answered_credential: bool,
}

/// One connection to the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterSession {
    /// Whether TLS was spoken (false: plain HTTP).
    pub tls: bool,
    /// The handshake error, when the invoker refused the register's certificate.
    pub handshake_error: Option<String>,
    /// Requests, in order.
    pub requests: Vec<RegisterRequest>,
}

/// What the register observed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegisterObservation {
    /// The style it served.
    pub style: RegisterStyle,
    /// How it presented itself.
    pub script: RegisterScript,
    /// Connections, in order of arrival.
    pub sessions: Vec<RegisterSession>,
}

impl RegisterObservation {
    /// Requests that carried the login, with whether they went over TLS.
    pub fn logins(&self) -> impl Iterator<Item = (&RegisterSession, &RegisterRequest)> {
        self.sessions
            .iter()
            .flat_map(|s| s.requests.iter().map(move |r| (s, r)))
            .filter(|(_, r)| r.carried_login)
    }
}

/// A running played register.
pub struct PlayedRegister {
    /// The URL given to the invoker (`https://` unless the style is `opencapif-http`).
    pub url: String,
    observed: Arc<Mutex<RegisterObservation>>,
    task: tokio::task::JoinHandle<()>,
}

struct Served {
    login: EnrolmentLogin,
    /// Whose credential and `ca_root` `/getauth` hands out.
    answers_for: TestPki,
    style: RegisterStyle,
    observed: Arc<Mutex<RegisterObservation>>,
}

impl PlayedRegister {
    /// Start on 127.0.0.1:0. `identity` is the certificate presented (None: plain HTTP);
    /// `answers_for` is the PKI whose credential and root `/getauth` hands out.
    pub async fn start(
        login: EnrolmentLogin,
        style: RegisterStyle,
        script: RegisterScript,
        identity: Option<Identity>,
        answers_for: TestPki,
        stopped: watch::Receiver<bool>,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let scheme = if style == RegisterStyle::OpencapifHttp {
            "http"
        } else {
            "https"
        };
        let url = format!("{scheme}://127.0.0.1:{port}");
        let tls = match identity {
            Some(id) => Some(tokio_rustls::TlsAcceptor::from(
                server_config(&id, &ClientAuth::None, TLS_VERSIONS)
                    .map_err(std::io::Error::other)?,
            )),
            None => None,
        };
        let observed = Arc::new(Mutex::new(RegisterObservation {
            style,
            script,
            sessions: Vec::new(),
        }));
        let served = Arc::new(Served {
            login,
            answers_for,
            style,
            observed: observed.clone(),
        });
        // Sessions are short (one request each): a second to finish after the stop.
        let task = tokio::spawn(crate::net::accept_until_stopped(
            listener,
            stopped,
            std::time::Duration::from_secs(1),
            move |tcp| serve(tcp, tls.clone(), served.clone()),
        ));
        Ok(Self {
            url,
            observed,
            task,
        })
    }

    /// Wait for the register to stop (after the played core's stop signal) and return what
    /// it observed.
    pub async fn finish(self) -> RegisterObservation {
        let _ = self.task.await;
        let observed = self.observed.lock().expect("lock").clone();
        observed
    }
}

async fn serve(
    tcp: tokio::net::TcpStream,
    tls: Option<tokio_rustls::TlsAcceptor>,
    served: Arc<Served>,
) {
    let index = {
        let mut o = served.observed.lock().expect("lock");
        o.sessions.push(RegisterSession {
            tls: tls.is_some(),
            handshake_error: None,
            requests: Vec::new(),
        });
        o.sessions.len() - 1
    };
    let service = {
        let served = served.clone();
        service_fn(move |req: hyper::Request<Incoming>| {
            let served = served.clone();
            async move { Ok::<_, Infallible>(answer(&served, index, req).await) }
        })
    };
    let http = hyper::server::conn::http1::Builder::new();
    match tls {
        Some(acceptor) => {
            // What arrives before the handshake completes is kept: an invoker that falls back
            // to plain HTTP on the TLS port has put its login on the wire all the same.
            let seen = Arc::new(Mutex::new(Vec::new()));
            let recording = super::session::Recording {
                inner: tcp,
                seen: seen.clone(),
            };
            let accepted = tokio::time::timeout(
                std::time::Duration::from_secs(5),
                acceptor.accept(recording),
            )
            .await;
            match accepted {
                Ok(Ok(stream)) => {
                    let _ = http.serve_connection(TokioIo::new(stream), service).await;
                }
                Ok(Err(e)) => {
                    let raw = seen.lock().expect("lock").clone();
                    let mut o = served.observed.lock().expect("lock");
                    let session = &mut o.sessions[index];
                    session.handshake_error = Some(e.to_string());
                    if let Some(request) = login_in_clear(&raw, &served.login) {
                        // Not TLS after all: this login crossed the wire in clear.
                        session.tls = false;
                        session.requests.push(request);
                    }
                }
                Err(_) => {
                    served.observed.lock().expect("lock").sessions[index].handshake_error =
                        Some("the handshake did not complete within 5 s".into());
                }
            }
        }
        None => {
            let _ = http.serve_connection(TokioIo::new(tcp), service).await;
        }
    }
}

/// Whether a request carried the register login: an Authorization header (HTTP Basic), or
/// the password in its body (the OpenCAPIF-era JSON login).
fn carries_login(authorization: bool, body: &[u8], login: &EnrolmentLogin) -> bool {
    authorization
        || (!login.password.is_empty()
            && body
                .windows(login.password.len())
                .any(|w| w == login.password.as_bytes()))
}

/// A plain-HTTP request carrying `login` among bytes that arrived where a ClientHello was
/// expected.
fn login_in_clear(raw: &[u8], login: &EnrolmentLogin) -> Option<RegisterRequest> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut req = httparse::Request::new(&mut headers);
    let head = req.parse(raw).ok()?;
    let basic = req
        .headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("authorization"));
    let body = match head {
        httparse::Status::Complete(n) => &raw[n..],
        httparse::Status::Partial => &[][..],
    };
    carries_login(basic, body, login).then(|| RegisterRequest {
        method: req.method.unwrap_or_default().to_string(),
        path: req.path.unwrap_or_default().to_string(),
        carried_login: true,
        answered_credential: false,
    })
}

async fn answer(
    served: &Served,
    session: usize,
    req: hyper::Request<Incoming>,
) -> http::Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = Limited::new(body, MAX_BODY)
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let basic = parts.headers.get(http::header::AUTHORIZATION).is_some();
    let login = &served.login;
    let path = parts.uri.path().to_string();
    let legacy = served.style == RegisterStyle::OpencapifHttp;
    let (status, value) = match (parts.method.as_str(), path.as_str()) {
        ("GET", GETAUTH_PATH) if login.matches(&parts.headers) => (
            200,
            Some(getauth_answer(&served.answers_for, &login.username)),
        ),
        ("POST", GETAUTH_PATH) if legacy && login.matches_json(&body) => (
            200,
            Some(getauth_answer(&served.answers_for, &login.username)),
        ),
        ("POST", REGISTER_PATH) if legacy && login.matches_json(&body) => {
            (201, Some(registration_answer(&login.username)))
        }
        (_, GETAUTH_PATH | REGISTER_PATH) => (401, None),
        _ => (404, None),
    };
    served.observed.lock().expect("lock").sessions[session]
        .requests
        .push(RegisterRequest {
            method: parts.method.to_string(),
            path,
            carried_login: carries_login(basic, &body, login),
            answered_credential: status == 200,
        });
    let (content_type, bytes) = match value {
        Some(v) => ("application/json", serde_json::to_vec(&v).expect("json")),
        None => (
            "application/problem+json",
            serde_json::to_vec(&serde_json::json!({
                "status": status,
                "title": if status == 401 { "Unauthorized" } else { "Not Found" },
                "detail": "the played register knows only its own login and paths",
            }))
            .expect("json"),
        ),
    };
    let mut r = http::Response::new(Full::new(Bytes::from(bytes)));
    *r.status_mut() = http::StatusCode::from_u16(status).expect("valid status");
    let h = r.headers_mut();
    h.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    h.insert(
        http::header::CONNECTION,
        http::HeaderValue::from_static("close"),
    );
    if status == 401 {
        h.insert(
            http::header::WWW_AUTHENTICATE,
            http::HeaderValue::from_static("Basic realm=\"capif-register\""),
        );
    }
    r
}
