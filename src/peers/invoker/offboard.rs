//! One offboarding (TS 33.122 §6.8), as a strict invoker performs it: DELETE on the resource
//! the core named, over mutual TLS with the certificate it issued and the key kept from the
//! onboarding, no onboarding credential; only 204 is success; close_notify after the answer.

use rustls_pki_types::ServerName;

use super::env::AdapterEnv;
use super::flow::InvokerError;
use crate::adapter_contract::Var;
use crate::model::{ProblemDetails, ONBOARDING_PATH};
use crate::net::{client_config, HttpRequest, HttpsSession, Timeouts, TLS_VERSIONS};
use crate::peers::faults::{Faults, InvokerFault};
use crate::pki::{pem_certificates, pem_to_der, Identity};

/// Where the key of the onboarding is kept in `CAPIF_WORKDIR` between the two invocations.
pub const KEY_FILE: &str = "invoker-key.pem";

/// Offboard the invoker the environment names (`CAPIF_ACTION=offboard`).
pub async fn offboard(
    env: &AdapterEnv,
    timeouts: &Timeouts,
    faults: &Faults<InvokerFault>,
) -> Result<(), InvokerError> {
    let unusable = |what: &str, reason: String| InvokerError::Provisioning {
        path: what.to_string(),
        reason,
    };
    let get = |v: Var| {
        std::env::var(v.name())
            .ok()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| unusable(v.name(), "not set".into()))
    };
    let resource = url::Url::parse(&get(Var::InvokerResource)?)
        .map_err(|e| unusable(Var::InvokerResource.name(), e.to_string()))?;
    let cert_file = get(Var::InvokerCertificate)?;
    let bundle =
        std::fs::read_to_string(&cert_file).map_err(|e| unusable(&cert_file, e.to_string()))?;
    let workdir = env.workdir.clone().ok_or_else(|| {
        unusable(
            Var::Workdir.name(),
            "not set: the key of the onboarding is kept there".into(),
        )
    })?;
    let key_path = workdir.join(KEY_FILE);
    let key_pem = std::fs::read_to_string(&key_path)
        .map_err(|e| unusable(&key_path.display().to_string(), e.to_string()))?;
    let key = rcgen::KeyPair::from_pem(&key_pem)
        .map_err(|e| unusable(&key_path.display().to_string(), e.to_string()))?;
    let ca_pem = std::fs::read_to_string(&env.ca_file)
        .map_err(|e| unusable(&env.ca_file.display().to_string(), e.to_string()))?;
    let ca = pem_to_der(&ca_pem).ok_or_else(|| {
        unusable(
            &env.ca_file.display().to_string(),
            "no PEM certificate".into(),
        )
    })?;
    // Present the bundle as issued, without the root the core already has.
    let chain = pem_certificates(&bundle)
        .into_iter()
        .filter(|c| *c != ca)
        .collect();
    let me = Identity::new(chain, key);
    let identity = (!faults.has(InvokerFault::OffboardWithoutCert)).then_some(&me);
    let config = client_config(std::slice::from_ref(&ca), identity, TLS_VERSIONS)
        .map_err(|e| unusable(&env.ca_file.display().to_string(), e.to_string()))?;
    let server_name = ServerName::try_from(crate::net::url_host(&resource))
        .map_err(|e| unusable(Var::InvokerResource.name(), e.to_string()))?;
    let (host, port) = env.endpoint(&resource);
    let target = if faults.has(InvokerFault::OffboardWrongPath) {
        ONBOARDING_PATH.to_string()
    } else {
        resource.path().to_string()
    };
    let mut request = HttpRequest::new("DELETE", &target);
    if faults.has(InvokerFault::OffboardWithCredential) {
        request = request.header("Authorization", &format!("Bearer {}", env.credential));
    }
    let mut session = HttpsSession::connect(&host, port, server_name, config, timeouts)
        .await
        .map_err(InvokerError::SecureConnection)?;
    let answer = session.exchange(&request).await;
    if faults.has(InvokerFault::OffboardKeepSession) && answer.is_ok() {
        tokio::time::sleep(std::time::Duration::from_secs(4)).await;
        drop(session);
    } else {
        // TS 33.122 §6.8 step 6 has the core tear the session down; close it cleanly anyway.
        session.close().await;
    }
    let response = answer.map_err(InvokerError::Exchange)?;
    if response.status == 204 || faults.has(InvokerFault::OffboardSuccessOnError) {
        return Ok(());
    }
    if response.status == 404 && faults.has(InvokerFault::OffboardCrashOn404) {
        // The fault: no outcome at all (a signal), as a client that panics on it would.
        std::process::abort();
    }
    let detail = response
        .json()
        .and_then(|v| serde_json::from_value::<ProblemDetails>(v).ok())
        .and_then(|p| p.detail.or(p.title));
    Err(InvokerError::Rejected {
        status: response.status,
        detail,
    })
}
