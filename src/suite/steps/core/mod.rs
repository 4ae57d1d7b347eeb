//! Steps of the core-under-test scenarios, one file per branch as in `features/core/`; the
//! steps several branches share are here.

mod async_onboarding;
mod credential;
mod offboarding;
mod onboarding_response;
mod request_validation;
mod secure_connection;
mod teardown;

use crate::fuzz::{self, Property};
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::{CredentialChoice, RequestBody};
use cucumber::{given, when};

#[given("a CAPIF core under test")]
async fn core_under_test(w: &mut SuiteWorld) -> StepResult {
    w.begin()?;
    let core = match w.core() {
        Ok(c) => c,
        Err(e) => return w.harness_error(e),
    };
    w.evidence.notes.push(format!(
        "core {} (server name {}, credential: {})",
        core.url,
        core.server_name,
        core.credential.describe()
    ));
    w.preconditions().await
}

#[given("a fresh invoker key pair")]
async fn fresh_key(w: &mut SuiteWorld) -> StepResult {
    w.public_key_field().await;
    Ok(())
}

#[cucumber::when("the invoker sends a valid onboarding request")]
async fn valid_request(w: &mut SuiteWorld) -> StepResult {
    let body = w.valid_body().await;
    w.onboard_with(
        "valid onboarding request",
        CredentialChoice::Valid,
        RequestBody::Json(body),
    )
    .await
}

/// Send the valid body with `credential`. Every credential the harness crafted passes here,
/// so its evidence shows once what was sent: the decoded header and claims, the signature
/// masked.
pub(super) async fn send(
    w: &mut SuiteWorld,
    label: &str,
    credential: CredentialChoice,
) -> StepResult {
    if let CredentialChoice::Bearer(token) = &credential {
        // Minted with the core's own key it may be a working credential: masked wherever any
        // part of it appears, like the provisioned one.
        crate::evidence::register_secret(token);
        if let Some(described) = crate::pki::describe_crafted(token) {
            w.evidence.notes.push(described);
        }
    }
    let body = w.valid_body().await;
    w.onboard_with(label, credential, RequestBody::Json(body))
        .await
}

#[when("the invoker sends the onboarding request without a credential")]
async fn without_credential(w: &mut SuiteWorld) -> StepResult {
    send(w, "no Authorization header", CredentialChoice::Absent).await
}

#[when("the invoker offboards over mutual TLS with the issued certificate")]
async fn offboard(w: &mut SuiteWorld) -> StepResult {
    let (path, me) = w.invoker_resource()?;
    let core = w.core()?;
    let attempt = core.attempt("DELETE", &path, None, None, Some(&me)).await;
    w.record("DELETE the invoker resource over mutual TLS", attempt)
}

#[given("a property-based campaign of generated onboarding requests against the core under test")]
async fn campaign(w: &mut SuiteWorld) -> StepResult {
    w.begin()?;
    let Some(target) = w.targets.as_ref().and_then(|t| t.fuzz.clone()) else {
        return w
            .harness_error("this run has no fuzz campaign (run it with `capif-conformance fuzz`)");
    };
    let c = match target.campaign().await {
        Ok(c) => c,
        Err(e) => return w.harness_error(e),
    };
    w.evidence.notes.push(format!(
        "campaign against {}: seed {}, {} generated case(s) and {} shrink step(s) in {:.1} s, {} finding(s)",
        fuzz::onboarding_url(&target.sut),
        c.seed,
        c.cases,
        c.sent - c.cases,
        c.elapsed.as_secs_f64(),
        c.findings.len()
    ));
    w.on_core.campaign = Some(c);
    Ok(())
}

/// Judge `property` on the scenario's campaign; its findings go into the evidence.
pub(super) fn judge(w: &mut SuiteWorld, property: Property) -> StepResult {
    let Some(c) = w.on_core.campaign.clone() else {
        return w.harness_error("no campaign ran in this scenario");
    };
    for (n, f) in c.findings.iter().enumerate() {
        if f.property == property {
            w.evidence.notes.push(format!(
                "finding {} (finding-{}.http): {} — {}",
                n + 1,
                n + 1,
                f.case.describe(),
                f.reason
            ));
        }
    }
    w.check(fuzz::property_check(&c, property))
}
