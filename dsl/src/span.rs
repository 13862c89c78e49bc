//! Places in source files: which file, which bytes.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Index of a source file in a [`Sources`] set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct FileId(pub u16);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// The span from `start` to `end` (byte offsets) in `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        // Files are limited to a few MiB (see `limits`), so offsets fit u32.
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            file,
            start: clamp(start),
            end: clamp(end),
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The byte range, for slicing source text.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start as usize, (span.end - span.start) as usize).into()
    }
}

/// One loaded source file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceFile {
    /// The name shown in diagnostics (a path, or `bundled:national`).
    pub name: String,
    pub text: Arc<str>,
    /// How many lines of the file come before `text`: 0 for a whole file; more for
    /// a piece of a large file read piece by piece (a tariff file of a million
    /// rows), so that its lines are shown with their numbers in the file.
    pub first_line: usize,
}

impl SourceFile {
    /// A whole file.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
            first_line: 0,
        }
    }
}

/// Every source file a program was built from; spans index into it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        let id = FileId(u16::try_from(self.files.len()).unwrap_or(u16::MAX));
        self.files.push(SourceFile::new(name, text));
        id
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// The text a span covers ("" if the span is not in these sources).
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file)
            .and_then(|f| f.text.get(span.range()))
            .unwrap_or("")
    }

    /// `name:line:column` of the span's start, 1-based.
    pub fn position(&self, span: Span) -> String {
        let Some(file) = self.get(span.file) else {
            return String::from("?");
        };
        let before = file.text.get(..span.start as usize).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{}:{}:{}", file.name, line, column)
    }

    /// All files, in the order they were added.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }
}
