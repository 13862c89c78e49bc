//! Reading a CSV file with the place of every field, so that an error in a cell
//! can point at it.
//!
//! Fields are separated by commas, semicolons (as a Danish spreadsheet saves
//! them) or tabs — whichever the first line uses most; a field in double quotes
//! may hold separators, line breaks and `""` for a quote (RFC 4180). A byte
//! order mark is skipped. The `csv` crate reads faster but gives no field's place
//! in the file, which every diagnostic here needs.

use std::ops::Range;

use dsl::span::SourceFile;
use dsl::{Code, Diagnostic};

/// One field: its text (unquoted) and where it is written.
pub type Field = (String, Range<usize>);

/// The records of a CSV file.
#[derive(Debug)]
pub struct Records {
    pub separator: char,
    /// Each record's fields, and the line it starts on (from 1).
    pub records: Vec<(Vec<Field>, usize)>,
}

/// Splits `file` into records of fields.
pub fn read(file: &SourceFile) -> Result<Records, Diagnostic> {
    let text: &str = &file.text;
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let separator = separator(&text[start..]);
    let mut records = Vec::new();
    let (mut fields, mut line, mut record_line) = (Vec::new(), 1, 1);
    let mut chars = text[start..]
        .char_indices()
        .map(|(i, c)| (i + start, c))
        .peekable();
    let mut at_field_start = true;
    while let Some(&(i, c)) = chars.peek() {
        if c == '"' && at_field_start {
            // A quoted field: up to the closing quote; `""` is a quote.
            chars.next();
            let mut value = String::new();
            let end =
                loop {
                    match chars.next() {
                        Some((_, '"')) if chars.peek().map(|&(_, c)| c) == Some('"') => {
                            chars.next();
                            value.push('"');
                        }
                        Some((j, '"')) => break j + 1,
                        Some((_, c)) => {
                            line += usize::from(c == '\n');
                            value.push(c);
                        }
                        None => return Err(Diagnostic::error(
                            Code::BadInput,
                            format!("{}: a quoted field is not closed", file.name),
                        )
                        .label_in(file.clone(), i..i + 1, "this quote has no closing quote")
                        .help(
                            "end the field with a double quote; write a quote inside it as `\"\"`",
                        )),
                    }
                };
            match chars.peek() {
                Some(&(_, c)) if c == separator || c == '\n' || c == '\r' => {}
                None => {}
                Some(&(j, _)) => {
                    return Err(Diagnostic::error(
                        Code::BadInput,
                        format!("{}: text after a quoted field", file.name),
                    )
                    .label_in(
                        file.clone(),
                        j..j + 1,
                        "expected a separator or the end of the line",
                    )
                    .help("put the whole field in quotes, or none of it"))
                }
            }
            fields.push((value, i..end));
            at_field_start = false;
            continue;
        }
        if c == separator || c == '\n' || c == '\r' {
            if at_field_start {
                fields.push((String::new(), i..i));
            }
            chars.next();
            at_field_start = c == separator;
            if c == '\r' && chars.peek().map(|&(_, c)| c) == Some('\n') {
                chars.next();
            }
            if c != separator {
                end_record(&mut records, &mut fields, record_line);
                line += 1;
                record_line = line;
                at_field_start = true;
            }
            continue;
        }
        // An unquoted field: up to the next separator or line break.
        let from = i;
        let mut to = i;
        while let Some(&(j, c)) = chars.peek() {
            if c == separator || c == '\n' || c == '\r' {
                break;
            }
            to = j + c.len_utf8();
            chars.next();
        }
        fields.push((text[from..to].to_string(), from..to));
        at_field_start = false;
    }
    if !at_field_start || !fields.is_empty() {
        if at_field_start {
            fields.push((String::new(), text.len()..text.len()));
        }
        end_record(&mut records, &mut fields, record_line);
    }
    Ok(Records { separator, records })
}

/// Ends a record; a line with nothing on it is no record.
fn end_record(records: &mut Vec<(Vec<Field>, usize)>, fields: &mut Vec<Field>, line: usize) {
    let record = std::mem::take(fields);
    if record.iter().any(|(text, _)| !text.trim().is_empty()) {
        records.push((record, line));
    }
}

/// The separator the first line uses most: `;`, `,` or a tab (`,` if none).
fn separator(text: &str) -> char {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.chars().filter(|&x| x == c).count();
    [',', ';', '\t']
        .into_iter()
        .max_by_key(|&c| (count(c), c == ','))
        .unwrap_or(',')
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn fields(text: &str) -> (char, Vec<Vec<String>>) {
        let file = SourceFile {
            name: "t.csv".into(),
            text: Arc::from(text),
        };
        let records = read(&file).expect("reads");
        let texts = records
            .records
            .iter()
            .map(|(r, _)| {
                // Every field's place holds its text (quoted fields: with their quotes).
                for (value, span) in r {
                    let written = &text[span.clone()];
                    assert!(written.contains(value.as_str()) || written.contains("\"\""));
                }
                r.iter().map(|(v, _)| v.clone()).collect()
            })
            .collect();
        (records.separator, texts)
    }

    #[test]
    fn fields_are_split_on_the_separator_the_header_uses() {
        let (sep, rows) = fields("name;places;budget\nLindely;24;14.800.000,50\r\n\nEngen;;1\n");
        assert_eq!(sep, ';');
        assert_eq!(
            rows,
            vec![
                vec!["name", "places", "budget"],
                vec!["Lindely", "24", "14.800.000,50"],
                vec!["Engen", "", "1"],
            ]
        );
        assert_eq!(fields("a,b\n1,2").1, vec![vec!["a", "b"], vec!["1", "2"]]);
        assert_eq!(fields("a\tb\n1\t2\n").0, '\t');
    }

    #[test]
    fn quoted_fields_hold_separators_quotes_and_line_breaks() {
        let (_, rows) =
            fields("\u{feff}name,note\n\"Toften, afd. 2\",\"says \"\"hi\"\"\nthere\"\n");
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
            fields("a,b,\n1,2,").1,
            vec![vec!["a", "b", ""], vec!["1", "2", ""]]
        );
    }

    #[test]
    fn an_unclosed_quote_is_an_error_at_the_quote() {
        let file = SourceFile {
            name: "t.csv".into(),
            text: Arc::from("a,b\n1,\"2\n"),
        };
        let e = read(&file).expect_err("unclosed");
        assert!(e.title.contains("not closed"), "{}", e.title);
    }
}
