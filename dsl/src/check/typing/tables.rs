//! Table literals: `{ 2018: 95 %, 2019: 97 % }`, `{ operator: 1 kr }`, and series
//! `{ 2022-09-09: 0.65 %, complete_until: 2022-10-27 }`.

use std::sync::Arc;

use crate::ast::{Expr, KeyLiteral};
use crate::diagnostic::Code;
use crate::program::{Key, Node, NodeKind};
use crate::span::Span;
use crate::types::{self, KeyType, Type};

use super::Typer;

impl Typer<'_> {
    pub(super) fn table(
        &mut self,
        span: Span,
        entries: &[(KeyLiteral, Span, Expr)],
        types: &[Type],
    ) -> (Node, Type) {
        let mut value_type = Type::Error;
        let mut out = Vec::new();
        let mut dated = Vec::new();
        let kind_of = |k: &KeyLiteral| match k {
            KeyLiteral::Integer(_) => 0,
            KeyLiteral::Text(_) => 1,
            KeyLiteral::Date(_) => 2,
        };
        let first_kind = entries.first().map(|(k, ..)| kind_of(k));
        if first_kind.is_none() {
            // `{}` fits any table: its key and value types are unknown, not wrong.
            return (
                Node {
                    kind: NodeKind::Table(Vec::new()),
                    span,
                },
                Type::Error,
            );
        }
        let mut complete_until = None;
        for (key, key_span, value) in entries {
            let (v, vt) = self.expr(value, types);
            // A series says how far it is known: `complete_until: 2022-10-27`.
            if first_kind == Some(2) {
                if let KeyLiteral::Text(t) = key {
                    if t == crate::program::COMPLETE_UNTIL {
                        if vt != Type::Date && vt != Type::Error {
                            self.error(
                                Code::WrongType,
                                value.span,
                                format!("`complete_until` is a date, not {vt}"),
                                "expected a date",
                                "write the last day the series is known to hold: `complete_until: 2022-12-31`".into(),
                            );
                        }
                        complete_until = Some(v);
                        continue;
                    }
                }
            }
            value_type = match types::unify(&value_type, &vt) {
                Some(t) => t,
                None => self.error(
                    Code::UnitMismatch,
                    value.span,
                    format!("the entries give different kinds of value: {vt} and {value_type}"),
                    "differs from the others",
                    "every entry of a table has the same unit".into(),
                ),
            };
            if Some(kind_of(key)) != first_kind {
                self.error(
                    Code::WrongType,
                    *key_span,
                    "the keys of a table are all years, all names or all dates".into(),
                    "a different kind of key",
                    "use one kind of key in a table".into(),
                );
            }
            // `{ name: budget }`: a bare word that is also a declared name reads as the
            // text "budget", not budget's value — say so rather than key by the text.
            if let KeyLiteral::Text(t) = key {
                let bare = !self.sources.slice(*key_span).trim_start().starts_with('"');
                if bare && self.names.contains_key(t) {
                    self.error(
                        Code::NameAsKey,
                        *key_span,
                        format!("the key `{t}` is the text \"{t}\", not the value of `{t}`"),
                        "a key is written, never computed",
                        format!("write the key in quotes, `\"{t}\": …`, if the text is meant; to key a table by a value, build it with `merge` or `each`"),
                    );
                }
            }
            match key {
                KeyLiteral::Integer(n) => out.push((Key::Year(*n), v)),
                KeyLiteral::Text(t) => out.push((Key::Label(Arc::from(t.as_str())), v)),
                KeyLiteral::Date(d) => dated.push((*d, v)),
            }
        }
        let (kind, ty) = match first_kind {
            // A table keyed by dates is a series: the value on a date is the latest entry.
            Some(2) => {
                let mut nodes: Vec<(Key, Node)> =
                    dated.into_iter().map(|(d, v)| (Key::Date(d), v)).collect();
                if let Some(until) = complete_until {
                    let key = Key::Label(Arc::from(crate::program::COMPLETE_UNTIL));
                    nodes.push((key, until));
                }
                (NodeKind::Table(nodes), Type::Series(Box::new(value_type)))
            }
            Some(0) => (
                NodeKind::Table(out),
                Type::Table {
                    key: KeyType::Year,
                    value: Box::new(value_type),
                },
            ),
            _ => (
                NodeKind::Table(out),
                Type::Table {
                    key: KeyType::Label,
                    value: Box::new(value_type),
                },
            ),
        };
        (Node { kind, span }, ty)
    }
}
