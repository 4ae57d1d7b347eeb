//! Steps of the onboarding-response branch (core under test).

use cucumber::{then, when};

use super::skip_if_decided;
use crate::checks::{self, Check};
use crate::model::ApiInvokerEnrolmentDetails;
use crate::pki::{pem_certificates, verify_issued, Identity};
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::{CredentialChoice, RequestBody};

impl SuiteWorld {
    /// This scenario's own valid request was answered 201 (the run's control was, so
    /// another answer here is not this test purpose's finding but CCF-OK-01's).
    fn own_created(&mut self) -> StepResult {
        let resp = self.current_response()?;
        if resp.status == 201 {
            return Ok(());
        }
        self.check(Check::blocked(
            Some("CCF-OK-01"),
            format!(
                "the valid request of this scenario was answered {}",
                checks::describe(&resp)
            ),
        ))
    }

    /// The 201's body as APIInvokerEnrolmentDetails; a body that is not one is CCF-OK-03's
    /// finding, so here it blocks.
    fn created_details(&mut self) -> Result<ApiInvokerEnrolmentDetails, String> {
        self.own_created()?;
        let resp = self.current_response()?;
        match checks::enrolment_body(&resp) {
            Ok(d) => {
                self.on_core.details = Some(d.clone());
                Ok(d)
            }
            Err(c) => Err(self
                .check(Check::blocked(Some("CCF-OK-03"), c.reason().to_string()))
                .unwrap_err()),
        }
    }

    /// The DER SubjectPublicKeyInfo of this scenario's key.
    fn sent_spki(&self) -> Vec<u8> {
        self.on_core
            .key
            .as_ref()
            .map(|k| k.spki())
            .unwrap_or_default()
    }
}

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
    w.own_created()?;
    let resp = w.current_response()?;
    let core = w.core()?;
    w.check(checks::location(&resp, &core.api_root(), &core.server_name))
}

#[then(
    regex = r"^the response is an application/json APIInvokerEnrolmentDetails with an apiInvokerId$"
)]
async fn enrolment_details(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    w.own_created()?;
    let resp = w.current_response()?;
    match checks::enrolment_body(&resp) {
        Ok(d) => {
            let c = checks::has_invoker_id(&d);
            w.on_core.details = Some(d);
            w.check(c)
        }
        Err(c) => w.check(c),
    }
}

#[then("the issued certificate chains to the invoker CA, is valid for clientAuth and binds the invoker's key")]
async fn issued_certificate(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    let d = w.created_details()?;
    let core = w.core()?;
    let spki = w.sent_spki();
    w.check(checks::issued_certificate(&d, &core.invoker_ca, &spki))
}

#[then("the response carries an onboarding secret")]
async fn onboarding_secret(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    let d = w.created_details()?;
    w.check(checks::onboarding_secret(&d))
}

#[then("the response carries a certificate or an onboarding secret")]
async fn security_information(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    let d = w.created_details()?;
    w.check(checks::security_information(&d))
}

#[when("two invokers with different keys onboard")]
async fn two_invokers(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    for n in 1..=2 {
        w.on_core.key = None;
        let body = w.valid_body().await;
        w.onboard_with(
            &format!("invoker {n}"),
            CredentialChoice::Valid,
            RequestBody::Json(body),
        )
        .await?;
        let d = w.created_details()?;
        match d.api_invoker_id.filter(|id| !id.trim().is_empty()) {
            Some(id) => w.on_core.ids.push(id),
            None => {
                return w.check(Check::blocked(
                    Some("CCF-OK-03"),
                    format!("invoker {n} got no apiInvokerId"),
                ))
            }
        }
    }
    Ok(())
}

#[then("their apiInvokerIds differ")]
async fn ids_differ(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    if w.on_core.ids.len() != 2 {
        return w.harness_error("two onboardings were not recorded");
    }
    let (a, b) = (w.on_core.ids[0].clone(), w.on_core.ids[1].clone());
    w.check(checks::distinct_ids(&a, &b))
}

#[when("the invoker offboards over mutual TLS with the issued certificate")]
async fn offboard(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    let d = w.created_details()?;
    let resp = w.current_response()?;
    let core = w.core()?;
    // Each precondition is another test purpose's finding: Location (CCF-OK-02), the
    // certificate (CCF-OK-04). A Location with the right path under a wrong authority is
    // CCF-OK-02's failure; the resource is still {apiRoot}/…/{id}, so the DELETE goes there.
    let path = match checks::location(&resp, &core.api_root(), &core.server_name) {
        Check::Pass(_) => resp
            .header("location")
            .and_then(|l| core.url.join(l.trim()).ok())
            .map(|u| u.path().to_string()),
        other => {
            let path = resp
                .header("location")
                .and_then(|l| url::Url::parse(l.trim()).ok())
                .map(|u| u.path().to_string())
                .filter(|p| p.starts_with(&format!("{}/", core.onboarding_target())));
            if path.is_some() {
                w.evidence.notes.push(format!(
                    "{} (CCF-OK-02); the DELETE goes to that path at the apiRoot {}",
                    other.reason(),
                    core.api_root()
                ));
            }
            path
        }
    };
    let Some(path) = path else {
        return w.check(Check::blocked(
            Some("CCF-OK-02"),
            "no usable Location: the invoker resource cannot be addressed",
        ));
    };
    let pem = d
        .onboarding_information
        .api_invoker_certificate
        .clone()
        .unwrap_or_default();
    if let Err(e) = verify_issued(
        &pem,
        &core.invoker_ca,
        &w.sent_spki(),
        rustls_pki_types::UnixTime::now(),
    ) {
        return w.check(Check::blocked(Some("CCF-OK-04"), e.to_string()));
    }
    let Some(key) = w.on_core.key.as_ref() else {
        return w.harness_error("no invoker key");
    };
    // Present the whole bundle the core issued (leaf and intermediates), as an invoker would.
    let chain = pem_certificates(&pem)
        .into_iter()
        .filter(|c| !core.invoker_ca.contains(c))
        .collect();
    let me = Identity::new(chain, key.pair_copy());
    let attempt = core.attempt("DELETE", &path, None, None, Some(&me)).await;
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
