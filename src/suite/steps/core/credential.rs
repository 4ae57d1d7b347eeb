//! Steps of features/core/credential.feature.

use super::send;
use crate::checks::{self, Check};
use crate::pki::{embedded_jwk_copy, tamper_signature, unsecured_copy, url_keyed_copy, KeyUrl};
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::CredentialChoice;
use cucumber::{then, when};

#[when("the invoker sends the onboarding request with a malformed credential")]
async fn malformed(w: &mut SuiteWorld) -> StepResult {
    send(
        w,
        "malformed credential",
        CredentialChoice::Bearer("this-is-not-a-jwt".into()),
    )
    .await
}

#[when(
    "the invoker sends the onboarding request with a credential whose signature was tampered with"
)]
async fn tampered(w: &mut SuiteWorld) -> StepResult {
    let token = w.provisioned_credential().await?;
    if token.split('.').count() != 3 {
        return w.check(Check::blocked(
            None,
            "the provisioned credential is not a JWT, so its signature cannot be tampered with",
        ));
    }
    send(
        w,
        "credential with a tampered signature",
        CredentialChoice::Bearer(tamper_signature(&token)),
    )
    .await
}

#[when("the invoker sends the onboarding request with the credential made unsecured (alg none)")]
async fn unsecured(w: &mut SuiteWorld) -> StepResult {
    let token = w.provisioned_credential().await?;
    let Some(unsecured) = unsecured_copy(&token) else {
        return w.check(Check::blocked(
            None,
            "the provisioned credential is not a JWT, so it cannot be made unsecured",
        ));
    };
    send(
        w,
        "the provisioned credential with alg none and no signature",
        CredentialChoice::Bearer(unsecured),
    )
    .await
}

#[when("the invoker sends the onboarding request with the credential under the Basic scheme")]
async fn basic_scheme(w: &mut SuiteWorld) -> StepResult {
    let token = w.provisioned_credential().await?;
    send(
        w,
        "valid credential under the Basic scheme",
        CredentialChoice::Header(format!("Basic {token}")),
    )
    .await
}

#[when("the invoker sends the onboarding request with an expired credential")]
async fn expired(w: &mut SuiteWorld) -> StepResult {
    let minter = w.minter().await?;
    send(
        w,
        "credential expired an hour ago, otherwise valid",
        CredentialChoice::Bearer(minter.mint(-7200, -3600)),
    )
    .await
}

#[when("the invoker sends the onboarding request with a credential signed by an unknown key")]
async fn unknown_key(w: &mut SuiteWorld) -> StepResult {
    let minter = w.minter().await?;
    send(
        w,
        "credential signed by an unknown key of the same algorithm, otherwise valid",
        CredentialChoice::Bearer(
            // An RSA key takes long enough to starve the runtime: off the async threads.
            tokio::task::spawn_blocking(move || minter.mint_with_unknown_key())
                .await
                .expect("minting does not panic"),
        ),
    )
    .await
}

#[when(
    regex = r"^the invoker sends the onboarding request with a credential (naming an unknown critical header parameter|for another audience|valid only from tomorrow|without an expiry)$"
)]
async fn forged_claim(w: &mut SuiteWorld, how: String) -> StepResult {
    let minter = w.minter().await?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let token = match how.as_str() {
        "naming an unknown critical header parameter" => minter.mint_with(
            &[
                ("crit", serde_json::json!(["x-capif-conformance"])),
                ("x-capif-conformance", serde_json::json!(true)),
            ],
            &[],
        ),
        "for another audience" => minter.mint_with(
            &[],
            &[("aud", serde_json::json!("https://not-this-core.invalid/"))],
        ),
        "without an expiry" => minter.mint_with(&[], &[("exp", serde_json::Value::Null)]),
        _ => minter.mint_with(
            &[],
            &[
                ("nbf", serde_json::json!(now + 86_400)),
                ("exp", serde_json::json!(now + 2 * 86_400)),
            ],
        ),
    };
    send(
        w,
        &format!("credential {how}, otherwise valid"),
        CredentialChoice::Bearer(token),
    )
    .await
}

#[when("the invoker sends the onboarding request with an HS256 credential MACed with the core's public key")]
async fn key_confused(w: &mut SuiteWorld) -> StepResult {
    let minter = w.minter().await?;
    let Some(token) = minter.mint_key_confused() else {
        return w.check(Check::blocked(
            None,
            "the public half of credential_signing_key cannot be derived (give it as PKCS#8 or PKCS#1 PEM)",
        ));
    };
    send(
        w,
        "the same claims with alg HS256, MACed with the verification key's SubjectPublicKeyInfo PEM as the secret",
        CredentialChoice::Bearer(token),
    )
    .await
}

#[when("the invoker sends the onboarding request with the credential re-signed by a key in its own jwk header")]
async fn embedded_jwk(w: &mut SuiteWorld) -> StepResult {
    let token = w.provisioned_credential().await?;
    // An RSA key takes long enough to starve the runtime: off the async threads.
    let forged = tokio::task::spawn_blocking(move || embedded_jwk_copy(&token))
        .await
        .expect("signing does not panic");
    let Some(forged) = forged else {
        return w.check(Check::blocked(
            None,
            "the provisioned credential is not a JWT, so it cannot be re-signed",
        ));
    };
    send(
        w,
        "the provisioned claims re-signed by a fresh key whose public half is the header's jwk",
        CredentialChoice::Bearer(forged),
    )
    .await
}

#[when(
    regex = r"^the invoker sends the onboarding request with the credential re-signed by a key its (jku|x5u) header points to$"
)]
async fn url_keyed(w: &mut SuiteWorld, member: String) -> StepResult {
    use crate::sut::key_server::{facing, KeyServer, JWKS_PATH, X5U_PATH};
    let core = w.core()?;
    let token = w.provisioned_credential().await?;
    let (how, path) = if member == "jku" {
        (KeyUrl::Jku, JWKS_PATH)
    } else {
        (KeyUrl::X5u, X5U_PATH)
    };
    // The key server listens on the address the core is reached from, so the core can
    // reach it back.
    let server = match KeyServer::start(facing((&core.host, core.port)).await).await {
        Ok(s) => s,
        Err(e) => return w.harness_error(format!("cannot start the key server: {e}")),
    };
    let served_url = format!("{}{path}", server.base);
    let url = served_url.clone();
    let forged = tokio::task::spawn_blocking(move || url_keyed_copy(&token, how, &url))
        .await
        .expect("signing does not panic");
    let Some(forged) = forged else {
        server.finish().await;
        return w.check(Check::blocked(
            None,
            "the provisioned credential is not a JWT, so it cannot be re-signed",
        ));
    };
    server.serve(&forged.jwks, &forged.certificate_pem);
    let token = forged.token;
    let result = send(
        w,
        &format!(
            "the provisioned claims re-signed by a fresh key served at the {} URL {served_url}",
            how.member()
        ),
        CredentialChoice::Bearer(token),
    )
    .await;
    let fetched = server.finish().await;
    w.evidence.notes.push(if fetched.is_empty() {
        format!("the core did not fetch the {} URL", how.member())
    } else {
        format!(
            "the core fetched the {} URL ({} request(s): {}): it dereferences a URL an unverified token names (SSRF risk, RFC 8725 §3.10)",
            how.member(),
            fetched.len(),
            fetched.join(", ")
        )
    });
    result
}

#[then("the core rejects the request with a 4xx error and no onboarding result")]
async fn rejected(w: &mut SuiteWorld) -> StepResult {
    let resp = w.current_response()?;
    w.check(checks::core::credential::rejected(&resp))
}

#[then(
    regex = r"^the error is a ProblemDetails in application/problem\+json whose status matches$"
)]
async fn problem_details(w: &mut SuiteWorld) -> StepResult {
    let resp = w.current_response()?;
    // Whether the request was rejected at all is CCF-CRED-01's finding.
    if !(400..600).contains(&resp.status) {
        return w.check(Check::blocked(
            Some("CCF-CRED-01"),
            format!(
                "the request without a credential was not rejected: {}",
                checks::describe(&resp)
            ),
        ));
    }
    w.check(checks::core::credential::problem_details(&resp))
}

#[then("the malformed credential was rejected")]
async fn malformed_was_rejected(w: &mut SuiteWorld) -> StepResult {
    let resp = w.current_response()?;
    if (400..500).contains(&resp.status) {
        return Ok(());
    }
    // Whether a rejected request leaves state cannot be told when it was not rejected.
    w.check(Check::blocked(
        Some("CCF-CRED-02"),
        format!(
            "the malformed credential was not rejected: {}",
            checks::describe(&resp)
        ),
    ))
}

#[then("the same key onboards afterwards")]
async fn same_key_onboards(w: &mut SuiteWorld) -> StepResult {
    let resp = w.current_response()?;
    w.check(checks::core::credential::same_key_onboards(&resp))
}

#[then("a 401 carries a WWW-Authenticate challenge")]
async fn www_authenticate(w: &mut SuiteWorld) -> StepResult {
    let resp = w.current_response()?;
    w.check(checks::core::credential::www_authenticate(&resp))
}

#[when(
    "the invoker sends onboarding requests with no, a malformed, a tampered, an unsecured and a Basic credential"
)]
async fn every_refusal(w: &mut SuiteWorld) -> StepResult {
    let token = w.provisioned_credential().await?;
    let mut tries = vec![
        ("no Authorization header", CredentialChoice::Absent),
        (
            "malformed credential",
            CredentialChoice::Bearer("this-is-not-a-jwt".into()),
        ),
        (
            "valid credential under the Basic scheme",
            CredentialChoice::Header(format!("Basic {token}")),
        ),
    ];
    if token.split('.').count() == 3 {
        tries.push((
            "credential with a tampered signature",
            CredentialChoice::Bearer(tamper_signature(&token)),
        ));
    }
    if let Some(unsecured) = unsecured_copy(&token) {
        tries.push((
            "the provisioned credential with alg none and no signature",
            CredentialChoice::Bearer(unsecured),
        ));
    }
    for (label, credential) in tries {
        let bearer = matches!(credential, CredentialChoice::Bearer(_));
        send(w, label, credential).await?;
        if w.decided() {
            return Ok(());
        }
        let resp = w.current_response()?;
        w.on_core.refusals.push(((label.to_string(), resp), bearer));
    }
    Ok(())
}

#[then("every 401 among the answers carries a WWW-Authenticate challenge")]
async fn every_401_challenges(w: &mut SuiteWorld) -> StepResult {
    let Some((((_, missing), _), presented)) = w.on_core.refusals.split_first() else {
        return w.harness_error("no refused credential was recorded");
    };
    let presented: Vec<(String, crate::net::HttpResponse)> =
        presented.iter().map(|(r, _)| r.clone()).collect();
    let check = checks::core::credential::www_authenticate_on_every_401(missing, &presented);
    w.check(check)
}

#[then("every 401 to a presented Bearer token names the error in its challenge")]
async fn every_401_names_the_error(w: &mut SuiteWorld) -> StepResult {
    let Some((((_, missing), _), presented)) = w.on_core.refusals.split_first() else {
        return w.harness_error("no refused credential was recorded");
    };
    // The Basic-scheme request carries no Bearer token: not judged here.
    let bearer: Vec<(String, crate::net::HttpResponse)> = presented
        .iter()
        .filter(|(_, bearer)| *bearer)
        .map(|(r, _)| r.clone())
        .collect();
    let check = checks::core::credential::error_attribute_on_every_401(missing, &bearer);
    w.check(check)
}
