//! Types and formulas lowered: operator precedence (a `PrattParser`), literals with
//! their units, dates.

use super::*;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::filter, Assoc::Left) | Op::infix(Rule::each, Assoc::Left))
        .op(Op::infix(Rule::or, Assoc::Left))
        .op(Op::infix(Rule::and, Assoc::Left))
        .op(Op::prefix(Rule::not))
        .op(Op::infix(Rule::eq, Assoc::Left)
            | Op::infix(Rule::ne, Assoc::Left)
            | Op::infix(Rule::lt, Assoc::Left)
            | Op::infix(Rule::le, Assoc::Left)
            | Op::infix(Rule::gt, Assoc::Left)
            | Op::infix(Rule::ge, Assoc::Left))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::subtract, Assoc::Left))
        .op(Op::infix(Rule::multiply, Assoc::Left) | Op::infix(Rule::divide, Assoc::Left))
        .op(Op::prefix(Rule::negate))
        .op(Op::postfix(Rule::index) | Op::postfix(Rule::on_date) | Op::postfix(Rule::is_test))
});

impl Lower<'_> {
    pub(super) fn type_expr(&self, pair: Pair<Rule>) -> Lowered<TypeExpr> {
        let span = self.span(&pair);
        let Some(inner) = pair.into_inner().next() else {
            return Err(Diagnostic::error(Code::Syntax, "a type is missing"));
        };
        let kind = match inner.as_rule() {
            Rule::series_type => match inner.into_inner().next() {
                Some(s) => TypeExprKind::Series(self.scalar_type(s)),
                None => return Err(Diagnostic::error(Code::Syntax, "a type is missing")),
            },
            Rule::table_type => {
                let mut parts = inner.into_inner();
                let value = parts.next();
                let keys: Vec<Name> = parts
                    .filter_map(|k| k.into_inner().next())
                    .map(|k| self.name(k))
                    .collect();
                match value {
                    Some(value) if !keys.is_empty() => TypeExprKind::Table {
                        value: self.scalar_type(value),
                        keys,
                    },
                    _ => {
                        return Err(Diagnostic::error(
                            Code::Syntax,
                            "a table type is incomplete",
                        ))
                    }
                }
            }
            _ => TypeExprKind::Scalar(self.scalar_type(inner)),
        };
        Ok(TypeExpr { kind, span })
    }

    pub(super) fn scalar_type(&self, pair: Pair<Rule>) -> ScalarTypeExpr {
        let inner = pair.into_inner().next();
        match inner {
            Some(p) if p.as_rule() == Rule::choice_type => {
                ScalarTypeExpr::Choice(p.into_inner().map(|n| self.name(n)).collect())
            }
            Some(p) => ScalarTypeExpr::Basic(p.as_str().to_string()),
            None => ScalarTypeExpr::Basic(String::new()),
        }
    }

    pub(super) fn expr(&self, pair: Pair<Rule>) -> Lowered<Expr> {
        let span = self.span(&pair);
        let Some(inner) = pair.into_inner().next() else {
            return Err(Diagnostic::error(Code::Syntax, "a formula is missing"));
        };
        match inner.as_rule() {
            Rule::when_expr => {
                let mut arms = Vec::new();
                let mut otherwise = None;
                for part in inner.into_inner() {
                    if part.as_rule() == Rule::when_arm {
                        let mut two = part.into_inner();
                        if let (Some(c), Some(v)) = (two.next(), two.next()) {
                            arms.push((self.operation(c)?, self.operation(v)?));
                        }
                    } else {
                        otherwise = Some(self.operation(part)?);
                    }
                }
                let otherwise = otherwise.ok_or_else(|| {
                    Diagnostic::error(Code::Syntax, "`when` needs `otherwise`").label(
                        self.sources,
                        span,
                        "here",
                    )
                })?;
                Ok(Expr {
                    kind: ExprKind::When {
                        arms,
                        otherwise: Box::new(otherwise),
                    },
                    span,
                })
            }
            Rule::if_expr => {
                let mut three = inner.into_inner();
                let (Some(c), Some(a), Some(b)) = (three.next(), three.next(), three.next()) else {
                    return Err(Diagnostic::error(
                        Code::Syntax,
                        "`if` needs `then` and `else`",
                    ));
                };
                let arms = vec![(self.operation(c)?, self.operation(a)?)];
                let otherwise = Box::new(self.operation(b)?);
                Ok(Expr {
                    kind: ExprKind::When { arms, otherwise },
                    span,
                })
            }
            _ => self.operation(inner),
        }
    }

    pub(super) fn operation(&self, pair: Pair<Rule>) -> Lowered<Expr> {
        let operators: Vec<Pair<Rule>> = pair
            .clone()
            .into_inner()
            .filter(|p| is_infix(p.as_rule()))
            .collect();
        if let Some(one_too_many) = operators.get(limits::MAX_OPERATORS) {
            return Err(Diagnostic::error(
                Code::TooDeep,
                format!(
                    "a formula with {} operators; at most {} are allowed",
                    operators.len(),
                    limits::MAX_OPERATORS
                ),
            )
            .label(
                self.sources,
                self.span(one_too_many),
                "one operator too many",
            )
            .help("break the formula into named definitions with `define`"));
        }
        PRATT
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, rhs| {
                let rhs = rhs?;
                let span = self.span(&op).to(rhs.span);
                let op = if op.as_rule() == Rule::not {
                    UnaryOp::Not
                } else {
                    UnaryOp::Negate
                };
                Ok(Expr {
                    kind: ExprKind::Unary(op, Box::new(rhs)),
                    span,
                })
            })
            .map_postfix(|lhs, op| self.postfix(lhs?, op))
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                let span = lhs.span.to(rhs.span);
                let op = match op.as_rule() {
                    Rule::add => BinaryOp::Add,
                    Rule::subtract => BinaryOp::Subtract,
                    Rule::multiply => BinaryOp::Multiply,
                    Rule::divide => BinaryOp::Divide,
                    Rule::le => BinaryOp::LessEq,
                    Rule::ge => BinaryOp::GreaterEq,
                    Rule::lt => BinaryOp::Less,
                    Rule::gt => BinaryOp::Greater,
                    Rule::eq => BinaryOp::Equal,
                    Rule::ne => BinaryOp::NotEqual,
                    Rule::and => BinaryOp::And,
                    Rule::or => BinaryOp::Or,
                    Rule::each => BinaryOp::Each,
                    _ => BinaryOp::Where,
                };
                Ok(Expr {
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    span,
                })
            })
            .parse(pair.into_inner())
    }

    pub(super) fn postfix(&self, lhs: Expr, op: Pair<Rule>) -> Lowered<Expr> {
        let span = lhs.span.to(self.span(&op));
        let rule = op.as_rule();
        let mut inner = op.into_inner();
        let kind = match rule {
            Rule::index => match inner.next() {
                Some(key) => ExprKind::Index(Box::new(lhs), Box::new(self.expr(key)?)),
                None => return Err(Diagnostic::error(Code::Syntax, "`[` needs a key")),
            },
            Rule::on_date => match inner.next() {
                Some(date) => ExprKind::On(Box::new(lhs), Box::new(self.primary(date)?)),
                None => return Err(Diagnostic::error(Code::Syntax, "`on` needs a date")),
            },
            _ => {
                let mut negated = false;
                let mut variants = Vec::new();
                for part in inner {
                    match part.as_rule() {
                        Rule::is_negated => negated = true,
                        _ => variants.push(self.name(part)),
                    }
                }
                ExprKind::Is {
                    subject: Box::new(lhs),
                    negated,
                    variants,
                }
            }
        };
        Ok(Expr { kind, span })
    }

    pub(super) fn primary(&self, pair: Pair<Rule>) -> Lowered<Expr> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::expr => return self.expr(pair),
            Rule::quantity => self.quantity(pair)?,
            Rule::date => ExprKind::Date(self.date(pair)?),
            Rule::boolean => ExprKind::Bool(pair.as_str() == "yes"),
            Rule::string => ExprKind::Text(string_text(pair)),
            Rule::name => ExprKind::Name(self.name(pair)),
            Rule::call => {
                let mut inner = pair.into_inner();
                let Some(function) = inner.next() else {
                    return Err(Diagnostic::error(Code::Syntax, "a call without a name"));
                };
                let args = inner.map(|a| self.expr(a)).collect::<Lowered<Vec<_>>>()?;
                ExprKind::Call {
                    function: self.name(function),
                    args,
                }
            }
            Rule::table_literal => {
                let mut entries = Vec::new();
                for entry in pair.into_inner() {
                    let mut two = entry.into_inner();
                    let (Some(key), Some(value)) = (two.next(), two.next()) else {
                        continue;
                    };
                    let key_span = self.span(&key);
                    let key_literal = match key.as_rule() {
                        Rule::date => KeyLiteral::Date(self.date(key)?),
                        Rule::integer => match key.as_str().parse::<i64>() {
                            Ok(n) => KeyLiteral::Integer(n),
                            Err(_) => {
                                return Err(self.bad_literal(
                                    key_span,
                                    format!("{} is too large for a key", key.as_str()),
                                    "use a smaller number",
                                ))
                            }
                        },
                        Rule::string => KeyLiteral::Text(string_text(key)),
                        _ => KeyLiteral::Text(key.as_str().to_string()),
                    };
                    entries.push((key_literal, key_span, self.expr(value)?));
                }
                ExprKind::Table(entries)
            }
            _ => {
                return Err(Diagnostic::error(Code::Syntax, "unexpected formula").label(
                    self.sources,
                    span,
                    "not understood",
                ))
            }
        };
        Ok(Expr { kind, span })
    }

    pub(super) fn quantity(&self, pair: Pair<Rule>) -> Lowered<ExprKind> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let digits = inner
            .next()
            .map(|n| n.as_str().replace('_', ""))
            .unwrap_or_default();
        let unit = match inner.next().map(|u| u.as_str()) {
            Some("%") | Some("pp") => LiteralUnit::Percent,
            Some(word) => crate::units::dimension(word)
                .map(LiteralUnit::Quantity)
                .unwrap_or(LiteralUnit::None),
            None => LiteralUnit::None,
        };
        let too_precise = || {
            self.bad_literal(
                span,
                format!("{digits} is too large or too precise"),
                "numbers may have at most 28 significant digits",
            )
        };
        let value = Decimal::from_str(&digits).map_err(|_| too_precise())?;
        // A number too precise to hold is rounded by `from_str` (1.00000000000000000000000000001
        // would be 1): refused instead, as the help says.
        let decimals = digits.split_once('.').map_or(0, |(_, f)| f.len());
        if usize::try_from(value.scale()).ok() != Some(decimals) {
            return Err(too_precise());
        }
        let value = if unit == LiteralUnit::Percent {
            // A percentage is held as a fraction: two more decimals, which must fit.
            match value.checked_div(Decimal::ONE_HUNDRED) {
                Some(fraction) if fraction.checked_mul(Decimal::ONE_HUNDRED) == Some(value) => {
                    fraction
                }
                _ => return Err(too_precise()),
            }
        } else {
            value
        };
        Ok(ExprKind::Number(value, unit))
    }

    pub(super) fn date(&self, pair: Pair<Rule>) -> Lowered<NaiveDate> {
        NaiveDate::parse_from_str(pair.as_str(), "%Y-%m-%d").map_err(|_| {
            self.bad_literal(
                self.span(&pair),
                format!("{} is not a date in the calendar", pair.as_str()),
                "write dates as YYYY-MM-DD, with a day that exists in that month",
            )
        })
    }
}

/// The operators written between two operands (`+`, `and`, `filter`, …): the
/// parser's precedence climbing and the formatter's spacing both go by it.
pub(crate) fn is_infix(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::add
            | Rule::subtract
            | Rule::multiply
            | Rule::divide
            | Rule::le
            | Rule::ge
            | Rule::ne
            | Rule::eq
            | Rule::lt
            | Rule::gt
            | Rule::and
            | Rule::or
            | Rule::filter
            | Rule::each
    )
}
