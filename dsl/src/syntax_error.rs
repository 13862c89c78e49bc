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
            // Where any value may stand, say so once rather than list every kind.
            if names.contains(&VALUE_NAME) && names.contains(&VALUE_NUMBER) {
                names.retain(|n| !VALUE_KINDS.contains(n));
                names.insert(0, "a value (a name, a number, a date, a text, a table)");
            }
            join_or(&names)
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    // `1 + when …`: a condition inside a larger formula needs brackets.
    let before = text.get(..at).unwrap_or("").trim_end();
    let inside_formula = before
        .chars()
        .last()
        .is_some_and(|c| "+-*/×·÷<>=≤≥≠(,[".contains(c))
        && !before.ends_with(" =")
        || before.ends_with(" and")
        || before.ends_with(" or");
    let conditional = found == "when" || found == "if";
    if conditional && inside_formula && !before.ends_with('(') {
        let end = (at + found.len()).min(text.len());
        return Diagnostic::error(
            Code::Syntax,
            format!("a `{found}` inside a larger formula needs brackets"),
        )
        .label(sources, Span::new(file, at, end), "put this condition in brackets")
        .help(format!(
            "write `( {found} … then … otherwise … )` where it stands in the formula, or give it a name of its own with `define`"
        ));
    }
    // A new declaration where the one before still needed something.
    let line_start = text
        .get(..at)
        .map_or(0, |t| t.rfind('\n').map_or(0, |i| i + 1));
    let at_line_start = text
        .get(line_start..at)
        .is_some_and(|t| t.trim().is_empty());
    const STARTS: [&str; 9] = [
        "input", "param", "define", "reading", "check", "part", "example", "cite", "override",
    ];
    if at_line_start && STARTS.contains(&found.as_str()) && !before.is_empty() {
        let end = (at + found.len()).min(text.len());
        let unfinished = before.rsplit('\n').next().unwrap_or("").trim();
        return Diagnostic::error(
            Code::Syntax,
            format!("the declaration before this `{found}` is not finished"),
        )
        .label(
            sources,
            Span::new(file, at, end),
            format!("expected {expected} before this"),
        )
        .help(format!(
            "complete the line before — `{unfinished}` — or remove what it ends with"
        ));
    }
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

const VALUE_NAME: &str = "a name (letters, digits, _)";
const VALUE_NUMBER: &str = "a number";
/// What may start a value: listed as one item where all of them may.
const VALUE_KINDS: [&str; 8] = [
    VALUE_NAME,
    VALUE_NUMBER,
    "a date (YYYY-MM-DD)",
    "a table `{ key: value }`",
    "a text in quotes",
    "yes or no",
    "`-`",
    "a function call",
];

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
        Rule::drop => "`drop`",
        Rule::drop_kind => "what to drop (input, param, define, reading, check or part)",
        Rule::reading => "`reading`",
        Rule::alternative => "an alternative reading (a name, [citation] \"label\")",
        Rule::taken => "`taken NAME`",
        Rule::given => "`given`",
        Rule::expect => "`expect`",
        Rule::override_mark => "`override`",
        Rule::default => "`default`",
        Rule::gathered | Rule::gathered_word => "`gathered NAME over rows of the same GROUP`",
        Rule::plausible | Rule::between | Rule::at_least | Rule::at_most => {
            "a plausible range (`between 50 % and 110 %`, `at least 1`, `at most 25 %`)"
        }
        Rule::bound => "a number with its unit, or a date",
        Rule::plausible_warning => "`else warning`",
        Rule::citation | Rule::citation_text => "a citation like [§5.6]",
        Rule::label | Rule::string | Rule::string_text => "a text in quotes",
        Rule::severity => "`error` or `warning`",
        Rule::check_parts => "`for PART, PART` (the parts a check belongs to)",
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
