//! The reference core's asynchronous onboarding: after the 202, the OnboardingNotification is
//! POSTed to the request's `notificationDestination` (TS 29.222 §8.4.2.2.3.1), over TLS
//! verified against the roots the core was given for callbacks.

use rustls_pki_types::{CertificateDer, ServerName};
use serde_json::{json, Value};

use crate::net::{client_config, HttpRequest, HttpsSession, Timeouts, TLS_VERSIONS};

/// POST `notification` to `destination` in the background (bounded by `timeouts`); a
/// destination that cannot be reached is the invoker's loss, never the core's crash.
pub fn spawn(destination: String, notification: Value, roots: Vec<CertificateDer<'static>>) {
    tokio::spawn(async move {
        let _ = post(&destination, &notification, &roots).await;
    });
}

/// The notification of a successful onboarding.
pub fn success(details: &impl serde::Serialize, resource_location: &str) -> Value {
    json!({
        "result": true,
        "resourceLocation": resource_location,
        "apiInvokerEnrolmentDetails": details,
    })
}

async fn post(
    destination: &str,
    notification: &Value,
    roots: &[CertificateDer<'static>],
) -> Result<u16, String> {
    let url = url::Url::parse(destination).map_err(|e| e.to_string())?;
    if url.scheme() != "https" {
        return Err(format!("{destination} is not https://"));
    }
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let name = ServerName::try_from(host.clone()).map_err(|e| e.to_string())?;
    let config = client_config(roots, None, TLS_VERSIONS).map_err(|e| e.to_string())?;
    let timeouts = Timeouts::default();
    let port = url.port_or_known_default().unwrap_or(443);
    let mut session = HttpsSession::connect(&host, port, name, config, &timeouts)
        .await
        .map_err(|e| e.to_string())?;
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let answer = session
        .exchange(&HttpRequest::new("POST", &target).json(notification))
        .await;
    session.close().await;
    answer.map(|r| r.status).map_err(|e| e.to_string())
}
