//! `takst fmt`: a rule file laid out the way the bundled agreements are written.
//!
//! The formatter changes only the whitespace between tokens (and the space inside a
//! quantity: `5%` is written `5 %`); every token and every comment stays, in order.
//! It works on the pest tree, not the AST, because the AST keeps neither comments nor
//! the keywords between its nodes: [`tokens`] turns the tree and the text between its
//! pairs into tokens, comments included; [`layout`] writes them as lines. Before the
//! result is returned it is read again and its tokens compared with the original's, so
//! a mistake in the layout is an error, never a changed rule file.
//!
//! Formatting is idempotent: the formatted text formats to itself.

mod layout;
mod tokens;

use pest::Parser as _;

use crate::diagnostic::{Code, Diagnostic};
use crate::parser::{self, Grammar, Rule};
use crate::span::Sources;

pub use layout::WIDTH;

/// The formatted text of the rule file `text` (shown as `name`), or its syntax errors.
pub fn format(name: &str, text: &str) -> Result<String, Vec<Diagnostic>> {
    let mut sources = Sources::default();
    let file = sources.add(name, text);
    // A file with syntax errors is not formatted: the errors, as `takst check` gives them.
    parser::parse(&sources, file)?;
    let tokens = tokens_of(text).ok_or_else(|| vec![not_formatted(name)])?;
    let formatted = layout::layout(&tokens);
    // The guard: the same tokens, in the same order, and nothing else.
    let again = tokens_of(&formatted).ok_or_else(|| vec![not_formatted(name)])?;
    let same = again.len() == tokens.len()
        && (again.iter().zip(&tokens)).all(|(a, b)| a.kind == b.kind && a.text == b.text);
    if !same {
        return Err(vec![not_formatted(name)]);
    }
    Ok(formatted)
}

fn tokens_of(text: &str) -> Option<Vec<tokens::Token<'_>>> {
    let file = Grammar::parse(Rule::file, text).ok()?.next()?;
    Some(tokens::tokens(file, text))
}

fn not_formatted(name: &str) -> Diagnostic {
    Diagnostic::error(
        Code::CannotFormat,
        format!("{name} could not be formatted without changing it"),
    )
    .help("the file is left as it is; please report this with the file")
}

#[cfg(test)]
mod tests {
    use super::format;

    fn formatted(text: &str) -> String {
        format("test.takst", text).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn declarations_start_lines_and_continuations_are_indented() {
        let text = "agreement \"A\"   source \"S\"\ninput a: money   input b: number\n\
                    define c [§1]   \"C\" =\n      a /  b\n";
        assert_eq!(
            formatted(text),
            "agreement \"A\" source \"S\"\ninput a: money\ninput b: number\n\
             define c [§1] \"C\" =\n  a / b\n"
        );
    }

    #[test]
    fn comments_stay_where_they_are() {
        let text = "# head\nagreement \"A\"\n\n\n# about a\n   input a: money # trailing\n\
                    define x =\n# inside\n  a\n";
        assert_eq!(
            formatted(text),
            "# head\nagreement \"A\"\n\n# about a\ninput a: money # trailing\n\
             define x =\n  # inside\n  a\n"
        );
    }

    #[test]
    fn arms_of_a_when_each_get_a_line() {
        let text = "agreement \"A\"\ninput k: one of a, b\n\
                    define x = when k is a then 1 when k is b then 2 otherwise 3\n\
                    define y = when k is a then 1 otherwise 2\n\
                    define z = 2 × (when k is a then 1 when k is b then 2 otherwise 3)\n";
        assert_eq!(
            formatted(text),
            "agreement \"A\"\ninput k: one of a, b\ndefine x =\n  when k is a then 1\n  \
             when k is b then 2\n  otherwise 3\ndefine y = when k is a then 1 otherwise 2\n\
             define z = 2 × (when k is a then 1\n                when k is b then 2\n                \
             otherwise 3)\n"
        );
    }

    #[test]
    fn spaces_inside_formulas() {
        let text = "agreement \"A\"\ninput t: money per year\n\
                    define x = round( t[ 2020 ]*2 ) + -( 5%×{ 2020:1 kr,2021 : 2 kr } [2020] )\n\
                    define e = {  }\n";
        assert_eq!(
            formatted(text),
            "agreement \"A\"\ninput t: money per year\n\
             define x = round(t[2020] * 2) + -(5 % × { 2020: 1 kr, 2021: 2 kr }[2020])\n\
             define e = {}\n"
        );
    }

    #[test]
    fn examples_and_readings_are_laid_out_in_lines() {
        let text = "agreement \"A\"\ninput a: money\nreading r: one \"1\" two taken one \"why\"\n\
                    example \"e\" [§1] { given a = 1 kr expect a == 1 kr }\n";
        assert_eq!(
            formatted(text),
            "agreement \"A\"\ninput a: money\nreading r:\n  one \"1\"\n  two\n  taken one \"why\"\n\
             example \"e\" [§1] {\n  given a = 1 kr\n  expect a == 1 kr\n}\n"
        );
    }

    #[test]
    fn a_long_part_is_wrapped() {
        let names: Vec<String> = (0..30).map(|i| format!("value_{i}")).collect();
        let defines: String = names.iter().map(|n| format!("define {n} = 1\n")).collect();
        let text = format!(
            "agreement \"A\"\n{defines}part p \"P\": {}\n",
            names.join(", ")
        );
        let out = formatted(&text);
        let part: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("part")).collect();
        assert_eq!(part[0], "part p \"P\":");
        assert!(part[1..].iter().all(|l| l.starts_with("  value_")));
        assert!(part.iter().all(|l| l.chars().count() <= super::WIDTH));
        assert_eq!(part[1..].join(" ").split(", ").count(), 30);
    }

    #[test]
    fn formatting_twice_changes_nothing() {
        let text = "agreement \"A\"\ninput k: one of a, b\ninput t: money per year\n\
                    define x = when k is a then\n      t[2020]\n  when k is b\n then 2 kr\n \
                    otherwise max(1 kr,\n       2 kr)\n           + 3 kr\n";
        let once = formatted(text);
        assert_eq!(formatted(&once), once);
    }

    #[test]
    fn a_file_with_syntax_errors_is_not_formatted() {
        let errors = format("bad.takst", "agreement \"A\"\ndefine x = \n").unwrap_err();
        assert_eq!(errors[0].code, crate::Code::Syntax);
    }
}
