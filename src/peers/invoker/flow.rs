//! One onboarding, as a strict invoker performs it.

use rcgen::KeyPair;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use serde_json::json;

use super::env::AdapterEnv;
use crate::model::{ApiInvokerEnrolmentDetails, ProblemDetails, ONBOARDING_PATH};
use crate::net::notification_receiver::Receiver;
use crate::net::{
    client_config_with, HttpRequest, HttpsSession, PhaseError, Timeouts, TLS_VERSIONS,
};
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
    // Worded for either request: the offboarding reports these too.
    #[error("the exchange with the core failed: {0}")]
    Exchange(PhaseError),
    /// The core refused the request (the onboarding, or the offboarding).
    #[error("the core refused the request with HTTP {status}{}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
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
/// self-test): provision, secure the connection, send the request, judge the answer.
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
    let (ca, credential) = provision(env, timeouts, faults).await?;
    let peer = Peer::of(env, &ca, faults, variants)?;
    let key = InvokerKey::generate(KeyKind::P256);
    // Where an asynchronous onboarding's result is to be notified (a local HTTPS receiver).
    let mut receiver = notification_receiver(faults.has(InvokerFault::NotificationAnyPath)).await?;
    if faults.has(InvokerFault::NotificationAnswer200) {
        receiver = receiver.answering(http::StatusCode::OK);
    }
    let mut destination = receiver.destination();
    if faults.has(InvokerFault::HttpNotificationDestination) {
        destination = destination.replacen("https://", "http://", 1);
    }
    let receiver = if faults.has(InvokerFault::UnservedNotificationDestination) {
        // The receiver that issued the destination is dropped at once: nothing serves it.
        drop(receiver);
        notification_receiver(false).await?
    } else {
        receiver
    };
    let request = onboarding_request(env, &credential, &key, &destination, faults, variants);
    let mut response = exchange(&peer, &ca, &request, timeouts, faults).await?;
    let api_root = env.core_url.as_str().trim_end_matches('/').to_string();
    if response.status == 202 && !faults.has(InvokerFault::SuccessOn202) {
        response = notified(&receiver, &destination, timeouts).await?;
        if faults.has(InvokerFault::TrustNotifiedDetails) {
            return Ok(unchecked(&response, key));
        }
    }
    accept(response, key, &ca, &api_root, faults)
}

/// A receiver on loopback presenting a certificate of a throw-away PKI (the played core,
/// which posts to it, does not authenticate it); `any_path` only for the
/// notification-any-path fault.
async fn notification_receiver(any_path: bool) -> Result<Receiver, InvokerError> {
    let failed = |reason: String| InvokerError::Provisioning {
        path: "the notification receiver".into(),
        reason,
    };
    let pki = crate::pki::TestPki::generate(&["127.0.0.1".to_string()])
        .map_err(|e| failed(e.to_string()))?;
    Receiver::start(&pki.core, "127.0.0.1:0".parse().expect("addr"), None)
        .await
        .map(|r| r.accepting_any_path(any_path))
        .map_err(|e| failed(e.to_string()))
}

/// After a 202: the onboarding result as the OnboardingNotification carries it, shaped as
/// the 201 it stands for (its resourceLocation as Location), so it is judged as strictly;
/// a `result: false` is a rejection, no notification within the response timeout a failure.
async fn notified(
    receiver: &Receiver,
    destination: &str,
    timeouts: &Timeouts,
) -> Result<crate::net::HttpResponse, InvokerError> {
    let Some(got) = receiver.wait_for(destination, timeouts.response).await else {
        return Err(InvokerError::BadResponse(format!(
            "202 Accepted, but no OnboardingNotification arrived within {}",
            crate::net::humantime(timeouts.response)
        )));
    };
    let v: serde_json::Value = serde_json::from_slice(&got.body).map_err(|e| {
        InvokerError::BadResponse(format!("the OnboardingNotification is not JSON: {e}"))
    })?;
    if v.get("result") != Some(&serde_json::Value::Bool(true)) {
        return Err(InvokerError::Rejected {
            status: 202,
            detail: Some("the OnboardingNotification says result: false".into()),
        });
    }
    let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    if let Some(l) = v["resourceLocation"].as_str() {
        headers.push(("Location".into(), l.to_string()));
    }
    Ok(crate::net::HttpResponse {
        status: 201,
        headers,
        body: serde_json::to_vec(&v["apiInvokerEnrolmentDetails"])
            .unwrap_or_default()
            .into(),
    })
}

/// The provisioned root and credential; with a register, its credential replaces the
/// provisioned one. Only the register-skip-verify fault trusts the ca_root it hands out (as
/// opencapif-sdk does): that is the on-path attacker's way to the core.
async fn provision(
    env: &AdapterEnv,
    timeouts: &Timeouts,
    faults: &Faults<InvokerFault>,
) -> Result<(CertificateDer<'static>, String), InvokerError> {
    let unusable = |reason: String| InvokerError::Provisioning {
        path: env.ca_file.display().to_string(),
        reason,
    };
    let ca_pem = std::fs::read_to_string(&env.ca_file).map_err(|e| unusable(e.to_string()))?;
    let mut ca =
        pem_to_der(&ca_pem).ok_or_else(|| unusable("no PEM certificate in the file".into()))?;
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
    Ok((ca, credential))
}

/// Where and how to connect: the core's address and name, and the TLS configuration (the
/// provisioned root; faults and variants loosen it).
struct Peer {
    host: String,
    port: u16,
    server_name: ServerName<'static>,
    config: std::sync::Arc<rustls::ClientConfig>,
    verify_after_handshake: bool,
}

impl Peer {
    fn of(
        env: &AdapterEnv,
        ca: &CertificateDer<'static>,
        faults: &Faults<InvokerFault>,
        variants: &Variants<InvokerVariant>,
    ) -> Result<Self, InvokerError> {
        let versions: &[&'static rustls::SupportedProtocolVersion] =
            if faults.has(InvokerFault::Tls12OnlyClient) {
                &[&rustls::version::TLS12]
            } else {
                TLS_VERSIONS
            };
        // The faults that leave out a mandatory TLS 1.3 suite or a key-exchange group.
        let provider = crate::net::provider_with(
            &if faults.has(InvokerFault::OffersNoTls13Aes128Gcm) {
                crate::net::provider()
                    .cipher_suites
                    .iter()
                    .map(|s| s.suite())
                    .filter(|s| *s != rustls::CipherSuite::TLS13_AES_128_GCM_SHA256)
                    .collect()
            } else {
                Vec::new()
            },
            &if faults.has(InvokerFault::OffersNoSecp384r1) {
                vec![rustls::NamedGroup::X25519, rustls::NamedGroup::secp256r1]
            } else {
                Vec::new()
            },
        );
        let config = client_config_with(provider, std::slice::from_ref(ca), None, versions)
            .map_err(|e| InvokerError::Provisioning {
                path: env.ca_file.display().to_string(),
                reason: e.to_string(),
            })?;
        let mut config = (*config).clone();
        let verify_after_handshake = variants.has(InvokerVariant::VerifyAfterHandshake);
        if faults.has(InvokerFault::SkipCertVerification) || verify_after_handshake {
            config
                .dangerous()
                .set_certificate_verifier(LaxVerifier::anything());
        } else if faults.has(InvokerFault::SkipHostnameCheck) {
            config
                .dangerous()
                .set_certificate_verifier(LaxVerifier::without_name(ca));
        } else if faults.has(InvokerFault::AcceptSha1Cert) {
            config
                .dangerous()
                .set_certificate_verifier(LaxVerifier::accepting_sha1(ca));
        }
        if faults.has(InvokerFault::NoSni) {
            config.enable_sni = false;
        }
        let server_name =
            ServerName::try_from(crate::net::url_host(&env.core_url)).map_err(|e| {
                InvokerError::Provisioning {
                    path: env.core_url.to_string(),
                    reason: format!("not a server name: {e}"),
                }
            })?;
        let (host, port) = env.endpoint(&env.core_url);
        Ok(Self {
            port,
            host,
            server_name,
            config: std::sync::Arc::new(config),
            verify_after_handshake,
        })
    }
}

/// The Onboard API Invoker Request: POST of the harness's one enrolment body, the credential
/// as Bearer (faults move, drop or add things; a variant frames the body as chunks).
fn onboarding_request(
    env: &AdapterEnv,
    credential: &str,
    key: &InvokerKey,
    notification_destination: &str,
    faults: &Faults<InvokerFault>,
    variants: &Variants<InvokerVariant>,
) -> HttpRequest {
    let path = if faults.has(InvokerFault::WrongPath) {
        "/api-invoker-management/v1/onboardedinvokers"
    } else {
        ONBOARDING_PATH
    };
    let target = format!("{}{path}", env.core_url.path().trim_end_matches('/'));
    // The reference invoker names itself like the harness does: distinct per onboarding.
    let who = crate::pki::IdentityIssuer::new(Default::default()).next();
    let mut body = enrolment_request(&key.csr(&who), &who.information);
    body["notificationDestination"] = json!(notification_destination);
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
        request.target = format!("{target}?access_token={credential}");
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
    request
}

/// Secure the session, send the request, tear the session down after the response (success
/// or error), as Figure B.1-1 says. One attempt (the retry-loop fault retries a 401).
async fn exchange(
    peer: &Peer,
    ca: &CertificateDer<'static>,
    request: &HttpRequest,
    timeouts: &Timeouts,
    faults: &Faults<InvokerFault>,
) -> Result<crate::net::HttpResponse, InvokerError> {
    let attempts = if faults.has(InvokerFault::RetryLoop) {
        6
    } else {
        1
    };
    let mut response = None;
    for _ in 0..attempts {
        let connected = HttpsSession::connect_checking(
            &peer.host,
            peer.port,
            peer.server_name.clone(),
            peer.config.clone(),
            timeouts,
            !faults.has(InvokerFault::NoRenegotiationCheck),
            faults.has(InvokerFault::IgnoreDowngradeSentinel),
        )
        .await;
        let mut session = match connected {
            Ok(s) => s,
            Err(e) => {
                if faults.has(InvokerFault::CleartextFallback) {
                    send_in_clear(&peer.host, peer.port, request, timeouts).await;
                }
                if faults.has(InvokerFault::UpgradeInClear) {
                    // RFC 2817's upgrade within HTTP/1.1, which TS 33.210 §6.2.1 forbids.
                    let upgrade = HttpRequest::new("OPTIONS", "*")
                        .header("Upgrade", "TLS/1.2")
                        .header("Connection", "Upgrade");
                    send_in_clear(&peer.host, peer.port, &upgrade, timeouts).await;
                }
                return Err(InvokerError::SecureConnection(e));
            }
        };
        if peer.verify_after_handshake {
            // As urllib3 1.x or OkHttp do: the handshake is complete, now check the
            // certificate; on failure close with a bare FIN, having sent nothing.
            if let Err(reason) = verify_server(&session.tls.peer_chain, ca, &peer.server_name) {
                session.close_without_notify().await;
                return Err(InvokerError::SecureConnection(PhaseError::Protocol {
                    phase: crate::net::Phase::Handshake,
                    reason: format!("the certificate, checked after the handshake: {reason}"),
                }));
            }
        }
        let r = session.exchange(request).await;
        // A 202 is not the final answer: its result is still to be notified.
        let final_answer = r.as_ref().is_ok_and(|r| r.status != 202);
        if faults.has(InvokerFault::KeepSessionOpen) && final_answer {
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
    Ok(response.expect("at least one attempt"))
}

/// Judge the answer strictly: only 201, application/json, a non-empty id, the Location of
/// the resource, and an issued certificate that chains to the root and binds our key.
/// Whatever came back, taken as an onboarding without a check (for the faults that do so).
fn unchecked(response: &crate::net::HttpResponse, key: InvokerKey) -> Onboarding {
    let j = response.json().unwrap_or_default();
    Onboarding {
        api_invoker_id: j["apiInvokerId"].as_str().unwrap_or("").to_string(),
        certificate_pem: j["onboardingInformation"]["apiInvokerCertificate"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        key: key.pair,
        location: response.header("location").unwrap_or("").to_string(),
    }
}

fn accept(
    response: crate::net::HttpResponse,
    key: InvokerKey,
    ca: &CertificateDer<'static>,
    api_root: &str,
    faults: &Faults<InvokerFault>,
) -> Result<Onboarding, InvokerError> {
    let unchecked = |id: &str, cert: &str, location: &str, key: InvokerKey| Onboarding {
        api_invoker_id: id.to_string(),
        certificate_pem: cert.to_string(),
        key: key.pair,
        location: location.to_string(),
    };
    if faults.has(InvokerFault::SuccessOn202) && response.status == 202 {
        return Ok(unchecked("", "", "", key));
    }
    if faults.has(InvokerFault::SuccessOn401) && response.status == 401 {
        return Ok(unchecked("INVreportedalthoughrejected0000", "", "", key));
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
        return Ok(self::unchecked(&response, key));
    }
    if faults.has(InvokerFault::HangOnUnparsable201)
        && serde_json::from_slice::<serde_json::Value>(&response.body).is_err()
    {
        std::thread::sleep(std::time::Duration::from_secs(3600));
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
    // {apiRoot}/api-invoker-management/v1/onboardedInvokers/{onboardingId}: the onboardingId
    // need not be the apiInvokerId (TS 29.222 §8.4.2.3), so any one id segment will do.
    let collection = format!("{api_root}{ONBOARDING_PATH}/");
    let onboarding_id = location.strip_prefix(&collection).unwrap_or("");
    if onboarding_id.is_empty() || onboarding_id.contains(['/', '?', '#']) {
        return Err(bad(format!(
            "Location is {location:?}, expected {collection}{{onboardingId}}"
        )));
    }
    let cert_pem = details
        .onboarding_information
        .api_invoker_certificate
        .ok_or_else(|| bad("no onboardingInformation.apiInvokerCertificate".into()))?;
    if faults.has(InvokerFault::SkipIssuedCertificateCheck) {
        return Ok(unchecked(&id, &cert_pem, &location, key));
    }
    // The one issued-certificate verifier: a bundle is fine, the leaf must bind our key.
    let issued = verify_issued(
        &cert_pem,
        std::slice::from_ref(ca),
        &key.spki(),
        UnixTime::now(),
    )
    .map_err(|e| bad(e.to_string()))?;
    let leaf = der_to_pem("CERTIFICATE", issued.leaf());
    Ok(unchecked(&id, &leaf, &location, key))
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
