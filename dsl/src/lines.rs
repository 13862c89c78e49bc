//! Finding the line of a place in a source file by a binary search over the
//! starts of its lines, computed once per file.
//!
//! A diagnostic shows the lines around each label. Read from the start of the
//! file each time (as a plain `str` is read), the labels of a diagnostic per row
//! of a tariff file cost time in the square of the file's length: 8,000 wrong
//! rows took seconds, a 25 MB file hours. With the starts of the lines at hand,
//! only the lines shown are read.

use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::span::SourceFile;

/// The byte offset at which each line of `text` starts (the first is 0). A line
/// ends at `\n`, `\r\n` or a lone `\r`, as miette counts lines.
pub fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'\n' => starts.push(at + 1),
            b'\r' if bytes.get(at + 1) == Some(&b'\n') => {
                at += 1;
                starts.push(at + 1);
            }
            b'\r' => starts.push(at + 1),
            _ => {}
        }
        at += 1;
    }
    starts
}

/// The longest line a diagnostic shows. miette renders the lines around a label
/// once per label, and cannot place a label past column 65,535 (it panics): a
/// label on, or beside, a longer line is given by its place instead.
pub const LONGEST_LINE_SHOWN: usize = 1_000;

/// The files of a set of diagnostics, each with its lines indexed once.
#[derive(Debug, Default)]
pub struct Indexed(Vec<Located>);

impl Indexed {
    /// `file` with its lines indexed (the same text is indexed once).
    pub fn of(&mut self, file: &SourceFile) -> &Located {
        let at = match (self.0.iter()).position(|l| Arc::ptr_eq(&l.file.text, &file.text)) {
            Some(at) => at,
            None => {
                self.0.push(Located::new(file.clone()));
                self.0.len() - 1
            }
        };
        &self.0[at]
    }
}

/// A source file and the starts of its lines.
#[derive(Debug, Clone)]
pub struct Located {
    pub file: SourceFile,
    starts: Arc<[usize]>,
}

impl Located {
    /// Indexes the lines of `file` (once; a clone shares the index).
    pub fn new(file: SourceFile) -> Located {
        let starts = line_starts(&file.text).into();
        Located { file, starts }
    }

    /// The line (from 0) of the byte at `offset`; the last line past the end.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// True if a line from the one before `range` to the one after it is longer
    /// than [`LONGEST_LINE_SHOWN`].
    pub fn long_line_near(&self, range: std::ops::Range<usize>) -> bool {
        self.long_line(range, 1)
    }

    /// True if a line of `range`, or within `beside` lines of it, is longer than
    /// [`LONGEST_LINE_SHOWN`].
    pub fn long_line(&self, range: std::ops::Range<usize>, beside: usize) -> bool {
        let first = self.line_of(range.start).saturating_sub(beside);
        let last = self.line_of(range.end).saturating_add(beside);
        (first..=last.min(self.starts.len().saturating_sub(1))).any(|line| {
            let start = self.starts.get(line).copied().unwrap_or(0);
            let end = (self.starts.get(line + 1).copied()).unwrap_or(self.file.text.len());
            end.saturating_sub(start) > LONGEST_LINE_SHOWN
        })
    }

    /// `(line, column)` of the byte at `offset`, both from 1; the column in characters.
    pub fn line_and_column(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let text = self.file.text.get(start..offset.max(start)).unwrap_or("");
        (line + 1 + self.file.first_line, text.chars().count() + 1)
    }
}

impl SourceCode for Located {
    /// What miette reads for a plain `str`, read from the first line shown instead
    /// of from the start of the file: the same lines, columns and offsets.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // One line more than shown: miette looks at the byte before a span that
        // is empty, which may end the line before.
        let first = self
            .line_of(span.offset())
            .saturating_sub(context_lines_before)
            .saturating_sub(1);
        let base = self.starts.get(first).copied().unwrap_or(0);
        let text = self.file.text.as_bytes().get(base..).unwrap_or_default();
        let shifted = SourceSpan::new(span.offset().saturating_sub(base).into(), span.len());
        let inner = text.read_span(&shifted, context_lines_before, context_lines_after)?;
        let data: &'a [u8] = inner.data();
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.name.clone(),
            data,
            SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
            inner.line() + first + self.file.first_line,
            inner.column(),
            inner.line_count() + first + self.file.first_line,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn located(text: &str) -> Located {
        Located::new(SourceFile::new("f", text))
    }

    #[test]
    fn lines_end_at_newlines_crlf_and_lone_returns() {
        assert_eq!(line_starts("a\nb\r\nc\rd"), vec![0, 2, 5, 7]);
        assert_eq!(line_starts(""), vec![0]);
        assert_eq!(line_starts("\n"), vec![0, 1]);
    }

    #[test]
    fn a_long_line_is_found_beside_a_label() {
        let long = "x".repeat(LONGEST_LINE_SHOWN + 1);
        let l = located(&format!("a\n{long}\nb\nc\nd"));
        assert!(l.long_line_near(0..1));
        assert!(l.long_line_near(5..6));
        // `b` is beside the long line; `d`, two lines on, is not.
        let b = LONGEST_LINE_SHOWN + 4;
        assert_eq!(&l.file.text[b..b + 1], "b");
        assert!(l.long_line_near(b..b + 1));
        assert_eq!(&l.file.text[b + 4..b + 5], "d");
        assert!(!l.long_line_near(b + 4..b + 5));
    }

    #[test]
    fn line_and_column_count_characters() {
        let l = located("æø\nå x");
        assert_eq!(l.line_and_column(0), (1, 1));
        assert_eq!(l.line_and_column(5), (2, 1));
        assert_eq!(l.line_and_column(8), (2, 3));
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["a", "bc", "æ", "\n", "\r\n", "\r", " ", "\n\n"])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Every span, with any context, reads as miette reads it from a plain `str`.
        #[test]
        fn a_span_reads_as_from_the_whole_text(
            pieces in prop::collection::vec(piece(), 0..40),
            at in 0usize..80,
            len in 0usize..12,
            before in 0usize..4,
            after in 0usize..4,
        ) {
            let text: String = pieces.concat();
            // Labels lie within their text (`Diagnostic::label_in` clamps them);
            // past its end miette's own reading panics.
            let at = at.min(text.len());
            let len = len.min(text.len() - at);
            let span = SourceSpan::new(at.into(), len);
            let whole = text.as_str().read_span(&span, before, after);
            let indexed = located(&text);
            let fast = indexed.read_span(&span, before, after);
            match (whole, fast) {
                (Ok(w), Ok(f)) => {
                    prop_assert_eq!(w.data(), f.data());
                    prop_assert_eq!(w.span(), f.span());
                    prop_assert_eq!(w.line(), f.line());
                    prop_assert_eq!(w.column(), f.column());
                    prop_assert_eq!(w.line_count(), f.line_count());
                }
                (Err(_), Err(_)) => {}
                (w, f) => prop_assert!(false, "{:?} vs {:?}", w.map(|_| ()), f.map(|_| ())),
            };
        }
    }
}
