//! Credentials the harness signs itself, so CCF-CRED-05/06 can present an expired credential
//! and one signed by an unknown key that differ from a valid one in exactly that respect:
//! with the test PKI's enrolment key (a core that trusts our `pki` bundle), or with the core's
//! own token key (`[core] credential_signing_key`, RS256/PS256/ES256), the claims copied from
//! the provisioned credential so everything else about them is what the core expects.

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value};

use super::{rsa_key_pair, Claims, TestPki};

/// A signing key and the claims to put in what it signs.
#[derive(Clone)]
pub struct Minter {
    alg: Algorithm,
    key: EncodingKey,
    kid: Option<String>,
    /// Claims copied into every token (`iat`, `nbf`, `exp`, `jti` are set per token).
    template: Map<String, Value>,
    /// What signs, for evidence.
    pub describe: String,
}

impl std::fmt::Debug for Minter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Minter")
            .field("alg", &self.alg)
            .field("describe", &self.describe)
            .finish_non_exhaustive()
    }
}

/// The algorithms `credential_signing_alg` accepts.
pub const SIGNING_ALGS: &[&str] = &["RS256", "PS256", "ES256"];

/// The claims of a JWT, without verifying it (to copy them).
pub fn jwt_claims(token: &str) -> Option<Map<String, Value>> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// The `alg` of a JWT's header, if it has one.
pub fn jwt_alg(token: &str) -> Option<String> {
    let header = token.split('.').next()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header.trim_end_matches('='))
        .ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v["alg"].as_str().map(str::to_string)
}

/// The provisioned `token` made unsecured (RFC 7519 §6): header `{"alg":"none"}`, the same
/// claims, no signature. Needs no key, so it works against any core.
pub fn unsecured_copy(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let header =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    Some(format!("{header}.{payload}."))
}

/// The `kid` of a JWT's header, if it has one.
fn jwt_kid(token: &str) -> Option<String> {
    let header = token.split('.').next()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header.trim_end_matches('='))
        .ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v["kid"].as_str().map(str::to_string)
}

impl Minter {
    /// Sign with the test PKI's enrolment key (ES256, the reference core's claims).
    pub fn harness(pki: &TestPki) -> Self {
        let claims = serde_json::to_value(Claims::valid_for("capif-conformance-invoker", 600))
            .expect("claims serialize");
        let Value::Object(template) = claims else {
            unreachable!("Claims is a struct")
        };
        Self {
            alg: Algorithm::ES256,
            key: EncodingKey::from_ec_der(&pki.enrolment.key.serialize_der()),
            kid: None,
            template,
            describe: "the test PKI's enrolment key (ES256)".into(),
        }
    }

    /// Sign with the core's own key (`pem`, PKCS#1 or PKCS#8), claims copied from
    /// `provisioned` (a valid credential of the core's issuer).
    pub fn from_pem(pem: &[u8], alg: &str, provisioned: &str) -> Result<Self, String> {
        let alg = match alg {
            "RS256" => Algorithm::RS256,
            "PS256" => Algorithm::PS256,
            "ES256" => Algorithm::ES256,
            other => {
                return Err(format!(
                    "{other:?} is not supported; use one of {}",
                    SIGNING_ALGS.join(", ")
                ))
            }
        };
        let key = match alg {
            Algorithm::ES256 => EncodingKey::from_ec_pem(pem),
            _ => EncodingKey::from_rsa_pem(pem),
        }
        .map_err(|e| format!("not a {alg:?} private key in PEM: {e}"))?;
        let template = jwt_claims(provisioned).ok_or_else(|| {
            "the provisioned credential is not a JWT, so its claims cannot be copied".to_string()
        })?;
        let minter = Self {
            alg,
            key,
            kid: jwt_kid(provisioned),
            template,
            describe: format!(
                "the core's own token key ({alg:?}), claims copied from the provisioned credential"
            ),
        };
        // Fail now, not in a scenario, when the key cannot sign with this algorithm.
        minter.try_mint(0, 60)?;
        Ok(minter)
    }

    fn try_mint(&self, from_secs: i64, until_secs: i64) -> Result<String, String> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mut claims = self.template.clone();
        claims.insert("iat".into(), Value::from(now.min(now + from_secs)));
        claims.insert("nbf".into(), Value::from(now + from_secs));
        claims.insert("exp".into(), Value::from(now + until_secs));
        claims.insert(
            "jti".into(),
            Value::from(hex::encode(super::new_serial().to_bytes())),
        );
        let mut header = Header::new(self.alg);
        header.typ = Some("JWT".into());
        header.kid = self.kid.clone();
        jsonwebtoken::encode(&header, &Value::Object(claims), &self.key)
            .map_err(|e| format!("cannot sign: {e}"))
    }

    /// A valid token with `claims` overriding the copied ones and `header` members added (a
    /// header jsonwebtoken cannot build, e.g. `crit`, so it is signed by hand).
    pub fn mint_with(&self, header: &[(&str, Value)], claims: &[(&str, Value)]) -> String {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mut body = self.template.clone();
        body.insert("iat".into(), Value::from(now));
        body.insert("nbf".into(), Value::from(now));
        body.insert("exp".into(), Value::from(now + 600));
        body.insert(
            "jti".into(),
            Value::from(hex::encode(super::new_serial().to_bytes())),
        );
        for (k, v) in claims {
            body.insert((*k).into(), v.clone());
        }
        let mut head = Map::new();
        head.insert("alg".into(), Value::from(format!("{:?}", self.alg)));
        head.insert("typ".into(), Value::from("JWT"));
        if let Some(kid) = &self.kid {
            head.insert("kid".into(), Value::from(kid.clone()));
        }
        for (k, v) in header {
            head.insert((*k).into(), v.clone());
        }
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(Value::Object(head).to_string()),
            URL_SAFE_NO_PAD.encode(Value::Object(body).to_string())
        );
        let signature = jsonwebtoken::crypto::sign(signing_input.as_bytes(), &self.key, self.alg)
            .expect("the key was checked when the minter was made");
        format!("{signing_input}.{signature}")
    }

    /// A token valid from `now + from_secs` until `now + until_secs`.
    pub fn mint(&self, from_secs: i64, until_secs: i64) -> String {
        self.try_mint(from_secs, until_secs)
            .expect("the key was checked when the minter was made")
    }

    /// A valid-looking token of the same algorithm and claims, signed by a fresh key the core
    /// cannot know (so a rejection is for the key, not for the algorithm).
    pub fn mint_with_unknown_key(&self) -> String {
        let key = match self.alg {
            Algorithm::ES256 => {
                let k = rcgen::KeyPair::generate().expect("P-256 key generation");
                EncodingKey::from_ec_der(&k.serialize_der())
            }
            _ => {
                use rsa::pkcs1::EncodeRsaPrivateKey;
                // rcgen's RSA key is PKCS#8; jsonwebtoken wants PKCS#1 DER.
                let k = rsa_key_pair(2048, &rcgen::PKCS_RSA_SHA256).expect("RSA key generation");
                let der = <rsa::RsaPrivateKey as rsa::pkcs8::DecodePrivateKey>::from_pkcs8_der(
                    &k.serialize_der(),
                )
                .expect("own key")
                .to_pkcs1_der()
                .expect("PKCS#1");
                EncodingKey::from_rsa_der(der.as_bytes())
            }
        };
        let stranger = Self {
            key,
            ..self.clone()
        };
        stranger.mint(0, 600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_claims_and_sets_the_window() {
        let pki = TestPki::generate(&["localhost".into()]).unwrap();
        let provisioned = pki.credential("someone", 900);
        let pem = pki.enrolment.key.serialize_pem();
        let m = Minter::from_pem(pem.as_bytes(), "ES256", &provisioned).unwrap();
        let expired = m.mint(-7200, -3600);
        let c = jwt_claims(&expired).unwrap();
        assert_eq!(c["sub"], "someone");
        assert_eq!(c["aud"], crate::pki::CREDENTIAL_AUDIENCE);
        assert!(c["exp"].as_i64().unwrap() < time::OffsetDateTime::now_utc().unix_timestamp());
        // A valid minted token verifies with the key; the unknown-key one does not.
        let point = pki.enrolment_point();
        assert!(crate::pki::verify_credential(&m.mint(0, 600), point).is_ok());
        assert!(crate::pki::verify_credential(&m.mint_with_unknown_key(), point).is_err());
        assert!(Minter::from_pem(pem.as_bytes(), "HS256", &provisioned).is_err());
        // A hand-signed token with an extra header member still verifies, unless it is crit.
        let extra = m.mint_with(&[("x-note", Value::from("hi"))], &[]);
        assert!(crate::pki::verify_credential(&extra, point).is_ok());
        let crit = m.mint_with(
            &[
                ("crit", serde_json::json!(["x-unknown"])),
                ("x-unknown", Value::from(1)),
            ],
            &[],
        );
        assert!(crate::pki::verify_credential(&crit, point).is_err());
        assert!(Minter::from_pem(b"not a key", "RS256", &provisioned).is_err());
        assert!(Minter::from_pem(pem.as_bytes(), "ES256", "opaque").is_err());
    }

    #[test]
    fn rsa_keys_sign_and_strangers_differ() {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        let k = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let pem = k.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).unwrap();
        let pki = TestPki::generate(&["localhost".into()]).unwrap();
        let m = Minter::from_pem(pem.as_bytes(), "RS256", &pki.credential("x", 60)).unwrap();
        let pub_pem = rsa::pkcs1::EncodeRsaPublicKey::to_pkcs1_pem(
            &k.to_public_key(),
            rsa::pkcs8::LineEnding::LF,
        )
        .unwrap();
        let dk = jsonwebtoken::DecodingKey::from_rsa_pem(pub_pem.as_bytes()).unwrap();
        let mut v = jsonwebtoken::Validation::new(Algorithm::RS256);
        v.validate_aud = false;
        assert!(jsonwebtoken::decode::<Value>(&m.mint(0, 60), &dk, &v).is_ok());
        assert!(jsonwebtoken::decode::<Value>(&m.mint_with_unknown_key(), &dk, &v).is_err());
    }
}
