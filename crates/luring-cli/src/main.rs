//! The `luring` command. Each subcommand parses its arguments, makes one call into
//! `luring-client` and prints the result; no rules live here, so the desktop app and the
//! CLI always agree.

mod args;
mod attachments;
mod commands;
mod output;
mod progress;
mod watch;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A bug must still end in one readable line, never a stack trace on a user's screen.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("luring: internal error ({info}); please report it");
    }));
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind::*;
            if matches!(
                e.kind(),
                DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // clap's message continues on the next lines (e.g. the missing arguments' names)
            // until a blank line; keep all of it, on one line.
            let rendered = e.render().to_string();
            let msg: Vec<&str> = rendered
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            let msg = msg.join(" ");
            let msg = msg.strip_prefix("error: ").unwrap_or(&msg);
            eprintln!("luring: {msg} (see `luring --help`)");
            return ExitCode::from(2);
        }
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("luring: {e:#}");
            ExitCode::FAILURE
        }
    }
}
