//! Places in a text as the editor counts them: lines from 0, and columns in UTF-16
//! code units (LSP's default encoding), so `æ` is one column and `𝄞` two.

use std::ops::Range;

use lsp_types::Position;

/// The starts of a text's lines, to turn byte offsets into positions and back.
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        Lines {
            starts: dsl::lines::line_starts(text),
        }
    }

    /// The position of the byte at `offset` (clamped to the text, and to the start of a
    /// character).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char(text, offset.min(text.len()));
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column: usize = (text.get(start..offset).unwrap_or(""))
            .chars()
            .map(char::len_utf16)
            .sum();
        Position::new(as_u32(line), as_u32(column))
    }

    /// The range of a byte range.
    pub fn range(&self, text: &str, range: Range<usize>) -> lsp_types::Range {
        lsp_types::Range::new(
            self.position(text, range.start),
            self.position(text, range.end),
        )
    }

    /// The byte offset of a position; a column past its line's end is the line's end,
    /// a line past the text's end the text's end.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = (self.starts.get(position.line as usize + 1).copied()).unwrap_or(text.len());
        let line = text.get(start..end).unwrap_or("");
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= position.character as usize || c == '\n' || c == '\r' {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }
}

fn floor_char(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn as_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_utf16_units() {
        let text = "æø x\n𝄞 y\r\nz";
        let lines = Lines::new(text);
        // `x` is after two letters of two bytes each and a space.
        assert_eq!(lines.position(text, 5), Position::new(0, 3));
        // `y` is after a character of four bytes, two UTF-16 units.
        let y = text.find('y').unwrap_or(0);
        assert_eq!(lines.position(text, y), Position::new(1, 3));
        assert_eq!(lines.offset(text, Position::new(1, 3)), y);
        let z = text.find('z').unwrap_or(0);
        assert_eq!(lines.position(text, z), Position::new(2, 0));
        assert_eq!(lines.offset(text, Position::new(1, 99)), y + 1);
        assert_eq!(lines.offset(text, Position::new(9, 0)), text.len());
    }
}
