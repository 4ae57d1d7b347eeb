//! The onboarding resource: "The CAPIF core receives the Onboard API Invoker request message
//! and validates the onboarding credential. If the onboarding credential is valid, the CAPIF
//! core creates and returns an Onboard API Invoker Response message ... which contains the API
//! Invoker profile and includes the API Invoker ID" (TS 33.122 Annex B.1).

use bytes::Bytes;
use http::{header, HeaderMap, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use serde_json::Value;

use super::decision::{
    check_credential, check_media_type, check_request, created_details, new_invoker_id, random_hex,
    Rejection, Rules,
};
use super::registry::Onboarded;
use super::respond::{self, Body};
use super::server::State;
use crate::model::ONBOARDING_PATH;
use crate::peers::faults::CoreFault;
use crate::peers::variants::CoreVariant;
use crate::pki::{parse_invoker_public_key, CertProfile, Lenience};

type Resp = http::Response<Body>;

fn into_response(r: Rejection) -> Resp {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    respond::problem_with(status, r.cause, r.detail, r.params)
}

/// The decision's rules under this core's faults and variants.
fn rules(state: &State) -> Rules<'_> {
    let faults = &state.settings.faults;
    Rules {
        enrolment_point: state.settings.pki.enrolment_point(),
        lenience: Lenience {
            expired: faults.has(CoreFault::AcceptExpiredCredential),
            audience: faults.has(CoreFault::IgnoreAud),
            not_before: faults.has(CoreFault::IgnoreNbf),
            critical: faults.has(CoreFault::IgnoreCrit),
            hmac_with_public_key: faults.has(CoreFault::Hs256KeyConfusion),
            embedded_jwk: faults.has(CoreFault::TrustEmbeddedJwk),
            missing_exp: faults.has(CoreFault::AcceptNoExp),
        },
        any_credential: faults.has(CoreFault::AcceptAnyCredential),
        alg_none: faults.has(CoreFault::AcceptAlgNone),
        any_media_type: faults.has(CoreFault::IgnoreContentType),
        adopt_invoker_id: faults.has(CoreFault::AdoptInvokerId),
        rsa_only: state.settings.variants.has(CoreVariant::RsaOnly),
    }
}

/// `POST /onboardedInvokers`.
pub async fn onboard(state: &State, headers: &HeaderMap, body: Incoming) -> Resp {
    try_onboard(state, headers, body)
        .await
        .unwrap_or_else(into_response)
}

async fn try_onboard(
    state: &State,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Resp, Rejection> {
    let faults = &state.settings.faults;
    let rules = rules(state);
    let authorization = match headers.get(header::AUTHORIZATION) {
        None => None,
        Some(v) => Some(
            v.to_str()
                .map_err(|_| Rejection::unauthorized("the Authorization header is not ASCII"))?,
        ),
    };
    // 1. The onboarding credential, before the body is read.
    let fetched = fetched_key(state, authorization).await;
    let checked = check_credential(
        authorization,
        &rules,
        fetched.as_ref().map(|(alg, key)| (*alg, key)),
    );
    if let Err(rejection) = checked {
        if faults.has(CoreFault::StoreOnReject) {
            store_rejected_key(state, body).await;
        }
        return Err(rejection);
    }
    // 2. The request, within the size limit.
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    // A body that is not ours to parse is refused before it is read.
    check_media_type(content_type, &rules)?;
    if faults.has(CoreFault::LengthRequired) && headers.contains_key(header::TRANSFER_ENCODING) {
        return Err(Rejection::new(
            411,
            "LENGTH_REQUIRED",
            "a chunked body is not accepted: send Content-Length",
        ));
    }
    let bytes = read_body(state, headers, body).await?;
    let validated = check_request(content_type, &bytes, &rules)?;
    if faults.has(CoreFault::WedgeOnSharedName) {
        wedge_on_shared_name(state, validated.details.api_invoker_information.as_deref()).await?;
    }
    if faults.has(CoreFault::FreeText500)
        && validated
            .details
            .api_invoker_information
            .as_deref()
            .is_some_and(|i| i.contains(' '))
    {
        return Err(Rejection::new(
            500,
            "INTERNAL_ERROR",
            "the certificate authority could not issue a certificate".to_string(),
        ));
    }
    let asynchronous =
        state.settings.variants.has(CoreVariant::Asynchronous) || faults.asynchronous();
    let destination = validated.details.notification_destination.clone();
    // 3. Create the invoker: id, certificate, optional secret; store only on success.
    let (id, certificate_pem) = create(state, &validated)?;
    let mut details = created_details(
        validated.details,
        &id,
        Some(certificate_pem),
        state.settings.issue_secret.then(|| random_hex(32)),
    );
    if faults.has(CoreFault::NoSecurityInformation) {
        details.onboarding_information.api_invoker_certificate = None;
        details.onboarding_information.onboarding_secret = None;
    }
    let location = format!("{}{ONBOARDING_PATH}/{id}", state.settings.api_root);
    if asynchronous {
        // Accepted; the result follows as an OnboardingNotification to the destination.
        let notification = if faults.has(CoreFault::AsyncResultFalse) {
            serde_json::json!({"result": false})
        } else {
            super::notify::success(&details, &location)
        };
        if !faults.has(CoreFault::AsyncNoNotification) {
            super::notify::spawn(
                destination,
                notification,
                vec![state.settings.pki.ca.cert.clone()],
                faults,
            );
        }
        return Ok(respond::empty(StatusCode::ACCEPTED));
    }
    let mut resp = respond::json(StatusCode::CREATED, &details);
    // Our ids are hex; only the adopt-invoker-id fault can bring a non-header-safe id here,
    // and a fault must not turn into a panic.
    if let Ok(value) = header::HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, value);
    }
    Ok(resp)
}

/// The `follow-jku` / `follow-x5u` faults: the key the token's own header points to.
async fn fetched_key(
    state: &State,
    authorization: Option<&str>,
) -> Option<(jsonwebtoken::Algorithm, jsonwebtoken::DecodingKey)> {
    let token = authorization.and_then(crate::model::bearer_token)?;
    for (fault, member) in [(CoreFault::FollowJku, "jku"), (CoreFault::FollowX5u, "x5u")] {
        if state.settings.faults.has(fault) {
            if let Some(key) =
                super::key_fetch::fetch_named_key(token, member, &state.settings.pki).await
            {
                return Some(key);
            }
        }
    }
    None
}

/// Register the invoker: a fresh id (unless a fault picks it), a certificate for its key from
/// this core's issuer, refused when the key is already onboarded (403).
fn create(
    state: &State,
    validated: &super::decision::Validated,
) -> Result<(String, String), Rejection> {
    let faults = &state.settings.faults;
    let key = &validated.key;
    let mut registry = state.registry.lock().expect("registry lock");
    if let Some(existing) = registry.id_for_key(&key.spki_der) {
        return Err(Rejection::new(
            403,
            "INVOKER_ALREADY_ONBOARDED",
            format!("an API invoker with this public key is already onboarded ({existing})"),
        ));
    }
    let id = if let Some(id) = &validated.adopted_id {
        id.clone()
    } else if faults.has(CoreFault::DuplicateIds) {
        "INV000000000000000000000000000000".to_string()
    } else {
        loop {
            let id = new_invoker_id();
            if !registry.contains(&id) {
                break id;
            }
        }
    };
    // The authorise-by-cn-prefix fault names the certificate as the CSR did.
    let cn = if faults.has(CoreFault::AuthoriseByCnPrefix) {
        crate::pki::csr_common_name(
            &validated
                .details
                .onboarding_information
                .api_invoker_public_key,
        )
        .unwrap_or_else(|| id.clone())
    } else {
        id.clone()
    };
    let profile = CertProfile::Invoker {
        api_invoker_id: cn,
        validity: state.settings.invoker_cert_validity,
    };
    let issued = if faults.has(CoreFault::CertForOtherKey) {
        let stranger = rcgen::KeyPair::generate().expect("key generation");
        state.issuer.issue(&profile, &stranger)
    } else {
        state.issuer.issue(&profile, key)
    };
    let cert =
        issued.map_err(|e| Rejection::new(500, "CERTIFICATE_ISSUANCE_FAILED", e.to_string()))?;
    registry.insert(Onboarded {
        api_invoker_id: id.clone(),
        spki_der: key.spki_der.clone(),
        certificate_der: cert.der().to_vec(),
    });
    Ok((id, format!("{}{}", cert.pem(), state.bundle_tail)))
}

/// The `store-on-reject` fault: keep the key of a rejected request.
async fn store_rejected_key(state: &State, body: Incoming) {
    let Ok(Ok(c)) = tokio::time::timeout(
        state.settings.body_timeout,
        Limited::new(body, state.settings.max_body).collect(),
    )
    .await
    else {
        return;
    };
    let Ok(json) = serde_json::from_slice::<Value>(&c.to_bytes()) else {
        return;
    };
    let Some(Ok(key)) = json["onboardingInformation"]["apiInvokerPublicKey"]
        .as_str()
        .map(parse_invoker_public_key)
    else {
        return;
    };
    state
        .registry
        .lock()
        .expect("registry lock")
        .insert(Onboarded {
            api_invoker_id: new_invoker_id(),
            spki_der: key.spki_der,
            certificate_der: Vec::new(),
        });
}

/// The `wedge-on-shared-name` fault: a CA keyed on apiInvokerInformation that "signs" for a
/// while; two overlapping onboardings with the same value break it for good.
async fn wedge_on_shared_name(state: &State, information: Option<&str>) -> Result<(), Rejection> {
    let wedged = || Rejection::new(500, "INTERNAL_ERROR", "the certificate authority is wedged");
    let name = information.unwrap_or("").to_string();
    {
        let mut guard = state.in_flight.lock().expect("in-flight lock");
        let (names, broken) = &mut *guard;
        if *broken || !names.insert(name.clone()) {
            *broken = true;
            return Err(wedged());
        }
    }
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let mut guard = state.in_flight.lock().expect("in-flight lock");
    guard.0.remove(&name);
    if guard.1 {
        return Err(wedged());
    }
    Ok(())
}

/// PUT `/onboardedInvokers/{id}` (TS 29.222 §8.4.2.3.3.1, update): authenticated like the
/// DELETE, answered 204 for an onboarded invoker and 404 for an unknown (or offboarded) one.
/// The body is not applied: the reference core has nothing an update could change that the
/// harness judges, and the answer is what tells whether the profile exists.
pub fn update(state: &State, id: &str, client_cert: Option<&[u8]>) -> Resp {
    let registry = state.registry.lock().expect("registry lock");
    let Some(cert) = client_cert else {
        return respond::problem(
            StatusCode::FORBIDDEN,
            "CLIENT_CERTIFICATE_REQUIRED",
            "updating an API invoker requires mutual TLS with the certificate issued at onboarding",
        );
    };
    match registry.get(id) {
        None => respond::problem(
            StatusCode::NOT_FOUND,
            "INVOKER_NOT_FOUND",
            format!("no onboarded API invoker {id}"),
        ),
        Some(e) if e.certificate_der != cert => respond::problem(
            StatusCode::FORBIDDEN,
            "WRONG_CLIENT_CERTIFICATE",
            "the client certificate is not the one issued to this API invoker",
        ),
        Some(_) => respond::empty(StatusCode::NO_CONTENT),
    }
}

/// `DELETE /onboardedInvokers/{id}`: only over mutual TLS with the certificate issued to `id`
/// (TS 33.122 §6.8 step 3); deletes the profile, its certificate and its key.
pub fn offboard(state: &State, id: &str, client_cert: Option<&[u8]>) -> Resp {
    let faults = &state.settings.faults;
    let mut registry = state.registry.lock().expect("registry lock");
    let Some(cert) = client_cert else {
        if faults.has(CoreFault::OffboardWithoutClientCert) && registry.remove(id).is_some() {
            return respond::empty(StatusCode::NO_CONTENT);
        }
        return respond::problem(
            StatusCode::FORBIDDEN,
            "CLIENT_CERTIFICATE_REQUIRED",
            "offboarding requires mutual TLS with the certificate issued at onboarding",
        );
    };
    // The faults accept any certificate this core issued, whoever it was issued to (for
    // authorise-by-cn-prefix: only by its CN's prefix, its own invoker's included).
    let by_prefix = faults.has(CoreFault::AuthoriseByCnPrefix);
    let authenticates = |e: &Onboarded| {
        if by_prefix {
            return registry.issued(cert)
                && crate::pki::certificate_common_name(cert)
                    .is_some_and(|cn| cn.starts_with("invoker"));
        }
        e.certificate_der == cert
            || (faults.has(CoreFault::OffboardAnyInvoker) && registry.issued(cert))
    };
    match registry.get(id) {
        None => respond::problem(
            StatusCode::NOT_FOUND,
            "INVOKER_NOT_FOUND",
            format!("no onboarded API invoker {id}"),
        ),
        Some(e) if !authenticates(e) => respond::problem(
            StatusCode::FORBIDDEN,
            "WRONG_CLIENT_CERTIFICATE",
            "the client certificate is not the one issued to this API invoker",
        ),
        Some(_) if faults.has(CoreFault::OffboardKeepsProfile) => {
            respond::empty(StatusCode::NO_CONTENT)
        }
        Some(_) => {
            if faults.has(CoreFault::OffboardKeepsKey) {
                registry.remove_keeping_key(id);
            } else {
                registry.remove(id);
            }
            respond::empty(StatusCode::NO_CONTENT)
        }
    }
}

async fn read_body(state: &State, headers: &HeaderMap, body: Incoming) -> Result<Bytes, Rejection> {
    let limit = state.settings.max_body;
    let too_large = || {
        Rejection::new(
            413,
            "PAYLOAD_TOO_LARGE",
            format!("the body exceeds the {limit}-byte limit"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let collect = Limited::new(body, limit).collect();
    match tokio::time::timeout(state.settings.body_timeout, collect).await {
        Ok(Ok(c)) => Ok(c.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Ok(Err(e)) => Err(Rejection::new(
            400,
            "BODY_READ_FAILED",
            format!("the body could not be read: {e}"),
        )),
        Err(_) => Err(Rejection::new(
            408,
            "BODY_TIMEOUT",
            "the body did not arrive in time",
        )),
    }
}
