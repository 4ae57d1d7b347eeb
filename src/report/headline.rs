//! The headline every renderer and the console print, computed once from the report: the
//! conformance verdict always comes first (a baseline never turns it green), the baseline's
//! outcome is a second line, and the exit line quotes the exit code the process returns.

use super::model::Report;
use crate::checks::Verdict;
use crate::exit_codes;

/// How the verdict line should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Conformant.
    Ok,
    /// No mandatory failure, but something was not decided; or no verdict at all.
    Warn,
    /// Not conformant.
    Bad,
}

impl Tone {
    /// The CSS class of the HTML banner.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Ok => "ok",
            Tone::Warn => "warn",
            Tone::Bad => "bad",
        }
    }
}

/// The three lines of a headline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headline {
    /// How the verdict line looks.
    pub tone: Tone,
    /// The conformance verdict.
    pub verdict: String,
    /// What the baseline says of the run, when one was given.
    pub baseline: Option<String>,
    /// What the configuration left untested, and the keys that would test it (None: nothing).
    pub not_configured: Option<String>,
    /// `exit N: why`, with the code the process returns.
    pub exit: String,
}

/// The headline of `r` (whose `exit_code` is the one the run returns).
pub fn headline(r: &Report) -> Headline {
    let s = &r.summary;
    let (tone, verdict) = if s.pass + s.fail == 0 && s.error > 0 {
        let first = r
            .results
            .iter()
            .find(|x| x.verdict == Verdict::Error)
            .map(|x| x.reason.as_str())
            .unwrap_or("");
        (
            Tone::Warn,
            format!(
                "NO VERDICT: the harness could not test the system ({} harness error(s); first: {first})",
                s.error
            ),
        )
    } else if s.tested_nothing() {
        (
            Tone::Bad,
            format!(
                "NOT CONFORMANT: nothing applicable was tested ({} not applicable, {} inconclusive, {} error)",
                s.not_applicable, s.inconclusive, s.error
            ),
        )
    } else if s.mandatory_fail > 0 {
        (
            Tone::Bad,
            format!(
                "NOT CONFORMANT: {} mandatory test purpose(s) failed",
                s.mandatory_fail
            ),
        )
    } else if s.error > 0 || s.inconclusive > 0 {
        (
            Tone::Warn,
            format!(
                "No mandatory failure; {} error(s), {} inconclusive",
                s.error, s.inconclusive
            ),
        )
    } else {
        (
            Tone::Ok,
            "Conformant: every applicable mandatory test purpose passed".to_string(),
        )
    };
    let baseline = r.baseline.as_ref().map(|b| {
        if b.deviations.is_empty() {
            let expected = r
                .results
                .iter()
                .filter(|x| x.expected.is_some() && x.verdict != Verdict::Pass)
                .count();
            format!(
                "Baseline {}: the results match ({expected} non-passing result(s), every one expected)",
                b.file
            )
        } else {
            format!(
                "Baseline {}: {} deviation(s)",
                b.file,
                b.deviations.len()
            )
        }
    });
    let not_configured = (s.not_configured > 0).then(|| {
        let mut keys: Vec<(&str, Vec<&str>)> = Vec::new();
        for x in &r.results {
            if let Some(k) = &x.not_configured {
                match keys.iter_mut().find(|(key, _)| key == k) {
                    Some((_, ids)) => ids.push(&x.id),
                    None => keys.push((k, vec![&x.id])),
                }
            }
        }
        format!(
            "{} test purpose(s) not tested because of the configuration (not counted as the implementation's not-applicable): {}",
            s.not_configured,
            keys.iter()
                .map(|(k, ids)| format!("set {k} to test {}", ids.join(", ")))
                .collect::<Vec<_>>()
                .join("; ")
        )
    });
    let why = match r.exit_code {
        exit_codes::OK if r.baseline.is_some() => "the results match the baseline".to_string(),
        exit_codes::OK => "every applicable mandatory test purpose passed".to_string(),
        exit_codes::FAILED
            if r.baseline
                .as_ref()
                .is_some_and(|b| !b.deviations.is_empty()) =>
        {
            "the results deviate from the baseline".to_string()
        }
        exit_codes::FAILED => format!("{} mandatory test purpose(s) failed", s.mandatory_fail),
        exit_codes::USAGE_OR_HARNESS => {
            "the harness could not decide everything (see the errors)".to_string()
        }
        exit_codes::NOTHING_TESTED => "nothing applicable was tested".to_string(),
        exit_codes::INTERRUPTED => "the run was interrupted".to_string(),
        other => format!("exit code {other}"),
    };
    Headline {
        tone,
        verdict,
        baseline,
        not_configured,
        exit: format!("exit {}: {why}", r.exit_code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A forwarded report never reads green for a non-conformant system: the baseline is a
    /// second line, and the exit line quotes the code the run returned.
    #[test]
    fn the_verdict_comes_first_whatever_the_baseline_says() {
        let mut r = super::super::snapshots::synthetic();
        r.baseline.as_mut().unwrap().deviations.clear();
        r.exit_code = exit_codes::OK;
        let h = headline(&r);
        assert_eq!(h.tone, Tone::Bad);
        assert!(
            h.verdict.starts_with("NOT CONFORMANT: 1 mandatory"),
            "{h:?}"
        );
        assert!(
            h.baseline.as_deref().unwrap().contains("the results match"),
            "{h:?}"
        );
        assert_eq!(h.exit, "exit 0: the results match the baseline");
    }

    /// A short configuration that leaves test purposes untested says so, with the keys, apart
    /// from what the implementation's declared capabilities make not applicable.
    #[test]
    fn what_the_configuration_left_untested_is_said_with_its_key() {
        let mut r = super::super::snapshots::synthetic();
        assert_eq!(headline(&r).not_configured, None);
        for x in r
            .results
            .iter_mut()
            .filter(|x| x.verdict == Verdict::NotApplicable)
        {
            x.not_configured = Some("[core] credential_signing_key".into());
        }
        r.summary = super::super::Summary::of_results(&r.results);
        assert_eq!(r.summary.not_configured, 1);
        let n = headline(&r).not_configured.unwrap();
        assert!(
            n.starts_with("1 test purpose(s) not tested because of the configuration")
                && n.contains("set [core] credential_signing_key to test CCF-OK-05"),
            "{n}"
        );
    }

    #[test]
    fn a_run_of_harness_errors_only_has_no_verdict() {
        let mut r = super::super::snapshots::synthetic();
        for x in &mut r.results {
            x.verdict = Verdict::Error;
            x.reason = "the core is not reachable at https://127.0.0.1:1".into();
        }
        r.summary = super::super::Summary::of(r.results.iter().map(|x| (&x.verdict, x.severity)));
        r.baseline = None;
        r.exit_code = exit_codes::USAGE_OR_HARNESS;
        let h = headline(&r);
        assert!(h.verdict.starts_with("NO VERDICT"), "{h:?}");
        assert!(h.verdict.contains("not reachable"), "{h:?}");
        assert!(h.exit.starts_with("exit 2:"), "{h:?}");
    }
}
