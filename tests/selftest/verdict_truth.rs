//! Verdicts a vendor cannot dispute: positive controls, the core's own token key, credential
//! reuse, and harness-side problems reported as harness errors.

use std::collections::BTreeSet;

use capif_conformance::checks::Verdict;
use capif_conformance::pki::{TestPki, DEFAULT_HOSTS};
use capif_conformance::run::EmbeddedCore;
use capif_conformance::suite::Outcome;
use capif_conformance::sut::{CoreTarget, CredentialSource, InvokerTarget, SigningKey};

use super::support::{run_core_suite, run_invoker_suite, timeouts};

const BIN: &str = env!("CARGO_BIN_EXE_capif-conformance");

fn hosts() -> Vec<String> {
    DEFAULT_HOSTS.iter().map(|s| s.to_string()).collect()
}

async fn run_core(target: CoreTarget, tags: &str) -> Vec<Outcome> {
    run_core_suite(target, Some(tags)).await
}

fn verdict<'a>(outcomes: &'a [Outcome], id: &str) -> &'a Outcome {
    outcomes.iter().find(|o| o.tp.id == id).unwrap()
}

#[tokio::test]
async fn forged_credentials_are_judged_only_after_a_minted_valid_one_was_accepted() {
    // The harness mints with a key the core does not trust (as against a core that accepts
    // only its own RS256 tokens): a rejection of the expired or foreign-key credential proves
    // nothing, so CCF-CRED-05/06 are inconclusive, never a pass.
    let core = EmbeddedCore::start(timeouts()).await.unwrap();
    let mut target = core.target.clone();
    target.harness_pki = Some(TestPki::generate(&hosts()).unwrap());
    let outcomes = run_core(target, "@CCF-CRED-05 or @CCF-CRED-06").await;
    for id in ["CCF-CRED-05", "CCF-CRED-06"] {
        let o = verdict(&outcomes, id);
        assert_eq!(o.verdict, Verdict::Inconclusive, "{id}: {}", o.reason);
        assert!(
            o.reason
                .contains("does not accept credentials the harness can mint"),
            "{id}: {}",
            o.reason
        );
    }
    core.core.shutdown().await;
}

#[tokio::test]
async fn with_the_cores_own_signing_key_forged_credentials_are_tested() {
    // No harness PKI the core trusts, a static provisioned credential, and the core's own
    // token key: CCF-CRED-05/06 mint from it with the provisioned claims and really test.
    let core = EmbeddedCore::start(timeouts()).await.unwrap();
    let mut target = core.target.clone();
    let pki = target.harness_pki.take().unwrap();
    target.credential = CredentialSource::Static(pki.credential("vendor-invoker", 900));
    target.signing_key = Some(SigningKey {
        pem: pki.enrolment.key.serialize_pem().into_bytes(),
        alg: "ES256".into(),
        path: "enrolment-key.pem".into(),
    });
    let outcomes = run_core(target, "@CCF-CRED-05 or @CCF-CRED-06").await;
    for id in ["CCF-CRED-05", "CCF-CRED-06"] {
        let o = verdict(&outcomes, id);
        assert_eq!(o.verdict, Verdict::Pass, "{id}: {}", o.reason);
    }
    core.core.shutdown().await;
}

#[tokio::test]
async fn a_fetched_credential_is_reused_while_it_is_valid() {
    let core = EmbeddedCore::start(timeouts()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    let pki = core.target.harness_pki.clone().unwrap();
    std::fs::write(&token, pki.credential("counted", 900)).unwrap();
    let log = dir.path().join("fetches");
    let command = format!(
        "echo fetch >> '{}'; cat '{}'",
        log.display(),
        token.display()
    );
    let fetches = |reuse: bool| {
        let mut t = core.target.clone();
        t.credential = CredentialSource::Command(command.clone());
        t.reuse_credential = reuse;
        t.shared = Default::default();
        t
    };
    let outcomes = run_core(fetches(true), "@branch:request-validation").await;
    assert!(outcomes
        .iter()
        .all(|o| o.verdict == Verdict::Pass || o.verdict == Verdict::NotApplicable));
    let n = std::fs::read_to_string(&log).unwrap().lines().count();
    assert_eq!(n, 1, "one fetch for the whole run");
    std::fs::remove_file(&log).unwrap();
    run_core(fetches(false), "@branch:request-validation").await;
    let n = std::fs::read_to_string(&log).unwrap().lines().count();
    assert!(n > 5, "reuse_credential = false fetches per use: {n}");
    core.core.shutdown().await;
}

#[tokio::test]
async fn an_adapter_command_that_cannot_run_is_a_harness_error_not_an_invoker_failure() {
    let pki = TestPki::generate(&hosts()).unwrap();
    for command in ["./no-such-adapter-anywhere", "/dev/null"] {
        let mut target =
            InvokerTarget::reference(std::path::Path::new(BIN), timeouts(), pki.clone());
        target.command = command.into();
        let outcomes = run_invoker_suite(target).await;
        let verdicts: BTreeSet<Verdict> = outcomes.iter().map(|o| o.verdict).collect();
        assert_eq!(verdicts, BTreeSet::from([Verdict::Error]), "{command}");
        assert!(
            outcomes[0].reason.contains("could not be run")
                && outcomes[0].reason.contains("[invoker].command"),
            "{command}: {}",
            outcomes[0].reason
        );
    }
}

#[tokio::test]
async fn a_credential_command_that_floods_stderr_or_leaves_a_child_does_not_block() {
    let core = EmbeddedCore::start(timeouts()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    let pki = core.target.harness_pki.clone().unwrap();
    std::fs::write(&token, pki.credential("flood", 900)).unwrap();
    let started = std::time::Instant::now();
    for command in [
        format!(
            "head -c 300000 /dev/zero | tr '\\0' 'e' >&2; cat '{}'",
            token.display()
        ),
        format!("(sleep 30 &); cat '{}'", token.display()),
    ] {
        let mut t = core.target.clone();
        t.credential = CredentialSource::Command(command.clone());
        t.shared = Default::default();
        let got = t.valid_credential().await.unwrap();
        assert_eq!(got, std::fs::read_to_string(&token).unwrap(), "{command}");
    }
    // A hang detector, not a timing assertion: the adapter timeout is 20 s.
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
    // A CR/LF in a credential would inject headers: it is never sent.
    let mut t = core.target.clone();
    t.credential = CredentialSource::Static("abc\r\nX-Injected: 1".into());
    t.shared = Default::default();
    let e = t.valid_credential().await.unwrap_err();
    assert!(e.contains("control characters"), "{e}");
    core.core.shutdown().await;
}

#[tokio::test]
async fn a_core_declaring_no_certificate_must_still_return_security_information() {
    use capif_conformance::peers::faults::{CoreFault, Faults};
    for (faults, want) in [
        (Faults::none(), Verdict::Pass),
        (
            Faults::of(&[CoreFault::NoSecurityInformation]),
            Verdict::Fail,
        ),
    ] {
        let core = EmbeddedCore::start_faulty(timeouts(), faults)
            .await
            .unwrap();
        let mut target = core.target.clone();
        target.capabilities.issues_certificate = false;
        let outcomes = run_core(target, "@branch:onboarding-response").await;
        let o = verdict(&outcomes, "CCF-OK-08");
        assert_eq!(o.verdict, want, "{}", o.reason);
        let failing: Vec<&str> = outcomes
            .iter()
            .filter(|o| o.verdict == Verdict::Fail)
            .map(|o| o.tp.id)
            .collect();
        assert_eq!(
            failing,
            if want == Verdict::Fail {
                vec!["CCF-OK-08"]
            } else {
                vec![]
            },
            "one defect, one failure"
        );
        core.core.shutdown().await;
    }
}
