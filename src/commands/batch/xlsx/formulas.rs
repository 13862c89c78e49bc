//! A workbook's formulas whose values are not what a spreadsheet computed: a
//! formula with no value stored, a workbook that asks to be recalculated when
//! opened (its stored values are not the formulas' results), or a formula whose
//! value is empty text. Read as they are, each would be a blank or a zero.

use std::path::Path;

use calamine::{DataRef, Xlsx};
use dsl::{Code, Diagnostic};

/// The cells of a sheet that hold a formula but not its value.
#[derive(Default)]
pub(super) struct Uncomputed {
    /// The first few of them, as Excel names them (`H2`).
    shown: Vec<String>,
    count: usize,
    /// How many cells hold a formula, with its value or not.
    pub(super) formulas: usize,
    /// The workbook asks to be recalculated when opened: the values its
    /// formulas hold were not computed (a program that writes workbooks without
    /// computing them stores 0).
    pub(super) stale: bool,
    /// The first few cells whose formula gives empty text (`=IFERROR(…;"")`), and
    /// how many: read, each would be a blank, its input taking its default.
    empty_text: Vec<String>,
    empty_text_count: usize,
}

/// How many cells without a value are named in the message.
const UNCOMPUTED_SHOWN: usize = 5;

/// "cell H2 holds", or "7 cells (H2, H3, … and 2 more) hold": `count` cells, the
/// first of them `shown`; none if there are none.
fn named(shown: &[String], count: usize) -> Option<String> {
    let first = shown.first()?;
    Some(match count {
        1 => format!("cell {first} holds"),
        n => {
            let more = match n - shown.len() {
                0 => String::new(),
                m => format!(" and {m} more"),
            };
            format!("{n} cells ({}{more}) hold", shown.join(", "))
        }
    })
}

impl Uncomputed {
    pub(super) fn error(&self, sheet: &str) -> Option<Diagnostic> {
        if self.stale && self.count == 0 {
            return Some(
                Diagnostic::error(
                    Code::BadInput,
                    format!(
                        "{sheet}: {}, and the workbook says their values must be computed \
                         again when it is opened",
                        match self.formulas {
                            1 => "a cell holds a formula".to_string(),
                            n => format!("{n} cells hold formulas"),
                        }
                    ),
                )
                .help(
                    "the workbook was written by a program that does not compute formulas \
                     (the values stored are not their results); open it in Excel or \
                     LibreOffice and save it, or write the figures themselves",
                ),
            );
        }
        let Some(cells) = named(&self.shown, self.count) else {
            let cells = named(&self.empty_text, self.empty_text_count)?;
            return Some(
                Diagnostic::error(
                    Code::BadInput,
                    format!("{sheet}: {cells} a formula whose value is empty text"),
                )
                .help(
                    "read, the cell would be blank and its input would take its default (a \
                     lookup that found nothing, =IFERROR(…;\"\"), would count as 0 kr or the \
                     agreement's rate); make the formula give the figure, or 0 where it is 0",
                ),
            );
        };
        Some(
            Diagnostic::error(
                Code::BadInput,
                format!("{sheet}: {cells} a formula whose value is not stored in the workbook"),
            )
            .help(
                "the workbook was written by a program that does not compute formulas; \
                 open it in Excel or LibreOffice and save it, so that each formula's value \
                 is stored, or write the figures themselves",
            ),
        )
    }
}

/// Finds the cells of `sheet` that hold a formula without its value, as a
/// workbook written by a program that does not compute formulas has them: read,
/// such a cell would be blank, and an input left blank takes its default.
pub(super) fn uncomputed_formulas<R: std::io::Read + std::io::Seek>(
    workbook: &mut Xlsx<R>,
    sheet: &str,
) -> Result<Uncomputed, calamine::XlsxError> {
    let mut cells = workbook.worksheet_cells_reader(sheet)?;
    let mut found = Uncomputed::default();
    while let Some(cell) = cells.next_cell_with_formula_metadata()? {
        if cell.formula.is_none() {
            continue;
        }
        found.formulas += 1;
        if matches!(cell.value, DataRef::Empty) {
            found.count += 1;
            if found.shown.len() < UNCOMPUTED_SHOWN {
                found.shown.push(cell_name(cell.pos));
            }
        }
        let empty_text = match &cell.value {
            DataRef::String(s) => s.trim().is_empty(),
            DataRef::SharedString(s) => s.trim().is_empty(),
            _ => false,
        };
        if empty_text {
            found.empty_text_count += 1;
            if found.empty_text.len() < UNCOMPUTED_SHOWN {
                found.empty_text.push(cell_name(cell.pos));
            }
        }
    }
    Ok(found)
}

/// True if the workbook at `path` asks to compute every formula again when it is
/// opened (`fullCalcOnLoad` in `xl/workbook.xml`): what a program writes that
/// stores formulas without computing them. A workbook that cannot be read so is
/// taken not to ask (calamine has read it already).
pub(super) fn asks_recalculation(path: &Path) -> bool {
    let read = || -> Option<String> {
        let file = std::fs::File::open(path).ok()?;
        let mut archive = zip::ZipArchive::new(file).ok()?;
        let part = archive.by_name("xl/workbook.xml").ok()?;
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::Read::take(part, 16 * 1024 * 1024), &mut text)
            .ok()?;
        Some(text)
    };
    read().is_some_and(|text| {
        text.contains("fullCalcOnLoad=\"1\"") || text.contains("fullCalcOnLoad=\"true\"")
    })
}

/// A cell's name as Excel gives it: (1, 7) is `H2`.
fn cell_name((row, column): (u32, u32)) -> String {
    let mut letters = Vec::new();
    let mut c = column + 1;
    while c > 0 {
        let digit = ((c - 1) % 26) as u8;
        letters.push(char::from(b'A' + digit));
        c = (c - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row + 1).to_string()
}
