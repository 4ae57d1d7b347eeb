//! A notification receiver for asynchronous onboarding (TS 29.222: a 202 Accepted
//! is followed by a POST of an OnboardingNotification to the request's
//! `notificationDestination`). One HTTPS listener per run; every onboarding request gets its
//! own destination path, so a notification is matched to the request it answers and one for
//! another request is not taken for it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

use crate::net::{server_config, ClientAuth, HttpRequest, TLS_VERSIONS};
use crate::pki::Identity;

/// The path prefix of every destination the harness hands out.
pub const NOTIFICATIONS_PATH: &str = "/capif-conformance/notifications/";

/// Bodies above this are cut (an OnboardingNotification is a few KiB).
const MAX_BODY: usize = 256 * 1024;

/// Notifications kept per destination: the first is the one judged, a few more show what a
/// core that repeats itself sent; later ones are counted, not stored.
pub const KEPT_PER_DESTINATION: usize = 4;

/// Bytes of notification bodies kept by one receiver in all; beyond it POSTs are counted,
/// not stored. With [`KEPT_PER_DESTINATION`] and [`MAX_BODY`] this bounds the receiver's
/// memory whatever reaches its port.
pub const MAX_KEPT_BYTES: usize = 8 * 1024 * 1024;

/// What the receiver holds: the destinations it issued, and what arrived at each.
#[derive(Debug, Default)]
struct Store {
    /// Path of each issued destination → the POSTs kept for it.
    issued: std::collections::HashMap<String, Slot>,
    /// Body bytes kept in all, plus [`MAX_BODY`] for each body being read: room is reserved
    /// before a body is read, so concurrent POSTs cannot all pass the check at once.
    kept_bytes: usize,
    /// POSTs to an issued destination that were counted but not kept.
    not_kept: usize,
    /// Take a POST to any path as a destination (only the reference invoker's
    /// notification-any-path fault does).
    any_path: bool,
    /// The status a notification is answered with instead of 204 (only the reference
    /// invoker's notification-answer-200 fault sets one).
    answer: Option<http::StatusCode>,
    /// Requests that arrived in clear on the TLS port (refused), the first
    /// [`KEPT_CLEARTEXT`].
    cleartext: Vec<Cleartext>,
}

/// Clear-text requests remembered (the rest are dropped uncounted: one shows the defect).
const KEPT_CLEARTEXT: usize = 16;

/// A request that arrived in clear at the receiver's TLS port and was refused unanswered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleartext {
    /// Its request line as it arrived (untrusted: reports make it safe).
    pub line: String,
    /// Milliseconds from the receiver's start.
    pub at_ms: u64,
}

impl Cleartext {
    /// Whether its request target is `path`.
    pub fn targets(&self, path: &str) -> bool {
        self.line
            .split(' ')
            .nth(1)
            .is_some_and(|t| t == path || url::Url::parse(t).is_ok_and(|u| u.path() == path))
    }
}

/// One issued destination.
#[derive(Debug, Default)]
struct Slot {
    /// The POSTs kept, first first.
    kept: Vec<Received>,
    /// Bodies being read for it (each holds a reservation).
    reading: usize,
    /// POSTs to it counted but not kept.
    not_kept: usize,
}

/// One POST the receiver got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The request target.
    pub path: String,
    /// Its Content-Type.
    pub content_type: Option<String>,
    /// Its body.
    pub body: Vec<u8>,
    /// Milliseconds from the receiver's start.
    pub at_ms: u64,
}

impl Received {
    /// The POST as evidence shows it.
    pub fn as_request(&self) -> HttpRequest {
        let mut r = HttpRequest::new("POST", &self.path);
        if let Some(ct) = &self.content_type {
            r.headers.push(("Content-Type".into(), ct.clone()));
        }
        r.body = self.body.clone();
        r
    }
}

/// What came of the notification a 202 announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notified {
    /// The first POST to the request's destination.
    Received(Received),
    /// None arrived at `destination` within `within`.
    Missing {
        /// The request's notificationDestination.
        destination: String,
        /// The declared bound.
        within: Duration,
        /// Requests for that destination that came in clear and were refused.
        cleartext: Vec<Cleartext>,
    },
}

/// A running receiver; stops when dropped.
#[derive(Debug)]
pub struct Receiver {
    /// `https://HOST:PORT` as the core is told it.
    pub base: String,
    store: Arc<Mutex<Store>>,
    arrived: Arc<Notify>,
    stop: watch::Sender<bool>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

impl Receiver {
    /// Listen on `listen` presenting `identity`; `advertised` is the base the core is told
    /// (default: `https://` and the listening address).
    pub async fn start(
        identity: &Identity,
        listen: SocketAddr,
        advertised: Option<&url::Url>,
    ) -> std::io::Result<Self> {
        let tls = tokio_rustls::TlsAcceptor::from(
            server_config(identity, &ClientAuth::None, TLS_VERSIONS)
                .map_err(std::io::Error::other)?,
        );
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let base = match advertised {
            Some(u) => u.as_str().trim_end_matches('/').to_string(),
            None => format!("https://{addr}"),
        };
        let store = Arc::new(Mutex::new(Store::default()));
        let arrived = Arc::new(Notify::new());
        let (stop, stopped) = watch::channel(false);
        let started = Instant::now();
        let shared = Arc::new((store.clone(), arrived.clone()));
        let noted = store.clone();
        let on_cleartext = move |line: String| {
            let mut store = noted.lock().expect("lock");
            if store.cleartext.len() < KEPT_CLEARTEXT {
                let at_ms = started.elapsed().as_millis() as u64;
                store.cleartext.push(Cleartext { line, at_ms });
            }
        };
        crate::net::spawn_https_noting_cleartext(
            listener,
            stopped,
            tls,
            on_cleartext,
            move |req| {
                let shared = shared.clone();
                async move {
                    let (parts, body) = req.into_parts();
                    let path = parts.uri.path().to_string();
                    // Only a POST to a destination this receiver issued, with room left, is read:
                    // anything else that reaches the port costs no memory.
                    let room = {
                        let mut guard = shared.0.lock().expect("lock");
                        let store = &mut *guard;
                        if store.any_path && !store.issued.contains_key(&path) {
                            store.issued.insert(path.clone(), Slot::default());
                        }
                        match store.issued.get_mut(&path) {
                            None => Err(http::StatusCode::NOT_FOUND),
                            Some(_) if parts.method != http::Method::POST => {
                                Err(http::StatusCode::METHOD_NOT_ALLOWED)
                            }
                            Some(slot) => {
                                let room = slot.kept.len() + slot.reading < KEPT_PER_DESTINATION
                                    && store.kept_bytes + MAX_BODY <= MAX_KEPT_BYTES;
                                if room {
                                    slot.reading += 1;
                                    store.kept_bytes += MAX_BODY;
                                }
                                Ok(room)
                            }
                        }
                    };
                    let status = match room {
                        Err(status) => status,
                        Ok(false) => {
                            let mut store = shared.0.lock().expect("lock");
                            store.not_kept += 1;
                            if let Some(slot) = store.issued.get_mut(&path) {
                                slot.not_kept += 1;
                            }
                            http::StatusCode::NO_CONTENT
                        }
                        Ok(true) => {
                            let body = tokio::time::timeout(
                                Duration::from_secs(5),
                                Limited::new(body, MAX_BODY).collect(),
                            )
                            .await
                            .ok()
                            .and_then(|b| b.ok())
                            .map(|b| b.to_bytes().to_vec())
                            .unwrap_or_default();
                            let mut store = shared.0.lock().expect("lock");
                            // The reservation becomes what was read.
                            store.kept_bytes = store.kept_bytes - MAX_BODY + body.len();
                            let received = Received {
                                path: path.clone(),
                                content_type: parts
                                    .headers
                                    .get(http::header::CONTENT_TYPE)
                                    .and_then(|v| v.to_str().ok())
                                    .map(str::to_string),
                                body,
                                at_ms: started.elapsed().as_millis() as u64,
                            };
                            if let Some(slot) = store.issued.get_mut(&path) {
                                slot.reading -= 1;
                                slot.kept.push(received);
                            }
                            drop(store);
                            shared.1.notify_waiters();
                            http::StatusCode::NO_CONTENT
                        }
                    };
                    let status = match shared.0.lock().expect("lock").answer {
                        Some(other) if status == http::StatusCode::NO_CONTENT => other,
                        _ => status,
                    };
                    let mut r = http::Response::new(Full::new(Bytes::new()));
                    *r.status_mut() = status;
                    r
                }
            },
        );
        Ok(Self {
            base,
            store,
            arrived,
            stop,
        })
    }

    /// A fresh destination for one onboarding request; only issued ones are accepted.
    pub fn destination(&self) -> String {
        let path = format!(
            "{NOTIFICATIONS_PATH}{}",
            hex::encode(crate::pki::new_serial().to_bytes())
        );
        let url = format!("{}{path}", self.base);
        // The path the core will use: the advertised base may carry a prefix of its own.
        let path = url::Url::parse(&url)
            .map(|u| u.path().to_string())
            .unwrap_or(path);
        self.store
            .lock()
            .expect("lock")
            .issued
            .insert(path, Slot::default());
        url
    }

    /// This receiver, taking a POST to any path as a notification when `any_path` (a fault of
    /// the reference invoker; the harness never does).
    pub fn accepting_any_path(self, any_path: bool) -> Self {
        self.store.lock().expect("lock").any_path = any_path;
        self
    }

    /// This receiver, answering notifications with `status` instead of 204 (a fault of the
    /// reference invoker; the harness never does).
    pub fn answering(self, status: http::StatusCode) -> Self {
        self.store.lock().expect("lock").answer = Some(status);
        self
    }

    /// Body bytes kept, and POSTs to issued destinations counted but not kept.
    pub fn kept(&self) -> (usize, usize) {
        let store = self.store.lock().expect("lock");
        (store.kept_bytes, store.not_kept)
    }

    /// Every POST kept for the destination at `path` (first first), and how many more were
    /// counted but not kept.
    pub fn all_at(&self, path: &str) -> (Vec<Received>, usize) {
        let store = self.store.lock().expect("lock");
        store
            .issued
            .get(path)
            .map(|slot| (slot.kept.clone(), slot.not_kept))
            .unwrap_or_default()
    }

    /// The clear-text requests that targeted `destination` (refused).
    pub fn cleartext_for(&self, destination: &str) -> Vec<Cleartext> {
        let Some(path) = url::Url::parse(destination)
            .ok()
            .map(|u| u.path().to_string())
        else {
            return Vec::new();
        };
        let store = self.store.lock().expect("lock");
        store
            .cleartext
            .iter()
            .filter(|c| c.targets(&path))
            .cloned()
            .collect()
    }

    /// The first notification POSTed to `destination` within `within`, or None.
    pub async fn wait_for(&self, destination: &str, within: Duration) -> Option<Received> {
        let path = url::Url::parse(destination).ok()?.path().to_string();
        let deadline = tokio::time::Instant::now() + within;
        loop {
            // Registered before looking, so a POST between the look and the wait wakes us.
            let arrived = self.arrived.notified();
            let found = {
                let store = self.store.lock().expect("lock");
                if store.any_path {
                    // The earliest POST at any path.
                    store
                        .issued
                        .values()
                        .filter_map(|slot| slot.kept.first())
                        .min_by_key(|r| r.at_ms)
                        .cloned()
                } else {
                    store
                        .issued
                        .get(&path)
                        .and_then(|slot| slot.kept.first())
                        .cloned()
                }
            };
            if let Some(r) = found {
                return Some(r);
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_notification_is_matched_to_its_own_destination_only() {
        let pki = crate::pki::TestPki::generate(&["127.0.0.1".to_string()]).unwrap();
        let r = Receiver::start(&pki.core, "127.0.0.1:0".parse().unwrap(), None)
            .await
            .unwrap();
        let (mine, other) = (r.destination(), r.destination());
        assert_ne!(mine, other);
        let url = url::Url::parse(&other).unwrap();
        let cfg = crate::net::client_config(std::slice::from_ref(&pki.ca.cert), None, TLS_VERSIONS)
            .unwrap();
        let t = crate::net::Timeouts::default();
        let mut s = crate::net::HttpsSession::connect(
            "127.0.0.1",
            url.port().unwrap(),
            rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap(),
            cfg,
            &t,
        )
        .await
        .unwrap();
        let resp = s
            .exchange(
                &HttpRequest::new("POST", url.path()).json(&serde_json::json!({"result": true})),
            )
            .await
            .unwrap();
        assert_eq!(resp.status, 204);
        // Another request's notification is not this one's.
        assert_eq!(r.wait_for(&mine, Duration::from_millis(200)).await, None);
        let got = r.wait_for(&other, Duration::from_secs(2)).await.unwrap();
        assert_eq!(got.path, url.path());
        assert!(String::from_utf8_lossy(&got.body).contains("\"result\":true"));
    }

    /// Issue 30, item 3: a notification POSTed in clear to the TLS port is refused, taken for
    /// nothing, and remembered as a clear-text request to that destination.
    #[tokio::test]
    async fn a_cleartext_notification_is_refused_and_remembered() {
        let pki = crate::pki::TestPki::generate(&["127.0.0.1".to_string()]).unwrap();
        let r = Receiver::start(&pki.core, "127.0.0.1:0".parse().unwrap(), None)
            .await
            .unwrap();
        let (mine, other) = (r.destination(), r.destination());
        let url = url::Url::parse(&mine).unwrap();
        let answer = crate::net::plain_http_exchange(
            "127.0.0.1",
            url.port().unwrap(),
            &HttpRequest::new("POST", url.path()).json(&serde_json::json!({"result": true})),
            Duration::from_secs(3),
        )
        .await;
        // Closed unanswered.
        assert!(answer.is_err(), "{answer:?}");
        assert_eq!(r.wait_for(&mine, Duration::from_millis(200)).await, None);
        let seen = r.cleartext_for(&mine);
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0]
            .line
            .starts_with("POST /capif-conformance/notifications/"));
        assert!(r.cleartext_for(&other).is_empty());
    }

    /// Issue 28, class 5: whatever floods the receiver's port, it keeps at most
    /// KEPT_PER_DESTINATION bodies per issued destination and nothing for paths it did not
    /// issue (404, body unread); the first notification is still the one judged.
    #[tokio::test]
    async fn a_flood_of_posts_is_counted_not_kept() {
        let pki = crate::pki::TestPki::generate(&["127.0.0.1".to_string()]).unwrap();
        let r = Receiver::start(&pki.core, "127.0.0.1:0".parse().unwrap(), None)
            .await
            .unwrap();
        let mine = r.destination();
        let url = url::Url::parse(&mine).unwrap();
        let cfg = crate::net::client_config(std::slice::from_ref(&pki.ca.cert), None, TLS_VERSIONS)
            .unwrap();
        let t = crate::net::Timeouts::default();
        let port = url.port().unwrap();
        let post = |path: String, body: Vec<u8>| {
            let cfg = cfg.clone();
            async move {
                let mut s = crate::net::HttpsSession::connect(
                    "127.0.0.1",
                    port,
                    rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap(),
                    cfg,
                    &t,
                )
                .await
                .unwrap();
                let mut req = HttpRequest::new("POST", &path);
                req.headers
                    .push(("Content-Type".into(), "application/json".into()));
                req.body = body;
                s.exchange(&req)
                    .await
                    .map(|r| r.status)
                    .map_err(|e| e.to_string())
            }
        };
        let first = br#"{"result":true}"#.to_vec();
        assert_eq!(post(url.path().to_string(), first.clone()).await, Ok(204));
        let big = vec![b'x'; 200 * 1024];
        for batch in 0..10 {
            // 16 at once: room is reserved before a body is read, or they would all get in.
            let posts = (0..16).map(|i| {
                let path = if i % 2 == 0 {
                    // Paths it never issued: refused, whatever the body.
                    format!("{NOTIFICATIONS_PATH}{:032x}", batch * 16 + i)
                } else {
                    // Its own destination, again and again.
                    url.path().to_string()
                };
                let own = i % 2 == 1;
                let post = post(path, big.clone());
                async move { (own, post.await) }
            });
            for (own, status) in futures::future::join_all(posts).await {
                if own {
                    assert_eq!(status, Ok(204));
                } else {
                    assert!(matches!(status, Ok(404) | Err(_)), "{status:?}");
                }
            }
        }
        let (bytes, not_kept) = r.kept();
        assert!(
            bytes <= first.len() + (KEPT_PER_DESTINATION - 1) * big.len(),
            "{bytes} bytes kept"
        );
        assert_eq!(not_kept, 80 + 1 - KEPT_PER_DESTINATION);
        let got = r.wait_for(&mine, Duration::from_secs(1)).await.unwrap();
        assert_eq!(got.body, first);
    }
}
