//! Declarations lowered: the header, inputs, definitions, readings, checks, parts
//! and worked examples.

use super::*;

impl Lower<'_> {
    pub(super) fn file(&self, pair: Pair<Rule>) -> Lowered<File> {
        let mut inner = pair.into_inner();
        let header = match inner.next() {
            Some(h) => self.header(h)?,
            None => return Err(Diagnostic::error(Code::Syntax, "the file has no header")),
        };
        let mut declarations = Vec::new();
        for pair in inner {
            let declaration = match pair.as_rule() {
                Rule::input => Declaration::Input(self.input(pair)?),
                Rule::param => Declaration::Value(self.value(pair, ValueKind::Param)?),
                Rule::define => Declaration::Value(self.value(pair, ValueKind::Define)?),
                Rule::check => Declaration::Check(self.check(pair)?),
                Rule::part => Declaration::Part(self.part(pair)),
                Rule::example => Declaration::Example(self.example(pair)?),
                Rule::reading => Declaration::Reading(self.reading(pair)?),
                Rule::drop => {
                    let span = self.span(&pair);
                    let mut kind = String::new();
                    let mut name = None;
                    let mut reason = None;
                    for p in pair.into_inner() {
                        match p.as_rule() {
                            Rule::drop_kind => kind = p.as_str().to_string(),
                            Rule::name => name = Some(self.name(p)),
                            Rule::string => reason = Some(string_text(p)),
                            _ => {}
                        }
                    }
                    let name = name.ok_or_else(|| self.missing_name(span))?;
                    Declaration::Drop(Drop {
                        kind,
                        name,
                        reason,
                        span,
                    })
                }
                Rule::cite => {
                    let span = self.span(&pair);
                    let mut inner = parts(pair);
                    let (meta, name) = self.opening(&mut inner);
                    let name = name.ok_or_else(|| self.missing_name(span))?;
                    Declaration::Cite(Cite { name, meta, span })
                }
                _ => continue, // EOI
            };
            declarations.push(declaration);
        }
        Ok(File {
            header,
            declarations,
        })
    }

    pub(super) fn header(&self, pair: Pair<Rule>) -> Lowered<Header> {
        let mut header = Header {
            name: String::new(),
            name_span: self.span(&pair),
            extends: None,
            source: None,
            valid: None,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::string => {
                    header.name_span = self.span(&part);
                    header.name = string_text(part);
                }
                Rule::extends => {
                    if let Some(s) = part.into_inner().next() {
                        let span = self.span(&s);
                        header.extends = Some((string_text(s), span));
                    }
                }
                Rule::source => header.source = part.into_inner().next().map(string_text),
                Rule::valid => {
                    let mut dates = part.into_inner();
                    if let (Some(from), Some(to)) = (dates.next(), dates.next()) {
                        header.valid = Some((self.date(from)?, self.date(to)?));
                    }
                }
                _ => {}
            }
        }
        Ok(header)
    }

    /// Reads the `override`, name, citation and label that open a declaration.
    pub(super) fn opening<'i>(&self, inner: &mut Parts<'i>) -> (Meta, Option<Name>) {
        let mut meta = Meta::default();
        let mut name = None;
        while let Some(pair) = inner.peek().cloned() {
            match pair.as_rule() {
                Rule::override_mark => meta.is_override = true,
                Rule::name if name.is_none() => name = Some(self.name(pair)),
                Rule::citation => {
                    meta.citation = pair
                        .into_inner()
                        .next()
                        .map(|t| t.as_str().trim().to_string())
                }
                Rule::label => meta.label = pair.into_inner().next().map(string_text),
                _ => break,
            }
            inner.next();
        }
        (meta, name)
    }

    pub(super) fn missing_name(&self, span: Span) -> Diagnostic {
        Diagnostic::error(Code::Syntax, "a declaration without a name").label(
            self.sources,
            span,
            "name this declaration",
        )
    }

    pub(super) fn input(&self, pair: Pair<Rule>) -> Lowered<Input> {
        let span = self.span(&pair);
        let mut inner = parts(pair);
        let (meta, name) = self.opening(&mut inner);
        let name = name.ok_or_else(|| self.missing_name(span))?;
        let mut ty = None;
        let mut default = None;
        let mut plausible = None;
        let mut gathered = None;
        for part in inner {
            match part.as_rule() {
                Rule::type_expr => ty = Some(self.type_expr(part)?),
                Rule::gathered => gathered = Some(self.gathered(part)),
                Rule::plausible => plausible = Some(Box::new(self.plausible(part)?)),
                Rule::default => {
                    if let Some(e) = part.into_inner().next() {
                        default = Some(self.expr(e)?);
                    }
                }
                _ => {}
            }
        }
        let ty = ty.ok_or_else(|| self.missing_name(span))?;
        Ok(Input {
            name,
            meta,
            ty,
            gathered,
            plausible,
            default,
            span,
        })
    }

    /// `gathered gross_budget over rows of the same operator`.
    pub(super) fn gathered(&self, pair: Pair<Rule>) -> Gathering {
        let span = self.span(&pair);
        let mut names = pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::name)
            .map(|p| self.name(p));
        // The grammar gives both names.
        let value = names.next().unwrap_or(Name {
            text: String::new(),
            span,
        });
        let group = names.next().unwrap_or(Name {
            text: String::new(),
            span,
        });
        Gathering { value, group, span }
    }

    pub(super) fn plausible(&self, pair: Pair<Rule>) -> Lowered<Plausible> {
        // The span ends where its last token does, not after the blank lines and
        // comments pest skipped looking for an `else warning`.
        let start = pair.as_span().start();
        let end = pair
            .clone()
            .into_inner()
            .flat_map(|p| p.into_inner())
            .map(|p| p.as_span().end())
            .chain(
                pair.clone()
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::plausible_warning)
                    .map(|p| p.as_span().end()),
            )
            .max()
            .unwrap_or(start);
        let span = Span::new(self.file, start, end);
        let mut range = Plausible {
            low: None,
            high: None,
            warning: false,
            span,
        };
        for part in pair.into_inner() {
            let rule = part.as_rule();
            if rule == Rule::plausible_warning {
                range.warning = true;
                continue;
            }
            let bounds = part
                .into_inner()
                .map(|b| self.bound(b))
                .collect::<Lowered<Vec<_>>>()?;
            let mut bounds = bounds.into_iter();
            match rule {
                Rule::between => (range.low, range.high) = (bounds.next(), bounds.next()),
                Rule::at_least => range.low = bounds.next(),
                Rule::at_most => range.high = bounds.next(),
                _ => {}
            }
        }
        Ok(range)
    }

    /// A bound of a plausible range: a literal, perhaps negative.
    pub(super) fn bound(&self, pair: Pair<Rule>) -> Lowered<Expr> {
        let span = self.span(&pair);
        let mut negated = false;
        let mut literal = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::negate => negated = true,
                Rule::date => literal = Some(ExprKind::Date(self.date(part)?)),
                Rule::quantity => literal = Some(self.quantity(part)?),
                _ => {}
            }
        }
        let kind = literal.ok_or_else(|| Diagnostic::error(Code::Syntax, "a bound is missing"))?;
        let expr = Expr { kind, span };
        Ok(if negated {
            Expr {
                kind: ExprKind::Unary(UnaryOp::Negate, Box::new(expr)),
                span,
            }
        } else {
            expr
        })
    }

    pub(super) fn value(&self, pair: Pair<Rule>, kind: ValueKind) -> Lowered<Value> {
        let span = self.span(&pair);
        let mut inner = parts(pair);
        let (meta, name) = self.opening(&mut inner);
        let name = name.ok_or_else(|| self.missing_name(span))?;
        let expr = match inner.next() {
            Some(e) => self.expr(e)?,
            None => return Err(self.missing_name(span)),
        };
        Ok(Value {
            kind,
            name,
            meta,
            expr,
            span,
        })
    }

    pub(super) fn reading(&self, pair: Pair<Rule>) -> Lowered<Reading> {
        let span = self.span(&pair);
        let mut inner = parts(pair);
        let (meta, name) = self.opening(&mut inner);
        let name = name.ok_or_else(|| self.missing_name(span))?;
        let mut alternatives = Vec::new();
        let mut taken = None;
        let mut reason = None;
        for part in inner {
            match part.as_rule() {
                Rule::alternative => {
                    let mut parts = parts(part);
                    let (meta, name) = self.opening(&mut parts);
                    if let Some(name) = name {
                        alternatives.push(Alternative {
                            name,
                            citation: meta.citation,
                            label: meta.label,
                        });
                    }
                }
                Rule::taken => {
                    for p in part.into_inner() {
                        match p.as_rule() {
                            Rule::name => taken = Some(self.name(p)),
                            Rule::string => reason = Some(string_text(p)),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        let taken = taken.ok_or_else(|| self.missing_name(span))?;
        Ok(Reading {
            name,
            meta,
            alternatives,
            taken,
            reason,
            span,
        })
    }

    pub(super) fn check(&self, pair: Pair<Rule>) -> Lowered<Check> {
        let span = self.span(&pair);
        let mut inner = parts(pair);
        let (meta, name) = self.opening(&mut inner);
        let name = name.ok_or_else(|| self.missing_name(span))?;
        let mut parts = Vec::new();
        if let Some(list) = inner.next_if(|p| p.as_rule() == Rule::check_parts) {
            parts = list.into_inner().map(|p| self.name(p)).collect();
        }
        let (Some(condition), Some(severity), Some(message)) =
            (inner.next(), inner.next(), inner.next())
        else {
            return Err(self.missing_name(span));
        };
        let severity = if severity.as_str() == "warning" {
            Severity::Warning
        } else {
            Severity::Error
        };
        Ok(Check {
            name,
            meta,
            parts,
            condition: self.expr(condition)?,
            severity,
            message: self.message(message)?,
            span,
        })
    }

    /// A check's message: text, and figures in braces (`"{overhead_rate} is above
    /// {overhead_cap}"`), each a formula parsed where it stands. `{{` and `}}` are braces.
    pub(super) fn message(&self, pair: Pair<Rule>) -> Lowered<Vec<MessagePart>> {
        let whole = pair.as_span();
        // The text between the quotes, and where it starts in the file.
        let text = string_text(pair);
        let start = self.offset + whole.start() + 1;
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text.char_indices().peekable();
        while let Some((i, c)) = rest.next() {
            match c {
                '{' if rest.peek().map(|(_, c)| *c) == Some('{') => {
                    rest.next();
                    literal.push('{');
                }
                '}' if rest.peek().map(|(_, c)| *c) == Some('}') => {
                    rest.next();
                    literal.push('}');
                }
                '{' => {
                    let close = text[i..].find('}').map(|j| i + j).ok_or_else(|| {
                        Diagnostic::error(Code::Syntax, "a `{` in the message is not closed")
                            .label(
                                self.sources,
                                Span::new(self.file, start + i, start + i + 1),
                                "opened here",
                            )
                            .help("a figure is written `{name}`; write `{{` for a brace itself")
                    })?;
                    if !literal.is_empty() {
                        parts.push(MessagePart::Text(std::mem::take(&mut literal)));
                    }
                    parts.push(MessagePart::Figure(
                        self.figure(&text[i + 1..close], start + i + 1)?,
                    ));
                    while rest.peek().is_some_and(|(j, _)| *j <= close) {
                        rest.next();
                    }
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(MessagePart::Text(literal));
        }
        Ok(parts)
    }

    /// A formula inside a message, starting at `offset` in the file.
    pub(super) fn figure(&self, text: &str, offset: usize) -> Lowered<Expr> {
        let inner = Lower {
            sources: self.sources,
            file: self.file,
            offset,
        };
        let mut pairs = Grammar::parse(Rule::figure, text).map_err(|_| {
            let span = Span::new(self.file, offset, offset + text.len());
            Diagnostic::error(Code::Syntax, "the figure in braces is not a formula")
                .label(self.sources, span, "not a formula")
                .help("write a name or a formula in braces: `{overhead_rate}`, `{year - 1}`")
        })?;
        match pairs.next().and_then(|p| p.into_inner().next()) {
            Some(expr) => inner.expr(expr),
            None => Err(Diagnostic::error(
                Code::Syntax,
                "an empty `{}` in a message",
            )),
        }
    }

    pub(super) fn part(&self, pair: Pair<Rule>) -> Part {
        let span = self.span(&pair);
        let mut inner = parts(pair);
        let (meta, name) = self.opening(&mut inner);
        let name = name.unwrap_or(Name {
            text: String::new(),
            span,
        });
        let outputs = inner
            .filter(|p| p.as_rule() == Rule::name)
            .map(|p| self.name(p))
            .collect();
        Part {
            name,
            meta,
            outputs,
            span,
        }
    }

    pub(super) fn example(&self, pair: Pair<Rule>) -> Lowered<Example> {
        let span = self.span(&pair);
        let mut example = Example {
            title: String::new(),
            title_span: span,
            citation: None,
            givens: Vec::new(),
            expects: Vec::new(),
            span,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::string => {
                    example.title_span = self.span(&part);
                    example.title = string_text(part);
                }
                Rule::citation => {
                    example.citation = part
                        .into_inner()
                        .next()
                        .map(|t| t.as_str().trim().to_string())
                }
                Rule::given => {
                    let mut inner = parts(part);
                    if let (Some(name), Some(expr)) = (inner.next(), inner.next()) {
                        example.givens.push((self.name(name), self.expr(expr)?));
                    }
                }
                Rule::expect => {
                    if let Some(expr) = part.into_inner().next() {
                        example.expects.push(self.expr(expr)?);
                    }
                }
                _ => {}
            }
        }
        Ok(example)
    }
}
