//! Checks of a pair cell (an invoker and a core under test together): what the invoker
//! reported through the adapter protocol, and the certificate it reported, judged against
//! the core's invoker CA. An onboarding that did not succeed blocks the rest (IOP-OK-01 is its
//! one failure).

use rustls_pki_types::{CertificateDer, UnixTime};

use crate::adapter_contract::AdapterOutcome;
use crate::checks::Check;
use crate::sut::{AdapterRun, PairRun};

/// What the invoker's ending says, for reasons: the exit and the last stderr line.
fn told(run: &AdapterRun) -> String {
    let last = run
        .stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| {
            format!(
                "; its last stderr line: {}",
                l.chars().take(200).collect::<String>()
            )
        })
        .unwrap_or_default();
    format!("{}{last}", run.describe())
}

/// IOP-OK-01: the invoker reported success with an apiInvokerId.
pub fn pair_onboarded(run: &PairRun) -> Check {
    match run.onboard.outcome() {
        AdapterOutcome::Onboarded => match &run.api_invoker_id {
            Some(id) => Check::Pass(format!(
                "the invoker reported success with apiInvokerId {id} after {} ms",
                run.onboard.duration_ms
            )),
            None => Check::Inconclusive(
                "the invoker reported success (exit 0) without the report line naming its apiInvokerId (the adapter protocol's last stdout line {\"apiInvokerId\", \"certificate\"}), so the id cannot be shown".into(),
            ),
        },
        AdapterOutcome::Failed(_) | AdapterOutcome::Crashed | AdapterOutcome::Hung => {
            Check::Fail(format!(
                "the invoker did not onboard onto the core: {}",
                told(&run.onboard)
            ))
        }
        AdapterOutcome::Unsupported => Check::Inconclusive(format!(
            "the adapter says it cannot onboard (exit 89): {}",
            told(&run.onboard)
        )),
        AdapterOutcome::NotRunnable(why) => {
            Check::Inconclusive(format!("the adapter could not run: {why}"))
        }
    }
}

/// The precondition of IOP-OK-02..04: IOP-OK-01 passed.
fn onboarded_first(run: &PairRun) -> Result<(), Check> {
    match pair_onboarded(run) {
        Check::Pass(_) => Ok(()),
        other => Err(Check::Blocked {
            by: Some("IOP-OK-01"),
            reason: format!(
                "the invoker did not report an onboarding: {}",
                other.reason()
            ),
        }),
    }
}

/// IOP-OK-02: the certificate the invoker reported chains to the core's invoker CA, is valid
/// now and is for client authentication. (That it binds a key the invoker holds is shown by
/// IOP-OFF-01: the core accepts the invoker's mutual TLS with it.)
pub fn pair_certificate(run: &PairRun, invoker_ca: &[CertificateDer<'_>]) -> Check {
    if let Err(blocked) = onboarded_first(run) {
        return blocked;
    }
    let Some(pem) = &run.certificate else {
        return Check::Inconclusive(
            "the invoker's report line names no certificate, so what it was issued cannot be judged".into(),
        );
    };
    let chain = crate::pki::pem_certificates(pem);
    let Some(spki) = chain
        .first()
        .and_then(|leaf| crate::pki::certificate_spki(leaf))
    else {
        return Check::Fail(
            "the certificate the invoker reported is not a PEM X.509 certificate".into(),
        );
    };
    match crate::pki::verify_issued(pem, invoker_ca, &spki, UnixTime::now()) {
        Ok(issued) => Check::Pass(format!(
            "the certificate the invoker reported ({}) chains to the core's invoker CA and is valid for clientAuth now",
            crate::evidence::cert_info(issued.leaf()).subject
        )),
        Err(e) => Check::Fail(format!("the certificate the invoker reported: {e}")),
    }
}

/// IOP-OFF-01: the first offboarding was reported done.
pub fn pair_offboarded(run: &PairRun) -> Check {
    if let Err(blocked) = onboarded_first(run) {
        return blocked;
    }
    let Some(first) = run.offboards.first() else {
        return Check::Inconclusive(
            "no offboarding was run: the invoker's report line gave no apiInvokerId and certificate to offboard with".into(),
        );
    };
    match first.outcome() {
        AdapterOutcome::Onboarded => Check::Pass(format!(
            "the invoker reported the offboarding of {} done",
            run.resource.as_deref().unwrap_or("its resource")
        )),
        AdapterOutcome::Unsupported => Check::Inconclusive(format!(
            "the adapter cannot offboard (exit 89): {}",
            told(first)
        )),
        AdapterOutcome::NotRunnable(why) => {
            Check::Inconclusive(format!("the adapter could not run: {why}"))
        }
        _ => Check::Fail(format!(
            "the invoker could not offboard from the core: {}",
            told(first)
        )),
    }
}

/// IOP-OFF-02: once offboarded, offboarding again was reported failed (the core refused it).
pub fn pair_second_offboarding_refused(run: &PairRun) -> Check {
    match pair_offboarded(run) {
        Check::Pass(_) => {}
        Check::Blocked { by, reason } => return Check::Blocked { by, reason },
        other => {
            return Check::Blocked {
                by: Some("IOP-OFF-01"),
                reason: format!("the first offboarding did not succeed: {}", other.reason()),
            }
        }
    }
    let Some(second) = run.offboards.get(1) else {
        return Check::Inconclusive("the second offboarding was not run".into());
    };
    let core_status = second
        .report
        .as_ref()
        .and_then(|r| r[crate::adapter_contract::REPORT_CORE_STATUS].as_u64());
    match (second.outcome(), core_status) {
        (AdapterOutcome::Failed(_), Some(status @ 400..=499)) => Check::Pass(format!(
            "offboarding the same invoker again was refused by the core with {status} (the invoker's report line)"
        )),
        (AdapterOutcome::Failed(_), _) => Check::Inconclusive(format!(
            "the invoker reported the second offboarding failed without the core's answer on its report line ({{\"{}\": N}}), so whether the core refused it was not observed: an invoker may fail before asking (opencapif-sdk does, having deleted its information after the first offboarding, TS 33.122 §6.8 step 5){}; {}",
            crate::adapter_contract::REPORT_CORE_STATUS,
            match run.connections.get(2) {
                Some(Some(0)) => "; the relay saw no connection from it: it failed before asking".to_string(),
                Some(Some(n)) => format!("; it opened {n} connection(s) to the core through the relay, so it asked and did not report the answer"),
                _ => String::new(),
            },
            told(second)
        )),
        (AdapterOutcome::Onboarded, _) => Check::Fail(
            "offboarding the same invoker a second time was reported done: the core still held the profile, or the invoker reports success whatever the core answers".into(),
        ),
        _ => Check::Inconclusive(format!(
            "the second offboarding ended without a report: {}",
            told(second)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapter_contract::AdapterExit;
    use crate::pki::{Authority, CertProfile};

    fn adapter(code: i32) -> AdapterRun {
        AdapterRun {
            exit: AdapterExit::Code(code),
            stdout: String::new(),
            stderr: "line one\nlast words\n".into(),
            report: None,
            duration_ms: 12,
        }
    }

    fn run(onboard: i32, id: Option<&str>, cert: Option<String>, offboards: &[i32]) -> PairRun {
        PairRun {
            onboard: adapter(onboard),
            api_invoker_id: id.map(str::to_string),
            certificate: cert,
            offboards: offboards
                .iter()
                .map(|c| {
                    let mut a = adapter(*c);
                    // A refusing core's 404 on the report line, as the reference invoker writes it.
                    if *c == 1 {
                        a.report = Some(serde_json::json!({ "coreStatus": 404 }));
                    }
                    a
                })
                .collect(),
            resource: Some("https://core/api-invoker-management/v1/onboardedInvokers/INV1".into()),
            relay: Err("not in a unit test".into()),
            connections: vec![Some(1), Some(1), Some(0)],
        }
    }

    #[test]
    fn onboarding_is_judged_from_the_invokers_report() {
        assert!(matches!(
            pair_onboarded(&run(0, Some("INV1"), None, &[])),
            Check::Pass(_)
        ));
        let failed = pair_onboarded(&run(1, None, None, &[]));
        assert!(
            matches!(&failed, Check::Fail(r) if r.contains("last words")),
            "{failed:?}"
        );
        assert!(matches!(
            pair_onboarded(&run(0, None, None, &[])),
            Check::Inconclusive(_)
        ));
        // Everything after is blocked by IOP-OK-01, never a second failure.
        for c in [
            pair_certificate(&run(1, None, None, &[]), &[]),
            pair_offboarded(&run(1, None, None, &[])),
            pair_second_offboarding_refused(&run(1, None, None, &[])),
        ] {
            assert!(
                matches!(
                    c,
                    Check::Blocked {
                        by: Some("IOP-OK-01"),
                        ..
                    }
                ),
                "{c:?}"
            );
        }
    }

    #[test]
    fn the_reported_certificate_must_chain_to_the_invoker_ca_for_client_auth() {
        let ca = Authority::new_root("pair test CA").unwrap();
        let other = Authority::new_root("another CA").unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let client = ca
            .issue(
                &CertProfile::Invoker {
                    api_invoker_id: "INV1".into(),
                    validity: time::Duration::hours(1),
                },
                &key,
            )
            .unwrap();
        let pem = crate::pki::der_to_pem("CERTIFICATE", client.der());
        let good = run(0, Some("INV1"), Some(pem.clone()), &[]);
        assert!(matches!(
            pair_certificate(&good, std::slice::from_ref(&ca.cert)),
            Check::Pass(_)
        ));
        let c = pair_certificate(&good, std::slice::from_ref(&other.cert));
        assert!(
            matches!(&c, Check::Fail(r) if r.contains("invoker CA")),
            "{c:?}"
        );
        let garbage = run(0, Some("INV1"), Some("not a certificate".into()), &[]);
        assert!(matches!(
            pair_certificate(&garbage, std::slice::from_ref(&ca.cert)),
            Check::Fail(_)
        ));
        let server = ca
            .issue(
                &CertProfile::Server {
                    hosts: vec!["core.example".into()],
                },
                &key,
            )
            .unwrap();
        let server_pem = crate::pki::der_to_pem("CERTIFICATE", server.der());
        let c = pair_certificate(
            &run(0, Some("INV1"), Some(server_pem), &[]),
            std::slice::from_ref(&ca.cert),
        );
        assert!(
            matches!(c, Check::Fail(_)),
            "a serverAuth-only certificate: {c:?}"
        );
    }

    #[test]
    fn offboarding_twice_must_be_done_then_refused() {
        let ok = run(0, Some("INV1"), Some("x".into()), &[0, 1]);
        assert!(matches!(pair_offboarded(&ok), Check::Pass(_)));
        assert!(matches!(
            pair_second_offboarding_refused(&ok),
            Check::Pass(_)
        ));
        // Failed without the core's answer: not observed, so not a pass.
        let mut unseen = run(0, Some("INV1"), Some("x".into()), &[0, 1]);
        unseen.offboards[1].report = None;
        let c = pair_second_offboarding_refused(&unseen);
        assert!(
            matches!(&c, Check::Inconclusive(r) if r.contains("not observed") && r.contains("the relay saw no connection from it")),
            "{c:?}"
        );
        // Through the relay it did connect: it asked, and kept the answer to itself.
        unseen.connections[2] = Some(1);
        let c = pair_second_offboarding_refused(&unseen);
        assert!(
            matches!(&c, Check::Inconclusive(r) if r.contains("opened 1 connection(s)")),
            "{c:?}"
        );
        // Without a relay nothing is said of connections.
        unseen.connections = vec![None, None, None];
        let c = pair_second_offboarding_refused(&unseen);
        assert!(
            matches!(&c, Check::Inconclusive(r) if !r.contains("connection")),
            "{c:?}"
        );
        let again = run(0, Some("INV1"), Some("x".into()), &[0, 0]);
        assert!(matches!(
            pair_second_offboarding_refused(&again),
            Check::Fail(_)
        ));
        let refused = run(0, Some("INV1"), Some("x".into()), &[1, 1]);
        assert!(matches!(pair_offboarded(&refused), Check::Fail(_)));
        let c = pair_second_offboarding_refused(&refused);
        assert!(
            matches!(
                c,
                Check::Blocked {
                    by: Some("IOP-OFF-01"),
                    ..
                }
            ),
            "{c:?}"
        );
        let cannot = run(0, Some("INV1"), Some("x".into()), &[89]);
        assert!(matches!(pair_offboarded(&cannot), Check::Inconclusive(_)));
    }
}
