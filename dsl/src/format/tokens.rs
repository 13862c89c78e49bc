//! A rule file as a list of tokens, comments included, each with the grammar rule it
//! stands in.
//!
//! pest skips comments and whitespace, and keeps no pair for the keywords and
//! punctuation a rule spells out (`input`, `(`, `,`). So the tokens are taken in two
//! ways: the pairs that are one token (a name, a string, a citation, a quantity, an
//! operator) from the tree, and everything between them — keywords, brackets, commas,
//! comments — by a small lexer over the text in between. A string or a citation is
//! always one pair, so the lexer never meets a `#` or a `"` inside one.

use std::borrow::Cow;

use pest::iterators::Pair;

use crate::parser::{is_infix, Rule};

/// What a token is, as far as layout cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A keyword: `input`, `when`, `then`, `given`, `of` …
    Word,
    /// A name the analyst chose (a value, a variant, a key, a function).
    Name,
    /// Any other literal that is one token: a string, a citation, a quantity, a date,
    /// yes/no, a type word (`kr/day`).
    Literal,
    /// An operator between two operands: `+`, `×`, `and`, `where`, `each` …
    Infix,
    /// `-` or `not` before an operand.
    Prefix,
    Open,
    Close,
    Comma,
    /// `:` after a declaration's name or a table's key.
    Colon,
    /// `=`.
    Assign,
    /// `# …` to the end of the line.
    Comment,
}

/// One token of a rule file.
#[derive(Debug, Clone)]
pub(super) struct Token<'a> {
    pub kind: Kind,
    /// The text as it is to be written (a quantity with one space before its unit).
    pub text: Cow<'a, str>,
    /// Where it ends in the text.
    pub end: usize,
    /// The rule the token stands in: `when_arm` for its `when`, `call` for its `(` and
    /// its name, `part` for the names of its results.
    pub rule: Rule,
    /// How many line breaks stood before the token in the text.
    pub breaks: usize,
    /// The indentation (in characters) of its line in the text, if it starts a line
    /// (0 if it does not).
    pub indent: usize,
    /// The first token of the header or of a declaration.
    pub starts_item: bool,
    /// The first token of an alternative of a reading.
    pub starts_alternative: bool,
    /// For `when`/`otherwise`: the `when` has another arm, so each arm gets a line.
    pub many_arms: bool,
    /// The first token of a declaration's formula, condition or default.
    pub starts_formula: bool,
}

/// Where a grammar rule's text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Placement {
    /// The pair is one token.
    Token,
    /// A declaration, or the header: an item of the file.
    Item,
    /// The tokens are its children and the words between them.
    Children,
    /// Inside a token, or silent (never a pair in the tree).
    Never,
}

/// Where each rule of the grammar goes. A rule added to the grammar is a compile error
/// here (the match is exhaustive) until it is placed, so the formatter covers every
/// rule of the language.
pub(super) fn placement(rule: Rule) -> Placement {
    match rule {
        Rule::citation
        | Rule::string
        | Rule::quantity
        | Rule::date
        | Rule::boolean
        | Rule::name
        | Rule::basic_type
        | Rule::integer
        | Rule::negate
        | Rule::not
        | Rule::is_negated
        | Rule::override_mark
        | Rule::severity
        | Rule::drop_kind
        | Rule::gathered_word
        | Rule::assign
        | Rule::colon
        | Rule::add
        | Rule::subtract
        | Rule::multiply
        | Rule::divide
        | Rule::le
        | Rule::ge
        | Rule::ne
        | Rule::eq
        | Rule::lt
        | Rule::gt
        | Rule::and
        | Rule::or
        | Rule::filter
        | Rule::each => Placement::Token,
        Rule::header
        | Rule::input
        | Rule::param
        | Rule::define
        | Rule::reading
        | Rule::check
        | Rule::part
        | Rule::example
        | Rule::cite
        | Rule::drop => Placement::Item,
        Rule::file
        | Rule::EOI
        | Rule::extends
        | Rule::source
        | Rule::valid
        | Rule::label
        | Rule::default
        | Rule::plausible
        | Rule::between
        | Rule::at_least
        | Rule::at_most
        | Rule::bound
        | Rule::plausible_warning
        | Rule::gathered
        | Rule::alternative
        | Rule::taken
        | Rule::check_parts
        | Rule::given
        | Rule::expect
        | Rule::type_expr
        | Rule::series_type
        | Rule::table_type
        | Rule::table_key
        | Rule::scalar_type
        | Rule::choice_type
        | Rule::expr
        | Rule::when_expr
        | Rule::when_arm
        | Rule::if_expr
        | Rule::operation
        | Rule::index
        | Rule::on_date
        | Rule::is_test
        | Rule::call
        | Rule::table_literal
        | Rule::table_entry => Placement::Children,
        // Inside a token.
        Rule::citation_text | Rule::string_text | Rule::number | Rule::unit => Placement::Never,
        // A figure in a message is parsed from its string, on its own.
        Rule::figure => Placement::Never,
        // Silent: never a pair.
        Rule::WHITESPACE
        | Rule::COMMENT
        | Rule::declaration
        | Rule::term
        | Rule::infix
        | Rule::prefix
        | Rule::postfix
        | Rule::primary
        | Rule::table_entry_key
        | Rule::ident_char
        | Rule::keyword => Placement::Never,
    }
}

/// The tokens of a parsed file, `file` its root pair and `text` the whole text.
pub(super) fn tokens<'a>(file: Pair<'a, Rule>, text: &'a str) -> Vec<Token<'a>> {
    let mut lexer = Lexer {
        text,
        tokens: Vec::new(),
        starting_item: false,
        starting_alternative: false,
        many_arms: false,
        formula_next: false,
    };
    let end = file.as_span().end();
    lexer.pair(file, Rule::file);
    lexer.gap(end, text.len(), Rule::file);
    lexer.tokens
}

struct Lexer<'a> {
    text: &'a str,
    tokens: Vec<Token<'a>>,
    /// The next token is the first of an item.
    starting_item: bool,
    /// The next token is the first of an alternative.
    starting_alternative: bool,
    /// Inside a `when` of several arms.
    many_arms: bool,
    /// The next token begins a formula.
    formula_next: bool,
}

impl<'a> Lexer<'a> {
    fn pair(&mut self, pair: Pair<'a, Rule>, parent: Rule) {
        let rule = pair.as_rule();
        let span = pair.as_span();
        match placement(rule) {
            Placement::Token => {
                let text = match rule {
                    Rule::quantity => quantity(pair.clone()),
                    _ => Cow::Borrowed(span.as_str()),
                };
                let kind = match rule {
                    Rule::name => Kind::Name,
                    Rule::negate | Rule::not => Kind::Prefix,
                    Rule::assign => Kind::Assign,
                    Rule::colon => Kind::Colon,
                    Rule::override_mark | Rule::severity | Rule::drop_kind | Rule::is_negated => {
                        Kind::Word
                    }
                    r if is_infix(r) => Kind::Infix,
                    _ => Kind::Literal,
                };
                self.push(kind, text, span.start(), span.end(), parent);
                return;
            }
            Placement::Item => self.starting_item = true,
            Placement::Children | Placement::Never => {
                self.starting_alternative |= rule == Rule::alternative;
            }
        }
        let outer_arms = self.many_arms;
        if rule == Rule::when_expr {
            let arms = (pair.clone().into_inner())
                .filter(|p| p.as_rule() == Rule::when_arm)
                .count();
            self.many_arms = arms > 1;
        }
        let mut at = span.start();
        for child in pair.into_inner() {
            let child_span = child.as_span();
            self.gap(at, child_span.start(), rule);
            // A declaration's formula, a check's condition, an input's default.
            let formula = matches!(
                rule,
                Rule::param | Rule::define | Rule::check | Rule::default
            );
            if formula && child.as_rule() == Rule::expr {
                self.formula_next = true;
            }
            self.pair(child, rule);
            at = child_span.end();
        }
        self.gap(at, span.end(), rule);
        self.many_arms = outer_arms;
    }

    /// Lexes the text between two pairs: keywords, punctuation, comments.
    fn gap(&mut self, from: usize, to: usize, rule: Rule) {
        let Some(gap) = self.text.get(from..to) else {
            return;
        };
        let mut chars = gap.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c.is_whitespace() {
                continue;
            }
            let end = if c == '#' {
                gap[i..].find('\n').map_or(gap.len(), |n| i + n)
            } else if c.is_alphanumeric() || c == '_' {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if !(d.is_alphanumeric() || d == '_') {
                        break;
                    }
                    end = j + d.len_utf8();
                    chars.next();
                }
                end
            } else {
                i + c.len_utf8()
            };
            while chars.peek().is_some_and(|(j, _)| *j < end) {
                chars.next();
            }
            let kind = match c {
                '#' => Kind::Comment,
                '(' | '[' | '{' => Kind::Open,
                ')' | ']' | '}' => Kind::Close,
                ',' => Kind::Comma,
                ':' => Kind::Colon,
                '=' => Kind::Assign,
                c if c.is_alphanumeric() || c == '_' => Kind::Word,
                _ => Kind::Literal,
            };
            let text = match kind {
                Kind::Comment => gap[i..end].trim_end(),
                _ => &gap[i..end],
            };
            self.push(kind, Cow::Borrowed(text), from + i, from + end, rule);
        }
    }

    fn push(&mut self, kind: Kind, text: Cow<'a, str>, start: usize, end: usize, rule: Rule) {
        let previous_end = self.tokens.last().map_or(0, |t| t.end);
        let between = self.text.get(previous_end..start).unwrap_or("");
        let breaks = between.matches('\n').count();
        // Only whitespace stands between the token and the last line break before it.
        let indent = match between.rfind('\n') {
            Some(n) => between[n + 1..].chars().count(),
            None if previous_end == 0 => between.chars().count(),
            None => 0,
        };
        let arm_word = matches!(
            (rule, &*text),
            (Rule::when_arm, "when") | (Rule::when_expr, "otherwise")
        );
        let code = kind != Kind::Comment;
        self.tokens.push(Token {
            kind,
            rule,
            breaks,
            indent,
            // A comment before an item's first token leaves these for that token.
            starts_item: code && std::mem::take(&mut self.starting_item),
            starts_alternative: code && std::mem::take(&mut self.starting_alternative),
            many_arms: arm_word && self.many_arms,
            starts_formula: code && std::mem::take(&mut self.formula_next),
            text,
            end,
        });
    }
}

/// A quantity with one space between its number and its unit: `5 %`, `2_656 kr/day`.
fn quantity(pair: Pair<'_, Rule>) -> Cow<'_, str> {
    let written = pair.as_str();
    let mut inner = pair.into_inner();
    match (inner.next(), inner.next()) {
        (Some(number), Some(unit)) => {
            let tidy = format!("{} {}", number.as_str(), unit.as_str());
            if tidy == written {
                Cow::Borrowed(written)
            } else {
                Cow::Owned(tidy)
            }
        }
        _ => Cow::Borrowed(written),
    }
}
