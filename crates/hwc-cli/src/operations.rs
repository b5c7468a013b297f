//! The operations' commands, built at run time from the spec descriptors: a command per
//! operation under its service's command (`hwc hss vul-history`), a flag per parameter with the
//! spec's name, help, requiredness and allowed values, and `--all` for paged operations. A new
//! operation in `spec/` is a new command with no change here.

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Arg, ArgAction, ArgMatches, Args, Command, CommandFactory};
use hwc::descriptor::{Operation, ParameterSchema};

use crate::cli::Cli;
use crate::cmd_vul_history::VulHistoryExtras;
use crate::history_args::HistoryArgs;

/// Arg ids of parameters carry this prefix, so that none collides with a global flag's id
/// (`project_id` is both CodeArts Check's path parameter and the global IAM project).
const ID_PREFIX: &str = "parameter:";
/// The id of `--all-tasks` (of `records`, `trend` and `gate`).
pub const ALL_TASKS: &str = "all_tasks";
/// The id of `--all`.
const ALL: &str = "all";

/// The whole command line: the hand-written commands of [`Cli`] and every operation's.
pub fn command() -> Command {
    let mut cli = Cli::command();
    for service in hwc::Service::ALL {
        let spec = service.descriptor();
        let commands: Vec<Command> = spec
            .operations
            .iter()
            .map(|operation| operation_command(operation))
            .collect();
        cli = if cli.find_subcommand(spec.cli).is_some() {
            cli.mut_subcommand(spec.cli, |group| group.subcommands(commands))
        } else {
            cli.subcommand(
                Command::new(spec.cli)
                    .about(spec.doc.trim_end_matches('.').to_owned())
                    .subcommand_required(true)
                    .arg_required_else_help(true)
                    .subcommands(commands),
            )
        };
    }
    // What hand-written commands add to or take from an operation's flags.
    let history = hwc::hss::OPERATION;
    let records = hwc::codearts_check::OPERATION;
    cli = mut_operation(cli, history, |command| {
        // `augment_args` would also set the struct's doc as the command's about.
        let about = command.get_about().cloned();
        let command = VulHistoryExtras::augment_args(command);
        // `--all-vuls` stands for the vulnerability and its image type.
        let command = ["vul_id", "image_type"]
            .into_iter()
            .fold(command, |command, name| {
                command.mut_arg(format!("{ID_PREFIX}{name}"), |arg| {
                    arg.required(false).required_unless_present("all_vuls")
                })
            });
        match about {
            Some(about) => command.about(about),
            None => command,
        }
    });
    cli = mut_operation(cli, hwc::hss::LIST_VUL_HANDLE_HISTORY, |command| {
        let about = command.get_about().cloned();
        let command = HistoryArgs::augment_args(command);
        match about {
            Some(about) => command.about(about),
            None => command,
        }
    });
    for hand_written in ["trend", "gate"] {
        cli = cli.mut_subcommand(service_of(records), |group| {
            group.mut_subcommand(hand_written, |command| {
                with_parameters(command, records, false)
            })
        });
    }
    // `--all-tasks` covers every task of the project: `--task-id` is needed only without it.
    // (`gate` and `trend` declare the flag in their arguments; `records` is the operation's
    // own command, which gets it here.)
    cli = mut_operation(cli, records, |command| {
        command.arg(
            Arg::new(ALL_TASKS)
                .long("all-tasks")
                .action(ArgAction::SetTrue)
                .conflicts_with(ALL)
                .help("Every scan of every task of --codearts-project, each with its task_id, instead of --task-id's"),
        )
    });
    for command in ["records", "gate", "trend"] {
        cli = cli.mut_subcommand(service_of(records), |group| {
            group.mut_subcommand(command, |command| {
                command.mut_arg(format!("{ID_PREFIX}task_id"), |arg| {
                    arg.required(false).required_unless_present(ALL_TASKS)
                })
            })
        });
    }
    cli
}

/// An operation the command line asked for.
pub struct Invocation<'a> {
    /// The operation.
    pub operation: &'static Operation,
    /// Its parameters as given, wire name and text (times already in the spec's form).
    pub parameters: Vec<(&'static str, String)>,
    /// `--all`.
    pub all: bool,
    /// The operation command's matches, for flags hand-written commands add.
    pub matches: &'a ArgMatches,
}

impl Invocation<'_> {
    /// The parameters as the facade's `from_parameters` takes them.
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        self.parameters
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect()
    }
}

/// The operation `matches` runs, if it runs one.
pub fn invocation(matches: &ArgMatches) -> Option<Invocation<'_>> {
    let (group, group_matches) = matches.subcommand()?;
    let (command, command_matches) = group_matches.subcommand()?;
    let operation = hwc::Service::ALL
        .iter()
        .map(|service| service.descriptor())
        .filter(|spec| spec.cli == group)
        .flat_map(|spec| spec.operations.iter())
        .find(|operation| operation.cli == command)?;
    Some(Invocation {
        operation,
        parameters: parameters(operation, command_matches),
        all: command_matches
            .try_get_one::<bool>(ALL)
            .ok()
            .flatten()
            .copied()
            .unwrap_or(false),
        matches: command_matches,
    })
}

/// The parameters of `operation` given in `matches` (a command made by [`with_parameters`]).
pub fn parameters(operation: &Operation, matches: &ArgMatches) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for parameter in operation.parameters {
        let id = format!("{ID_PREFIX}{}", parameter.name);
        let value = match parameter.schema {
            ParameterSchema::Integer { .. } => matches
                .try_get_one::<i64>(&id)
                .ok()
                .flatten()
                .map(i64::to_string),
            // The values given, as the one list text the facade takes.
            ParameterSchema::List { .. } => matches
                .try_get_many::<String>(&id)
                .ok()
                .flatten()
                .map(|values| hwc::validate::list_text(values.cloned())),
            _ => matches.try_get_one::<String>(&id).ok().flatten().cloned(),
        };
        if let Some(value) = value {
            out.push((parameter.name, value));
        }
    }
    out
}

/// The command of `service`'s group that runs `operation`.
fn service_of(operation: &Operation) -> &'static str {
    hwc::Service::ALL
        .iter()
        .map(|service| service.descriptor())
        .find(|spec| spec.operations.iter().any(|o| o.id == operation.id))
        .map_or("", |spec| spec.cli)
}

fn mut_operation(
    cli: Command,
    operation: &'static Operation,
    change: impl FnOnce(Command) -> Command,
) -> Command {
    cli.mut_subcommand(service_of(operation), |group| {
        group.mut_subcommand(operation.cli, change)
    })
}

/// The command of one operation.
fn operation_command(operation: &'static Operation) -> Command {
    let about = operation
        .doc
        .split(". ")
        .next()
        .unwrap_or(operation.doc)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    with_parameters(
        Command::new(operation.cli).about(about.trim_end_matches('.').replace('`', "")),
        operation,
        true,
    )
}

/// `command` with a flag per parameter of `operation` (those the client fills excepted), and
/// with `paging` the offset, the limit and `--all`.
pub fn with_parameters(
    mut command: Command,
    operation: &'static Operation,
    paging: bool,
) -> Command {
    let paging_parameters = operation
        .paging
        .map(|p| [p.offset_parameter, p.limit_parameter]);
    for parameter in operation.parameters {
        if parameter.from_client.is_some() {
            continue;
        }
        let is_paging = paging_parameters.is_some_and(|names| names.contains(&parameter.name));
        if is_paging && !paging {
            continue;
        }
        let mut help = parameter.help.replace('`', "");
        if let Some(p) = operation.paging.filter(|_| is_paging) {
            help.push_str(if parameter.name == p.offset_parameter {
                " With --all, where paging starts; an interrupted or failed --all prints the command that goes on from where it stopped."
            } else {
                " With --all, the page size."
            });
        }
        let mut arg = Arg::new(format!("{ID_PREFIX}{}", parameter.name))
            .long(parameter.cli_flag)
            .value_name(parameter.cli_flag.replace('-', "_").to_uppercase())
            // A paging parameter the spec requires is filled from the spec when not given.
            .required(parameter.required && !is_paging);
        // A list: the flag repeated, once per value.
        let (schema, list) = match parameter.schema {
            ParameterSchema::List { items, .. } => {
                help.push_str(&format!(
                    " Repeat the flag for more values [{}].",
                    hwc::validate::describe(&parameter.schema)
                ));
                (*items, true)
            }
            other => (other, false),
        };
        if list {
            arg = arg.action(ArgAction::Append);
        }
        arg = match schema {
            ParameterSchema::Choice { values, spellings } => {
                // Another spelling of a value is taken as the value itself.
                let possible = values.iter().map(|value| {
                    spellings
                        .iter()
                        .filter(|(listed, _)| listed == value)
                        .fold(PossibleValue::new(*value), |possible, (_, other)| {
                            possible.alias(*other)
                        })
                });
                arg.value_parser(PossibleValuesParser::new(possible))
            }
            ParameterSchema::Integer { .. } => {
                help.push_str(&format!(
                    " [{}]",
                    hwc::validate::describe(&parameter.schema)
                ));
                arg.value_parser(clap::value_parser!(i64))
                    .allow_negative_numbers(true)
            }
            ParameterSchema::Text {
                time_format: Some(format),
                ..
            } => {
                help.push_str(
                    " RFC 3339 with any offset (2020-09-25T12:05:00+08:00), or YYYY-MM-DD for midnight UTC; sent in UTC.",
                );
                arg.value_parser(move |text: &str| {
                    crate::time_args::parse_time(text)
                        .map(|instant| hwc::validate::format_time(format, instant))
                })
            }
            ParameterSchema::Text { .. } | ParameterSchema::List { .. } => arg,
        };
        command = command.arg(arg.help(help));
    }
    if paging && operation.paging.is_some() {
        command = command.arg(
            Arg::new(ALL)
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Every page"),
        );
    }
    command
}
