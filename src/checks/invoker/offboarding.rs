//! Checks of the offboarding branch, invoker under test (TS 33.122 §6.8): what the played
//! core saw of the second invocation (`CAPIF_ACTION=offboard`) and how it ended.

use crate::adapter_contract::AdapterOutcome;
use crate::checks::Check;
use crate::sut::{InvokerRun, ObservedRequest, OffboardRun, SessionObservation};

/// What the offboarding invocation did: its run and the sessions it opened.
struct Offboarding<'a> {
    off: &'a OffboardRun,
    sessions: Vec<&'a SessionObservation>,
}

impl<'a> Offboarding<'a> {
    /// The first request of the offboarding invocation, with its session.
    fn first_request(&self) -> Option<(&'a SessionObservation, &'a ObservedRequest)> {
        self.sessions
            .iter()
            .find_map(|s| s.requests.first().map(|r| (*s, r)))
    }

    /// The path of the resource the core named.
    fn resource_path(&self) -> String {
        url::Url::parse(&self.off.granted.location)
            .map(|u| u.path().to_string())
            .unwrap_or_default()
    }
}

/// The offboarding invocation, or why there is none: the first invocation did not onboard
/// (INV-OK-01 judges that), so there was nothing to offboard.
fn offboarding(run: &InvokerRun) -> Result<Offboarding<'_>, Check> {
    let Some(off) = run.offboard.as_ref() else {
        return Err(Check::blocked(
            Some("INV-OK-01"),
            format!(
                "the invoker was not onboarded, so there was nothing to offboard ({})",
                run.adapter.describe()
            ),
        ));
    };
    let sessions = run
        .observations
        .sessions
        .iter()
        .filter(|s| s.accepted_ms >= off.started_ms)
        .collect();
    Ok(Offboarding { off, sessions })
}

/// The offboarding DELETE, or the check that explains its absence.
fn delete_request<'a>(
    o: &Offboarding<'a>,
) -> Result<(&'a SessionObservation, &'a ObservedRequest), Check> {
    o.first_request().ok_or_else(|| {
        Check::blocked(
            Some("INV-OFF-01"),
            format!(
                "the offboarding invocation sent no request ({})",
                o.off.adapter.describe()
            ),
        )
    })
}

/// Judge the offboarding DELETE with `judge`, or say why there is none to judge.
fn on_delete(
    run: &InvokerRun,
    judge: impl FnOnce(&Offboarding<'_>, &SessionObservation, &ObservedRequest) -> Check,
) -> Check {
    let o = match offboarding(run) {
        Ok(o) => o,
        Err(c) => return c,
    };
    match delete_request(&o) {
        Ok((session, req)) => judge(&o, session, req),
        Err(c) => c,
    }
}

/// INV-OFF-01: the offboarding invocation sends DELETE to the Location of the 201.
pub fn offboard_target(run: &InvokerRun) -> Check {
    let o = match offboarding(run) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let want = o.resource_path();
    let Some((_, req)) = o.first_request() else {
        return Check::Fail(format!(
            "the offboarding invocation sent no request to the core ({}; {} session(s), none with a request)",
            o.off.adapter.describe(),
            o.sessions.len()
        ));
    };
    let path = req.target.split('?').next().unwrap_or("");
    Check::expect(
        req.method == "DELETE" && path == want,
        format!("DELETE {want}, the resource the core named"),
        format!(
            "expected DELETE {want} (the Location of the 201), got {} {}",
            req.method, req.target
        ),
    )
}

/// INV-OFF-02: the DELETE's session presented the certificate the core issued.
pub fn offboard_mutual_tls(run: &InvokerRun) -> Check {
    on_delete(run, |o, session, _| {
        let issued = crate::pki::pem_certificates(&o.off.granted.certificate_pem);
        match (&session.client_certificate, issued.first()) {
            (Some(c), Some(i)) if c.as_slice() == i.as_ref() => Check::Pass(
                "the offboarding session presented the certificate issued at onboarding".into(),
            ),
            (Some(_), _) => Check::Fail(
                "the offboarding session presented a client certificate other than the one issued at onboarding".into(),
            ),
            (None, _) => Check::Fail(
                "the offboarding request came without a client certificate: it must go over mutual TLS with the certificate issued at onboarding".into(),
            ),
        }
    })
}

/// INV-OFF-03: the DELETE carries no Authorization (the onboarding credential is not reused).
pub fn offboard_without_credential(run: &InvokerRun) -> Check {
    on_delete(run, |_, _, req| {
        match req.header("authorization") {
            None => Check::Pass("the offboarding request carries no Authorization header".into()),
            Some(a) => Check::Fail(format!(
                "the offboarding request carries Authorization: {} …: the onboarding credential is sent again where the certificate authenticates",
                a.split(' ').next().unwrap_or("")
            )),
        }
    })
}

/// INV-OFF-04: after a 204 to its DELETE the invoker reports the offboarding as done. A
/// DELETE the played core did not answer 204 was the wrong request: INV-OFF-01 (target) or
/// INV-OFF-02 (certificate) judges it.
pub fn offboard_reported_done(run: &InvokerRun) -> Check {
    on_delete(run, |o, _, req| {
        if req.answered != Some(204) {
            let by = if matches!(offboard_target(run), Check::Pass(_)) {
                "INV-OFF-02"
            } else {
                "INV-OFF-01"
            };
            return Check::blocked(
                Some(by),
                format!(
                    "the played core answered {} {} with {}, not 204",
                    req.method,
                    req.target,
                    req.answered
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "nothing".into())
                ),
            );
        }
        Check::expect(
            o.off.adapter.succeeded(),
            "after 204 the invoker reported the offboarding as done (exit 0)",
            format!(
                "after 204 the invoker did not report the offboarding as done: {}",
                o.off.adapter.describe()
            ),
        )
    })
}

/// INV-OFF-06: after a 404 to its DELETE the invoker reports a definite outcome: failure, or
/// done ("already offboarded" is a legitimate reading of a 404 to a DELETE, which is
/// idempotent); never a crash or a hang.
pub fn offboard_outcome_on_404(run: &InvokerRun) -> Check {
    on_delete(run, |o, _, req| {
        let status = req.answered.unwrap_or(0);
        match o.off.adapter.outcome() {
            AdapterOutcome::Failed(code) => Check::Pass(format!(
                "after {status} the invoker reported the offboarding failed (exit {code})"
            )),
            AdapterOutcome::Onboarded => Check::Pass(format!(
                "after {status} the invoker reported the offboarding as done (exit 0), as already offboarded"
            )),
            _ => Check::Fail(format!(
                "after {status} the invoker reported no outcome: {}",
                o.off.adapter.describe()
            )),
        }
    })
}

/// INV-OFF-05: after the scripted error to its DELETE the invoker reports failure.
pub fn offboard_reported_failure(run: &InvokerRun) -> Check {
    on_delete(run, |o, _, req| {
        let status = req.answered.unwrap_or(0);
        match o.off.adapter.outcome() {
            AdapterOutcome::Failed(code) => Check::Pass(format!(
                "after {status} the invoker reported the offboarding failed (exit {code})"
            )),
            AdapterOutcome::Onboarded => Check::Fail(format!(
                "after {status} the invoker reported the offboarding as done (exit 0): only 204 offboards"
            )),
            _ => Check::Fail(format!(
                "after {status} the invoker neither reported failure nor success: {}",
                o.off.adapter.describe()
            )),
        }
    })
}

/// INV-OFF-07: after the offboarding response the invoker ends the session.
pub fn offboard_ended_session(run: &InvokerRun) -> Check {
    on_delete(run, |_, session, _| {
        super::teardown::ended_after_response(session, "the offboarding response")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapter_contract::AdapterExit;
    use crate::checks::invoker::test_support::{run, session};
    use crate::checks::{assert_not_pass, assert_pass};
    use crate::net::SessionEnd;
    use crate::sut::{AdapterRun, Granted, Offboard, Script};

    const ID: &str = "INV0123";
    const LOCATION: &str =
        "https://127.0.0.1:1/api-invoker-management/v1/onboardedInvokers/INV0123";

    fn issued() -> (String, Vec<u8>) {
        let pki = crate::pki::TestPki::generate(&["localhost".to_string()]).unwrap();
        let pem = pki.core.cert_pem();
        let der = crate::pki::pem_certificates(&pem)[0].to_vec();
        (pem, der)
    }

    /// An offboarding run: the onboarding session (accepted at 0), then one offboarding
    /// session with `delete` answered `answered`, presenting `cert`, the invocation ending
    /// with `exit`.
    fn offboarded(
        delete: (&str, &str),
        answered: u16,
        cert: Option<Vec<u8>>,
        exit: i32,
        end: Option<SessionEnd>,
    ) -> InvokerRun {
        let (pem, _) = issued();
        let mut off_session = session(1, None);
        off_session.accepted_ms = 10;
        off_session.requests[0].method = delete.0.into();
        off_session.requests[0].target = delete.1.into();
        off_session.requests[0].answered = Some(answered);
        off_session.client_certificate = cert;
        off_session.end = end;
        let script = Script {
            offboard: Some(Offboard::Strict),
            ..Script::default()
        };
        let mut r = run(
            script,
            AdapterExit::Code(0),
            vec![session(1, None), off_session],
        );
        r.offboard = Some(OffboardRun {
            adapter: AdapterRun {
                exit: AdapterExit::Code(exit),
                stdout: String::new(),
                stderr: String::new(),
                report: None,
                duration_ms: 5,
            },
            started_ms: 5,
            granted: Granted {
                api_invoker_id: ID.into(),
                certificate_pem: pem,
                location: LOCATION.into(),
            },
        });
        r
    }

    fn path() -> &'static str {
        "/api-invoker-management/v1/onboardedInvokers/INV0123"
    }

    #[test]
    fn the_delete_must_go_to_the_location_with_the_issued_certificate() {
        let (_, der) = issued();
        let good = offboarded(("DELETE", path()), 204, Some(der.clone()), 0, None);
        assert_pass(&offboard_target(&good));
        // The certificate of this run's PKI: a fresh PKI's certificate is "another".
        let other = offboarded(("DELETE", path()), 403, Some(vec![1, 2, 3]), 1, None);
        let c = offboard_mutual_tls(&other);
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("other than")),
            "{c:?}"
        );
        let none = offboard_mutual_tls(&offboarded(("DELETE", path()), 403, None, 1, None));
        assert!(
            matches!(&none, Check::Fail(m) if m.contains("without a client certificate")),
            "{none:?}"
        );
        let wrong = offboard_target(&offboarded(
            ("DELETE", "/api-invoker-management/v1/onboardedInvokers"),
            404,
            Some(der),
            1,
            None,
        ));
        assert!(
            matches!(&wrong, Check::Fail(m) if m.contains("expected DELETE")),
            "{wrong:?}"
        );
    }

    #[test]
    fn nothing_to_offboard_names_the_onboarding() {
        let never = run(Script::default(), AdapterExit::Code(1), vec![]);
        for c in [
            offboard_target(&never),
            offboard_mutual_tls(&never),
            offboard_reported_done(&never),
        ] {
            assert!(
                matches!(
                    c,
                    Check::Blocked {
                        by: Some("INV-OK-01"),
                        ..
                    }
                ),
                "{c:?}"
            );
        }
    }

    #[test]
    fn only_a_204_is_reported_as_done() {
        let (_, der) = issued();
        let r = |answered, exit| {
            offboarded(("DELETE", path()), answered, Some(der.clone()), exit, None)
        };
        assert_pass(&offboard_reported_done(&r(204, 0)));
        assert_not_pass(&offboard_reported_done(&r(204, 1)));
        // A DELETE the core refused was the wrong request: the certificate explains it here.
        let refused = offboard_reported_done(&r(403, 1));
        assert!(
            matches!(
                refused,
                Check::Blocked {
                    by: Some("INV-OFF-02"),
                    ..
                }
            ),
            "{refused:?}"
        );
        assert_pass(&offboard_reported_failure(&r(403, 1)));
        let claimed = offboard_reported_failure(&r(403, 0));
        assert!(
            matches!(&claimed, Check::Fail(m) if m.contains("only 204")),
            "{claimed:?}"
        );
        // A 404 may be read as "already offboarded": done and failed both pass, nothing fails.
        assert_pass(&offboard_outcome_on_404(&r(404, 0)));
        assert_pass(&offboard_outcome_on_404(&r(404, 1)));
        assert_not_pass(&offboard_outcome_on_404(&r(404, 134)));
    }

    #[test]
    fn the_credential_is_not_sent_again_and_the_session_ends() {
        let (_, der) = issued();
        let mut with_token = offboarded(
            ("DELETE", path()),
            204,
            Some(der.clone()),
            0,
            Some(SessionEnd::CloseNotify),
        );
        assert_pass(&offboard_without_credential(&with_token));
        assert_pass(&offboard_ended_session(&with_token));
        with_token.observations.sessions[1].requests[0]
            .headers
            .push(("Authorization".into(), "Bearer c".into()));
        assert_not_pass(&offboard_without_credential(&with_token));
        let open = offboarded(
            ("DELETE", path()),
            204,
            Some(der),
            0,
            Some(SessionEnd::StillOpen),
        );
        assert_not_pass(&offboard_ended_session(&open));
    }
}
