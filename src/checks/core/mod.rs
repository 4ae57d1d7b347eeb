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
    use crate::net::HttpResponse;
    use crate::sut::LegacyHelloOutcome;

    /// A handshake that failed with `error`, through the same typed path a real one takes
    /// (the rustls error inside tokio-rustls' `io::Error`, read by `PhaseError`).
    pub(crate) fn tls_failure(error: rustls::Error) -> crate::net::TlsFailure {
        crate::net::TlsFailure::from(&crate::net::PhaseError::Io {
            phase: crate::net::Phase::Handshake,
            source: std::io::Error::other(error),
        })
    }

    /// [`tls_failure`] with a fatal alert from the peer.
    pub(crate) fn alert(description: rustls::AlertDescription) -> crate::net::TlsFailure {
        tls_failure(rustls::Error::AlertReceived(description))
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
