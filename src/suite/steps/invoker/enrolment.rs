//! Steps of features/invoker/enrolment.feature.

use crate::checks::{self};
use crate::peers::core::RegisterStyle;
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::RegisterScript;
use cucumber::{given, then};

/// The enrolment scenarios need a served register; without `[invoker.enrolment]` they are not
/// applicable (the invoker is provisioned through CAPIF_ONBOARDING_CREDENTIAL).
fn needs_register(w: &mut SuiteWorld) -> Result<RegisterStyle, String> {
    let target = w.invoker()?;
    if target.enrolment.is_none() {
        let reason = "no [invoker.enrolment]: the harness serves no register, the invoker is provisioned through CAPIF_ONBOARDING_CREDENTIAL".to_string();
        w.not_applicable(reason)?;
        unreachable!("not_applicable stops the scenario");
    }
    Ok(target.register_style)
}

#[given("the register presents a certificate from a rogue CA")]
async fn rogue_register(w: &mut SuiteWorld) -> StepResult {
    if needs_register(w)? == RegisterStyle::OpencapifHttp {
        let reason = "the register is plain HTTP by declaration (style = \"opencapif-http\"): it presents no certificate; INV-ENR-02 judges the login sent in clear".to_string();
        w.not_applicable(reason)?;
        unreachable!("not_applicable stops the scenario");
    }
    w.on_invoker.script.register = RegisterScript::RogueCa;
    Ok(())
}

#[given("the register answers in clear")]
async fn cleartext_register(w: &mut SuiteWorld) -> StepResult {
    // An https:// register whose listener speaks plain HTTP; an opencapif-http register is in
    // clear as declared.
    if needs_register(w)? == RegisterStyle::Opencapif {
        w.on_invoker.script.register = RegisterScript::Cleartext;
    }
    Ok(())
}

#[then("the invoker sends no register login to a register it cannot authenticate")]
async fn register_authenticated(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::enrolment::register_authenticated(&run))
}

#[then("the invoker sends no register login in clear")]
async fn no_login_in_clear(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::enrolment::no_register_login_in_clear(&run))
}
