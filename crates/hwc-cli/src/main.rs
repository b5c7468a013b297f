//! `hwc`: the handling history of HSS image vulnerabilities and the scan history of CodeArts
//! Check tasks, from the terminal.

#![forbid(unsafe_code)]

mod args;
mod chart;
mod commands;
mod demo;
mod gate;
mod output;
mod report;
mod session;
mod state;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use tracing_subscriber::EnvFilter;

use crate::args::{Cli, CodeArtsCommand, Command, HssCommand};
use crate::commands::Failure;
use crate::session::Session;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = match cli.global.verbose {
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
    match run(cli).await {
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
        Err(Failure::Simulator(error)) => {
            eprintln!("hwc: error: cannot start the simulator: {error}");
            ExitCode::from(report::EXIT_API)
        }
        Err(Failure::Write { target, message }) => {
            eprintln!("hwc: error: cannot write {}: {message}", target.display());
            ExitCode::from(report::EXIT_OUTPUT)
        }
        Err(Failure::GateFailed) => ExitCode::from(report::EXIT_GATE_FAILED),
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

async fn run(cli: Cli) -> Result<(), Failure> {
    let format = cli.global.output;
    match &cli.command {
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "hwc", &mut std::io::stdout());
            Ok(())
        }
        Command::Demo { chart } => demo::run(chart).await,
        Command::Hss(HssCommand::VulHistory(args)) => {
            let session = Session::open(&cli.global).await?;
            commands::vul_history(&session.client, args, format).await
        }
        Command::CodeArtsCheck(CodeArtsCommand::Records(args)) => {
            let session = Session::open(&cli.global).await?;
            commands::records(&session.client, args, format).await
        }
        Command::CodeArtsCheck(CodeArtsCommand::Gate(args)) => {
            let session = Session::open(&cli.global).await?;
            gate::gate(&session.client, args, format, &mut std::io::stdout()).await
        }
        Command::CodeArtsCheck(CodeArtsCommand::Trend(args)) => {
            let session = Session::open(&cli.global).await?;
            commands::trend(&session.client, args, &mut std::io::stdout()).await
        }
    }
}
