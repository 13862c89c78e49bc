//! An open rule file and what is known of it: checked as `takst check` checks it, the
//! chain of bases it extends, the names in each file, and its diagnostics as the editor
//! shows them (LSP ranges in UTF-16 columns, labels in other files as related places).

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dsl::{ast, Loader, Program};
use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Url};

use super::bundled;
use super::lines::Lines;
use super::names::{self, Occurrence};
use crate::catalog;

/// One file of a document's chain: the document itself, or a base it extends.
#[derive(Debug)]
pub struct ChainFile {
    /// The name the checker gives it: a path, or `<bundled> national.takst`.
    pub name: String,
    pub uri: Option<Url>,
    pub text: Arc<str>,
    pub lines: Lines,
    /// What parses of it (declarations with syntax errors left out).
    pub tree: Option<ast::File>,
    pub names: Vec<Occurrence>,
}

impl ChainFile {
    pub fn new(name: String, uri: Option<Url>, text: Arc<str>) -> ChainFile {
        let (tree, _) = dsl::parse_recovering(&name, &text);
        let names = tree.as_ref().map(names::occurrences).unwrap_or_default();
        ChainFile {
            lines: Lines::new(&text),
            name,
            uri,
            text,
            tree,
            names,
        }
    }

    /// The LSP range of a byte range of this file.
    pub fn range(&self, range: Range<usize>) -> lsp_types::Range {
        self.lines.range(&self.text, range)
    }

    /// A location in this file, if the editor can open it.
    pub fn location(&self, range: Range<usize>) -> Option<Location> {
        Some(Location::new(self.uri.clone()?, self.range(range)))
    }
}

/// A quick fix: a "did you mean" of a diagnostic, as an edit.
#[derive(Debug, Clone)]
pub struct Fix {
    pub range: lsp_types::Range,
    pub replacement: String,
    pub diagnostic: lsp_types::Diagnostic,
}

/// What is known of a document's text.
#[derive(Debug)]
pub struct Analysis {
    /// The document (first), then the bases it extends, nearest first.
    pub chain: Vec<Arc<ChainFile>>,
    /// The checked program, if the document checks.
    pub program: Option<Arc<Program>>,
    pub diagnostics: Vec<lsp_types::Diagnostic>,
    pub fixes: Vec<Fix>,
}

impl Analysis {
    pub fn file(&self) -> &ChainFile {
        &self.chain[0]
    }
}

/// An open rule file.
#[derive(Debug)]
pub struct Document {
    pub uri: Url,
    /// The name the checker gives it: its path, so its bases are found beside it.
    pub name: String,
    pub text: Arc<str>,
    pub version: i32,
    /// The analysis of the text (of the text before, while a change waits to be
    /// analysed: requests are answered only after it is).
    pub analysis: Option<Arc<Analysis>>,
    /// The last program the document checked to: hover keeps working while a line is
    /// half typed.
    pub last_program: Option<Arc<Program>>,
}

impl Document {
    pub fn new(uri: Url, text: String, version: i32) -> Document {
        let name = match uri.to_file_path() {
            Ok(path) => path.display().to_string(),
            Err(()) => uri.to_string(),
        };
        Document {
            uri,
            name,
            text: text.into(),
            version,
            analysis: None,
            last_program: None,
        }
    }

    /// The document's program now, or the last one it checked to.
    pub fn program(&self) -> Option<&Arc<Program>> {
        self.analysis
            .as_ref()
            .and_then(|a| a.program.as_ref())
            .or(self.last_program.as_ref())
    }
}

/// Finds bases as `takst` does (beside the file, else bundled), but takes the text of
/// a base that is open in the editor from the editor, edits not yet saved included.
pub struct EditorFiles<'a> {
    pub open: &'a HashMap<PathBuf, Arc<str>>,
}

impl Loader for EditorFiles<'_> {
    fn load(&self, name: &str, from: &str) -> Result<(String, Vec<u8>), String> {
        let file = match name.ends_with(".takst") {
            true => name.to_string(),
            false => format!("{name}.takst"),
        };
        let sibling = Path::new(from)
            .parent()
            .unwrap_or(Path::new("."))
            .join(file);
        match self.open.get(&sibling) {
            Some(text) if !from.starts_with("<bundled> ") => {
                Ok((sibling.display().to_string(), text.as_bytes().to_vec()))
            }
            _ => catalog::Files.load(name, from),
        }
    }

    fn known(&self) -> Vec<String> {
        catalog::Files.known()
    }
}

/// Base files already read, by name: a base whose text has not changed is not parsed
/// again at each keystroke.
#[derive(Default)]
pub struct Bases(HashMap<String, Arc<ChainFile>>);

impl Bases {
    fn get(&mut self, name: String, text: String) -> Arc<ChainFile> {
        if let Some(file) = self.0.get(&name).filter(|f| *f.text == *text) {
            return file.clone();
        }
        let uri = bundled::uri_of(&name);
        let file = Arc::new(ChainFile::new(name.clone(), uri, text.into()));
        self.0.insert(name, file.clone());
        file
    }
}

/// Checks a document as `takst check` does, and reads its chain of bases.
pub fn analyse(document: &Document, loader: &EditorFiles, bases: &mut Bases) -> Analysis {
    let own = ChainFile::new(
        document.name.clone(),
        Some(document.uri.clone()),
        document.text.clone(),
    );
    let unreadable = own.tree.is_none();
    let mut chain = vec![Arc::new(own)];
    // A header being typed: the bases the file had.
    if let (true, Some(before)) = (unreadable, &document.analysis) {
        chain.extend(before.chain.iter().skip(1).cloned());
    }
    // The bases, as the checker finds them (at most as many as it follows).
    for _ in 0..8 {
        let Some(last) = chain.last() else { break };
        let Some((base, _)) = last.tree.as_ref().and_then(|t| t.header.extends.clone()) else {
            break;
        };
        let Ok((name, bytes)) = loader.load(&base, &last.name) else {
            break;
        };
        let Ok(text) = dsl::limits::text_from_bytes(&name, &bytes) else {
            break;
        };
        if chain.iter().any(|f| f.name == name) {
            break;
        }
        chain.push(bases.get(name, text));
    }
    let (program, found) = match dsl::check(&document.name, &document.text, loader) {
        Ok(program) => {
            let mut warnings = catalog::shadowed(&program);
            warnings.extend(crate::commands::check::inherited_citations(&program));
            (Some(Arc::new(program)), warnings)
        }
        Err(diagnostics) => (None, diagnostics),
    };
    let mut diagnostics = Vec::new();
    let mut fixes = Vec::new();
    for d in &found {
        let (diagnostic, fix) = to_lsp(d, &chain);
        diagnostics.push(diagnostic.clone());
        if let Some((range, replacement)) = fix {
            fixes.push(Fix {
                range,
                replacement,
                diagnostic,
            });
        }
    }
    Analysis {
        chain,
        program,
        diagnostics,
        fixes,
    }
}

/// A diagnostic as the editor shows it, on the document; and the edit its "did you mean"
/// proposes, if any.
fn to_lsp(
    d: &dsl::Diagnostic,
    chain: &[Arc<ChainFile>],
) -> (lsp_types::Diagnostic, Option<(lsp_types::Range, String)>) {
    let own = &chain[0];
    let primary = d.labels.first().filter(|l| l.source.name == own.name);
    let range = match primary {
        Some(label) => own.range(label.range.clone()),
        // A diagnostic about a base, or about the agreement as a whole: at the
        // `extends` or the agreement's name.
        None => {
            let header = own.tree.as_ref().map(|t| &t.header);
            let span =
                header.and_then(|h| h.extends.as_ref().map(|(_, s)| *s).or(Some(h.name_span)));
            own.range(span.map_or(0..0, |s| s.range()))
        }
    };
    let mut message = d.title.clone();
    if let Some(label) = primary.filter(|l| !l.message.is_empty() && l.message != "here") {
        message.push_str(&format!("\n{}", label.message));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = (d.labels.iter())
        .enumerate()
        .filter(|(i, _)| primary.is_none() || *i > 0)
        .filter_map(|(_, label)| {
            let location = match chain.iter().find(|f| f.name == label.source.name) {
                Some(file) => file.location(label.range.clone())?,
                None => {
                    let uri = bundled::uri_of(&label.source.name)?;
                    let lines = Lines::new(&label.source.text);
                    Location::new(uri, lines.range(&label.source.text, label.range.clone()))
                }
            };
            let message = match label.message.as_str() {
                "" => d.title.clone(),
                m => m.to_string(),
            };
            Some(DiagnosticRelatedInformation { location, message })
        })
        .collect();
    let severity = match d.level {
        dsl::Level::Error => DiagnosticSeverity::ERROR,
        dsl::Level::Warning => DiagnosticSeverity::WARNING,
        dsl::Level::Note => DiagnosticSeverity::INFORMATION,
    };
    let diagnostic = lsp_types::Diagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some(String::from("takst")),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    };
    let fix = primary.and_then(|label| {
        let meant = did_you_mean(d.help.as_deref()?)?;
        let written = own.text.get(label.range.clone())?;
        let replacement = match written.starts_with('"') {
            true => format!("\"{meant}\""),
            false => meant.to_string(),
        };
        Some((range, replacement))
    });
    (diagnostic, fix)
}

/// The name a help line proposes: `did you mean `occupancy`?`.
pub fn did_you_mean(help: &str) -> Option<&str> {
    let rest = &help[help.find("did you mean `")? + "did you mean `".len()..];
    let meant = &rest[..rest.find('`')?];
    // `NAME=ALTERNATIVE` is for the command line, not the rule file.
    (!meant.is_empty() && !meant.contains('=')).then_some(meant)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn the_name_a_help_line_proposes() {
        assert_eq!(did_you_mean("did you mean `occupancy`?"), Some("occupancy"));
        assert_eq!(
            did_you_mean("write the percentage with %: `0.97` is 0.97 %, or did you mean `97 %`?"),
            Some("97 %")
        );
        assert_eq!(did_you_mean("did you mean `notice=two_months`?"), None);
        assert_eq!(did_you_mean("its parts are: tariff"), None);
    }
}
