//! How an HTTP/1.1 message body is delimited (RFC 9112 §6.3), decided once for the harness's
//! client and the played core's request reader. A message whose framing is invalid is not a
//! message: the recipient treats it as an unrecoverable error and discards it (§6.3 item 5),
//! so a test purpose judging a response sees "no valid response", never the bytes that
//! followed the first of two Content-Length values.

/// The body's delimitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFraming {
    /// `Transfer-Encoding: chunked` (the only coding the harness accepts; it sends no `TE`).
    Chunked,
    /// `Content-Length`: exactly this many bytes.
    Length(u64),
    /// Neither: a response's body runs until the close, a request has none.
    Unspecified,
}

/// The framing `headers` declare, or why it is invalid (the reason names the header).
pub fn body_framing(headers: &[(String, String)]) -> Result<BodyFraming, String> {
    let values = |name: &str| -> Vec<String> {
        headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .map(|v| v.trim().to_string())
            .collect()
    };
    let codings: Vec<String> = values("transfer-encoding")
        .into_iter()
        .map(|c| c.to_ascii_lowercase())
        .filter(|c| !c.is_empty())
        .collect();
    let lengths = values("content-length");
    let te_present = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("transfer-encoding"));
    if te_present && !lengths.is_empty() {
        return Err(format!(
            "both Transfer-Encoding ({}) and Content-Length ({}): the framing is ambiguous (RFC 9112 §6.1: a sender MUST NOT send both; §6.3: a message with both ought to be handled as an error)",
            codings.join(", "),
            lengths.join(", ")
        ));
    }
    if te_present {
        return match codings.as_slice() {
            [only] if only == "chunked" => Ok(BodyFraming::Chunked),
            [.., last] if last == "chunked" => Err(format!(
                "Transfer-Encoding {:?}: codings besides one final chunked, which the harness never accepted (it sends no TE; RFC 9112 §7.4) and chunked at most once (§7)",
                codings.join(", ")
            )),
            _ => Err(format!(
                "Transfer-Encoding {:?}: the final transfer coding is not chunked, so the body's length cannot be determined (RFC 9112 §6.3 item 4)",
                codings.join(", ")
            )),
        };
    }
    if lengths.is_empty() {
        return Ok(BodyFraming::Unspecified);
    }
    let mut length = None;
    for v in &lengths {
        let n = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
            v.parse::<u64>().ok()
        } else {
            None
        };
        let Some(n) = n else {
            return Err(format!(
                "Content-Length {v:?} is not a decimal number (1*DIGIT, RFC 9110 §8.6): the framing is invalid (RFC 9112 §6.3 item 5)"
            ));
        };
        if length.is_some_and(|l| l != n) {
            return Err(format!(
                "Content-Length values differ ({}): the framing is invalid (RFC 9112 §6.3 item 5, RFC 9110 §8.6)",
                lengths.join(", ")
            ));
        }
        length = Some(n);
    }
    Ok(BodyFraming::Length(length.unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framing(headers: &[(&str, &str)]) -> Result<BodyFraming, String> {
        let h: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        body_framing(&h)
    }

    #[test]
    fn content_length_values_must_be_digits_and_agree() {
        assert_eq!(
            framing(&[("Content-Length", "25")]),
            Ok(BodyFraming::Length(25))
        );
        // Identical values, in one field or several, may be taken as one (RFC 9110 §8.6).
        assert_eq!(
            framing(&[("content-length", "25, 25")]),
            Ok(BodyFraming::Length(25))
        );
        assert_eq!(
            framing(&[("Content-Length", "25"), ("Content-Length", "25")]),
            Ok(BodyFraming::Length(25))
        );
        for bad in [
            vec![("Content-Length", "25"), ("Content-Length", "26")],
            vec![("Content-Length", "25, 26")],
        ] {
            let e = framing(&bad).unwrap_err();
            assert!(e.contains("Content-Length values differ"), "{e}");
        }
        for bad in [
            "+23",
            "-1",
            "23x",
            "",
            "0x17",
            "2 3",
            "99999999999999999999999",
        ] {
            let e = framing(&[("Content-Length", bad)]).unwrap_err();
            assert!(
                e.contains("Content-Length") && e.contains("1*DIGIT"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn transfer_encoding_must_be_one_final_chunked_and_alone() {
        assert_eq!(
            framing(&[("Transfer-Encoding", "chunked")]),
            Ok(BodyFraming::Chunked)
        );
        assert_eq!(
            framing(&[("Transfer-Encoding", " Chunked ")]),
            Ok(BodyFraming::Chunked)
        );
        let both = framing(&[("Transfer-Encoding", "chunked"), ("Content-Length", "5")]);
        assert!(both.unwrap_err().contains("both Transfer-Encoding"));
        for bad in ["gzip", "chunked, gzip", "identity", ""] {
            let e = framing(&[("Transfer-Encoding", bad)]).unwrap_err();
            assert!(
                e.contains("final transfer coding is not chunked"),
                "{bad}: {e}"
            );
        }
        for bad in ["gzip, chunked", "chunked, chunked"] {
            let e = framing(&[("Transfer-Encoding", bad)]).unwrap_err();
            assert!(e.contains("besides one final chunked"), "{bad}: {e}");
        }
        let split = framing(&[
            ("Transfer-Encoding", "gzip"),
            ("Transfer-Encoding", "chunked"),
        ]);
        assert!(split.unwrap_err().contains("besides one final chunked"));
    }

    #[test]
    fn without_either_the_body_is_unspecified() {
        assert_eq!(
            framing(&[("Content-Type", "a/b")]),
            Ok(BodyFraming::Unspecified)
        );
    }
}
