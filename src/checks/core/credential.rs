//! Checks of the core's credential validation (Figure B.1-1, "Request valid?";
//! features/core/credential.feature): refusals, their challenges and their ProblemDetails.

use crate::checks::Check;
use crate::model::{ProblemDetails, PROBLEM_JSON};
use crate::net::describe_response as describe;
use crate::net::HttpResponse;

/// The key of a request that was rejected onboards afterwards: the rejection stored nothing.
pub fn same_key_onboards(resp: &HttpResponse) -> Check {
    if (200..300).contains(&resp.status) {
        return Check::Pass(format!(
            "the same key onboarded afterwards: {}",
            describe(resp)
        ));
    }
    if matches!(resp.status, 403 | 409) {
        return Check::Fail(format!(
            "the rejected request left state: onboarding the same key afterwards got {}",
            describe(resp)
        ));
    }
    Check::blocked(
        Some("CCF-OK-01"),
        format!(
            "the valid request for the same key was answered {}",
            describe(resp)
        ),
    )
}

/// Rejected: a 4xx without apiInvokerId, Location or certificate.
pub fn rejected(resp: &HttpResponse) -> Check {
    let body = resp.json();
    let leaked = body.as_ref().is_some_and(|j| {
        j.get("apiInvokerId").is_some()
            || j.pointer("/onboardingInformation/apiInvokerCertificate")
                .is_some()
    });
    if !(400..500).contains(&resp.status) {
        return Check::Fail(format!("expected a 4xx rejection, got {}", describe(resp)));
    }
    if leaked || resp.header("location").is_some() {
        return Check::Fail(format!(
            "the rejection carries onboarding results: {}",
            describe(resp)
        ));
    }
    Check::Pass(format!("rejected with {}", describe(resp)))
}

/// A 401 carries a `WWW-Authenticate` challenge (RFC 9110 §11.6.1: a server generating a 401
/// MUST send one; RFC 6750 §3 gives the Bearer form). Another status has no 401 to judge.
pub fn www_authenticate(resp: &HttpResponse) -> Check {
    if resp.status != 401 {
        return Check::Inconclusive(format!(
            "the request without a credential was answered {}, not 401, so there is no 401 to judge",
            describe(resp)
        ));
    }
    match resp.header("www-authenticate") {
        Some(v) if !v.trim().is_empty() => Check::Pass(format!("401 with WWW-Authenticate: {v}")),
        _ => Check::Fail(format!(
            "the 401 has no WWW-Authenticate challenge (RFC 9110 §11.6.1: a server generating a 401 MUST send one): {}",
            describe(resp)
        )),
    }
}

/// CCF-CRED-19: every 401 to a presented credential carries a WWW-Authenticate challenge
/// (RFC 9110 §11.6.1 binds every 401; RFC 6750 §3 names a request whose token does not enable
/// access). `missing` is the answer to the request without a credential: when that 401 lacks
/// the challenge too, the defect is CCF-CRED-10's, judged there once. Answers other than 401
/// are not judged (which 4xx a core uses is not ours to say).
pub fn www_authenticate_on_every_401(
    missing: &HttpResponse,
    presented: &[(String, HttpResponse)],
) -> Check {
    let challenges = |r: &HttpResponse| {
        r.header("www-authenticate")
            .is_some_and(|v| !v.trim().is_empty())
    };
    let judged: Vec<&(String, HttpResponse)> =
        presented.iter().filter(|(_, r)| r.status == 401).collect();
    let lacking: Vec<&str> = judged
        .iter()
        .filter(|(_, r)| !challenges(r))
        .map(|(label, _)| label.as_str())
        .collect();
    if lacking.is_empty() {
        return if judged.is_empty() {
            Check::Inconclusive(format!(
                "no presented credential was answered 401 ({}), so there is no 401 to judge",
                presented
                    .iter()
                    .map(|(label, r)| format!("{label}: {}", r.status))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        } else {
            Check::Pass(format!(
                "each 401 carries WWW-Authenticate: {}",
                judged
                    .iter()
                    .map(|(label, r)| format!(
                        "{label}: {}",
                        r.header("www-authenticate").unwrap_or_default()
                    ))
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
        };
    }
    if missing.status == 401 && !challenges(missing) {
        return Check::blocked(
            Some("CCF-CRED-10"),
            "no 401 of this core carries WWW-Authenticate, not even the one for a missing credential",
        );
    }
    Check::Fail(format!(
        "the 401 to {} has no WWW-Authenticate challenge (RFC 9110 §11.6.1: a server generating a 401 MUST send one, whatever the credential was){}",
        lacking.join(", "),
        if missing.status == 401 {
            " though the 401 to the request without a credential has one"
        } else {
            ""
        }
    ))
}

/// The names of the auth-params of a challenge (`Bearer realm="x", error="invalid_token"` →
/// realm, error), read as RFC 9110 §11.2 writes them: a quoted-string value (with its
/// backslash escapes) is skipped whole, so a comma or an `error=` inside one is not a param.
fn auth_param_names(challenge: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = challenge.trim_start().chars().peekable();
    // The auth-scheme, up to the first space.
    while chars.next_if(|c| *c != ' ').is_some() {}
    loop {
        while chars
            .next_if(|c| *c == ' ' || *c == ',' || *c == '\t')
            .is_some()
        {}
        let name: String =
            std::iter::from_fn(|| chars.next_if(|c| !matches!(c, '=' | ',' | ' ' | '\t')))
                .collect();
        if name.is_empty() && chars.peek().is_none() {
            return names;
        }
        while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
        if chars.next_if_eq(&'=').is_none() {
            // token68 or a stray token: not an auth-param.
            continue;
        }
        names.push(name);
        while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
        if chars.next_if_eq(&'"').is_some() {
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => break,
                    _ => {}
                }
            }
        } else {
            while chars.next_if(|c| *c != ',').is_some() {}
        }
    }
}

/// CCF-CRED-20: every 401 to a presented Bearer token names the error in its challenge (RFC
/// 6750 §3.1: the resource server SHOULD include the "error" attribute). A 401 without any
/// challenge is CCF-CRED-10's or -19's finding; other answers are not judged.
pub fn error_attribute_on_every_401(
    missing: &HttpResponse,
    bearer: &[(String, HttpResponse)],
) -> Check {
    let challenge = |r: &HttpResponse| r.header("www-authenticate").map(str::to_string);
    let judged: Vec<&(String, HttpResponse)> =
        bearer.iter().filter(|(_, r)| r.status == 401).collect();
    if judged.is_empty() {
        return Check::Inconclusive(
            "no presented Bearer token was answered 401, so there is no challenge to judge".into(),
        );
    }
    if judged
        .iter()
        .any(|(_, r)| challenge(r).is_none_or(|c| c.trim().is_empty()))
    {
        let root = if missing.status == 401 && challenge(missing).is_none() {
            "CCF-CRED-10"
        } else {
            "CCF-CRED-19"
        };
        return Check::blocked(
            Some(root),
            "a 401 to a presented token carries no WWW-Authenticate challenge at all",
        );
    }
    let names_error = |c: &str| {
        auth_param_names(c)
            .iter()
            .any(|n| n.eq_ignore_ascii_case("error"))
    };
    let lacking: Vec<String> = judged
        .iter()
        .filter(|(_, r)| !challenge(r).is_some_and(|c| names_error(&c)))
        .map(|(label, r)| format!("{label}: {}", challenge(r).unwrap_or_default()))
        .collect();
    if lacking.is_empty() {
        Check::Pass(format!(
            "each 401 to a presented Bearer token names the error: {}",
            judged
                .iter()
                .map(|(label, r)| format!("{label}: {}", challenge(r).unwrap_or_default()))
                .collect::<Vec<_>>()
                .join("; ")
        ))
    } else {
        Check::Fail(format!(
            "the challenge to a presented Bearer token does not name the error (RFC 6750 §3.1: SHOULD include the \"error\" attribute, e.g. error=\"invalid_token\"): {}",
            lacking.join("; ")
        ))
    }
}

/// The error is a ProblemDetails in application/problem+json; its `status`, when present,
/// matches the HTTP status. TS 29.122's ProblemDetails has no required member, so a missing
/// `status` or `invalidParams` is not a failure.
pub fn problem_details(resp: &HttpResponse) -> Check {
    let media = resp
        .media_type()
        .unwrap_or_else(|| "no Content-Type".into());
    if media != PROBLEM_JSON {
        return Check::Fail(format!("expected {PROBLEM_JSON}, got {}", describe(resp)));
    }
    let is_object = resp.json().is_some_and(|j| j.is_object());
    let Some(pd) = serde_json::from_slice::<ProblemDetails>(&resp.body)
        .ok()
        .filter(|_| is_object)
    else {
        return Check::Fail(format!(
            "the error body is not a ProblemDetails object: {}",
            describe(resp)
        ));
    };
    match pd.status {
        Some(s) if s != resp.status => Check::Fail(format!(
            "ProblemDetails.status is {s} but the HTTP status is {}",
            resp.status
        )),
        Some(_) => Check::Pass(format!("ProblemDetails: {}", describe(resp))),
        None => Check::Pass(format!(
            "ProblemDetails without the optional status member: {}",
            describe(resp)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::checks::core::test_support::*;

    #[test]
    fn auth_params_are_read_outside_quoted_values() {
        assert_eq!(
            auth_param_names(r#"Bearer realm="capif", error="invalid_token""#),
            ["realm", "error"]
        );
        // A comma and "error=" inside a quoted value, an escaped quote: one param only.
        assert_eq!(
            auth_param_names(r#"Bearer realm="a, error=\"b\", c""#),
            ["realm"]
        );
        assert_eq!(
            auth_param_names("Bearer error=invalid_token , realm=x"),
            ["error", "realm"]
        );
        assert!(auth_param_names("Bearer").is_empty());
        // A token68 reads as a param of its own name: never "error" unless it says so.
        assert_eq!(auth_param_names("Bearer abc123=="), ["abc123"]);
    }

    #[test]
    fn a_presented_token_s_401_names_the_error() {
        let challenged = |v: &str| {
            let mut r = resp(401, "application/problem+json", "{}", None);
            r.headers.push(("WWW-Authenticate".into(), v.into()));
            r
        };
        let bare = resp(401, "application/problem+json", "{}", None);
        let bearer = |rs: Vec<HttpResponse>| -> Vec<(String, HttpResponse)> {
            rs.into_iter()
                .enumerate()
                .map(|(i, r)| (format!("token {i}"), r))
                .collect()
        };
        let named = challenged("Bearer realm=\"x\", error=\"invalid_token\"");
        crate::checks::assert_pass(&error_attribute_on_every_401(
            &named,
            &bearer(vec![named.clone()]),
        ));
        // "error" inside the realm's value is not the attribute.
        let realm_only = challenged("Bearer realm=\"error\"");
        let c = error_attribute_on_every_401(&named, &bearer(vec![named.clone(), realm_only]));
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("token 1") && !m.contains("token 0:")),
            "{c:?}"
        );
        // No challenge at all: CCF-CRED-10's or -19's finding.
        assert!(matches!(
            error_attribute_on_every_401(&bare, &bearer(vec![bare.clone()])),
            Check::Blocked {
                by: Some("CCF-CRED-10"),
                ..
            }
        ));
        assert!(matches!(
            error_attribute_on_every_401(&named, &bearer(vec![bare.clone()])),
            Check::Blocked {
                by: Some("CCF-CRED-19"),
                ..
            }
        ));
        assert!(matches!(
            error_attribute_on_every_401(
                &named,
                &bearer(vec![resp(422, "application/json", "{}", None)])
            ),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn every_401_must_challenge_and_a_core_that_never_does_is_cred_10s_finding() {
        let with = |status: u16| {
            let mut r = resp(status, "application/problem+json", "{}", None);
            r.headers
                .push(("WWW-Authenticate".into(), "Bearer realm=\"x\"".into()));
            r
        };
        let without = |status: u16| resp(status, "application/problem+json", "{}", None);
        let presented = |answers: Vec<HttpResponse>| -> Vec<(String, HttpResponse)> {
            answers
                .into_iter()
                .enumerate()
                .map(|(i, r)| (format!("credential {i}"), r))
                .collect()
        };
        let ok =
            www_authenticate_on_every_401(&with(401), &presented(vec![with(401), without(403)]));
        assert!(
            ok.passed() && ok.reason().contains("credential 0"),
            "{ok:?}"
        );
        let one =
            www_authenticate_on_every_401(&with(401), &presented(vec![with(401), without(401)]));
        assert!(
            matches!(&one, Check::Fail(m) if m.contains("credential 1") && !m.contains("credential 0") && m.contains("§11.6.1")),
            "{one:?}"
        );
        // Never a challenge: CCF-CRED-10's defect, one failure.
        assert!(matches!(
            www_authenticate_on_every_401(&without(401), &presented(vec![without(401)])),
            Check::Blocked {
                by: Some("CCF-CRED-10"),
                ..
            }
        ));
        // A missing credential answered 400 does not excuse a 401 without a challenge.
        crate::checks::assert_not_pass(&www_authenticate_on_every_401(
            &without(400),
            &presented(vec![without(401)]),
        ));
        // No 401 at all: nothing judged, nothing passed.
        assert!(matches!(
            www_authenticate_on_every_401(&with(401), &presented(vec![without(403), without(400)])),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn rejection_must_be_4xx_without_results() {
        crate::checks::assert_pass(&rejected(&resp(
            401,
            PROBLEM_JSON,
            r#"{"status":401}"#,
            None,
        )));
        let ok = resp(
            201,
            "application/json",
            r#"{"apiInvokerId":"INV1234567890abcdef"}"#,
            Some("https://x/y"),
        );
        let c = rejected(&ok);
        assert_eq!(
            c,
            Check::Fail("expected a 4xx rejection, got 201 application/json with apiInvokerId INV123456789… and a Location header".into())
        );
        crate::checks::assert_not_pass(&rejected(&resp(
            400,
            PROBLEM_JSON,
            r#"{"apiInvokerId":"INV1"}"#,
            None,
        )));
        crate::checks::assert_not_pass(&rejected(&resp(500, PROBLEM_JSON, "{}", None)));
    }

    #[test]
    fn problem_details_status_must_match() {
        crate::checks::assert_pass(&problem_details(&resp(
            401,
            PROBLEM_JSON,
            r#"{"status":401}"#,
            None,
        )));
        crate::checks::assert_not_pass(&problem_details(&resp(
            401,
            PROBLEM_JSON,
            r#"{"status":400}"#,
            None,
        )));
        crate::checks::assert_not_pass(&problem_details(&resp(
            401,
            "application/json",
            r#"{"status":401}"#,
            None,
        )));
        crate::checks::assert_not_pass(&problem_details(&resp(
            401,
            "text/html",
            "<h1>no</h1>",
            None,
        )));
    }

    #[test]
    fn problem_details_members_are_optional() {
        let c = problem_details(&resp(400, PROBLEM_JSON, r#"{"title":"Bad Request"}"#, None));
        assert!(
            c.passed() && c.reason().contains("optional status"),
            "{c:?}"
        );
        crate::checks::assert_not_pass(&problem_details(&resp(400, PROBLEM_JSON, "[]", None)));
        let msg = problem_details(&resp(
            401,
            "application/json",
            r#"{"msg":"Missing Authorization Header"}"#,
            None,
        ));
        assert!(
            !msg.passed() && msg.reason().contains("Missing Authorization Header"),
            "{msg:?}"
        );
    }
}
