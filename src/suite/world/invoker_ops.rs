//! The World's operations on an invoker under test: the target, its runs and their evidence.

use super::{StepResult, SuiteWorld};
use crate::adapter_contract::{AdapterOutcome, EXIT_UNSUPPORTED};
use crate::checks::{self, Check};
use crate::sut::{InvokerRun, InvokerTarget};

impl SuiteWorld {
    /// The invoker under test, or a harness error if this run has none.
    pub fn invoker(&self) -> Result<InvokerTarget, String> {
        self.targets
            .as_ref()
            .and_then(|t| t.invoker.clone())
            .ok_or_else(|| "this run has no invoker under test".to_string())
    }

    /// The latest invoker run, or a harness error.
    pub fn last_run(&mut self) -> Result<InvokerRun, String> {
        match self.on_invoker.runs.last().cloned() {
            Some(r) => Ok(r),
            None => Err(self
                .harness_error("the invoker was not run before this check")
                .unwrap_err()),
        }
    }

    pub(crate) fn record_run(&mut self, run: &InvokerRun) {
        let (exchanges, notes) = run.evidence(self.on_invoker.runs.len() + 1);
        self.evidence.exchanges.extend(exchanges);
        self.evidence.notes.extend(notes);
    }

    /// Run the adapter against the scripted played core and record the run. Settles the
    /// verdicts the run itself fixes: not applicable (exit 89, unless the played core already
    /// saw a violation: what was observed stands), a harness error (adapter not runnable,
    /// interrupted), a failure (hung or crashed outside a silent-core scenario).
    pub(crate) async fn run_invoker(&mut self) -> StepResult {
        let target = self.invoker()?;
        let id = self.tp.map(|t| t.id).unwrap_or("");
        let run = match target.run(self.on_invoker.script, id).await {
            Ok(r) => r,
            Err(e) => return self.harness_error(e),
        };
        self.record_run(&run);
        if crate::sut::processes::interrupted() {
            // The adapter was ended by the interruption, not by its own doing.
            return self.harness_error("error: interrupted (SIGTERM/SIGINT) while the adapter ran");
        }
        match run.adapter.outcome() {
            AdapterOutcome::Unsupported => {
                // What the played core saw wins over what the adapter says it supports.
                if let Some(violation) =
                    checks::invoker::secure_connection::observed_violation(&run)
                {
                    self.on_invoker.runs.push(run);
                    return self.check(Check::Fail(format!(
                        "{violation} (the adapter then exited {EXIT_UNSUPPORTED}, \"not supported\": what was observed stands)"
                    )));
                }
                // A later part of a scenario whose earlier parts were judged (INV-OK-03's 202
                // after its 200): only that part is not applicable; its Then step says so.
                if self.on_invoker.runs.is_empty() {
                    let reason = format!(
                        "the invoker does not support this scenario: {}",
                        run.adapter.last_stderr_line()
                    );
                    return self.not_applicable(reason);
                }
            }
            // The harness's configuration, never the invoker's failure.
            AdapterOutcome::NotRunnable(why) => {
                return self.harness_error(format!(
                    "the adapter command `{}` could not be run ({why}; {}); fix [invoker].command: an executable path (relative to the directory you run the harness in) with its interpreter, e.g. \"python3 fixtures/adapters/my_adapter.py\"",
                    target.command,
                    run.adapter.last_stderr_line()
                ));
            }
            // Against a silent core the timeout is what the Then step judges (against the
            // declared bound), with what the played core saself.
            AdapterOutcome::Hung if run.script.is_silent() => {}
            AdapterOutcome::Hung | AdapterOutcome::Crashed => {
                // A hanging or crashing invoker is itself a failure of the SUT.
                let reason = run.adapter.describe();
                self.on_invoker.runs.push(run);
                return self.check(Check::Fail(format!(
                    "{reason}: the invoker neither completed nor reported"
                )));
            }
            AdapterOutcome::Onboarded | AdapterOutcome::Failed(_) => {}
        }
        // The offboarding invocation: exit 89 there means the invoker cannot offboard.
        let offboard = run.offboard.as_ref().map(|o| o.adapter.clone());
        self.on_invoker.runs.push(run);
        match offboard.as_ref().map(|a| (a.outcome(), a)) {
            Some((AdapterOutcome::Unsupported, a)) => {
                let reason = format!(
                    "the invoker cannot offboard (the offboarding invocation exited {EXIT_UNSUPPORTED}): {}",
                    a.last_stderr_line()
                );
                self.not_applicable(reason)
            }
            Some((AdapterOutcome::NotRunnable(why), _)) => self.harness_error(format!(
                "the adapter command could not be run for the offboarding invocation ({why})"
            )),
            _ => Ok(()),
        }
    }
}
