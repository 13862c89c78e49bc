//! Tokens to text: where lines break, how far each is indented, where spaces go.
//!
//! The layout is the one the bundled agreements are written in, applied
//! conservatively:
//!
//! - A line break the author wrote is kept; runs of blank lines become one. A break
//!   is added only where the language's shape asks for one: before each declaration,
//!   each `given` and `expect` of an example and its closing `}`, each alternative of a
//!   reading and its `taken`, each arm of a `when` with several arms, and in a part's
//!   list of results that runs past [`WIDTH`].
//! - A declaration starts at column 0. Its continuation lines are indented by 2 (by 4
//!   inside an example's `given` or `expect`); a `then` under its `when`, and the body
//!   after a line ending in `then`, `else` or `otherwise`, by 2 more. A line inside
//!   brackets lines up with the first token after the bracket (or is indented by 2 from
//!   the bracket's line when the bracket ends its line). A formula continued outside
//!   brackets keeps the author's indentation, at least that of its declaration's body.
//! - Comments stay where they are: one on its own line is indented as the line after
//!   it, one after code stays after it.
//! - One space between tokens, none inside brackets or before `,` and `:`, none
//!   between a function and its `(` or a table and its `[`, none after a prefix `-`.

use super::tokens::{Kind, Token};
use crate::parser::Rule;

/// The width a part's list of results is wrapped at.
pub const WIDTH: usize = 100;

/// An open bracket.
struct Frame {
    /// The example's `{`, whose body is laid out as lines.
    example: bool,
    /// The column of the first token after the bracket, if it is on the bracket's line.
    align: Option<usize>,
    /// The indentation of the bracket's line.
    line_indent: usize,
}

struct Writer {
    out: String,
    /// The line being written, its indentation included.
    line: String,
    /// Its length in characters.
    width: usize,
    /// The indentation of the line being written.
    line_indent: usize,
    frames: Vec<Frame>,
    /// A frame was just opened: its `align` is the column of the next token.
    opened: bool,
    /// Comments on lines of their own, waiting for the indentation of the line after
    /// them: (text, a blank line before).
    comments: Vec<(String, bool)>,
    /// The line being written ends in a comment.
    after_comment: bool,
    /// The last token written on the line before (for the body after `then`).
    last_code: Option<(Rule, String)>,
    /// The last token written on the line being written.
    line_last: Option<(Rule, String)>,
}

/// Lays out the tokens of a file as text.
pub(super) fn layout(tokens: &[Token]) -> String {
    let mut tokens = tokens.to_vec();
    refill_long_parts(&mut tokens);
    let tokens = &tokens[..];
    let mut w = Writer {
        out: String::new(),
        line: String::new(),
        width: 0,
        line_indent: 0,
        frames: Vec::new(),
        opened: false,
        comments: Vec::new(),
        after_comment: false,
        last_code: None,
        line_last: None,
    };
    let mut previous: Option<&Token> = None;
    for (i, token) in tokens.iter().enumerate() {
        if token.kind == Kind::Comment {
            if token.breaks == 0 && !w.line.trim().is_empty() {
                w.push(" ");
                w.push(&token.text);
                w.after_comment = true;
            } else {
                w.end_line();
                let blank = token.breaks >= 2 && !w.out.is_empty();
                w.comments.push((token.text.to_string(), blank));
            }
            continue;
        }
        let breaks = new_line(token, previous, &w) || overflows(tokens, i, previous, &w);
        if breaks || w.line.is_empty() {
            w.end_line();
            let indent = indent(token, &w);
            let comment_indent = match token.kind {
                Kind::Close => w.content_indent(),
                _ => indent,
            };
            for (text, blank) in std::mem::take(&mut w.comments) {
                if blank {
                    w.out.push('\n');
                }
                w.out.push_str(&" ".repeat(comment_indent));
                w.out.push_str(&text);
                w.out.push('\n');
            }
            if token.breaks >= 2 && !w.out.is_empty() && !w.out.ends_with("\n\n") {
                w.out.push('\n');
            }
            w.push(&" ".repeat(indent));
            w.line_indent = indent;
        } else if previous.is_some_and(|p| space_between(p, token)) {
            w.push(" ");
        }
        w.place(token);
        previous = Some(token);
    }
    w.end_line();
    for (text, blank) in std::mem::take(&mut w.comments) {
        if blank {
            w.out.push('\n');
        }
        w.out.push_str(&text);
        w.out.push('\n');
    }
    while w.out.ends_with("\n\n") {
        w.out.pop();
    }
    w.out
}

impl Writer {
    /// Ends the line being written, if any.
    fn end_line(&mut self) {
        if !self.line.trim().is_empty() {
            self.out.push_str(self.line.trim_end());
            self.out.push('\n');
            self.last_code = self.line_last.take();
        }
        self.line.clear();
        self.width = 0;
        self.after_comment = false;
    }

    fn push(&mut self, text: &str) {
        self.line.push_str(text);
        self.width += text.chars().count();
    }

    /// Writes a token at the end of the line being written.
    fn place(&mut self, token: &Token) {
        if std::mem::take(&mut self.opened) {
            if let Some(frame) = self.frames.last_mut() {
                frame.align = Some(self.width);
            }
        }
        self.push(&token.text);
        self.line_last = Some((token.rule, token.text.to_string()));
        match token.kind {
            Kind::Open => {
                self.frames.push(Frame {
                    example: token.rule == Rule::example,
                    align: None,
                    line_indent: self.line_indent,
                });
                self.opened = token.rule != Rule::example;
            }
            Kind::Close => {
                self.frames.pop();
                self.opened = false;
            }
            _ => {}
        }
    }

    /// The indentation of a line inside the innermost bracket: lined up with the
    /// token after it, or 2 in from the bracket's line; 2 inside an example.
    fn content_indent(&self) -> usize {
        match self.frames.last() {
            Some(f) if f.example => f.line_indent + 2,
            Some(f) => f.align.unwrap_or(f.line_indent + 2),
            None => 2,
        }
    }

    /// The indentation structural lines get here (`when`, `else`, `default` …).
    fn base(&self) -> usize {
        match self.frames.last() {
            // A given's or expect's own continuation.
            Some(f) if f.example => f.line_indent + 4,
            Some(_) => self.content_indent(),
            None => 2,
        }
    }
}

/// True if the token must start a line.
fn new_line(token: &Token, previous: Option<&Token>, w: &Writer) -> bool {
    let Some(previous) = previous else {
        return false;
    };
    if token.starts_item || token.breaks > 0 || w.after_comment || !w.comments.is_empty() {
        return true;
    }
    let text = &*token.text;
    match (token.rule, text) {
        (Rule::given, "given") | (Rule::expect, "expect") | (Rule::example, "}") => true,
        (Rule::taken, "taken") => true,
        // A `when` right after a bracket stays there; its other arms line up with it.
        (Rule::when_arm, "when") | (Rule::when_expr, "otherwise") => {
            token.many_arms && previous.kind != Kind::Open
        }
        // Each alternative of a reading: its name is its first token.
        _ if token.starts_alternative => true,
        _ => false,
    }
}

/// A part whose list of results has a line longer than [`WIDTH`] gets the list on
/// lines of its own, filled to the width: the author's breaks in it are dropped (unless
/// a comment stands in the list). A list whose lines all fit keeps its lines.
fn refill_long_parts(tokens: &mut [Token]) {
    let mut at = 0;
    while at < tokens.len() {
        let colon = &tokens[at];
        if !(colon.kind == Kind::Colon && colon.rule == Rule::part) {
            at += 1;
            continue;
        }
        let start = (tokens[..at].iter())
            .rposition(|t| t.starts_item)
            .unwrap_or(0);
        let end = (tokens[at + 1..].iter())
            .position(|t| t.rule != Rule::part || t.starts_item || t.kind == Kind::Comment)
            .map_or(tokens.len(), |n| at + 1 + n);
        let commented = tokens.get(end).is_some_and(|t| t.kind == Kind::Comment)
            && tokens
                .get(end + 1)
                .is_some_and(|t| t.rule == Rule::part && !t.starts_item);
        // The lines of the list as written, each as wide as it will be.
        let mut widest = 0;
        let mut line = one_line(&tokens[start..=at]);
        for t in &tokens[at + 1..end] {
            if t.breaks > 0 {
                widest = widest.max(line);
                line = 2;
            } else if t.kind == Kind::Name {
                line += 1;
            }
            line += t.text.chars().count();
        }
        widest = widest.max(line);
        if widest > WIDTH && !commented && end > at + 1 {
            for (i, t) in tokens[at + 1..end].iter_mut().enumerate() {
                t.breaks = usize::from(i == 0);
            }
        }
        at = end;
    }
}

/// The width of tokens written on one line.
fn one_line(tokens: &[Token]) -> usize {
    let mut width = 0;
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 && !matches!(t.kind, Kind::Colon | Kind::Comma) {
            width += 1;
        }
        width += t.text.chars().count();
    }
    width
}

/// True if a part's result would run past the width: it goes on the next line.
fn overflows(tokens: &[Token], at: usize, previous: Option<&Token>, w: &Writer) -> bool {
    let token = &tokens[at];
    let listed = previous.is_some_and(|p| p.kind == Kind::Comma);
    if token.rule != Rule::part || token.kind != Kind::Name || !listed {
        return false;
    }
    let used = w.width;
    let comma = tokens.get(at + 1).is_some_and(|t| t.kind == Kind::Comma);
    used + 1 + token.text.chars().count() + usize::from(comma) > WIDTH
}

/// The indentation of a line that starts with `token`.
fn indent(token: &Token, w: &Writer) -> usize {
    if token.starts_item {
        return 0;
    }
    if token.kind == Kind::Close {
        return w.frames.last().map_or(0, |f| f.line_indent);
    }
    let in_example = w.frames.last().is_some_and(|f| f.example);
    let text = &*token.text;
    if in_example && matches!(text, "given" | "expect") {
        return w.content_indent();
    }
    let base = w.base();
    match (token.rule, text) {
        (Rule::when_arm, "then") => return base + 2,
        (Rule::when_arm, "when")
        | (Rule::when_expr, "otherwise")
        | (Rule::if_expr, "if" | "then" | "else")
        | (Rule::check, "else")
        | (Rule::check_parts, "for")
        | (Rule::default, "default")
        | (Rule::between, "between")
        | (Rule::at_least | Rule::at_most, "at")
        | (Rule::plausible_warning, "else")
        | (Rule::taken, "taken")
        | (Rule::source, "source")
        | (Rule::valid, "valid")
        | (Rule::extends, "extends") => return base,
        _ if token.starts_alternative => return base,
        // A part's results.
        (Rule::part, _) if token.kind == Kind::Name => return base,
        _ => {}
    }
    let body = matches!(
        w.last_code.as_ref().map(|(r, t)| (*r, t.as_str())),
        Some((Rule::when_arm | Rule::if_expr, "then"))
            | Some((Rule::if_expr, "else"))
            | Some((Rule::when_expr, "otherwise"))
    );
    if body {
        return base + 2;
    }
    if token.starts_formula || !w.frames.is_empty() && !in_example {
        return base;
    }
    // A formula continued outside brackets: the author's indentation (if the author
    // broke the line here), at least the base.
    match token.breaks {
        0 => base,
        _ => token.indent.max(base),
    }
}

/// True if a space goes between two tokens on a line.
fn space_between(previous: &Token, token: &Token) -> bool {
    let table = |t: &Token| t.rule == Rule::table_literal;
    match token.kind {
        Kind::Comma | Kind::Colon => return false,
        Kind::Close if table(token) => return previous.kind != Kind::Open,
        Kind::Close => return token.rule == Rule::example,
        _ => {}
    }
    match previous.kind {
        Kind::Open => return table(previous) || previous.rule == Rule::example,
        Kind::Prefix if previous.text == "-" => return false,
        _ => {}
    }
    // A call's `(` after its function, an index's `[` after its table: no space.
    !matches!(
        (token.kind, &*token.text, token.rule),
        (Kind::Open, "(", Rule::call) | (Kind::Open, "[", Rule::index)
    )
}
