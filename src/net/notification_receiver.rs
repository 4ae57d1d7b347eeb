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
    },
}

/// A running receiver; stops when dropped.
#[derive(Debug)]
pub struct Receiver {
    /// `https://HOST:PORT` as the core is told it.
    pub base: String,
    received: Arc<Mutex<Vec<Received>>>,
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
        let received = Arc::new(Mutex::new(Vec::new()));
        let arrived = Arc::new(Notify::new());
        let (stop, stopped) = watch::channel(false);
        let started = Instant::now();
        let shared = Arc::new((received.clone(), arrived.clone()));
        crate::net::spawn_https(listener, stopped, tls, move |req| {
            let shared = shared.clone();
            async move {
                let (parts, body) = req.into_parts();
                let body = tokio::time::timeout(
                    Duration::from_secs(5),
                    Limited::new(body, MAX_BODY).collect(),
                )
                .await
                .ok()
                .and_then(|b| b.ok())
                .map(|b| b.to_bytes().to_vec())
                .unwrap_or_default();
                let status = if parts.method == http::Method::POST {
                    shared.0.lock().expect("lock").push(Received {
                        path: parts.uri.path().to_string(),
                        content_type: parts
                            .headers
                            .get(http::header::CONTENT_TYPE)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string),
                        body,
                        at_ms: started.elapsed().as_millis() as u64,
                    });
                    shared.1.notify_waiters();
                    http::StatusCode::NO_CONTENT
                } else {
                    http::StatusCode::METHOD_NOT_ALLOWED
                };
                let mut r = http::Response::new(Full::new(Bytes::new()));
                *r.status_mut() = status;
                r
            }
        });
        Ok(Self {
            base,
            received,
            arrived,
            stop,
        })
    }

    /// A fresh destination for one onboarding request.
    pub fn destination(&self) -> String {
        format!(
            "{}{NOTIFICATIONS_PATH}{}",
            self.base,
            hex::encode(crate::pki::new_serial().to_bytes())
        )
    }

    /// The first notification POSTed to `destination` within `within`, or None.
    pub async fn wait_for(&self, destination: &str, within: Duration) -> Option<Received> {
        let path = url::Url::parse(destination).ok()?.path().to_string();
        let deadline = tokio::time::Instant::now() + within;
        loop {
            // Registered before looking, so a POST between the look and the wait wakes us.
            let arrived = self.arrived.notified();
            if let Some(r) = self
                .received
                .lock()
                .expect("lock")
                .iter()
                .find(|r| r.path == path)
            {
                return Some(r.clone());
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
}
