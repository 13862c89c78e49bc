//! Whatever the text, checking it returns a program or diagnostics — never a
//! panic — and the diagnostics render.

use proptest::prelude::*;

struct Bases;
impl dsl::Loader for Bases {
    fn load(&self, name: &str, _: &str) -> Result<(String, Vec<u8>), String> {
        // A base that is itself checked, so merges and overrides are exercised too.
        match name {
            "base" => Ok((
                "base.takst".into(),
                b"agreement \"b\"\ninput x: money\nparam p = 5 %\ndefine y = x * p\n".to_vec(),
            )),
            _ => Err(format!("no {name}")),
        }
    }
}

/// Pieces of the language, so random texts get past the parser often enough to
/// reach the checker.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "agreement \"a\"",
        " extends \"base\"",
        "\n",
        " ",
        "input ",
        "param ",
        "define ",
        "override ",
        "check ",
        "part ",
        "example \"e\" {",
        "}",
        "given ",
        "expect ",
        "x",
        "y",
        "p",
        "z",
        ":",
        "=",
        "money",
        "percent",
        "one of a, b",
        "per year",
        "series of percent",
        "(",
        ")",
        "[",
        "]",
        "{",
        ",",
        "+",
        "-",
        "*",
        "/",
        "==",
        "<=",
        "and",
        "not",
        "when",
        "then",
        "otherwise",
        "if",
        "else",
        "is",
        "on",
        "where",
        "each",
        "1",
        "2.5 %",
        "100 kr",
        "3 days",
        "2024-02-29",
        "2023-02-30",
        "yes",
        "round(",
        "sum(",
        "allocate(",
        "months(",
        "date(",
        "\"t\"",
        "[§1]",
        "error",
        "warning",
        "cite ",
        "#c\n",
        "key",
        "value",
        "x[2020]",
        "{2020: 1 kr}",
        "{}",
        "79228162514264337593543950335",
        "792281625142643375935439503350",
        "0.00000000000000000000000000001",
        "9223372036854775808 days",
        "-262144-01-01",
        "9999-12-31",
        "months(0001-01-01, 9999-12-31)",
        "shift_years(",
        "reserve_balance(",
        "\r\n",
        "\r",
        "æ",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn checking_any_text_does_not_panic(pieces in prop::collection::vec(piece(), 0..60)) {
        let text: String = pieces.concat();
        if let Err(diagnostics) = dsl::check("random.takst", &text, &Bases) {
            let shown = dsl::diagnostic::render(&diagnostics, false);
            prop_assert!(shown.contains("takst::"));
        }
    }

    #[test]
    fn checking_any_bytes_does_not_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(text) = dsl::limits::text_from_bytes("random.takst", &bytes) {
            let _ = dsl::check("random.takst", &text, &Bases);
        }
    }
}
