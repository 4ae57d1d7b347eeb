//! Onboarding credentials: ES256 JWTs signed by the enrolment key (TS 33.122 §6.1: "shall be
//! a JWT (RFC 7519) with a JWS signature (RFC 7515)").

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rcgen::KeyPair;
use serde::{Deserialize, Serialize};

/// `iss` of the credentials the test PKI mints.
pub const CREDENTIAL_ISSUER: &str = "capif-conformance-enrolment";
/// `aud` the reference core requires.
pub const CREDENTIAL_AUDIENCE: &str = "capif-onboarding";

/// The claims of an onboarding credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Subject: the invoker the credential was provisioned for.
    pub sub: String,
    /// Audience: the onboarding service.
    pub aud: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Not before.
    pub nbf: i64,
    /// Expiry. Defaults to 0 only so the `accept-no-exp` fault can decode a token without
    /// one; the strict verifier requires the claim.
    #[serde(default)]
    pub exp: i64,
    /// Unique id.
    pub jti: String,
}

impl Claims {
    /// Claims valid from now for `lifetime_secs`.
    pub fn valid_for(sub: &str, lifetime_secs: i64) -> Self {
        Self::window(sub, 0, lifetime_secs)
    }

    /// Claims valid from `now + from_secs` until `now + until_secs` (negative: in the past).
    pub fn window(sub: &str, from_secs: i64, until_secs: i64) -> Self {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        Self {
            iss: CREDENTIAL_ISSUER.into(),
            sub: sub.into(),
            aud: CREDENTIAL_AUDIENCE.into(),
            iat: now,
            nbf: now + from_secs,
            exp: now + until_secs,
            jti: hex::encode(super::new_serial().to_bytes()),
        }
    }
}

/// Why a credential was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// Not three base64url parts with JSON inside.
    #[error("the credential is not a well-formed JWT")]
    Malformed,
    /// `alg` is not ES256.
    #[error("the credential is not signed with ES256")]
    WrongAlgorithm,
    /// Signature does not verify with the enrolment key.
    #[error("the credential's signature does not verify with the enrolment key")]
    BadSignature,
    /// `exp` has passed.
    #[error("the credential has expired")]
    Expired,
    /// `nbf` is in the future.
    #[error("the credential is not valid yet")]
    NotYetValid,
    /// `aud` or `iss` is not the expected one, or a required claim is missing.
    #[error("the credential's claims are not acceptable: {0}")]
    Claims(String),
}

/// Sign `claims` with the enrolment key (ES256, `typ: JWT`).
pub fn mint_credential(enrolment_key: &KeyPair, claims: &Claims) -> String {
    let key = EncodingKey::from_ec_der(&enrolment_key.serialize_der());
    let mut header = Header::new(Algorithm::ES256);
    header.typ = Some("JWT".into());
    jsonwebtoken::encode(&header, claims, &key).expect("an ES256 key from rcgen always signs")
}

/// Verify a credential: ES256 signature by the enrolment key whose uncompressed EC point is
/// `enrolment_point`, `exp`/`nbf` (no leeway: the harness mints tokens that are off by hours,
/// and a strict core should not guess), `iss` and `aud`.
pub fn verify_credential(token: &str, enrolment_point: &[u8]) -> Result<Claims, CredentialError> {
    verify_credential_with(token, enrolment_point, true)
}

/// What a verification may skip: nothing for the reference core; one check each for the
/// faults that prove the harness catches a core skipping it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lenience {
    /// Accept an expired credential (`accept-expired-credential`).
    pub expired: bool,
    /// Accept any audience (`ignore-aud`).
    pub audience: bool,
    /// Accept a credential that is not valid yet (`ignore-nbf`).
    pub not_before: bool,
    /// Accept an unknown critical header parameter (`ignore-crit`).
    pub critical: bool,
    /// Verify an HS256 token with the enrolment public key (SPKI PEM) as the HMAC secret
    /// (`hs256-key-confusion`: the algorithm is taken from the token, RFC 8725 §2.1).
    pub hmac_with_public_key: bool,
    /// Verify with the P-256 `jwk` the token's header carries (`trust-embedded-jwk`).
    pub embedded_jwk: bool,
    /// Accept a token without `exp` (`accept-no-exp`).
    pub missing_exp: bool,
}

/// The SubjectPublicKeyInfo PEM of an uncompressed P-256 point, as `openssl pkey -pubout`
/// writes it: the bytes a key-confused verifier uses as its HMAC secret.
pub fn p256_spki_pem(point: &[u8]) -> String {
    // id-ecPublicKey with prime256v1, then the BIT STRING of the point (RFC 5480 §2).
    const PREFIX: [u8; 26] = [
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
        0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ];
    let mut der = PREFIX.to_vec();
    der.extend_from_slice(point);
    pem::encode_config(
        &pem::Pem::new("PUBLIC KEY", der),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

/// [`verify_credential`], optionally without the `exp` check (only for the
/// `accept-expired-credential` fault of the reference core).
pub fn verify_credential_with(
    token: &str,
    enrolment_point: &[u8],
    check_expiry: bool,
) -> Result<Claims, CredentialError> {
    verify_credential_leniently(
        token,
        enrolment_point,
        Lenience {
            expired: !check_expiry,
            ..Lenience::default()
        },
    )
}

/// [`verify_credential`] with the checks `skip` names left out (faults only). An unknown
/// `crit` header parameter makes the JWS invalid (RFC 7515 §4.1.11): this verifier
/// understands no extension, so any `crit` is refused.
pub fn verify_credential_leniently(
    token: &str,
    enrolment_point: &[u8],
    skip: Lenience,
) -> Result<Claims, CredentialError> {
    let header = jwt_header(token).unwrap_or_default();
    if !skip.critical && header.get("crit").is_some() {
        return Err(CredentialError::Claims(
            "an unknown critical header parameter (crit)".into(),
        ));
    }
    let (alg, key) = verification_key(&header, enrolment_point, skip);
    validate(token, alg, &key, skip)
}

/// Verify `token` with `key` under `alg` (the `follow-jku` / `follow-x5u` faults hand the key
/// they fetched), the claims checked as [`verify_credential`] does.
pub fn verify_credential_with_key(
    token: &str,
    alg: Algorithm,
    key: &DecodingKey,
) -> Result<Claims, CredentialError> {
    validate(token, alg, key, Lenience::default())
}

fn validate(
    token: &str,
    alg: Algorithm,
    key: &DecodingKey,
    skip: Lenience,
) -> Result<Claims, CredentialError> {
    use jsonwebtoken::errors::ErrorKind as K;
    let check_expiry = !skip.expired;
    let mut v = Validation::new(alg);
    v.validate_exp = check_expiry;
    v.leeway = 0;
    v.validate_nbf = !skip.not_before;
    if skip.audience {
        v.validate_aud = false;
    } else {
        v.set_audience(&[CREDENTIAL_AUDIENCE]);
    }
    v.set_issuer(&[CREDENTIAL_ISSUER]);
    if check_expiry && !skip.missing_exp {
        v.set_required_spec_claims(&["exp", "nbf", "aud", "iss", "sub"]);
    } else {
        v.set_required_spec_claims(&["nbf", "aud", "iss", "sub"]);
    }
    jsonwebtoken::decode::<Claims>(token, key, &v)
        .map(|d| d.claims)
        .map_err(|e| match e.kind() {
            K::InvalidSignature => CredentialError::BadSignature,
            K::ExpiredSignature => CredentialError::Expired,
            K::ImmatureSignature => CredentialError::NotYetValid,
            K::InvalidAlgorithm | K::InvalidAlgorithmName => CredentialError::WrongAlgorithm,
            K::InvalidAudience => CredentialError::Claims("wrong audience (aud)".into()),
            K::InvalidIssuer => CredentialError::Claims("wrong issuer (iss)".into()),
            K::MissingRequiredClaim(c) => CredentialError::Claims(format!("missing claim {c}")),
            _ => CredentialError::Malformed,
        })
}

/// The algorithm and key a verification uses: always ES256 with the enrolment key, except
/// where a fault lets the token choose (the two classic key-selection bugs).
fn verification_key(
    header: &serde_json::Map<String, serde_json::Value>,
    enrolment_point: &[u8],
    skip: Lenience,
) -> (Algorithm, DecodingKey) {
    let alg = header.get("alg").and_then(|a| a.as_str());
    if skip.hmac_with_public_key && alg == Some("HS256") {
        let secret = p256_spki_pem(enrolment_point);
        return (
            Algorithm::HS256,
            DecodingKey::from_secret(secret.as_bytes()),
        );
    }
    if skip.embedded_jwk {
        let jwk = &header.get("jwk");
        let coord = |c: &str| jwk.and_then(|j| j.get(c)).and_then(|v| v.as_str());
        if let (Some(x), Some(y)) = (coord("x"), coord("y")) {
            if let Ok(key) = DecodingKey::from_ec_components(x, y) {
                return (Algorithm::ES256, key);
            }
        }
    }
    (Algorithm::ES256, DecodingKey::from_ec_der(enrolment_point))
}

/// The header of a JWT as JSON, without verifying anything.
pub fn jwt_header(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    use base64::Engine;
    let header = token.split('.').next()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header.trim_end_matches('='))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(m) => Some(m),
        _ => None,
    }
}

/// The same token with one bit of its signature flipped: well-formed, but forged.
pub fn tamper_signature(token: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let Some((signed, sig)) = token.rsplit_once('.') else {
        return format!("{token}x");
    };
    let mut raw = URL_SAFE_NO_PAD.decode(sig).unwrap_or_default();
    if let Some(b) = raw.get_mut(10) {
        *b ^= 0x01;
    } else {
        raw.push(0);
    }
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> KeyPair {
        KeyPair::generate().unwrap()
    }

    #[test]
    fn minted_credential_verifies_and_round_trips() {
        let k = key();
        let claims = Claims::valid_for("invoker-1", 3600);
        let t = mint_credential(&k, &claims);
        assert_eq!(verify_credential(&t, k.public_key_raw()), Ok(claims));
    }

    #[test]
    fn each_defect_is_named() {
        let k = key();
        let other = key();
        let good = mint_credential(&k, &Claims::valid_for("i", 3600));
        let cases = [
            (tamper_signature(&good), CredentialError::BadSignature),
            (
                mint_credential(&other, &Claims::valid_for("i", 3600)),
                CredentialError::BadSignature,
            ),
            (
                mint_credential(&k, &Claims::window("i", -7200, -3600)),
                CredentialError::Expired,
            ),
            (
                mint_credential(&k, &Claims::window("i", 3600, 7200)),
                CredentialError::NotYetValid,
            ),
            ("not-a-jwt".to_string(), CredentialError::Malformed),
        ];
        for (token, want) in cases {
            assert_eq!(verify_credential(&token, k.public_key_raw()), Err(want));
        }
        let mut wrong_aud = Claims::valid_for("i", 3600);
        wrong_aud.aud = "elsewhere".into();
        assert!(matches!(
            verify_credential(&mint_credential(&k, &wrong_aud), k.public_key_raw()),
            Err(CredentialError::Claims(_))
        ));
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Any single-bit change anywhere in a token (header, claims or signature) is refused:
        /// the mutations the harness sends can never be accepted by a correct verifier.
        #[test]
        fn any_bit_flip_is_refused(pos in any::<prop::sample::Index>(), bit in 0u8..8) {
            let k = KeyPair::generate().unwrap();
            let token = mint_credential(&k, &Claims::valid_for("i", 600));
            let mut bytes = token.clone().into_bytes();
            let i = pos.index(bytes.len());
            if bytes[i] == b'.' {
                return Ok(());
            }
            bytes[i] ^= 1 << bit;
            if let Ok(t) = String::from_utf8(bytes) {
                // A flip can land in base64 padding bits that decode identically; only a
                // different decoded token must fail.
                if t != token && decoded(&t) != decoded(&token) {
                    prop_assert!(verify_credential(&t, k.public_key_raw()).is_err());
                }
            }
        }

        /// Validity windows are honoured exactly (no leeway).
        #[test]
        fn windows(from in -7200i64..7200, len in 1i64..7200) {
            let k = KeyPair::generate().unwrap();
            let until = from + len;
            let t = mint_credential(&k, &Claims::window("i", from, until));
            let r = verify_credential(&t, k.public_key_raw());
            if from > 1 {
                prop_assert_eq!(r, Err(CredentialError::NotYetValid));
            } else if until < -1 {
                prop_assert_eq!(r, Err(CredentialError::Expired));
            } else if from <= -1 && until >= 2 {
                prop_assert!(r.is_ok());
            }
        }
    }

    fn decoded(t: &str) -> Vec<Vec<u8>> {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        t.split('.')
            .map(|p| {
                URL_SAFE_NO_PAD
                    .decode(p)
                    .unwrap_or_else(|_| p.as_bytes().to_vec())
            })
            .collect()
    }

    #[test]
    fn hs256_token_with_the_public_key_as_secret_is_refused() {
        // The classic algorithm-confusion attack must not pass.
        let k = key();
        let mut h = Header::new(Algorithm::HS256);
        h.typ = Some("JWT".into());
        let t = jsonwebtoken::encode(
            &h,
            &Claims::valid_for("i", 3600),
            &EncodingKey::from_secret(k.public_key_raw()),
        )
        .unwrap();
        assert_eq!(
            verify_credential(&t, k.public_key_raw()),
            Err(CredentialError::WrongAlgorithm)
        );
    }
}
