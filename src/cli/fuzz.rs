//! The `fuzz` command: a property-based campaign against a core or an invoker, its findings
//! printed and written as replayable files beside the run's reports, and `--replay`.

use super::console::{core_under_test, run_then, untrusted_line};
use capif_conformance::exit_codes;
use capif_conformance::run::{RunPlan, SutSelection};

/// What `fuzz` was asked for.
pub struct FuzzArgs {
    /// A core or an invoker.
    pub sut: SutSelection,
    /// The SUT configuration (None: the embedded reference core or invoker).
    pub config: Option<std::path::PathBuf>,
    /// How the campaign runs.
    pub options: capif_conformance::fuzz::FuzzOptions,
    /// Where the reports, fuzz.json and the findings' replay files go.
    pub out: std::path::PathBuf,
    /// Expected verdicts of CCF-FUZZ-01..05 to compare with.
    pub baseline: Option<std::path::PathBuf>,
    /// Send this `.http` file again instead of a campaign.
    pub replay: Option<std::path::PathBuf>,
}

/// `fuzz`: a campaign of generated onboarding requests against a core, judged as the test
/// purposes CCF-FUZZ-01..05 in the reports a run writes (same exit codes, same baseline), each
/// finding shrunk and written as a replayable request; or, with `--replay`, one finding sent
/// again (exit 1 when it reproduces, 0 when not).
pub async fn fuzz(args: FuzzArgs) -> i32 {
    if let Some(file) = &args.replay {
        return replay(args.config.as_deref(), file).await;
    }
    let opts = args.options.clone();
    let (what, ids) = match args.sut {
        SutSelection::Invoker => (
            "answers to the invoker's onboarding request",
            "INV-FUZZ-01..03",
        ),
        _ => ("onboarding requests", "CCF-FUZZ-01..05"),
    };
    say!(
        "fuzz: up to {} generated {what} (seed {}, budget {:?}); {ids} judge them",
        opts.cases,
        opts.seed,
        opts.time_budget
    );
    let plan = RunPlan {
        sut: args.sut,
        config: args.config,
        tags: None,
        out: args.out,
        concurrency: 3,
        keylog: None,
        baseline: args.baseline,
        write_baseline: None,
        command_line: std::env::args().collect(),
        on_outcome: None,
        cell: None,
        pair: None,
        fuzz: Some(opts),
    };
    run_then(plan, |result| {
        if let Some(c) = &result.invoker_campaign {
            print_invoker_campaign(c);
            return write_invoker_campaign(c, &result.paths.run_dir).err();
        }
        let campaign = result.campaign.as_ref()?;
        let url = result
            .report
            .suts
            .first()
            .map(|s| s.description.clone())
            .unwrap_or_default();
        print_campaign(campaign, &url);
        // Beside the reports of this run (DIR/<run-id>/, DIR/latest).
        write_campaign(campaign, &result.paths.run_dir).err()
    })
    .await
}

/// What a campaign did, on the console (the verdicts follow in the run's summary).
pub(super) fn print_campaign(campaign: &capif_conformance::fuzz::Campaign, core: &str) {
    use capif_conformance::fuzz;
    say!("core: {}", untrusted_line(core));
    if let Err((_, why)) = &campaign.positive_control {
        say!(
            "the valid base was not onboarded, so no generated case was judged (each would repeat it): {}",
            untrusted_line(why)
        );
        return;
    }
    let rate = campaign.sent as f64 / campaign.elapsed.as_secs_f64().max(0.001);
    say!(
        "{} case(s) and {} shrink step(s) sent in {:.1} s ({rate:.0} requests/s){}",
        campaign.cases,
        campaign.sent - campaign.cases,
        campaign.elapsed.as_secs_f64(),
        if campaign.budget_exhausted {
            "; the time budget ended generation early"
        } else if !campaign.findings.is_empty() {
            "; each failing case was shrunk, then generation went on without what it explained"
        } else {
            ""
        }
    );
    for (n, f) in campaign.findings.iter().enumerate() {
        say!(
            "FINDING {} {} ({}; {}): {}",
            n + 1,
            f.property.id(),
            f.property.title(),
            f.property.requirements().join(", "),
            untrusted_line(&f.reason)
        );
        say!(
            "  shrunk to {} change(s) from the valid base: {}",
            f.case.mutations.len(),
            untrusted_line(&f.case.describe())
        );
        say!(
            "  replay: {}",
            fuzz::curl_command(&campaign.url, &f.request)
        );
    }
    if let Err(why) = &campaign.still_healthy {
        say!(
            "the core no longer onboards a valid request after the campaign: {}",
            untrusted_line(why)
        );
    }
    match &campaign.offboarded {
        None => say!(
            "{} invoker(s) onboarded by the campaign stay onboarded: the core declares no offboarding ([core.capabilities] offboarding = false)",
            campaign.onboarded.len()
        ),
        Some((done, not)) => {
            say!(
                "{done} of the {} invoker(s) the campaign onboarded offboarded again",
                campaign.onboarded.len()
            );
            for why in not.iter().take(10) {
                say!("  not offboarded: {}", untrusted_line(why));
            }
        }
    }
}

/// fuzz.json and each finding's finding-N.http and finding-N.curl.sh, next to the reports;
/// Err: the exit code of a write that failed (said on stderr).
pub(super) fn write_campaign(
    campaign: &capif_conformance::fuzz::Campaign,
    out: &std::path::Path,
) -> Result<(), i32> {
    use capif_conformance::fuzz;
    let json = serde_json::json!({
        "seed": campaign.seed,
        "cases": campaign.cases,
        "sent": campaign.sent,
        "elapsed_ms": campaign.elapsed.as_millis() as u64,
        "budget_exhausted": campaign.budget_exhausted,
        "findings": campaign.findings.iter().enumerate().map(|(n, f)| serde_json::json!({
            "test_purpose": f.property.id(),
            "property": f.property.title(),
            "requirements": f.property.requirements(),
            "reason": f.reason,
            "mutations": f.case.describe(),
            "replay": format!("finding-{}.http", n + 1),
        })).collect::<Vec<_>>(),
        "still_healthy": campaign.still_healthy.as_ref().err(),
        "onboarded": campaign.onboarded,
        "offboarded": campaign.offboarded.as_ref().map(|(n, _)| n),
        "not_offboarded": campaign.offboarded.as_ref().map(|(_, not)| not),
    });
    // The core's text is scrubbed of secrets like every report string.
    let mut files = vec![(
        "fuzz.json".to_string(),
        capif_conformance::evidence::scrub(&serde_json::to_string_pretty(&json).expect("JSON")),
    )];
    for (n, f) in campaign.findings.iter().enumerate() {
        files.push((
            format!("finding-{}.http", n + 1),
            fuzz::http_file(&campaign.url, &f.request),
        ));
        files.push((
            format!("finding-{}.curl.sh", n + 1),
            format!(
                "#!/bin/sh\n{}\n",
                fuzz::curl_command(&campaign.url, &f.request)
            ),
        ));
    }
    for (name, text) in files {
        let path = out.join(&name);
        if let Err(e) = capif_conformance::fsutil::write_atomic(
            &path,
            text.as_bytes(),
            capif_conformance::fsutil::FileMode::Public,
        ) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return Err(exit_codes::USAGE_OR_HARNESS);
        }
    }
    say!("written: {}", out.join("fuzz.json").display());
    Ok(())
}

/// What a campaign against an invoker did, on the console.
pub(super) fn print_invoker_campaign(c: &capif_conformance::fuzz::invoker::InvokerCampaign) {
    if let Err(why) = &c.positive_control {
        say!(
            "the invoker did not onboard on the strict 201, so no generated answer was judged: {}",
            untrusted_line(why)
        );
        return;
    }
    say!(
        "{} generated answer(s) and {} shrink step(s), each an adapter run, in {:.1} s{}",
        c.cases,
        c.sent.saturating_sub(c.cases + 1),
        c.elapsed.as_secs_f64(),
        if c.budget_exhausted {
            "; the time budget ended generation early"
        } else {
            ""
        }
    );
    for (n, f) in c.findings.iter().enumerate() {
        say!(
            "FINDING {} {} ({}): {}",
            n + 1,
            f.property.id(),
            f.property.title(),
            untrusted_line(&f.reason)
        );
        say!(
            "  shrunk to {} change(s) from the strict 201: {} (rerun: the same --seed {})",
            f.reply.mutations.len(),
            f.reply.describe(),
            c.seed
        );
    }
    for why in c.harness_errors.iter().take(3) {
        say!(
            "  a run the harness could not make: {}",
            untrusted_line(why)
        );
    }
}

/// fuzz.json of a campaign against an invoker, next to the reports.
pub(super) fn write_invoker_campaign(
    c: &capif_conformance::fuzz::invoker::InvokerCampaign,
    out: &std::path::Path,
) -> Result<(), i32> {
    let json = serde_json::json!({
        "seed": c.seed,
        "cases": c.cases,
        "sent": c.sent,
        "elapsed_ms": c.elapsed.as_millis() as u64,
        "budget_exhausted": c.budget_exhausted,
        "findings": c.findings.iter().map(|f| serde_json::json!({
            "test_purpose": f.property.id(),
            "property": f.property.title(),
            "reason": f.reason,
            "answer": f.reply.describe(),
        })).collect::<Vec<_>>(),
        "harness_errors": c.harness_errors,
    });
    let path = out.join("fuzz.json");
    capif_conformance::fsutil::write_atomic(
        &path,
        capif_conformance::evidence::scrub(&serde_json::to_string_pretty(&json).expect("JSON"))
            .as_bytes(),
        capif_conformance::fsutil::FileMode::Public,
    )
    .map_err(|e| {
        eprintln!("error: cannot write {}: {e}", path.display());
        exit_codes::USAGE_OR_HARNESS
    })?;
    say!("written: {}", path.display());
    Ok(())
}

/// `fuzz --replay FILE`: the request sent again with a fresh valid credential, and judged.
pub(super) async fn replay(config: Option<&std::path::Path>, file: &std::path::Path) -> i32 {
    use capif_conformance::fuzz;
    let (target, embedded) = match core_under_test(config, "fuzz").await {
        Ok(t) => t,
        Err(code) => return code,
    };
    let url = fuzz::onboarding_url(&target);
    let request = match std::fs::read_to_string(file)
        .map_err(|e| e.to_string())
        .and_then(|t| fuzz::parse_http_file(&t))
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: --replay {}: {e}", file.display());
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    let expect = request.expect();
    say!(
        "replaying {} against {url} (the model: {expect:?})",
        file.display()
    );
    let attempt = target
        .onboard(
            &capif_conformance::sut::CredentialChoice::Valid,
            request.request_body(),
        )
        .await;
    let code = match attempt {
        Err(e) => {
            eprintln!("error: cannot obtain a valid onboarding credential: {e}");
            exit_codes::USAGE_OR_HARNESS
        }
        Ok(a) => match fuzz::judge_request(
            &request,
            &expect,
            a.response.as_ref(),
            a.error.map(|e| e.to_string()),
            &target,
            None,
        ) {
            None => {
                say!("the answer keeps every property: the finding does not reproduce");
                exit_codes::OK
            }
            Some((p, why)) => {
                say!("{} ({}): {}", p.id(), p.title(), untrusted_line(&why));
                exit_codes::FAILED
            }
        },
    };
    if let Some(e) = embedded {
        e.core.shutdown().await;
    }
    code
}
