//! `takst explain`: a section of the language reference, from the binary.
//!
//! Diagnostics name a code (`takst::unit_mismatch`) and help lines name a topic
//! (`takst explain functions`); whoever has only the installed binary has no
//! `docs/language.md`, so it is bundled and its sections are printed from here.

use dsl::{Code, Diagnostic};

use super::Outcome;

/// The language reference, as in the repository.
const REFERENCE: &str = include_str!("../../docs/language.md");

/// A section of the reference: its heading's level and text, and its lines.
struct Section {
    level: usize,
    heading: String,
    text: String,
    /// Still gathering lines: no heading of its level or above has come yet.
    open: bool,
}

/// Prints the section for `topic`: a diagnostic code (`takst::unit_mismatch`,
/// `unit_mismatch`), a function (`round`) or a section (`functions`, `input files`);
/// without a topic, the list of them.
pub fn run(topic: Option<&str>) -> Outcome {
    let sections = sections();
    let Some(topic) = topic else {
        out!("{}", contents(&sections));
        return Ok(Vec::new());
    };
    let wanted = key(topic);
    match sections.iter().find(|s| key(&name(s)) == wanted) {
        Some(section) => {
            outln!("{}", section.text.trim_end());
            Ok(Vec::new())
        }
        None => {
            let keys: Vec<(String, String)> =
                sections.iter().map(|s| (key(&name(s)), name(s))).collect();
            let close = dsl::suggest::closest(&wanted, keys.iter().map(|(k, _)| k.as_str()));
            let close = close.and_then(|c| keys.iter().find(|(k, _)| k == c));
            let list = "`takst explain` lists the topics: every diagnostic code, function and \
                        section of the language reference";
            let help = match close {
                Some((_, close)) => format!("did you mean `{close}`? {list}"),
                None => list.to_string(),
            };
            Err(vec![Diagnostic::error(
                Code::UnknownTopic,
                format!("nothing to explain under `{topic}`"),
            )
            .help(help)])
        }
    }
}

/// The sections of the reference, headings inside code blocks aside.
fn sections() -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut in_code = false;
    for line in REFERENCE.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        let level = line.chars().take_while(|c| *c == '#').count();
        let heading = line.get(level..).filter(|h| h.starts_with(' '));
        if let (false, 1..=3, Some(heading)) = (in_code, level, heading) {
            // A heading ends the sections of its level and deeper.
            for earlier in sections.iter_mut().filter(|s| s.level >= level) {
                earlier.open = false;
            }
            sections.push(Section {
                level,
                heading: heading.trim().to_string(),
                text: String::new(),
                open: true,
            });
        }
        for open in sections.iter_mut().filter(|s| s.open) {
            open.text.push_str(line);
            open.text.push('\n');
        }
    }
    sections
}

/// The topic a section is found by: `takst::unit_mismatch`, `sum_by`, `input-files`.
fn name(section: &Section) -> String {
    let heading = &section.heading;
    match heading.contains(' ') || heading.chars().any(char::is_uppercase) {
        true => slug(heading),
        false => heading.clone(),
    }
}

/// A topic as it is compared: `unit_mismatch`, `takst::unit-mismatch` and
/// `Unit mismatch` are one.
fn key(topic: &str) -> String {
    slug(topic.strip_prefix("takst::").unwrap_or(topic))
}

/// A name as topics are compared: lower case, words joined by `-`.
fn slug(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.join("-")
}

/// Every topic: the sections, the functions and the diagnostic codes.
fn contents(sections: &[Section]) -> String {
    let (mut parts, mut functions, mut codes) = (Vec::new(), Vec::new(), Vec::new());
    let mut under = "";
    for section in sections {
        let topic = name(section);
        match section.level {
            1 => {}
            2 => {
                under = section.heading.as_str();
                parts.push(topic);
            }
            _ if topic.starts_with("takst::") => codes.push(topic),
            _ if under == "Functions" => functions.push(topic),
            _ => parts.push(topic),
        }
    }
    let mut out = String::from("takst explain TOPIC prints a part of the language reference.\n");
    for (title, topics) in [
        ("Sections", parts),
        ("Functions", functions),
        ("Diagnostic codes", codes),
    ] {
        out.push_str(&format!("\n{title}:\n"));
        let mut line = String::new();
        for topic in topics {
            if !line.is_empty() && line.len() + topic.len() > 92 {
                out.push_str(&format!("  {}\n", line.trim_end()));
                line.clear();
            }
            line.push_str(&topic);
            line.push_str(", ");
        }
        out.push_str(&format!("  {}\n", line.trim_end().trim_end_matches(',')));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_diagnostic_code_has_a_section() {
        let sections = sections();
        for code in Code::ALL {
            let short = code.as_str().trim_start_matches("takst::");
            let section = sections.iter().find(|s| key(&name(s)) == key(short));
            let section = section.unwrap_or_else(|| panic!("no section for {code}"));
            assert!(section.text.starts_with(&format!("### {code}\n")));
            assert!(section.text.contains("*What it means"), "{code}");
        }
    }

    #[test]
    fn a_section_runs_to_the_next_heading_of_its_level() {
        let sections = sections();
        let units = sections
            .iter()
            .find(|s| s.heading == "Units")
            .expect("Units");
        assert!(units.text.starts_with("## Units\n"));
        assert!(!units.text.contains("## Formulas"));
        let functions = sections.iter().find(|s| s.heading == "Functions");
        let functions = functions.expect("Functions");
        assert!(
            functions.text.contains("### round"),
            "a section holds its subsections"
        );
        // A `#` comment inside a code block is no heading.
        assert!(!sections.iter().any(|s| s.heading.starts_with("The tariff")));
    }

    #[test]
    fn topics_are_found_however_they_are_written() {
        assert_eq!(key("Input files"), key("input_files"));
        assert_eq!(key("takst::unit_mismatch"), key("unit-mismatch"));
    }
}
