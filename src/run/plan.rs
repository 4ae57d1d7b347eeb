//! One run: plan → targets → suite → report → exit code.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use super::embedded::EmbeddedCore;
use crate::catalogue::Sut;
use crate::checks::Verdict;
use crate::exit_codes;
use crate::net::{KeyLogFile, Timeouts};
use crate::peers::core::EnrolmentLogin;
use crate::pki::{TestPki, DEFAULT_HOSTS};
use crate::report::{
    write_reports, Baseline, BaselineError, BaselineReport, Report, ReportPaths, ResultEntry,
    Summary, SutDescription,
};
use crate::suite::{run_suite, Outcome, OutcomeSink, SuiteOptions, SuiteTargets};
use crate::sut::{ConfigError, CoreTarget, InvokerTarget, SutConfig};

/// Which role(s) to test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SutSelection {
    /// The core only.
    Core,
    /// The invoker only.
    Invoker,
    /// Both.
    Both,
    /// An invoker and a core together (a matrix's pair cell: [`RunPlan::pair`]).
    Pair,
}

impl SutSelection {
    /// Whether `sut` is selected.
    pub fn includes(self, sut: Sut) -> bool {
        matches!(
            (self, sut),
            (SutSelection::Both, _)
                | (SutSelection::Core, Sut::Core)
                | (SutSelection::Invoker, Sut::Invoker)
        )
    }
}

/// What to run.
pub struct RunPlan {
    /// Roles to test.
    pub sut: SutSelection,
    /// The SUT configuration; None: the embedded reference peers.
    pub config: Option<PathBuf>,
    /// Tag expression.
    pub tags: Option<String>,
    /// Report directory.
    pub out: PathBuf,
    /// Scenarios at once.
    pub concurrency: usize,
    /// NSS key log file.
    pub keylog: Option<PathBuf>,
    /// Expected verdicts to compare with.
    pub baseline: Option<PathBuf>,
    /// Record this run's verdicts as a baseline here.
    pub write_baseline: Option<PathBuf>,
    /// The command line, for the report header.
    pub command_line: Vec<String>,
    /// Called as each scenario finishes.
    pub on_outcome: Option<OutcomeSink>,
    /// The matrix cell this run is, recorded in its report.
    pub cell: Option<crate::report::CellInfo>,
    /// With [`SutSelection::Pair`]: the core's and the invoker's configurations (None: the
    /// embedded reference peer).
    pub pair: Option<PairConfigs>,
    /// `fuzz`: the core is tested by one property-based campaign of these options, judged by
    /// the test purposes [`Runner::Fuzz`](crate::catalogue::Runner::Fuzz) runs (and only
    /// those).
    pub fuzz: Option<crate::fuzz::FuzzOptions>,
}

/// The two configurations of a pair cell.
#[derive(Debug, Clone, Default)]
pub struct PairConfigs {
    /// The core's SUT configuration (with `[core]`); None: the embedded reference core.
    pub core: Option<PathBuf>,
    /// The invoker's SUT configuration (with `[invoker]`); None: the reference invoker.
    pub invoker: Option<PathBuf>,
}

/// A finished run.
pub struct RunResult {
    /// The report model.
    pub report: Report,
    /// Outcomes in catalogue order.
    pub outcomes: Vec<Outcome>,
    /// Where the reports are.
    pub paths: ReportPaths,
    /// The process exit code.
    pub exit_code: i32,
    /// With [`RunPlan::fuzz`] and a core: the campaign, when a scenario ran it.
    pub campaign: Option<Arc<crate::fuzz::Campaign>>,
    /// With [`RunPlan::fuzz`] and an invoker: the campaign, when a scenario ran it.
    pub invoker_campaign: Option<Arc<crate::fuzz::invoker::InvokerCampaign>>,
}

/// Why a run could not produce verdicts (exit code 2 or 4).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The SUT configuration is invalid.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The options are inconsistent.
    #[error("{0}")]
    Usage(String),
    /// The harness could not run.
    #[error("{0}")]
    Harness(String),
    /// The baseline cannot be used.
    #[error("{0}")]
    Baseline(#[from] BaselineError),
    /// The suite could not start (a bad tag expression, or a feature that does not parse).
    #[error("{0}")]
    Suite(#[from] crate::suite::SuiteError),
    /// The selection matched no test purpose.
    #[error("the selection matched no test purpose (check --sut and --tags; `capif-conformance list` shows every id and tag)")]
    NothingSelected,
}

impl RunError {
    /// The exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            RunError::NothingSelected => exit_codes::NOTHING_SELECTED,
            _ => exit_codes::USAGE_OR_HARNESS,
        }
    }
}

/// The exit code for a set of outcomes: 1 on a mandatory failure, 2 when the harness itself
/// failed to decide something, else 0.
pub fn exit_code_for(outcomes: &[Outcome]) -> i32 {
    let summary = Summary::of(outcomes.iter().map(|o| (&o.verdict, o.tp.severity())));
    if summary.mandatory_fail > 0 {
        exit_codes::FAILED
    } else if summary.error > 0 {
        exit_codes::USAGE_OR_HARNESS
    } else if summary.tested_nothing() {
        exit_codes::NOTHING_TESTED
    } else {
        exit_codes::OK
    }
}

fn describe_core(t: &CoreTarget, embedded: bool) -> SutDescription {
    let c = &t.capabilities;
    SutDescription {
        role: Sut::Core,
        description: if embedded {
            format!("embedded reference core at {}", t.url)
        } else {
            format!("CAPIF core at {} (server name {})", t.url, t.server_name)
        },
        product: None,
        trusted_roots: t
            .trusted
            .iter()
            .map(|c| crate::pki::sha256_fingerprint(c))
            .collect(),
        warnings: t.credential.warning().into_iter().collect(),
        pics: vec![
            (
                "issues_certificate".into(),
                c.issues_certificate.to_string(),
            ),
            (
                "issues_onboarding_secret".into(),
                c.issues_onboarding_secret.to_string(),
            ),
            (
                "asynchronous_onboarding".into(),
                c.asynchronous_onboarding.to_string(),
            ),
            (
                "accepts_harness_credentials".into(),
                match &t.signing_key {
                    Some(k) => format!(
                        "true (credential_signing_key {}, {})",
                        k.path.display(),
                        k.alg
                    ),
                    None => c.accepts_harness_credentials.to_string(),
                },
            ),
            ("offboarding".into(), c.offboarding.to_string()),
            (
                "teardown".into(),
                format!("{:?}", c.teardown).to_lowercase(),
            ),
        ],
    }
}

fn run_id(started: time::OffsetDateTime) -> String {
    let stamp = started
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default();
    let suffix = hex::encode(&crate::pki::new_serial().to_bytes()[..3]);
    format!("{stamp}-{suffix}")
}

/// Run `plan` to completion: targets, suite, report, exit code.
pub async fn execute(mut plan: RunPlan) -> Result<RunResult, RunError> {
    let started_at = time::OffsetDateTime::now_utc();
    let started = Instant::now();
    let config = plan.config.as_deref().map(SutConfig::load).transpose()?;
    // Before anything runs: a run whose reports cannot be written would be lost.
    crate::report::check_writable(&plan.out).map_err(|e| {
        RunError::Usage(format!(
            "--out {}: reports cannot be written there ({e}); choose a writable directory",
            plan.out.display()
        ))
    })?;
    let baseline = plan.baseline.as_deref().map(Baseline::load).transpose()?;
    let timeouts = config
        .as_ref()
        .map(|c| c.timeouts)
        .unwrap_or_else(Timeouts::default);
    let keylog_file = match &plan.keylog {
        Some(p) => Some(Arc::new(KeyLogFile::open(p).map_err(|e| {
            RunError::Usage(format!(
                "--keylog {}: {e}; give a regular file the harness may create or append to",
                p.display()
            ))
        })?)),
        None => None,
    };
    let mut targets = SuiteTargets::default();
    let mut suts = Vec::new();
    let embedded_core;
    if plan.sut == SutSelection::Pair {
        let pair = plan.pair.clone().unwrap_or_default();
        let load = |p: Option<&PathBuf>| p.map(|p| SutConfig::load(p)).transpose();
        let (core_cfg, invoker_cfg) = (load(pair.core.as_ref())?, load(pair.invoker.as_ref())?);
        let t_of = |c: &Option<SutConfig>| c.as_ref().map(|c| c.timeouts).unwrap_or_default();
        let (core, embedded) = match &core_cfg {
            Some(cfg) => core_target(SutSelection::Core, Some(cfg), t_of(&core_cfg)).await?,
            // The embedded core provisions the invoker as a deployment would: from its
            // register (SDKs such as opencapif-sdk take their credential only from one).
            None => {
                let e = EmbeddedCore::start_with_register(t_of(&core_cfg))
                    .await
                    .map_err(|e| {
                        RunError::Harness(format!("cannot start the embedded reference core: {e}"))
                    })?;
                let described = describe_core(&e.target, true);
                (Some((e.target.clone(), described)), Some(e))
            }
        };
        embedded_core = embedded;
        let invoker = invoker_target(
            SutSelection::Invoker,
            invoker_cfg.as_ref(),
            t_of(&invoker_cfg),
        )?
        .map(|t| match &invoker_cfg {
            // The reference invoker faces a real core here, not the played one.
            None => t.facing_a_real_core(),
            Some(_) => t,
        });
        if let (Some((core, described)), Some(invoker)) = (core, invoker) {
            // In a pair the invoker is provisioned by the core: its roots, its register.
            let mut inv = describe_invoker(&invoker);
            inv.product = invoker_cfg
                .as_ref()
                .and_then(|c| c.invoker.as_ref())
                .and_then(|i| i.description.clone());
            inv.trusted_roots = described.trusted_roots.clone();
            inv.pics = vec![(
                "provisioned with".into(),
                match &core.credential {
                    crate::sut::CredentialSource::Enrolment { username, .. } => format!(
                        "the core's apiRoot, its root CA, and its register (user {username})"
                    ),
                    _ => "the core's apiRoot, its root CA and a credential from its source".into(),
                },
            )];
            suts.push(described);
            suts.push(inv);
            targets.pair = Some(crate::sut::PairTarget { invoker, core });
        }
    } else {
        let (core, embedded) = core_target(plan.sut, config.as_ref(), timeouts).await?;
        embedded_core = embedded;
        if let Some((mut t, described)) = core {
            t.keylog = keylog_file.clone().map(|k| k as Arc<dyn rustls::KeyLog>);
            suts.push(described);
            match &plan.fuzz {
                Some(opts) => {
                    targets.fuzz = Some(Arc::new(crate::fuzz::FuzzTarget::new(
                        t,
                        opts.clone(),
                        crate::fuzz::run_campaign,
                    )))
                }
                None => targets.core = Some(t),
            }
        }
        if let Some(t) = invoker_target(plan.sut, config.as_ref(), timeouts)? {
            let mut d = describe_invoker(&t);
            d.product = config
                .as_ref()
                .and_then(|c| c.invoker.as_ref())
                .and_then(|i| i.description.clone());
            suts.push(d);
            match &plan.fuzz {
                Some(opts) => {
                    targets.fuzz_invoker =
                        Some(Arc::new(crate::fuzz::invoker::InvokerFuzzTarget::new(
                            t,
                            opts.clone(),
                            crate::fuzz::invoker::run_campaign,
                        )))
                }
                None => targets.invoker = Some(t),
            }
        }
    }
    let (fuzz_target, fuzz_invoker) = (targets.fuzz.clone(), targets.fuzz_invoker.clone());
    let outcomes = run_suite(
        targets,
        SuiteOptions {
            tags: plan.tags.clone(),
            concurrency: plan.concurrency,
            on_outcome: plan.on_outcome.take(),
        },
    )
    .await?;
    if let Some(e) = embedded_core {
        e.core.shutdown().await;
    }
    if outcomes.is_empty() {
        return Err(RunError::NothingSelected);
    }
    let mut report = build_report(
        &plan,
        &outcomes,
        baseline.as_ref(),
        suts,
        started_at,
        started,
    );
    // Decided once, before any report is written: every headline quotes it.
    let exit_code = gate(&report, &outcomes, baseline.as_ref());
    report.exit_code = exit_code;
    let paths = write_reports(&report, &plan.out).map_err(|e| {
        RunError::Harness(format!(
            "cannot write the reports into {}: {e} (choose a writable --out)",
            plan.out.display()
        ))
    })?;
    if let Some(path) = &plan.write_baseline {
        Baseline::from_results(
            outcomes
                .iter()
                .map(|o| (o.tp.id, o.verdict, o.reason.as_str())),
        )
        .save(path)
        .map_err(|e| {
            RunError::Harness(format!("cannot write the baseline {}: {e}", path.display()))
        })?;
    }
    debug_assert!(outcomes
        .iter()
        .all(|o| o.verdict != Verdict::Pass || !o.reason.is_empty()));
    if let Some(e) = keylog_file.as_ref().and_then(|k| k.failure()) {
        return Err(RunError::Harness(format!(
            "--keylog: writing the key log failed ({e}); the reports were written to {}",
            paths.html().display()
        )));
    }
    Ok(RunResult {
        report,
        outcomes,
        paths,
        exit_code,
        campaign: fuzz_target.and_then(|f| f.ran()),
        invoker_campaign: fuzz_invoker.and_then(|f| f.ran()),
    })
}

/// The core under test (from `[core]`, or the embedded reference core without a
/// configuration) and its description; the embedded core is returned to be shut down.
async fn core_target(
    sut: SutSelection,
    config: Option<&SutConfig>,
    timeouts: Timeouts,
) -> Result<(Option<(CoreTarget, SutDescription)>, Option<EmbeddedCore>), RunError> {
    if !sut.includes(Sut::Core) {
        return Ok((None, None));
    }
    let Some(cfg) = config else {
        let e = EmbeddedCore::start(timeouts).await.map_err(|e| {
            RunError::Harness(format!("cannot start the embedded reference core: {e}"))
        })?;
        let described = describe_core(&e.target, true);
        return Ok((Some((e.target.clone(), described)), Some(e)));
    };
    let Some(core) = &cfg.core else {
        if sut == SutSelection::Core {
            return Err(RunError::Usage(format!(
                "--sut core, but {} has no [core] section; add one or choose --sut invoker",
                cfg.file.display()
            )));
        }
        return Ok((None, None));
    };
    let (t, note) = CoreTarget::configured(core, timeouts)
        .await
        .map_err(RunError::Usage)?;
    if let Some(n) = &note {
        eprintln!("warning: {n}");
    }
    let mut d = describe_core(&t, false);
    d.product = core.product.clone();
    if let Some(note) = note {
        d.description.push_str(&format!("; {note}"));
    }
    Ok((Some((t, d)), None))
}

/// The invoker under test (from `[invoker]`, or the reference invoker of this executable
/// without a configuration), with a fresh PKI for the played core.
fn invoker_target(
    sut: SutSelection,
    config: Option<&SutConfig>,
    timeouts: Timeouts,
) -> Result<Option<InvokerTarget>, RunError> {
    if !sut.includes(Sut::Invoker) {
        return Ok(None);
    }
    let hosts: Vec<String> = DEFAULT_HOSTS.iter().map(|s| s.to_string()).collect();
    let pki = TestPki::generate(&hosts)
        .map_err(|e| RunError::Harness(format!("cannot generate the played core's PKI: {e}")))?;
    let Some(cfg) = config else {
        let exe = std::env::current_exe()
            .map_err(|e| RunError::Harness(format!("cannot locate this executable: {e}")))?;
        return Ok(Some(InvokerTarget::reference(&exe, timeouts, pki)));
    };
    let Some(inv) = &cfg.invoker else {
        if sut == SutSelection::Invoker {
            return Err(RunError::Usage(format!(
                "--sut invoker, but {} has no [invoker] section; add one or choose --sut core",
                cfg.file.display()
            )));
        }
        return Ok(None);
    };
    Ok(Some(InvokerTarget {
        command: inv.command.clone(),
        enrolment: inv.enrolment.as_ref().map(|e| EnrolmentLogin {
            username: e.username.clone(),
            password: e.password.clone(),
        }),
        register_style: inv.enrolment.as_ref().map(|e| e.style).unwrap_or_default(),
        timeouts,
        pki,
        description: format!("API invoker driven by `{}`", inv.command),
        gives_up_within: inv.gives_up_within(),
    }))
}

fn describe_invoker(t: &InvokerTarget) -> SutDescription {
    SutDescription {
        role: Sut::Invoker,
        description: t.description.clone(),
        product: None,
        trusted_roots: vec![crate::pki::sha256_fingerprint(&t.pki.ca.cert)],
        warnings: Vec::new(),
        pics: t
            .enrolment
            .as_ref()
            .map(|e| {
                vec![(
                    "enrolment".to_string(),
                    format!("opencapif register, user {}", e.username),
                )]
            })
            .unwrap_or_default(),
    }
}

/// The report of a finished run, baseline expectations marked.
fn build_report(
    plan: &RunPlan,
    outcomes: &[Outcome],
    baseline: Option<&Baseline>,
    suts: Vec<SutDescription>,
    started_at: time::OffsetDateTime,
    started: Instant,
) -> Report {
    let mut results: Vec<ResultEntry> = outcomes.iter().map(ResultEntry::from).collect();
    let baseline_report = baseline.map(|b| {
        for r in results.iter_mut() {
            if b.expected.contains_key(&r.id) {
                r.expected = Some(b.expected(&r.id).as_str().to_string());
            }
        }
        BaselineReport {
            file: plan
                .baseline
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            deviations: b.compare(outcomes.iter().map(|o| (o.tp.id, o.verdict))),
        }
    });
    Report {
        format_version: crate::report::FORMAT_VERSION,
        tool: "capif-conformance".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        run_id: run_id(started_at),
        command_line: plan.command_line.clone(),
        started_at: started_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        duration_ms: started.elapsed().as_millis() as u64,
        config: match &plan.pair {
            Some(p) => Some(format!(
                "core: {}; invoker: {}",
                p.core
                    .as_ref()
                    .map(|c| c.display().to_string())
                    .unwrap_or_else(|| "embedded reference core".into()),
                p.invoker
                    .as_ref()
                    .map(|c| c.display().to_string())
                    .unwrap_or_else(|| "reference invoker".into()),
            )),
            None => plan.config.as_ref().map(|p| p.display().to_string()),
        },
        suts,
        summary: Summary::of_results(&results),
        specifications: crate::report::specifications(&results),
        results,
        baseline: baseline_report,
        // Set by the caller once the gate decided.
        exit_code: exit_codes::OK,
        cell: plan.cell.clone(),
    }
}

/// The exit code CI gates on.
fn gate(report: &Report, outcomes: &[Outcome], baseline: Option<&Baseline>) -> i32 {
    match &report.baseline {
        // A run that tested nothing is not conformant, whatever the baseline expects (a
        // harness error, which says what to fix, is reported as such).
        _ if report.summary.tested_nothing() && report.summary.error == 0 => {
            exit_codes::NOTHING_TESTED
        }
        // With a baseline, CI gates on change: any deviation fails the run.
        Some(b) if !b.deviations.is_empty() => exit_codes::FAILED,
        Some(_) => {
            let unexpected_error = outcomes.iter().any(|o| {
                o.verdict == Verdict::Error
                    && baseline.is_some_and(|b| b.expected(o.tp.id) != Verdict::Error)
            });
            if unexpected_error {
                exit_codes::USAGE_OR_HARNESS
            } else {
                exit_codes::OK
            }
        }
        None => exit_code_for(outcomes),
    }
}
