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
