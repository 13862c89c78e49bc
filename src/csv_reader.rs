//! Reading a CSV file piece by piece, with the place of every field, so that an
//! error in a cell can point at it and a file of a million rows is never held whole.
//!
//! Fields are separated by commas, semicolons (as a Danish spreadsheet saves
//! them) or tabs — whichever the first line uses most; a field in double quotes
//! may hold separators, line breaks and `""` for a quote (RFC 4180). A byte
//! order mark is skipped (and remembered, with the header's line ending, so that
//! the results can be written as the file was). The `csv` crate reads faster but
//! gives no field's place in the file, which every diagnostic here needs.
//!
//! [`Reader`] cuts the file into [`Chunk`]s of whole records (a few thousand rows):
//! each chunk's text is a [`SourceFile`] that knows the line it starts on, so a
//! diagnostic on one of its cells shows the right line of the file. [`fields`]
//! splits one record into its fields. What is limited is a row (at most
//! [`MAX_ROW_BYTES`]), not the file.

use std::borrow::Cow;
use std::io::Read;
use std::ops::Range;
use std::sync::Arc;

use dsl::span::SourceFile;
use dsl::{Code, Diagnostic};

/// One field: its text (unquoted) and where it is written in its chunk.
pub type Field<'a> = (Cow<'a, str>, Range<usize>);

/// The most bytes a row (a record, with its line breaks inside quotes) may have.
pub const MAX_ROW_BYTES: usize = 1024 * 1024;

/// About how many bytes of rows a chunk holds.
const CHUNK_BYTES: usize = 256 * 1024;

/// Whole records of a CSV file: their text, and where each record is in it.
#[derive(Debug, Clone)]
pub struct Chunk {
    /// The records' text; `first_line` says where in the file it starts.
    pub file: SourceFile,
    /// Each record: its bytes in `file.text`, and the line it starts on (from 1).
    pub records: Vec<(Range<usize>, usize)>,
}

/// How the file was written, for writing the results the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub separator: char,
    /// The file began with a byte order mark (as Excel's "CSV UTF-8" does).
    pub bom: bool,
    /// The header ended with `\r\n` (as Excel writes lines).
    pub crlf: bool,
}

/// A CSV file being read, chunk by chunk.
pub struct Reader<R> {
    input: R,
    name: String,
    pub dialect: Dialect,
    /// Bytes read and not yet given out in a chunk.
    pending: Vec<u8>,
    /// How many bytes of the file come before `pending`.
    offset: usize,
    /// How many lines come before `pending`.
    line: usize,
    /// Whether `pending` ends with a `\r` whose `\n` may follow.
    ended: bool,
}

/// Splits `file` (a whole file) into records of fields: the header first; a
/// line with nothing on it is no record. For files held whole (the fuzz targets);
/// `takst batch` reads with [`Reader`].
#[allow(clippy::type_complexity, dead_code)]
pub fn read(file: &SourceFile) -> Result<(Dialect, Vec<(Vec<Field<'_>>, usize)>), Diagnostic> {
    let text: &str = &file.text;
    let reader = Reader::new(text.as_bytes(), &file.name)?;
    let dialect = reader.dialect;
    let start = if dialect.bom { 3 } else { 0 };
    let scan = scan(&text.as_bytes()[start..], dialect.separator as u8, true);
    if let Some(quote) = scan.unclosed {
        return Err(unclosed(file, start + quote));
    }
    let mut records = Vec::new();
    for (range, line) in scan.records {
        let range = range.start + start..range.end + start;
        let line = line + 1;
        let mut cells = Vec::new();
        fields(file, range, dialect.separator, &mut cells)?;
        if cells.iter().any(|(t, _)| !t.trim().is_empty()) {
            records.push((cells, line));
        }
    }
    Ok((dialect, records))
}

/// The records found in some bytes of a CSV file.
struct Scan {
    /// Each whole record's bytes, without its line break, and the line it starts
    /// on (from 0, counted as miette counts lines).
    records: Vec<(Range<usize>, usize)>,
    /// The lines up to `end`.
    lines: usize,
    /// Where the whole records end (with their line breaks).
    end: usize,
    /// The opening quote of a field not closed at the end (of the file, when `ended`).
    unclosed: Option<usize>,
}

/// Finds the records in `bytes`: each ends at a line break (`\n`, `\r\n` or a lone
/// `\r`) outside quotes. A quote opens a quoted field only at the start of a field,
/// as [`fields`] reads it. When `ended`, the bytes are the rest of the file: the
/// last record needs no line break, and a `\r` last is a line break.
fn scan(bytes: &[u8], separator: u8, ended: bool) -> Scan {
    let (mut records, mut end, mut from) = (Vec::new(), 0, 0);
    let (mut quoted, mut quote) = (false, 0);
    let (mut line, mut record_line, mut lines) = (0, 0, 0);
    let mut at = 0;
    while at < bytes.len() {
        if quoted {
            // Inside quotes: only a quote ends the field; line breaks are counted.
            let Some(next) = memchr::memchr3(b'"', b'\n', b'\r', &bytes[at..]) else {
                break;
            };
            at += next;
            match bytes[at] {
                // `""` is a quote inside the field.
                b'"' => match bytes.get(at + 1) {
                    Some(b'"') => at += 1,
                    _ => quoted = false,
                },
                b'\n' => line += 1,
                _ if bytes.get(at + 1) != Some(&b'\n') => line += 1,
                _ => {}
            }
            at += 1;
            continue;
        }
        // Outside quotes: the next quote or line break, the rest skipped at once.
        let Some(next) = memchr::memchr3(b'"', b'\n', b'\r', &bytes[at..]) else {
            break;
        };
        at += next;
        match bytes[at] {
            // A quote opens a quoted field only at the start of a field.
            b'"' => {
                if at == from || bytes[at - 1] == separator {
                    quoted = true;
                    quote = at;
                }
            }
            b => {
                let next = at + 1;
                let crlf = b == b'\r' && bytes.get(next) == Some(&b'\n');
                if b == b'\r' && next == bytes.len() && !ended {
                    // Its `\n` may still come.
                    break;
                }
                records.push((from..at, record_line));
                at += usize::from(crlf);
                end = at + 1;
                from = end;
                line += 1;
                record_line = line;
                lines = line;
            }
        }
        at += 1;
    }
    let unclosed = quoted.then_some(quote);
    if ended && !quoted && from < bytes.len() {
        records.push((from..bytes.len(), record_line));
        end = bytes.len();
        lines = line;
    }
    Scan {
        records,
        lines,
        end,
        unclosed,
    }
}

/// A quoted field not closed, pointed at in `file`.
fn unclosed(file: &SourceFile, quote: usize) -> Diagnostic {
    Diagnostic::error(
        Code::BadInput,
        format!("{}: a quoted field is not closed", file.name),
    )
    .label_in(
        file.clone(),
        quote..quote + 1,
        "this quote has no closing quote",
    )
    .help("end the field with a double quote; write a quote inside it as `\"\"`")
}

impl<R: Read> Reader<R> {
    /// Starts reading: the separator is the one the first line uses most.
    pub fn new(mut input: R, name: &str) -> Result<Reader<R>, Diagnostic> {
        let mut pending = Vec::new();
        // Enough to hold the first line, or to know it is too long.
        let mut first = vec![0u8; 64 * 1024];
        loop {
            let n = read_some(&mut input, &mut first, name)?;
            pending.extend_from_slice(&first[..n]);
            let line_end = pending.iter().position(|&b| b == b'\n' || b == b'\r');
            if n == 0 || line_end.is_some() || pending.len() > MAX_ROW_BYTES {
                break;
            }
        }
        let bom = pending.starts_with("\u{feff}".as_bytes());
        if bom {
            pending.drain(..3);
        }
        let first_line_end = pending.iter().position(|&b| b == b'\n' || b == b'\r');
        let first_line = &pending[..first_line_end.unwrap_or(pending.len())];
        let count = |c: u8| first_line.iter().filter(|&&b| b == c).count();
        let separator = [b',', b';', b'\t']
            .into_iter()
            .max_by_key(|&c| (count(c), c == b','))
            .unwrap_or(b',') as char;
        let crlf = first_line_end.is_some_and(|at| pending[at..].starts_with(b"\r\n"));
        Ok(Reader {
            input,
            name: name.to_string(),
            dialect: Dialect {
                separator,
                bom,
                crlf,
            },
            pending,
            offset: if bom { 3 } else { 0 },
            line: 0,
            ended: false,
        })
    }

    /// The next whole records, or none at the end of the file.
    pub fn next_chunk(&mut self) -> Result<Option<Chunk>, Diagnostic> {
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            // A chunk's worth read before looking for the records in it, so that
            // each byte is looked at about once.
            while self.pending.len() < CHUNK_BYTES && !self.ended {
                let n = read_some(&mut self.input, &mut buffer, &self.name)?;
                self.ended = n == 0;
                self.pending.extend_from_slice(&buffer[..n]);
            }
            let scan = scan(&self.pending, self.dialect.separator as u8, self.ended);
            if self.ended {
                if let Some(quote) = scan.unclosed {
                    return Err(self.unclosed(quote));
                }
            }
            if scan.end >= CHUNK_BYTES || (self.ended && scan.end == self.pending.len()) {
                return self.give(scan);
            }
            if self.pending.len() - scan.end > MAX_ROW_BYTES {
                if self.pending.contains(&0) {
                    return Err(self.not_text());
                }
                return Err(self.too_long(scan.end));
            }
            let n = read_some(&mut self.input, &mut buffer, &self.name)?;
            self.ended = n == 0;
            self.pending.extend_from_slice(&buffer[..n]);
        }
    }

    /// The whole records `scan` found at the start of `pending`, as a chunk.
    fn give(&mut self, scan: Scan) -> Result<Option<Chunk>, Diagnostic> {
        if scan.end == 0 {
            return Ok(None);
        }
        let bytes: Vec<u8> = self.pending.drain(..scan.end).collect();
        if bytes.contains(&0) {
            return Err(self.not_text());
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            Diagnostic::error(
                Code::NotText,
                format!(
                    "{} is not UTF-8 text (byte {} is not part of a character)",
                    self.name,
                    self.offset + e.utf8_error().valid_up_to()
                ),
            )
            .help("in Excel, save it with 'Save as' → 'CSV UTF-8 (comma delimited)'")
        })?;
        let records = (scan.records.into_iter())
            .map(|(range, line)| (range, line + self.line + 1))
            .collect();
        let file = SourceFile {
            name: self.name.clone(),
            first_line: self.line,
            text: Arc::from(text),
        };
        // The chunk ends with a line break, or the file does.
        self.line += scan.lines;
        self.offset += scan.end;
        Ok(Some(Chunk { file, records }))
    }

    /// A quoted field not closed at the end of the file: its record shown alone.
    fn unclosed(&self, quote: usize) -> Diagnostic {
        let line_start = |before: usize| {
            self.pending[..before]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |at| at + 1)
        };
        // The line of the quote, and the one before it.
        let own = line_start(quote);
        let start = line_start(own.saturating_sub(1));
        let start = if own == 0 { 0 } else { start };
        let end = (quote + 200).min(self.pending.len());
        let shown = &self.pending[start..end];
        let shown = match shown[quote - start..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
        {
            Some(n) => &shown[..quote - start + n],
            None => shown,
        };
        let before = String::from_utf8_lossy(&self.pending[..start]);
        let file = SourceFile {
            name: self.name.clone(),
            first_line: self.line + dsl::lines::line_starts(&before).len() - 1,
            text: Arc::from(String::from_utf8_lossy(shown).into_owned()),
        };
        unclosed(&file, quote - start)
    }

    fn not_text(&self) -> Diagnostic {
        Diagnostic::error(
            Code::NotText,
            format!("{} is not a text file", self.name),
        )
        .help("a tariff file is plain text (UTF-8) or an XLSX workbook; check that you chose the right file")
    }

    fn too_long(&self, records_end: usize) -> Diagnostic {
        let before = String::from_utf8_lossy(&self.pending[..records_end]);
        let line = self.line + dsl::lines::line_starts(&before).len();
        Diagnostic::error(
            Code::BadInput,
            format!(
                "{}: the row on line {line} is longer than {} MiB, the most a row may be",
                self.name,
                MAX_ROW_BYTES / (1024 * 1024)
            ),
        )
        .help("a row holds one offer; check that every quoted field is closed by a double quote")
    }
}

/// An error of the system in plain words, without its number.
fn plain(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn read_some(input: &mut impl Read, buffer: &mut [u8], name: &str) -> Result<usize, Diagnostic> {
    loop {
        match input.read(buffer) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(Diagnostic::error(
                    Code::BadInput,
                    format!("cannot read {name}: {}", plain(&e)),
                )
                .help("check the path; it is relative to the folder you run takst in"))
            }
        }
    }
}

/// Splits the record at `range` of `file` into its fields, appended to `out`.
pub fn fields<'a>(
    file: &'a SourceFile,
    range: Range<usize>,
    separator: char,
    out: &mut Vec<Field<'a>>,
) -> Result<(), Diagnostic> {
    fields_upto(file, range, separator, out, usize::MAX)
}

/// The field numbered `at` of the record at `range` (its text, unquoted), read
/// without splitting the fields after it; those before it are split into
/// `scratch` (emptied first), so that a caller reading many records allocates
/// no list for each.
pub fn field_with<'a>(
    file: &'a SourceFile,
    range: Range<usize>,
    separator: char,
    at: usize,
    scratch: &mut Vec<Field<'a>>,
) -> Option<Cow<'a, str>> {
    scratch.clear();
    fields_upto(file, range, separator, scratch, at.saturating_add(1)).ok()?;
    (at < scratch.len()).then(|| scratch.swap_remove(at).0)
}

/// [`fields`], up to `limit` fields.
fn fields_upto<'a>(
    file: &'a SourceFile,
    range: Range<usize>,
    separator: char,
    out: &mut Vec<Field<'a>>,
    limit: usize,
) -> Result<(), Diagnostic> {
    let limit = out.len().saturating_add(limit);
    let text: &'a str = &file.text;
    let bytes = text.as_bytes();
    let sep = separator as u8;
    let end = range.end;
    let mut at = range.start;
    loop {
        if bytes.get(at) == Some(&b'"') && at < end {
            // A quoted field: up to the closing quote; `""` is a quote.
            let open = at;
            let mut value: Option<String> = None;
            let mut from = at + 1;
            at += 1;
            let close =
                loop {
                    match memchr_quote(bytes, at, end) {
                        Some(q) if bytes.get(q + 1) == Some(&b'"') && q + 1 < end => {
                            let v = value.get_or_insert_with(String::new);
                            v.push_str(&text[from..=q]);
                            at = q + 2;
                            from = at;
                        }
                        Some(q) => break q,
                        None => return Err(Diagnostic::error(
                            Code::BadInput,
                            format!("{}: a quoted field is not closed", file.name),
                        )
                        .label_in(
                            file.clone(),
                            open..open + 1,
                            "this quote has no closing quote",
                        )
                        .help(
                            "end the field with a double quote; write a quote inside it as `\"\"`",
                        )),
                    }
                };
            let content = match value {
                Some(mut v) => {
                    v.push_str(&text[from..close]);
                    Cow::Owned(v)
                }
                None => Cow::Borrowed(&text[from..close]),
            };
            out.push((content, open..close + 1));
            at = close + 1;
            if at >= end || out.len() >= limit {
                return Ok(());
            }
            if bytes[at] != sep {
                return Err(Diagnostic::error(
                    Code::BadInput,
                    format!("{}: text after a quoted field", file.name),
                )
                .label_in(
                    file.clone(),
                    at..at + 1,
                    "expected a separator or the end of the line",
                )
                .help("put the whole field in quotes, or none of it"));
            }
            at += 1;
            if at == end {
                out.push((Cow::Borrowed(""), at..at));
                return Ok(());
            }
            continue;
        }
        // An unquoted field: up to the next separator.
        let to = next_separator(&bytes[at..end], sep).map_or(end, |n| at + n);
        out.push((Cow::Borrowed(&text[at..to]), at..to));
        if to == end || out.len() >= limit {
            return Ok(());
        }
        at = to + 1;
        if at == end {
            out.push((Cow::Borrowed(""), at..at));
            return Ok(());
        }
    }
}

/// Where the first `sep` of `bytes` is: most cells are short, and are looked
/// through byte by byte (a call of `memchr` costs more than a few bytes do); the
/// rest of a long one by `memchr`.
#[inline]
fn next_separator(bytes: &[u8], sep: u8) -> Option<usize> {
    const SHORT: usize = 16;
    let (start, rest) = bytes.split_at(bytes.len().min(SHORT));
    match start.iter().position(|&b| b == sep) {
        Some(at) => Some(at),
        None => memchr::memchr(sep, rest).map(|at| start.len() + at),
    }
}

fn memchr_quote(bytes: &[u8], from: usize, end: usize) -> Option<usize> {
    memchr::memchr(b'"', &bytes[from.min(end)..end]).map(|n| from + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields_of(text: &str) -> (char, Vec<Vec<String>>) {
        let file = SourceFile::new("t.csv", text);
        let (dialect, records) = read(&file).expect("reads");
        let texts = records
            .iter()
            .map(|(r, _)| {
                // Every field's place holds its text (quoted fields: with their quotes).
                for (value, span) in r {
                    let written = &text[span.clone()];
                    assert!(written.contains(value.as_ref()) || written.contains("\"\""));
                }
                r.iter().map(|(v, _)| v.to_string()).collect()
            })
            .collect();
        (dialect.separator, texts)
    }

    /// The separator found byte by byte is the one `memchr` finds, in a cell
    /// of any length, at any place.
    #[test]
    fn a_separator_is_found_where_memchr_finds_it() {
        for len in 0..40 {
            for at in 0..=len {
                let mut bytes = vec![b'7'; len];
                if at < len {
                    bytes[at] = b';';
                }
                if at + 3 < len {
                    bytes[at + 3] = b';';
                }
                assert_eq!(
                    next_separator(&bytes, b';'),
                    memchr::memchr(b';', &bytes),
                    "{len} {at}"
                );
            }
        }
    }

    #[test]
    fn fields_are_split_on_the_separator_the_header_uses() {
        let (sep, rows) = fields_of("name;places;budget\nLindely;24;14.800.000,50\r\n\nEngen;;1\n");
        assert_eq!(sep, ';');
        assert_eq!(
            rows,
            vec![
                vec!["name", "places", "budget"],
                vec!["Lindely", "24", "14.800.000,50"],
                vec!["Engen", "", "1"],
            ]
        );
        assert_eq!(
            fields_of("a,b\n1,2").1,
            vec![vec!["a", "b"], vec!["1", "2"]]
        );
        assert_eq!(fields_of("a\tb\n1\t2\n").0, '\t');
    }

    #[test]
    fn quoted_fields_hold_separators_quotes_and_line_breaks() {
        let (_, rows) =
            fields_of("\u{feff}name,note\n\"Toften, afd. 2\",\"says \"\"hi\"\"\nthere\"\n");
        assert_eq!(
            rows,
            vec![
                vec!["name", "note"],
                vec!["Toften, afd. 2", "says \"hi\"\nthere"],
            ]
        );
    }

    #[test]
    fn a_trailing_separator_is_an_empty_field() {
        assert_eq!(
            fields_of("a,b,\n1,2,").1,
            vec![vec!["a", "b", ""], vec!["1", "2", ""]]
        );
    }

    #[test]
    fn an_unclosed_quote_is_an_error_at_the_quote() {
        let file = SourceFile::new("t.csv", "a,b\n1,\"2\n");
        let e = read(&file).expect_err("unclosed");
        assert!(e.title.contains("not closed"), "{}", e.title);
    }

    /// Read in chunks of any size, a file gives the same records, each on its line.
    #[test]
    fn chunks_keep_records_whole_and_lines_right() {
        let mut text = String::from("\u{feff}name,note\r\n");
        for i in 0..20_000 {
            text.push_str(&format!("\"Offer {i}\",\"two\r\nlines\"\r\n"));
        }
        let mut reader = Reader::new(text.as_bytes(), "t.csv").expect("opens");
        assert!(reader.dialect.bom && reader.dialect.crlf);
        let (mut count, mut chunks) = (0, 0);
        while let Some(chunk) = reader.next_chunk().expect("reads") {
            chunks += 1;
            for (range, line) in chunk.records {
                let mut cells = Vec::new();
                fields(&chunk.file, range, ',', &mut cells).expect("fields");
                if count > 0 {
                    assert_eq!(cells[0].0, format!("Offer {}", count - 1));
                    assert_eq!(line, 2 * count, "record {count}");
                }
                count += 1;
            }
        }
        assert_eq!(count, 20_001);
        assert!(chunks > 1, "read in more than one chunk");
    }

    #[test]
    fn a_row_too_long_is_refused_not_read_whole() {
        let mut text = b"name\n\"".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_ROW_BYTES + 10));
        let mut reader = Reader::new(&text[..], "t.csv").expect("opens");
        let e = loop {
            match reader.next_chunk() {
                Err(e) => break e,
                Ok(None) => panic!("read to the end"),
                Ok(Some(_)) => {}
            }
        };
        assert!(e.title.contains("longer than 1 MiB"), "{}", e.title);
    }
}
