//! A tariff file opened for reading, CSV or XLSX: its header, then its rows
//! chunk by chunk, never the whole file at once.
//!
//! A CSV file is read as it is written (`csv_reader.rs`). The first sheet of an
//! XLSX workbook is read cell by cell (`xlsx.rs`) and each row written as a line
//! of CSV, with the cell's number as its shortest exact text: so both are read,
//! typed and pointed at in diagnostics the same way.

use std::fs::File;
use std::io::{BufReader, Read};
use std::ops::Range;
use std::path::Path;

use dsl::span::SourceFile;
use dsl::{Code, Diagnostic};
use engine::Decimals;

pub use crate::csv_reader::Chunk;
use crate::csv_reader::{self, Dialect, Reader};

use super::xlsx;

/// The most columns a tariff file may have: an agreement has a few dozen inputs.
pub const MAX_COLUMNS: usize = 2_000;

/// The rows of a tariff file, read chunk by chunk.
pub struct Sheet {
    rows: Rows,
    name: String,
    /// Where it was opened, to read it again.
    path: std::path::PathBuf,
    /// The header: the file (chunk) it is in, and its fields.
    pub header_file: SourceFile,
    pub header: Vec<(String, Range<usize>)>,
    pub dialect: Dialect,
    /// The rows of the header's chunk after it, not given out yet.
    first: Option<Chunk>,
    /// The file's size in bytes (for progress), if known.
    pub size: Option<u64>,
    xlsx: bool,
}

/// A CSV file read as a stream: the bytes read to tell CSV from XLSX, then the rest.
type Stream = BufReader<std::io::Chain<std::io::Cursor<Vec<u8>>, File>>;

enum Rows {
    Csv(Reader<Stream>),
    Xlsx(Box<xlsx::Rows>),
}

impl Sheet {
    /// Opens the tariff file at `path` and reads its header.
    pub fn open(path: &Path) -> Result<Sheet, Diagnostic> {
        let name = path.display().to_string();
        let cannot = |e: std::io::Error| {
            Diagnostic::error(
                Code::BadInput,
                format!("cannot read {name}: {}", crate::output::plain(&e)),
            )
            .help("check the path; it is relative to the folder you run takst in")
        };
        let meta = std::fs::metadata(path).map_err(cannot)?;
        if meta.is_dir() {
            return Err(Diagnostic::error(
                Code::BadInput,
                format!("{name} is a folder, not a file"),
            )
            .help("give the path of a tariff file inside it"));
        }
        let mut file = File::open(path).map_err(cannot)?;
        let mut magic = [0u8; 4];
        let n = file.read(&mut magic).map_err(cannot)?;
        let zipped = magic[..n] == *b"PK\x03\x04";
        let size = meta.is_file().then_some(meta.len());
        if zipped {
            if !meta.is_file() {
                return Err(Diagnostic::error(
                    Code::BadInput,
                    format!("{name} is a workbook (XLSX) that is not a plain file"),
                )
                .help("save the workbook to a file and give its path: a workbook is read by its parts, not as a stream"));
            }
            let rows = xlsx::Rows::open(path, &name)?;
            return Self::start(Rows::Xlsx(Box::new(rows)), name, path, size, true);
        }
        // The same handle read on after the bytes looked at: a pipe (or standard
        // input) cannot be opened again at its start.
        let read = std::io::Cursor::new(magic[..n].to_vec()).chain(file);
        let reader = Reader::new(BufReader::with_capacity(1 << 20, read), &name)?;
        Self::start(Rows::Csv(reader), name, path, size, false)
    }

    /// The same file, opened again at its first row: for a second pass over it.
    /// Only a plain file can be read twice.
    pub fn again(&self) -> Result<Sheet, Diagnostic> {
        let plain = std::fs::metadata(&self.path).is_ok_and(|m| m.is_file());
        if !plain {
            return Err(Diagnostic::error(
                Code::BadInput,
                format!("{} cannot be read twice, and the agreement gathers figures across its rows", self.name),
            )
            .help("save the rows to a file and give its path: a table gathered over the rows of a group is made before any row is evaluated"));
        }
        Sheet::open(&self.path)
    }

    fn start(
        mut rows: Rows,
        name: String,
        path: &Path,
        size: Option<u64>,
        xlsx: bool,
    ) -> Result<Sheet, Diagnostic> {
        let dialect = match &rows {
            Rows::Csv(reader) => reader.dialect,
            Rows::Xlsx(_) => Dialect {
                separator: ',',
                bom: false,
                crlf: false,
            },
        };
        // The header is the first record with anything on it.
        loop {
            let Some(mut chunk) = next(&mut rows)? else {
                return Err(
                    Diagnostic::error(Code::BadInput, format!("{name} has no header")).help(
                        "the first line names the inputs, one per column: `name,places,budget,…`",
                    ),
                );
            };
            let mut at = 0;
            while at < chunk.records.len() {
                let (range, _) = chunk.records[at].clone();
                let mut fields = Vec::new();
                csv_reader::fields(&chunk.file, range, dialect.separator, &mut fields)?;
                at += 1;
                if fields.iter().all(|(t, _)| t.trim().is_empty()) {
                    continue;
                }
                let header: Vec<(String, Range<usize>)> = fields
                    .into_iter()
                    .map(|(t, r)| (t.into_owned(), r))
                    .collect();
                if header.len() > MAX_COLUMNS {
                    return Err(Diagnostic::error(
                        Code::BadInput,
                        format!(
                            "{name} has {} columns; a tariff file may have at most {MAX_COLUMNS}",
                            header.len()
                        ),
                    )
                    .help("give one column per input of the agreement (`takst list --parts A` names them)"));
                }
                chunk.records.drain(..at);
                return Ok(Sheet {
                    rows,
                    name,
                    path: path.to_path_buf(),
                    header_file: chunk.file.clone(),
                    header,
                    dialect,
                    first: Some(chunk),
                    size,
                    xlsx,
                });
            }
        }
    }

    /// The next chunk of rows, or none at the end.
    pub fn next_chunk(&mut self) -> Result<Option<Chunk>, Diagnostic> {
        match self.first.take() {
            Some(chunk) => Ok(Some(chunk)),
            None => next(&mut self.rows),
        }
    }

    /// The file's name, as messages give it.
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// The column naming each offer, if there is one.
    pub fn name_column(&self) -> Option<usize> {
        (self.header.iter()).position(|(n, _)| n.trim() == engine::NAME_FIELD)
    }

    pub fn separator(&self) -> char {
        self.dialect.separator
    }

    /// How many columns the header names.
    pub fn width(&self) -> usize {
        self.header.len()
    }

    /// How numbers are written in the cells: a file of semicolons writes decimal
    /// commas; a workbook's numbers are read from the cells themselves.
    pub fn decimals(&self) -> Decimals {
        match (self.xlsx, self.dialect.separator) {
            (true, _) => Decimals::Workbook,
            (false, ';') => Decimals::Comma,
            (false, _) => Decimals::Point,
        }
    }
}

fn next(rows: &mut Rows) -> Result<Option<Chunk>, Diagnostic> {
    match rows {
        Rows::Csv(reader) => reader.next_chunk(),
        Rows::Xlsx(rows) => rows.next_chunk(),
    }
}
