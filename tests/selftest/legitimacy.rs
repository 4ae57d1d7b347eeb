//! The legitimacy matrix: every catalogued legitimate variant of the reference peers (a
//! behaviour the specs allow and a real implementation has) gets exactly the verdicts its
//! catalogue entry lists, usually nothing but passes. Where the kill matrix proves each check
//! catches its bug, this proves no check fails what is allowed.

use std::collections::BTreeSet;
use std::time::Duration;

use capif_conformance::checks::Verdict;
use capif_conformance::net::Timeouts;
use capif_conformance::peers::faults::Faults;
use capif_conformance::peers::variants::{CoreVariant, InvokerVariant, Variants};
use capif_conformance::pki::{KeyKind, TestPki, DEFAULT_HOSTS};
use capif_conformance::run::EmbeddedCore;
use capif_conformance::suite::Outcome;
use capif_conformance::sut::{CoreTarget, InvokerTarget, TeardownPolicy};

use super::support::{run_core_suite, run_invoker_suite};

const BIN: &str = env!("CARGO_BIN_EXE_capif-conformance");

fn timeouts(teardown: Duration) -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        handshake: Duration::from_secs(2),
        response: Duration::from_secs(3),
        teardown,
        adapter: Duration::from_secs(20),
    }
}

/// What a vendor with this behaviour declares (PICS) or sets (PIXIT).
fn declare(variant: CoreVariant, t: &mut CoreTarget) {
    match variant {
        CoreVariant::KeepAlive => t.capabilities.teardown = TeardownPolicy::Either,
        CoreVariant::Asynchronous => t.capabilities.asynchronous_onboarding = true,
        CoreVariant::RsaOnly => t.invoker_key = KeyKind::Rsa2048,
        _ => {}
    }
}

/// Verdicts other than pass, leaving out what the embedded core's PICS declare absent (it
/// issues no onboarding secret).
/// Why each test purpose that did not pass did not, for a failure message.
fn reasons(outcomes: &[Outcome]) -> String {
    outcomes
        .iter()
        .filter(|o| o.verdict != Verdict::Pass && !o.reason.starts_with("PICS:"))
        .map(|o| format!("\n  {} {}: {}", o.tp.id, o.verdict.as_str(), o.reason))
        .collect()
}

fn not_pass(outcomes: &[Outcome]) -> BTreeSet<(String, String)> {
    outcomes
        .iter()
        .filter(|o| o.verdict != Verdict::Pass && !o.reason.starts_with("PICS:"))
        .map(|o| (o.tp.id.to_string(), o.verdict.as_str().to_string()))
        .collect()
}

async fn run_core(variant: CoreVariant, teardown: Duration, declared: bool) -> Vec<Outcome> {
    let core =
        EmbeddedCore::start_with(timeouts(teardown), Faults::none(), Variants::of(&[variant]))
            .await
            .unwrap();
    let mut target = core.target.clone();
    if declared {
        declare(variant, &mut target);
    }
    let outcomes = run_core_suite(target, None).await;
    core.core.shutdown().await;
    outcomes
}

#[tokio::test]
async fn no_check_fails_a_legitimate_core() {
    let mut mismatches = Vec::new();
    println!("\ncore variant               verdicts other than pass");
    for variant in CoreVariant::ALL {
        let spec = variant.spec();
        let outcomes = run_core(*variant, Duration::from_secs(1), true).await;
        let got = not_pass(&outcomes);
        println!(
            "{:<26} {}",
            spec.name,
            got.iter()
                .map(|(id, v)| format!("{id}={v}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let want: BTreeSet<(String, String)> = spec
            .not_pass
            .iter()
            .map(|(id, v)| (id.to_string(), v.to_string()))
            .collect();
        if got != want {
            let detail: Vec<String> = outcomes
                .iter()
                .filter(|o| o.verdict != Verdict::Pass)
                .map(|o| format!("  {} {}: {}", o.tp.id, o.verdict, o.reason))
                .collect();
            mismatches.push(format!(
                "{}: expected {want:?}, got {got:?}\n{}",
                spec.name,
                detail.join("\n")
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "legitimacy matrix mismatches:\n{}",
        mismatches.join("\n")
    );
}

#[tokio::test]
async fn a_keep_alive_core_with_an_idle_timer_gets_the_same_verdicts_at_1s_and_3s() {
    // The idle timer (2 s) lies between the two teardown timeouts: a verdict decided by a
    // timer race would flip here.
    let short = not_pass(&run_core(CoreVariant::KeepAlive, Duration::from_secs(1), true).await);
    let long = not_pass(&run_core(CoreVariant::KeepAlive, Duration::from_secs(3), true).await);
    assert_eq!(short, long);
    assert!(short.is_empty(), "{short:?}");
    // Claimed strictly (teardown = "core"), keep-alive fails the teardown test purposes, and
    // only them, saying what the core did.
    let strict = run_core(CoreVariant::KeepAlive, Duration::from_secs(1), false).await;
    let failing: BTreeSet<&str> = strict
        .iter()
        .filter(|o| o.verdict == Verdict::Fail)
        .map(|o| o.tp.id)
        .collect();
    assert_eq!(failing, BTreeSet::from(["CCF-TD-01", "CCF-TD-02"]));
    let td01 = strict.iter().find(|o| o.tp.id == "CCF-TD-01").unwrap();
    assert!(
        td01.reason.contains("kept the session alive"),
        "{}",
        td01.reason
    );
}

#[tokio::test]
async fn an_rsa_only_core_without_the_pixit_fails_only_ccf_ok_01() {
    // One defect (here: the harness's key type), one failure; everything else is
    // inconclusive and names CCF-OK-01.
    let outcomes = run_core(CoreVariant::RsaOnly, Duration::from_secs(1), false).await;
    let failing: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::Fail)
        .collect();
    assert_eq!(
        failing.iter().map(|o| o.tp.id).collect::<Vec<_>>(),
        ["CCF-OK-01"]
    );
    assert!(
        failing[0].reason.contains("only RSA keys"),
        "the reason shows what the core said: {}",
        failing[0].reason
    );
    // The 400 may refuse the harness's choice, so the reason names the PIXIT that changes it
    // (no_check_fails_a_legitimate_core passes this variant with it set).
    assert!(
        failing[0].reason.contains("[core] invoker_key"),
        "{}",
        failing[0].reason
    );
    for o in outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::Inconclusive)
    {
        assert_eq!(o.blocked_by, Some("CCF-OK-01"), "{}: {}", o.tp.id, o.reason);
    }
}

#[tokio::test]
async fn no_check_fails_a_legitimate_invoker() {
    let pki = TestPki::generate(
        &DEFAULT_HOSTS
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
    )
    .unwrap();
    for variant in InvokerVariant::ALL {
        let spec = variant.spec();
        let mut target = InvokerTarget::reference(
            std::path::Path::new(BIN),
            timeouts(Duration::from_millis(500)),
            pki.clone(),
        );
        target.command = format!("{} --variant {}", target.command, spec.name);
        let outcomes = run_invoker_suite(target).await;
        let got = not_pass(&outcomes);
        assert!(got.is_empty(), "{}: {}", spec.name, reasons(&outcomes));
        if *variant == InvokerVariant::VerifyAfterHandshake {
            let tls01 = outcomes.iter().find(|o| o.tp.id == "INV-TLS-01").unwrap();
            assert!(
                tls01.reason.contains("after the handshake"),
                "{}",
                tls01.reason
            );
        }
    }
}
