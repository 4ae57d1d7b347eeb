//! Test support: the layout rules of the code base (issue 26), checked on the source so anyone
//! can repeat them.

/// Every `.rs` file under `src/`, with its text.
fn sources() -> Vec<(std::path::PathBuf, String)> {
    rust_files(&["src"])
}

/// Every `.rs` file under these directories of the repository, with its text.
pub(crate) fn rust_files(under: &[&str]) -> Vec<(std::path::PathBuf, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut dirs: Vec<std::path::PathBuf> = under.iter().map(|d| root.join(d)).collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    out
}

/// A re-export names what it re-exports: `pub use module::*` hides where a name lives from
/// whoever reads its call site.
#[test]
fn re_exports_name_their_items() {
    let globs: Vec<String> = sources()
        .iter()
        .flat_map(|(path, text)| {
            text.lines()
                .filter(|l| {
                    let l = l.trim_start();
                    l.starts_with("pub use ") && l.trim_end().ends_with("::*;")
                })
                .map(move |l| format!("{}: {l}", path.display()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(globs.is_empty(), "glob re-exports: {globs:#?}");
}

/// The library's modules, bottom up (`src/lib.rs` says what each layer is for). A module may
/// use only modules before it: the data flows one way, from the wire up to the reports.
pub(crate) const LAYERS: &[&str] = &[
    "fsutil",
    "model",
    "adapter_contract",
    "catalogue",
    "exit_codes",
    "pki",
    "net",
    "evidence",
    "untrusted",
    "peers",
    "sut",
    "checks",
    "fuzz",
    "load",
    "suite",
    "report",
    "run",
    "matrix",
    "schemas",
];

/// The text of `text` the library is built from: its unit tests (from the first
/// `#[cfg(test)]` module on) and comment lines left out.
fn production_code(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let end = lines
        .windows(2)
        .position(|w| {
            let item = w[1].trim_start();
            w[0].trim() == "#[cfg(test)]"
                && (item.starts_with("mod ") || item.starts_with("pub(crate) mod "))
        })
        .unwrap_or(lines.len());
    lines[..end]
        .iter()
        .filter(|l| !l.trim_start().starts_with("//"))
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
}

/// A file of unit tests only (`#[cfg(test)] mod tests;` beside its module).
fn is_test_file(path: &std::path::Path) -> bool {
    path.file_name().is_some_and(|n| n == "tests.rs")
}

/// The top-level module a file under `src/` belongs to (`src/sut/adapter.rs` → `sut`).
fn top_module(path: &std::path::Path) -> String {
    let rel = path
        .strip_prefix(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
        .unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

#[test]
fn every_library_module_has_a_layer() {
    let lib = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs")).unwrap();
    let missing: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';'))
        .filter(|m| !LAYERS.contains(m))
        .collect();
    assert!(
        missing.is_empty(),
        "add these to layout::LAYERS: {missing:?}"
    );
}

/// No module uses one above it (production code only: a test may use anything).
#[test]
fn no_module_imports_from_a_layer_above_it() {
    let uses = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    let mut upward = Vec::new();
    for (path, text) in sources() {
        if is_test_file(&path) {
            continue;
        }
        let module = top_module(&path);
        let Some(at) = LAYERS.iter().position(|m| *m == module) else {
            continue; // lib.rs, main.rs, the CLI and the test-only modules
        };
        for m in uses.captures_iter(&production_code(&text)) {
            let used = &m[1];
            if let Some(level) = LAYERS.iter().position(|l| *l == used) {
                if level > at {
                    upward.push(format!("{} uses crate::{used}", path.display()));
                }
            }
        }
    }
    upward.sort();
    upward.dedup();
    assert!(upward.is_empty(), "imports from a layer above: {upward:#?}");
}

/// Code decides on types, not on the text of an error or a reason: a reworded message must
/// not change a verdict. (Observed bytes, such as a body the system under test sent, may be
/// searched; they are not named like errors.)
#[test]
fn no_decision_searches_an_errors_text() {
    let searched = regex::Regex::new(
        r#"\b(e|err|error|why|reason\(\)|message|to_string\(\)|describe\(\))\s*\.\s*(contains|starts_with|ends_with)\("#,
    )
    .unwrap();
    let found: Vec<String> = sources()
        .iter()
        .flat_map(|(path, text)| {
            let code = if is_test_file(path) {
                String::new()
            } else {
                production_code(text)
            };
            code.lines()
                .filter(|l| searched.is_match(l))
                .map(|l| format!("{}: {}", path.display(), l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(found.is_empty(), "decisions on error text: {found:#?}");
}

/// The stems of the `.rs` files directly under `dir` (`mod.rs` left out) or of its
/// `.feature` files.
fn stems(dir: &str, ext: &str) -> std::collections::BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| {
            let path = e.unwrap().path();
            (path.extension().is_some_and(|x| x == ext) && path.file_stem().unwrap() != "mod")
                .then(|| path.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect()
}

/// One name per branch in every layer: a feature file `features/<role>/<branch>.feature`, its
/// steps `src/suite/steps/<role>/<branch>.rs` and its checks `src/checks/<role>/<branch>.rs`.
/// Whoever knows one can type the path of the others.
#[test]
fn every_branch_has_one_name_in_features_steps_and_checks() {
    for role in ["core", "invoker", "pair"] {
        let features = stems(&format!("features/{role}"), "feature");
        assert!(!features.is_empty(), "no features/{role}");
        assert_eq!(
            stems(&format!("src/suite/steps/{role}"), "rs"),
            features,
            "src/suite/steps/{role}/ and features/{role}/ name different branches"
        );
        assert_eq!(
            stems(&format!("src/checks/{role}"), "rs"),
            features,
            "src/checks/{role}/ and features/{role}/ name different branches"
        );
    }
}

/// A test purpose's deciding check lives in its branch's check file (or, shared by several
/// branches, in its role's `mod.rs`; the fuzz properties in `src/fuzz/`).
#[test]
fn a_test_purpose_is_judged_in_its_branch() {
    for tp in crate::catalogue::all() {
        let scenario = crate::suite::scenario_location(tp.id).unwrap();
        let feature = scenario.split(':').next().unwrap();
        let (role, branch) = feature
            .trim_start_matches("features/")
            .trim_end_matches(".feature")
            .split_once('/')
            .unwrap();
        for path in tp.judged_by {
            let (file, _) = crate::catalogue::TestPurpose::check_location(path);
            assert!(
                file == format!("src/checks/{role}/{branch}.rs")
                    || file == format!("src/checks/{role}/mod.rs")
                    || file.starts_with("src/fuzz/"),
                "{}: its scenario is in {feature}, its check {path} in {file}",
                tp.id
            );
        }
    }
}

/// The longest a source file may be: past it, a reader cannot hold the file, and it has more
/// than one reason to change. Data tables (rows, not logic) may be longer; none is yet.
const MAX_LINES: usize = 700;
const DATA_TABLES: &[&str] = &[];

#[test]
fn no_source_file_is_longer_than_a_reader_can_hold() {
    let long: Vec<String> = sources()
        .iter()
        .filter(|(path, _)| !DATA_TABLES.iter().any(|t| path.ends_with(t)))
        .filter(|(_, text)| text.lines().count() > MAX_LINES)
        .map(|(path, text)| format!("{}: {} lines", path.display(), text.lines().count()))
        .collect();
    assert!(long.is_empty(), "over {MAX_LINES} lines: {long:#?}");
}

/// The binary embeds data (features, schemas, requirement texts), never its own source: what
/// the code says about itself is asked of the code (cucumber's step locations, the catalogue).
#[test]
fn no_source_file_is_embedded() {
    let embeds = regex::Regex::new(r#"include_(str|bytes)!\("([^"]+)"\)"#).unwrap();
    let mut found = Vec::new();
    for (path, text) in sources() {
        for m in embeds.captures_iter(&text) {
            let target = path.parent().unwrap().join(&m[2]);
            let target = target.canonicalize().unwrap_or(target);
            let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
            if target.starts_with(&src) && target.extension().is_some_and(|e| e == "rs") {
                found.push(format!("{} embeds {}", path.display(), &m[2]));
            }
        }
    }
    assert!(found.is_empty(), "source embedded: {found:#?}");
}

/// A test purpose id written outside the catalogue (a blocked-by pointer, a reason naming the
/// test purpose that judges something) is one the catalogue has: renaming or retiring a test
/// purpose cannot leave a pointer to nothing.
#[test]
fn every_test_purpose_id_in_the_code_is_in_the_catalogue() {
    let id = regex::Regex::new(r"\b(CCF|INV|IOP)-[A-Z]+-\d{2}\b").unwrap();
    let mut unknown = Vec::new();
    for (path, text) in sources() {
        for m in id.find_iter(&text) {
            if crate::catalogue::find(m.as_str()).is_none() {
                unknown.push(format!("{}: {}", path.display(), m.as_str()));
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    assert!(
        unknown.is_empty(),
        "ids the catalogue does not have: {unknown:#?}"
    );
}
