//! One onboarding, as a strict invoker performs it.

use rcgen::KeyPair;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use serde_json::json;

use super::env::AdapterEnv;
use crate::model::{ApiInvokerEnrolmentDetails, ProblemDetails, ONBOARDING_PATH};
use crate::net::{client_config, HttpRequest, HttpsSession, PhaseError, Timeouts, TLS_VERSIONS};
use crate::peers::faults::{Faults, InvokerFault};
use crate::peers::lax_verifier::LaxVerifier;
use crate::peers::variants::{InvokerVariant, Variants};
use crate::pki::{der_to_pem, enrolment_request, pem_to_der, verify_issued, InvokerKey, KeyKind};

/// A successful onboarding.
#[derive(Debug)]
pub struct Onboarding {
    /// The assigned apiInvokerId.
    pub api_invoker_id: String,
    /// The issued certificate (PEM).
    pub certificate_pem: String,
    /// The key the certificate binds.
    pub key: KeyPair,
    /// The Location of the invoker resource.
    pub location: String,
}

/// Why onboarding failed; each maps to exit status 1 with this message on stderr.
#[derive(Debug, thiserror::Error)]
pub enum InvokerError {
    /// The provisioned CA could not be read.
    #[error("cannot use the provisioned CA {path}: {reason}")]
    Provisioning {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// "If the onboarding session cannot be secured, the session is released and the
    /// onboarding flow ends": nothing was sent.
    #[error("secure connection failed, no request sent: {0}")]
    SecureConnection(PhaseError),
    /// The exchange broke after the session was secured.
    #[error("onboarding exchange failed: {0}")]
    Exchange(PhaseError),
    /// The core refused onboarding.
    #[error("the core rejected onboarding with HTTP {status}{}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Rejected {
        /// HTTP status.
        status: u16,
        /// ProblemDetails.detail, if given.
        detail: Option<String>,
    },
    /// The core answered success but the answer is not a conformant onboarding response.
    #[error("the core's success response is not acceptable: {0}")]
    BadResponse(String),
}

/// Onboard against the core in `env` (with `faults` and `variants` only in the harness's
/// self-test).
pub async fn onboard(
    env: &AdapterEnv,
    timeouts: &Timeouts,
    faults: &Faults<InvokerFault>,
    variants: &Variants<InvokerVariant>,
) -> Result<Onboarding, InvokerError> {
    let patient;
    let timeouts = if faults.has(InvokerFault::NeverGiveUp) {
        patient = Timeouts {
            handshake: std::time::Duration::from_secs(3600),
            response: std::time::Duration::from_secs(3600),
            ..*timeouts
        };
        &patient
    } else {
        timeouts
    };
    let ca_pem = std::fs::read_to_string(&env.ca_file).map_err(|e| InvokerError::Provisioning {
        path: env.ca_file.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut ca = pem_to_der(&ca_pem).ok_or_else(|| InvokerError::Provisioning {
        path: env.ca_file.display().to_string(),
        reason: "no PEM certificate in the file".into(),
    })?;
    // Pre-provisioning by a register, when one is served: its credential replaces the
    // provisioned one. Only the register-skip-verify fault trusts the ca_root it hands out
    // (as opencapif-sdk does): that is the on-path attacker's way to the core.
    let mut credential = env.credential.clone();
    if let Some(reg) = &env.register {
        let enrolled = super::register::enrol(reg, &ca, timeouts, faults).await?;
        credential = enrolled.credential;
        if faults.has(InvokerFault::RegisterSkipVerify) {
            if let Some(root) = enrolled.ca_root.as_deref().and_then(pem_to_der) {
                ca = root;
            }
        }
    }
    let credential = credential;
    let versions: &[&'static rustls::SupportedProtocolVersion] =
        if faults.has(InvokerFault::Tls12OnlyClient) {
            &[&rustls::version::TLS12]
        } else {
            TLS_VERSIONS
        };
    let mut config = client_config(std::slice::from_ref(&ca), None, versions).map_err(|e| {
        InvokerError::Provisioning {
            path: env.ca_file.display().to_string(),
            reason: e.to_string(),
        }
    })?;
    let verify_after_handshake = variants.has(InvokerVariant::VerifyAfterHandshake);
    let lax = if faults.has(InvokerFault::SkipCertVerification) || verify_after_handshake {
        Some(LaxVerifier::anything())
    } else if faults.has(InvokerFault::SkipHostnameCheck) {
        Some(LaxVerifier::without_name(&ca))
    } else {
        None
    };
    if let Some(v) = lax {
        let mut c = (*config).clone();
        c.dangerous().set_certificate_verifier(v);
        config = std::sync::Arc::new(c);
    }
    if faults.has(InvokerFault::NoSni) {
        let mut c = (*config).clone();
        c.enable_sni = false;
        config = std::sync::Arc::new(c);
    }
    let host = env.core_url.host_str().unwrap_or_default();
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = env.core_url.port_or_known_default().unwrap_or(443);
    let server_name =
        ServerName::try_from(host.clone()).map_err(|e| InvokerError::Provisioning {
            path: env.core_url.to_string(),
            reason: format!("not a server name: {e}"),
        })?;

    let key = InvokerKey::generate(KeyKind::P256);
    let api_root = env.core_url.as_str().trim_end_matches('/').to_string();
    let path = if faults.has(InvokerFault::WrongPath) {
        "/api-invoker-management/v1/onboardedinvokers"
    } else {
        ONBOARDING_PATH
    };
    let mut target = format!("{}{path}", env.core_url.path().trim_end_matches('/'));
    let mut body = enrolment_request(&key.csr());
    if faults.has(InvokerFault::SendInvokerId) {
        body["apiInvokerId"] = json!("INVchosenbytheinvoker000000000");
    }
    if faults.has(InvokerFault::OmitNotificationDestination) {
        body.as_object_mut()
            .map(|o| o.remove("notificationDestination"));
    }
    let mut request = HttpRequest::new("POST", &target)
        .header("Accept", "application/json, application/problem+json");
    if faults.has(InvokerFault::CredentialInQuery) {
        target = format!("{target}?access_token={credential}");
        request.target = target;
    } else if !faults.has(InvokerFault::NoCredential) {
        request
            .headers
            .push(("Authorization".into(), format!("Bearer {credential}")));
    }
    let mut request = request.json(&body);
    if variants.has(InvokerVariant::ChunkedBody) {
        // The same JSON, framed as two chunks.
        let half = request.body.len() / 2;
        let (a, b) = request.body.split_at(half);
        let mut framed = Vec::new();
        for part in [a, b] {
            framed.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
            framed.extend_from_slice(part);
            framed.extend_from_slice(b"\r\n");
        }
        framed.extend_from_slice(b"0\r\n\r\n");
        request.body = framed;
        request
            .headers
            .push(("Transfer-Encoding".into(), "chunked".into()));
    }
    let attempts = if faults.has(InvokerFault::RetryLoop) {
        6
    } else {
        1
    };
    let mut response = None;
    for _ in 0..attempts {
        let connected =
            HttpsSession::connect(&host, port, server_name.clone(), config.clone(), timeouts).await;
        let mut session = match connected {
            Ok(s) => s,
            Err(e) => {
                if faults.has(InvokerFault::CleartextFallback) {
                    send_in_clear(&host, port, &request, timeouts).await;
                }
                return Err(InvokerError::SecureConnection(e));
            }
        };
        if verify_after_handshake {
            // As urllib3 1.x or OkHttp do: the handshake is complete, now check the
            // certificate; on failure close with a bare FIN, having sent nothing.
            if let Err(reason) = verify_server(&session.tls.peer_chain, &ca, &server_name) {
                session.close_without_notify().await;
                return Err(InvokerError::SecureConnection(PhaseError::Protocol {
                    phase: crate::net::Phase::Handshake,
                    reason: format!("the certificate, checked after the handshake: {reason}"),
                }));
            }
        }
        let r = session.exchange(&request).await;
        if faults.has(InvokerFault::KeepSessionOpen) && r.is_ok() {
            // After a response, hold the session past any sensible teardown timeout, then
            // just drop it (without a response there is nothing to tear down after).
            tokio::time::sleep(std::time::Duration::from_secs(4)).await;
            drop(session);
        } else if faults.has(InvokerFault::NoCloseNotify) {
            session.close_without_notify().await;
        } else {
            // "Following the return of an Onboard API Invoker response message (either
            // successful or unsuccessful), the secure session is torn down": close_notify.
            session.close().await;
        }
        let r = r.map_err(InvokerError::Exchange)?;
        let rejected = r.status == 401;
        response = Some(r);
        if !rejected {
            break;
        }
    }
    let response = response.expect("at least one attempt");
    if faults.has(InvokerFault::SuccessOn401) && response.status == 401 {
        return Ok(Onboarding {
            api_invoker_id: "INVreportedalthoughrejected0000".into(),
            certificate_pem: String::new(),
            key: key.pair,
            location: String::new(),
        });
    }

    let success = if faults.has(InvokerFault::SuccessOnAny2xx) {
        (200..300).contains(&response.status)
    } else {
        response.status == 201
    };
    if !success {
        let detail = response
            .json()
            .and_then(|v| serde_json::from_value::<ProblemDetails>(v).ok())
            .and_then(|p| p.detail.or(p.title));
        return Err(InvokerError::Rejected {
            status: response.status,
            detail,
        });
    }
    if faults.has(InvokerFault::AcceptIncomplete201) {
        // Takes whatever came back as an onboarding, unchecked.
        let j = response.json().unwrap_or_default();
        return Ok(Onboarding {
            api_invoker_id: j["apiInvokerId"].as_str().unwrap_or("").to_string(),
            certificate_pem: j["onboardingInformation"]["apiInvokerCertificate"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            key: key.pair,
            location: response.header("location").unwrap_or("").to_string(),
        });
    }
    let bad = |s: String| InvokerError::BadResponse(s);
    if response.media_type().as_deref() != Some("application/json") {
        return Err(bad(format!(
            "Content-Type is {:?}, expected application/json",
            response.header("content-type")
        )));
    }
    let details: ApiInvokerEnrolmentDetails = serde_json::from_slice(&response.body)
        .map_err(|e| bad(format!("body is not an APIInvokerEnrolmentDetails: {e}")))?;
    let id = details
        .api_invoker_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| bad("no apiInvokerId".into()))?;
    let location = response
        .header("location")
        .ok_or_else(|| bad("no Location header".into()))?
        .to_string();
    let expected_location = format!("{api_root}{ONBOARDING_PATH}/{id}");
    if location != expected_location {
        return Err(bad(format!(
            "Location is {location:?}, expected {expected_location:?}"
        )));
    }
    let cert_pem = details
        .onboarding_information
        .api_invoker_certificate
        .ok_or_else(|| bad("no onboardingInformation.apiInvokerCertificate".into()))?;
    if faults.has(InvokerFault::SkipIssuedCertificateCheck) {
        return Ok(Onboarding {
            api_invoker_id: id,
            certificate_pem: cert_pem,
            key: key.pair,
            location,
        });
    }
    // The one issued-certificate verifier: a bundle is fine, the leaf must bind our key.
    let issued = verify_issued(
        &cert_pem,
        std::slice::from_ref(&ca),
        &key.spki(),
        UnixTime::now(),
    )
    .map_err(|e| bad(e.to_string()))?;
    Ok(Onboarding {
        api_invoker_id: id,
        certificate_pem: der_to_pem("CERTIFICATE", issued.leaf()),
        key: key.pair,
        location,
    })
}

/// The `cleartext-fallback` fault: the request, credential included, in clear over TCP.
async fn send_in_clear(host: &str, port: u16, request: &HttpRequest, timeouts: &Timeouts) {
    use tokio::io::AsyncWriteExt;
    let connect = tokio::net::TcpStream::connect((host, port));
    if let Ok(Ok(mut tcp)) = tokio::time::timeout(timeouts.connect, connect).await {
        let bytes = request.to_bytes(&format!("{host}:{port}"));
        let _ = tokio::time::timeout(timeouts.response, tcp.write_all(&bytes)).await;
    }
}

/// Chain (to `ca`, serverAuth, valid now) and name of a server certificate chain, leaf first.
fn verify_server(
    chain: &[CertificateDer<'static>],
    ca: &CertificateDer<'_>,
    name: &ServerName<'_>,
) -> Result<(), String> {
    let leaf = chain.first().ok_or("no certificate was presented")?;
    let anchor = webpki::anchor_from_trusted_cert(ca).map_err(|e| format!("{e:?}"))?;
    let ee = webpki::EndEntityCert::try_from(leaf).map_err(|e| format!("{e:?}"))?;
    ee.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &[anchor],
        &chain[1..],
        UnixTime::now(),
        webpki::KeyUsage::server_auth(),
        None,
        None,
    )
    .map_err(|e| format!("{e:?}"))?;
    ee.verify_is_valid_for_subject_name(name)
        .map_err(|e| format!("{e:?}"))
}
