//! The feature files, embedded in the binary so `capif-conformance run` works from anywhere;
//! the same files in `features/` are what a person reads and edits.

use cucumber::gherkin;

/// (path, text) of every feature file.
pub static FEATURES: &[(&str, &str)] = &[
    (
        "features/core/secure_connection.feature",
        include_str!("../../features/core/secure_connection.feature"),
    ),
    (
        "features/core/credential.feature",
        include_str!("../../features/core/credential.feature"),
    ),
    (
        "features/core/request_validation.feature",
        include_str!("../../features/core/request_validation.feature"),
    ),
    (
        "features/core/onboarding_response.feature",
        include_str!("../../features/core/onboarding_response.feature"),
    ),
    (
        "features/core/async_onboarding.feature",
        include_str!("../../features/core/async_onboarding.feature"),
    ),
    (
        "features/core/teardown.feature",
        include_str!("../../features/core/teardown.feature"),
    ),
    (
        "features/core/offboarding.feature",
        include_str!("../../features/core/offboarding.feature"),
    ),
    (
        "features/invoker/secure_connection.feature",
        include_str!("../../features/invoker/secure_connection.feature"),
    ),
    (
        "features/invoker/request.feature",
        include_str!("../../features/invoker/request.feature"),
    ),
    (
        "features/invoker/onboarding_response.feature",
        include_str!("../../features/invoker/onboarding_response.feature"),
    ),
    (
        "features/invoker/async_onboarding.feature",
        include_str!("../../features/invoker/async_onboarding.feature"),
    ),
    (
        "features/invoker/teardown.feature",
        include_str!("../../features/invoker/teardown.feature"),
    ),
    (
        "features/invoker/offboarding.feature",
        include_str!("../../features/invoker/offboarding.feature"),
    ),
    (
        "features/invoker/enrolment.feature",
        include_str!("../../features/invoker/enrolment.feature"),
    ),
    (
        "features/pair/interop.feature",
        include_str!("../../features/pair/interop.feature"),
    ),
];

/// Parse every embedded feature, each scenario tagged with its test purpose's facts from the
/// catalogue (written there once, never in the feature files): `@sut:<role>`,
/// `@branch:<name>`, `@severity:<level>` and `@req:<id>` per requirement cited, so `--tags`
/// can select by them.
pub fn parse_features() -> Result<Vec<gherkin::Feature>, String> {
    FEATURES
        .iter()
        .map(|(path, text)| {
            let mut f = gherkin::Feature::parse(text, gherkin::GherkinEnv::default())
                .map_err(|e| format!("{path}: {e}"))?;
            f.path = Some(path.into());
            for sc in &mut f.scenarios {
                if let Some(tp) = sc.tags.iter().find_map(|t| crate::catalogue::find(t)) {
                    sc.tags.extend(catalogue_tags(tp));
                }
            }
            Ok(f)
        })
        .collect()
}

/// The tags a scenario gets from its test purpose's catalogue entry.
fn catalogue_tags(tp: &crate::catalogue::TestPurpose) -> Vec<String> {
    let mut tags = vec![
        format!("sut:{}", tp.sut.name()),
        format!("branch:{}", tp.branch.tag()),
        format!("severity:{}", tp.severity().tag()),
    ];
    tags.extend(tp.requirements.iter().map(|id| format!("req:{id}")));
    tags
}

/// Where the scenario of test purpose `id` is: `features/...feature:LINE`.
pub fn scenario_location(id: &str) -> Option<String> {
    parse_features().ok()?.into_iter().find_map(|f| {
        let sc = f
            .scenarios
            .iter()
            .find(|sc| sc.tags.iter().any(|t| t == id))?;
        Some(format!(
            "{}:{}",
            f.path.as_ref()?.display(),
            sc.position.line
        ))
    })
}

/// A scenario step and where the step function that runs it is, as cucumber itself matches
/// it (`src/...rs:LINE`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ResolvedStep {
    /// The step as the feature file writes it, with its keyword.
    pub step: String,
    /// Where its step function is; None when no step function matches (or several do).
    pub defined_at: Option<String>,
}

/// The steps of the scenario of test purpose `id`, each with the step function that runs it.
pub fn scenario_steps(id: &str) -> Vec<ResolvedStep> {
    use cucumber::World as _;
    let Ok(features) = parse_features() else {
        return Vec::new();
    };
    let Some(scenario) = features
        .iter()
        .flat_map(|f| f.scenarios.iter())
        .find(|sc| sc.tags.iter().any(|t| t == id))
    else {
        return Vec::new();
    };
    let steps = super::SuiteWorld::collection();
    scenario
        .steps
        .iter()
        .map(|st| ResolvedStep {
            step: format!("{}{}", st.keyword, st.value),
            defined_at: match steps.find(st) {
                Ok(Some((_, _, Some(at), _))) => Some(format!("{}:{}", at.path, at.line)),
                _ => None,
            },
        })
        .collect()
}

/// A cucumber parser over already-parsed features.
pub struct Preparsed(pub Vec<gherkin::Feature>);

impl<I> cucumber::Parser<I> for Preparsed {
    type Cli = cucumber::cli::Empty;
    type Output =
        futures::stream::Iter<std::vec::IntoIter<cucumber::parser::Result<gherkin::Feature>>>;

    fn parse(self, _input: I, _cli: Self::Cli) -> Self::Output {
        futures::stream::iter(self.0.into_iter().map(Ok).collect::<Vec<_>>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue;

    #[test]
    fn every_feature_file_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut on_disk = Vec::new();
        for dir in ["features/core", "features/invoker", "features/pair"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for e in entries {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                if name.ends_with(".feature") {
                    on_disk.push(format!("{dir}/{name}"));
                }
            }
        }
        on_disk.sort();
        let mut embedded: Vec<String> = FEATURES.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn scenarios_and_catalogue_match_one_to_one() {
        // The facts of a test purpose are the catalogue's, never written in a feature file.
        for (path, text) in FEATURES {
            for fact in ["@sut:", "@branch:", "@severity:", "@req:"] {
                assert!(
                    !text.contains(fact),
                    "{path} writes a {fact} tag: it comes from the catalogue"
                );
            }
        }
        let features = parse_features().unwrap();
        let mut seen = std::collections::HashMap::new();
        for f in &features {
            for sc in &f.scenarios {
                let ids: Vec<&String> = sc
                    .tags
                    .iter()
                    .filter(|t| {
                        t.starts_with("CCF-") || t.starts_with("INV-") || t.starts_with("IOP-")
                    })
                    .collect();
                assert_eq!(
                    ids.len(),
                    1,
                    "scenario {:?} needs exactly one id tag",
                    sc.name
                );
                let tp = catalogue::find(ids[0])
                    .unwrap_or_else(|| panic!("{} not in the catalogue", ids[0]));
                assert!(
                    sc.name.starts_with(tp.id),
                    "scenario name {:?} must start with its id",
                    sc.name
                );
                assert_eq!(
                    &sc.tags[sc.tags.len() - catalogue_tags(tp).len()..],
                    catalogue_tags(tp).as_slice(),
                    "{}: the catalogue's tags",
                    tp.id
                );
                assert!(
                    seen.insert(tp.id, f.path.clone()).is_none(),
                    "{} twice",
                    tp.id
                );
            }
        }
        for tp in catalogue::all() {
            assert!(seen.contains_key(tp.id), "{} has no scenario", tp.id);
        }
    }

    /// A test purpose's title is written once, in the catalogue: each scenario is named
    /// "{id} {title}" (UPDATE_FEATURES=1 rewrites the Scenario lines from the catalogue).
    #[test]
    fn scenario_names_are_the_catalogue_titles() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut differ = Vec::new();
        for (path, _) in FEATURES {
            let file = root.join(path);
            let text = std::fs::read_to_string(&file).unwrap();
            let mut changed = false;
            let lines: Vec<String> = text
                .lines()
                .map(|line| {
                    let Some(rest) = line.trim_start().strip_prefix("Scenario: ") else {
                        return line.to_string();
                    };
                    let id = rest.split(' ').next().unwrap_or_default();
                    let Some(tp) = catalogue::find(id) else {
                        return line.to_string();
                    };
                    let want = format!("  Scenario: {} — {}", tp.id, tp.title);
                    if line != want {
                        changed = true;
                        differ.push(format!("{path}: {id}: {rest:?}"));
                    }
                    want
                })
                .collect();
            if changed && std::env::var_os("UPDATE_FEATURES").is_some() {
                std::fs::write(&file, lines.join("\n") + "\n").unwrap();
            }
        }
        if std::env::var_os("UPDATE_FEATURES").is_some() {
            return;
        }
        assert!(
            differ.is_empty(),
            "{} scenario names are not \"ID — catalogue title\" (UPDATE_FEATURES=1 cargo test --lib scenario_names):\n{}",
            differ.len(),
            differ.join("\n")
        );
    }

    /// A feature quotes a requirement only as `[id] text`, and the text is the file's, to the
    /// letter; no other line of a description carries a long quotation that could drift.
    #[test]
    fn quotes_in_features_are_the_requirement_texts() {
        for f in parse_features().unwrap() {
            let path = f.path.as_ref().unwrap().display().to_string();
            let description = f.description.clone().unwrap_or_default();
            let mut quoted = 0;
            for line in description.lines().map(str::trim) {
                if let Some(rest) = line.strip_prefix('[') {
                    let (id, text) = rest
                        .split_once("] ")
                        .unwrap_or_else(|| panic!("{path}: {line:?} is not `[id] text`"));
                    let r = crate::catalogue::requirements::get(id)
                        .unwrap_or_else(|| panic!("{path}: unknown requirement {id}"));
                    assert_eq!(text, r.text, "{path}: [{id}] differs from the file");
                    quoted += 1;
                    continue;
                }
                let mut parts = line.split('"');
                parts.next();
                while let Some(inside) = parts.next() {
                    assert!(
                        inside.len() < 40,
                        "{path}: quote {inside:?} outside a [requirement id] line"
                    );
                    parts.next();
                }
            }
            assert!(quoted > 0, "{path} quotes no requirement");
            // Every requirement a scenario cites is quoted in its feature.
            for sc in &f.scenarios {
                for id in sc.tags.iter().filter_map(|t| t.strip_prefix("req:")) {
                    assert!(
                        description.contains(&format!("[{id}] ")),
                        "{path}: {id} cited by {:?} but not quoted",
                        sc.name
                    );
                }
            }
        }
    }

    #[test]
    fn features_use_the_published_names() {
        for (path, text) in FEATURES {
            assert!(
                !text.contains("Annex X") && !text.contains("X.1-1"),
                "{path}: cite TS 33.122 Annex B.1 / Figure B.1-1"
            );
        }
    }

    #[test]
    fn tag_expressions_accept_our_tags() {
        use cucumber::tag::Ext;
        let op: gherkin::tagexpr::TagOperation =
            "@branch:teardown and not @CCF-TD-03".parse().unwrap();
        assert!(op.eval(["branch:teardown", "CCF-TD-01"]));
        assert!(!op.eval(["branch:teardown", "CCF-TD-03"]));
    }

    /// The repository's text of `path` (tests only: the binary embeds no source file).
    fn source(path: &str) -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn every_step_of_every_scenario_runs_exactly_one_step_function() {
        use cucumber::World as _;
        let steps = crate::suite::SuiteWorld::collection();
        for f in parse_features().unwrap() {
            for sc in &f.scenarios {
                for st in &sc.steps {
                    match steps.find(st) {
                        Ok(Some((_, _, Some(_), _))) => {}
                        Ok(Some(_)) => panic!("{}: {:?} has no location", sc.name, st.value),
                        Ok(None) => panic!("{}: no step function for {:?}", sc.name, st.value),
                        Err(e) => panic!("{}: {:?} matches several: {e}", sc.name, st.value),
                    }
                }
            }
        }
    }

    /// The first step of a scenario stops one decided before it started (not applicable by
    /// configuration, an interrupted run): its step function begins with `w.begin()?`.
    #[test]
    fn every_scenario_begins_with_a_step_that_stops_a_decided_one() {
        for tp in catalogue::all() {
            let steps = scenario_steps(tp.id);
            let first = steps[0].defined_at.as_deref().unwrap();
            let (path, line) = first.rsplit_once(':').unwrap();
            let line: usize = line.parse().unwrap();
            let text = source(path);
            let body: Vec<&str> = text.lines().skip(line).take(3).collect();
            assert!(
                body.iter().any(|l| l.trim() == "w.begin()?;"),
                "{}: its first step ({first}) does not call w.begin()",
                tp.id
            );
        }
    }

    /// What `list ID` says judges a test purpose is true: every check is a function of the
    /// file it names, and the steps of the scenario's branch or the World call it.
    #[test]
    fn every_test_purpose_names_the_checks_that_judge_it() {
        let callers: String = crate::layout::rust_files(&["src/suite"])
            .into_iter()
            .map(|(_, text)| text)
            .collect();
        for tp in catalogue::all() {
            assert!(!tp.judged_by.is_empty(), "{}: judged by no check", tp.id);
            for path in tp.judged_by {
                let (file, function) = catalogue::TestPurpose::check_location(path);
                assert!(
                    source(&file).contains(&format!("pub fn {function}(")),
                    "{}: {path} is not `pub fn {function}` in {file}",
                    tp.id
                );
                // Steps call a check by the path the catalogue names, so its home is read at
                // the call site.
                let called = path;
                assert!(
                    callers.contains(&format!("{called}("))
                        || callers.contains(&format!("{called})")),
                    "{}: nothing in src/suite calls {called}",
                    tp.id
                );
            }
        }
    }
}
