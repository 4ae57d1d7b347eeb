//! A tiny HTTPS server for the URL-keyed forgeries (CCF-CRED-17/18): it serves the forging
//! key at the URL the token's `jku` or `x5u` names and records whether the core fetched it (a
//! core that dereferences URLs from unverified tokens is open to SSRF, RFC 8725 §3.10).

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::net::{server_config, ClientAuth, TLS_VERSIONS};
use crate::pki::TestPki;

/// Path of the JWK Set.
pub const JWKS_PATH: &str = "/jwks.json";
/// Path of the certificate.
pub const X5U_PATH: &str = "/x5u.pem";

/// A running key server.
pub struct KeyServer {
    /// `https://IP:PORT`.
    pub base: String,
    fetched: Arc<Mutex<Vec<String>>>,
    content: Arc<Mutex<(String, String)>>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

/// The local address the harness reaches `core` from: an address the core can reach back.
pub async fn facing(core: (&str, u16)) -> IpAddr {
    match tokio::net::TcpStream::connect(core).await {
        Ok(s) => s
            .local_addr()
            .map(|a| a.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1])),
        Err(_) => IpAddr::from([127, 0, 0, 1]),
    }
}

impl KeyServer {
    /// Listen on `ip` with a certificate of a fresh test PKI; [`KeyServer::serve`] sets what
    /// it serves (the URL must exist before the token naming it is signed).
    pub async fn start(ip: IpAddr) -> std::io::Result<Self> {
        let pki = TestPki::generate(&[ip.to_string()]).map_err(std::io::Error::other)?;
        let tls = tokio_rustls::TlsAcceptor::from(
            server_config(&pki.core, &ClientAuth::None, TLS_VERSIONS)
                .map_err(std::io::Error::other)?,
        );
        let listener = TcpListener::bind(SocketAddr::new(ip, 0)).await?;
        let addr = listener.local_addr()?;
        let base = match ip {
            IpAddr::V6(_) => format!("https://[{ip}]:{}", addr.port()),
            IpAddr::V4(_) => format!("https://{ip}:{}", addr.port()),
        };
        let fetched = Arc::new(Mutex::new(Vec::new()));
        let (stop, stopped) = watch::channel(false);
        let content = Arc::new(Mutex::new((String::from("{\"keys\":[]}"), String::new())));
        let served = Arc::new((content.clone(), fetched.clone()));
        let task = crate::net::spawn_https(listener, stopped, tls, move |req| {
            let served = served.clone();
            async move {
                let path = req.uri().path().to_string();
                served.1.lock().expect("lock").push(path.clone());
                let (jwks, pem) = served.0.lock().expect("lock").clone();
                let (status, kind, body) = match path.as_str() {
                    JWKS_PATH => (200, "application/jwk-set+json", jwks),
                    X5U_PATH => (200, "application/pem-certificate-chain", pem),
                    _ => (404, "text/plain", "not found".to_string()),
                };
                let mut r = http::Response::new(Full::new(Bytes::from(body)));
                *r.status_mut() = http::StatusCode::from_u16(status).expect("status");
                r.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static(kind),
                );
                r
            }
        });
        Ok(Self {
            base,
            fetched,
            content,
            stop,
            task,
        })
    }

    /// Serve this JWK Set and certificate from now on.
    pub fn serve(&self, jwks: &serde_json::Value, certificate_pem: &str) {
        *self.content.lock().expect("lock") = (jwks.to_string(), certificate_pem.to_string());
    }

    /// Stop and return the paths that were fetched, in order.
    pub async fn finish(self) -> Vec<String> {
        let _ = self.stop.send(true);
        let _ = self.task.await;
        let fetched = self.fetched.lock().expect("lock").clone();
        fetched
    }
}
