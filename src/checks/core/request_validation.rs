//! Checks of the core's request validation (Figure B.1-1, "Request valid?";
//! features/core/request_validation.feature): missing members, free text, ids it must not adopt.

use super::credential::rejected;
use crate::checks::Check;
use crate::model::ProblemDetails;
use crate::net::describe_response as describe;
use crate::net::HttpResponse;

/// Rejected with one of `statuses`.
pub fn rejected_with(resp: &HttpResponse, statuses: &[u16]) -> Check {
    match rejected(resp) {
        Check::Pass(_) if !statuses.contains(&resp.status) => Check::Fail(format!(
            "expected {}, got {}",
            statuses
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(" or "),
            describe(resp)
        )),
        other => other,
    }
}

/// A request lacking required `field` is rejected with 400 and no onboarding result (the
/// mandatory part: TS 29.222's POST answers 400 to a body that violates the schema). Whether
/// the answer names the field is reported, and judged by [`invalid_params_name`].
pub fn bad_request_for_missing(resp: &HttpResponse, field: &str) -> Check {
    if let c @ Check::Fail(_) = rejected(resp) {
        return c;
    }
    if resp.status != 400 {
        return Check::Fail(format!(
            "expected 400 Bad Request for a body without {field}, got {}",
            describe(resp)
        ));
    }
    let named = if names_in_invalid_params(resp, field) {
        "named in invalidParams"
    } else if String::from_utf8_lossy(&resp.body).contains(field) {
        "named in the body but not in invalidParams"
    } else {
        "not named"
    };
    Check::Pass(format!("{} — {field} {named}", describe(resp)))
}

fn names_in_invalid_params(resp: &HttpResponse, field: &str) -> bool {
    serde_json::from_slice::<ProblemDetails>(&resp.body)
        .ok()
        .and_then(|p| p.invalid_params)
        .unwrap_or_default()
        .iter()
        .any(|p| p.param.contains(field))
}

/// The 400 names the missing `field` in `invalidParams` (recommended: TS 29.122 makes
/// invalidParams optional, but it is what lets an invoker fix its request).
pub fn invalid_params_name(resp: &HttpResponse, field: &str) -> Check {
    if resp.status != 400 {
        return Check::Inconclusive(format!(
            "the body without {field} was not answered 400 ({}), see CCF-REQ-01..03",
            describe(resp)
        ));
    }
    Check::expect(
        names_in_invalid_params(resp, field),
        format!("{field}: {}", describe(resp)),
        format!(
            "expected invalidParams naming {field}, got {}",
            describe(resp)
        ),
    )
}

/// The apiInvokerId the invoker sent was not adopted.
/// The free text CCF-REQ-07 sends as apiInvokerInformation: spaces, both quotes, `$`, `;`,
/// `&`, `|`, `*`, `%`, `#`, `?`, `/` and non-ASCII, about 600 characters. Benign: nothing in it
/// would do harm if a core handed it to a shell (no redirection, no command but `echo`).
pub fn free_text() -> String {
    let piece = "capif conformance \"double\" 'single' $HOME ; echo benign & true | cat * %20 #frag ?q=1 /path ünïcödé 日本語 ✓ — ";
    piece.repeat(6)
}

/// CCF-REQ-07: a valid request with free text in apiInvokerInformation is onboarded like any
/// other, and the value comes back unchanged when the response carries it.
pub fn free_text_onboarded(resp: &HttpResponse, sent: &str) -> Check {
    if !(200..300).contains(&resp.status) {
        return Check::Fail(format!(
            "a valid request whose apiInvokerInformation is free text ({} characters with spaces, quotes, $ ; & | and non-ASCII) was answered {}: apiInvokerInformation is a free string",
            sent.chars().count(),
            describe(resp)
        ));
    }
    match resp
        .json()
        .as_ref()
        .and_then(|j| j.get("apiInvokerInformation").cloned())
    {
        Some(serde_json::Value::String(v)) if v == sent => Check::Pass(format!(
            "onboarded ({}) with the free text echoed unchanged",
            resp.status
        )),
        Some(other) => Check::Fail(format!(
            "onboarded ({}), but apiInvokerInformation came back changed: {} characters, starting {:?}",
            resp.status,
            other.as_str().map(|s| s.chars().count()).unwrap_or(0),
            other.to_string().chars().take(60).collect::<String>()
        )),
        None => Check::Pass(format!(
            "onboarded ({}); the response does not carry apiInvokerInformation (optional), so there was nothing to compare",
            resp.status
        )),
    }
}

pub fn not_adopted(resp: &HttpResponse, sent: &str) -> Check {
    if (400..500).contains(&resp.status) {
        return Check::Pass(format!("the request was rejected with {}", resp.status));
    }
    let assigned = resp
        .json()
        .and_then(|j| j["apiInvokerId"].as_str().map(str::to_string));
    let location = resp.header("location").unwrap_or_default();
    if assigned.as_deref() == Some(sent) || location.ends_with(&format!("/{sent}")) {
        return Check::Fail(format!(
            "the core adopted the apiInvokerId {sent} chosen by the invoker"
        ));
    }
    Check::expect(
        (200..300).contains(&resp.status),
        format!("the core assigned its own id ({})", describe(resp)),
        format!(
            "expected a 4xx or a success with the core's own id, got {}",
            describe(resp)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::checks::core::test_support::*;
    use crate::model::PROBLEM_JSON;

    #[test]
    fn missing_field_400_is_mandatory_naming_is_recommended() {
        // connexion's answer: ProblemDetails whose detail names the field, no invalidParams.
        let connexion = resp(
            400,
            PROBLEM_JSON,
            r#"{"detail":"'notificationDestination' is a required property","status":400,"title":"Bad Request","type":"about:blank"}"#,
            None,
        );
        let c = bad_request_for_missing(&connexion, "notificationDestination");
        assert!(c.passed(), "{c:?}");
        assert!(
            c.reason().contains("required property") && c.reason().contains("no invalidParams"),
            "the reason shows what was received: {c:?}"
        );
        crate::checks::assert_not_pass(&invalid_params_name(&connexion, "notificationDestination"));
        let b = r#"{"status":400,"invalidParams":[{"param":"/notificationDestination"}]}"#;
        let strict = resp(400, PROBLEM_JSON, b, None);
        crate::checks::assert_pass(&invalid_params_name(&strict, "notificationDestination"));
        crate::checks::assert_not_pass(&invalid_params_name(&strict, "onboardingInformation"));
        crate::checks::assert_not_pass(&bad_request_for_missing(
            &resp(422, PROBLEM_JSON, b, None),
            "x",
        ));
        crate::checks::assert_not_pass(&bad_request_for_missing(
            &resp(201, "application/json", "{}", None),
            "x",
        ));
    }

    #[test]
    fn free_text_must_be_onboarded_and_echoed_unchanged() {
        let sent = free_text();
        assert!(sent.contains(' ') && sent.contains('"') && sent.contains('$') && !sent.is_ascii());
        assert!(!sent.contains('>') && !sent.contains('<') && !sent.contains('`'));
        let echoed = serde_json::json!({"apiInvokerInformation": sent}).to_string();
        crate::checks::assert_pass(&free_text_onboarded(
            &resp(201, "application/json", &echoed, None),
            &sent,
        ));
        crate::checks::assert_pass(&free_text_onboarded(
            &resp(201, "application/json", "{}", None),
            &sent,
        ));
        let c = free_text_onboarded(&resp(500, PROBLEM_JSON, "{}", None), &sent);
        assert!(!c.passed() && c.reason().contains("500"), "{c:?}");
        let changed = serde_json::json!({"apiInvokerInformation": sent.trim()}).to_string();
        crate::checks::assert_not_pass(&free_text_onboarded(
            &resp(201, "application/json", &changed, None),
            &sent,
        ));
    }

    #[test]
    fn adopted_ids_fail() {
        let adopted = resp(
            201,
            "application/json",
            r#"{"apiInvokerId":"INVmine"}"#,
            None,
        );
        crate::checks::assert_not_pass(&not_adopted(&adopted, "INVmine"));
        let own = resp(
            201,
            "application/json",
            r#"{"apiInvokerId":"INVcore"}"#,
            None,
        );
        crate::checks::assert_pass(&not_adopted(&own, "INVmine"));
        crate::checks::assert_pass(&not_adopted(
            &resp(400, PROBLEM_JSON, "{}", None),
            "INVmine",
        ));
    }
}
