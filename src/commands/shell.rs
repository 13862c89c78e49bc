//! `takst completions SHELL` and `takst man`: generated from the command line's own
//! definition (clap), so they never fall behind it.

use clap::CommandFactory;
use dsl::{Code, Diagnostic};

use super::Outcome;

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Outcome {
    let mut command = crate::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "takst", &mut script);
    out!("{}", String::from_utf8_lossy(&script));
    Ok(Vec::new())
}

/// Prints the manual page: the command, then each subcommand with its options.
pub fn man() -> Outcome {
    let command = crate::Cli::command();
    let mut page = Vec::new();
    let rendered = clap_mangen::Man::new(command.clone())
        .render(&mut page)
        .and_then(|()| {
            for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
                let name = format!("takst {}", sub.get_name());
                let man = clap_mangen::Man::new(sub.clone().bin_name(&name));
                let mut sections = Vec::new();
                man.render_description_section(&mut sections)?;
                man.render_synopsis_section(&mut sections)?;
                man.render_options_section(&mut sections)?;
                // The subcommand's sections as subsections of its own.
                let sections = String::from_utf8_lossy(&sections).replace(".SH ", ".SS ");
                page.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
                page.extend_from_slice(sections.as_bytes());
            }
            Ok(())
        });
    if let Err(e) = rendered {
        return Err(vec![Diagnostic::error(
            Code::CannotWrite,
            format!("cannot write the manual page: {e}"),
        )
        .help("please report this")]);
    }
    out!("{}", String::from_utf8_lossy(&page));
    Ok(Vec::new())
}
