//! Checks of the invoker's Onboard API Invoker Request (Figure B.1-1; features/invoker/request.feature):
//! its credential, its target and body, its retries.

use super::first_post;
use super::onboarding_posts;
use super::reported_failure;
use crate::checks::Check;
use crate::model::{validate_enrolment_post, ONBOARDING_PATH};
use crate::pki::{parse_invoker_public_key, verify_credential, TestPki};
use crate::sut::InvokerRun;

/// The onboarding request carries the provisioned credential as `Authorization: Bearer`.
pub fn bearer_credential(run: &InvokerRun, pki: &TestPki) -> Check {
    let post = match first_post(run) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if post.target.contains(&run.credential) || post.target.to_ascii_lowercase().contains("token") {
        return Check::Fail(
            "the credential is carried in the request target (query string)".into(),
        );
    }
    let Some(auth) = post.header("authorization") else {
        return Check::Fail("the onboarding request has no Authorization header".into());
    };
    // The scheme name is case-insensitive (RFC 9110 §11.1).
    let Some(token) = crate::model::bearer_token(auth) else {
        return Check::Fail(format!(
            "the Authorization scheme is {:?}, expected Bearer with a token",
            auth.split(' ').next().unwrap_or("")
        ));
    };
    let matches = if run.via_register {
        verify_credential(token, pki.enrolment_point()).is_ok()
    } else {
        token == run.credential
    };
    Check::expect(
        matches,
        "Authorization: Bearer with the provisioned credential",
        "the Bearer token is not the provisioned onboarding credential",
    )
}

/// After a 401 the invoker reports failure and no apiInvokerId.
pub fn reports_failure_without_id(run: &InvokerRun) -> Check {
    if let Err(c) = first_post(run) {
        return c;
    }
    if let Some(id) = run
        .adapter
        .report
        .as_ref()
        .and_then(|r| r.get("apiInvokerId"))
    {
        return Check::Fail(format!(
            "after a 401 the invoker reported apiInvokerId {id}"
        ));
    }
    Check::expect(
        reported_failure(run),
        format!("the invoker reported failure ({})", run.adapter.describe()),
        format!(
            "after a 401 the invoker did not report failure: {}",
            run.adapter.describe()
        ),
    )
}

/// A rejected credential is retried at most once.
pub fn bounded_retries(run: &InvokerRun) -> Check {
    if let Err(c) = first_post(run) {
        return c;
    }
    let n = onboarding_posts(run).len();
    Check::expect(
        (1..=2).contains(&n),
        format!("{n} onboarding request(s) for a rejected credential"),
        if n == 0 {
            "the invoker sent no onboarding request".to_string()
        } else {
            format!("the invoker sent the rejected credential {n} times")
        },
    )
}

/// POST to the onboarding collection with application/json.
pub fn request_target(run: &InvokerRun) -> Check {
    let Some(post) = run
        .observations
        .sessions
        .iter()
        .flat_map(|s| s.requests.iter())
        .next()
    else {
        return Check::Fail(format!(
            "the invoker sent no request ({})",
            run.adapter.describe()
        ));
    };
    let path = post.target.split('?').next().unwrap_or("");
    if post.method != "POST" || path != ONBOARDING_PATH {
        return Check::Fail(format!(
            "expected POST {ONBOARDING_PATH}, got {} {}",
            post.method, post.target
        ));
    }
    let media = post.header("content-type").map(|v| {
        v.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    Check::expect(
        media.as_deref() == Some("application/json"),
        format!("POST {ONBOARDING_PATH} with application/json"),
        format!("expected Content-Type application/json, got {media:?}"),
    )
}

/// The body is a valid APIInvokerEnrolmentDetails with a usable public key.
pub fn request_body_valid(run: &InvokerRun) -> Check {
    let post = match first_post(run) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(&post.body) else {
        return Check::Fail("the onboarding request body is not JSON".into());
    };
    let problems = validate_enrolment_post(&body);
    if !problems.is_empty() {
        let list: Vec<String> = problems
            .iter()
            .map(|p| format!("{}: {}", p.param, p.reason.clone().unwrap_or_default()))
            .collect();
        return Check::Fail(format!(
            "the APIInvokerEnrolmentDetails is not valid: {}",
            list.join("; ")
        ));
    }
    let key = body["onboardingInformation"]["apiInvokerPublicKey"]
        .as_str()
        .unwrap_or("");
    match parse_invoker_public_key(key) {
        Ok(k) => Check::Pass(format!(
            "valid APIInvokerEnrolmentDetails; apiInvokerPublicKey is a {}",
            if k.from_csr {
                "CSR with a valid signature"
            } else {
                "public key"
            }
        )),
        Err(e) => Check::Fail(format!("apiInvokerPublicKey: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::invoker::secure_connection::no_credential_in_clear;
    #[allow(unused_imports)]
    use crate::checks::invoker::test_support::*;
    use crate::net::SessionEnd;
    use crate::sut::AdapterExit;
    use crate::sut::{Answers, Script};

    #[test]
    fn a_rejection_must_be_reported_as_failure_without_an_id() {
        let reject = Script {
            answers: Answers::RejectCredential,
            ..Script::default()
        };
        let posted = || vec![answered(Some(SessionEnd::CloseNotify))];
        crate::checks::assert_pass(&reports_failure_without_id(&run(
            reject,
            AdapterExit::Code(1),
            posted(),
        )));
        crate::checks::assert_not_pass(&reports_failure_without_id(&run(
            reject,
            AdapterExit::Code(0),
            posted(),
        )));
        let mut with_id = run(reject, AdapterExit::Code(1), posted());
        with_id.adapter.report = Some(serde_json::json!({"apiInvokerId": "INV1"}));
        let c = reports_failure_without_id(&with_id);
        assert!(matches!(&c, Check::Fail(m) if m.contains("INV1")), "{c:?}");
        // A crash is no report of failure.
        crate::checks::assert_not_pass(&reports_failure_without_id(&run(
            reject,
            AdapterExit::Code(139),
            posted(),
        )));
    }

    #[test]
    fn the_request_is_judged_by_target_media_type_and_body() {
        let key = crate::pki::InvokerKey::generate(crate::pki::KeyKind::P256);
        let body = serde_json::to_vec(&{
            let who = crate::pki::IdentityIssuer::new(Default::default()).next();
            crate::pki::enrolment_request(&key.csr(&who), &who.information)
        })
        .unwrap();
        let json = [("Content-Type", "application/json; charset=utf-8")];
        let r = |s| run(Script::default(), AdapterExit::Code(0), vec![s]);
        let good = r(post(ONBOARDING_PATH, &json, &body));
        crate::checks::assert_pass(&request_target(&good));
        let c = request_body_valid(&good);
        assert!(matches!(&c, Check::Pass(m) if m.contains("CSR")), "{c:?}");
        let c = request_target(&r(post(
            "/api-invoker-management/v1/invokers",
            &json,
            &body,
        )));
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("expected POST")),
            "{c:?}"
        );
        let c = request_target(&r(post(
            ONBOARDING_PATH,
            &[("Content-Type", "text/plain")],
            &body,
        )));
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("text/plain")),
            "{c:?}"
        );
        let c = request_body_valid(&r(post(
            ONBOARDING_PATH,
            &json,
            b"{\"notificationDestination\":1}",
        )));
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("not valid")),
            "{c:?}"
        );
        let c = request_body_valid(&r(post(ONBOARDING_PATH, &json, b"<xml/>")));
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("not JSON")),
            "{c:?}"
        );
        // No POST at all: INV-REQ-01 is the finding, the body is not tested.
        let c = request_body_valid(&r(session(0, None)));
        assert!(
            matches!(
                c,
                Check::Blocked {
                    by: Some("INV-REQ-01"),
                    ..
                }
            ),
            "{c:?}"
        );
    }

    #[test]
    fn the_credential_must_be_the_bearer_token_and_never_in_clear() {
        let pki = crate::pki::TestPki::generate(&["core.test".to_string()]).unwrap();
        let r = |s| run(Script::default(), AdapterExit::Code(1), vec![s]);
        let bearer = r(post(
            ONBOARDING_PATH,
            &[("Authorization", "bearer c")],
            b"{}",
        ));
        crate::checks::assert_pass(&bearer_credential(&bearer, &pki));
        let other = bearer_credential(
            &r(post(
                ONBOARDING_PATH,
                &[("Authorization", "Bearer d")],
                b"{}",
            )),
            &pki,
        );
        assert!(
            matches!(&other, Check::Fail(m) if m.contains("not the provisioned")),
            "{other:?}"
        );
        let basic = bearer_credential(
            &r(post(
                ONBOARDING_PATH,
                &[("Authorization", "Basic Yzpj")],
                b"{}",
            )),
            &pki,
        );
        assert!(
            matches!(&basic, Check::Fail(m) if m.contains("Basic")),
            "{basic:?}"
        );
        let query = bearer_credential(
            &r(post(&format!("{ONBOARDING_PATH}?token=c"), &[], b"{}")),
            &pki,
        );
        assert!(
            matches!(&query, Check::Fail(m) if m.contains("query")),
            "{query:?}"
        );
        // In clear: the credential in the bytes the cleartext listener read fails.
        let mut leak = session(0, None);
        leak.cleartext_received = b"POST / HTTP/1.1\r\nAuthorization: Bearer c\r\n\r\n".to_vec();
        crate::checks::assert_not_pass(&no_credential_in_clear(&r(leak)));
        let mut clean = session(0, None);
        clean.cleartext_received = vec![0x16, 0x03, 0x01];
        crate::checks::assert_pass(&no_credential_in_clear(&r(clean.clone())));
        // Nothing sent but success claimed is still no report of failure.
        let claimed =
            no_credential_in_clear(&run(Script::default(), AdapterExit::Code(0), vec![clean]));
        assert!(
            matches!(&claimed, Check::Fail(m) if m.contains("did not report failure")),
            "{claimed:?}"
        );
    }

    #[test]
    fn a_rejected_credential_may_be_retried_once() {
        let r = |n| {
            run(
                Script::default(),
                AdapterExit::Code(1),
                vec![session(n, None)],
            )
        };
        crate::checks::assert_pass(&bounded_retries(&r(1)));
        crate::checks::assert_pass(&bounded_retries(&r(2)));
        let c = bounded_retries(&r(5));
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("5 times")),
            "{c:?}"
        );
        assert!(matches!(
            bounded_retries(&r(0)),
            Check::Blocked {
                by: Some("INV-REQ-01"),
                ..
            }
        ));
    }
}
