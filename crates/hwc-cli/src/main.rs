//! `hwc`: the handling history of HSS image vulnerabilities and the scan history of CodeArts
//! Check tasks, from the terminal.

#![forbid(unsafe_code)]

mod cli;
mod cmd_config;
#[cfg(feature = "sim")]
mod cmd_demo;
mod cmd_gate;
mod cmd_host_vul_history;
mod cmd_operation;
mod cmd_records;
mod cmd_trend;
mod cmd_vul_history;
mod exit;
mod export;
mod global;
mod history_args;
mod interrupt;
mod operations;
mod render;
mod session;
mod time_args;

use std::process::ExitCode;

use clap::FromArgMatches;
use tracing_subscriber::EnvFilter;

use crate::cli::{Cli, CodeArtsCommand, Command};
use crate::exit::Failure;
use crate::global::Global;
use crate::render::Output;
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
    // `--debug`: the one event of each attempt, whatever else is logged.
    let level = if global.debug {
        format!("{level},{}=debug", hwc::ATTEMPT_TARGET)
    } else {
        level.to_owned()
    };
    tracing_subscriber::fmt()
        .with_env_filter(match EnvFilter::try_from_default_env() {
            // `--debug` holds with RUST_LOG too.
            Ok(filter) if global.debug => match format!("{}=debug", hwc::ATTEMPT_TARGET).parse() {
                Ok(directive) => filter.add_directive(directive),
                Err(_) => filter,
            },
            Ok(filter) => filter,
            Err(_) => EnvFilter::new(&level),
        })
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    exit::exit_code(run(&matches, &global).await)
}

async fn run(matches: &clap::ArgMatches, global: &Global) -> Result<(), Failure> {
    let format = global.output;
    if let Some(invocation) = operations::invocation(matches) {
        let session = Session::open(global).await?;
        return cmd_operation::run_operation(&session, &invocation, format).await;
    }
    if format == Output::Ocsf {
        return Err(Failure::Usage(
            "-o ocsf is for HSS handling records: hss vul-history and hss host-vul-history".into(),
        ));
    }
    let cli = Cli::from_arg_matches(matches).map_err(|error| Failure::Usage(error.to_string()))?;
    match &cli.command {
        Command::Config => cmd_config::run(global).await,
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
        Command::Demo { chart } => cmd_demo::run(chart).await,
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
            match command {
                CodeArtsCommand::Gate(args) => {
                    cmd_gate::gate(
                        &session.client,
                        &given,
                        args,
                        format,
                        &mut std::io::stdout(),
                    )
                    .await
                }
                CodeArtsCommand::Trend(args) if args.all_tasks => {
                    cmd_trend::trend_of_all_tasks(
                        &session.client,
                        &given,
                        args,
                        &mut std::io::stdout(),
                    )
                    .await
                }
                CodeArtsCommand::Trend(args) => {
                    let request =
                        <hwc::codearts_check::CheckRecords as hwc::FromParameters>::from_parameters(
                            &session.client,
                            &given,
                        )?;
                    cmd_trend::trend(request, task, args, &mut std::io::stdout()).await
                }
            }
        }
    }
}
