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
