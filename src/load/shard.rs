//! Distributed load without a coordinator: `load --shard I/N` runs its share of the sessions
//! (a partition: disjoint, sizes differ by at most one), optionally starting at an agreed
//! instant; `merge` adds the shards back exactly. Latency travels as an HdrHistogram (V2 +
//! DEFLATE, base64: microseconds, 3 significant digits, so any percentile is within 0.1% of a
//! recorded value), because percentiles cannot be merged and histograms can; the exact
//! maximum travels beside it so a merged percentile never exceeds the real maximum. Every
//! issued apiInvokerId travels too: the core's uniqueness claim must survive distribution.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use base64::Engine;
use hdrhistogram::serialization::{Deserializer, Serializer, V2DeflateSerializer};
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::{LoadReport, Percentiles, DUPLICATE_ID};

/// Microseconds: 1 µs to one hour, 3 significant digits; fixed bounds (no auto-resize), so
/// two histograms of the same samples are byte-equal once encoded.
pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

/// V2 + DEFLATE, base64 (standard alphabet, padded).
pub fn encode(h: &Histogram<u64>) -> String {
    let mut bytes = Vec::new();
    V2DeflateSerializer::new()
        .serialize(h, &mut bytes)
        .expect("serializing to memory cannot fail");
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The histogram `text` encodes.
pub fn decode(text: &str) -> Result<Histogram<u64>, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| format!("latency_histogram is not base64: {e}"))?;
    let h: Histogram<u64> = Deserializer::new()
        .deserialize(&mut std::io::Cursor::new(bytes))
        .map_err(|e| format!("latency_histogram is not an HdrHistogram V2 encoding: {e:?}"))?;
    // Re-bound to the fixed shape, so adding never resizes and encodings stay comparable.
    let mut fixed = new_histogram();
    fixed
        .add(&h)
        .map_err(|e| format!("latency_histogram out of range: {e:?}"))?;
    Ok(fixed)
}

/// Percentiles (ms) read from `h`, each capped at the exact maximum `max_us`: a bucket's
/// upper edge must never make p99 exceed the largest latency seen.
pub fn percentiles(h: &Histogram<u64>, max_us: u64) -> Percentiles {
    if h.is_empty() {
        return Percentiles::default();
    }
    let at = |q: f64| h.value_at_quantile(q).min(max_us) as f64 / 1000.0;
    Percentiles {
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
        max: max_us as f64 / 1000.0,
    }
}

/// `I/N`: shard I (0-based) of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Shard {
    /// 0-based.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

impl Shard {
    /// Parse `I/N` (0 ≤ I < N).
    pub fn parse(s: &str) -> Result<Self, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("--shard {s:?}: give I/N, e.g. 0/3 (0-based)"))?;
        let (index, count) = match (i.trim().parse::<usize>(), n.trim().parse::<usize>()) {
            (Ok(i), Ok(n)) => (i, n),
            _ => {
                return Err(format!(
                    "--shard {s:?}: I and N are whole numbers, e.g. 0/3"
                ))
            }
        };
        if count == 0 || index >= count {
            return Err(format!(
                "--shard {s:?}: I runs from 0 to N-1 (Slurm: --shard $SLURM_ARRAY_TASK_ID/N with --array=0-(N-1))"
            ));
        }
        Ok(Self { index, count })
    }

    /// The sessions (global indices) this shard runs out of `total`.
    pub fn range(&self, total: usize) -> Range<usize> {
        let (base, extra) = (total / self.count, total % self.count);
        let start = self.index * base + self.index.min(extra);
        let len = base + usize::from(self.index < extra);
        start..start + len
    }
}

/// What a shard's load.json adds to the load report, for the merge.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ShardInfo {
    /// Which shard.
    #[serde(flatten)]
    pub shard: Shard,
    /// The first global session index it ran.
    pub first_session: usize,
    /// The sessions of all shards together.
    pub sessions_total: usize,
}

/// Merge shard reports: counts summed, histograms added, ids checked across shards,
/// throughput over the union of the shards' windows. Refuses an incomplete or inconsistent
/// set (each error names the shard and what to do).
pub fn merge(shards: &[LoadReport]) -> Result<LoadReport, String> {
    let first = shards.first().ok_or("no load.json to merge")?;
    let info = |r: &LoadReport| {
        r.shard.clone().ok_or_else(|| {
            format!(
                "a load report of {} without \"shard\": run each shard with --shard I/N",
                r.target
            )
        })
    };
    let i0 = info(first)?;
    let mut by_index: BTreeMap<usize, &LoadReport> = BTreeMap::new();
    for r in shards {
        let i = info(r)?;
        if (i.shard.count, i.sessions_total) != (i0.shard.count, i0.sessions_total) {
            return Err(format!(
                "mixed runs: one shard is of {}/{} sessions, another of {}/{}; merge the shards of one load",
                i0.shard.count, i0.sessions_total, i.shard.count, i.sessions_total
            ));
        }
        if r.tool_version != first.tool_version || r.target != first.target {
            return Err(format!(
                "mixed runs: shards of {} ({}) and {} ({}); merge the shards of one load",
                first.target, first.tool_version, r.target, r.tool_version
            ));
        }
        if by_index.insert(i.shard.index, r).is_some() {
            return Err(format!(
                "shard {}/{} twice; keep one run of each shard",
                i.shard.index, i.shard.count
            ));
        }
    }
    let missing: Vec<String> = (0..i0.shard.count)
        .filter(|i| !by_index.contains_key(i))
        .map(|i| format!("{i}/{}", i0.shard.count))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "missing shard(s) {}: a load with a missing shard is not the load asked for; rerun them",
            missing.join(", ")
        ));
    }
    let mut histogram = new_histogram();
    let mut failures: BTreeMap<String, usize> = BTreeMap::new();
    let mut examples = BTreeMap::new();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let (mut sessions, mut clean, mut max_us) = (0, 0, 0);
    let (mut start, mut end) = (u64::MAX, 0);
    for r in by_index.values() {
        histogram
            .add(decode(&r.latency_histogram)?)
            .map_err(|e| format!("{e:?}"))?;
        let shard_dups: usize = r.duplicate_ids.values().map(|n| n - 1).sum();
        sessions += r.sessions;
        clean += r.succeeded + shard_dups;
        max_us = max_us.max(r.latency_max_us);
        start = start.min(r.started_unix_ms);
        end = end.max(r.ended_unix_ms);
        for (k, n) in &r.failures {
            // Duplicates are counted again below, across every shard.
            if k != DUPLICATE_ID {
                *failures.entry(k.clone()).or_insert(0) += n;
            }
        }
        for (k, v) in &r.examples {
            examples.entry(k.clone()).or_insert_with(|| v.clone());
        }
        for id in &r.ids {
            *ids.entry(id.as_str()).or_insert(0) += 1;
        }
    }
    let duplicate_ids: BTreeMap<String, usize> = ids
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(id, n)| (id.to_string(), n))
        .collect();
    let dup_sessions: usize = duplicate_ids.values().map(|n| n - 1).sum();
    examples.remove(DUPLICATE_ID);
    if dup_sessions > 0 {
        failures.insert(DUPLICATE_ID.into(), dup_sessions);
        examples.insert(
            DUPLICATE_ID.into(),
            format!(
                "{} apiInvokerId(s) were handed out more than once across the shards",
                duplicate_ids.len()
            ),
        );
    }
    let window_ms = end.saturating_sub(start);
    Ok(LoadReport {
        tool_version: first.tool_version.clone(),
        target: first.target.clone(),
        sessions,
        concurrency: by_index.values().map(|r| r.concurrency).sum(),
        succeeded: clean.saturating_sub(dup_sessions),
        failures,
        duplicate_ids,
        elapsed_ms: window_ms,
        sessions_per_second: sessions as f64 / (window_ms as f64 / 1000.0).max(1e-9),
        latency_ms: percentiles(&histogram, max_us),
        examples,
        shard: None,
        shards_merged: Some(i0.shard.count),
        started_unix_ms: start,
        ended_unix_ms: end,
        latency_max_us: max_us,
        latency_histogram: encode(&histogram),
        ids: by_index.values().flat_map(|r| r.ids.clone()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn shard_report(index: usize, count: usize, ids: &[&str], latencies_us: &[u64]) -> LoadReport {
        let mut h = new_histogram();
        latencies_us.iter().for_each(|l| h.record(*l).unwrap());
        LoadReport {
            tool_version: "t".into(),
            target: "https://core.example/".into(),
            sessions: ids.len(),
            concurrency: 2,
            succeeded: ids.len(),
            failures: BTreeMap::new(),
            duplicate_ids: BTreeMap::new(),
            elapsed_ms: 1000,
            sessions_per_second: 0.0,
            latency_ms: Percentiles::default(),
            examples: BTreeMap::new(),
            shard: Some(ShardInfo {
                shard: Shard { index, count },
                first_session: 0,
                sessions_total: 6,
            }),
            shards_merged: None,
            started_unix_ms: 10_000 + index as u64 * 100,
            ended_unix_ms: 11_000 + index as u64 * 500,
            latency_max_us: *latencies_us.iter().max().unwrap(),
            latency_histogram: encode(&h),
            ids: ids.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn an_id_issued_by_two_shards_is_a_duplicate_of_the_merged_load() {
        let a = shard_report(0, 2, &["a", "b", "c"], &[1000, 2000, 3000]);
        let b = shard_report(1, 2, &["d", "b", "e"], &[1500, 2500, 9000]);
        let m = merge(&[b.clone(), a.clone()]).unwrap();
        assert_eq!(m.sessions, 6);
        assert_eq!(m.duplicate_ids, BTreeMap::from([("b".to_string(), 2)]));
        assert_eq!(m.failures.get(DUPLICATE_ID), Some(&1));
        assert_eq!(m.succeeded, 5);
        assert_eq!(m.shards_merged, Some(2));
        // Throughput over the union of the windows: 10 000 .. 11 500 ms.
        assert_eq!(m.elapsed_ms, 1500);
        assert!((m.sessions_per_second - 4.0).abs() < 1e-9);
        assert_eq!(m.latency_ms.max, 9.0);
        assert!(m.latency_ms.p99 <= 9.0);
        // Incomplete, duplicated and mixed sets are refused.
        assert!(merge(std::slice::from_ref(&a))
            .unwrap_err()
            .contains("missing shard(s) 1/2"));
        assert!(merge(&[a.clone(), a.clone()])
            .unwrap_err()
            .contains("twice"));
        let mut other = b.clone();
        other.target = "https://other.example/".into();
        assert!(merge(&[a.clone(), other])
            .unwrap_err()
            .contains("mixed runs"));
        let mut plain = b;
        plain.shard = None;
        assert!(merge(&[a, plain]).unwrap_err().contains("--shard"));
    }

    #[test]
    fn shard_parsing_names_the_fix() {
        assert_eq!(Shard::parse("2/3"), Ok(Shard { index: 2, count: 3 }));
        for bad in ["3/3", "1", "a/3", "0/0", "-1/3"] {
            let e = Shard::parse(bad).unwrap_err();
            assert!(e.contains("--shard"), "{bad}: {e}");
        }
    }

    proptest! {
        /// The shards' ranges partition 0..total: disjoint, covering, sizes within one.
        #[test]
        fn shards_partition_the_sessions(total in 0usize..5000, count in 1usize..64) {
            let ranges: Vec<_> = (0..count).map(|index| Shard { index, count }.range(total)).collect();
            let mut next = 0;
            for r in &ranges {
                prop_assert_eq!(r.start, next);
                next = r.end;
            }
            prop_assert_eq!(next, total);
            let sizes: Vec<usize> = ranges.iter().map(|r| r.len()).collect();
            prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
        }

        /// Adding the K shards' decoded histograms gives, byte for byte, the encoding of the
        /// histogram of all samples.
        #[test]
        fn merged_histograms_equal_the_histogram_of_all_samples(
            samples in proptest::collection::vec(1u64..600_000_000, 1..400),
            k in 1usize..6,
        ) {
            let mut all = new_histogram();
            let mut parts: Vec<Histogram<u64>> = (0..k).map(|_| new_histogram()).collect();
            for (i, s) in samples.iter().enumerate() {
                all.record(*s).unwrap();
                parts[i % k].record(*s).unwrap();
            }
            let mut merged = new_histogram();
            for p in &parts {
                merged.add(decode(&encode(p)).unwrap()).unwrap();
            }
            prop_assert_eq!(encode(&merged), encode(&all));
            // A percentile is within the precision of a recorded value and never above the max.
            let max = *samples.iter().max().unwrap();
            let p = percentiles(&merged, max);
            prop_assert!(p.p99 <= p.max);
            prop_assert_eq!(p.max, max as f64 / 1000.0);
            let mut sorted = samples.clone();
            sorted.sort_unstable();
            let rank = ((0.5 * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
            let exact = sorted[rank - 1] as f64;
            prop_assert!((p.p50 * 1000.0 - exact).abs() <= exact * 0.001 + 1.0, "{} vs {}", p.p50 * 1000.0, exact);
        }
    }
}
