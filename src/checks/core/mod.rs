//! Checks of a CAPIF core's behaviour, one file per branch as in `features/core/`
//! (README "Layout": a feature file, its steps and its checks share the branch's name).

pub(crate) mod async_onboarding;
pub(crate) mod credential;
pub(crate) mod offboarding;
pub(crate) mod onboarding_response;
pub(crate) mod request_validation;
pub(crate) mod secure_connection;
pub(crate) mod teardown;

#[cfg(test)]
pub(crate) mod test_support {
    #![allow(unused_imports, dead_code)]
    use super::*;
    use crate::checks::Check;
    use crate::model::{ApiInvokerEnrolmentDetails, ProblemDetails, ONBOARDING_PATH, PROBLEM_JSON};
    use crate::net::{HttpResponse, SessionEnd, TlsSummary};
    use crate::pki::verify_issued;
    use crate::sut::*;
    use crate::sut::{LegacyHelloOutcome, TeardownPolicy};
    use rustls_pki_types::{CertificateDer, UnixTime};
    use std::time::Duration;

    /// What the typed rustls error gives for `message`: a certificate_required abort when the
    /// message is rustls' wording of that alert.
    pub(crate) fn tls_failure(message: &str) -> crate::net::TlsFailure {
        crate::net::TlsFailure {
            message: message.into(),
            certificate_required: message.ends_with("CertificateRequired"),
            weak_algorithm: message.contains("UnsupportedSignatureAlgorithm"),
        }
    }

    pub(crate) fn resp(
        status: u16,
        media: &str,
        body: &str,
        location: Option<&str>,
    ) -> HttpResponse {
        let mut headers = vec![("Content-Type".to_string(), media.to_string())];
        if let Some(l) = location {
            headers.push(("Location".into(), l.into()));
        }
        HttpResponse {
            status,
            headers,
            body: body.as_bytes().to_vec().into(),
        }
    }

    pub(crate) fn versions(
        answers: &[(u16, LegacyHelloOutcome, Option<u16>)],
    ) -> Vec<crate::sut::tls_enumeration::VersionProbe> {
        answers
            .iter()
            .map(|(v, o, s)| crate::sut::tls_enumeration::VersionProbe {
                version: *v,
                offered: 170,
                outcome: o.clone(),
                selected: *s,
            })
            .collect()
    }
}
