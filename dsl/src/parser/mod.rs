//! From text to [`ast::File`]: the only module that sees pest.
//!
//! One method of [`Lower`] per grammar rule turns a pest `Pair` into an AST node
//! with its span: the declarations in `declarations.rs`, types and formulas
//! (operator precedence a `PrattParser`) in `expressions.rs`. Here: a file parsed,
//! and recovery after a syntax error. No `Pair` leaves this module.

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

mod declarations;
mod expressions;

pub(crate) use expressions::is_infix;

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
}

/// The inner pairs of a declaration, without its punctuation.
pub(super) type Parts<'i> = std::iter::Peekable<std::vec::IntoIter<Pair<'i, Rule>>>;

pub(super) fn parts(pair: Pair<'_, Rule>) -> Parts<'_> {
    let meaningful: Vec<Pair<Rule>> = pair
        .into_inner()
        .filter(|p| !matches!(p.as_rule(), Rule::assign | Rule::colon))
        .collect();
    meaningful.into_iter().peekable()
}

pub(super) fn string_text(pair: Pair<Rule>) -> String {
    pair.into_inner()
        .next()
        .map(|t| t.as_str().to_string())
        .unwrap_or_default()
}
