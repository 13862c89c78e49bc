//! Tables gathered across the rows of a tariff file (`input … gathered gross_budget
//! over rows of the same operator`): one table per group, each row of the group an
//! entry keyed by its name, holding the figure the row gives.
//!
//! A tariff file is read twice: the first pass gives every row's group, name and
//! figure to [`Gathering::add`] in the file's order; the second evaluates each row
//! with its group's table ([`Gathering::table`]). What is wrong with a group — a row
//! without a name, a figure that could not be computed, a name given twice — makes
//! the group's table a failure, an error only for a row that reads it (and named
//! there: never a table with a row left out).

use std::collections::HashMap;
use std::sync::Arc;

use dsl::program::{Key, Program, SlotId};
use dsl::Code;

use crate::error::EvalError;
use crate::value::{Table, Value};

/// The tables of one gathered input, by group.
#[derive(Debug)]
pub struct Gathering {
    slot: SlotId,
    groups: HashMap<Arc<str>, Group>,
    /// Each group's name as [`spelling`] reads it, with the name as first written
    /// and its line: two groups of one spelling are one group written two ways.
    spellings: HashMap<String, (Arc<str>, usize)>,
    /// What a row that names no group is given: made once, for every such row.
    no_group: std::sync::OnceLock<Value>,
}

#[derive(Debug)]
enum Group {
    Rows {
        entries: Vec<(Key, Value)>,
        /// By each name's [`spelling`]: the line it was first given on, and how.
        lines: HashMap<String, (usize, Arc<str>)>,
    },
    /// The group's table cannot be made: why.
    Broken(Arc<EvalError>),
    /// Made: the table every row of the group is given.
    Made(Value),
}

impl Gathering {
    /// No rows yet, for the gathered input `slot`.
    pub fn new(slot: SlotId) -> Gathering {
        Gathering {
            slot,
            groups: HashMap::new(),
            spellings: HashMap::new(),
            no_group: std::sync::OnceLock::new(),
        }
    }

    /// The gathered input.
    pub fn slot(&self) -> SlotId {
        self.slot
    }

    /// How many groups there are.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// True if no row has a group.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Adds the row on `line`, of the group `group` (a row without one is in none),
    /// named `name`, giving `figure` — or why its figure could not be computed.
    pub fn add(
        &mut self,
        program: &Program,
        group: &str,
        name: Option<&str>,
        line: usize,
        figure: Result<Value, String>,
    ) {
        let group = group.trim();
        if group.is_empty() {
            return;
        }
        if !self.groups.contains_key(group) {
            self.spelt_once(program, group, line);
        }
        let entry = match self.groups.get_mut(group) {
            Some(entry) => entry,
            None => self
                .groups
                .entry(Arc::from(group))
                .or_insert_with(|| Group::Rows {
                    entries: Vec::new(),
                    lines: HashMap::new(),
                }),
        };
        let Group::Rows { entries, lines } = entry else {
            return;
        };
        let Named {
            span,
            table,
            figure: figure_name,
            group: group_name,
        } = Named::of(program, self.slot);
        let broken = |code, title: String, help: String| {
            Group::Broken(Arc::new(EvalError::new(code, span, title).help(help)))
        };
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        let Some(name) = name else {
            *entry = broken(
                Code::GroupIncomplete,
                format!("`{table}` of the {group_name} `{group}` cannot be made: the row on line {line} has no name"),
                format!("a gathered table is keyed by the rows' names: fill the `name` cell on line {line}"),
            );
            return;
        };
        if let Some((first, written)) = lines.get(spelling(name).as_str()) {
            let named = match &**written == name {
                true => format!("`{name}`"),
                false => format!("`{written}` and `{name}`"),
            };
            *entry = broken(
                Code::NamedTwiceInGroup,
                format!("two rows of the {group_name} `{group}` are named {named} (lines {first} and {line})"),
                format!("give each offer of the {group_name} a name of its own (not only in capitals or spaces): `{table}` holds one entry per name"),
            );
            return;
        }
        match figure {
            Ok(value) => {
                let name: Arc<str> = Arc::from(name);
                lines.insert(spelling(&name), (line, name.clone()));
                entries.push((Key::Label(name), value));
            }
            Err(why) => {
                *entry = broken(
                    Code::GroupIncomplete,
                    format!("`{table}` of the {group_name} `{group}` cannot be made: `{figure_name}` of line {line} ({name}) is not known: {why}"),
                    format!("correct line {line}: every row of the {group_name} gives its `{figure_name}` to the table"),
                );
            }
        }
    }

    /// Notes the new group `group`, first written on `line`; if another group has
    /// its spelling, both are broken: one group written two ways would be two
    /// tables (an operator's pools split twice).
    fn spelt_once(&mut self, program: &Program, group: &str, line: usize) {
        let (first, first_line) = match self.spellings.get(&spelling(group)) {
            Some((first, first_line)) => (first.clone(), *first_line),
            None => {
                let written = (Arc::from(group), line);
                self.spellings.insert(spelling(group), written);
                return;
            }
        };
        let Named {
            span,
            group: group_name,
            ..
        } = Named::of(program, self.slot);
        let error = Arc::new(
            EvalError::new(
                Code::GroupSpeltTwoWays,
                span,
                format!(
                    "the {group_name} `{first}` (line {first_line}) is written `{group}` on line {line}: read as two, each would get a table of its own"
                ),
            )
            .help(format!("write the {group_name} the same way on every row")),
        );
        for name in [first, Arc::from(group)] {
            self.groups.insert(name, Group::Broken(error.clone()));
        }
    }

    /// Makes every group's table, once the first pass is done.
    pub fn finish(&mut self) {
        for group in self.groups.values_mut() {
            let made = match std::mem::replace(group, Group::Made(Value::Unset)) {
                Group::Rows { entries, .. } => Value::Table(Arc::new(Table { entries })),
                Group::Broken(error) => Value::Failed(error),
                Group::Made(value) => value,
            };
            *group = Group::Made(made);
        }
    }

    /// The table a row of `group` is given (after [`Gathering::finish`]); a failure
    /// if the row names no group, or its group's table could not be made.
    pub fn table(&self, program: &Program, group: Option<&str>) -> Value {
        let group = group.map(str::trim).filter(|g| !g.is_empty());
        match group.and_then(|g| self.groups.get(g)) {
            Some(Group::Made(value)) => value.clone(),
            Some(Group::Broken(error)) => Value::Failed(error.clone()),
            Some(Group::Rows { .. }) | None => {
                (self.no_group.get_or_init(|| self.no_group(program))).clone()
            }
        }
    }

    /// The failure of a row that names no group (or one whose table is not made).
    fn no_group(&self, program: &Program) -> Value {
        let Named {
            span,
            table,
            group: group_name,
            ..
        } = Named::of(program, self.slot);
        Value::Failed(Arc::new(
            EvalError::new(
                Code::NoGroup,
                span,
                format!("`{table}` is gathered over the rows of the same {group_name}, and this row names no {group_name}"),
            )
            .help(format!(
                "fill the row's `{group_name}` cell (a column `{group_name}` in the header, the same text on every row of one {group_name})"
            )),
        ))
    }
}

/// What a gathered input's messages call it: its table, the figure each row gives
/// and the group, and where the rule file gathers it.
struct Named<'p> {
    span: dsl::span::Span,
    table: &'p str,
    figure: &'p str,
    group: &'p str,
}

impl<'p> Named<'p> {
    fn of(program: &'p Program, slot: SlotId) -> Named<'p> {
        let gathered = program.slot(slot);
        let (figure, group) = match &gathered.gathered {
            Some(g) => (
                program.slot(g.value).name.as_str(),
                program.slot(g.group).name.as_str(),
            ),
            None => ("", ""),
        };
        Named {
            span: gathered.gathered.as_ref().map_or(gathered.span, |g| g.span),
            table: gathered.name.as_str(),
            figure,
            group,
        }
    }
}

/// A name as it is compared: capitals and runs of spaces do not count.
fn spelling(name: &str) -> String {
    let words: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program() -> Program {
        use dsl::NoBases;
        let text = "agreement \"G\"\n\
                    input operator: text\n\
                    input budget: money\n\
                    input budgets: money per offer gathered budget over rows of the same operator\n";
        dsl::check("g.takst", text, &NoBases).expect("checks")
    }

    fn money(n: i64) -> Value {
        Value::Number(n.into())
    }

    #[test]
    fn rows_of_a_group_make_its_table_in_the_files_order() {
        let program = program();
        let slot = program.slot_id("budgets").expect("declared");
        let mut g = Gathering::new(slot);
        g.add(&program, "Aarhus", Some("Engen"), 2, Ok(money(100)));
        g.add(&program, "Randers", Some("Toften"), 3, Ok(money(50)));
        g.add(&program, " Aarhus ", Some("Lyngen"), 4, Ok(money(300)));
        g.add(&program, "", Some("Alene"), 5, Ok(money(7)));
        g.finish();
        assert_eq!(g.len(), 2);
        let Value::Table(aarhus) = g.table(&program, Some("Aarhus")) else {
            panic!("a table");
        };
        assert_eq!(
            aarhus.entries,
            vec![
                (Key::Label("Engen".into()), money(100)),
                (Key::Label("Lyngen".into()), money(300))
            ]
        );
        let Value::Failed(e) = g.table(&program, Some("")) else {
            panic!("no group");
        };
        assert_eq!(e.code, Code::NoGroup);
        let Value::Failed(e) = g.table(&program, Some("Odder")) else {
            panic!("no group");
        };
        assert_eq!(e.code, Code::NoGroup);
    }

    #[test]
    fn a_group_with_a_row_left_out_has_no_table() {
        let program = program();
        let slot = program.slot_id("budgets").expect("declared");
        let mut g = Gathering::new(slot);
        g.add(&program, "Aarhus", Some("Engen"), 2, Ok(money(100)));
        g.add(&program, "Aarhus", Some("Engen"), 3, Ok(money(100)));
        g.add(
            &program,
            "Randers",
            Some("Toften"),
            4,
            Err("the cell is empty".into()),
        );
        g.add(&program, "Randers", Some("Hvidsten"), 5, Ok(money(1)));
        g.add(&program, "Odder", None, 6, Ok(money(1)));
        g.finish();
        let code = |group| match g.table(&program, Some(group)) {
            Value::Failed(e) => Some((e.code, e.title.clone())),
            _ => None,
        };
        let (c, title) = code("Aarhus").expect("broken");
        assert_eq!(c, Code::NamedTwiceInGroup);
        assert!(title.contains("lines 2 and 3"), "{title}");
        let (c, title) = code("Randers").expect("broken");
        assert_eq!(c, Code::GroupIncomplete);
        assert!(title.contains("line 4 (Toften)"), "{title}");
        assert_eq!(code("Odder").map(|c| c.0), Some(Code::GroupIncomplete));
    }

    #[test]
    fn a_group_or_a_name_written_two_ways_is_said() {
        // One operator written two ways would be two groups, each splitting the
        // whole pools: both are broken, for every row that reads them.
        let program = program();
        let slot = program.slot_id("budgets").expect("declared");
        let mut g = Gathering::new(slot);
        g.add(&program, "Aarhus Kommune", Some("Engen"), 2, Ok(money(100)));
        g.add(
            &program,
            "Aarhus  kommune",
            Some("Toften"),
            3,
            Ok(money(50)),
        );
        g.add(
            &program,
            "Aarhus Kommune",
            Some("Lyngen"),
            4,
            Ok(money(300)),
        );
        g.add(&program, "Randers", Some("Hvidsten"), 5, Ok(money(1)));
        g.add(&program, "Randers", Some("hvidsten "), 6, Ok(money(1)));
        g.add(&program, "Odder", Some("Ny"), 7, Ok(money(1)));
        g.finish();
        let failed = |group| match g.table(&program, Some(group)) {
            Value::Failed(e) => Some((e.code, e.title.clone())),
            _ => None,
        };
        for group in ["Aarhus Kommune", "Aarhus  kommune"] {
            let (code, title) = failed(group).expect("broken");
            assert_eq!(code, Code::GroupSpeltTwoWays);
            assert_eq!(
                title,
                "the operator `Aarhus Kommune` (line 2) is written `Aarhus  kommune` on line 3: \
                 read as two, each would get a table of its own"
            );
        }
        let (code, title) = failed("Randers").expect("broken");
        assert_eq!(code, Code::NamedTwiceInGroup);
        assert!(
            title.contains("`Hvidsten` and `hvidsten` (lines 5 and 6)"),
            "{title}"
        );
        assert_eq!(failed("Odder"), None);
    }
}
