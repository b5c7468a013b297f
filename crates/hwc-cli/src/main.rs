//! `hwc`: the handling history of HSS image vulnerabilities and the scan history of CodeArts
//! Check tasks, from the terminal.

#![forbid(unsafe_code)]

mod args;
mod chart;
mod commands;
mod config;
#[cfg(feature = "sim")]
mod demo;
mod export;
mod failure;
mod gate;
mod interrupt;
mod operations;
mod output;
mod report;
mod session;

use std::process::ExitCode;

use clap::FromArgMatches;
use tracing_subscriber::EnvFilter;

use crate::args::{Cli, CodeArtsCommand, Command, Global};
use crate::failure::Failure;
use crate::session::Session;

#[tokio::main]
async fn main() -> ExitCode {
    let matches = operations::command().get_matches();
    let global = match Global::from_arg_matches(&matches) {
        Ok(global) => global,
        Err(error) => error.exit(),
    };
    let level = match global.verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level)),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(&matches, &global).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Hwc(error)) => ExitCode::from(report::report(&error)),
        // A closed pipe (`hwc ... | head`) is the reader's choice, not an error.
        Err(Failure::Io(error)) if error.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(Failure::Io(error)) => {
            eprintln!("hwc: error: cannot write to standard output: {error}");
            ExitCode::from(report::EXIT_OUTPUT)
        }
        #[cfg(feature = "sim")]
        Err(Failure::Simulator(error)) => {
            eprintln!("hwc: error: cannot start the simulator: {error}");
            ExitCode::from(report::EXIT_API)
        }
        Err(Failure::Write { target, message }) => {
            eprintln!("hwc: error: cannot write {}: {message}", target.display());
            ExitCode::from(report::EXIT_OUTPUT)
        }
        Err(Failure::Locked {
            lock,
            holder,
            waited,
        }) => {
            let holder = holder.map_or_else(String::new, |pid| format!(" (pid {pid})"));
            let advice = match waited {
                Some(waited) => format!("it was still held after waiting {waited:?}"),
                None => "give --wait-lock DURATION to wait for it".to_owned(),
            };
            eprintln!(
                "hwc: error: another hwc run{holder} is writing this export: {} is locked; {advice}",
                lock.display()
            );
            ExitCode::from(report::EXIT_API)
        }
        Err(Failure::GateFailed) => ExitCode::from(report::EXIT_GATE_FAILED),
        Err(Failure::ChecksFailed) => ExitCode::from(report::EXIT_API),
        Err(Failure::Usage(message)) => {
            eprintln!("hwc: error: {message}");
            ExitCode::from(report::EXIT_USAGE)
        }
        Err(Failure::Interrupted) => {
            eprintln!("hwc: interrupted");
            ExitCode::from(report::EXIT_INTERRUPTED)
        }
    }
}

async fn run(matches: &clap::ArgMatches, global: &Global) -> Result<(), Failure> {
    let format = global.output;
    if let Some(invocation) = operations::invocation(matches) {
        let session = Session::open(global).await?;
        return commands::run_operation(&session, &invocation, format).await;
    }
    let cli = Cli::from_arg_matches(matches).map_err(|error| Failure::Usage(error.to_string()))?;
    match &cli.command {
        Command::Config => config::run(global).await,
        Command::Completions { shell } => {
            clap_complete::generate(
                *shell,
                &mut operations::command(),
                "hwc",
                &mut std::io::stdout(),
            );
            Ok(())
        }
        #[cfg(feature = "sim")]
        Command::Demo { chart } => demo::run(chart).await,
        Command::CodeArtsCheck(command) => {
            let records = hwc::codearts_check::OPERATION;
            let Some((_, group)) = matches.subcommand() else {
                return Err(Failure::Usage("no command".into()));
            };
            let Some((_, command_matches)) = group.subcommand() else {
                return Err(Failure::Usage("no command".into()));
            };
            let parameters = operations::parameters(records, command_matches);
            let given: Vec<(&str, &str)> = parameters
                .iter()
                .map(|(name, value)| (*name, value.as_str()))
                .collect();
            let task = given
                .iter()
                .find(|(name, _)| *name == "task_id")
                .map_or("", |(_, value)| *value);
            let session = Session::open(global).await?;
            let request =
                <hwc::codearts_check::CheckRecords as hwc::FromParameters>::from_parameters(
                    &session.client,
                    &given,
                )?;
            match command {
                CodeArtsCommand::Gate(args) => {
                    gate::gate(request, task, args, format, &mut std::io::stdout()).await
                }
                CodeArtsCommand::Trend(args) => {
                    commands::trend(request, task, args, &mut std::io::stdout()).await
                }
            }
        }
    }
}
