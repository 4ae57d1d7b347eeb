//! Steps of the onboarding-response branch (core under test).

use cucumber::{then, when};
use rcgen::PublicKeyData;

use super::skip_if_decided;
use crate::checks::{self, Check};
use crate::pki::{pem_to_der, Identity};
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::{CredentialChoice, RequestBody};

#[then("the core answers 201 Created")]
async fn created(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    let resp = w.current_response()?;
    let asynchronous = w.core()?.capabilities.asynchronous_onboarding;
    w.check(checks::created(&resp, asynchronous))
}

#[then(
    regex = r"^the Location header is \{apiRoot\}/api-invoker-management/v1/onboardedInvokers/\{onboardingId\}$"
)]
async fn location(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    let resp = w.current_response()?;
    let core = w.core()?;
    w.check(checks::created(&resp, false))?;
    w.check(checks::location(&resp, &core.api_root()))
}

/// Parse the success body into the World, recording the check.
fn details(w: &mut SuiteWorld) -> StepResult {
    let resp = w.current_response()?;
    w.check(checks::created(&resp, false))?;
    match checks::enrolment_details(&resp) {
        Ok(d) => {
            let id = d.api_invoker_id.clone().unwrap_or_default();
            w.details = Some(d);
            w.check(Check::Pass(format!(
                "APIInvokerEnrolmentDetails with apiInvokerId {id}"
            )))
        }
        Err(c) => w.check(c),
    }
}

#[then(
    regex = r"^the response is an application/json APIInvokerEnrolmentDetails with an apiInvokerId$"
)]
async fn enrolment_details(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    details(w)
}

#[then("the issued certificate chains to the invoker CA, is valid for clientAuth and binds the invoker's key")]
async fn issued_certificate(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    details(w)?;
    let core = w.core()?;
    let spki = w
        .key
        .as_ref()
        .map(|(k, _)| k.subject_public_key_info())
        .unwrap_or_default();
    let d = w.details.clone().expect("set by details()");
    w.check(checks::issued_certificate(&d, &core.invoker_ca, &spki))
}

#[then("the response carries an onboarding secret")]
async fn onboarding_secret(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    details(w)?;
    let d = w.details.clone().expect("set by details()");
    w.check(checks::onboarding_secret(&d))
}

#[when("two invokers with different keys onboard")]
async fn two_invokers(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    for n in 1..=2 {
        w.key = None;
        let body = w.valid_body();
        w.onboard_with(
            &format!("invoker {n}"),
            CredentialChoice::Valid,
            RequestBody::Json(body),
        )
        .await?;
        details(w)?;
        let id = w
            .details
            .as_ref()
            .and_then(|d| d.api_invoker_id.clone())
            .unwrap_or_default();
        w.ids.push(id);
    }
    Ok(())
}

#[then("their apiInvokerIds differ")]
async fn ids_differ(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    if w.ids.len() != 2 {
        return w.harness_error("two onboardings were not recorded");
    }
    let (a, b) = (w.ids[0].clone(), w.ids[1].clone());
    w.check(checks::distinct_ids(&a, &b))
}

#[when("the invoker offboards over mutual TLS with the issued certificate")]
async fn offboard(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    details(w)?;
    let resp = w.current_response()?;
    let core = w.core()?;
    let Some(location) = resp
        .header("location")
        .and_then(|l| url::Url::parse(l).ok())
    else {
        return w.check(Check::Fail("no usable Location header to offboard".into()));
    };
    let d = w.details.clone().expect("set by details()");
    let Some(cert) = d
        .onboarding_information
        .api_invoker_certificate
        .as_deref()
        .and_then(pem_to_der)
    else {
        return w.check(Check::Fail(
            "no issued certificate to authenticate with".into(),
        ));
    };
    let Some((key, _)) = w.key.as_ref() else {
        return w.harness_error("no invoker key");
    };
    let key = rcgen::KeyPair::try_from(key.serialized_der()).expect("own key");
    let me = Identity::new(vec![cert], key);
    let attempt = core
        .attempt("DELETE", location.path(), None, None, Some(&me))
        .await;
    w.record("DELETE the invoker resource over mutual TLS", attempt)
}

#[then("the core answers 204 No Content")]
async fn no_content(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    let resp = w.current_response()?;
    w.check(Check::expect(
        resp.status == 204,
        "204 No Content: the issued certificate authenticated the invoker",
        format!("expected 204 No Content, got {}", checks::describe(&resp)),
    ))
}
