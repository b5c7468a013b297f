//! The exit codes, one meaning each: 0 success, 1 API, network or service failures (IAM and
//! the metadata service included), 2 what the command line or the configuration got wrong, 3
//! output that cannot be written, 4 a failed gate, 130 interrupted.

/// Exit code for API and network errors.
pub const EXIT_API: u8 = 1;
/// Exit code for usage and validation errors (clap uses it too).
pub const EXIT_USAGE: u8 = 2;
/// Exit code when output cannot be written (a file, or standard output other than a closed pipe).
pub const EXIT_OUTPUT: u8 = 3;
/// Exit code of `codearts-check gate` when the scan fails its checks.
pub const EXIT_GATE_FAILED: u8 = 4;
/// Exit code after Ctrl-C.
pub const EXIT_INTERRUPTED: u8 = 130;
