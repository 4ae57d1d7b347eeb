//! The onboarding decision, written once: what a strict CAPIF core accepts as an Onboard API
//! Invoker Request and how it refuses the rest. Both the reference core (over hyper) and the
//! harness-played core (over its own sockets) call it; neither re-implements a rule. No hyper or
//! socket types here: the callers adapt the request in and the [`Rejection`] out.
//!
//! Two stages, because the reference core judges the credential before it reads the body (a
//! request without credential is a 401 whatever its size): [`check_credential`], then
//! [`check_request`].

use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

use crate::model::{
    bearer_token, validate_enrolment_post, ApiInvokerEnrolmentDetails, InvalidParam, ProblemDetails,
};
use crate::pki::{parse_invoker_public_key, verify_credential_leniently, Lenience, SubjectKey};

/// What the decision may overlook: nothing for a strict core; one rule each for the faults and
/// legitimate variants of the reference core that prove the harness's checks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rules<'a> {
    /// The enrolment key's uncompressed P-256 point: credentials must be ES256 by it.
    pub enrolment_point: &'a [u8],
    /// Credential checks left out (faults).
    pub lenience: Lenience,
    /// Accept any credential, or none (`accept-any-credential`).
    pub any_credential: bool,
    /// Accept an unsecured (`alg: none`) credential (`accept-alg-none`).
    pub alg_none: bool,
    /// Accept any media type (`ignore-content-type`).
    pub any_media_type: bool,
    /// Keep an `apiInvokerId` the invoker chose (`adopt-invoker-id`).
    pub adopt_invoker_id: bool,
    /// Accept RSA keys only (the legitimate `rsa-only` variant).
    pub rsa_only: bool,
}

impl<'a> Rules<'a> {
    /// The strict rules for credentials of the enrolment key at `enrolment_point`.
    pub fn strict(enrolment_point: &'a [u8]) -> Self {
        Self {
            enrolment_point,
            ..Self::default()
        }
    }
}

/// Why a request is refused: becomes a ProblemDetails whose `status` is the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// HTTP status.
    pub status: u16,
    /// `cause` of the ProblemDetails.
    pub cause: &'static str,
    /// `detail`.
    pub detail: String,
    /// `invalidParams` (empty: left out).
    pub params: Vec<InvalidParam>,
}

impl Rejection {
    /// A rejection without invalid parameters.
    pub fn new(status: u16, cause: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            cause,
            detail: detail.into(),
            params: Vec::new(),
        }
    }

    /// 401 for the onboarding credential.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(401, "INVALID_ONBOARDING_CREDENTIAL", detail)
    }

    fn invalid(params: Vec<InvalidParam>) -> Self {
        Self {
            params,
            ..Self::new(
                400,
                "INVALID_PARAMETERS",
                "the APIInvokerEnrolmentDetails is not valid",
            )
        }
    }

    /// The ProblemDetails body (TS 29.122 §5.2.6).
    pub fn problem_details(&self) -> ProblemDetails {
        let reason = http::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error");
        let mut pd = ProblemDetails::new(self.status, reason, self.detail.clone(), self.cause);
        if !self.params.is_empty() {
            pd.invalid_params = Some(self.params.clone());
        }
        pd
    }
}

/// Stage 1, the onboarding credential (TS 33.122 §6.1): `Authorization: Bearer` with an ES256
/// JWT by the enrolment key, valid now, for this audience. `fetched` is a key a fault resolved
/// from the token's own header (`follow-jku` / `follow-x5u`); a strict core never has one.
pub fn check_credential(
    authorization: Option<&str>,
    rules: &Rules<'_>,
    fetched: Option<(Algorithm, &DecodingKey)>,
) -> Result<(), Rejection> {
    if rules.any_credential {
        return Ok(());
    }
    let value = authorization.ok_or_else(|| {
        Rejection::unauthorized("no onboarding credential: Authorization header missing")
    })?;
    let token = bearer_token(value).ok_or_else(|| {
        let scheme = value.split_whitespace().next().unwrap_or("");
        Rejection::unauthorized(if scheme.eq_ignore_ascii_case("bearer") {
            "the Bearer token is empty".to_string()
        } else {
            format!(
                "the onboarding credential must be sent as Authorization: Bearer, got scheme {scheme:?}"
            )
        })
    })?;
    if rules.alg_none && crate::pki::jwt_alg(token).as_deref() == Some("none") {
        return Ok(());
    }
    let verified = match fetched {
        Some((alg, key)) => crate::pki::verify_credential_with_key(token, alg, key),
        None => verify_credential_leniently(token, rules.enrolment_point, rules.lenience),
    };
    verified
        .map(|_| ())
        .map_err(|e| Rejection::unauthorized(e.to_string()))
}

/// A request that passed stage 2.
#[derive(Debug, Clone)]
pub struct Validated {
    /// The body, parsed.
    pub details: ApiInvokerEnrolmentDetails,
    /// The invoker's public key (from the CSR or SPKI).
    pub key: SubjectKey,
    /// The id the invoker chose, kept only under `adopt-invoker-id`.
    pub adopted_id: Option<String>,
}

/// Stage 2, the request itself: `application/json` (TS 29.222 §8.4.2.2.3.1), JSON, a valid
/// APIInvokerEnrolmentDetails with every problem named at once (TS 29.122 §5.2.6
/// invalidParams), and a usable public key.
pub fn check_request(
    content_type: Option<&str>,
    body: &[u8],
    rules: &Rules<'_>,
) -> Result<Validated, Rejection> {
    check_media_type(content_type, rules)?;
    check_body(body, rules)
}

/// The media type alone (a core may refuse before it reads the body).
pub fn check_media_type(content_type: Option<&str>, rules: &Rules<'_>) -> Result<(), Rejection> {
    let media = content_type.map(|v| {
        v.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    if media.as_deref() != Some("application/json") && !rules.any_media_type {
        return Err(Rejection::new(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            format!(
                "the body must be application/json, got {}",
                media.as_deref().unwrap_or("no Content-Type")
            ),
        ));
    }
    Ok(())
}

fn check_body(body: &[u8], rules: &Rules<'_>) -> Result<Validated, Rejection> {
    let json: Value = serde_json::from_slice(body).map_err(|e| Rejection {
        params: vec![InvalidParam::new("/", format!("not JSON: {e}"))],
        ..Rejection::new(400, "INVALID_JSON", "the body is not JSON")
    })?;
    let mut problems = validate_enrolment_post(&json);
    let adopted_id = rules
        .adopt_invoker_id
        .then(|| json["apiInvokerId"].as_str().map(str::to_string))
        .flatten();
    if adopted_id.is_some() {
        problems.retain(|p| p.param != "/apiInvokerId");
    }
    if !problems.is_empty() {
        return Err(Rejection::invalid(problems));
    }
    let details: ApiInvokerEnrolmentDetails = serde_json::from_value(json)
        .map_err(|e| Rejection::invalid(vec![InvalidParam::new("/", e.to_string())]))?;
    const KEY: &str = "/onboardingInformation/apiInvokerPublicKey";
    let key = parse_invoker_public_key(&details.onboarding_information.api_invoker_public_key)
        .map_err(|e| Rejection::invalid(vec![InvalidParam::new(KEY, e.to_string())]))?;
    if rules.rsa_only && rcgen::PublicKeyData::algorithm(&key) != &rcgen::PKCS_RSA_SHA256 {
        return Err(Rejection::invalid(vec![InvalidParam::new(
            KEY,
            "only RSA keys are accepted",
        )]));
    }
    Ok(Validated {
        details,
        key,
        adopted_id,
    })
}

/// The 201 body: the request's details with the assigned id and the issued certificate; every
/// optional feature negotiated down (a strict core supports none).
pub fn created_details(
    mut details: ApiInvokerEnrolmentDetails,
    api_invoker_id: &str,
    certificate_pem: Option<String>,
    onboarding_secret: Option<String>,
) -> ApiInvokerEnrolmentDetails {
    details.api_invoker_id = Some(api_invoker_id.to_string());
    details.onboarding_information.api_invoker_certificate = certificate_pem;
    details.onboarding_information.onboarding_secret = onboarding_secret;
    if details.supported_features.is_some() {
        details.supported_features = Some("0".into());
    }
    details
}

/// "INV" + 30 hex digits, the form OpenCAPIF uses.
pub fn new_invoker_id() -> String {
    format!("INV{}", random_hex(15))
}

/// `bytes` random bytes as hex.
pub fn random_hex(bytes: usize) -> String {
    use ring::rand::SecureRandom;
    let mut b = vec![0u8; bytes];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .expect("the system random generator is available");
    hex::encode(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{enrolment_request, InvokerKey, KeyKind, TestPki};

    fn pki() -> TestPki {
        TestPki::generate(&["localhost".into()]).unwrap()
    }

    #[test]
    fn the_credential_stage_names_each_defect() {
        let pki = pki();
        let rules = Rules::strict(pki.enrolment_point());
        let good = format!("Bearer {}", pki.credential("i", 600));
        assert_eq!(check_credential(Some(&good), &rules, None), Ok(()));
        let lower = good.replacen("Bearer", "bearer", 1);
        assert_eq!(check_credential(Some(&lower), &rules, None), Ok(()));
        for (header, says) in [
            (None, "missing"),
            (Some("Basic abc"), "scheme \"Basic\""),
            (Some("Bearer "), "empty"),
            (Some("Bearer not-a-jwt"), "well-formed"),
        ] {
            let r = check_credential(header, &rules, None).unwrap_err();
            assert_eq!((r.status, r.cause), (401, "INVALID_ONBOARDING_CREDENTIAL"));
            assert!(r.detail.contains(says), "{header:?}: {}", r.detail);
        }
        let lenient = Rules {
            any_credential: true,
            ..rules
        };
        assert_eq!(check_credential(None, &lenient, None), Ok(()));
    }

    #[test]
    fn the_request_stage_names_every_problem() {
        let key = InvokerKey::generate(KeyKind::P256);
        let body = serde_json::to_vec(&{
            let who = crate::pki::IdentityIssuer::new(Default::default()).next();
            enrolment_request(&key.csr(&who), &who.information)
        })
        .unwrap();
        let rules = Rules::strict(&[]);
        let ok = check_request(Some("application/json; charset=utf-8"), &body, &rules).unwrap();
        assert!(ok.adopted_id.is_none());
        assert_eq!(
            check_request(Some("text/plain"), &body, &rules)
                .unwrap_err()
                .status,
            415
        );
        assert_eq!(check_request(None, &body, &rules).unwrap_err().status, 415);
        let not_json = check_request(Some("application/json"), b"{", &rules).unwrap_err();
        assert_eq!((not_json.status, not_json.cause), (400, "INVALID_JSON"));
        let empty = check_request(Some("application/json"), b"{}", &rules).unwrap_err();
        assert_eq!(empty.status, 400);
        assert!(empty.params.len() >= 2, "{:?}", empty.params);
        let pd = empty.problem_details();
        assert_eq!(pd.status, Some(400));
        assert!(pd.invalid_params.is_some());
        // RSA-only refuses the P-256 key, naming the field.
        let rsa_only = Rules {
            rsa_only: true,
            ..rules
        };
        let r = check_request(Some("application/json"), &body, &rsa_only).unwrap_err();
        assert_eq!(
            r.params[0].param,
            "/onboardingInformation/apiInvokerPublicKey"
        );
    }

    #[test]
    fn ids_have_the_opencapif_form() {
        let id = new_invoker_id();
        assert_eq!(id.len(), 33);
        assert!(id.starts_with("INV") && id[3..].bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(new_invoker_id(), id);
    }
}
