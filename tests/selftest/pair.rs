//! Issue 22, pair cells: the reference invoker onboarding onto the reference core (the harness
//! plays neither), with faults on either side, each failing exactly its IOP test purpose and
//! blocking (not failing) the ones after it: one defect, one failure.

use std::collections::BTreeMap;

use capif_conformance::checks::Verdict;
use capif_conformance::peers::faults::{CoreFault, Faults};
use capif_conformance::peers::variants::Variants;
use capif_conformance::run::EmbeddedCore;
use capif_conformance::suite::{run_suite, SuiteOptions, SuiteTargets};
use capif_conformance::sut::{InvokerTarget, PairTarget};

use super::support::{pki, timeouts, BIN};

/// IOP id → verdict of the pair (reference invoker with `invoker_faults` on its command line,
/// reference core with `core_faults`).
async fn pair_verdicts(
    invoker_faults: &[&str],
    core_faults: &[CoreFault],
) -> BTreeMap<String, (Verdict, String)> {
    let core = EmbeddedCore::start_with(timeouts(), Faults::of(core_faults), Variants::default())
        .await
        .unwrap();
    let mut invoker =
        InvokerTarget::reference(std::path::Path::new(BIN), timeouts(), pki().clone());
    for f in invoker_faults {
        invoker.command.push_str(&format!(" --fault {f}"));
    }
    let outcomes = run_suite(
        SuiteTargets {
            core: None,
            invoker: None,
            pair: Some(PairTarget {
                invoker,
                core: core.target.clone(),
            }),
            ..Default::default()
        },
        SuiteOptions::default(),
    )
    .await
    .unwrap();
    core.core.shutdown().await;
    assert!(
        outcomes.iter().all(|o| o.tp.id.starts_with("IOP-")),
        "only the pair's purposes run"
    );
    outcomes
        .into_iter()
        .map(|o| (o.tp.id.to_string(), (o.verdict, o.reason)))
        .collect()
}

/// The verdicts in catalogue order.
fn verdicts(v: &BTreeMap<String, (Verdict, String)>) -> Vec<(&'static str, Verdict)> {
    ["IOP-OK-01", "IOP-OK-02", "IOP-OFF-01", "IOP-OFF-02"]
        .into_iter()
        .filter_map(|id| v.get(id).map(|(verdict, _)| (id, *verdict)))
        .collect()
}

#[tokio::test]
async fn the_reference_pair_interoperates_and_each_fault_fails_its_own_test_purpose() {
    use Verdict::{Fail, Inconclusive as Inc, Pass};
    let clean = pair_verdicts(&[], &[]).await;
    assert_eq!(
        verdicts(&clean),
        [
            ("IOP-OK-01", Pass),
            ("IOP-OK-02", Pass),
            ("IOP-OFF-01", Pass),
            ("IOP-OFF-02", Pass)
        ],
        "{clean:?}"
    );
    // The invoker POSTs to the wrong path: it does not onboard; the rest is blocked by IOP-OK-01.
    let v = pair_verdicts(&["wrong-path"], &[]).await;
    assert_eq!(
        verdicts(&v),
        [
            ("IOP-OK-01", Fail),
            ("IOP-OK-02", Inc),
            ("IOP-OFF-01", Inc),
            ("IOP-OFF-02", Inc)
        ],
        "{v:?}"
    );
    // The core issues from another CA and the invoker does not check: onboarded, but the
    // certificate is not the core's invoker CA's.
    let v = pair_verdicts(
        &["skip-issued-certificate-check"],
        &[CoreFault::CertFromOtherCa],
    )
    .await;
    assert_eq!(
        verdicts(&v)[..2],
        [("IOP-OK-01", Pass), ("IOP-OK-02", Fail)],
        "{v:?}"
    );
    // The invoker offboards at the wrong path: the first offboarding fails, the second is
    // blocked by it.
    let v = pair_verdicts(&["offboard-wrong-path"], &[]).await;
    assert_eq!(
        verdicts(&v),
        [
            ("IOP-OK-01", Pass),
            ("IOP-OK-02", Pass),
            ("IOP-OFF-01", Fail),
            ("IOP-OFF-02", Inc)
        ],
        "{v:?}"
    );
    // The core keeps the profile after a DELETE: the second offboarding succeeds.
    let v = pair_verdicts(&[], &[CoreFault::OffboardKeepsProfile]).await;
    assert_eq!(
        verdicts(&v),
        [
            ("IOP-OK-01", Pass),
            ("IOP-OK-02", Pass),
            ("IOP-OFF-01", Pass),
            ("IOP-OFF-02", Fail)
        ],
        "{v:?}"
    );
}
