//! Test support: the README's generated blocks. A block sits between `<!-- NAME:begin -->` and
//! `<!-- NAME:end -->` and holds what a catalogue says (severities, faults, variants); the test
//! that owns it fails when the README differs, and `UPDATE_README=1` rewrites it instead.

/// Assert that README block `name` is `want`, or rewrite it under `UPDATE_README=1`; `rerun`
/// is the command that regenerates it, for the failure message.
pub(crate) fn generated_block(name: &str, want: &str, rerun: &str) {
    let (begin, end) = (
        format!("<!-- {name}:begin -->\n"),
        format!("<!-- {name}:end -->"),
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (Some(a), Some(b)) = (readme.find(&begin), readme.find(&end)) else {
        panic!("README.md has no {begin:?} … {end:?} block");
    };
    let current = &readme[a + begin.len()..b];
    if current == want {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{want}{}", &readme[..a + begin.len()], &readme[b..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    let first = current
        .lines()
        .zip(want.lines())
        .find(|(a, b)| a != b)
        .map(|(a, b)| format!("README: {a}\ngenerated: {b}"))
        .unwrap_or_else(|| "one has more rows".into());
    panic!("README.md's {name} block differs from what generates it (UPDATE_README=1 {rerun}):\n{first}");
}

/// The README's table of the tests `cargo test` skips lists every `#[ignore]`d test of the
/// repository, once, and the sentence above it counts them right.
#[test]
fn readme_lists_every_skipped_test() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut skipped = Vec::new();
    for (_, text) in crate::layout::rust_files(&["src", "tests"]) {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !line.trim_start().starts_with("#[ignore") {
                continue;
            }
            let name = lines[i..]
                .iter()
                .find_map(|l| l.split("fn ").nth(1))
                .and_then(|rest| rest.split('(').next())
                .unwrap_or_default();
            skipped.push(name.to_string());
        }
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let at = readme
        .find("| test | needs |")
        .expect("the README's table of skipped tests");
    let rows: Vec<&str> = readme[at..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with("| `"))
        .collect();
    for name in &skipped {
        let listed = rows.iter().filter(|r| {
            let cell = r.split('`').nth(1).unwrap_or_default();
            let last = cell.rsplit("::").next().unwrap_or_default();
            last == name || last.strip_suffix('…').is_some_and(|p| name.starts_with(p))
        });
        assert_eq!(listed.count(), 1, "README lists {name} not exactly once");
    }
    assert_eq!(rows.len(), skipped.len(), "README rows: {rows:?}");
    let words = [
        "",
        "One",
        "Two",
        "Three",
        "Four",
        "Five",
        "Six",
        "Seven",
        "Eight",
        "Nine",
        "Ten",
        "Eleven",
        "Twelve",
        "Thirteen",
        "Fourteen",
        "Fifteen",
        "Sixteen",
        "Seventeen",
        "Eighteen",
        "Nineteen",
        "Twenty",
    ];
    let said = format!("{} tests need a", words[skipped.len()]);
    assert!(readme.contains(&said), "README should say {said:?}");
}
