//! Pre-provisioning from an OpenCAPIF-style register, as a strict invoker does it: `GET
//! /getauth` with HTTP Basic over TLS, the register authenticated with the provisioned root,
//! and never the login in clear. Two faults break exactly that (the on-path attacker's way in).

use base64::Engine;
use rustls_pki_types::{CertificateDer, ServerName};

use super::env::RegisterEnv;
use super::flow::InvokerError;
use crate::net::{client_config, HttpRequest, HttpsSession, Timeouts, TLS_VERSIONS};
use crate::peers::core::GETAUTH_PATH;
use crate::peers::faults::{Faults, InvokerFault};
use crate::peers::lax_verifier::LaxVerifier;

/// What the register handed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    /// The onboarding credential (`access_token`).
    pub credential: String,
    /// The CA root it served (`ca_root`), trusted only by the `register-skip-verify` fault.
    pub ca_root: Option<String>,
}

/// Fetch the onboarding credential from the register.
pub async fn enrol(
    reg: &RegisterEnv,
    ca: &CertificateDer<'static>,
    timeouts: &Timeouts,
    faults: &Faults<InvokerFault>,
) -> Result<Enrolled, InvokerError> {
    let refuse = |reason: String| InvokerError::Provisioning {
        path: reg.url.to_string(),
        reason,
    };
    let in_clear = faults.has(InvokerFault::RegisterLoginInClear);
    let host = reg.url.host_str().unwrap_or_default().to_string();
    let port = reg.url.port_or_known_default().unwrap_or(443);
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", reg.username, reg.password));
    let request = HttpRequest::new("GET", GETAUTH_PATH)
        .header("Authorization", &format!("Basic {basic}"))
        .header("Accept", "application/json");
    let answer = if reg.url.scheme() == "https" {
        let mut config = client_config(std::slice::from_ref(ca), None, TLS_VERSIONS)
            .map_err(|e| refuse(e.to_string()))?;
        if faults.has(InvokerFault::RegisterSkipVerify) {
            let mut c = (*config).clone();
            c.dangerous()
                .set_certificate_verifier(LaxVerifier::anything());
            config = std::sync::Arc::new(c);
        }
        let name = ServerName::try_from(host.clone()).map_err(|e| refuse(e.to_string()))?;
        match HttpsSession::connect(&host, port, name, config, timeouts).await {
            Ok(mut session) => {
                let r = session.exchange(&request).await;
                session.close().await;
                r.map(|r| (r.status, r.body.to_vec()))
                    .map_err(|e| refuse(e.to_string()))?
            }
            // The register could not be authenticated: the login stays with us.
            Err(e) if !in_clear => {
                return Err(refuse(format!(
                    "the register is not authenticated ({e}); the login was not sent"
                )))
            }
            Err(_) => in_clear_exchange(&host, port, &request, timeouts).await?,
        }
    } else if in_clear {
        in_clear_exchange(&host, port, &request, timeouts).await?
    } else {
        return Err(refuse(
            "a register reached over plain HTTP would see the login in clear; refusing".into(),
        ));
    };
    let (status, body) = answer;
    if status != 200 {
        return Err(refuse(format!("the register answered {status}")));
    }
    let v: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| refuse(format!("the register's answer is not JSON: {e}")))?;
    let credential = v["access_token"]
        .as_str()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| refuse("the register's answer has no access_token".into()))?
        .to_string();
    Ok(Enrolled {
        credential,
        ca_root: v["ca_root"].as_str().map(str::to_string),
    })
}

/// The `register-login-in-clear` fault: the request over plain TCP.
async fn in_clear_exchange(
    host: &str,
    port: u16,
    request: &HttpRequest,
    timeouts: &Timeouts,
) -> Result<(u16, Vec<u8>), InvokerError> {
    crate::net::plain_http_exchange(host, port, request, timeouts.response)
        .await
        .map_err(|reason| InvokerError::Provisioning {
            path: format!("http://{host}:{port}"),
            reason,
        })
}
