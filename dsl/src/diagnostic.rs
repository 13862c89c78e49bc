//! Diagnostics: what went wrong, where, and what to do about it.
//!
//! Every failure takst reports — a syntax error, an unknown name, a missing
//! input, a division by zero — is a [`Diagnostic`]: a stable [`Code`], a
//! title in the analyst's words, labels on the exact source spans, and a help
//! line. Labels carry their source text, so a diagnostic renders on its own
//! (miette) wherever it ends up.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use crate::lines::{Indexed, Located};
use crate::span::{SourceFile, Sources, Span};

macro_rules! codes {
    ($($variant:ident => $text:literal),* $(,)?) => {
        /// The stable code of each kind of diagnostic; `docs/language.md` lists them all.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as shown to users, e.g. `takst::unknown_name`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => concat!("takst::", $text)),* }
            }
        }
    };
}

codes! {
    NotText => "not_text",
    FileTooLarge => "file_too_large",
    TooDeep => "too_deep",
    Syntax => "syntax",
    BadLiteral => "bad_literal",
    UnknownBase => "unknown_base",
    BundledCopy => "bundled_copy",
    BaseCycle => "base_cycle",
    UnknownName => "unknown_name",
    UnknownFunction => "unknown_function",
    UnknownVariant => "unknown_variant",
    Duplicate => "duplicate",
    OverrideWithoutBase => "override_without_base",
    UnitMismatch => "unit_mismatch",
    WrongType => "wrong_type",
    WrongArguments => "wrong_arguments",
    Cycle => "cycle",
    ParamUsesInput => "param_uses_input",
    UnknownPart => "unknown_part",
    MissingInput => "missing_input",
    BadInput => "bad_input",
    UnknownInput => "unknown_input",
    Implausible => "implausible",
    CannotWrite => "cannot_write",
    UnknownTopic => "unknown_topic",
    DivisionByZero => "division_by_zero",
    Overflow => "overflow",
    TooLarge => "too_large",
    NoValueOnDate => "no_value_on_date",
    SeriesIncomplete => "series_incomplete",
    MissingKey => "missing_key",
    InvalidDate => "invalid_date",
    EmptyShares => "empty_shares",
    GroupsDisagree => "groups_disagree",
    NoGroup => "no_group",
    GroupIncomplete => "group_incomplete",
    NamedTwiceInGroup => "named_twice_in_group",
    GroupSpeltTwoWays => "group_spelt_two_ways",
    CheckFailed => "check_failed",
    ExampleFailed => "example_failed",
    OneReading => "one_reading",
    NameAsKey => "name_as_key",
    BaseCitation => "base_citation",
    UnknownReading => "unknown_reading",
    CannotFormat => "cannot_format",
    NotFormatted => "not_formatted",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    /// Places in other files that explain an error or warning.
    Note,
}

/// A labelled place in a source file.
#[derive(Debug, Clone)]
pub struct Label {
    pub source: SourceFile,
    pub range: Range<usize>,
    pub message: String,
}

/// One reported problem.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub code: Code,
    pub level: Level,
    pub title: String,
    /// The first label is the primary place.
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with a title and no labels yet.
    pub fn error(code: Code, title: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            level: Level::Error,
            title: title.into(),
            labels: Vec::new(),
            help: None,
        }
    }

    /// A warning with a title and no labels yet.
    pub fn warning(code: Code, title: impl Into<String>) -> Diagnostic {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(code, title)
        }
    }

    /// Adds a label on `span` of a file in `sources`.
    pub fn label(self, sources: &Sources, span: Span, message: impl Into<String>) -> Diagnostic {
        match sources.get(span.file) {
            Some(file) => self.label_in(file.clone(), span.range(), message),
            None => self,
        }
    }

    /// Adds a label on a byte range of a given file.
    pub fn label_in(
        mut self,
        source: SourceFile,
        range: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let end = range.end.min(source.text.len());
        let start = range.start.min(end);
        self.labels.push(Label {
            source,
            range: start..end,
            message: message.into(),
        });
        self
    }

    /// Sets the help line: what the analyst should do.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// True for errors (not warnings).
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// `file:line:column` of the primary label, if any.
    pub fn position(&self) -> Option<String> {
        let label = self.labels.first()?;
        let before = label.source.text.get(..label.range.start).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Some(format!("{}:{}:{}", label.source.name, line, column))
    }

    /// A label on, or beside, a line too long to show (a 5 MB cell) is replaced by
    /// its position in the title: the snippet would be unreadable, rendering it once
    /// per label would take time in the square of the line, and the renderer cannot
    /// draw a label past column 65,535 (miette panics). Lines are found in `indexed`.
    fn drop_labels_on_long_lines(&mut self, indexed: &mut Indexed) {
        let long: Vec<bool> = (self.labels.iter())
            .map(|l| indexed.of(&l.source).long_line_near(l.range.clone()))
            .collect();
        if !long.contains(&true) {
            return;
        }
        if let Some(first) = self.labels.first() {
            let file = indexed.of(&first.source);
            let (line, column) = file.line_and_column(first.range.start);
            let which = match file.long_line(first.range.clone(), 0) {
                true => "the line",
                false => "a line beside it",
            };
            self.title = format!(
                "{} (at {}:{line}:{column}; {which} is too long to show)",
                self.title, first.source.name
            );
        }
        let mut long = long.into_iter();
        self.labels.retain(|_| !long.next().unwrap_or(false));
    }

    /// Labels in other files than the primary one, as one note per file.
    fn foreign_labels(&self) -> Vec<Diagnostic> {
        let Some(primary) = self.labels.first() else {
            return Vec::new();
        };
        let mut notes: Vec<Diagnostic> = Vec::new();
        for label in self.labels.iter().skip(1) {
            if Arc::ptr_eq(&label.source.text, &primary.source.text) {
                continue;
            }
            let same_file =
                |n: &&mut Diagnostic| Arc::ptr_eq(&n.labels[0].source.text, &label.source.text);
            match notes.iter_mut().find(same_file) {
                Some(note) => note.labels.push(label.clone()),
                None => notes.push(Diagnostic {
                    code: self.code,
                    level: Level::Note,
                    title: format!("see {}", label.source.name),
                    labels: vec![label.clone()],
                    help: None,
                }),
            }
        }
        notes
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
            Level::Note => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.labels
            .first()
            .map(|l| &l.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let primary = self.labels.first()?;
        let same = self
            .labels
            .iter()
            .enumerate()
            .filter(move |(_, l)| Arc::ptr_eq(&l.source.text, &primary.source.text))
            .map(|(i, l)| {
                let span = (l.range.start, l.range.len());
                let text = Some(l.message.clone()).filter(|m| !m.is_empty());
                if i == 0 {
                    miette::LabeledSpan::new_primary_with_span(text, span)
                } else {
                    miette::LabeledSpan::new_with_span(text, span)
                }
            });
        Some(Box::new(same))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        None
    }
}

impl miette::SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner =
            self.text
                .as_ref()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count() + self.first_line,
        )))
    }
}

/// Renders diagnostics the way the CLI shows them (miette's graphical report).
/// The lines of each file are indexed once for all the diagnostics (see
/// `lines.rs`), so that rendering a diagnostic per row of a large file takes time
/// linear in the file.
pub fn render(diagnostics: &[Diagnostic], color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    let mut indexed = Indexed::default();
    for diagnostic in diagnostics {
        let mut parts = vec![diagnostic.clone()];
        parts.extend(diagnostic.foreign_labels());
        for part in &mut parts {
            part.drop_labels_on_long_lines(&mut indexed);
        }
        for part in &parts {
            let source = part.labels.first().map(|l| indexed.of(&l.source).clone());
            let rendered = Rendered {
                diagnostic: part,
                source,
            };
            // Rendering into a String cannot fail; a failure would only lose text.
            let _ = handler.render_report(&mut out, &rendered);
        }
    }
    out
}

/// A diagnostic as rendered: its primary file with the starts of its lines.
#[derive(Debug)]
struct Rendered<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<Located>,
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.diagnostic.fmt(f)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        miette::Diagnostic::code(self.diagnostic)
    }

    fn severity(&self) -> Option<miette::Severity> {
        miette::Diagnostic::severity(self.diagnostic)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        miette::Diagnostic::help(self.diagnostic)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        miette::Diagnostic::labels(self.diagnostic)
    }
}
