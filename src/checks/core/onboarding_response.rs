//! Checks of the core's onboarding response (Figure B.1-1, "CAPIF core provides Onboard API
//! Invoker response"; features/core/onboarding_response.feature): 201, Location, body, certificate.

use crate::checks::Check;
use crate::model::{ApiInvokerEnrolmentDetails, ONBOARDING_PATH};
use crate::net::describe_response as describe;
use crate::net::HttpResponse;
use crate::pki::verify_issued;
use rustls_pki_types::{CertificateDer, UnixTime};

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

/// CCF-OK-01 with what the harness chose to send (`chosen`: its key, key format and names).
/// A refusal of the content (400, 403, 409, 422) may be a refusal of those choices rather than
/// of the request, so only then does the reason name them and the PIXIT keys that change them;
/// a 5xx or a wrong success code would not change with them, so it says nothing of them.
pub fn created_for(resp: &HttpResponse, asynchronous: bool, chosen: &str) -> Check {
    match created(resp, asynchronous) {
        Check::Fail(r) if matches!(resp.status, 400 | 403 | 409 | 422) => Check::Fail(format!(
            "{r}; if the core refused what the harness chose, change it: the harness sent {chosen}"
        )),
        c => c,
    }
}

/// CCF-OK-07's 204 to the DELETE with the issued certificate. A core that authorises by
/// certificate name refuses (401, 403) a CN it does not expect: only then does the reason name
/// the CN and the PIXIT that chose the CSR's subject.
pub fn deleted_with_issued_certificate(resp: &HttpResponse, cn: &str) -> Check {
    let hint = if matches!(resp.status, 401 | 403) {
        format!(" (the certificate's CN={cn}; the CSR's subject comes from the PIXIT [core] invoker_subject_cn)")
    } else {
        String::new()
    };
    Check::expect(
        resp.status == 204,
        "204 No Content: the issued certificate authenticated the invoker",
        format!(
            "expected 204 No Content, got {} to the DELETE with the issued certificate{hint}",
            describe(resp)
        ),
    )
}

/// Location is `{apiRoot}/api-invoker-management/v1/onboardedInvokers/{onboardingId}`: the
/// scheme, host and port of the apiRoot (the host as configured or as the certificate's
/// `server_name`), no query or fragment. A relative reference is resolved against the request
/// URI (RFC 9110 §10.2.2) and passes with a note.
pub fn location(resp: &HttpResponse, api_root: &str, server_name: &str) -> Check {
    let Some(loc) = resp.header("location").map(str::trim) else {
        return Check::Fail(format!(
            "expected a Location header, got {}",
            describe(resp)
        ));
    };
    let Ok(root) = url::Url::parse(api_root) else {
        return Check::Inconclusive(format!("the apiRoot {api_root:?} is not a URL"));
    };
    let root_path = root.path().trim_end_matches('/');
    let request_uri = root
        .join(&format!("{root_path}{ONBOARDING_PATH}"))
        .unwrap_or_else(|_| root.clone());
    let (url, relative) = match url::Url::parse(loc) {
        Ok(u) => (u, false),
        Err(url::ParseError::RelativeUrlWithoutBase) => match request_uri.join(loc) {
            Ok(u) => (u, true),
            Err(e) => return Check::Fail(format!("Location {loc:?} is not a URI reference: {e}")),
        },
        Err(e) => return Check::Fail(format!("Location {loc:?} is not a URI: {e}")),
    };
    let host_ok = url.host_str().is_some_and(|h| {
        let h = h.trim_start_matches('[').trim_end_matches(']');
        Some(h)
            == root
                .host_str()
                .map(|r| r.trim_start_matches('[').trim_end_matches(']'))
            || h.eq_ignore_ascii_case(server_name)
    });
    if url.scheme() != root.scheme()
        || !host_ok
        || url.port_or_known_default() != root.port_or_known_default()
    {
        // Naming the PIXIT helps only when the harness may reach the core elsewhere than where
        // its invokers do; a Location on another scheme is wrong wherever it is reached.
        let hint = if url.scheme() == root.scheme() {
            format!(
                "; if the core's invokers are provisioned with {}://{} as apiRoot (the harness reaches it through a mapped port or another name), declare that as the PIXIT [core] api_root",
                url.scheme(),
                url.host_str().unwrap_or_default(),
            ) + &url.port().map(|p| format!(":{p}")).unwrap_or_default()
        } else {
            String::new()
        };
        return Check::Fail(format!(
            "Location {loc:?} is not under the apiRoot {api_root}: scheme, host and port must be the apiRoot's (host {} or {server_name}, port {}){hint}",
            root.host_str().unwrap_or_default(),
            root.port_or_known_default().unwrap_or(443)
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Check::Fail(format!(
            "Location {loc:?} carries a query or fragment: it is not the resource URI"
        ));
    }
    let prefix = format!("{root_path}{ONBOARDING_PATH}/");
    let id = url.path().strip_prefix(&prefix).unwrap_or("");
    if id.is_empty() || id.contains('/') {
        return Check::Fail(format!(
            "Location {loc:?} is not {{apiRoot}}{ONBOARDING_PATH}/{{onboardingId}}"
        ));
    }
    Check::Pass(if relative {
        format!("Location {loc} (a relative reference; resolves to {url})")
    } else {
        format!("Location {loc}")
    })
}

/// The body is an application/json APIInvokerEnrolmentDetails (the id is judged apart, by
/// [`has_invoker_id`], so a missing id fails CCF-OK-03 only).
pub fn enrolment_body(resp: &HttpResponse) -> Result<ApiInvokerEnrolmentDetails, Check> {
    if resp.media_type().as_deref() != Some("application/json") {
        return Err(Check::Fail(format!(
            "expected application/json, got {}",
            describe(resp)
        )));
    }
    serde_json::from_slice(&resp.body).map_err(|e| {
        Check::Fail(format!(
            "the body is not an APIInvokerEnrolmentDetails: {e}"
        ))
    })
}

/// The APIInvokerEnrolmentDetails carries a non-empty apiInvokerId.
pub fn has_invoker_id(details: &ApiInvokerEnrolmentDetails) -> Check {
    match details.api_invoker_id.as_deref() {
        Some(id) if !id.trim().is_empty() => {
            Check::Pass(format!("APIInvokerEnrolmentDetails with apiInvokerId {id}"))
        }
        _ => Check::Fail("the APIInvokerEnrolmentDetails has no apiInvokerId".into()),
    }
}

/// The body is an application/json APIInvokerEnrolmentDetails with a non-empty apiInvokerId.
pub fn enrolment_details(resp: &HttpResponse) -> Result<ApiInvokerEnrolmentDetails, Check> {
    let details = enrolment_body(resp)?;
    match has_invoker_id(&details) {
        Check::Pass(_) => Ok(details),
        other => Err(other),
    }
}

/// The issued certificate: X.509 (a bundle is fine: the chain is built from every certificate
/// in it), chains to `invoker_ca`, valid now for clientAuth, key identifiers linked as
/// RFC 5280 requires, binds `sent_spki` (the DER SubjectPublicKeyInfo the harness sent).
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
    match verify_issued(pem, invoker_ca, sent_spki, UnixTime::now()) {
        Ok(issued) => {
            let mut reason = format!(
                "certificate {} chains to the invoker CA, is valid for clientAuth and binds the invoker's key",
                crate::evidence::cert_info(issued.leaf()).subject
            );
            for n in &issued.notes {
                reason.push_str(&format!("; {n}"));
            }
            Check::Pass(reason)
        }
        Err(e) => Check::Fail(e.to_string()),
    }
}

/// Some CAPIF-1/1e security information came back: a certificate or a secret.
pub fn security_information(details: &ApiInvokerEnrolmentDetails) -> Check {
    let info = &details.onboarding_information;
    let cert = info
        .api_invoker_certificate
        .as_deref()
        .is_some_and(|c| !c.trim().is_empty());
    let secret = info
        .onboarding_secret
        .as_deref()
        .is_some_and(|s| !s.is_empty());
    Check::expect(
        cert || secret,
        match (cert, secret) {
            (true, true) => "an apiInvokerCertificate and an onboardingSecret",
            (true, false) => "an apiInvokerCertificate",
            _ => "an onboardingSecret",
        },
        "the 201 carries neither an apiInvokerCertificate nor an onboardingSecret: the invoker gets no CAPIF-1/1e security information",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::core::teardown::session_ended;
    #[allow(unused_imports)]
    use crate::checks::core::test_support::*;
    use crate::net::SessionEnd;
    use crate::sut::TeardownPolicy;

    #[test]
    fn location_shape() {
        let root = "https://127.0.0.1:8443";
        let loc =
            |l: Option<&str>| location(&resp(201, "application/json", "{}", l), root, "capifcore");
        let good = format!("{root}{ONBOARDING_PATH}/INV1");
        crate::checks::assert_pass(&loc(Some(&good)));
        assert!(loc(Some(&format!(
            "https://capifcore:8443{ONBOARDING_PATH}/INV1"
        )))
        .passed());
        crate::checks::assert_not_pass(&loc(None));
        assert!(!loc(Some(&format!(
            "{root}/api-invoker-management/v1/other/INV1"
        )))
        .passed());
        // A relative reference resolving to the resource passes with a note (RFC 9110 §10.2.2).
        let rel = loc(Some(&format!("{ONBOARDING_PATH}/INV1")));
        assert!(rel.passed() && rel.reason().contains("relative"), "{rel:?}");
        let rel = loc(Some("onboardedInvokers/INV1"));
        assert!(rel.passed(), "{rel:?}");
        crate::checks::assert_not_pass(&loc(Some("/relative")));
        // Another authority, scheme or port is not the created resource.
        for other in [
            format!("https://core.example{ONBOARDING_PATH}/INV1"),
            format!("https://capifcore{ONBOARDING_PATH}/INV1"),
            format!("http://127.0.0.1:8443{ONBOARDING_PATH}/INV1"),
            format!("http://attacker.example{ONBOARDING_PATH}/INV1?x#f"),
            format!("{root}{ONBOARDING_PATH}/INV1?x=1"),
            format!("{root}{ONBOARDING_PATH}/INV1#f"),
        ] {
            crate::checks::assert_not_pass(&loc(Some(&other)));
        }
    }

    /// A core reached through a mapped port names the apiRoot its invokers know: with that
    /// declared as the PIXIT [core] api_root it passes; without, the reason names the PIXIT.
    #[test]
    fn a_mapped_port_core_is_judged_against_its_declared_api_root() {
        let external = format!("https://capifcore{ONBOARDING_PATH}/INV1");
        let r = resp(201, "application/json", "{}", Some(&external));
        crate::checks::assert_pass(&location(&r, "https://capifcore", "capifcore"));
        let reached = location(&r, "https://127.0.0.1:8443", "capifcore");
        assert!(
            !reached.passed() && reached.reason().contains("[core] api_root"),
            "{reached:?}"
        );
        // The hint is not given where the PIXIT cannot help (another scheme).
        let http = resp(
            201,
            "application/json",
            "{}",
            Some(&external.replace("https", "http")),
        );
        assert!(!location(&http, "https://capifcore", "capifcore")
            .reason()
            .contains("api_root"));
    }

    /// Issue 27, point 7: a reason names configuration only when changing that configuration
    /// would change the verdict. Each row is a check whose failure may name a key, fed once
    /// where the key would help (it is named, and the changed configuration passes) and once
    /// where it would not (it is not named).
    #[test]
    fn reasons_name_configuration_only_when_it_would_change_the_verdict() {
        let chosen = "apiInvokerInformation \"x\", key Ec as Pem (PIXIT [core] invoker_key)";
        let plain = |status| resp(status, "application/problem+json", "{}", None);
        // CCF-OK-01: a refusal of the content may be a refusal of the harness's choices (the
        // rsa-only legitimacy variant passes with invoker_key = "rsa2048"); a 500 is not.
        for status in [400, 403, 409, 422] {
            let c = created_for(&plain(status), false, chosen);
            assert!(
                !c.passed() && c.reason().contains("PIXIT [core] invoker_key"),
                "{status}: {c:?}"
            );
        }
        for status in [500, 503, 200, 302, 404] {
            let c = created_for(&plain(status), false, chosen);
            assert!(
                !c.passed() && !c.reason().contains("PIXIT"),
                "{status}: {c:?}"
            );
        }
        // CCF-OK-07: a core authorising by name refuses with 401/403 (fault
        // authorise-by-cn-prefix passes with another invoker_subject_cn); a 404 or 500 would
        // not change with the CN.
        for status in [401, 403] {
            let c = deleted_with_issued_certificate(&plain(status), "capif-conformance-3");
            assert!(
                !c.passed()
                    && c.reason().contains("invoker_subject_cn")
                    && c.reason().contains("CN=capif-conformance-3"),
                "{c:?}"
            );
        }
        for status in [404, 500, 200] {
            let c = deleted_with_issued_certificate(&plain(status), "capif-conformance-3");
            assert!(
                !c.passed() && !c.reason().contains("invoker_subject_cn"),
                "{status}: {c:?}"
            );
        }
        crate::checks::assert_pass(&deleted_with_issued_certificate(&plain(204), "x"));
        // CCF-TD-01/02: teardown = "core" names teardown = "either" for a keep-alive core, and
        // with it declared the same behaviour passes once the invoker's close was served.
        let kept = SessionEnd::ServedAnotherRequest { status: 404 };
        let strict = session_ended(&kept, false, None, TeardownPolicy::Core);
        assert!(
            strict.reason().contains("teardown = \"either\""),
            "{strict:?}"
        );
        crate::checks::assert_pass(&session_ended(
            &kept,
            false,
            Some(&SessionEnd::CloseNotify),
            TeardownPolicy::Either,
        ));
        // Data nobody asked for fails whatever is declared, and names no declaration.
        for policy in [TeardownPolicy::Core, TeardownPolicy::Either] {
            let c = session_ended(&SessionEnd::MoreData { bytes: 9 }, false, None, policy);
            assert!(!c.passed() && !c.reason().contains("teardown ="), "{c:?}");
        }
        // CCF-OK-02's [core] api_root: a_mapped_port_core_is_judged_against_its_declared_api_root.
    }
}
