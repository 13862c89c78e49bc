//! Syntax errors in the analyst's words: what was found, what was expected, and
//! never a grammar rule's internal name.

use pest::error::{ErrorVariant, InputLocation};

use crate::diagnostic::{Code, Diagnostic};
use crate::parser::Rule;
use crate::span::{FileId, Sources, Span};

/// Turns a pest error into a diagnostic that speaks the analyst's language.
pub(crate) fn syntax_error(
    sources: &Sources,
    file: FileId,
    text: &str,
    error: pest::error::Error<Rule>,
) -> Diagnostic {
    let at = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let found: String = text
        .get(at..)
        .unwrap_or("")
        .chars()
        .take_while(|c| !c.is_whitespace())
        .take(20)
        .collect();
    let expected = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().map(|r| describe(*r)).collect();
            names.sort_unstable();
            names.dedup();
            join_or(&names)
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let title = if text.trim().is_empty() {
        String::from("the rule file is empty")
    } else if found.is_empty() {
        String::from("the rule file ends too early")
    } else {
        format!("unexpected `{found}`")
    };
    let end = at + found.len().max(1);
    let end = if end > text.len() { at } else { end };
    let help = if text.trim().is_empty() {
        "a rule file starts with `agreement \"name\"`".to_string()
    } else if found.starts_with('"') {
        "strings end with `\"` on the same line".to_string()
    } else {
        format!(
            "expected {expected} here; `takst explain` lists the parts of the language reference"
        )
    };
    Diagnostic::error(Code::Syntax, title)
        .label(
            sources,
            Span::new(file, at, end),
            format!("expected {expected}"),
        )
        .help(help)
}

/// A grammar rule as an analyst would call it.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the file",
        Rule::file | Rule::header => "`agreement \"name\"`",
        Rule::extends => "`extends \"base\"`",
        Rule::source => "`source \"document\"`",
        Rule::valid => "`valid from DATE to DATE`",
        Rule::input => "`input`",
        Rule::param => "`param`",
        Rule::define => "`define`",
        Rule::check => "`check`",
        Rule::part => "`part`",
        Rule::example => "`example`",
        Rule::cite => "`cite`",
        Rule::reading => "`reading`",
        Rule::alternative => "an alternative reading (a name, [citation] \"label\")",
        Rule::taken => "`taken NAME`",
        Rule::given => "`given`",
        Rule::expect => "`expect`",
        Rule::override_mark => "`override`",
        Rule::default => "`default`",
        Rule::plausible | Rule::between | Rule::at_least | Rule::at_most => {
            "a plausible range (`between 50 % and 110 %`, `at least 1`, `at most 25 %`)"
        }
        Rule::bound => "a number with its unit, or a date",
        Rule::plausible_warning => "`else warning`",
        Rule::citation | Rule::citation_text => "a citation like [§5.6]",
        Rule::label | Rule::string | Rule::string_text => "a text in quotes",
        Rule::severity => "`error` or `warning`",
        Rule::figure => "a formula",
        Rule::type_expr | Rule::scalar_type | Rule::basic_type | Rule::table_type => {
            "a type (money, kr/day, percent, number, integer, year, date, days, yes/no, text)"
        }
        Rule::series_type => "`series of …`",
        Rule::choice_type => "`one of …`",
        Rule::table_key => "the key of a table (e.g. year)",
        Rule::expr | Rule::operation | Rule::when_expr | Rule::if_expr => "a formula",
        Rule::when_arm => "`when … then …`",
        Rule::add | Rule::subtract | Rule::multiply | Rule::divide => "an operator",
        Rule::le | Rule::ge | Rule::ne | Rule::eq | Rule::lt | Rule::gt => "a comparison",
        Rule::and | Rule::or | Rule::not | Rule::filter | Rule::each => "an operator",
        Rule::negate => "`-`",
        Rule::index => "`[`",
        Rule::on_date => "`on`",
        Rule::is_test | Rule::is_negated => "`is`",
        Rule::call => "a function call",
        Rule::table_literal | Rule::table_entry => "a table `{ key: value }`",
        Rule::quantity | Rule::number | Rule::integer => "a number",
        Rule::unit => "a unit (kr, %, pp, days, kr/day)",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::boolean => "yes or no",
        Rule::name => "a name (letters, digits, _)",
        Rule::assign => "`=`",
        Rule::colon => "`:`",
        _ => "a declaration or a formula",
    }
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::from("something else"),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}
