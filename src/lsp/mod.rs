//! `takst lsp`: the language server, over stdin and stdout (JSON-RPC, `lsp-server`).
//!
//! Each open rule file is checked as `takst check` checks it whenever its text
//! changes, its bases found as takst finds them (an open base's unsaved text first);
//! the diagnostics are published at once. Messages that arrive together are read
//! together, so a burst of keystrokes is checked once. Hover, definition, references,
//! completion, symbols, quick fixes and formatting answer from the latest analysis.
//!
//! - `document.rs` — an open file, its chain of bases, its diagnostics in LSP terms;
//! - `names.rs` — where each name stands and what it names;
//! - `hover.rs`, `navigate.rs`, `complete.rs`, `symbols.rs` — the answers;
//! - `bundled.rs` — read-only copies of the bundled agreements to navigate into;
//! - `lines.rs` — byte offsets to LSP positions (UTF-16 columns) and back.

mod bundled;
mod complete;
mod document;
mod hover;
mod lines;
mod names;
mod navigate;
mod symbols;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use dsl::{Code, Diagnostic};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionProviderCapability,
    CompletionOptions, HoverContents, HoverProviderCapability, MarkupContent, MarkupKind, OneOf,
    PublishDiagnosticsParams, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextEdit, Url, WorkspaceEdit,
};
use serde_json::Value;

use crate::commands::Outcome;
use document::{Analysis, Bases, Document, EditorFiles};

/// Serves the editor until it says exit.
pub fn run() -> Outcome {
    let (connection, io) = Connection::stdio();
    let served = serve(&connection);
    drop(connection);
    let joined = io.join();
    served.and(joined.map_err(|e| e.to_string())).map_err(|e| {
        vec![
            Diagnostic::error(Code::BadInput, format!("the language server stopped: {e}")).help(
                "takst lsp is started by an editor, which speaks LSP on its stdin and stdout",
            ),
        ]
    })?;
    Ok(Vec::new())
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions::default()),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

fn serve(connection: &Connection) -> Result<(), String> {
    let capabilities = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    connection
        .initialize(capabilities)
        .map_err(|e| e.to_string())?;
    let mut server = Server {
        connection,
        documents: HashMap::new(),
        bases: Bases::default(),
        dirty: Vec::new(),
    };
    while let Ok(first) = connection.receiver.recv() {
        // Whatever else has arrived is read now: a burst of changes is analysed once.
        let mut batch = vec![first];
        batch.extend(connection.receiver.try_iter());
        for message in batch {
            match message {
                Message::Request(request) => {
                    if connection
                        .handle_shutdown(&request)
                        .map_err(|e| e.to_string())?
                    {
                        return Ok(());
                    }
                    server.analyse_changed();
                    let response = server.request(request);
                    server.send(Message::Response(response));
                }
                Message::Notification(notification) if notification.method == "exit" => {
                    return Ok(());
                }
                Message::Notification(notification) => server.notify(notification),
                Message::Response(_) => {}
            }
        }
        server.analyse_changed();
    }
    Ok(())
}

struct Server<'a> {
    connection: &'a Connection,
    documents: HashMap<Url, Document>,
    bases: Bases,
    /// Documents whose text, or a base's, changed since they were last analysed.
    dirty: Vec<Url>,
}

/// A request's parameters, read as `T`.
fn params<T: serde::de::DeserializeOwned>(request: &Request) -> Option<T> {
    serde_json::from_value(request.params.clone()).ok()
}

impl Server<'_> {
    fn send(&self, message: Message) {
        // The editor went away: the loop ends when its channel closes.
        let _ = self.connection.sender.send(message);
    }

    fn notify(&mut self, notification: Notification) {
        let params = notification.params;
        match notification.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(params)
                else {
                    return;
                };
                let d = p.text_document;
                self.changed(Document::new(d.uri, d.text, d.version));
            }
            "textDocument/didChange" => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(params)
                else {
                    return;
                };
                // Full sync: the last change holds the whole text.
                let Some(change) = p.content_changes.into_iter().last() else {
                    return;
                };
                let uri = p.text_document.uri;
                match self.documents.remove(&uri) {
                    // The analysis of the text before stays until the new text's is done.
                    Some(mut document) => {
                        document.text = change.text.into();
                        document.version = p.text_document.version;
                        self.changed(document);
                    }
                    None => self.changed(Document::new(uri, change.text, p.text_document.version)),
                }
            }
            "textDocument/didClose" => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(params)
                else {
                    return;
                };
                let uri = p.text_document.uri;
                if let Some(closed) = self.documents.remove(&uri) {
                    self.dependents_changed(&closed.name);
                }
                self.dirty.retain(|u| *u != uri);
                self.publish(uri, Vec::new(), None);
            }
            _ => {}
        }
    }

    /// A document opened or changed: it, and the open documents that extend it, are
    /// analysed again.
    fn changed(&mut self, document: Document) {
        let name = document.name.clone();
        let uri = document.uri.clone();
        self.documents.insert(uri.clone(), document);
        if !self.dirty.contains(&uri) {
            self.dirty.push(uri);
        }
        self.dependents_changed(&name);
    }

    fn dependents_changed(&mut self, name: &str) {
        for (uri, document) in &mut self.documents {
            let extends = (document.analysis.as_ref())
                .is_some_and(|a| a.chain.iter().skip(1).any(|f| f.name == name));
            if extends && !self.dirty.contains(uri) {
                self.dirty.push(uri.clone());
            }
        }
    }

    /// Analyses the documents that changed and publishes their diagnostics.
    fn analyse_changed(&mut self) {
        if self.dirty.is_empty() {
            return;
        }
        let open: HashMap<PathBuf, Arc<str>> = (self.documents.values())
            .filter_map(|d| Some((d.uri.to_file_path().ok()?, d.text.clone())))
            .collect();
        let loader = EditorFiles { open: &open };
        for uri in std::mem::take(&mut self.dirty) {
            let Some(document) = self.documents.get_mut(&uri) else {
                continue;
            };
            let analysis = Arc::new(document::analyse(document, &loader, &mut self.bases));
            if let Some(program) = &analysis.program {
                document.last_program = Some(program.clone());
            }
            document.analysis = Some(analysis.clone());
            let version = document.version;
            self.publish(uri, analysis.diagnostics.clone(), Some(version));
        }
    }

    fn publish(&self, uri: Url, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Message::Notification(Notification::new(
            String::from("textDocument/publishDiagnostics"),
            params,
        )));
    }

    /// The analysis of a document and a byte offset in it.
    fn at(
        &self,
        position: &lsp_types::TextDocumentPositionParams,
    ) -> Option<(&Document, &Analysis, usize)> {
        let document = self.documents.get(&position.text_document.uri)?;
        let analysis = document.analysis.as_deref()?;
        let file = analysis.file();
        Some((
            document,
            analysis,
            file.lines.offset(&file.text, position.position),
        ))
    }

    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let result: Option<Value> = match request.method.as_str() {
            "textDocument/hover" => params(&request).map(|p| self.hover(&p)),
            "textDocument/definition" => params(&request).map(|p| self.definition(&p)),
            "textDocument/references" => params(&request).map(|p| self.references(&p)),
            "textDocument/completion" => params(&request).map(|p| self.completion(&p)),
            "textDocument/documentSymbol" => params(&request).map(|p| self.symbols(&p)),
            "textDocument/codeAction" => params(&request).map(|p| self.code_actions(&p)),
            "textDocument/formatting" => params(&request).map(|p| self.formatting(&p)),
            _ => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("takst lsp does not answer {}", request.method),
                )
            }
        };
        match result {
            Some(result) => Response::new_ok(id, result),
            None => Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                String::from("the request's parameters are not understood"),
            ),
        }
    }

    fn hover(&self, p: &lsp_types::HoverParams) -> Value {
        let Some((document, analysis, offset)) = self.at(&p.text_document_position_params) else {
            return Value::Null;
        };
        let file = analysis.file();
        let Some(at) = names::at(&file.names, offset) else {
            return Value::Null;
        };
        let program = document.program().map(|p| &**p);
        match hover::hover(analysis, program, at) {
            Some(text) => json(lsp_types::Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: text,
                }),
                range: Some(file.range(at.range.clone())),
            }),
            None => Value::Null,
        }
    }

    fn definition(&self, p: &lsp_types::GotoDefinitionParams) -> Value {
        let Some((_, analysis, offset)) = self.at(&p.text_document_position_params) else {
            return Value::Null;
        };
        match names::at(&analysis.file().names, offset) {
            Some(at) => json(navigate::definition(analysis, at)),
            None => Value::Null,
        }
    }

    fn references(&self, p: &lsp_types::ReferenceParams) -> Value {
        let Some((document, analysis, offset)) = self.at(&p.text_document_position) else {
            return Value::Null;
        };
        let Some(at) = names::at(&analysis.file().names, offset) else {
            return Value::Null;
        };
        let others = (self.documents.values())
            .filter(|d| d.uri != document.uri)
            .filter_map(|d| d.analysis.as_deref().map(|a| a.file()));
        json(navigate::references(
            analysis,
            others,
            at,
            p.context.include_declaration,
        ))
    }

    fn completion(&self, p: &lsp_types::CompletionParams) -> Value {
        let Some((document, analysis, offset)) = self.at(&p.text_document_position) else {
            return Value::Null;
        };
        let program = document.program().map(|p| &**p);
        json(complete::complete(analysis, program, offset))
    }

    fn symbols(&self, p: &lsp_types::DocumentSymbolParams) -> Value {
        let analysis =
            (self.documents.get(&p.text_document.uri)).and_then(|d| d.analysis.as_deref());
        match analysis {
            Some(analysis) => json(symbols::symbols(analysis.file())),
            None => Value::Null,
        }
    }

    /// A quick fix for each "did you mean" of a diagnostic in the range.
    fn code_actions(&self, p: &lsp_types::CodeActionParams) -> Value {
        let document = self.documents.get(&p.text_document.uri);
        let Some(analysis) = document.and_then(|d| d.analysis.as_deref()) else {
            return Value::Null;
        };
        let overlaps = |r: &lsp_types::Range| r.start <= p.range.end && p.range.start <= r.end;
        let actions: Vec<CodeActionOrCommand> = (analysis.fixes.iter())
            .filter(|fix| overlaps(&fix.range))
            .map(|fix| {
                let edit = TextEdit::new(fix.range, fix.replacement.clone());
                CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Replace with `{}`", fix.replacement),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![fix.diagnostic.clone()]),
                    edit: Some(WorkspaceEdit::new(HashMap::from([(
                        p.text_document.uri.clone(),
                        vec![edit],
                    )]))),
                    is_preferred: Some(true),
                    ..CodeAction::default()
                })
            })
            .collect();
        json(actions)
    }

    /// The document as `takst fmt` writes it (nothing for a file with syntax errors).
    fn formatting(&self, p: &lsp_types::DocumentFormattingParams) -> Value {
        let Some(document) = self.documents.get(&p.text_document.uri) else {
            return Value::Null;
        };
        let Ok(formatted) = dsl::format::format(&document.name, &document.text) else {
            return Value::Null;
        };
        if formatted == *document.text {
            return json(Vec::<TextEdit>::new());
        }
        let lines = lines::Lines::new(&document.text);
        let whole = lines.range(&document.text, 0..document.text.len());
        json(vec![TextEdit::new(whole, formatted)])
    }
}

fn json<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
