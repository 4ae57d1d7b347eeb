//! A notification receiver the core must not trust (CCF-OK-10). For an asynchronous onboarding
//! the core is the TLS client and the invoker's receiver the server; TS 33.122 §6.1 asks for
//! server-side certificate authentication and RFC 9110 §4.3.4 for a client that verifies the
//! service's identity. This listener presents one certificate the core must refuse at a time
//! (another CA, another name, expired) and records what each connection did: refused the
//! handshake, closed before sending anything, or sent a request anyway.
//!
//! It is its own listener (its own port): the notification receiver presents the good
//! certificate to every other scenario meanwhile, and a handshake refused before any request
//! carries no path that could say which destination it was for.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

use crate::net::{server_config, ClientAuth, HANDSHAKE_BOUND, TLS_VERSIONS};
use crate::pki::Identity;

/// Contacts remembered (a core that retries in a loop is shown by the first ones).
const KEPT_CONTACTS: usize = 64;

/// Bytes of a request read after a completed handshake: its first line is all that is kept.
const MAX_READ: usize = 4096;

/// How one connection to the impostor ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactEnd {
    /// The handshake did not complete (the core's alert, or its close, in rustls' words).
    Refused(String),
    /// The handshake completed, then the core closed without sending a byte.
    ClosedWithoutRequest,
    /// The handshake completed and the core sent a request: its first line.
    Request(String),
    /// The core sent a clear-text HTTP request instead of a ClientHello: its request line.
    Cleartext(String),
    /// The connection stayed open without completing the handshake, or without a request
    /// after it, for [`HANDSHAKE_BOUND`] (the impostor closed it): nothing observed either way.
    Silent,
}

/// One connection to the impostor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The certificate presented to it (its label).
    pub presented: String,
    /// Milliseconds from the impostor's start.
    pub at_ms: u64,
    /// How it ended.
    pub end: ContactEnd,
}

impl Contact {
    /// One line for evidence.
    pub fn describe(&self) -> String {
        let end = match &self.end {
            ContactEnd::Refused(e) => format!("handshake refused ({e})"),
            ContactEnd::ClosedWithoutRequest => {
                "handshake completed, then closed without a request".into()
            }
            ContactEnd::Request(line) => {
                format!("handshake completed and a request was sent: {line}")
            }
            ContactEnd::Cleartext(line) => format!("a clear-text request instead of TLS: {line}"),
            ContactEnd::Silent => "the connection stayed silent (no refusal, no request)".into(),
        };
        format!(
            "+{} ms, presenting the {} certificate: {end}",
            self.at_ms, self.presented
        )
    }
}

#[derive(Default)]
struct State {
    /// The certificate presented now (label, TLS configuration); None: connections are closed.
    presenting: Option<(String, tokio_rustls::TlsAcceptor)>,
    /// Connections that ended, first first (the first [`KEPT_CONTACTS`]).
    contacts: Vec<Contact>,
    /// Connections accepted and not yet ended.
    open: usize,
}

/// The base URL the core is told for the impostor.
#[derive(Debug, Clone)]
pub enum Advertised {
    /// This URL, as the vendor wrote it (`[core.notifications] impostor_url`).
    Exactly(url::Url),
    /// This URL's host (the one the core reaches the harness by) with the impostor's port.
    HostOf(url::Url),
    /// `https://` and the listening address.
    Listening,
}

/// A running impostor; stops when dropped.
pub struct Impostor {
    /// `https://HOST:PORT` as the core is told it.
    pub base: String,
    state: Arc<Mutex<State>>,
    changed: Arc<Notify>,
    stop: watch::Sender<bool>,
}

impl std::fmt::Debug for Impostor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Impostor")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Drop for Impostor {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

impl Impostor {
    /// Listen on `listen`; the core is told the base `advertised`.
    pub async fn start(listen: SocketAddr, advertised: Advertised) -> std::io::Result<Self> {
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let base = match advertised {
            Advertised::Exactly(u) => u.as_str().trim_end_matches('/').to_string(),
            Advertised::HostOf(u) => {
                format!(
                    "https://{}:{}",
                    u.host_str().unwrap_or_default(),
                    addr.port()
                )
            }
            Advertised::Listening => format!("https://{addr}"),
        };
        let state = Arc::new(Mutex::new(State::default()));
        let changed = Arc::new(Notify::new());
        let (stop, stopped) = watch::channel(false);
        let started = Instant::now();
        let (s, c) = (state.clone(), changed.clone());
        tokio::spawn(crate::net::accept_until_stopped(
            listener,
            stopped,
            Duration::ZERO,
            move |tcp| {
                let (state, changed) = (s.clone(), c.clone());
                async move {
                    let presenting = {
                        let mut st = state.lock().expect("lock");
                        st.open += 1;
                        st.presenting.clone()
                    };
                    let end = match presenting {
                        Some((label, tls)) => Some((label, observe(tcp, tls).await)),
                        None => None,
                    };
                    let mut st = state.lock().expect("lock");
                    st.open -= 1;
                    if let Some((presented, end)) = end {
                        if st.contacts.len() < KEPT_CONTACTS {
                            let at_ms = started.elapsed().as_millis() as u64;
                            st.contacts.push(Contact {
                                presented,
                                at_ms,
                                end,
                            });
                        }
                    }
                    drop(st);
                    changed.notify_waiters();
                }
            },
        ));
        Ok(Self {
            base,
            state,
            changed,
            stop,
        })
    }

    /// A fresh destination under the impostor's base.
    pub fn destination(&self) -> String {
        format!(
            "{}{}{}",
            self.base,
            crate::net::notification_receiver::NOTIFICATIONS_PATH,
            hex::encode(crate::pki::new_serial().to_bytes())
        )
    }

    /// The host the core reaches the impostor by (the names a certificate is for, or not).
    pub fn host(&self) -> String {
        url::Url::parse(&self.base)
            .map(|u| crate::net::url_host(&u))
            .unwrap_or_default()
    }

    /// Present `identity` (called `label`) from now on; returns the mark of the contacts that
    /// follow.
    pub fn present(&self, label: &str, identity: &Identity) -> Result<usize, String> {
        let config =
            server_config(identity, &ClientAuth::None, TLS_VERSIONS).map_err(|e| e.to_string())?;
        let mut st = self.state.lock().expect("lock");
        st.presenting = Some((label.to_string(), tokio_rustls::TlsAcceptor::from(config)));
        Ok(st.contacts.len())
    }

    /// The contacts since `mark`, once one has ended, or once `within` has passed and no
    /// connection is still open (each open one ends within twice [`HANDSHAKE_BOUND`]).
    pub async fn contacts_since(&self, mark: usize, within: Duration) -> Vec<Contact> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            // Registered before looking, so an end between the look and the wait wakes us.
            let changed = self.changed.notified();
            {
                let st = self.state.lock().expect("lock");
                let since = st.contacts.get(mark..).unwrap_or_default();
                let past = tokio::time::Instant::now() >= deadline;
                if !since.is_empty() || (past && st.open == 0) {
                    return since.to_vec();
                }
            }
            let wake = deadline.max(tokio::time::Instant::now() + Duration::from_millis(50));
            let _ = tokio::time::timeout_at(wake, changed).await;
        }
    }

    /// Every contact so far.
    pub fn contacts(&self) -> Vec<Contact> {
        self.state.lock().expect("lock").contacts.clone()
    }
}

/// What one connection did against the presented certificate.
async fn observe(tcp: tokio::net::TcpStream, tls: tokio_rustls::TlsAcceptor) -> ContactEnd {
    if let Some(line) = crate::net::cleartext_request_line(&tcp).await {
        return ContactEnd::Cleartext(line);
    }
    let mut stream = match tokio::time::timeout(HANDSHAKE_BOUND, tls.accept(tcp)).await {
        // Connected and stalled: nothing was refused that anyone saw.
        Err(_) => return ContactEnd::Silent,
        Ok(Err(e)) => {
            // rustls' own words (the core's alert, or what was wrong) when it has them.
            let why = crate::net::rustls_error(&e).map_or_else(|| e.to_string(), |r| r.to_string());
            return ContactEnd::Refused(why);
        }
        Ok(Ok(s)) => s,
    };
    let mut buf = vec![0u8; MAX_READ];
    match tokio::time::timeout(HANDSHAKE_BOUND, stream.read(&mut buf)).await {
        Err(_) => ContactEnd::Silent,
        Ok(Ok(0)) | Ok(Err(_)) => ContactEnd::ClosedWithoutRequest,
        Ok(Ok(n)) => {
            let line = buf[..n].split(|&b| b == b'\n').next().unwrap_or_default();
            ContactEnd::Request(String::from_utf8_lossy(line).trim_end().to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{client_config, HttpRequest, HttpsSession, Timeouts};
    use crate::pki::{ServerVariant, TestPki};

    /// A client that verifies is refused at the handshake; one that does not delivers its
    /// request, and the impostor says so.
    #[tokio::test]
    async fn a_verifying_client_is_refused_and_a_lax_one_is_seen() {
        let pki = TestPki::generate(&["127.0.0.1".to_string()]).unwrap();
        let imp = Impostor::start("127.0.0.1:0".parse().unwrap(), Advertised::Listening)
            .await
            .unwrap();
        let bad = Identity::bad_server(&pki.ca, ServerVariant::OtherCa, &[imp.host()]).unwrap();
        let mark = imp.present("other-ca", &bad).unwrap();
        let url = url::Url::parse(&imp.destination()).unwrap();
        let port = url.port().unwrap();
        let name = rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap();
        let verifying =
            client_config(std::slice::from_ref(&pki.ca.cert), None, TLS_VERSIONS).unwrap();
        let t = Timeouts::default();
        assert!(
            HttpsSession::connect("127.0.0.1", port, name.clone(), verifying, &t)
                .await
                .is_err()
        );
        let seen = imp.contacts_since(mark, Duration::from_secs(5)).await;
        assert!(
            matches!(
                &seen[..],
                [Contact {
                    end: ContactEnd::Refused(_),
                    ..
                }]
            ),
            "{seen:?}"
        );
        let mut lax = (*client_config(&[], None, TLS_VERSIONS).unwrap()).clone();
        lax.dangerous()
            .set_certificate_verifier(crate::peers::lax_verifier::LaxVerifier::anything());
        let mut s = HttpsSession::connect("127.0.0.1", port, name, Arc::new(lax), &t)
            .await
            .unwrap();
        let _ = s
            .exchange(
                &HttpRequest::new("POST", url.path()).json(&serde_json::json!({"result": true})),
            )
            .await;
        let seen = imp.contacts_since(mark + 1, Duration::from_secs(5)).await;
        assert!(
            matches!(&seen[..], [Contact { end: ContactEnd::Request(l), .. }] if l.starts_with("POST /capif-conformance/")),
            "{seen:?}"
        );
        // Nothing at all within the bound: no contact, after the bound.
        let quiet = imp
            .contacts_since(mark + 2, Duration::from_millis(100))
            .await;
        assert!(quiet.is_empty());
    }

    /// The core reaches the impostor by the host it reaches the receiver by, at the
    /// impostor's own port; an explicit URL is taken as written.
    #[tokio::test]
    async fn the_advertised_base_keeps_the_receivers_host_and_its_own_port() {
        let url = url::Url::parse("https://harness.example:9444/prefix").unwrap();
        let imp = Impostor::start("127.0.0.1:0".parse().unwrap(), Advertised::HostOf(url))
            .await
            .unwrap();
        assert!(
            imp.base.starts_with("https://harness.example:"),
            "{}",
            imp.base
        );
        assert!(!imp.base.ends_with(":9444"), "{}", imp.base);
        assert_eq!(imp.host(), "harness.example");
        let exact = url::Url::parse("https://front.example/cb/").unwrap();
        let imp = Impostor::start("127.0.0.1:0".parse().unwrap(), Advertised::Exactly(exact))
            .await
            .unwrap();
        assert_eq!(imp.base, "https://front.example/cb");
    }

    #[tokio::test]
    async fn a_cleartext_request_is_named_as_such() {
        let imp = Impostor::start("127.0.0.1:0".parse().unwrap(), Advertised::Listening)
            .await
            .unwrap();
        let pki = TestPki::generate(&["127.0.0.1".to_string()]).unwrap();
        let mark = imp.present("expired", &pki.core).unwrap();
        let url = url::Url::parse(&imp.destination()).unwrap();
        let _ = crate::net::plain_http_exchange(
            "127.0.0.1",
            url.port().unwrap(),
            &HttpRequest::new("POST", url.path()).json(&serde_json::json!({"result": true})),
            Duration::from_secs(2),
        )
        .await;
        let seen = imp.contacts_since(mark, Duration::from_secs(5)).await;
        assert!(
            matches!(&seen[..], [Contact { end: ContactEnd::Cleartext(l), .. }] if l.starts_with("POST /capif-conformance/notifications/")),
            "{seen:?}"
        );
    }
}
