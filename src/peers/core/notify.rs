//! The reference core's asynchronous onboarding: after the 202, the OnboardingNotification is
//! POSTed to the request's `notificationDestination` (TS 29.222 §8.4.2.2.3.1), over TLS
//! verified against the roots the core was given for callbacks.

use rustls_pki_types::CertificateDer;
use serde_json::{json, Value};

use crate::net::{client_config, post_json, Timeouts, TLS_VERSIONS};

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
    let config = client_config(roots, None, TLS_VERSIONS).map_err(|e| e.to_string())?;
    post_json(destination, notification, config, &Timeouts::default()).await
}
