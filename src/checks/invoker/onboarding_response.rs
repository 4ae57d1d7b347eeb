//! Checks of how the invoker takes the onboarding response (Figure B.1-1;
//! features/invoker/onboarding_response.feature).

use super::first_post;
use super::request::bearer_credential;
use super::request::request_body_valid;
use super::request::request_target;
use crate::adapter_contract::AdapterOutcome;
use crate::checks::Check;
use crate::pki::{pem_to_der, TestPki};
use crate::sut::InvokerRun;

/// On 201 the invoker reports success, with the assigned id when it reports one. When the
/// played core granted nothing, the request was not acceptable: the test purpose that
/// judges why is named (target, credential, body), and this one is not tested.
pub fn reports_success(run: &InvokerRun, pki: &TestPki) -> Check {
    let Some(granted) = run.observations.granted.first() else {
        for (id, c) in [
            ("INV-REQ-01", request_target(run)),
            ("INV-CRED-01", bearer_credential(run, pki)),
            ("INV-REQ-02", request_body_valid(run)),
        ] {
            match c {
                Check::Fail(r) => {
                    return Check::blocked(
                        Some(id),
                        format!("the played core granted no onboarding: {r}"),
                    )
                }
                b @ Check::Blocked { .. } => return b,
                _ => {}
            }
        }
        return Check::Fail(format!(
            "the played core granted no onboarding: the invoker's request was not acceptable ({})",
            run.adapter.describe()
        ));
    };
    if !run.adapter.succeeded() {
        return Check::Fail(format!(
            "after a 201 the invoker reported failure: {}",
            run.adapter.describe()
        ));
    }
    let Some(report) = &run.adapter.report else {
        return Check::Pass(format!(
            "the invoker reported success (its adapter does not report the id; the core assigned {})",
            granted.api_invoker_id
        ));
    };
    if report["apiInvokerId"].as_str() != Some(granted.api_invoker_id.as_str()) {
        return Check::Fail(format!(
            "the invoker reported apiInvokerId {}, the core assigned {}",
            report["apiInvokerId"], granted.api_invoker_id
        ));
    }
    if let Some(cert) = report["certificate"].as_str() {
        if pem_to_der(cert) != pem_to_der(&granted.certificate_pem) {
            return Check::Fail(
                "the invoker reported a certificate other than the one issued".into(),
            );
        }
    }
    Check::Pass(format!(
        "the invoker reported success as {}",
        granted.api_invoker_id
    ))
}

/// The scripted answer (`answer`: "a 201 with an empty certificate", "200 instead of 201
/// Created") is not reported as success. Judged only when the request was acceptable, so
/// the played core really sent that answer (otherwise the test purpose that explains why is
/// named).
pub fn not_success_on_incomplete(run: &InvokerRun, answer: &str, pki: &TestPki) -> Check {
    if let Err(c) = first_post(run) {
        return c;
    }
    for (id, c) in [
        ("INV-REQ-01", request_target(run)),
        ("INV-CRED-01", bearer_credential(run, pki)),
        ("INV-REQ-02", request_body_valid(run)),
    ] {
        if let Check::Fail(r) = c {
            return Check::blocked(
                Some(id),
                format!(
                    "the request was not acceptable, so the played core never sent {answer}: {r}"
                ),
            );
        }
    }
    if run.adapter.outcome() == AdapterOutcome::Unsupported {
        return Check::Pass(format!(
            "{answer}: not applicable, the invoker does not support it ({}), and not taken as success",
            run.adapter.describe()
        ));
    }
    Check::expect(
        !run.adapter.succeeded(),
        format!(
            "{answer} was not taken as success ({})",
            run.adapter.describe()
        ),
        format!("the invoker reported success for {answer}"),
    )
}
