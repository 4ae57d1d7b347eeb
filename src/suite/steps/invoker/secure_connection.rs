//! Steps of features/invoker/secure_connection.feature.

use crate::checks::{self};
use crate::pki::ServerVariant;
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::Presents;
use cucumber::{given, then, when};

#[given("the harness core presents its valid certificate")]
async fn presents_good(w: &mut SuiteWorld) -> StepResult {
    w.on_invoker.script.presents = Presents::Good;
    Ok(())
}

#[given(expr = "the harness core presents a {word} certificate")]
async fn presents_bad(w: &mut SuiteWorld, variant: String) -> StepResult {
    match variant.parse::<ServerVariant>() {
        Ok(v) => {
            w.on_invoker.script.presents = Presents::Bad(v);
            Ok(())
        }
        Err(e) => w.harness_error(e),
    }
}

#[given("the harness core is addressed by its DNS name")]
async fn by_name(w: &mut SuiteWorld) -> StepResult {
    w.on_invoker.script.by_name = true;
    Ok(())
}

#[then("the ClientHello names the core in SNI")]
async fn names_core_in_sni(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::secure_connection::sends_sni(
        &run,
        crate::sut::CORE_DNS_NAME,
    ))
}

#[given("the harness core answers in clear")]
async fn cleartext(w: &mut SuiteWorld) -> StepResult {
    w.on_invoker.script.presents = Presents::Cleartext;
    Ok(())
}

#[given("the harness core never answers the ClientHello")]
async fn silent_handshake(w: &mut SuiteWorld) -> StepResult {
    w.on_invoker.script.presents = Presents::Silent;
    Ok(())
}

#[then("the invoker aborts the handshake, sends nothing and reports failure")]
async fn aborts(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    let defect = run.script.defect();
    w.check(checks::invoker::secure_connection::refused_bad_certificate(
        &run, &defect,
    ))
}

#[then("the invoker sent no Upgrade to TLS in clear")]
async fn no_upgrade(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::secure_connection::no_upgrade_in_clear(
        &run,
    ))
}

#[then("the invoker sends no credential in clear and reports failure")]
async fn nothing_in_clear(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::secure_connection::no_credential_in_clear(
        &run,
    ))
}

#[then("the invoker refuses a TLS 1.1 ServerHello")]
async fn refuses_legacy(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::secure_connection::refuses_legacy_version(
        &run,
    ))
}

/// The played core speaks only TLS `version` ("1.2", "1.3"; "1.1" is INV-TLS-08's
/// hand-built legacy ServerHello flight).
fn speak_only(w: &mut SuiteWorld, version: &str) -> StepResult {
    w.on_invoker.script.only_version = Some(match version {
        "1.2" => crate::net::TlsVersion::Tls12,
        "1.3" => crate::net::TlsVersion::Tls13,
        "1.1" => crate::net::TlsVersion::Other(0x0302),
        other => return w.harness_error(format!("no TLS version {other:?} to speak")),
    });
    Ok(())
}

#[given(expr = "the harness core speaks only TLS {word}")]
async fn speaks_only(w: &mut SuiteWorld, version: String) -> StepResult {
    speak_only(w, &version)
}

#[when(expr = "the invoker onboards with a core that speaks only TLS {word}")]
async fn onboards_with_only(w: &mut SuiteWorld, version: String) -> StepResult {
    speak_only(w, &version)?;
    w.run_invoker().await
}

#[when(
    "the invoker onboards with a core answering TLS 1.2 with the downgrade sentinel, and with one answering without it"
)]
async fn onboards_with_downgrades(w: &mut SuiteWorld) -> StepResult {
    run_flight_pair(w, |script, sentinel| script.downgrade = Some(sentinel)).await
}

/// Run the invoker against a hand-built TLS 1.2 flight with the defect (`set(script, true)`
/// for the downgrade sentinel; for renegotiation_info, `false` drops the acknowledgement) and
/// then the control; `first`: the value the defective run gets.
async fn run_flight_pair_from(
    w: &mut SuiteWorld,
    first: bool,
    set: fn(&mut crate::sut::Script, bool),
) -> StepResult {
    for value in [first, !first] {
        set(&mut w.on_invoker.script, value);
        w.run_invoker().await?;
        if w.decided() {
            return Ok(());
        }
    }
    Ok(())
}

/// [`run_flight_pair_from`] with the defect at `true`.
async fn run_flight_pair(w: &mut SuiteWorld, set: fn(&mut crate::sut::Script, bool)) -> StepResult {
    run_flight_pair_from(w, true, set).await
}

#[then("the invoker aborts on the sentinel with illegal_parameter and goes on without it")]
async fn detects_downgrade(w: &mut SuiteWorld) -> StepResult {
    let runs = w.on_invoker.runs.clone();
    let offered = runs
        .iter()
        .flat_map(|r| r.observations.sessions.iter())
        .find_map(|s| s.client_hello.as_ref())
        .map(|h| (crate::sut::offers_tls13(h), h.offered().contains(&0x0303)));
    let not_applicable = match offered {
        Some((false, _)) => {
            Some("the invoker's ClientHello offers no TLS 1.3: the sentinel check binds TLS 1.3 clients")
        }
        Some((true, false)) => Some(
            "the invoker's ClientHello offers TLS 1.3 only: no TLS 1.2 ServerHello can be negotiated with it, so there is no downgrade to detect",
        ),
        _ => None,
    };
    if let Some(reason) = not_applicable {
        return w.not_applicable(reason);
    }
    w.check(checks::invoker::secure_connection::detects_downgrade(&runs))
}

#[then("the invoker completed a handshake with each single-version core")]
async fn each_version(w: &mut SuiteWorld) -> StepResult {
    let runs = w.on_invoker.runs.clone();
    w.check(checks::invoker::secure_connection::onboards_with_each_version(&runs))
}

#[then(regex = r"^the ClientHello offers no (forbidden|discouraged) cipher suite$")]
async fn suites(w: &mut SuiteWorld, grade: String) -> StepResult {
    let run = w.last_run()?;
    let grade = if grade == "discouraged" {
        crate::net::suites::Grade::Discouraged
    } else {
        crate::net::suites::Grade::Forbidden
    };
    w.check(checks::invoker::secure_connection::client_hello_suites(
        &run, grade,
    ))
}

/// Whether the run saw any ClientHello, and those of its ClientHellos that `offers` a version.
fn hellos_offering(
    run: &crate::sut::InvokerRun,
    offers: fn(&crate::sut::ClientHelloInfo) -> bool,
) -> (bool, Vec<&crate::sut::ClientHelloInfo>) {
    let all: Vec<&crate::sut::ClientHelloInfo> = run
        .observations
        .sessions
        .iter()
        .filter_map(|s| s.client_hello.as_ref())
        .collect();
    let any = !all.is_empty();
    (any, all.into_iter().filter(|h| offers(h)).collect())
}

#[then(
    regex = r"^every ClientHello offering TLS 1\.2 carries (renegotiation_info|extended_master_secret)$"
)]
async fn tls12_hellos_signal(w: &mut SuiteWorld, what: String) -> StepResult {
    let run = w.last_run()?;
    let (any, tls12) = hellos_offering(&run, |h| h.offered().contains(&0x0303));
    if any && tls12.is_empty() {
        return w.not_applicable(format!(
            "the invoker's ClientHello offers TLS 1.3 only: {what} is a TLS 1.2 mechanism"
        ));
    }
    let signal = if what == "renegotiation_info" {
        checks::invoker::secure_connection::renegotiation_signal
    } else {
        checks::invoker::secure_connection::ems_signal
    };
    w.check(checks::invoker::secure_connection::tls12_hellos_signal(
        &tls12, &what, signal,
    ))
}

/// The restriction a step names.
fn restriction(what: &str) -> crate::sut::Restriction {
    if what == "secp384r1" {
        crate::sut::Restriction::Secp384r1Only
    } else {
        crate::sut::Restriction::Tls13Mti
    }
}

#[when(
    regex = r"^the invoker onboards with a core speaking TLS 1\.3 with only (the mandatory-to-implement suite and group|secp384r1)$"
)]
async fn onboards_restricted(w: &mut SuiteWorld, what: String) -> StepResult {
    w.on_invoker.script.restricted = Some(restriction(&what));
    w.run_invoker().await
}

#[then(
    regex = r"^the invoker completed the handshake with (the mandatory-to-implement suite and group|secp384r1)$"
)]
async fn completed_restricted(w: &mut SuiteWorld, what: String) -> StepResult {
    let runs = w.on_invoker.runs.clone();
    w.check(checks::invoker::secure_connection::completes_restricted(
        &runs,
        restriction(&what),
    ))
}

#[then("every ClientHello offering TLS 1.3 carries the extensions RFC 8446 §9.2 requires")]
async fn tls13_hello_extensions(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    let (any, tls13) = hellos_offering(&run, crate::sut::offers_tls13);
    if any && tls13.is_empty() {
        return w.check(checks::Check::blocked(
            Some("INV-TLS-10"),
            "the invoker's ClientHello offers no TLS 1.3, so what RFC 8446 §9.2 requires of a TLS 1.3 ClientHello cannot be judged",
        ));
    }
    w.check(checks::invoker::secure_connection::tls13_hello_extensions(
        &tls13,
    ))
}

#[when(
    "the invoker onboards with a core whose TLS 1.2 ServerHello does not acknowledge renegotiation_info, and with one whose does"
)]
async fn onboards_with_renegotiation_flights(w: &mut SuiteWorld) -> StepResult {
    run_flight_pair_from(w, false, |script, acknowledged| {
        script.renegotiation_ack = Some(acknowledged)
    })
    .await
}

#[then("the invoker aborts with handshake_failure without the acknowledgement and goes on with it")]
async fn aborts_without_renegotiation_ack(w: &mut SuiteWorld) -> StepResult {
    let runs = w.on_invoker.runs.clone();
    let offers_tls12 = runs
        .iter()
        .flat_map(|r| r.observations.sessions.iter())
        .find_map(|s| s.client_hello.as_ref())
        .map(|h| h.offered().contains(&0x0303));
    if offers_tls12 == Some(false) {
        return w.not_applicable("the invoker's ClientHello offers TLS 1.3 only: renegotiation_info is a TLS 1.2 mechanism");
    }
    w.check(checks::invoker::secure_connection::aborts_without_renegotiation_ack(&runs))
}
