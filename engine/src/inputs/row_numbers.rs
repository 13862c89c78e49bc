//! A row's plain numbers read once for every agreement that reads the row
//! (`takst batch --agreements a,b,c`): the cells are the same text for each.

/// The plain numbers of a row's cells (`1234.5`, `-12`), by column, each with the
/// text it was read from: read once for every agreement that reads the row
/// ([`Inputs::read_row_sharing`]). A cell whose text is not the one held is read
/// again, so a number is never taken for another cell's.
/// `Default` holds nothing (each cell read anew: one agreement reads a row once);
/// [`RowNumbers::shared`] holds them.
#[derive(Debug, Clone, Default)]
pub struct RowNumbers {
    cells: Vec<Option<HeldNumber>>,
    held: bool,
}

/// A cell's text (up to [`HeldNumber::MOST`] bytes) and its plain number, if it is one.
#[derive(Debug, Clone, Copy)]
struct HeldNumber {
    text: [u8; HeldNumber::MOST],
    len: u8,
    number: Option<rust_decimal::Decimal>,
}

impl HeldNumber {
    /// The longest text held: a plain number of 19 digits, a sign and a point.
    const MOST: usize = 21;
}

impl RowNumbers {
    /// Numbers held for the agreements after the first that read a row.
    pub fn shared() -> RowNumbers {
        RowNumbers {
            cells: Vec::new(),
            held: true,
        }
    }

    /// The plain number the cell of column `at` is written as (`number::plain_decimal`).
    #[inline]
    pub(super) fn plain(&mut self, at: usize, text: &str) -> Option<rust_decimal::Decimal> {
        let bytes = text.as_bytes();
        if !self.held || bytes.len() > HeldNumber::MOST {
            return super::number::plain_decimal(text);
        }
        if let Some(Some(held)) = self.cells.get(at) {
            if held.text.get(..usize::from(held.len)) == Some(bytes) {
                return held.number;
            }
        }
        let number = super::number::plain_decimal(text);
        if self.cells.len() <= at {
            self.cells.resize(at + 1, None);
        }
        let mut held = HeldNumber {
            text: [0; HeldNumber::MOST],
            len: bytes.len() as u8,
            number,
        };
        held.text[..bytes.len()].copy_from_slice(bytes);
        self.cells[at] = Some(held);
        number
    }
}
