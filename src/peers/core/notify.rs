//! The reference core's asynchronous onboarding: after the 202, the OnboardingNotification is
//! POSTed to the request's `notificationDestination` (TS 29.222 §8.4.2.2.3.1), over TLS
//! verified against the roots the core was given for callbacks.

use rustls_pki_types::CertificateDer;
use serde_json::{json, Value};

use crate::net::{client_config, post_json, HttpRequest, Timeouts, TLS_VERSIONS};
use crate::peers::faults::{CoreFault, Faults};

/// POST `notification` to `destination` in the background (bounded by `timeouts`); a
/// destination that cannot be reached is the invoker's loss, never the core's crash. The
/// faults of the notification change how it is sent.
pub fn spawn(
    destination: String,
    notification: Value,
    roots: Vec<CertificateDer<'static>>,
    faults: &Faults<CoreFault>,
) {
    let faults = faults.clone();
    tokio::spawn(async move {
        if faults.has(CoreFault::AsyncNotifyInClear) {
            let _ = post_in_clear(&destination, &notification).await;
            return;
        }
        let lax = faults.has(CoreFault::NotifyUnverifiedReceiver);
        let _ = post(&destination, &notification, &roots, lax).await;
        if faults.has(CoreFault::AsyncContradictingNotification) {
            // A second result for the same onboarding, after the first was delivered.
            let _ = post(&destination, &json!({"result": false}), &roots, lax).await;
        }
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
    lax: bool,
) -> Result<u16, String> {
    let config = client_config(roots, None, TLS_VERSIONS).map_err(|e| e.to_string())?;
    let config = if lax {
        // The notify-unverified-receiver fault: whatever certificate the receiver presents.
        let mut c = (*config).clone();
        c.dangerous()
            .set_certificate_verifier(crate::peers::lax_verifier::LaxVerifier::anything());
        std::sync::Arc::new(c)
    } else {
        config
    };
    post_json(destination, notification, config, &Timeouts::default()).await
}

/// The async-notify-in-clear fault: the same POST over plain TCP to the https:// destination's
/// host and port.
async fn post_in_clear(destination: &str, notification: &Value) -> Result<u16, String> {
    let url = url::Url::parse(destination).map_err(|e| e.to_string())?;
    let port = url.port_or_known_default().unwrap_or(443);
    let request = HttpRequest::new("POST", url.path()).json(notification);
    crate::net::plain_http_exchange(
        &crate::net::url_host(&url),
        port,
        &request,
        Timeouts::default().response,
    )
    .await
    .map(|(status, _)| status)
}
