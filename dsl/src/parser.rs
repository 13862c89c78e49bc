//! From text to [`ast::File`]: the only module that sees pest.
//!
//! One `lower_<rule>` function per grammar rule turns a pest `Pair` into an
//! AST node with its span; operator precedence is a `PrattParser`. No `Pair`
//! leaves this module.

use std::str::FromStr;
use std::sync::LazyLock;

use chrono::NaiveDate;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;
use rust_decimal::Decimal;

use crate::ast::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::limits;
use crate::span::{FileId, Sources, Span};

#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
pub(crate) struct Grammar;

use crate::syntax_error::syntax_error;

type Lowered<T> = Result<T, Diagnostic>;

/// Parses one file of `sources` into its syntax tree, or reports every syntax error
/// in it: after an error, parsing goes on at the next declaration.
pub fn parse(sources: &Sources, file: FileId) -> Result<File, Vec<Diagnostic>> {
    match parse_recovering(sources, file) {
        (Some(tree), errors) if errors.is_empty() => Ok(tree),
        (_, errors) => Err(errors),
    }
}

/// Parses one file of `sources`: the syntax errors, and the syntax tree of the file
/// without the declarations that failed (blanked, every position kept), if the rest
/// parses. An editor navigates a file with a declaration half typed through it.
pub fn parse_recovering(sources: &Sources, file: FileId) -> (Option<File>, Vec<Diagnostic>) {
    if let Err(d) = limits::check_depth(sources, file) {
        return (None, vec![d]);
    }
    let text = sources
        .get(file)
        .map(|f| f.text.clone())
        .unwrap_or_default();
    let mut errors = Vec::new();
    let mut remaining = text.to_string();
    let pairs = loop {
        match Grammar::parse(Rule::file, &remaining) {
            Ok(pairs) => break pairs,
            Err(e) => {
                let at = match e.location {
                    pest::error::InputLocation::Pos(p) => p,
                    pest::error::InputLocation::Span((p, _)) => p,
                };
                errors.push(syntax_error(sources, file, &remaining, e));
                // Blank the declaration that failed, keeping every position, and look
                // for the next error from the declaration after it.
                match failed_declaration(&remaining, at) {
                    Some(range) if errors.len() < MAX_SYNTAX_ERRORS => {
                        remaining.replace_range(range.clone(), &blank(&remaining[range]));
                    }
                    _ => return (None, errors),
                }
            }
        }
    };
    let lower = Lower {
        sources,
        file,
        offset: 0,
    };
    let mut pairs = pairs;
    match pairs.next().map(|pair| lower.file(pair)) {
        Some(Ok(tree)) => (Some(tree), errors),
        // Reported only for a file without syntax errors, as before recovery.
        Some(Err(d)) if errors.is_empty() => (None, vec![d]),
        None if errors.is_empty() => (
            None,
            vec![Diagnostic::error(Code::Syntax, "the file is empty")],
        ),
        Some(Err(_)) | None => (None, errors),
    }
}

/// The most syntax errors reported for one file.
const MAX_SYNTAX_ERRORS: usize = 20;

/// The words a declaration starts with, at the start of a line.
const DECLARATION_STARTS: [&str; 10] = [
    "input", "param", "define", "reading", "check", "part", "example", "cite", "override", "drop",
];

/// The text of the declaration in which a syntax error at `at` lies: from the start of
/// its line to the start of the next declaration (or the end of the text). `None` if
/// the error is in the header.
fn failed_declaration(text: &str, at: usize) -> Option<std::ops::Range<usize>> {
    let starts: Vec<usize> = line_starts(text)
        .filter(|&s| {
            let line = &text[s..];
            let word: String = line
                .trim_start_matches([' ', '\t'])
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            DECLARATION_STARTS.contains(&word.as_str())
        })
        .collect();
    // An error right at the start of a declaration means the one before it ended
    // too early (`define y = 2 +` then `define z = 3`): that one failed.
    let at_start = starts
        .iter()
        .any(|&s| s <= at && text.get(s..at).is_some_and(|t| t.trim().is_empty()));
    let start = if at_start {
        starts
            .iter()
            .rev()
            .find(|&&s| s < at && text.get(s..at).is_some_and(|t| !t.trim().is_empty()))
            .copied()?
    } else {
        starts.iter().rev().find(|&&s| s <= at).copied()?
    };
    // The last declaration runs to the end of the text.
    let end = (starts.iter().find(|&&s| s > start && s >= at).copied()).unwrap_or(text.len());
    Some(start..end)
}

fn line_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1))
}

/// Spaces in place of every character but line ends, byte for byte, so every
/// position stays where it was.
fn blank(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(c),
            c => out.extend(std::iter::repeat_n(' ', c.len_utf8())),
        }
    }
    out
}

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::filter, Assoc::Left) | Op::infix(Rule::each, Assoc::Left))
        .op(Op::infix(Rule::or, Assoc::Left))
        .op(Op::infix(Rule::and, Assoc::Left))
        .op(Op::prefix(Rule::not))
        .op(Op::infix(Rule::eq, Assoc::Left)
            | Op::infix(Rule::ne, Assoc::Left)
            | Op::infix(Rule::lt, Assoc::Left)
            | Op::infix(Rule::le, Assoc::Left)
            | Op::infix(Rule::gt, Assoc::Left)
            | Op::infix(Rule::ge, Assoc::Left))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::subtract, Assoc::Left))
        .op(Op::infix(Rule::multiply, Assoc::Left) | Op::infix(Rule::divide, Assoc::Left))
        .op(Op::prefix(Rule::negate))
        .op(Op::postfix(Rule::index) | Op::postfix(Rule::on_date) | Op::postfix(Rule::is_test))
});

struct Lower<'a> {
    sources: &'a Sources,
    file: FileId,
    /// Where the text being lowered starts in the file: 0, except for a formula
    /// inside a check's message (`"… {overhead_rate} …"`), parsed on its own.
    offset: usize,
}

impl Lower<'_> {
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.offset + s.start(), self.offset + s.end())
    }

    fn name(&self, pair: Pair<Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn bad_literal(&self, span: Span, title: String, help: &str) -> Diagnostic {
        Diagnostic::error(Code::BadLiteral, title)
            .label(self.sources, span, "here")
            .help(help.to_string())
    }

    fn file(&self, pair: Pair<Rule>) -> Lowered<File> {
        let mut inner = pair.into_inner();
        let header = match inner.next() {
            Some(h) => self.header(h)?,
            None => return Err(Diagnostic::error(Code::Syntax, "the file has no header")),
        };
        let mut declarations = Vec::new();
        for pair in inner {
            let declaration = match pair.as_rule() {
                Rule::input => Declaration::Input(self.input(pair)?),
                Rule::param => Declaration::Value(self.value(pair, ValueKind::Param)?),
                Rule::define => Declaration::Value(self.value(pair, ValueKind::Define)?),
                Rule::check => Declaration::Check(self.check(pair)?),
                Rule::part => Declaration::Part(self.part(pair)),
                Rule::example => Declaration::Example(self.example(pair)?),
                Rule::reading => Declaration::Reading(self.reading(pair)?),
                Rule::drop => {
                    let span = self.span(&pair);
                    let mut kind = String::new();
                    let mut name = None;
                    let mut reason = None;
                    for p in pair.into_inner() {
                        match p.as_rule() {
                            Rule::drop_kind => kind = p.as_str().to_string(),
                            Rule::name => name = Some(self.name(p)),
                            Rule::string => reason = Some(string_text(p)),
                            _ => {}
                        }
                    }
                    let name = name.ok_or_else(|| self.missing_name(span))?;
                    Declaration::Drop(Drop {
                        kind,
                        name,
                        reason,
                        span,
                    })
                }
                Rule::cite => {
                    let span = self.span(&pair);
                    let mut inner = parts(pair);
                    let (meta, name) = self.opening(&mut inner);
                    let name = name.ok_or_else(|| self.missing_name(span))?;
                    Declaration::Cite(Cite { name, meta, span })
                }
                _ => continue, // EOI
            };
            declarations.push(declaration);
        }
        Ok(File {
            header,
            declarations,
        })
    }

    fn header(&self, pair: Pair<Rule>) -> Lowered<Header> {
        let mut header = Header {
            name: String::new(),
            name_span: self.span(&pair),
            extends: None,
            source: None,
            valid: None,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::string => {
                    header.name_span = self.span(&part);
                    header.name = string_text(part);
                }
                Rule::extends => {
                    if let Some(s) = part.into_inner().next() {
                        let span = self.span(&s);
                        header.extends = Some((string_text(s), span));
                    }
                }
                Rule::source => header.source = part.into_inner().next().map(string_text),
                Rule::valid => {
                    let mut dates = part.into_inner();
                    if let (Some(from), Some(to)) = (dates.next(), dates.next()) {
                        header.valid = Some((self.date(from)?, self.date(to)?));
                    }
                }
                _ => {}
            }
        }
        Ok(header)
    }

    /// Reads the `override`, name, citation and label that open a declaration.
    fn opening<'i>(&self, inner: &mut Parts<'i>) -> (Meta, Option<Name>) {
        let mut meta = Meta::default();
        let mut name = None;
        while let Some(pair) = inner.peek().cloned() {
            match pair.as_rule() {
                Rule::override_mark => meta.is_override = true,
                Rule::name if name.is_none() => name = Some(self.name(pair)),
                Rule::citation => {
                    meta.citation = pair
                        .into_inner()
                        .next()
                        .map(|t| t.as_str().trim().to_string())
                }
                Rule::label => meta.label = pair.into_inner().next().map(string_text),
                _ => break,
            }
            inner.next();
        }
        (meta, name)
    }

    fn missing_name(&self, span: Span) -> Diagnostic {
        Diagnostic::error(Code::Syntax, "a declaration without a name").label(
            self.sources,
            span,
            "name this declaration",
        )
    }

    fn input(&self, pair: Pair<Rule>) -> Lowered<Input> {
        let span = self.span(&pair);
        let mut inner = parts(pair);
        let (meta, name) = self.opening(&mut inner);
        let name = name.ok_or_else(|| self.missing_name(span))?;
        let mut ty = None;
        let mut default = None;
        let mut plausible = None;
        let mut gathered = None;
        for part in inner {
            match part.as_rule() {
                Rule::type_expr => ty = Some(self.type_expr(part)?),
                Rule::gathered => gathered = Some(self.gathered(part)),
                Rule::plausible => plausible = Some(Box::new(self.plausible(part)?)),
                Rule::default => {
                    if let Some(e) = part.into_inner().next() {
                        default = Some(self.expr(e)?);
                    }
                }
                _ => {}
            }
        }
        let ty = ty.ok_or_else(|| self.missing_name(span))?;
        Ok(Input {
            name,
            meta,
            ty,
            gathered,
            plausible,
            default,
            span,
        })
    }

    /// `gathered gross_budget over rows of the same operator`.
    fn gathered(&self, pair: Pair<Rule>) -> Gathering {
        let span = self.span(&pair);
        let mut names = pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::name)
            .map(|p| self.name(p));
        // The grammar gives both names.
        let value = names.next().unwrap_or(Name {
            text: String::new(),
            span,
        });
        let group = names.next().unwrap_or(Name {
            text: String::new(),
            span,
        });
        Gathering { value, group, span }
    }

    fn plausible(&self, pair: Pair<Rule>) -> Lowered<Plausible> {
        // The span ends where its last token does, not after the blank lines and
        // comments pest skipped looking for an `else warning`.
        let start = pair.as_span().start();
        let end = pair
            .clone()
            .into_inner()
            .flat_map(|p| p.into_inner())
            .map(|p| p.as_span().end())
            .chain(
                pair.clone()
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::plausible_warning)
                    .map(|p| p.as_span().end()),
            )
            .max()
            .unwrap_or(start);
        let span = Span::new(self.file, start, end);
        let mut range = Plausible {
            low: None,
            high: None,
            warning: false,
            span,
        };
        for part in pair.into_inner() {
            let rule = part.as_rule();
            if rule == Rule::plausible_warning {
                range.warning = true;
                continue;
            }
            let bounds = part
                .into_inner()
                .map(|b| self.bound(b))
                .collect::<Lowered<Vec<_>>>()?;
            let mut bounds = bounds.into_iter();
            match rule {
                Rule::between => (range.low, range.high) = (bounds.next(), bounds.next()),
                Rule::at_least => range.low = bounds.next(),
                Rule::at_most => range.high = bounds.next(),
                _ => {}
            }
        }
        Ok(range)
    }

    /// A bound of a plausible range: a literal, perhaps negative.
    fn bound(&self, pair: Pair<Rule>) -> Lowered<Expr> {
        let span = self.span(&pair);
        let mut negated = false;
        let mut literal = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::negate => negated = true,
                Rule::date => literal = Some(ExprKind::Date(self.date(part)?)),
                Rule::quantity => literal = Some(self.quantity(part)?),
                _ => {}
            }
        }
        let kind = literal.ok_or_else(|| Diagnostic::error(Code::Syntax, "a bound is missing"))?;
        let expr = Expr { kind, span };
        Ok(if negated {
            Expr {
                kind: ExprKind::Unary(UnaryOp::Negate, Box::new(expr)),
                span,
            }
        } else {
            expr
        })
    }

    fn value(&self, pair: Pair<Rule>, kind: ValueKind) -> Lowered<Value> {
        let span = self.span(&pair);
        let mut inner = parts(pair);
        let (meta, name) = self.opening(&mut inner);
        let name = name.ok_or_else(|| self.missing_name(span))?;
        let expr = match inner.next() {
            Some(e) => self.expr(e)?,
            None => return Err(self.missing_name(span)),
        };
        Ok(Value {
            kind,
            name,
            meta,
            expr,
            span,
        })
    }

    fn reading(&self, pair: Pair<Rule>) -> Lowered<Reading> {
        let span = self.span(&pair);
        let mut inner = parts(pair);
        let (meta, name) = self.opening(&mut inner);
        let name = name.ok_or_else(|| self.missing_name(span))?;
        let mut alternatives = Vec::new();
        let mut taken = None;
        let mut reason = None;
        for part in inner {
            match part.as_rule() {
                Rule::alternative => {
                    let mut parts = parts(part);
                    let (meta, name) = self.opening(&mut parts);
                    if let Some(name) = name {
                        alternatives.push(Alternative {
                            name,
                            citation: meta.citation,
                            label: meta.label,
                        });
                    }
                }
                Rule::taken => {
                    for p in part.into_inner() {
                        match p.as_rule() {
                            Rule::name => taken = Some(self.name(p)),
                            Rule::string => reason = Some(string_text(p)),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        let taken = taken.ok_or_else(|| self.missing_name(span))?;
        Ok(Reading {
            name,
            meta,
            alternatives,
            taken,
            reason,
            span,
        })
    }

    fn check(&self, pair: Pair<Rule>) -> Lowered<Check> {
        let span = self.span(&pair);
        let mut inner = parts(pair);
        let (meta, name) = self.opening(&mut inner);
        let name = name.ok_or_else(|| self.missing_name(span))?;
        let mut parts = Vec::new();
        if let Some(list) = inner.next_if(|p| p.as_rule() == Rule::check_parts) {
            parts = list.into_inner().map(|p| self.name(p)).collect();
        }
        let (Some(condition), Some(severity), Some(message)) =
            (inner.next(), inner.next(), inner.next())
        else {
            return Err(self.missing_name(span));
        };
        let severity = if severity.as_str() == "warning" {
            Severity::Warning
        } else {
            Severity::Error
        };
        Ok(Check {
            name,
            meta,
            parts,
            condition: self.expr(condition)?,
            severity,
            message: self.message(message)?,
            span,
        })
    }

    /// A check's message: text, and figures in braces (`"{overhead_rate} is above
    /// {overhead_cap}"`), each a formula parsed where it stands. `{{` and `}}` are braces.
    fn message(&self, pair: Pair<Rule>) -> Lowered<Vec<MessagePart>> {
        let whole = pair.as_span();
        // The text between the quotes, and where it starts in the file.
        let text = string_text(pair);
        let start = self.offset + whole.start() + 1;
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text.char_indices().peekable();
        while let Some((i, c)) = rest.next() {
            match c {
                '{' if rest.peek().map(|(_, c)| *c) == Some('{') => {
                    rest.next();
                    literal.push('{');
                }
                '}' if rest.peek().map(|(_, c)| *c) == Some('}') => {
                    rest.next();
                    literal.push('}');
                }
                '{' => {
                    let close = text[i..].find('}').map(|j| i + j).ok_or_else(|| {
                        Diagnostic::error(Code::Syntax, "a `{` in the message is not closed")
                            .label(
                                self.sources,
                                Span::new(self.file, start + i, start + i + 1),
                                "opened here",
                            )
                            .help("a figure is written `{name}`; write `{{` for a brace itself")
                    })?;
                    if !literal.is_empty() {
                        parts.push(MessagePart::Text(std::mem::take(&mut literal)));
                    }
                    parts.push(MessagePart::Figure(
                        self.figure(&text[i + 1..close], start + i + 1)?,
                    ));
                    while rest.peek().is_some_and(|(j, _)| *j <= close) {
                        rest.next();
                    }
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(MessagePart::Text(literal));
        }
        Ok(parts)
    }

    /// A formula inside a message, starting at `offset` in the file.
    fn figure(&self, text: &str, offset: usize) -> Lowered<Expr> {
        let inner = Lower {
            sources: self.sources,
            file: self.file,
            offset,
        };
        let mut pairs = Grammar::parse(Rule::figure, text).map_err(|_| {
            let span = Span::new(self.file, offset, offset + text.len());
            Diagnostic::error(Code::Syntax, "the figure in braces is not a formula")
                .label(self.sources, span, "not a formula")
                .help("write a name or a formula in braces: `{overhead_rate}`, `{year - 1}`")
        })?;
        match pairs.next().and_then(|p| p.into_inner().next()) {
            Some(expr) => inner.expr(expr),
            None => Err(Diagnostic::error(
                Code::Syntax,
                "an empty `{}` in a message",
            )),
        }
    }

    fn part(&self, pair: Pair<Rule>) -> Part {
        let span = self.span(&pair);
        let mut inner = parts(pair);
        let (meta, name) = self.opening(&mut inner);
        let name = name.unwrap_or(Name {
            text: String::new(),
            span,
        });
        let outputs = inner
            .filter(|p| p.as_rule() == Rule::name)
            .map(|p| self.name(p))
            .collect();
        Part {
            name,
            meta,
            outputs,
            span,
        }
    }

    fn example(&self, pair: Pair<Rule>) -> Lowered<Example> {
        let span = self.span(&pair);
        let mut example = Example {
            title: String::new(),
            title_span: span,
            citation: None,
            givens: Vec::new(),
            expects: Vec::new(),
            span,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::string => {
                    example.title_span = self.span(&part);
                    example.title = string_text(part);
                }
                Rule::citation => {
                    example.citation = part
                        .into_inner()
                        .next()
                        .map(|t| t.as_str().trim().to_string())
                }
                Rule::given => {
                    let mut inner = parts(part);
                    if let (Some(name), Some(expr)) = (inner.next(), inner.next()) {
                        example.givens.push((self.name(name), self.expr(expr)?));
                    }
                }
                Rule::expect => {
                    if let Some(expr) = part.into_inner().next() {
                        example.expects.push(self.expr(expr)?);
                    }
                }
                _ => {}
            }
        }
        Ok(example)
    }

    fn type_expr(&self, pair: Pair<Rule>) -> Lowered<TypeExpr> {
        let span = self.span(&pair);
        let Some(inner) = pair.into_inner().next() else {
            return Err(Diagnostic::error(Code::Syntax, "a type is missing"));
        };
        let kind = match inner.as_rule() {
            Rule::series_type => match inner.into_inner().next() {
                Some(s) => TypeExprKind::Series(self.scalar_type(s)),
                None => return Err(Diagnostic::error(Code::Syntax, "a type is missing")),
            },
            Rule::table_type => {
                let mut parts = inner.into_inner();
                let value = parts.next();
                let keys: Vec<Name> = parts
                    .filter_map(|k| k.into_inner().next())
                    .map(|k| self.name(k))
                    .collect();
                match value {
                    Some(value) if !keys.is_empty() => TypeExprKind::Table {
                        value: self.scalar_type(value),
                        keys,
                    },
                    _ => {
                        return Err(Diagnostic::error(
                            Code::Syntax,
                            "a table type is incomplete",
                        ))
                    }
                }
            }
            _ => TypeExprKind::Scalar(self.scalar_type(inner)),
        };
        Ok(TypeExpr { kind, span })
    }

    fn scalar_type(&self, pair: Pair<Rule>) -> ScalarTypeExpr {
        let inner = pair.into_inner().next();
        match inner {
            Some(p) if p.as_rule() == Rule::choice_type => {
                ScalarTypeExpr::Choice(p.into_inner().map(|n| self.name(n)).collect())
            }
            Some(p) => ScalarTypeExpr::Basic(p.as_str().to_string()),
            None => ScalarTypeExpr::Basic(String::new()),
        }
    }

    fn expr(&self, pair: Pair<Rule>) -> Lowered<Expr> {
        let span = self.span(&pair);
        let Some(inner) = pair.into_inner().next() else {
            return Err(Diagnostic::error(Code::Syntax, "a formula is missing"));
        };
        match inner.as_rule() {
            Rule::when_expr => {
                let mut arms = Vec::new();
                let mut otherwise = None;
                for part in inner.into_inner() {
                    if part.as_rule() == Rule::when_arm {
                        let mut two = part.into_inner();
                        if let (Some(c), Some(v)) = (two.next(), two.next()) {
                            arms.push((self.operation(c)?, self.operation(v)?));
                        }
                    } else {
                        otherwise = Some(self.operation(part)?);
                    }
                }
                let otherwise = otherwise.ok_or_else(|| {
                    Diagnostic::error(Code::Syntax, "`when` needs `otherwise`").label(
                        self.sources,
                        span,
                        "here",
                    )
                })?;
                Ok(Expr {
                    kind: ExprKind::When {
                        arms,
                        otherwise: Box::new(otherwise),
                    },
                    span,
                })
            }
            Rule::if_expr => {
                let mut three = inner.into_inner();
                let (Some(c), Some(a), Some(b)) = (three.next(), three.next(), three.next()) else {
                    return Err(Diagnostic::error(
                        Code::Syntax,
                        "`if` needs `then` and `else`",
                    ));
                };
                let arms = vec![(self.operation(c)?, self.operation(a)?)];
                let otherwise = Box::new(self.operation(b)?);
                Ok(Expr {
                    kind: ExprKind::When { arms, otherwise },
                    span,
                })
            }
            _ => self.operation(inner),
        }
    }

    fn operation(&self, pair: Pair<Rule>) -> Lowered<Expr> {
        let operators: Vec<Pair<Rule>> = pair
            .clone()
            .into_inner()
            .filter(|p| is_infix(p.as_rule()))
            .collect();
        if let Some(one_too_many) = operators.get(limits::MAX_OPERATORS) {
            return Err(Diagnostic::error(
                Code::TooDeep,
                format!(
                    "a formula with {} operators; at most {} are allowed",
                    operators.len(),
                    limits::MAX_OPERATORS
                ),
            )
            .label(
                self.sources,
                self.span(one_too_many),
                "one operator too many",
            )
            .help("break the formula into named definitions with `define`"));
        }
        PRATT
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, rhs| {
                let rhs = rhs?;
                let span = self.span(&op).to(rhs.span);
                let op = if op.as_rule() == Rule::not {
                    UnaryOp::Not
                } else {
                    UnaryOp::Negate
                };
                Ok(Expr {
                    kind: ExprKind::Unary(op, Box::new(rhs)),
                    span,
                })
            })
            .map_postfix(|lhs, op| self.postfix(lhs?, op))
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                let span = lhs.span.to(rhs.span);
                let op = match op.as_rule() {
                    Rule::add => BinaryOp::Add,
                    Rule::subtract => BinaryOp::Subtract,
                    Rule::multiply => BinaryOp::Multiply,
                    Rule::divide => BinaryOp::Divide,
                    Rule::le => BinaryOp::LessEq,
                    Rule::ge => BinaryOp::GreaterEq,
                    Rule::lt => BinaryOp::Less,
                    Rule::gt => BinaryOp::Greater,
                    Rule::eq => BinaryOp::Equal,
                    Rule::ne => BinaryOp::NotEqual,
                    Rule::and => BinaryOp::And,
                    Rule::or => BinaryOp::Or,
                    Rule::each => BinaryOp::Each,
                    _ => BinaryOp::Where,
                };
                Ok(Expr {
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    span,
                })
            })
            .parse(pair.into_inner())
    }

    fn postfix(&self, lhs: Expr, op: Pair<Rule>) -> Lowered<Expr> {
        let span = lhs.span.to(self.span(&op));
        let rule = op.as_rule();
        let mut inner = op.into_inner();
        let kind = match rule {
            Rule::index => match inner.next() {
                Some(key) => ExprKind::Index(Box::new(lhs), Box::new(self.expr(key)?)),
                None => return Err(Diagnostic::error(Code::Syntax, "`[` needs a key")),
            },
            Rule::on_date => match inner.next() {
                Some(date) => ExprKind::On(Box::new(lhs), Box::new(self.primary(date)?)),
                None => return Err(Diagnostic::error(Code::Syntax, "`on` needs a date")),
            },
            _ => {
                let mut negated = false;
                let mut variants = Vec::new();
                for part in inner {
                    match part.as_rule() {
                        Rule::is_negated => negated = true,
                        _ => variants.push(self.name(part)),
                    }
                }
                ExprKind::Is {
                    subject: Box::new(lhs),
                    negated,
                    variants,
                }
            }
        };
        Ok(Expr { kind, span })
    }

    fn primary(&self, pair: Pair<Rule>) -> Lowered<Expr> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::expr => return self.expr(pair),
            Rule::quantity => self.quantity(pair)?,
            Rule::date => ExprKind::Date(self.date(pair)?),
            Rule::boolean => ExprKind::Bool(pair.as_str() == "yes"),
            Rule::string => ExprKind::Text(string_text(pair)),
            Rule::name => ExprKind::Name(self.name(pair)),
            Rule::call => {
                let mut inner = pair.into_inner();
                let Some(function) = inner.next() else {
                    return Err(Diagnostic::error(Code::Syntax, "a call without a name"));
                };
                let args = inner.map(|a| self.expr(a)).collect::<Lowered<Vec<_>>>()?;
                ExprKind::Call {
                    function: self.name(function),
                    args,
                }
            }
            Rule::table_literal => {
                let mut entries = Vec::new();
                for entry in pair.into_inner() {
                    let mut two = entry.into_inner();
                    let (Some(key), Some(value)) = (two.next(), two.next()) else {
                        continue;
                    };
                    let key_span = self.span(&key);
                    let key_literal = match key.as_rule() {
                        Rule::date => KeyLiteral::Date(self.date(key)?),
                        Rule::integer => match key.as_str().parse::<i64>() {
                            Ok(n) => KeyLiteral::Integer(n),
                            Err(_) => {
                                return Err(self.bad_literal(
                                    key_span,
                                    format!("{} is too large for a key", key.as_str()),
                                    "use a smaller number",
                                ))
                            }
                        },
                        Rule::string => KeyLiteral::Text(string_text(key)),
                        _ => KeyLiteral::Text(key.as_str().to_string()),
                    };
                    entries.push((key_literal, key_span, self.expr(value)?));
                }
                ExprKind::Table(entries)
            }
            _ => {
                return Err(Diagnostic::error(Code::Syntax, "unexpected formula").label(
                    self.sources,
                    span,
                    "not understood",
                ))
            }
        };
        Ok(Expr { kind, span })
    }

    fn quantity(&self, pair: Pair<Rule>) -> Lowered<ExprKind> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let digits = inner
            .next()
            .map(|n| n.as_str().replace('_', ""))
            .unwrap_or_default();
        let unit = match inner.next().map(|u| u.as_str()) {
            Some("%") | Some("pp") => LiteralUnit::Percent,
            Some(word) => crate::units::dimension(word)
                .map(LiteralUnit::Quantity)
                .unwrap_or(LiteralUnit::None),
            None => LiteralUnit::None,
        };
        let too_precise = || {
            self.bad_literal(
                span,
                format!("{digits} is too large or too precise"),
                "numbers may have at most 28 significant digits",
            )
        };
        let value = Decimal::from_str(&digits).map_err(|_| too_precise())?;
        // A number too precise to hold is rounded by `from_str` (1.00000000000000000000000000001
        // would be 1): refused instead, as the help says.
        let decimals = digits.split_once('.').map_or(0, |(_, f)| f.len());
        if usize::try_from(value.scale()).ok() != Some(decimals) {
            return Err(too_precise());
        }
        let value = if unit == LiteralUnit::Percent {
            // A percentage is held as a fraction: two more decimals, which must fit.
            match value.checked_div(Decimal::ONE_HUNDRED) {
                Some(fraction) if fraction.checked_mul(Decimal::ONE_HUNDRED) == Some(value) => {
                    fraction
                }
                _ => return Err(too_precise()),
            }
        } else {
            value
        };
        Ok(ExprKind::Number(value, unit))
    }

    fn date(&self, pair: Pair<Rule>) -> Lowered<NaiveDate> {
        NaiveDate::parse_from_str(pair.as_str(), "%Y-%m-%d").map_err(|_| {
            self.bad_literal(
                self.span(&pair),
                format!("{} is not a date in the calendar", pair.as_str()),
                "write dates as YYYY-MM-DD, with a day that exists in that month",
            )
        })
    }
}

/// The inner pairs of a declaration, without its punctuation.
type Parts<'i> = std::iter::Peekable<std::vec::IntoIter<Pair<'i, Rule>>>;

fn parts(pair: Pair<'_, Rule>) -> Parts<'_> {
    let meaningful: Vec<Pair<Rule>> = pair
        .into_inner()
        .filter(|p| !matches!(p.as_rule(), Rule::assign | Rule::colon))
        .collect();
    meaningful.into_iter().peekable()
}

fn is_infix(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::add
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
            | Rule::each
    )
}

fn string_text(pair: Pair<Rule>) -> String {
    pair.into_inner()
        .next()
        .map(|t| t.as_str().to_string())
        .unwrap_or_default()
}
