//! Checks of the offboarding branch, core under test (TS 33.122 §6.8).

use super::teardown::session_ended;
use crate::checks::Check;
use crate::net::describe_response as describe;
use crate::net::Phase;
use crate::sut::{Attempt, TeardownPolicy};

/// How a DELETE that should not succeed was answered: `Ok(status)` for an HTTP answer,
/// `Err(why)` when the core refused the TLS session itself (a certificate it no longer
/// accepts, or none) and `None` when nothing can be told (a broken exchange).
fn refusal(attempt: &Attempt) -> Option<Result<u16, String>> {
    if let Some(r) = &attempt.response {
        return Some(Ok(r.status));
    }
    match &attempt.error {
        Some(e) if e.phase() == Phase::Handshake => Some(Err(e.to_string())),
        _ => None,
    }
}

fn broken(attempt: &Attempt) -> String {
    attempt
        .error
        .as_ref()
        .map(|e| e.to_string())
        .unwrap_or_else(|| "no answer".into())
}

/// CCF-OFF-01: after a 204, the issued certificate no longer reaches the invoker resource.
/// A second DELETE with it answered 4xx (404, or 401/403 for a certificate deleted with the
/// profile) or a refused TLS session shows it. A 2xx to the second DELETE is no proof either
/// way (DELETE is idempotent, RFC 9110 §9.2.2, and some cores answer 2xx for an unknown id):
/// then the PUT of the resource with the same certificate (`put`) decides: 404/410 or a
/// refused session, gone; 2xx, the profile survived.
pub fn offboarded_gone(again: &Attempt, put: Option<&Attempt>) -> Check {
    let status = match refusal(again) {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            return Check::Pass(format!(
            "the core no longer accepts the deleted certificate: the TLS session was refused ({e})"
        ))
        }
        None => {
            return Check::Inconclusive(format!(
                "the second DELETE broke before an answer: {}",
                broken(again)
            ))
        }
    };
    let resp = again.response.as_ref().expect("an HTTP answer");
    match status {
        200..=299 => surviving_profile(resp, put),
        400..=499 => Check::Pass(format!(
            "the second DELETE was answered {}: the invoker resource is gone",
            describe(resp)
        )),
        _ => Check::Inconclusive(format!(
            "the second DELETE was answered {}: a server error tells nothing about the deletion",
            describe(resp)
        )),
    }
}

/// After a 2xx to the second DELETE: what the PUT with the same certificate showed.
fn surviving_profile(delete: &crate::net::HttpResponse, put: Option<&Attempt>) -> Check {
    let first = format!(
        "the second DELETE was answered {} (DELETE is idempotent: no proof either way)",
        describe(delete)
    );
    let Some(put) = put else {
        return Check::Inconclusive(format!("{first}, and no PUT was made to tell"));
    };
    match refusal(put) {
        Some(Err(e)) => Check::Pass(format!(
            "{first}; a PUT with the same certificate was refused at the TLS handshake ({e}): the certificate was deleted"
        )),
        Some(Ok(404 | 410)) => Check::Pass(format!(
            "{first}; a PUT of the resource with the same certificate was answered {}: the profile is gone",
            describe(put.response.as_ref().expect("an HTTP answer"))
        )),
        Some(Ok(s)) if (200..300).contains(&s) => Check::Fail(format!(
            "{first}; a PUT of the resource with the same certificate was answered {}: the invoker profile and its certificate survived the offboarding (TS 33.122 §6.8 step 3: shall delete the API invoker profile, including the certificate)",
            describe(put.response.as_ref().expect("an HTTP answer"))
        )),
        Some(Ok(_)) => Check::Inconclusive(format!(
            "{first}; a PUT with the same certificate was answered {}, which does not tell whether the profile exists",
            describe(put.response.as_ref().expect("an HTTP answer"))
        )),
        None => Check::Inconclusive(format!(
            "{first}; the PUT with the same certificate broke before an answer: {}",
            broken(put)
        )),
    }
}

/// CCF-OFF-02: after offboarding, the same key onboards again. When the core refused it and
/// the old resource still answered a DELETE (`profile_survived`), the profile was never
/// deleted: that is CCF-OFF-01's finding, not a retained key.
pub fn reonboarded(resp: &crate::net::HttpResponse, profile_survived: Option<bool>) -> Check {
    if (200..300).contains(&resp.status) {
        return Check::Pass(format!(
            "the key of the offboarded invoker onboarded again: {}",
            describe(resp)
        ));
    }
    if profile_survived == Some(true) {
        return Check::blocked(
            Some("CCF-OFF-01"),
            format!(
                "the same key was refused ({}), and the old resource still answered a DELETE: the profile was not deleted",
                describe(resp)
            ),
        );
    }
    Check::Fail(format!(
        "after offboarding, onboarding the same key again was answered {}: the core kept the key of the deleted profile (allowed by operator policy, TS 33.122 §6.8 step 3, hence recommended)",
        describe(resp)
    ))
}

/// Who presented what, for CCF-OFF-03/-04 reasons: the CN of the certificate the refused
/// DELETE carried (None: none) and the CN of the invoker whose resource it targeted.
#[derive(Debug, Clone, Default)]
pub struct Presented {
    /// CN of the certificate presented with the DELETE.
    pub by: Option<String>,
    /// CN of the certificate issued to the resource's owner.
    pub owner: Option<String>,
}

impl Presented {
    fn phrase(&self) -> String {
        let owner = self.owner.as_deref().unwrap_or("(unknown CN)");
        match &self.by {
            Some(by) => {
                format!("presented certificate CN={by}, resource of the invoker with CN={owner}")
            }
            None => format!("no client certificate, resource of the invoker with CN={owner}"),
        }
    }
}

/// CCF-OFF-03/-04: a DELETE that does not authenticate as the invoker (no client
/// certificate, another invoker's) is refused, and deleted nothing: the invoker's own DELETE
/// afterwards (`control`) is still answered 204. Reasons name both certificates' CNs, since a
/// core that authorises by a CN prefix lets any such certificate through.
pub fn offboarding_refused(
    refused: &Attempt,
    control: Option<&crate::net::HttpResponse>,
    presented: &Presented,
) -> Check {
    let how = match refusal(refused) {
        Some(Ok(s)) if (200..300).contains(&s) => {
            let resp = refused.response.as_ref().expect("an HTTP answer");
            return Check::Fail(format!(
                "a DELETE that does not authenticate as the invoker ({}) was answered {}: the core offboarded on it (TS 33.122 §6.8 step 3: shall verify the API invoker ID)",
                presented.phrase(),
                describe(resp)
            ));
        }
        Some(Ok(_)) => format!(
            "answered {}",
            describe(refused.response.as_ref().expect("an HTTP answer"))
        ),
        Some(Err(e)) => format!("its TLS session was refused ({e})"),
        None => {
            return Check::Inconclusive(format!(
                "the DELETE to be refused broke before an answer: {}",
                broken(refused)
            ))
        }
    };
    match control.map(|c| c.status) {
        Some(204) => Check::Pass(format!(
            "the DELETE was refused ({how}) and deleted nothing: the invoker's own DELETE afterwards was answered 204"
        )),
        Some(404) => Check::Fail(format!(
            "the DELETE was refused ({how}; {}) but the invoker was deleted anyway: its own DELETE afterwards was answered 404",
            presented.phrase()
        )),
        _ => Check::blocked(
            Some("CCF-OK-07"),
            format!(
                "the DELETE was refused ({how}); whether it deleted anything cannot be told: the invoker's own DELETE afterwards was answered {}",
                control.map(describe).unwrap_or_else(|| "nothing".into())
            ),
        ),
    }
}

/// CCF-OFF-05: after the offboarding response the core ends the session itself (§6.8 step 6
/// names the core), whatever the `[core.capabilities] teardown` declared for onboarding.
pub fn offboarding_torn_down(attempt: &Attempt) -> Check {
    let Some(end) = &attempt.end else {
        return Check::Inconclusive("the end of the offboarding session was not observed".into());
    };
    // §6.8 step 6 names the core whatever [core.capabilities] teardown says, so the
    // onboarding policy's advice does not apply here.
    if !end.ended()
        && !matches!(end, crate::net::SessionEnd::MoreData { .. })
        && !attempt.announced_close()
    {
        return Check::Fail(format!(
            "after the offboarding response {} (TS 33.122 §6.8 step 6: the CAPIF core function shall tear down the TLS session)",
            super::teardown::keep_alive_phrase(end)
        ));
    }
    match session_ended(
        end,
        attempt.announced_close(),
        None,
        TeardownPolicy::Core,
    ) {
        Check::Fail(r) => Check::Fail(format!(
            "after the offboarding response: {r} (TS 33.122 §6.8 step 6: the CAPIF core function shall tear down the TLS session)"
        )),
        Check::Pass(r) => Check::Pass(format!("after the offboarding response, {r}")),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{HttpResponse, PhaseError, SessionEnd};

    fn answered(status: u16, end: Option<SessionEnd>) -> Attempt {
        Attempt {
            tls: None,
            request: None,
            response: Some(HttpResponse {
                status,
                headers: Vec::new(),
                body: Default::default(),
            }),
            error: None,
            end,
            after_harness_close: None,
            timings: Default::default(),
            notification: None,
        }
    }

    fn refused_handshake() -> Attempt {
        Attempt {
            response: None,
            error: Some(PhaseError::Protocol {
                phase: Phase::Handshake,
                reason: "received fatal alert: UnknownCA".into(),
            }),
            ..answered(0, None)
        }
    }

    #[test]
    fn a_second_delete_must_find_nothing() {
        crate::checks::assert_pass(&offboarded_gone(&answered(404, None), None));
        crate::checks::assert_pass(&offboarded_gone(&answered(403, None), None));
        let tls = offboarded_gone(&refused_handshake(), None);
        assert!(
            matches!(&tls, Check::Pass(m) if m.contains("UnknownCA")),
            "{tls:?}"
        );
        let kept = offboarded_gone(&answered(204, None), Some(&answered(200, None)));
        assert!(
            matches!(&kept, Check::Fail(m) if m.contains("§6.8 step 3") && m.contains("PUT")),
            "{kept:?}"
        );
        assert!(matches!(
            offboarded_gone(&answered(500, None), None),
            Check::Inconclusive(_)
        ));
    }

    /// An idempotent-DELETE core answers 204 to the second DELETE of a deleted resource: that
    /// is no proof the profile survived; the PUT decides.
    #[test]
    fn a_2xx_to_the_second_delete_is_evidence_not_proof() {
        let idempotent = answered(204, None);
        let gone = offboarded_gone(&idempotent, Some(&answered(404, None)));
        assert!(
            gone.passed() && gone.reason().contains("idempotent"),
            "{gone:?}"
        );
        crate::checks::assert_pass(&offboarded_gone(&idempotent, Some(&refused_handshake())));
        assert!(matches!(
            offboarded_gone(&idempotent, None),
            Check::Inconclusive(_)
        ));
        assert!(matches!(
            offboarded_gone(&idempotent, Some(&answered(405, None))),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn a_refused_key_is_a_retained_key_unless_the_profile_survived() {
        let r = |s| HttpResponse {
            status: s,
            headers: Vec::new(),
            body: Default::default(),
        };
        crate::checks::assert_pass(&reonboarded(&r(201), None));
        let kept = reonboarded(&r(403), Some(false));
        assert!(
            matches!(&kept, Check::Fail(m) if m.contains("operator policy")),
            "{kept:?}"
        );
        let survived = reonboarded(&r(403), Some(true));
        assert!(
            matches!(
                survived,
                Check::Blocked {
                    by: Some("CCF-OFF-01"),
                    ..
                }
            ),
            "{survived:?}"
        );
    }

    #[test]
    fn a_refusal_must_delete_nothing() {
        let who = Presented::default();
        let ok = answered(204, None).response;
        crate::checks::assert_pass(&offboarding_refused(
            &answered(403, None),
            ok.as_ref(),
            &who,
        ));
        crate::checks::assert_pass(&offboarding_refused(
            &refused_handshake(),
            ok.as_ref(),
            &who,
        ));
        // Accepted: the finding whatever came next, naming both certificates' CNs (a core
        // authorising by a CN prefix lets any invoker's certificate through).
        let cns = Presented {
            by: Some("invoker-2".into()),
            owner: Some("invoker-1".into()),
        };
        let accepted = offboarding_refused(&answered(204, None), None, &cns);
        assert!(
            matches!(&accepted, Check::Fail(m) if m.contains("offboarded on it") && m.contains("CN=invoker-2") && m.contains("CN=invoker-1")),
            "{accepted:?}"
        );
        // Refused, yet the invoker is gone.
        let gone = answered(404, None).response;
        let c = offboarding_refused(&answered(401, None), gone.as_ref(), &who);
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("deleted anyway")),
            "{c:?}"
        );
        // The control itself failed: CCF-OK-07 judges it.
        let broken = answered(500, None).response;
        let c = offboarding_refused(&answered(403, None), broken.as_ref(), &who);
        assert!(
            matches!(
                c,
                Check::Blocked {
                    by: Some("CCF-OK-07"),
                    ..
                }
            ),
            "{c:?}"
        );
    }

    #[test]
    fn the_core_itself_must_end_the_offboarding_session() {
        crate::checks::assert_pass(&offboarding_torn_down(&answered(
            204,
            Some(SessionEnd::CloseNotify),
        )));
        let alive = offboarding_torn_down(&answered(
            204,
            Some(SessionEnd::ServedAnotherRequest { status: 404 }),
        ));
        // The reason names no configuration: teardown = "either" would not change it.
        assert!(
            matches!(&alive, Check::Fail(m) if m.contains("§6.8 step 6") && !m.contains("teardown =")),
            "{alive:?}"
        );
        assert!(matches!(
            offboarding_torn_down(&answered(204, None)),
            Check::Inconclusive(_)
        ));
    }
}
