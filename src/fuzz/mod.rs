//! Property-based robustness of a core under test (issue 29, the core side): proptest generates
//! onboarding requests from the valid base by structured mutation ([`case`]), the model
//! classifies each (valid, or invalid and why), and every answer is judged against that class.
//! A failing case is shrunk by proptest, each shrink step a real request, to the smallest
//! change that still fails; the finding names the property broken, its test purpose and
//! requirement, the seed, and a replayable request.
//!
//! The properties, a test purpose each:
//! - `CCF-FUZZ-03`: every request gets an answer, and never a 5xx (checked first);
//! - `CCF-FUZZ-01`: a valid request is onboarded: 201 Created (202 for a core onboarding
//!   asynchronously) with a Location and an APIInvokerEnrolmentDetails;
//! - `CCF-FUZZ-02`: an invalid request is refused with a 4xx ProblemDetails.

pub mod case;
pub mod invoker;
mod replay;
pub mod reply;
mod rounds;
mod target;

pub use replay::{curl_command, http_file, onboarding_url, parse_http_file};
pub use rounds::MAX_FINDINGS;
pub use target::{CampaignTarget, FuzzTarget};

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::checks::{self, Check};
use crate::pki::{enrolment_request, InvokerKey};
use crate::sut::{CoreTarget, CredentialChoice};
use case::{Case, Concrete, Expect};

/// How a campaign runs.
#[derive(Debug, Clone)]
pub struct FuzzOptions {
    /// Cases to generate (shrink steps come on top).
    pub cases: u32,
    /// The seed: the same seed gives the same cases.
    pub seed: u64,
    /// Stop generating after this long (the cases sent so far are the campaign).
    pub time_budget: Duration,
    /// At most this many requests per second (None: as fast as the core answers).
    pub rate: Option<f64>,
    /// Shrink steps at most (each is a real request).
    pub max_shrink_steps: u32,
}

impl Default for FuzzOptions {
    fn default() -> Self {
        Self {
            cases: 200,
            seed: 0,
            time_budget: Duration::from_secs(60),
            rate: None,
            max_shrink_steps: 64,
        }
    }
}

/// A property a core's answers must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Property {
    /// CCF-FUZZ-01.
    ValidIsOnboarded,
    /// CCF-FUZZ-02.
    InvalidIsRefused,
    /// CCF-FUZZ-03.
    AlwaysAnswersNever5xx,
    /// CCF-FUZZ-04.
    TornDown,
    /// CCF-FUZZ-05.
    FramingTransparent,
}

impl Property {
    /// Its test purpose id.
    pub fn id(self) -> &'static str {
        match self {
            Property::ValidIsOnboarded => "CCF-FUZZ-01",
            Property::InvalidIsRefused => "CCF-FUZZ-02",
            Property::AlwaysAnswersNever5xx => "CCF-FUZZ-03",
            Property::TornDown => "CCF-FUZZ-04",
            Property::FramingTransparent => "CCF-FUZZ-05",
        }
    }

    /// Its test purpose (the catalogue holds its title, requirements and severity).
    pub fn test_purpose(self) -> &'static crate::catalogue::TestPurpose {
        crate::catalogue::find(self.id()).expect("CCF-FUZZ-01..05 are catalogued")
    }

    /// What it says: its test purpose's title.
    pub fn title(self) -> &'static str {
        self.test_purpose().title
    }

    /// The requirement ids it rests on (the project's copy of requirements.toml).
    pub fn requirements(self) -> &'static [&'static str] {
        self.test_purpose().requirements
    }

    /// Every property, in catalogue order.
    pub const ALL: [Property; 5] = [
        Property::ValidIsOnboarded,
        Property::InvalidIsRefused,
        Property::AlwaysAnswersNever5xx,
        Property::TornDown,
        Property::FramingTransparent,
    ];
}

/// The verdict of `property` on a finished campaign: pure, so each way it can end is
/// unit-tested. Nothing unobserved passes: a campaign that sent no case, or whose valid base
/// was refused (every case would repeat that one defect), judges nothing.
pub fn property_check(c: &Campaign, property: Property) -> Check {
    if let Err((answered, why)) = &c.positive_control {
        return match (property, answered) {
            (Property::ValidIsOnboarded, true) => Check::Fail(format!(
                "the valid base itself (the request every case mutates) was not onboarded: {why}"
            )),
            (_, true) => Check::blocked(
                Some(Property::ValidIsOnboarded.id()),
                format!("the valid base was not onboarded, so no generated case was judged (each would repeat that defect): {why}"),
            ),
            (_, false) => Check::Inconclusive(format!(
                "the core did not answer the valid base, so no generated case was sent: {why}"
            )),
        };
    }
    let mine = Mine::of(&c.findings, |f| {
        (f.property == property)
            .then(|| (f.reason.as_str(), f.case.mutations.len(), f.case.describe()))
    });
    let tally = Tally {
        seed: c.seed,
        cases: c.cases,
        elapsed: c.elapsed,
        budget_exhausted: c.budget_exhausted,
        findings: c.findings.len(),
    };
    if mine.is_empty() && property == Property::ValidIsOnboarded {
        if let Err(why) = &c.still_healthy {
            if c.cases > 0 {
                return Check::Fail(format!(
                    "after the campaign the core no longer onboards the valid base: {why}"
                ));
            }
        }
    }
    match tally.verdict(&mine, "the valid base", true) {
        Check::Pass(why) if property == Property::TornDown && c.teardowns_judged < c.sent => {
            Check::Pass(format!(
                "{why}; the teardown was judged after {} of the {} answers sent (the others had no answer or failed another property first)",
                c.teardowns_judged, c.sent
            ))
        }
        other => other,
    }
}

/// What a campaign of either role did, as far as a property's verdict needs it.
struct Tally {
    seed: u64,
    cases: u64,
    elapsed: Duration,
    budget_exhausted: bool,
    findings: usize,
}

/// One of the findings that break the property judged.
struct Mine<'a> {
    /// Its index in the campaign (finding-{n+1}).
    n: usize,
    reason: &'a str,
    changes: usize,
    described: String,
}

impl<'a> Mine<'a> {
    /// The findings `of` takes (its reason, how many changes, the changes in words), with
    /// their index in the campaign: those that break the property judged.
    fn of<F>(
        findings: &'a [F],
        of: impl Fn(&'a F) -> Option<(&'a str, usize, String)>,
    ) -> Vec<Mine<'a>> {
        findings
            .iter()
            .enumerate()
            .filter_map(|(n, f)| {
                of(f).map(|(reason, changes, described)| Mine {
                    n,
                    reason,
                    changes,
                    described,
                })
            })
            .collect()
    }
}

impl Tally {
    /// The verdict of a property whose findings are `mine`; `base` names what every case
    /// changes; `replayable`: each finding was written as finding-N.http. Nothing unobserved
    /// passes: no case sent, no verdict.
    fn verdict(&self, mine: &[Mine], base: &str, replayable: bool) -> Check {
        if self.cases == 0 {
            return Check::Inconclusive(format!(
                "no generated case was sent within the time budget (--time-budget, {:.1} s spent): nothing was observed",
                self.elapsed.as_secs_f64()
            ));
        }
        if let Some(f) = mine.first() {
            let others = match mine.len() {
                1 => String::new(),
                k => format!(" ({k} findings break it; the others are in the evidence)"),
            };
            let replay = if replayable {
                format!("replay: finding-{}.http, ", f.n + 1)
            } else {
                String::new()
            };
            // The shrunk change first: it is what a vendor fixes, and a reason cut to one
            // breath keeps it.
            return Check::Fail(format!(
                "finding {}{others}: {} ({} change(s) from {base}, shrunk): {} ({replay}seed {})",
                f.n + 1,
                f.described,
                f.changes,
                f.reason,
                self.seed
            ));
        }
        let skipped = if self.findings == 0 {
            String::new()
        } else {
            format!(
                "; after each of the {} finding(s) of other properties, the cases making the same kinds of change were not sent",
                self.findings
            )
        };
        let budget = if self.budget_exhausted {
            " (the time budget ended generation early)"
        } else {
            ""
        };
        Check::Pass(format!(
            "{} generated case(s) with seed {} kept it{budget}{skipped}",
            self.cases, self.seed
        ))
    }
}

/// What the core answered one request, as far as the judgement needs it.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status (None: no answer).
    pub status: Option<u16>,
    /// One line: status, media type and the start of the body, or why there was no answer.
    pub summary: String,
    /// The Location of a 201, when there was one.
    pub location: Option<String>,
}

/// The judgement of one answer: None when it keeps every property.
/// `sent_spki`: the key the request sent, when known (not for a replayed file), so a
/// certificate the core issues is checked to bind it (with `issues_certificate`).
pub fn judge(
    expect: &Expect,
    resp: Option<&crate::net::HttpResponse>,
    error: Option<String>,
    target: &CoreTarget,
    sent_spki: Option<&[u8]>,
) -> Option<(Property, String)> {
    let Some(resp) = resp else {
        return Some((
            Property::AlwaysAnswersNever5xx,
            format!(
                "no answer: {}",
                error.unwrap_or_else(|| "the exchange failed".into())
            ),
        ));
    };
    if resp.status >= 500 {
        return Some((
            Property::AlwaysAnswersNever5xx,
            format!("answered {}", checks::describe(resp)),
        ));
    }
    let failed = |p: Property, c: Check| match c {
        Check::Pass(_) => None,
        other => Some((p, other.reason().to_string())),
    };
    match expect {
        Expect::Valid => failed(
            Property::ValidIsOnboarded,
            checks::created(resp, target.capabilities.asynchronous_onboarding),
        )
        .or_else(|| {
            (resp.status == 201)
                .then(|| {
                    failed(
                        Property::ValidIsOnboarded,
                        checks::location(resp, &target.api_root(), &target.server_name),
                    )
                    .or_else(|| match checks::enrolment_details(resp) {
                        Ok(details) => sent_spki
                            .filter(|_| target.capabilities.issues_certificate)
                            .and_then(|spki| {
                                failed(
                                    Property::ValidIsOnboarded,
                                    checks::issued_certificate(&details, &target.invoker_ca, spki),
                                )
                            }),
                        Err(c) => failed(Property::ValidIsOnboarded, c),
                    })
                })
                .flatten()
        }),
        Expect::Invalid(why) => {
            if !(400..500).contains(&resp.status) {
                return Some((
                    Property::InvalidIsRefused,
                    format!(
                        "an invalid request ({}) was answered {}",
                        why.join("; "),
                        checks::describe(resp)
                    ),
                ));
            }
            // A refusal carries no onboarding result (id, certificate, Location).
            failed(Property::InvalidIsRefused, checks::rejected(resp))
                .or_else(|| failed(Property::InvalidIsRefused, checks::problem_details(resp)))
        }
    }
}

/// [`judge`] for `request` as it was sent: a valid request framed otherwise is the same
/// request (RFC 9112 §7.1, RFC 9110 §5.1/§5.3), so when it is answered as invalid the framing
/// is what the core did not take (CCF-FUZZ-05, not CCF-FUZZ-01).
pub fn judge_request(
    request: &Concrete,
    expect: &Expect,
    resp: Option<&crate::net::HttpResponse>,
    error: Option<String>,
    target: &CoreTarget,
    sent_spki: Option<&[u8]>,
) -> Option<(Property, String)> {
    judge(expect, resp, error, target, sent_spki).map(|(p, why)| match p {
        Property::ValidIsOnboarded if !request.framing.is_empty() => {
            (Property::FramingTransparent, why)
        }
        other => (other, why),
    })
}

/// A finding: the smallest failing case found, and what it broke.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The property broken.
    pub property: Property,
    /// Why, for the smallest case.
    pub reason: String,
    /// The smallest case (its mutations from the valid base).
    pub case: Case,
    /// The request it was, as sent.
    pub request: Concrete,
}

/// What a campaign did.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// The onboarding URL the cases went to.
    pub url: String,
    /// The seed.
    pub seed: u64,
    /// Requests sent (generated cases and shrink steps).
    pub sent: u64,
    /// Generated cases sent (the rest were shrink steps).
    pub cases: u64,
    /// How long generating and shrinking took (what `sent` is a rate over; the controls
    /// before and after and the offboardings come on top).
    pub elapsed: Duration,
    /// The findings, each shrunk, each a different minimal change (at most [`MAX_FINDINGS`]).
    pub findings: Vec<Finding>,
    /// The answers (of `sent`) whose teardown was judged: the others had no answer or failed
    /// another property first.
    pub teardowns_judged: u64,
    /// Whether the time budget ended generation before `cases` were sent (a finding ends it
    /// too, and is said as such).
    pub budget_exhausted: bool,
    /// The Locations of the invokers it onboarded.
    pub onboarded: Vec<String>,
    /// Their offboarding at the end (None: the core declares no offboarding): how many were
    /// offboarded (204), and why each of the others was not.
    pub offboarded: Option<(usize, Vec<String>)>,
    /// The positive control after the campaign: Ok, or why the core no longer onboards.
    pub still_healthy: Result<(), String>,
    /// The positive control before it (the valid base, once): when it fails nothing is
    /// judged, since every finding would be that one (Err: whether the core answered at
    /// all, and why).
    pub positive_control: Result<(), (bool, String)>,
}

/// An invoker a campaign onboarded: its resource's Location and path, and the identity its
/// issued certificate gives (None: no usable certificate, so it cannot offboard).
#[derive(Clone)]
struct Onboarded {
    location: String,
    path: Option<String>,
    identity: Option<crate::pki::Identity>,
}

/// One request for `case`: a fresh key and identity, the case's body and Content-Type.
async fn send(target: &CoreTarget, case: &Case) -> Sent {
    let who = target.identities.next();
    let key = InvokerKey::generate(target.invoker_key);
    let base = enrolment_request(
        &key.public_key_field(target.invoker_key_format, &who),
        &who.information,
    );
    let request = case.apply(&base);
    let body = request.request_body();
    let spki = key.spki();
    match target.onboard(&CredentialChoice::Valid, body).await {
        Ok(a) => {
            let onboarded = a
                .response
                .as_ref()
                .filter(|r| r.status == 201)
                .and_then(|r| onboarded(target, r, &key));
            let teardown = a
                .end
                .clone()
                .map(|end| (end, a.announced_close(), a.after_harness_close.clone()));
            Sent {
                request,
                response: a.response,
                error: a.error.map(|e| e.to_string()),
                onboarded,
                spki,
                teardown,
            }
        }
        Err(e) => Sent {
            request,
            response: None,
            error: Some(format!("no credential: {e}")),
            onboarded: None,
            spki,
            teardown: None,
        },
    }
}

/// One request a campaign sent, and what came of it.
struct Sent {
    request: Concrete,
    response: Option<crate::net::HttpResponse>,
    error: Option<String>,
    /// The invoker it onboarded, if it did.
    onboarded: Option<Onboarded>,
    /// The key it sent (DER SubjectPublicKeyInfo).
    spki: Vec<u8>,
    /// How the core ended the session after its answer (None: no answer), whether the answer
    /// announced `Connection: close`, and with teardown = "either" what followed the
    /// harness's close_notify.
    teardown: Option<(crate::net::SessionEnd, bool, Option<crate::net::SessionEnd>)>,
}

impl Sent {
    /// The judgement of its answer, as the model expects for `expect`, then of the teardown
    /// that followed it (one defect, one property: an answer already failed is not judged
    /// for its teardown).
    fn judged(&self, expect: &Expect, target: &CoreTarget) -> Option<(Property, String)> {
        self.answer_judged(expect, target).or_else(|| {
            let (end, announced_close, after) = self.teardown.as_ref()?;
            match checks::session_ended(
                end,
                *announced_close,
                after.as_ref(),
                target.capabilities.teardown,
            ) {
                Check::Pass(_) => None,
                other => Some((Property::TornDown, other.reason().to_string())),
            }
        })
    }

    /// The judgement of its answer alone: the positive controls before and after a campaign
    /// ask only whether the core onboards (its teardown is judged on the generated cases).
    fn answer_judged(&self, expect: &Expect, target: &CoreTarget) -> Option<(Property, String)> {
        judge_request(
            &self.request,
            expect,
            self.response.as_ref(),
            self.error.clone(),
            target,
            Some(&self.spki),
        )
    }
}

/// What a 201 created: where, and the identity its certificate gives with `key` (the whole
/// bundle the core issued but its CA, as an invoker presents it).
fn onboarded(
    target: &CoreTarget,
    resp: &crate::net::HttpResponse,
    key: &InvokerKey,
) -> Option<Onboarded> {
    let location = resp.header("Location")?.trim().to_string();
    let path = target
        .url
        .join(&location)
        .ok()
        .map(|u| u.path().to_string());
    let identity = checks::enrolment_details(resp)
        .ok()
        .and_then(|d| d.onboarding_information.api_invoker_certificate)
        .map(|pem| {
            crate::pki::pem_certificates(&pem)
                .into_iter()
                .filter(|c| !target.invoker_ca.contains(c))
                .collect::<Vec<_>>()
        })
        .filter(|chain| !chain.is_empty())
        .map(|chain| crate::pki::Identity::new(chain, key.pair_copy()));
    Some(Onboarded {
        location,
        path,
        identity,
    })
}

/// Offboard what the campaign onboarded (TS 33.122 §6.8: DELETE over mutual TLS with the
/// issued certificate): how many were, and why each other was not.
async fn offboard_all(
    target: &CoreTarget,
    all: &[Onboarded],
    rate: Option<f64>,
) -> (usize, Vec<String>) {
    let mut done = 0;
    let mut not = Vec::new();
    for o in all {
        if let Some(rate) = rate {
            tokio::time::sleep(Duration::from_secs_f64(1.0 / rate.max(0.001))).await;
        }
        let (Some(path), Some(identity)) = (&o.path, &o.identity) else {
            not.push(format!("{}: no usable path or certificate", o.location));
            continue;
        };
        let a = target
            .attempt("DELETE", path, None, None, Some(identity))
            .await;
        match a.response.as_ref().map(|r| r.status) {
            Some(204) | Some(200) => done += 1,
            Some(s) => not.push(format!("{}: answered {s}", o.location)),
            None => not.push(format!(
                "{}: {}",
                o.location,
                a.error.map(|e| e.to_string()).unwrap_or_default()
            )),
        }
    }
    (done, not)
}

/// Run a campaign against `target` (blocking: proptest drives it; each case is a real
/// request sent on `handle`'s runtime).
pub fn run_campaign(
    handle: tokio::runtime::Handle,
    target: Arc<CoreTarget>,
    opts: &FuzzOptions,
) -> Campaign {
    let started = Instant::now();
    // The positive control first: a core that does not onboard the valid base (or cannot be
    // reached) has one defect, which every generated case would repeat.
    let control = handle.block_on(send(&target, &Case { mutations: vec![] }));
    if let Some((_, why)) = control.answer_judged(&Expect::Valid, &target) {
        let mut all: Vec<Onboarded> = control.onboarded.into_iter().collect();
        let offboarded = target
            .capabilities
            .offboarding
            .then(|| handle.block_on(offboard_all(&target, &all, opts.rate)));
        return Campaign {
            url: onboarding_url(&target),
            teardowns_judged: 0,
            seed: opts.seed,
            sent: 1,
            cases: 0,
            elapsed: started.elapsed(),
            findings: Vec::new(),
            budget_exhausted: false,
            onboarded: all.drain(..).map(|o| o.location).collect(),
            offboarded,
            still_healthy: Err(why.clone()),
            positive_control: Err((control.response.is_some(), why)),
        };
    }
    let before: Vec<Onboarded> = control.onboarded.into_iter().collect();
    let onboarded_by_cases = Mutex::new(Vec::new());
    let teardowns_judged = std::sync::atomic::AtomicU64::new(0);
    let rounds = rounds::run(
        opts,
        started,
        case::cases(),
        |case: &Case, earlier: &Case| case.covers(earlier),
        |case: &Case| {
            let sent = handle.block_on(send(&target, case));
            let expect = sent.request.expect();
            if sent.teardown.is_some() && sent.answer_judged(&expect, &target).is_none() {
                teardowns_judged.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            let broke = sent.judged(&expect, &target);
            onboarded_by_cases
                .lock()
                .expect("campaign state")
                .extend(sent.onboarded);
            (sent.request, broke)
        },
    );
    let findings: Vec<Finding> = rounds
        .findings
        .into_iter()
        .map(|f| Finding {
            property: f.property,
            reason: f.reason,
            case: f.case,
            request: f.sent,
        })
        .collect();
    let elapsed = started.elapsed();
    let after = handle.block_on(send(&target, &Case { mutations: vec![] }));
    let still_healthy = match after.answer_judged(&Expect::Valid, &target) {
        None => Ok(()),
        Some((_, why)) => Err(why),
    };
    let mut all = before;
    all.extend(onboarded_by_cases.into_inner().expect("campaign state"));
    all.extend(after.onboarded);
    // The vendor's core is left as it was found, where it offboards.
    let offboarded = target
        .capabilities
        .offboarding
        .then(|| handle.block_on(offboard_all(&target, &all, opts.rate)));
    let onboarded = all.into_iter().map(|o| o.location).collect();
    Campaign {
        url: onboarding_url(&target),
        teardowns_judged: teardowns_judged.into_inner(),
        offboarded,
        seed: opts.seed,
        sent: rounds.sent,
        cases: rounds.cases,
        elapsed,
        findings,
        budget_exhausted: rounds.budget_exhausted,
        onboarded,
        still_healthy,
        positive_control: Ok(()),
    }
}

#[cfg(test)]
mod tests;
