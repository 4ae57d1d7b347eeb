//! Checks of an API invoker's behaviour, one file per branch of Figure B.1-1 as in
//! `features/invoker/`; what several branches share is here.

pub(crate) mod async_onboarding;
pub(crate) mod enrolment;
pub(crate) mod offboarding;
pub(crate) mod onboarding_response;
pub(crate) mod request;
pub(crate) mod secure_connection;
pub(crate) mod teardown;

use crate::adapter_contract::AdapterOutcome;
use crate::checks::Check;
use crate::model::ONBOARDING_PATH;
use crate::net::SessionEnd;
use crate::sut::{AdapterExit, InvokerRun, ObservedRequest, Presents, SessionObservation};

/// Whether the adapter reported "onboarding failed" (1–125 other than 89).
pub(crate) fn reported_failure(run: &InvokerRun) -> bool {
    matches!(run.adapter.outcome(), AdapterOutcome::Failed(_))
}

/// The onboarding POSTs the invoker sent, across sessions.
pub fn onboarding_posts(run: &InvokerRun) -> Vec<&ObservedRequest> {
    run.observations
        .sessions
        .iter()
        .flat_map(|s| s.requests.iter())
        .filter(|r| {
            r.method == "POST"
                && r.target
                    .split('?')
                    .next()
                    .unwrap_or("")
                    .ends_with(ONBOARDING_PATH)
        })
        .collect()
}

/// The first onboarding POST, or: not tested, because the invoker sent none (INV-REQ-01
/// judges where its requests went).
pub(crate) fn first_post(run: &InvokerRun) -> Result<&ObservedRequest, Check> {
    if let Some(p) = onboarding_posts(run).into_iter().next() {
        return Ok(p);
    }
    let sent: Vec<String> = run
        .observations
        .sessions
        .iter()
        .flat_map(|s| s.requests.iter())
        .map(|r| format!("{} {}", r.method, r.target))
        .collect();
    Err(Check::blocked(
        Some("INV-REQ-01"),
        if sent.is_empty() {
            format!(
                "the invoker sent no onboarding request ({})",
                run.adapter.describe()
            )
        } else {
            format!(
                "the invoker sent no POST to {ONBOARDING_PATH}, only {}",
                sent.join(", ")
            )
        },
    ))
}

/// The session on which the (first) response was sent.
pub(crate) fn answered_session(run: &InvokerRun) -> Option<&SessionObservation> {
    run.observations
        .sessions
        .iter()
        .find(|s| !s.requests.is_empty())
}

/// The invoker never connected: claiming success is a failure, anything else is undecidable.
pub(crate) fn never_connected(run: &InvokerRun, undecided: &str) -> Check {
    if run.adapter.succeeded() {
        Check::Fail("the invoker reported success without ever connecting to the core".into())
    } else {
        Check::Inconclusive(format!(
            "the invoker never connected to the core ({}), so {undecided}",
            run.adapter.describe()
        ))
    }
}

/// Against a core that never answers the ClientHello ([`Presents::Silent`]) or the onboarding
/// request ([`crate::sut::Answers::Never`]): the invoker ends the flow by itself, reporting
/// failure, before the declared `bound` plus [`crate::sut::silence_slack`] (when the harness
/// ends it). Exiting any time before that passes, so no verdict rests on a race at the bound.
pub fn gave_up_on_silence(run: &InvokerRun, bound: std::time::Duration) -> Check {
    let silent_handshake = run.script.presents == Presents::Silent;
    let never = if silent_handshake {
        "never answered the ClientHello"
    } else {
        "never answered the onboarding request"
    };
    if run.observations.sessions.is_empty() {
        return never_connected(run, "whether it gives up on a silent core cannot be told");
    }
    if !silent_handshake {
        if let Err(blocked) = first_post(run) {
            return blocked;
        }
    }
    let session = run.observations.sessions.last().expect("not empty");
    let connection = match (&session.closed_before_request, session.end_after_ms) {
        (Some(SessionEnd::StillOpen) | None, _) => "the connection stayed open".to_string(),
        (Some(end), Some(ms)) => {
            format!("it ended the connection after {ms} ms of silence ({end:?})")
        }
        (Some(end), None) => format!("it ended the connection ({end:?})"),
    };
    give_up_verdict(run, never, bound, &format!(" ({connection})"))
}

/// The verdict on an invoker facing a core that `never` completes (the silent handshake,
/// the unanswered request, the 202 never notified): failure reported before `bound` plus
/// slack passes; still running, success or a crash fails. `connection` says how the session
/// went (may be empty). One rule for every give-up test purpose.
pub(super) fn give_up_verdict(
    run: &InvokerRun,
    never: &str,
    bound: std::time::Duration,
    connection: &str,
) -> Check {
    let declared = declared_bound(bound);
    match &run.adapter.exit {
        AdapterExit::TimedOut => Check::Fail(format!(
            "the core {never} and the invoker was still running after {} ms, beyond {declared}; the harness ended it{connection}",
            run.adapter.duration_ms
        )),
        AdapterExit::Code(0) => Check::Fail(format!(
            "the invoker reported success although the core {never}{connection}"
        )),
        AdapterExit::Signal => Check::Fail(format!(
            "the invoker was killed by a signal instead of giving up (the core {never})"
        )),
        _ if reported_failure(run) => Check::Pass(format!(
            "the core {never}; the invoker gave up and reported failure ({}) after {} ms, within {declared}{connection}",
            run.adapter.describe(),
            run.adapter.duration_ms
        )),
        _ => Check::Inconclusive(format!(
            "the core {never}; {} so giving up cannot be judged",
            run.adapter.describe()
        )),
    }
}

/// How a reason names the give-up bound: the PIXIT and the slack.
pub(super) fn declared_bound(bound: std::time::Duration) -> String {
    format!(
        "the PIXIT [invoker] gives_up_within = {} ms plus {} ms slack",
        bound.as_millis(),
        crate::sut::silence_slack(bound).as_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::checks::invoker::test_support::*;
    use crate::sut::{Answers, Script};

    #[test]
    fn giving_up_is_judged_by_the_exit_within_the_bound() {
        let silent = Script {
            presents: Presents::Silent,
            ..Script::default()
        };
        let fin = || vec![session(0, Some(SessionEnd::TcpCloseWithoutCloseNotify))];
        let gave_up = gave_up_on_silence(&run(silent, AdapterExit::Code(1), fin()), BOUND);
        assert!(gave_up.passed(), "{gave_up:?}");
        // Still running at bound + slack: the harness ended it.
        let hung = gave_up_on_silence(&run(silent, AdapterExit::TimedOut, fin()), BOUND);
        assert!(
            matches!(&hung, Check::Fail(r) if r.contains("still running")),
            "{hung:?}"
        );
        // Success without any answer is a failure, and so is a crash.
        let claimed = gave_up_on_silence(&run(silent, AdapterExit::Code(0), fin()), BOUND);
        assert!(matches!(&claimed, Check::Fail(r) if r.contains("reported success")));
        assert!(matches!(
            gave_up_on_silence(&run(silent, AdapterExit::Signal, fin()), BOUND),
            Check::Fail(_)
        ));
        // Never connecting tells nothing (unless it then claims success).
        let absent = gave_up_on_silence(&run(silent, AdapterExit::Code(1), vec![]), BOUND);
        assert!(matches!(absent, Check::Inconclusive(_)), "{absent:?}");
        let absent_ok = gave_up_on_silence(&run(silent, AdapterExit::Code(0), vec![]), BOUND);
        assert!(matches!(absent_ok, Check::Fail(_)));
    }

    #[test]
    fn a_silent_response_needs_the_request_first() {
        let never = Script {
            answers: Answers::Never,
            ..Script::default()
        };
        // No onboarding request reached the core: INV-REQ-01 explains it.
        let no_post = gave_up_on_silence(
            &run(never, AdapterExit::Code(1), vec![session(0, None)]),
            BOUND,
        );
        assert!(
            matches!(&no_post, Check::Blocked { by: Some(b), .. } if *b == "INV-REQ-01"),
            "{no_post:?}"
        );
        let open = vec![session(1, Some(SessionEnd::StillOpen))];
        let ok = gave_up_on_silence(&run(never, AdapterExit::Code(1), open.clone()), BOUND);
        assert!(
            matches!(&ok, Check::Pass(r) if r.contains("stayed open")),
            "{ok:?}"
        );
        let hung = gave_up_on_silence(&run(never, AdapterExit::TimedOut, open), BOUND);
        assert!(matches!(&hung, Check::Fail(r) if r.contains("onboarding request")));
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use std::time::Duration;

    use crate::model::ONBOARDING_PATH;
    use crate::net::SessionEnd;
    use crate::peers::core::RegisterStyle;
    use crate::sut::{
        AdapterExit, AdapterRun, Handshake, InvokerRun, Observations, ObservedRequest,
        RegisterObservation, RegisterRequest, RegisterSession, Script, SessionObservation,
    };

    pub(crate) fn session(requests: usize, end: Option<SessionEnd>) -> SessionObservation {
        SessionObservation {
            accepted_ms: 0,
            client_hello: None,
            handshake: Handshake::Cleartext,
            requests: (0..requests)
                .map(|_| ObservedRequest {
                    method: "POST".into(),
                    target: format!("/{ONBOARDING_PATH}"),
                    headers: Vec::new(),
                    body: Vec::new(),
                    answered: None,
                })
                .collect(),
            cleartext_received: Vec::new(),
            app_bytes: 0,
            closed_before_request: end,
            end: None,
            end_after_ms: Some(900),
            client_certificate: None,
        }
    }

    pub(crate) fn run(
        script: Script,
        exit: AdapterExit,
        sessions: Vec<SessionObservation>,
    ) -> InvokerRun {
        InvokerRun {
            script,
            credential: "c".into(),
            via_register: false,
            adapter: AdapterRun {
                exit,
                stdout: String::new(),
                stderr: String::new(),
                report: None,
                duration_ms: 1000,
            },
            observations: Observations {
                sessions,
                granted: Vec::new(),
                unrecorded: 0,
                register: None,
                notifications: Vec::new(),
            },
            offboard: None,
        }
    }

    pub(crate) const BOUND: Duration = Duration::from_secs(30);

    pub(crate) fn register(sessions: Vec<RegisterSession>) -> Option<RegisterObservation> {
        Some(RegisterObservation {
            style: RegisterStyle::Opencapif,
            script: crate::sut::RegisterScript::RogueCa,
            sessions,
        })
    }

    pub(crate) fn login(
        tls: bool,
        handshake_error: Option<&str>,
        carried: bool,
    ) -> RegisterSession {
        RegisterSession {
            tls,
            handshake_error: handshake_error.map(str::to_string),
            requests: if carried || handshake_error.is_none() {
                vec![RegisterRequest {
                    method: "GET".into(),
                    path: "/getauth".into(),
                    carried_login: carried,
                    answered_credential: carried,
                }]
            } else {
                Vec::new()
            },
        }
    }

    pub(crate) fn answered(end: Option<SessionEnd>) -> SessionObservation {
        let mut s = session(1, None);
        s.end = end;
        s.end_after_ms = Some(5);
        s
    }

    pub(crate) fn hello(
        versions: Option<Vec<u16>>,
        sni: Option<&str>,
        suites: &[u16],
    ) -> SessionObservation {
        let mut s = session(0, None);
        s.client_hello = Some(crate::sut::ClientHelloInfo {
            legacy_version: 0x0303,
            supported_versions: versions,
            server_name: sni.map(str::to_string),
            cipher_suites: suites.to_vec(),
            groups: vec![0x001d],
            ..Default::default()
        });
        s
    }

    pub(crate) fn post(target: &str, headers: &[(&str, &str)], body: &[u8]) -> SessionObservation {
        let mut s = session(0, None);
        s.requests.push(ObservedRequest {
            method: "POST".into(),
            target: target.into(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.to_vec(),
            answered: None,
        });
        s
    }
}
