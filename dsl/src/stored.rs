//! A checked program stored as bytes and read back.
//!
//! `takst` checks its bundled agreements when it is built and keeps each
//! [`Program`] in the binary in this form: a run that uses one reads it back
//! instead of parsing and checking the text again (which took most of the time
//! of a one-offer command). The bytes are postcard's: compact, and read without
//! looking at field names; they are only ever read by the build that wrote them.

use crate::program::{next_id, Program};

/// The program as bytes.
pub fn to_bytes(program: &Program) -> Result<Vec<u8>, String> {
    postcard::to_stdvec(program).map_err(|e| e.to_string())
}

/// The program stored by [`to_bytes`], with an identity of its own in this
/// process; `None` if the bytes are not one (the caller checks the text instead).
pub fn from_bytes(bytes: &[u8]) -> Option<Program> {
    let mut program: Program = postcard::from_bytes(bytes).ok()?;
    program.id = next_id();
    Some(program)
}

#[cfg(test)]
mod tests {
    use crate::check;

    use crate::NoBases;

    #[test]
    fn a_program_read_back_is_the_program_stored_with_a_new_identity() {
        let text = r#"
agreement "Example" valid from 2024-01-01 to 2024-12-31
input cost: money between 0 kr and 1_000_000 kr
input places: number
define shares = { "a": 0.25, "b": 0.75 }
define tariff_per_day [§8.1] = round(cost / places / 365 days, 2)
check positive: cost > 0 kr else error "the cost is {cost}"
part tariff: tariff_per_day
"#;
        let program = check("example.takst", text, &NoBases).expect("a valid rule file");
        let bytes = super::to_bytes(&program).expect("stored");
        let read = super::from_bytes(&bytes).expect("read back");
        assert_ne!(read.id, program.id);
        let shown = |p: &crate::Program| {
            let all = format!("{p:?}");
            let end = all.rfind(", by_name: {").expect("the last field");
            all[all.find(", agreement:").expect("the second field")..end].to_string()
        };
        assert_eq!(shown(&read), shown(&program));
        assert_eq!(
            read.slot_id("tariff_per_day"),
            program.slot_id("tariff_per_day")
        );
        assert!(super::from_bytes(&bytes[..bytes.len() / 2]).is_none());
    }
}
