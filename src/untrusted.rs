//! Text a system under test controls, made safe once before any renderer or terminal sees
//! it: secrets masked ([`crate::evidence::scrub`]) and only characters every output format
//! allows. Every string of the report model goes through [`safe`] when the reports are
//! written ([`crate::report::Report::scrubbed`]), and every console line through it too, so a
//! renderer never has to know which of its strings came from the system under test.

use std::borrow::Cow;

/// What replaces a character no output allows.
pub const REPLACEMENT: char = '\u{fffd}';

/// Whether `c` may appear in every output: an XML 1.0 `Char` (junit.xml), not a C0 or C1
/// control other than tab and line breaks (the terminal), not a Unicode noncharacter (XML
/// parsers reject U+FFFE and U+FFFF), not a bidirectional control (it reorders what a reader
/// sees: a reason could be made to read as its opposite).
pub fn allowed(c: char) -> bool {
    let u = c as u32;
    match c {
        '\t' | '\n' | '\r' => true,
        _ if u < 0x20 || (0x7f..=0x9f).contains(&u) => false,
        _ if (0xfdd0..=0xfdef).contains(&u) || (u & 0xfffe) == 0xfffe => false,
        '\u{061c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => false,
        _ => true,
    }
}

/// `s` with every character no output allows replaced by U+FFFD.
pub fn printable(s: &str) -> Cow<'_, str> {
    if s.chars().all(allowed) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(
            s.chars()
                .map(|c| if allowed(c) { c } else { REPLACEMENT })
                .collect(),
        )
    }
}

/// `s` with its secrets masked and only characters every output allows.
pub fn safe(s: &str) -> String {
    printable(&crate::evidence::scrub(s)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_no_output_allows_is_replaced() {
        for bad in [
            '\u{0}',
            '\u{1b}',
            '\u{7f}',
            '\u{85}',
            '\u{9f}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{fdd0}',
            '\u{1fffe}',
            '\u{10ffff}',
            '\u{202e}',
            '\u{2067}',
            '\u{200f}',
        ] {
            assert!(!allowed(bad), "{:x}", bad as u32);
            assert_eq!(printable(&format!("a{bad}b")), "a\u{fffd}b");
        }
        for good in [
            '\t',
            '\n',
            'é',
            '€',
            '\u{fffd}',
            '\u{1f600}',
            '\u{e000}',
            '\u{fffc}',
        ] {
            assert!(allowed(good), "{:x}", good as u32);
        }
        assert!(matches!(printable("plain"), Cow::Borrowed("plain")));
    }
}
