//! Test purposes of a pair cell: an API invoker and a CAPIF core under test together, the
//! harness playing neither (README "Running at scale"). Judged from what both sides show: the
//! invoker's report through the adapter protocol, and the core's answers as the invoker
//! reports them.

use super::types::{
    Applicability as A, Branch as B, Capability as C, Runner, Severity as S, Sut, TestPurpose,
};

const fn tp(
    id: &'static str,
    title: &'static str,
    branch: B,
    requirements: &'static [&'static str],
    applicability: A,
) -> TestPurpose {
    TestPurpose {
        id,
        title,
        sut: Sut::Pair,
        branch,
        requirements,
        policy: None,
        applicability,
        needs: &[],
        runner: Runner::Suite,
        judged_by: &[],
    }
}

/// The pair-cell catalogue.
pub static PAIR: &[TestPurpose] = &[
    tp("IOP-OK-01", "The invoker onboards onto the core: it reports success with an apiInvokerId", B::OnboardingResponse,
        &["33122-B.1-validate", "29222-openapi-201"], A::Always)
        .policy(S::Mandatory, "a pair that cannot onboard does not interoperate, which is what a pair cell is for; each side may pass its own suite against the harness's reading and still fail with the other")
        .judged_by(&["checks::pair::interop::pair_onboarded"]),
    tp("IOP-OK-02", "The certificate the invoker reports was issued under the core's invoker CA, for client authentication, valid now", B::OnboardingResponse,
        &["33122-B.1-security-info", "29222-10.2-mtls"], A::Requires(C::IssuesCertificate))
        .judged_by(&["checks::pair::interop::pair_certificate"]),
    tp("IOP-OFF-01", "The invoker offboards from the core: the core accepts its offboarding (DELETE over mutual TLS with the issued certificate)", B::Offboarding,
        &["33122-6.8-step3-delete", "29222-10.2-mtls"], A::Requires(C::Offboarding))
        .judged_by(&["checks::pair::interop::pair_offboarded"]),
    tp("IOP-OFF-02", "Once offboarded, the invoker's second offboarding is refused: the core deleted the profile", B::Offboarding,
        &["33122-6.8-step3-verify", "33122-6.8-step3-delete"], A::Requires(C::Offboarding))
        .judged_by(&["checks::pair::interop::pair_second_offboarding_refused"]),
];
