//! Where each scenario step is defined and which checks it calls, read from the step sources
//! embedded in the binary, so `list --format json` takes a newcomer from a test purpose id to
//! the Rust that judges it. Derived from the code, never a hand-kept table that can drift.

use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

/// (path, text) of every step-definition file.
static STEP_SOURCES: &[(&str, &str)] = &[
    (
        "src/suite/steps/invoker_offboarding.rs",
        include_str!("steps/invoker_offboarding.rs"),
    ),
    (
        "src/suite/steps/core_offboarding.rs",
        include_str!("steps/core_offboarding.rs"),
    ),
    (
        "src/suite/steps/core_actions.rs",
        include_str!("steps/core_actions.rs"),
    ),
    (
        "src/suite/steps/core_credential.rs",
        include_str!("steps/core_credential.rs"),
    ),
    ("src/suite/steps/fuzz.rs", include_str!("steps/fuzz.rs")),
    (
        "src/suite/steps/core_request.rs",
        include_str!("steps/core_request.rs"),
    ),
    (
        "src/suite/steps/core_response.rs",
        include_str!("steps/core_response.rs"),
    ),
    (
        "src/suite/steps/core_teardown.rs",
        include_str!("steps/core_teardown.rs"),
    ),
    (
        "src/suite/steps/core_tls.rs",
        include_str!("steps/core_tls.rs"),
    ),
    (
        "src/suite/steps/invoker.rs",
        include_str!("steps/invoker.rs"),
    ),
    ("src/suite/steps/pair.rs", include_str!("steps/pair.rs")),
];

/// (path, text) of the World's operations, which steps call and which may call checks.
static WORLD_SOURCES: &[&str] = &[
    include_str!("world/mod.rs"),
    include_str!("world/core_ops.rs"),
    include_str!("world/credential_ops.rs"),
    include_str!("world/invoker_ops.rs"),
    include_str!("world/offboarding_ops.rs"),
    include_str!("world/response_ops.rs"),
    include_str!("world/teardown_ops.rs"),
];

/// (path, text) of the check modules a step's `checks::name(` resolves into.
static CHECK_SOURCES: &[(&str, &str)] = &[
    (
        "src/checks/invoker_async.rs",
        include_str!("../checks/invoker_async.rs"),
    ),
    (
        "src/checks/invoker_offboarding.rs",
        include_str!("../checks/invoker_offboarding.rs"),
    ),
    (
        "src/checks/offboarding.rs",
        include_str!("../checks/offboarding.rs"),
    ),
    ("src/checks/core.rs", include_str!("../checks/core.rs")),
    (
        "src/checks/core_async.rs",
        include_str!("../checks/core_async.rs"),
    ),
    (
        "src/checks/invoker.rs",
        include_str!("../checks/invoker.rs"),
    ),
    ("src/checks/pair.rs", include_str!("../checks/pair.rs")),
    // The campaign's verdicts (CCF-FUZZ-01..05): pure, beside the campaign they judge.
    ("src/fuzz/mod.rs", include_str!("../fuzz/mod.rs")),
    ("src/fuzz/invoker.rs", include_str!("../fuzz/invoker.rs")),
];

/// One `#[given]`/`#[when]`/`#[then]` step definition.
#[derive(Debug)]
struct StepDef {
    /// given / when / then.
    kind: &'static str,
    /// The step text the definition matches, anchored.
    pattern: Regex,
    /// `path:line name` of the step function.
    defined_at: String,
    /// `path:line name` of each check function it calls, in call order.
    checks: Vec<String>,
}

/// A scenario step resolved to its definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolvedStep {
    /// As written in the feature ("Then the core answers 201 Created").
    pub step: String,
    /// `path:line name` of the step function; absent when no definition matches.
    pub defined_at: Option<String>,
    /// `path:line name` of the checks it calls (empty for Given/When steps).
    pub checks: Vec<String>,
}

fn step_defs() -> &'static [StepDef] {
    static DEFS: OnceLock<Vec<StepDef>> = OnceLock::new();
    DEFS.get_or_init(|| {
        let world: Vec<(String, String)> = WORLD_SOURCES
            .iter()
            .flat_map(|text| functions(&text.lines().collect::<Vec<_>>()))
            .collect();
        STEP_SOURCES
            .iter()
            .flat_map(|(path, text)| parse_step_file(path, text, &world))
            .collect()
    })
}

/// Read the step definitions of one file: the attribute, the `async fn` after it, and the
/// `checks::` calls in its body (up to the next attribute at the start of a line), also
/// through the file's own helpers and the World's operations (`world`).
fn parse_step_file(path: &str, text: &str, world: &[(String, String)]) -> Vec<StepDef> {
    let lines: Vec<&str> = text.lines().collect();
    let mut helpers = functions(&lines);
    helpers.extend_from_slice(world);
    let mut defs = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(kind) = ["given", "when", "then"].into_iter().find(|k| {
            let l = lines[i]
                .trim_start_matches("#[")
                .trim_start_matches("cucumber::");
            lines[i].starts_with("#[") && l.starts_with(&format!("{k}("))
        }) else {
            i += 1;
            continue;
        };
        let mut attribute = String::new();
        while i < lines.len() {
            attribute.push_str(lines[i].trim());
            i += 1;
            if attribute.ends_with(")]") {
                break;
            }
        }
        let Some(fn_line) = (i..lines.len()).find(|&j| lines[j].contains("fn ")) else {
            break;
        };
        let name = lines[fn_line]
            .split("fn ")
            .nth(1)
            .and_then(|rest| rest.split('(').next())
            .unwrap_or("?")
            .to_string();
        let end = (fn_line + 1..lines.len())
            .find(|&j| lines[j].starts_with("#["))
            .unwrap_or(lines.len());
        let checks = checks_called(&lines[fn_line..end].join("\n"), &helpers);
        if let Some(pattern) = pattern_of(&attribute) {
            defs.push(StepDef {
                kind,
                pattern,
                defined_at: format!("{path}:{} {name}", fn_line + 1),
                checks,
            });
        }
        i = end;
    }
    defs
}

/// The anchored regex of a step attribute: `regex = r"..."`, `expr = "..."` (a cucumber
/// expression; only the `{word}`, `{int}`, `{string}` parameters are used here) or a literal.
fn pattern_of(attribute: &str) -> Option<Regex> {
    if let Some(rest) = attribute.split("regex = r\"").nth(1) {
        return Regex::new(rest.rsplit_once('"')?.0).ok();
    }
    let (is_expr, rest) = match attribute.split("expr = \"").nth(1) {
        Some(rest) => (true, rest),
        None => (false, attribute.split_once('"')?.1),
    };
    let text = rest.rsplit_once('"')?.0;
    let mut re = regex::escape(text);
    if is_expr {
        re = re
            .replace(r"\{word\}", r"\S+")
            .replace(r"\{int\}", r"-?\d+")
            .replace(r"\{string\}", r#""[^"]*""#);
    }
    Regex::new(&format!("^{re}$")).ok()
}

/// (name, body) of every function in a file: from its `fn` line to the `}` at its indentation.
fn functions(lines: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let Some(rest) = ["fn ", "pub fn ", "pub(crate) fn ", "async fn "]
            .into_iter()
            .find_map(|p| trimmed.strip_prefix(p))
        else {
            continue;
        };
        let name = rest.split(['(', '<']).next().unwrap_or("").to_string();
        let indent = &line[..line.len() - trimmed.len()];
        let close = format!("{indent}}}");
        let end = (i + 1..lines.len())
            .find(|&j| lines[j] == close)
            .unwrap_or(lines.len());
        out.push((name, lines[i..end].join("\n")));
    }
    out
}

/// `path:line name` of every `checks::name` call (or function passed) in `body`, resolved in the check modules,
/// also through the helper functions of the same file it calls (a step that judges through
/// `judge_teardown(...)` or `w.teardown_precondition()`).
fn checks_called(body: &str, helpers: &[(String, String)]) -> Vec<String> {
    static CALL: OnceLock<Regex> = OnceLock::new();
    let call = CALL.get_or_init(|| {
        Regex::new(r"(checks|fuzz|invoker)::([a-z_0-9]+)(?:[^:a-z_0-9]|$)").expect("valid regex")
    });
    let mut out: Vec<String> = Vec::new();
    let mut bodies = vec![body.to_string()];
    let mut visited: Vec<&str> = Vec::new();
    while let Some(b) = bodies.pop() {
        for (module, name) in call
            .captures_iter(&b)
            .map(|c| (c[1].to_string(), c[2].to_string()))
        {
            let Some(at) = check_location(&module, &name) else {
                continue;
            };
            if !out.contains(&at) {
                out.push(at);
            }
        }
        for (name, helper) in helpers {
            let called = b.contains(&format!(" {name}(")) || b.contains(&format!(".{name}("));
            if called && !visited.contains(&name.as_str()) && !b.contains(&format!("fn {name}(")) {
                visited.push(name);
                bodies.push(helper.clone());
            }
        }
    }
    out
}

/// `path:line name` of `pub fn name(` in the check modules `module::` names (`checks::`: the
/// check files; `fuzz::` and `invoker::`: the campaigns' verdicts), when it returns a `Check`
/// (helpers such as `describe` are not checks).
fn check_location(module: &str, name: &str) -> Option<String> {
    let needle = format!("pub fn {name}(");
    let home = match module {
        "fuzz" => "src/fuzz/mod.rs",
        "invoker" => "src/fuzz/invoker.rs",
        _ => "src/checks/",
    };
    CHECK_SOURCES
        .iter()
        .filter(|(path, _)| path.starts_with(home))
        .find_map(|(path, text)| {
            let lines: Vec<&str> = text.lines().collect();
            let line = lines.iter().position(|l| l.starts_with(&needle))?;
            let signature: String = lines[line..]
                .iter()
                .take_while(|l| !l.ends_with('{'))
                .chain(lines[line..].iter().find(|l| l.ends_with('{')))
                .copied()
                .collect();
            let returns = signature.rsplit_once("->")?.1;
            returns
                .contains("Check")
                .then(|| format!("{path}:{} {name}", line + 1))
        })
}

/// Resolve the steps of one scenario, as cucumber does: `And`/`But` keep the kind of the step
/// before them.
pub fn resolve(steps: &[cucumber::gherkin::Step]) -> Vec<ResolvedStep> {
    use cucumber::gherkin::StepType;
    steps
        .iter()
        .map(|st| {
            let kind = match st.ty {
                StepType::Given => "given",
                StepType::When => "when",
                StepType::Then => "then",
            };
            let def = step_defs()
                .iter()
                .find(|d| d.kind == kind && d.pattern.is_match(&st.value));
            ResolvedStep {
                step: format!("{}{}", st.keyword, st.value),
                defined_at: def.map(|d| d.defined_at.clone()),
                checks: def.map(|d| d.checks.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::parse_features;

    #[test]
    fn every_step_of_every_scenario_resolves_to_one_definition() {
        for f in parse_features().unwrap() {
            for sc in &f.scenarios {
                for st in &sc.steps {
                    let kind = format!("{:?}", st.ty).to_lowercase();
                    let matching: Vec<&StepDef> = step_defs()
                        .iter()
                        .filter(|d| d.kind == kind && d.pattern.is_match(&st.value))
                        .collect();
                    assert_eq!(
                        matching.len(),
                        1,
                        "{}: step {:?} matches {:?}",
                        sc.name,
                        st.value,
                        matching.iter().map(|d| &d.defined_at).collect::<Vec<_>>()
                    );
                }
            }
        }
    }

    #[test]
    fn every_then_step_of_a_scenario_names_a_check() {
        for f in parse_features().unwrap() {
            for sc in &f.scenarios {
                let resolved = resolve(&sc.steps);
                assert!(
                    resolved.iter().any(|r| !r.checks.is_empty()),
                    "{}: no step calls a check: {resolved:?}",
                    sc.name
                );
            }
        }
    }

    #[test]
    fn every_step_check_and_world_file_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let listed = |dir: &str| -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".rs") && n != "mod.rs" && n != "verdict.rs")
                .map(|n| format!("src/{dir}/{n}"))
                .collect();
            v.sort();
            v
        };
        let sorted = |it: &mut dyn Iterator<Item = String>| {
            let mut v: Vec<String> = it.collect();
            v.sort();
            v
        };
        assert_eq!(
            listed("suite/steps"),
            sorted(&mut STEP_SOURCES.iter().map(|(p, _)| p.to_string()))
        );
        let mut checks = listed("checks");
        checks.push("src/fuzz/mod.rs".into());
        checks.push("src/fuzz/invoker.rs".into());
        checks.sort();
        assert_eq!(
            checks,
            sorted(&mut CHECK_SOURCES.iter().map(|(p, _)| p.to_string()))
        );
        assert_eq!(listed("suite/world").len() + 1, WORLD_SOURCES.len());
    }

    #[test]
    fn a_step_resolves_to_its_function_and_check_line() {
        let text = "#[then(\"the core answers 201 Created\")]\nasync fn created(w: &mut W) {\n    w.check(checks::created(&r, false))\n}\n";
        let defs = parse_step_file("x.rs", text, &[]);
        let helped = "fn judge(w: &mut W) {\n    w.check(checks::rejected(&r))\n}\n\n#[then(\"x\")]\nasync fn x(w: &mut W) {\n    judge(w)\n}\n";
        let via_helper = parse_step_file("y.rs", helped, &[]);
        assert_eq!(via_helper.len(), 1);
        assert!(
            via_helper[0].checks[0].ends_with(" rejected"),
            "{via_helper:?}"
        );
        assert_eq!(defs.len(), 1);
        assert_eq!(defs[0].defined_at, "x.rs:2 created");
        assert!(defs[0].pattern.is_match("the core answers 201 Created"));
        assert!(!defs[0].pattern.is_match("the core answers 201 Created!"));
        let at = &defs[0].checks[0];
        assert!(at.starts_with("src/checks/core.rs:"), "{at}");
        let line: usize = at["src/checks/core.rs:".len()..]
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let src = CHECK_SOURCES
            .iter()
            .find(|(p, _)| *p == "src/checks/core.rs")
            .unwrap()
            .1
            .lines()
            .nth(line - 1)
            .unwrap();
        assert!(src.starts_with("pub fn created("), "{src}");
    }

    #[test]
    fn expressions_become_anchored_patterns() {
        let p = pattern_of("#[when(expr = \"the core answers {int} to a {word} x\")]").unwrap();
        assert!(p.is_match("the core answers 403 to a bad x"));
        assert!(!p.is_match("the core answers many to a bad x"));
        let r = pattern_of("#[then(regex = r\"^offers no (a|b) suite$\")]").unwrap();
        assert!(r.is_match("offers no b suite"));
    }
}
