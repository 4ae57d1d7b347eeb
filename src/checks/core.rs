//! Checks of a CAPIF core's behaviour.

use rustls_pki_types::{CertificateDer, UnixTime};

use super::Check;
use crate::model::{ApiInvokerEnrolmentDetails, ProblemDetails, ONBOARDING_PATH, PROBLEM_JSON};
use crate::net::{HttpResponse, SessionEnd, TlsSummary};
use crate::pki::{certificate_spki, pem_to_der};
use crate::sut::{LegacyHelloOutcome, TeardownPolicy};

/// "201 application/json with apiInvokerId INV12ab…" — how a response is named in reasons.
pub fn describe(resp: &HttpResponse) -> String {
    let mut s = format!("{}", resp.status);
    if let Some(m) = resp.media_type() {
        s.push_str(&format!(" {m}"));
    }
    if let Some(id) = resp
        .json()
        .and_then(|j| j["apiInvokerId"].as_str().map(str::to_string))
    {
        let short: String = id.chars().take(12).collect();
        s.push_str(&format!(
            " with apiInvokerId {short}{}",
            if id.len() > 12 { "…" } else { "" }
        ));
    }
    if resp.header("location").is_some() {
        s.push_str(" and a Location header");
    }
    s
}

/// The negotiated version is TLS 1.2 or 1.3 (the chain and name were verified by the handshake).
pub fn tls_version_allowed(tls: &TlsSummary, server_name: &str) -> Check {
    Check::expect(
        matches!(tls.version.as_str(), "TLSv1_2" | "TLSv1_3"),
        format!(
            "{} with {}; the certificate chains to the provisioned root and is valid for {server_name}",
            tls.version, tls.cipher
        ),
        format!("expected TLS 1.2 or 1.3, negotiated {}", tls.version),
    )
}

/// A ClientHello offering only TLS 1.0/1.1 is refused (alert or close), never answered.
pub fn legacy_hello_refused(outcome: &LegacyHelloOutcome) -> Check {
    match outcome {
        LegacyHelloOutcome::ServerHello { version } => Check::Fail(format!(
            "expected an alert or a close, got a ServerHello negotiating 0x{version:04x} to a ClientHello offering only TLS 1.0/1.1"
        )),
        LegacyHelloOutcome::Silent => Check::Fail(
            "expected an alert or a close, the core neither answered nor closed within the handshake timeout".into(),
        ),
        LegacyHelloOutcome::NotTls { first_bytes } => Check::Fail(format!(
            "expected an alert or a close, got bytes that are not TLS: {first_bytes}"
        )),
        other => Check::Pass(format!("refused with {}", other.describe())),
    }
}

/// An onboarding request sent in clear was not processed: no 2xx, and the key onboards later.
pub fn cleartext_not_processed(
    status: Option<u16>,
    later_onboarding: Option<&HttpResponse>,
) -> Check {
    if let Some(s) = status.filter(|s| (200..300).contains(s)) {
        return Check::Fail(format!(
            "expected no processing, the cleartext request got HTTP {s}"
        ));
    }
    match later_onboarding {
        Some(r) if r.status == 403 => Check::Fail(
            "the key of the cleartext request was stored: onboarding it over TLS afterwards got 403".into(),
        ),
        _ => Check::Pass(match status {
            Some(s) => format!("the cleartext request got HTTP {s} and created nothing"),
            None => "the cleartext request got no HTTP answer and created nothing".into(),
        }),
    }
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
    Check::Pass(format!("rejected with {}", resp.status))
}

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

/// The error is a ProblemDetails in application/problem+json whose status matches.
pub fn problem_details(resp: &HttpResponse) -> Check {
    let media = resp
        .media_type()
        .unwrap_or_else(|| "no Content-Type".into());
    if media != PROBLEM_JSON {
        return Check::Fail(format!(
            "expected {PROBLEM_JSON}, got {media} for HTTP {}",
            resp.status
        ));
    }
    let Ok(pd) = serde_json::from_slice::<ProblemDetails>(&resp.body) else {
        return Check::Fail("the error body is not a ProblemDetails object".into());
    };
    match pd.status {
        Some(s) if s == resp.status => Check::Pass(format!(
            "ProblemDetails with status {s}{}",
            pd.cause.map(|c| format!(", cause {c}")).unwrap_or_default()
        )),
        Some(s) => Check::Fail(format!(
            "ProblemDetails.status is {s} but the HTTP status is {}",
            resp.status
        )),
        None => Check::Fail("ProblemDetails has no status".into()),
    }
}

/// 400 with an invalidParams entry naming `field`.
pub fn bad_request_naming(resp: &HttpResponse, field: &str) -> Check {
    if resp.status != 400 {
        return Check::Fail(format!(
            "expected 400 naming {field}, got {}",
            describe(resp)
        ));
    }
    let params: Vec<String> = serde_json::from_slice::<ProblemDetails>(&resp.body)
        .ok()
        .and_then(|p| p.invalid_params)
        .unwrap_or_default()
        .into_iter()
        .map(|p| p.param)
        .collect();
    Check::expect(
        params.iter().any(|p| p.contains(field)),
        format!("400 with invalidParams {params:?}"),
        format!("expected invalidParams naming {field}, got {params:?}"),
    )
}

/// The apiInvokerId the invoker sent was not adopted.
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

/// 201 Created (or 202 when asynchronous onboarding is declared).
pub fn created(resp: &HttpResponse, asynchronous: bool) -> Check {
    Check::expect(
        resp.status == 201 || (asynchronous && resp.status == 202),
        format!("{} for a valid request", resp.status),
        format!(
            "expected 201 Created{}, got {}",
            if asynchronous { " or 202 Accepted" } else { "" },
            describe(resp)
        ),
    )
}

/// Location is `{apiRoot}/api-invoker-management/v1/onboardedInvokers/{onboardingId}`.
pub fn location(resp: &HttpResponse, api_root: &str) -> Check {
    let Some(loc) = resp.header("location") else {
        return Check::Fail(format!(
            "expected a Location header, got {}",
            describe(resp)
        ));
    };
    let Ok(url) = url::Url::parse(loc) else {
        return Check::Fail(format!("Location {loc:?} is not an absolute URI"));
    };
    let root = url::Url::parse(api_root).ok();
    let root_path = root
        .as_ref()
        .map(|r| r.path().trim_end_matches('/'))
        .unwrap_or("");
    let prefix = format!("{root_path}{ONBOARDING_PATH}/");
    let id = url.path().strip_prefix(&prefix).unwrap_or("");
    if id.is_empty() || id.contains('/') {
        return Check::Fail(format!(
            "Location {loc:?} is not {{apiRoot}}{ONBOARDING_PATH}/{{onboardingId}}"
        ));
    }
    let same_root = root.is_some_and(|r| {
        r.scheme() == url.scheme()
            && r.host_str() == url.host_str()
            && r.port_or_known_default() == url.port_or_known_default()
    });
    Check::Pass(if same_root {
        format!("Location {loc}")
    } else {
        format!("Location {loc} (path conforms; its authority differs from the configured apiRoot {api_root})")
    })
}

/// The body is an application/json APIInvokerEnrolmentDetails with a non-empty apiInvokerId.
pub fn enrolment_details(resp: &HttpResponse) -> Result<ApiInvokerEnrolmentDetails, Check> {
    if resp.media_type().as_deref() != Some("application/json") {
        return Err(Check::Fail(format!(
            "expected application/json, got {}",
            resp.media_type()
                .unwrap_or_else(|| "no Content-Type".into())
        )));
    }
    let details: ApiInvokerEnrolmentDetails = serde_json::from_slice(&resp.body).map_err(|e| {
        Check::Fail(format!(
            "the body is not an APIInvokerEnrolmentDetails: {e}"
        ))
    })?;
    match details.api_invoker_id.as_deref() {
        Some(id) if !id.trim().is_empty() => Ok(details),
        _ => Err(Check::Fail(
            "the APIInvokerEnrolmentDetails has no apiInvokerId".into(),
        )),
    }
}

/// The issued certificate: X.509, chains to `invoker_ca`, valid now for clientAuth, binds
/// `sent_spki` (the DER SubjectPublicKeyInfo the harness sent).
pub fn issued_certificate(
    details: &ApiInvokerEnrolmentDetails,
    invoker_ca: &[CertificateDer<'_>],
    sent_spki: &[u8],
) -> Check {
    let Some(pem) = details
        .onboarding_information
        .api_invoker_certificate
        .as_deref()
    else {
        return Check::Fail(
            "no onboardingInformation.apiInvokerCertificate in the response".into(),
        );
    };
    let Some(der) = pem_to_der(pem) else {
        return Check::Fail("apiInvokerCertificate is not a PEM X.509 certificate".into());
    };
    let anchors: Vec<_> = invoker_ca
        .iter()
        .filter_map(|c| webpki::anchor_from_trusted_cert(c).ok())
        .collect();
    let ee = match webpki::EndEntityCert::try_from(&der) {
        Ok(ee) => ee,
        Err(e) => return Check::Fail(format!("apiInvokerCertificate does not parse: {e:?}")),
    };
    if let Err(e) = ee.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &anchors,
        &[],
        UnixTime::now(),
        webpki::KeyUsage::client_auth(),
        None,
        None,
    ) {
        return Check::Fail(format!(
            "apiInvokerCertificate does not validate against the invoker CA for clientAuth now: {e:?}"
        ));
    }
    Check::expect(
        certificate_spki(&der).as_deref() == Some(sent_spki),
        format!("certificate {} chains to the invoker CA, is valid for clientAuth and binds the invoker's key",
            crate::evidence::cert_info(&der).subject),
        "apiInvokerCertificate certifies a different public key than the one the invoker sent",
    )
}

/// An onboarding secret is present.
pub fn onboarding_secret(details: &ApiInvokerEnrolmentDetails) -> Check {
    Check::expect(
        details
            .onboarding_information
            .onboarding_secret
            .as_deref()
            .is_some_and(|s| !s.is_empty()),
        "onboardingSecret present",
        "expected onboardingInformation.onboardingSecret, the response has none",
    )
}

/// Two onboardings got different ids.
pub fn distinct_ids(a: &str, b: &str) -> Check {
    Check::expect(
        a != b,
        format!("{a} and {b} differ"),
        format!("both invokers got apiInvokerId {a}"),
    )
}

/// The core ended the session after the response, within the teardown timeout.
pub fn session_ended(
    end: &SessionEnd,
    after_close: Option<&SessionEnd>,
    policy: TeardownPolicy,
) -> Check {
    if end.ended() {
        return Check::Pass(format!("the core ended the session: {}", end.describe()));
    }
    match (policy, after_close) {
        (TeardownPolicy::Either, Some(after)) if !matches!(after, SessionEnd::MoreData { .. }) => {
            Check::Pass(format!(
                "teardown = \"either\": the harness closed and the core served nothing more ({})",
                after.describe()
            ))
        }
        (TeardownPolicy::Either, Some(after)) => Check::Fail(format!(
            "after the harness closed the session the core still sent data: {}",
            after.describe()
        )),
        _ => Check::Fail(format!(
            "expected the core to end the session within the teardown timeout, observed: {}",
            end.describe()
        )),
    }
}

/// The core sent close_notify before closing.
pub fn close_notify_sent(end: &SessionEnd) -> Check {
    match end {
        SessionEnd::CloseNotify => Check::Pass("close_notify, then EOF".into()),
        SessionEnd::StillOpen => Check::Inconclusive(
            "the core did not close the session, so there was no close to observe".into(),
        ),
        other => Check::Fail(format!(
            "expected close_notify before the close, observed: {}",
            other.describe()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, media: &str, body: &str, location: Option<&str>) -> HttpResponse {
        let mut headers = vec![("Content-Type".to_string(), media.to_string())];
        if let Some(l) = location {
            headers.push(("Location".into(), l.into()));
        }
        HttpResponse {
            status,
            headers,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn rejection_must_be_4xx_without_results() {
        assert!(rejected(&resp(401, PROBLEM_JSON, r#"{"status":401}"#, None)).passed());
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
        assert!(!rejected(&resp(400, PROBLEM_JSON, r#"{"apiInvokerId":"INV1"}"#, None)).passed());
        assert!(!rejected(&resp(500, PROBLEM_JSON, "{}", None)).passed());
    }

    #[test]
    fn problem_details_status_must_match() {
        assert!(problem_details(&resp(401, PROBLEM_JSON, r#"{"status":401}"#, None)).passed());
        assert!(!problem_details(&resp(401, PROBLEM_JSON, r#"{"status":400}"#, None)).passed());
        assert!(
            !problem_details(&resp(401, "application/json", r#"{"status":401}"#, None)).passed()
        );
        assert!(!problem_details(&resp(401, "text/html", "<h1>no</h1>", None)).passed());
    }

    #[test]
    fn bad_request_must_name_the_field() {
        let b = r#"{"status":400,"invalidParams":[{"param":"/notificationDestination"}]}"#;
        assert!(
            bad_request_naming(&resp(400, PROBLEM_JSON, b, None), "notificationDestination")
                .passed()
        );
        assert!(
            !bad_request_naming(&resp(400, PROBLEM_JSON, b, None), "onboardingInformation")
                .passed()
        );
        assert!(
            !bad_request_naming(&resp(422, PROBLEM_JSON, b, None), "notificationDestination")
                .passed()
        );
    }

    #[test]
    fn location_shape() {
        let root = "https://127.0.0.1:8443";
        let good = format!("{root}{ONBOARDING_PATH}/INV1");
        assert!(location(&resp(201, "application/json", "{}", Some(&good)), root).passed());
        assert!(!location(&resp(201, "application/json", "{}", None), root).passed());
        let bad = format!("{root}/api-invoker-management/v1/other/INV1");
        assert!(!location(&resp(201, "application/json", "{}", Some(&bad)), root).passed());
        assert!(!location(
            &resp(201, "application/json", "{}", Some("/relative")),
            root
        )
        .passed());
        let other_host = format!("https://core.example{ONBOARDING_PATH}/INV1");
        let c = location(
            &resp(201, "application/json", "{}", Some(&other_host)),
            root,
        );
        assert!(c.passed() && c.reason().contains("differs"), "{c:?}");
    }

    #[test]
    fn adopted_ids_fail() {
        let adopted = resp(
            201,
            "application/json",
            r#"{"apiInvokerId":"INVmine"}"#,
            None,
        );
        assert!(!not_adopted(&adopted, "INVmine").passed());
        let own = resp(
            201,
            "application/json",
            r#"{"apiInvokerId":"INVcore"}"#,
            None,
        );
        assert!(not_adopted(&own, "INVmine").passed());
        assert!(not_adopted(&resp(400, PROBLEM_JSON, "{}", None), "INVmine").passed());
    }

    #[test]
    fn teardown_policies() {
        assert!(session_ended(&SessionEnd::CloseNotify, None, TeardownPolicy::Core).passed());
        assert!(session_ended(&SessionEnd::Reset, None, TeardownPolicy::Core).passed());
        assert!(!session_ended(&SessionEnd::StillOpen, None, TeardownPolicy::Core).passed());
        assert!(session_ended(
            &SessionEnd::StillOpen,
            Some(&SessionEnd::CloseNotify),
            TeardownPolicy::Either
        )
        .passed());
        assert!(!session_ended(
            &SessionEnd::StillOpen,
            Some(&SessionEnd::MoreData { bytes: 3 }),
            TeardownPolicy::Either
        )
        .passed());
        assert!(close_notify_sent(&SessionEnd::CloseNotify).passed());
        assert!(!close_notify_sent(&SessionEnd::TcpCloseWithoutCloseNotify).passed());
        assert!(matches!(
            close_notify_sent(&SessionEnd::StillOpen),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn legacy_hello() {
        assert!(
            !legacy_hello_refused(&LegacyHelloOutcome::ServerHello { version: 0x0302 }).passed()
        );
        assert!(legacy_hello_refused(&LegacyHelloOutcome::Alert {
            level: 2,
            description: 70
        })
        .passed());
        assert!(legacy_hello_refused(&LegacyHelloOutcome::Closed).passed());
    }

    #[test]
    fn cleartext() {
        assert!(!cleartext_not_processed(Some(201), None).passed());
        assert!(cleartext_not_processed(Some(400), None).passed());
        let dup = resp(403, PROBLEM_JSON, "{}", None);
        assert!(!cleartext_not_processed(None, Some(&dup)).passed());
    }
}
