use super::*;

#[test]
fn plain_numbers_read_the_same_both_ways() {
    for text in [
        "0",
        "7",
        "14800000",
        "-12.50",
        "0.061",
        "1.0",
        "0.000",
        "12.3400",
        "9999999999999999999999999999",
        "0.0000000000000000000000000001",
        "9999999999999999999",
        "-9999999999999999999",
        "18446744073709551615",
        "12345678901234567890",
        "99999999999999999999",
        "0.5",
    ] {
        let quick = plain_decimal(text).expect(text);
        let long = Decimal::from_str(text).expect(text);
        assert_eq!(quick, long, "{text}");
        assert_eq!(quick.to_string(), long.to_string(), "{text}");
    }
    // `-0` and `-0.0` are left to the long way, which keeps the sign as written.
    for text in [
        "", "-", "01", "1.", ".5", "1e5", "+1", "1_000", "-0", "-0.0", "1 kr", "-.5", "1..2",
        "-01", "00",
    ] {
        assert_eq!(plain_decimal(text), None, "{text}");
    }
}

/// What the quick reading accepts, the long way reads the same (value and
/// decimals); what it leaves, the long way reads or refuses as it always has.
#[test]
fn the_quick_reading_agrees_with_the_long_way_on_tricky_cells() {
    let cells = [
        "0",
        "-0",
        "00",
        "01",
        "-01",
        "0.0",
        "-0.0",
        "0.5",
        ".5",
        "-.5",
        "5.",
        "-5.",
        "+5",
        "++5",
        "--5",
        "5-",
        "1e5",
        "1E5",
        "1e-5",
        "5 ",
        " 5",
        " 5 ",
        "\t5",
        "5\u{a0}",
        "1_000",
        "1 000",
        "1,000",
        "1,5",
        "1.000.000",
        "1..2",
        "1.2.3",
        "12.50",
        "12.500",
        "-12.50",
        "0.045",
        "0.0001",
        "95",
        "100",
        "5000000",
        "5007919",
        "-25000.50",
        "9999999999999999999",
        "99999999999999999999",
        "18446744073709551615",
        "18446744073709551616",
        "-9999999999999999999",
        "9999999999999999999.9",
        "1234567890123456789012345678",
        "12345678901234567890123456789",
        "0.0000000000000000000000000001",
        "0.00000000000000000000000000001",
        "79228162514264337593543950335",
        "7922816251426433759354395033.5",
        "5 %",
        "5%",
        "5 kr",
        "5kr",
        "5 kr.",
        "5 pct",
        "5 dage",
        "٥",
        "５",
        "5\u{0301}",
        "0x10",
        "inf",
        "NaN",
        "",
        "-",
        ".",
        "5.5.",
        "0.50",
        "000.5",
        "1_000.5",
    ];
    for ty in [Type::NUMBER, Type::MONEY, Type::PERCENT, Type::DAYS] {
        for cell in cells {
            let long = read_written(cell, &ty);
            if let Some(quick) = plain_decimal(trimmed(cell)) {
                let long = long.clone().expect(cell);
                assert_eq!(quick, long, "{cell}");
                assert_eq!(quick.to_string(), long.to_string(), "{cell}");
                assert_eq!(quick.is_sign_negative(), long.is_sign_negative(), "{cell}");
            }
            // Read either way, an amount with a thousands point is then refused.
            let slip = |n: Decimal| thousands_point(trimmed(cell), &ty).filter(|_| n.scale() == 3);
            let expected = long.and_then(|n| slip(n).map_or(Ok(n), Err));
            assert_eq!(read_number(cell, &ty), expected, "{cell} as {ty}");
        }
    }
}

fn n(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn read(text: &str, ty: &Type) -> Result<Decimal, NotRead> {
    read_number(text, ty)
}

#[test]
fn one_spelling_of_a_number() {
    let number = &Type::NUMBER;
    assert_eq!(read("24", number), Ok(n("24")));
    assert_eq!(read("-0.5", number), Ok(n("-0.5")));
    assert_eq!(read("0", number), Ok(n("0")));
    assert_eq!(read("1_234_567.89", &Type::MONEY), Ok(n("1234567.89")));
    assert_eq!(read("1 234 567", &Type::MONEY), Ok(n("1234567")));
    assert_eq!(read("1\u{a0}234 kr", &Type::MONEY), Ok(n("1234")));
    assert_eq!(read(" 95 000 000 kr ", &Type::MONEY), Ok(n("95000000")));
    assert_eq!(read("1234567", &Type::MONEY), Ok(n("1234567")));
    assert_eq!(read("98.5 %", &Type::PERCENT), Ok(n("98.5")));
    assert_eq!(read("98.5%", &Type::PERCENT), Ok(n("98.5")));
    assert_eq!(read("7 pct", &Type::PERCENT), Ok(n("7")));
    assert_eq!(read("12 Kr.", &Type::MONEY), Ok(n("12")));
    assert_eq!(read("365 dage", &Type::DAYS), Ok(n("365")));
}

fn malformed(text: &str, ty: &Type) -> (&'static str, Option<String>) {
    match read(text, ty) {
        Err(NotRead::Malformed { why, meant }) => (why.leak(), meant),
        other => panic!("{text}: {other:?}"),
    }
}

#[test]
fn anything_else_is_refused_saying_what_was_meant_where_that_is_clear() {
    let number = &Type::NUMBER;
    assert_eq!(
        malformed("12+3", number).0,
        "write one number, not a calculation"
    );
    assert_eq!(
        malformed("+2020", number),
        ("write it without `+`", Some("2020".into()))
    );
    assert_eq!(
        malformed("02020", number),
        ("write it without leading zeros", Some("2020".into()))
    );
    assert_eq!(malformed("1_0000", number).1, Some("10000".into()));
    assert_eq!(malformed("12_34", number).1, Some("1234".into()));
    assert_eq!(
        malformed("1_234 567", number).0,
        "digits are grouped by three (`1_234_567`), or not at all"
    );
    assert_eq!(
        malformed("12 3", number).0,
        "digits are grouped by three (`1_234_567`), or not at all"
    );
    assert_eq!(
        malformed(".5", number),
        ("write a 0 before the `.`", Some("0.5".into()))
    );
    assert_eq!(malformed("5.", number).1, Some("5".into()));
    assert_eq!(
        malformed("1e3", number).0,
        "write the number out in full, without an exponent"
    );
    assert_eq!(
        malformed("0x1F", number).0,
        "write the number in decimal digits"
    );
    assert_eq!(
        malformed("1,5", number).0.split(';').next(),
        Some("a `,` is not read")
    );
    assert_eq!(
        malformed("1.2.3", number).0.split(',').next(),
        Some("write one `.`")
    );
    assert_eq!(malformed("nan", number).0, "it does not start with a digit");
    assert_eq!(malformed("", number).0, "the field is empty");
    assert_eq!(malformed("--5", number).0, "it does not start with a digit");
    assert_eq!(
        malformed("5 EUR", &Type::MONEY).0,
        "`EUR` after `5` is not read; this input is written without a unit, or with `kr` or `kr.`"
    );
    assert_eq!(
        malformed("2O", &Type::NUMBER).0,
        "`O` after `2` is not read; this input is written without a unit"
    );
}

#[test]
fn a_unit_must_be_the_inputs() {
    assert_eq!(
        read("5 %", &Type::MONEY),
        Err(NotRead::Unit {
            unit: "%".into(),
            measures: "a percentage"
        })
    );
    assert_eq!(
        read("7 kr", &Type::PERCENT),
        Err(NotRead::Unit {
            unit: "kr".into(),
            measures: "an amount (kr)"
        })
    );
    assert!(matches!(
        read("5 kr", &Type::NUMBER),
        Err(NotRead::Unit { .. })
    ));
    assert!(matches!(
        read("5 days", &Type::MONEY),
        Err(NotRead::Unit { .. })
    ));
}

#[test]
fn the_units_of_a_type_are_named() {
    assert_eq!(units_allowed(&Type::NUMBER), "without a unit");
    assert_eq!(
        units_allowed(&Type::MONEY),
        "without a unit, or with `kr` or `kr.`"
    );
    assert_eq!(
        units_allowed(&Type::PERCENT),
        "without a unit, or with `%`, `pct` or `pp`"
    );
}

#[test]
fn more_than_28_digits_are_refused() {
    assert_eq!(
        read("79228162514264337593543950335", &Type::NUMBER),
        Err(NotRead::TooPrecise)
    );
    assert_eq!(
        read("7922816251426433759354395033", &Type::NUMBER),
        Ok(n("7922816251426433759354395033"))
    );
    assert_eq!(
        read("0.00000000000000000000000000001", &Type::NUMBER),
        Err(NotRead::TooPrecise)
    );
}

#[test]
fn years_and_dates_have_one_spelling() {
    assert_eq!(read_year("2020"), Ok(2020));
    assert_eq!(read_year("02020"), Err(Some(2020)));
    assert_eq!(read_year("+2020"), Err(Some(2020)));
    assert_eq!(read_year(" 2020"), Err(Some(2020)));
    assert_eq!(read_year("20"), Err(None));
    assert_eq!(read_year("x"), Err(None));
    let day = NaiveDate::from_ymd_opt(2020, 5, 1).unwrap();
    assert_eq!(read_date("2020-05-01"), Ok(day));
    assert_eq!(read_date("2020-5-1"), Err(Some(day)));
    assert_eq!(read_date("2020-02-30"), Err(None));
}
