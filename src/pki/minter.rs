//! Credentials the harness signs itself, so CCF-CRED-05/06 can present an expired credential
//! and one signed by an unknown key that differ from a valid one in exactly that respect:
//! with the test PKI's enrolment key (a core that trusts our `pki` bundle), or with the core's
//! own token key (`[core] credential_signing_key`, RS256/PS256/ES256), the claims copied from
//! the provisioned credential so everything else about them is what the core expects.

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey};
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
    /// The verification key as SubjectPublicKeyInfo PEM, when it can be derived (the HMAC
    /// secret of the key-confusion attack, CCF-CRED-14).
    public_pem: Option<String>,
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

/// A credential the harness crafted, as its evidence shows it: the decoded JOSE header and
/// claims (what the test is about, and no secret: a JWS does not hide them) with only the
/// signature masked, since without it the token cannot be replayed. None when `token` is not
/// a three-part JWS whose header and claims are JSON.
pub fn describe_crafted(token: &str) -> Option<String> {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let json = |part: &str| -> Option<Value> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part.trim_end_matches('='))
            .ok()?;
        serde_json::from_slice(&bytes).ok()
    };
    let signature = if signature.is_empty() {
        "no signature".to_string()
    } else {
        format!("signature masked ({} chars)", signature.len())
    };
    Some(format!(
        "credential sent: JOSE header {}, claims {}, {signature}",
        json(header)?,
        json(payload)?
    ))
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
            public_pem: Some(super::p256_spki_pem(pki.enrolment_point())),
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
            public_pem: public_pem_of(pem),
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
        self.try_sign(
            &[],
            &[
                ("iat", Value::from(now.min(now + from_secs))),
                ("nbf", Value::from(now + from_secs)),
                ("exp", Value::from(now + until_secs)),
            ],
        )
    }

    /// A valid token with `claims` overriding the copied ones (`null` removes one) and
    /// `header` members added (a header jsonwebtoken cannot build, e.g. `crit`, so it is
    /// signed by hand).
    pub fn mint_with(&self, header: &[(&str, Value)], claims: &[(&str, Value)]) -> String {
        self.try_sign(header, claims)
            .expect("the key was checked when the minter was made")
    }

    fn try_sign(
        &self,
        header: &[(&str, Value)],
        claims: &[(&str, Value)],
    ) -> Result<String, String> {
        let signing_input = self.signing_input(header, claims);
        let signature = jsonwebtoken::crypto::sign(signing_input.as_bytes(), &self.key, self.alg)
            .map_err(|e| format!("cannot sign: {e}"))?;
        Ok(format!("{signing_input}.{signature}"))
    }

    /// The key-confusion forgery (RFC 8725 §2.1): the same claims with `alg: HS256`, MACed
    /// with the verification public key's SPKI PEM as the secret. `None` when the public key
    /// is not known.
    pub fn mint_key_confused(&self) -> Option<String> {
        let secret = self.public_pem.as_ref()?;
        let confused = Self {
            alg: Algorithm::HS256,
            key: EncodingKey::from_secret(secret.as_bytes()),
            ..self.clone()
        };
        Some(confused.mint_with(&[], &[]))
    }

    fn signing_input(&self, header: &[(&str, Value)], claims: &[(&str, Value)]) -> String {
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
            if v.is_null() {
                body.remove(*k);
            } else {
                body.insert((*k).into(), v.clone());
            }
        }
        signing_input(self.alg, self.kid.as_deref(), header, body)
    }

    /// A token valid from `now + from_secs` until `now + until_secs`.
    pub fn mint(&self, from_secs: i64, until_secs: i64) -> String {
        self.try_mint(from_secs, until_secs)
            .expect("the key was checked when the minter was made")
    }

    /// A valid-looking token of the same algorithm and claims, signed by a fresh key the core
    /// cannot know (so a rejection is for the key, not for the algorithm).
    pub fn mint_with_unknown_key(&self) -> String {
        let (_, key, _) = fresh_key(self.alg);
        let stranger = Self {
            key,
            ..self.clone()
        };
        stranger.mint(0, 600)
    }
}

/// A fresh key pair for `alg` (ES256: P-256; RS256/PS256: RSA 2048, slow: call it off the
/// async threads): the rcgen pair (to certify it), the signing key, and the public key as a
/// JWK (RFC 7518 §6).
fn fresh_key(alg: Algorithm) -> (rcgen::KeyPair, EncodingKey, Value) {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    if alg == Algorithm::ES256 {
        let k = rcgen::KeyPair::generate().expect("P-256 key generation");
        let point = k.public_key_raw();
        let jwk = serde_json::json!({
            "kty": "EC", "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        });
        let key = EncodingKey::from_ec_der(&k.serialize_der());
        return (k, key, jwk);
    }
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::traits::PublicKeyParts;
    // rcgen's RSA key is PKCS#8; jsonwebtoken wants PKCS#1 DER.
    let k = rsa_key_pair(2048, &rcgen::PKCS_RSA_SHA256).expect("RSA key generation");
    let private =
        <rsa::RsaPrivateKey as rsa::pkcs8::DecodePrivateKey>::from_pkcs8_der(&k.serialize_der())
            .expect("own key");
    let jwk = serde_json::json!({
        "kty": "RSA",
        "n": URL_SAFE_NO_PAD.encode(private.n().to_bytes_be()),
        "e": URL_SAFE_NO_PAD.encode(private.e().to_bytes_be()),
    });
    let der = private.to_pkcs1_der().expect("PKCS#1");
    (k, EncodingKey::from_rsa_der(der.as_bytes()), jwk)
}

/// The SubjectPublicKeyInfo PEM of a private key in PEM (PKCS#8, or PKCS#1 RSA), if it can
/// be derived.
fn public_pem_of(private_pem: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(private_pem).ok()?;
    if let Ok(k) = rcgen::KeyPair::from_pem(text) {
        return Some(k.public_key_pem());
    }
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::EncodePublicKey;
    let k = rsa::RsaPrivateKey::from_pkcs1_pem(text).ok()?;
    k.to_public_key()
        .to_public_key_pem(rsa::pkcs8::LineEnding::LF)
        .ok()
}

/// The provisioned `token` re-signed by a fresh key whose public half rides in the header as
/// `jwk` (RFC 7515 §4.1.3): same claims, same `alg` family (ES256 unless the token is
/// RS256/PS256), same `kid`. A key the token names for itself authenticates no one, so this
/// needs no key of the core and works against any core. Slow for RSA: off the async threads.
pub fn embedded_jwk_copy(token: &str) -> Option<String> {
    let alg = same_family(token);
    let (_, key, jwk) = fresh_key(alg);
    resign(token, alg, &key, &[("jwk", jwk)])
}

/// `base64url(header).base64url(claims)`: header `alg`, `typ: JWT`, `kid` if any, then
/// `extra` members (overriding).
fn signing_input(
    alg: Algorithm,
    kid: Option<&str>,
    extra: &[(&str, Value)],
    claims: Map<String, Value>,
) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut head = Map::new();
    head.insert("alg".into(), Value::from(format!("{alg:?}")));
    head.insert("typ".into(), Value::from("JWT"));
    if let Some(kid) = kid {
        head.insert("kid".into(), Value::from(kid));
    }
    for (k, v) in extra {
        head.insert((*k).into(), v.clone());
    }
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(Value::Object(head).to_string()),
        URL_SAFE_NO_PAD.encode(Value::Object(claims).to_string())
    )
}

/// The `alg` a forgery of `token` uses: ES256 unless the token is RS256/PS256, so a
/// rejection is for the key, not for the algorithm.
fn same_family(token: &str) -> Algorithm {
    match jwt_alg(token).as_deref() {
        Some("RS256") => Algorithm::RS256,
        Some("PS256") => Algorithm::PS256,
        _ => Algorithm::ES256,
    }
}

/// `token`'s claims (and `kid`) re-signed with `key` under `alg`, `header` members added.
fn resign(
    token: &str,
    alg: Algorithm,
    key: &EncodingKey,
    header: &[(&str, Value)],
) -> Option<String> {
    let claims = jwt_claims(token)?;
    let signing_input = signing_input(alg, jwt_kid(token).as_deref(), header, claims);
    let signature = jsonwebtoken::crypto::sign(signing_input.as_bytes(), key, alg).ok()?;
    Some(format!("{signing_input}.{signature}"))
}

/// Which header member names the URL of the forgery's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUrl {
    /// `jku`: a JWK Set (RFC 7515 §4.1.2).
    Jku,
    /// `x5u`: an X.509 certificate (RFC 7515 §4.1.5).
    X5u,
}

impl KeyUrl {
    /// The header member.
    pub fn member(self) -> &'static str {
        match self {
            KeyUrl::Jku => "jku",
            KeyUrl::X5u => "x5u",
        }
    }
}

/// The `kid` of the key a URL-keyed forgery names.
pub const FORGED_KID: &str = "capif-conformance-forged";

/// A forgery whose key is served at a URL the token names, and what to serve there.
#[derive(Debug, Clone)]
pub struct UrlKeyed {
    /// The token.
    pub token: String,
    /// The JWK Set with the forging key (served for `jku`).
    pub jwks: Value,
    /// A self-signed certificate of the forging key, PEM (served for `x5u`).
    pub certificate_pem: String,
}

/// The provisioned `token` re-signed by a fresh key that `url` (named by `jku` or `x5u`)
/// serves: same claims, same `alg` family, `kid` [`FORGED_KID`]. Like [`embedded_jwk_copy`],
/// a key the token points to authenticates no one. Slow for RSA: off the async threads.
pub fn url_keyed_copy(token: &str, how: KeyUrl, url: &str) -> Option<UrlKeyed> {
    let alg = same_family(token);
    let (pair, key, mut jwk) = fresh_key(alg);
    jwk["kid"] = Value::from(FORGED_KID);
    jwk["alg"] = Value::from(format!("{alg:?}"));
    jwk["use"] = Value::from("sig");
    let cert = rcgen::CertificateParams::new(vec!["capif-conformance-forged-key".to_string()])
        .ok()?
        .self_signed(&pair)
        .ok()?;
    // The provisioned kid is replaced: the served key is the one named.
    let header = [
        (how.member(), Value::from(url)),
        ("kid", Value::from(FORGED_KID)),
    ];
    Some(UrlKeyed {
        token: resign(token, alg, &key, &header)?,
        jwks: serde_json::json!({ "keys": [jwk] }),
        certificate_pem: cert.pem(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 27, point 10: the evidence of a crafted credential shows its header and claims
    /// decoded and masks only the signature, and survives the report's scrubbing.
    #[test]
    fn a_crafted_credential_is_shown_decoded_with_its_signature_masked() {
        let pki = TestPki::generate(&["localhost".into()]).unwrap();
        let provisioned = pki.credential("someone", 900);
        let pem = pki.enrolment.key.serialize_pem();
        let m = Minter::from_pem(pem.as_bytes(), "ES256", &provisioned).unwrap();
        let token = m.mint_with(
            &[],
            &[("aud", serde_json::json!("https://elsewhere.invalid/"))],
        );
        let signature = token.rsplit('.').next().unwrap();
        let shown = crate::evidence::scrub(&describe_crafted(&token).unwrap());
        assert!(shown.contains(r#""alg":"ES256""#), "{shown}");
        assert!(
            shown.contains(r#""aud":"https://elsewhere.invalid/""#),
            "{shown}"
        );
        assert!(shown.contains(r#""sub":"someone""#), "{shown}");
        assert!(shown.contains(&format!("signature masked ({} chars)", signature.len())));
        assert!(
            !shown.contains(signature) && !shown.contains("eyJ"),
            "{shown}"
        );
        let unsecured = describe_crafted(&unsecured_copy(&token).unwrap()).unwrap();
        assert!(unsecured.contains(r#""alg":"none""#) && unsecured.ends_with("no signature"));
        assert_eq!(describe_crafted("this-is-not-a-jwt"), None);
        assert_eq!(describe_crafted("a.b.c.d"), None);
    }

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
    fn forgeries_are_refused_strictly_and_accepted_by_the_faulty_verifier() {
        let pki = TestPki::generate(&["localhost".into()]).unwrap();
        let point = pki.enrolment_point();
        let m = Minter::harness(&pki);
        let strict = crate::pki::verify_credential;
        let lenient = |t: &str, skip| crate::pki::verify_credential_leniently(t, point, skip);
        // Key confusion: HS256 over the same claims, the SPKI PEM as the secret.
        let confused = m.mint_key_confused().unwrap();
        assert_eq!(jwt_alg(&confused).as_deref(), Some("HS256"));
        assert!(strict(&confused, point).is_err());
        let confusion = crate::pki::Lenience {
            hmac_with_public_key: true,
            ..Default::default()
        };
        assert!(lenient(&confused, confusion).is_ok());
        // The secret is exactly the PEM rcgen writes for the enrolment key.
        assert_eq!(
            crate::pki::p256_spki_pem(point),
            pki.enrolment.key.public_key_pem()
        );
        // An embedded jwk: a fresh key, the same claims.
        let provisioned = pki.credential("someone", 600);
        let jwk = embedded_jwk_copy(&provisioned).unwrap();
        assert_eq!(jwt_claims(&jwk), jwt_claims(&provisioned));
        assert_eq!(crate::pki::jwt_header(&jwk).unwrap()["jwk"]["kty"], "EC");
        assert!(strict(&jwk, point).is_err());
        let trusting = crate::pki::Lenience {
            embedded_jwk: true,
            ..Default::default()
        };
        assert!(lenient(&jwk, trusting).is_ok());
        assert!(embedded_jwk_copy("opaque").is_none());
        // No exp: refused unless the fault allows it.
        let no_exp = m.mint_with(&[], &[("exp", Value::Null)]);
        assert!(jwt_claims(&no_exp).unwrap().get("exp").is_none());
        assert!(strict(&no_exp, point).is_err());
        let forever = crate::pki::Lenience {
            missing_exp: true,
            ..Default::default()
        };
        assert!(lenient(&no_exp, forever).is_ok());
        // URL-keyed: the served JWK and certificate verify the forgery, the enrolment key not.
        for how in [KeyUrl::Jku, KeyUrl::X5u] {
            let f = url_keyed_copy(&provisioned, how, "https://192.0.2.1:1/k").unwrap();
            let h = crate::pki::jwt_header(&f.token).unwrap();
            assert_eq!(h[how.member()], "https://192.0.2.1:1/k");
            assert_eq!(h["kid"], FORGED_KID);
            assert_eq!(jwt_claims(&f.token), jwt_claims(&provisioned));
            assert!(strict(&f.token, point).is_err());
            let set: jsonwebtoken::jwk::JwkSet = serde_json::from_value(f.jwks.clone()).unwrap();
            let served = jsonwebtoken::DecodingKey::from_jwk(&set.keys[0]).unwrap();
            assert!(
                crate::pki::verify_credential_with_key(&f.token, Algorithm::ES256, &served).is_ok()
            );
            let der = crate::pki::pem_to_der(&f.certificate_pem).unwrap();
            let (_, cert) =
                <x509_parser::certificate::X509Certificate as x509_parser::prelude::FromDer<
                    '_,
                    x509_parser::error::X509Error,
                >>::from_der(&der)
                .unwrap();
            let from_cert =
                jsonwebtoken::DecodingKey::from_ec_der(&cert.public_key().subject_public_key.data);
            assert!(
                crate::pki::verify_credential_with_key(&f.token, Algorithm::ES256, &from_cert)
                    .is_ok()
            );
        }
        // Each fault opens only its own door.
        assert!(lenient(&confused, trusting).is_err());
        assert!(lenient(&jwk, forever).is_err());
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
        // The public half is derived from PKCS#1, and the key-confused token is MACed with it.
        let spki = rsa::pkcs8::EncodePublicKey::to_public_key_pem(
            &k.to_public_key(),
            rsa::pkcs8::LineEnding::LF,
        )
        .unwrap();
        let confused = m.mint_key_confused().unwrap();
        let mut hv = jsonwebtoken::Validation::new(Algorithm::HS256);
        hv.validate_aud = false;
        let secret = jsonwebtoken::DecodingKey::from_secret(spki.as_bytes());
        assert!(jsonwebtoken::decode::<Value>(&confused, &secret, &hv).is_ok());
        // A re-signed RS256 credential carries an RSA jwk.
        let jwk = embedded_jwk_copy(&m.mint(0, 60)).unwrap();
        assert_eq!(crate::pki::jwt_header(&jwk).unwrap()["jwk"]["kty"], "RSA");
        assert_eq!(jwt_alg(&jwk).as_deref(), Some("RS256"));
    }
}
