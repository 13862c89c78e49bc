//! A self-contained HTML page: styles and the one script inline, no fonts, images or
//! anything else fetched, so that it opens as it is from a mail attachment.

/// The page's styles.
const STYLE: &str = include_str!("report.css");

/// The page's one script: sorting a table by a column when its header is clicked.
/// The page reads fully without it.
const SORTING: &str = include_str!("sort.js");

/// Text escaped for HTML (element content and quoted attribute values).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A page being written: sections of HTML appended in order.
pub struct Page {
    lang: &'static str,
    title: String,
    body: String,
}

impl Page {
    /// A page in language `lang` (`da`, `en`) with this title.
    pub fn new(lang: &'static str, title: &str) -> Page {
        Page {
            lang,
            title: title.to_string(),
            body: String::new(),
        }
    }

    /// Appends HTML as it is.
    pub fn push(&mut self, html: &str) {
        self.body.push_str(html);
    }

    /// The whole page.
    pub fn finish(self) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n\
             <script>\n{SORTING}</script>\n</body>\n</html>\n",
            lang = self.lang,
            title = escape(&self.title),
            body = self.body,
        )
    }
}

/// A table: a header row, then rows of cells already written as HTML (`<td>…</td>`).
pub fn table(attributes: &str, header: &[String], rows: &[String]) -> String {
    let mut out = format!("<div class=\"scroll\"><table{attributes}>\n<thead><tr>");
    for h in header {
        out.push_str(h);
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str(row);
        out.push('\n');
    }
    out.push_str("</tbody>\n</table></div>\n");
    out
}

/// A header cell with this text.
pub fn th(text: &str) -> String {
    format!("<th>{}</th>", escape(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_become_markup() {
        assert_eq!(
            escape("<b>\"Lindely\" & 'Engen'</b>"),
            "&lt;b&gt;&quot;Lindely&quot; &amp; &#39;Engen&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn a_page_carries_everything_it_shows() {
        let mut page = Page::new("da", "Takster & <mere>");
        page.push("<p>x</p>");
        let html = page.finish();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<title>Takster &amp; &lt;mere&gt;</title>"));
        assert!(html.contains("<html lang=\"da\">"));
        for external in ["http://", "https://", "<link", "@import", "src="] {
            assert!(!html.contains(external), "{external}");
        }
    }
}
