//! The `follow-jku` and `follow-x5u` faults of the reference core: fetch the key a credential's
//! own header points to, without authenticating the server, and verify with it — what a JOSE
//! library does when told to "resolve keys from the header". Never used otherwise.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey};
use rustls_pki_types::ServerName;
use x509_parser::prelude::FromDer;

use crate::net::{client_config, HttpRequest, HttpsSession, Timeouts, TLS_VERSIONS};
use crate::peers::lax_verifier::LaxVerifier;
use crate::pki::{jwt_header, pem_to_der, TestPki};

/// The algorithm and key the `jku` (`member = "jku"`) or `x5u` URL of `token` serves.
pub async fn fetch_named_key(
    token: &str,
    member: &str,
    pki: &TestPki,
) -> Option<(Algorithm, DecodingKey)> {
    let header = jwt_header(token)?;
    let alg = match header.get("alg")?.as_str()? {
        "ES256" => Algorithm::ES256,
        "RS256" => Algorithm::RS256,
        "PS256" => Algorithm::PS256,
        _ => return None,
    };
    let url = url::Url::parse(header.get(member)?.as_str()?).ok()?;
    let body = fetch(&url, pki).await?;
    let key = if member == "jku" {
        let set: JwkSet = serde_json::from_slice(&body).ok()?;
        let kid = header.get("kid").and_then(|k| k.as_str());
        let jwk = set
            .keys
            .iter()
            .find(|k| kid.is_none() || k.common.key_id.as_deref() == kid)?;
        DecodingKey::from_jwk(jwk).ok()?
    } else {
        let der = pem_to_der(std::str::from_utf8(&body).ok()?)?;
        let (_, cert) = x509_parser::certificate::X509Certificate::from_der(&der).ok()?;
        let spki = cert.public_key().subject_public_key.data.to_vec();
        if alg == Algorithm::ES256 {
            DecodingKey::from_ec_der(&spki)
        } else {
            DecodingKey::from_rsa_der(&spki)
        }
    };
    Some((alg, key))
}

async fn fetch(url: &url::Url, pki: &TestPki) -> Option<Vec<u8>> {
    let host = url
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = url.port_or_known_default()?;
    let mut config =
        (*client_config(std::slice::from_ref(&pki.ca.cert), None, TLS_VERSIONS).ok()?).clone();
    config
        .dangerous()
        .set_certificate_verifier(LaxVerifier::anything());
    let timeouts = Timeouts {
        connect: std::time::Duration::from_secs(2),
        handshake: std::time::Duration::from_secs(2),
        response: std::time::Duration::from_secs(2),
        ..Timeouts::default()
    };
    let name = ServerName::try_from(host.clone()).ok()?;
    let mut session =
        HttpsSession::connect(&host, port, name, std::sync::Arc::new(config), &timeouts)
            .await
            .ok()?;
    let r = session
        .exchange(&HttpRequest::new("GET", url.path()))
        .await
        .ok()?;
    session.close().await;
    (r.status == 200).then_some(r.body.to_vec())
}
