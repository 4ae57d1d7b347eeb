//! `capif-conformance load`: N complete onboarding flows against a core (fresh key, full
//! handshake, teardown each time), every response checked with the suite's own checks, ids
//! unique across the whole run. Conformance under concurrency, and a throughput figure.
//! Several machines: [`shard`].

pub mod shard;

pub use shard::{Shard, ShardInfo};

/// The failure kind of an apiInvokerId handed out more than once.
pub const DUPLICATE_ID: &str = "duplicate-id";

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::pki::{enrolment_request, InvokerKey, KeyKind};
use futures::StreamExt;
use serde::{Deserialize, Serialize};

use crate::checks::{self, Check};
use crate::sut::{CoreTarget, CredentialChoice, CredentialSource, RequestBody};

/// What one load run (or the merge of its shards) measured; `load.json`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LoadReport {
    /// The harness version.
    pub tool_version: String,
    /// The core's URL.
    pub target: String,
    /// Sessions attempted.
    pub sessions: usize,
    /// Sessions in flight at once.
    pub concurrency: usize,
    /// Sessions whose every check passed.
    pub succeeded: usize,
    /// Failures by kind (the check that failed, or the phase that broke).
    pub failures: BTreeMap<String, usize>,
    /// apiInvokerIds handed out more than once, with their counts.
    pub duplicate_ids: BTreeMap<String, usize>,
    /// Wall time, ms.
    pub elapsed_ms: u64,
    /// Completed onboardings per second (all sessions, including failed ones, over wall time).
    pub sessions_per_second: f64,
    /// Latency percentiles of a whole session (connect to teardown), ms.
    pub latency_ms: Percentiles,
    /// One example reason per failure kind.
    pub examples: BTreeMap<String, String>,
    /// Which shard this run is (`--shard I/N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
    /// How many shards were merged into this report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shards_merged: Option<usize>,
    /// When the first session started, ms since the Unix epoch.
    pub started_unix_ms: u64,
    /// When the last session ended, ms since the Unix epoch.
    pub ended_unix_ms: u64,
    /// The exact largest session latency, µs.
    pub latency_max_us: u64,
    /// Every session's latency: an HdrHistogram (µs, 3 significant digits), V2 + DEFLATE,
    /// base64 — what `merge` adds exactly.
    pub latency_histogram: String,
    /// Every apiInvokerId issued, in completion order (duplicates included).
    pub ids: Vec<String>,
}

/// Latency percentiles.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 95th.
    pub p95: f64,
    /// 99th.
    pub p99: f64,
    /// Maximum.
    pub max: f64,
}

impl Percentiles {
    /// Nearest-rank percentiles of `samples` (ms).
    pub fn of(samples: &mut [f64]) -> Self {
        if samples.is_empty() {
            return Self::default();
        }
        samples.sort_by(|a, b| a.total_cmp(b));
        let at = |p: f64| {
            let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
            samples[rank.clamp(1, samples.len()) - 1]
        };
        Self {
            p50: at(50.0),
            p95: at(95.0),
            p99: at(99.0),
            max: samples[samples.len() - 1],
        }
    }
}

struct SessionResult {
    latency: Duration,
    id: Option<String>,
    failure: Option<(String, String)>,
}

fn failure(kind: &str, reason: impl Into<String>) -> Option<(String, String)> {
    Some((kind.to_string(), reason.into()))
}

/// One complete onboarding, checked like the suite checks it.
async fn one_session(target: &CoreTarget, credential: &CredentialChoice) -> SessionResult {
    let started = Instant::now();
    let key = InvokerKey::generate(KeyKind::P256);
    let who = target.identities.next();
    let body = enrolment_request(&key.csr(&who), &who.information);
    let attempt = match target.onboard(credential, RequestBody::Json(body)).await {
        Ok(a) => a,
        Err(e) => {
            return SessionResult {
                latency: started.elapsed(),
                id: None,
                failure: failure("credential", e),
            }
        }
    };
    let latency = started.elapsed();
    let fail = |kind: &str, c: Check| match c {
        Check::Pass(_) => None,
        other => failure(kind, other.reason()),
    };
    let Some(resp) = attempt.response.as_ref() else {
        let e = attempt
            .error
            .as_ref()
            .map(|e| e.to_string())
            .unwrap_or_default();
        let phase = attempt
            .error
            .as_ref()
            .map(|e| e.phase().to_string())
            .unwrap_or_default();
        return SessionResult {
            latency,
            id: None,
            failure: failure(&format!("{phase} failed"), e),
        };
    };
    let id = resp
        .json()
        .and_then(|j| j["apiInvokerId"].as_str().map(str::to_string));
    let mut f = fail(
        "status",
        checks::created(resp, target.capabilities.asynchronous_onboarding),
    )
    .or_else(|| {
        fail(
            "location",
            checks::location(resp, &target.api_root(), &target.server_name),
        )
    });
    if f.is_none() {
        f = match checks::enrolment_details(resp) {
            Err(c) => fail("body", c),
            Ok(d) if target.capabilities.issues_certificate => fail(
                "certificate",
                checks::issued_certificate(&d, &target.invoker_ca, &key.spki()),
            ),
            Ok(_) => None,
        };
    }
    if f.is_none() {
        if let Some(end) = &attempt.end {
            f = fail(
                "teardown",
                checks::session_ended(
                    end,
                    attempt.announced_close(),
                    attempt.after_harness_close.as_ref(),
                    target.capabilities.teardown,
                ),
            );
        }
    }
    SessionResult {
        latency,
        id,
        failure: f,
    }
}

/// Run `sessions` onboardings with `concurrency` in flight; `progress` is told each completion.
///
/// Long by design: the flows, then the figures of the run (latencies, rate, failures by kind,
/// duplicate ids) computed in one place.
pub async fn run_load(
    target: &CoreTarget,
    sessions: usize,
    concurrency: usize,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> LoadReport {
    let started = Instant::now();
    let started_unix_ms = unix_ms();
    // A fixed or harness-minted credential is fetched once (minting is not the core's cost);
    // a command or register is asked per session, as an invoker would.
    let credential = match &target.credential {
        CredentialSource::Static(_) | CredentialSource::Minted(_) => {
            match target.credential.fetch(&target.timeouts).await {
                Ok(t) => CredentialChoice::Bearer(t),
                Err(_) => CredentialChoice::Valid,
            }
        }
        _ => CredentialChoice::Valid,
    };
    let done = Arc::new(AtomicUsize::new(0));
    let mut results = Vec::with_capacity(sessions);
    let mut stream = futures::stream::iter(0..sessions)
        .map(|_| {
            let t = target.clone();
            let c = credential.clone();
            // Spawned so the sessions use both cores, not one task's turns.
            tokio::spawn(async move { one_session(&t, &c).await })
        })
        .buffer_unordered(concurrency.max(1));
    while let Some(r) = stream.next().await {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(p) = progress {
            p(n, sessions);
        }
        match r {
            Ok(r) => results.push(r),
            Err(e) => results.push(SessionResult {
                latency: Duration::ZERO,
                id: None,
                failure: failure("harness", e.to_string()),
            }),
        }
    }
    let elapsed = started.elapsed();
    let mut failures = BTreeMap::new();
    let mut examples = BTreeMap::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for r in &results {
        if let Some((kind, reason)) = &r.failure {
            *failures.entry(kind.clone()).or_insert(0) += 1;
            examples
                .entry(kind.clone())
                .or_insert_with(|| reason.clone());
        }
        if let Some(id) = &r.id {
            *ids.entry(id.clone()).or_insert(0) += 1;
        }
    }
    let duplicate_ids: BTreeMap<String, usize> = ids.into_iter().filter(|(_, n)| *n > 1).collect();
    let dup_sessions: usize = duplicate_ids.values().map(|n| n - 1).sum();
    if dup_sessions > 0 {
        failures.insert(DUPLICATE_ID.into(), dup_sessions);
        examples.insert(
            DUPLICATE_ID.into(),
            format!(
                "{} apiInvokerId(s) were handed out more than once",
                duplicate_ids.len()
            ),
        );
    }
    let succeeded = results
        .iter()
        .filter(|r| r.failure.is_none())
        .count()
        .saturating_sub(dup_sessions);
    let mut lat: Vec<f64> = results
        .iter()
        .map(|r| r.latency.as_secs_f64() * 1000.0)
        .collect();
    let mut histogram = shard::new_histogram();
    for r in &results {
        histogram.saturating_record((r.latency.as_micros() as u64).max(1));
    }
    LoadReport {
        tool_version: env!("CARGO_PKG_VERSION").into(),
        target: target.url.to_string(),
        sessions,
        concurrency,
        succeeded,
        failures,
        duplicate_ids,
        elapsed_ms: elapsed.as_millis() as u64,
        sessions_per_second: sessions as f64 / elapsed.as_secs_f64().max(1e-9),
        latency_ms: Percentiles::of(&mut lat),
        examples,
        shard: None,
        shards_merged: None,
        started_unix_ms,
        ended_unix_ms: unix_ms(),
        latency_max_us: results
            .iter()
            .map(|r| r.latency.as_micros() as u64)
            .max()
            .unwrap_or(0),
        latency_histogram: shard::encode(&histogram),
        ids: results.iter().filter_map(|r| r.id.clone()).collect(),
    }
}

fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut s: Vec<f64> = (1..=100).map(f64::from).collect();
        let p = Percentiles::of(&mut s);
        assert_eq!((p.p50, p.p95, p.p99, p.max), (50.0, 95.0, 99.0, 100.0));
        let mut one = vec![7.0];
        assert_eq!(Percentiles::of(&mut one).p99, 7.0);
        assert_eq!(Percentiles::of(&mut []).max, 0.0);
    }
}
