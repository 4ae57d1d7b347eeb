//! The onboarding resource: "The CAPIF core receives the Onboard API Invoker request message
//! and validates the onboarding credential. If the onboarding credential is valid, the CAPIF
//! core creates and returns an Onboard API Invoker Response message ... which contains the API
//! Invoker profile and includes the API Invoker ID" (TS 33.122 Annex X.1).

use bytes::Bytes;
use http::{header, HeaderMap, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use ring::rand::SecureRandom;
use serde_json::Value;

use super::registry::Onboarded;
use super::respond::{self, Body};
use super::server::State;
use crate::model::{
    validate_enrolment_post, ApiInvokerEnrolmentDetails, InvalidParam, ONBOARDING_PATH,
};
use crate::peers::faults::CoreFault;
use crate::peers::variants::CoreVariant;
use crate::pki::{parse_invoker_public_key, verify_credential_leniently, CertProfile, Lenience};

type Resp = http::Response<Body>;

/// Why a request is refused: becomes a ProblemDetails response.
struct Reject {
    status: StatusCode,
    cause: &'static str,
    detail: String,
    params: Vec<InvalidParam>,
}

impl Reject {
    fn new(status: StatusCode, cause: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            cause,
            detail: detail.into(),
            params: Vec::new(),
        }
    }

    fn bad_request(cause: &'static str, detail: &str, params: Vec<InvalidParam>) -> Self {
        Self {
            params,
            ..Self::new(StatusCode::BAD_REQUEST, cause, detail)
        }
    }

    fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "INVALID_ONBOARDING_CREDENTIAL",
            detail,
        )
    }

    fn into_response(self) -> Resp {
        respond::problem_with(self.status, self.cause, self.detail, self.params)
    }
}

/// `POST /onboardedInvokers`.
pub async fn onboard(state: &State, headers: &HeaderMap, body: Incoming) -> Resp {
    try_onboard(state, headers, body)
        .await
        .unwrap_or_else(Reject::into_response)
}

async fn try_onboard(state: &State, headers: &HeaderMap, body: Incoming) -> Result<Resp, Reject> {
    // 1. The onboarding credential (TS 33.122 §6.1): an ES256 JWT by the enrolment key.
    let faults = &state.settings.faults;
    let unsecured = faults.has(CoreFault::AcceptAlgNone)
        && bearer_token(headers).is_ok_and(|t| crate::pki::jwt_alg(t).as_deref() == Some("none"));
    // The follow-jku / follow-x5u faults verify with whatever key the token points to.
    let mut fetched = None;
    if let Ok(token) = bearer_token(headers) {
        for (fault, member) in [(CoreFault::FollowJku, "jku"), (CoreFault::FollowX5u, "x5u")] {
            if faults.has(fault) && fetched.is_none() {
                fetched = super::key_fetch::fetch_named_key(token, member, &state.settings.pki)
                    .await
                    .map(|key| (token.to_string(), key));
            }
        }
    }
    if let Some((token, (alg, key))) = &fetched {
        crate::pki::verify_credential_with_key(token, *alg, key)
            .map_err(|e| Reject::unauthorized(e.to_string()))?;
    } else if !faults.has(CoreFault::AcceptAnyCredential) && !unsecured {
        let checked = bearer_token(headers).and_then(|token| {
            verify_credential_leniently(
                token,
                state.settings.pki.enrolment_point(),
                Lenience {
                    expired: faults.has(CoreFault::AcceptExpiredCredential),
                    audience: faults.has(CoreFault::IgnoreAud),
                    not_before: faults.has(CoreFault::IgnoreNbf),
                    critical: faults.has(CoreFault::IgnoreCrit),
                    hmac_with_public_key: faults.has(CoreFault::Hs256KeyConfusion),
                    embedded_jwk: faults.has(CoreFault::TrustEmbeddedJwk),
                    missing_exp: faults.has(CoreFault::AcceptNoExp),
                },
            )
            .map_err(|e| Reject::unauthorized(e.to_string()))
        });
        if let Err(reject) = checked {
            if faults.has(CoreFault::StoreOnReject) {
                store_rejected_key(state, body).await;
            }
            return Err(reject);
        }
    }
    // 2. The media type (TS 29.222: application/json).
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    if media.as_deref() != Some("application/json") && !faults.has(CoreFault::IgnoreContentType) {
        return Err(Reject::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            format!(
                "the body must be application/json, got {}",
                media.as_deref().unwrap_or("no Content-Type")
            ),
        ));
    }
    // 3. The body, within the size limit.
    let bytes = read_body(state, headers, body).await?;
    let json: Value = serde_json::from_slice(&bytes).map_err(|e| {
        Reject::bad_request(
            "INVALID_JSON",
            "the body is not JSON",
            vec![InvalidParam::new("/", format!("not JSON: {e}"))],
        )
    })?;
    // 4. The body's content (TS 29.222 APIInvokerEnrolmentDetails), every problem at once.
    let invalid = |params| {
        Reject::bad_request(
            "INVALID_PARAMETERS",
            "the APIInvokerEnrolmentDetails is not valid",
            params,
        )
    };
    let mut problems = validate_enrolment_post(&json);
    let adopted = faults
        .has(CoreFault::AdoptInvokerId)
        .then(|| json["apiInvokerId"].as_str().map(str::to_string))
        .flatten();
    if adopted.is_some() {
        problems.retain(|p| p.param != "/apiInvokerId");
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let mut details: ApiInvokerEnrolmentDetails = serde_json::from_value(json)
        .map_err(|e| invalid(vec![InvalidParam::new("/", e.to_string())]))?;
    let key = parse_invoker_public_key(&details.onboarding_information.api_invoker_public_key)
        .map_err(|e| {
            invalid(vec![InvalidParam::new(
                "/onboardingInformation/apiInvokerPublicKey",
                e.to_string(),
            )])
        })?;
    let variants = &state.settings.variants;
    if variants.has(CoreVariant::RsaOnly)
        && rcgen::PublicKeyData::algorithm(&key) != &rcgen::PKCS_RSA_SHA256
    {
        return Err(invalid(vec![InvalidParam::new(
            "/onboardingInformation/apiInvokerPublicKey",
            "only RSA keys are accepted",
        )]));
    }
    if variants.has(CoreVariant::Asynchronous) {
        // Accepted: the result would follow as an OnboardingNotification.
        return Ok(respond::empty(StatusCode::ACCEPTED));
    }
    // 5. Create the invoker: id, certificate, optional secret; store only on success.
    let mut registry = state.registry.lock().expect("registry lock");
    if let Some(existing) = registry.id_for_key(&key.spki_der) {
        return Err(Reject::new(
            StatusCode::FORBIDDEN,
            "INVOKER_ALREADY_ONBOARDED",
            format!("an API invoker with this public key is already onboarded ({existing})"),
        ));
    }
    let id = if let Some(id) = adopted {
        id
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
    let profile = CertProfile::Invoker {
        api_invoker_id: id.clone(),
        validity: state.settings.invoker_cert_validity,
    };
    let issuer = &state.issuer;
    let issued = if faults.has(CoreFault::CertForOtherKey) {
        let stranger = rcgen::KeyPair::generate().expect("key generation");
        issuer.issue(&profile, &stranger)
    } else {
        issuer.issue(&profile, &key)
    };
    let cert = issued.map_err(|e| {
        Reject::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "CERTIFICATE_ISSUANCE_FAILED",
            e.to_string(),
        )
    })?;
    registry.insert(Onboarded {
        api_invoker_id: id.clone(),
        spki_der: key.spki_der.clone(),
        certificate_der: cert.der().to_vec(),
    });
    drop(registry);
    details.api_invoker_id = Some(id.clone());
    details.onboarding_information.api_invoker_certificate =
        Some(format!("{}{}", cert.pem(), state.bundle_tail));
    details.onboarding_information.onboarding_secret =
        state.settings.issue_secret.then(|| random_hex(32));
    if faults.has(CoreFault::NoSecurityInformation) {
        details.onboarding_information.api_invoker_certificate = None;
        details.onboarding_information.onboarding_secret = None;
    }
    // The reference core supports no optional feature: negotiate every bit down.
    if details.supported_features.is_some() {
        details.supported_features = Some("0".into());
    }
    let mut resp = respond::json(StatusCode::CREATED, &details);
    let location = format!("{}{ONBOARDING_PATH}/{id}", state.settings.api_root);
    // Our ids are hex; only the adopt-invoker-id fault can bring a non-header-safe id here,
    // and a fault must not turn into a panic.
    if let Ok(value) = header::HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, value);
    }
    Ok(resp)
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

/// `DELETE /onboardedInvokers/{id}`: only over mutual TLS with the certificate issued to `id`.
pub fn offboard(state: &State, id: &str, client_cert: Option<&[u8]>) -> Resp {
    let Some(cert) = client_cert else {
        return respond::problem(
            StatusCode::FORBIDDEN,
            "CLIENT_CERTIFICATE_REQUIRED",
            "offboarding requires mutual TLS with the certificate issued at onboarding",
        );
    };
    let mut registry = state.registry.lock().expect("registry lock");
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
        Some(_) => {
            registry.remove(id);
            respond::empty(StatusCode::NO_CONTENT)
        }
    }
}

fn bearer_token(headers: &HeaderMap) -> Result<&str, Reject> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| {
            Reject::unauthorized("no onboarding credential: Authorization header missing")
        })?
        .to_str()
        .map_err(|_| Reject::unauthorized("the Authorization header is not ASCII"))?;
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Reject::unauthorized(format!(
            "the onboarding credential must be sent as Authorization: Bearer, got scheme {scheme:?}"
        )));
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(Reject::unauthorized("the Bearer token is empty"));
    }
    Ok(token)
}

async fn read_body(state: &State, headers: &HeaderMap, body: Incoming) -> Result<Bytes, Reject> {
    let limit = state.settings.max_body;
    let too_large = || {
        Reject::new(
            StatusCode::PAYLOAD_TOO_LARGE,
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
        Ok(Err(e)) => Err(Reject::new(
            StatusCode::BAD_REQUEST,
            "BODY_READ_FAILED",
            format!("the body could not be read: {e}"),
        )),
        Err(_) => Err(Reject::new(
            StatusCode::REQUEST_TIMEOUT,
            "BODY_TIMEOUT",
            "the body did not arrive in time",
        )),
    }
}

/// "INV" + 30 hex digits, the form OpenCAPIF uses.
fn new_invoker_id() -> String {
    format!("INV{}", &random_hex(15))
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .expect("the system random generator is available");
    hex::encode(b)
}
