//! The kill matrix: every catalogued fault makes exactly the test purposes it names fail, and
//! nothing else. A fault that nothing catches, or a check that fires on the wrong fault, fails
//! the build. Run with `--nocapture` to print the matrix.

use std::collections::BTreeSet;
use std::time::Duration;

use capif_conformance::checks::Verdict;
use capif_conformance::net::Timeouts;
use capif_conformance::peers::faults::{CoreFault, Faults, InvokerFault};
use capif_conformance::pki::{TestPki, DEFAULT_HOSTS};
use capif_conformance::run::EmbeddedCore;
use capif_conformance::suite::{run_suite, SuiteOptions, SuiteTargets};
use capif_conformance::sut::{InvokerTarget, REFERENCE_GIVES_UP_AFTER};

const BIN: &str = env!("CARGO_BIN_EXE_capif-conformance");

/// `target` with the harness invoker's identity from `templates` (the PIXIT a vendor sets).
fn named(
    target: &capif_conformance::sut::CoreTarget,
    templates: capif_conformance::pki::IdentityTemplates,
) -> capif_conformance::sut::CoreTarget {
    let mut t = target.clone();
    t.identities = std::sync::Arc::new(capif_conformance::pki::IdentityIssuer::new(templates));
    t
}

/// Faults that only a choice of the harness could trigger: their row proves nothing fails (the
/// harness does not cause the collision), and a test of their own proves they bite.
const HARNESS_CAUSED: &[&str] = &["wedge-on-shared-name"];

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        handshake: Duration::from_secs(2),
        response: Duration::from_secs(3),
        teardown: Duration::from_millis(500),
        adapter: Duration::from_secs(20),
    }
}

fn failing(outcomes: &[capif_conformance::suite::Outcome]) -> BTreeSet<String> {
    outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::Fail)
        .map(|o| o.tp.id.to_string())
        .collect()
}

/// Print the matrix row and record how the failing set departs from the catalogue's.
fn judge(
    spec: capif_conformance::peers::faults::FaultSpec,
    outcomes: &[capif_conformance::suite::Outcome],
    mismatches: &mut Vec<String>,
) {
    let got = failing(outcomes);
    println!(
        "{:<30} {}",
        spec.name,
        got.iter().cloned().collect::<Vec<_>>().join(" ")
    );
    // What a `fuzz` campaign judges is proven by the fuzz self-tests; a suite run sees the rest.
    let want: BTreeSet<String> = spec
        .catches
        .iter()
        .filter(|id| {
            capif_conformance::catalogue::find(id).map(|tp| tp.runner)
                == Some(capif_conformance::catalogue::Runner::Suite)
        })
        .map(|s| s.to_string())
        .collect();
    assert!(
        !spec.catches.is_empty() || HARNESS_CAUSED.contains(&spec.name),
        "{}: a fault must name what catches it",
        spec.name
    );
    assert!(
        outcomes.iter().all(|o| o.verdict != Verdict::Error),
        "{}: harness error",
        spec.name
    );
    if got != want {
        // The reasons of the unexpected failures, so a mismatch seen once in CI can be read.
        let why: Vec<String> = outcomes
            .iter()
            .filter(|o| got.difference(&want).any(|id| id == o.tp.id))
            .map(|o| format!("{}: {}", o.tp.id, o.reason))
            .collect();
        mismatches.push(format!(
            "{}: expected {:?}, failing {:?} ({})",
            spec.name,
            want.difference(&got).collect::<Vec<_>>(),
            got.difference(&want).collect::<Vec<_>>(),
            why.join("; ")
        ));
    }
}

#[tokio::test]
async fn every_core_fault_is_caught_by_exactly_its_test_purposes() {
    let mut mismatches = Vec::new();
    println!("\ncore fault                     failing test purposes");
    for fault in CoreFault::ALL {
        let core = EmbeddedCore::start_faulty(timeouts(), Faults::of(&[*fault]))
            .await
            .unwrap();
        let outcomes = run_suite(
            SuiteTargets {
                core: Some(core.target.clone()),
                invoker: None,
                pair: None,
                ..Default::default()
            },
            SuiteOptions {
                // duplicate-ids shares one id across concurrent scenarios, so offboarding
                // (CCF-OK-07) would fail or pass by interleaving: run it one at a time.
                concurrency: if *fault == CoreFault::DuplicateIds {
                    1
                } else {
                    16
                },
                ..SuiteOptions::default()
            },
        )
        .await
        .unwrap();
        core.core.shutdown().await;
        judge(fault.spec(), &outcomes, &mut mismatches);
    }
    assert!(
        mismatches.is_empty(),
        "kill matrix mismatches (missing, extra):\n{}",
        mismatches.join("\n")
    );
}

#[tokio::test]
async fn every_invoker_fault_is_caught_by_exactly_its_test_purposes() {
    let pki = TestPki::generate(
        &DEFAULT_HOSTS
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let mut mismatches = Vec::new();
    println!("\ninvoker fault                  failing test purposes");
    for fault in InvokerFault::ALL {
        let spec = fault.spec();
        let mut target =
            InvokerTarget::reference(std::path::Path::new(BIN), timeouts(), pki.clone());
        // A 2 s give-up bound (the embedded one is 1 s in this debug build): on a loaded CI machine
        // a faulty invoker behind a loopback relay could give up on its own timer
        // mid-handshake, which reads as "closed without an alert"; the declared bound grows
        // with it.
        let embedded = format!("--give-up-after {REFERENCE_GIVES_UP_AFTER}");
        assert!(target.command.contains(&embedded), "{}", target.command);
        target.command = format!(
            "{} --fault {}",
            target.command.replace(&embedded, "--give-up-after 2s"),
            spec.name
        );
        target.gives_up_within = Duration::from_secs(3);
        let outcomes = run_suite(
            SuiteTargets {
                core: None,
                invoker: Some(target),
                pair: None,
                ..Default::default()
            },
            SuiteOptions::default(),
        )
        .await
        .unwrap();
        judge(spec, &outcomes, &mut mismatches);
    }
    assert!(
        mismatches.is_empty(),
        "kill matrix mismatches (missing, extra):\n{}",
        mismatches.join("\n")
    );
}

/// The `wedge-on-shared-name` row of the kill matrix passes only because every onboarding the
/// harness makes has its own apiInvokerInformation: with one shared value (a vendor's verbatim
/// PIXIT) the same core wedges and the run fails, so the row proves something.
#[tokio::test]
async fn a_shared_invoker_name_wedges_the_core_the_distinct_ones_do_not() {
    let core = EmbeddedCore::start_faulty(timeouts(), Faults::of(&[CoreFault::WedgeOnSharedName]))
        .await
        .unwrap();
    let target = named(
        &core.target,
        capif_conformance::pki::IdentityTemplates {
            information: "one-shared-name".into(),
            ..Default::default()
        },
    );
    let outcomes = run_suite(
        SuiteTargets {
            core: Some(target),
            invoker: None,
            pair: None,
            ..Default::default()
        },
        SuiteOptions {
            concurrency: 16,
            ..SuiteOptions::default()
        },
    )
    .await
    .unwrap();
    core.core.shutdown().await;
    let failing = failing(&outcomes);
    assert!(
        !failing.is_empty(),
        "a shared name at concurrency 16 should wedge the faulty core"
    );
}

/// A core that authorises offboarding by a CN prefix (`authorise-by-cn-prefix`): with the
/// default CSR CN (`invoker-{run}-{n}`) the invoker's own DELETE works and CCF-OFF-04 fails,
/// naming both certificates' CNs; with a CN the core does not expect, its own DELETE is refused
/// (CCF-OK-07) and the reason names the CN and the PIXIT that chose it.
#[tokio::test]
async fn a_core_authorising_by_cn_prefix_is_judged_by_the_names_it_was_given() {
    let run = |cn: Option<&'static str>| async move {
        let core =
            EmbeddedCore::start_faulty(timeouts(), Faults::of(&[CoreFault::AuthoriseByCnPrefix]))
                .await
                .unwrap();
        let target = match cn {
            Some(cn) => named(
                &core.target,
                capif_conformance::pki::IdentityTemplates {
                    cn: cn.into(),
                    ..Default::default()
                },
            ),
            None => core.target.clone(),
        };
        let outcomes = run_suite(
            SuiteTargets {
                core: Some(target),
                invoker: None,
                pair: None,
                ..Default::default()
            },
            SuiteOptions {
                tags: Some("@CCF-OK-07 or @CCF-OFF-04".into()),
                ..SuiteOptions::default()
            },
        )
        .await
        .unwrap();
        core.core.shutdown().await;
        outcomes
            .into_iter()
            .map(|o| (o.tp.id, (o.verdict, o.reason)))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let defaults = run(None).await;
    assert_eq!(
        defaults["CCF-OK-07"].0,
        Verdict::Pass,
        "{:?}",
        defaults["CCF-OK-07"]
    );
    let (v, reason) = &defaults["CCF-OFF-04"];
    assert_eq!(*v, Verdict::Fail, "{reason}");
    assert_eq!(reason.matches("CN=invoker-").count(), 2, "{reason}");
    let other = run(Some("harness-{n}")).await;
    let (v, reason) = &other["CCF-OK-07"];
    assert_eq!(*v, Verdict::Fail, "{reason}");
    assert!(
        reason.contains("CN=harness-") && reason.contains("invoker_subject_cn"),
        "{reason}"
    );
}
