//! Limits that keep a hostile file harmless.
//!
//! Before the parser sees a file, it must be text, not too large, and not
//! nested too deeply. The grammar makes every nesting of expressions a
//! bracket (a `when` inside an expression needs parentheses), so counting
//! brackets bounds the recursion of the parser, the checker and the engine.

use crate::diagnostic::{Code, Diagnostic};
use crate::span::{FileId, Sources, Span};

/// The largest rule file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// The deepest nesting of `(`, `[` and `{` accepted.
pub const MAX_DEPTH: usize = 32;

/// The most operators in one formula between brackets; a longer formula
/// would nest its syntax tree deeper than the evaluator should recurse.
pub const MAX_OPERATORS: usize = 100;

/// Turns raw bytes into source text, or says why they are not a rule file.
pub fn text_from_bytes(name: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            Code::FileTooLarge,
            format!(
                "{name} is larger than {} MiB, the most a rule file may be",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
        .help("split the agreement into a base file and files that extend it"));
    }
    if bytes.contains(&0) {
        return Err(
            Diagnostic::error(Code::NotText, format!("{name} is not a text file"))
                .help("a rule file is plain text (UTF-8); check that you chose the right file"),
        );
    }
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        Diagnostic::error(
            Code::NotText,
            format!(
                "{name} is not valid UTF-8 text (byte {} is not part of a character)",
                e.utf8_error().valid_up_to()
            ),
        )
        .help("save the file as UTF-8; most editors offer this under 'Save as' / 'Encoding'")
    })
}

/// Finds the first bracket nested deeper than [`MAX_DEPTH`], skipping strings and comments.
pub fn check_depth(sources: &Sources, file: FileId) -> Result<(), Diagnostic> {
    let Some(source) = sources.get(file) else {
        return Ok(());
    };
    let mut depth = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    for (at, c) in source.text.char_indices() {
        match c {
            '\n' => {
                in_string = false;
                in_comment = false;
            }
            _ if in_comment => {}
            '"' => in_string = !in_string,
            _ if in_string => {}
            '#' => in_comment = true,
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    let span = Span::new(file, at, at + 1);
                    return Err(Diagnostic::error(
                        Code::TooDeep,
                        format!("brackets are nested more than {MAX_DEPTH} deep"),
                    )
                    .label(sources, span, "this bracket is too deep")
                    .help("break the formula into named definitions with `define`"));
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}
