//! Calls of the language's functions: the builtin named, its arguments' types
//! against its signature, and the result's type.

use rust_decimal::Decimal;

use crate::ast::{BinaryOp, Expr, Name};
use crate::builtins::{self, Builtin, CallError};
use crate::diagnostic::Code;
use crate::program::{Node, NodeKind};
use crate::span::Span;
use crate::types::Type;

use super::{is_percentage, Typer};

impl Typer<'_> {
    pub(super) fn call(
        &mut self,
        span: Span,
        function: &Name,
        args: &[Expr],
        types: &[Type],
    ) -> (Node, Type) {
        let typed: Vec<(Node, Type)> = args.iter().map(|a| self.expr(a, types)).collect();
        let Some(builtin) = builtins::lookup(&function.text) else {
            let help = if self.names.contains_key(&function.text) {
                format!(
                    "`{}` is a value, not a function; remove the brackets",
                    function.text
                )
            } else {
                super::super::did_you_mean(
                    &function.text,
                    builtins::BUILTINS.iter().map(|(n, ..)| *n),
                    "`takst explain functions` lists the functions",
                )
            };
            self.error(
                Code::UnknownFunction,
                function.span,
                format!("unknown function `{}`", function.text),
                "no such function",
                help,
            );
            return (
                Node {
                    kind: NodeKind::Bool(false),
                    span,
                },
                Type::Error,
            );
        };
        let arg_types: Vec<Type> = typed.iter().map(|(_, t)| t.clone()).collect();
        let ty = match builtins::result_type(builtin, &arg_types) {
            Ok(t) => t,
            Err(CallError::Arity) => self.error(
                Code::WrongArguments,
                span,
                format!(
                    "`{}` does not take {} argument(s)",
                    function.text,
                    args.len()
                ),
                "wrong number of arguments",
                format!("write {}", builtins::signature(builtin)),
            ),
            Err(CallError::Argument(i, wanted)) => {
                let found = &arg_types[i];
                self.error(
                    Code::WrongType,
                    args[i].span,
                    format!("`{}` expected {wanted} here, found {found}", function.text),
                    &format!("this is {found}"),
                    format!("write {}", builtins::signature(builtin)),
                )
            }
        };
        let mut nodes: Vec<Node> = typed.into_iter().map(|(n, _)| n).collect();
        // A percentage is held as a fraction (12.5 % is 0.125), but rounded as it reads:
        // round(5.625 %, 1) is 5.6 %, so two more decimals are kept.
        let rounding = matches!(builtin, Builtin::Round | Builtin::Floor | Builtin::Ceil);
        if rounding && arg_types.first().is_some_and(is_percentage) {
            let two = Node {
                kind: NodeKind::Number(Decimal::TWO),
                span,
            };
            let decimals = match nodes.pop() {
                Some(n) if nodes.len() == 1 => {
                    NodeKind::Numeric(BinaryOp::Add, Box::new(n), Box::new(two))
                }
                Some(n) => {
                    nodes.push(n);
                    two.kind
                }
                None => two.kind,
            };
            nodes.push(Node {
                kind: decimals,
                span,
            });
        }
        (
            Node {
                kind: NodeKind::Call(builtin, nodes),
                span,
            },
            ty,
        )
    }
}
