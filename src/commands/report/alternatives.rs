//! The readings section of an offer's report: each reading the part uses, its
//! alternatives, and what each alternative other than the one in force changes.

use super::super::readings::{self, Alternatives};
use super::words::Words;
use crate::render::html::{escape, table, th};

/// A reading: its passage, its alternatives (the one in force marked, the one the
/// rule file takes with its reason), and what each other alternative changes.
pub fn reading_html(a: &Alternatives, w: &Words) -> String {
    let r = a.reading;
    let mut out = format!(
        "<div class=\"reading\"><h4><code>{}</code> {}</h4>",
        escape(&r.name),
        escape(r.label.as_deref().unwrap_or(""))
    );
    if let Some(c) = &r.citation {
        out.push_str(&format!("<span class=\"cite\">{}</span>", escape(c)));
    }
    out.push_str("<ul>");
    for (i, alternative) in r.alternatives.iter().enumerate() {
        let in_force = i as u32 == r.chosen;
        let mark = if in_force { "▸ " } else { "" };
        let class = if in_force { " class=\"in-force\"" } else { "" };
        let mut line = format!(
            "<li{class}>{mark}<code>{}</code> {}",
            escape(&alternative.name),
            escape(alternative.label.as_deref().unwrap_or(""))
        );
        if let Some(c) = &alternative.citation {
            line.push_str(&format!(" <span class=\"muted\">[{}]</span>", escape(c)));
        }
        if i as u32 == r.taken {
            let why = r
                .reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            let said = if r.taken == r.chosen {
                format!("{}{why}", w.taken)
            } else {
                format!("{} {}", w.switched, alternative.name)
            };
            line.push_str(&format!(
                "<br><span class=\"reason\">{}</span>",
                escape(&said)
            ));
        }
        if let Some(Some(m)) = a.moves.get(i) {
            line.push_str(&changes_html(m, w));
        }
        line.push_str("</li>");
        out.push_str(&line);
    }
    out.push_str("</ul></div>\n");
    out
}

/// What one alternative changes on the offer, as a table (or a sentence if nothing).
fn changes_html(m: &readings::Moves, w: &Words) -> String {
    if m.changes.is_empty() {
        let said = if m.not_evaluated.is_empty() {
            w.changes_nothing
        } else {
            w.not_evaluated
        };
        return format!("<br><span class=\"muted\">→ {}</span>", escape(said));
    }
    let header = [
        th(w.figure),
        format!("<th class=\"n\">{}</th>", escape(w.now)),
        format!("<th class=\"n\">{}</th>", escape(w.with_reading)),
        format!("<th class=\"n\">{}</th>", escape(w.difference)),
    ];
    let rows: Vec<String> = m
        .changes
        .iter()
        .map(|c| {
            format!(
                "<tr class=\"differs\"><td>{}<span class=\"cite\"><code>{}</code></span></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n difference\">{}</td></tr>",
                escape(&c.label),
                escape(&c.figure),
                escape(&c.taken),
                escape(&c.alternative),
                escape(&c.difference)
            )
        })
        .collect();
    format!(
        "<br>{}:{}",
        escape(w.would_change),
        table("", &header, &rows)
    )
}
