//! The takst rule language: grammar, parser, checker and diagnostics.
//!
//! A rule file is text; [`check`] turns it (and the base agreements it
//! extends, found through a [`Loader`]) into a [`Program`] that the engine
//! evaluates, or into diagnostics an analyst can act on.
//!
//! ```
//! use dsl::{check, Loader};
//!
//! struct NoBases;
//! impl Loader for NoBases {
//!     fn load(&self, name: &str, _from: &str) -> Result<(String, Vec<u8>), String> {
//!         Err(format!("no agreement called {name}"))
//!     }
//! }
//!
//! let text = r#"
//! agreement "Example"
//! input cost: money
//! input places: number
//! define tariff_per_day [§8.1] = cost / places / 365 days
//! "#;
//! let program = check("example.takst", text, &NoBases).expect("a valid rule file");
//! assert_eq!(program.slots.len(), 3);
//! ```

pub mod ast;
pub mod builtins;
mod check;
pub mod diagnostic;
pub mod format;
pub mod limits;
pub mod lines;
pub mod needs;
mod parser;
pub mod program;
pub mod span;
pub mod stored;
pub mod suggest;
mod syntax_error;
pub mod types;
pub mod units;

pub use check::{check, Loader, NoBases};

/// Parses one rule file into its syntax tree (its spans in file 0), without reading
/// the bases it extends: what an editor shows of a file as it is typed.
pub fn parse(name: &str, text: &str) -> Result<ast::File, Vec<Diagnostic>> {
    let mut sources = span::Sources::default();
    let file = sources.add(name, text);
    parser::parse(&sources, file)
}

/// Parses one rule file as [`parse`] does, and keeps what parses: the syntax tree of
/// the file without the declarations that have syntax errors (their positions kept),
/// and the errors. An editor navigates a file with a declaration half typed.
pub fn parse_recovering(name: &str, text: &str) -> (Option<ast::File>, Vec<Diagnostic>) {
    let mut sources = span::Sources::default();
    let file = sources.add(name, text);
    parser::parse_recovering(&sources, file)
}
pub use diagnostic::{Code, Diagnostic, Level};
pub use program::Program;
