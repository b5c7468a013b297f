//! What every scenario shares: the options of a run, the clients and APIs measured, one
//! measurement, the paths a run needs and the simulator's demo names.

use std::path::{Path, PathBuf};

use super::measure::Usage;
use super::sim_process::{ApiStats, Stats};

/// HSS records per image type are a sixteenth of the simulator's records (the demo
/// vulnerability is every eighth record, alternating image types).
pub(crate) const HSS_SHARE: u64 = 16;
/// Page sizes: the specs' maxima, which every client uses.
const HSS_PAGE: u64 = 200;
const CODEARTS_PAGE: u64 = 1_000;
/// What the facade and the CLI use by default.
pub(crate) const DEFAULT_CONCURRENCY: usize = 4;

/// Knobs of a run.
#[derive(Clone, Copy)]
pub struct Options {
    /// Run the loopback table (no latency, no flow control).
    pub loopback: bool,
    /// Run the realistic table (round trips and flow control).
    pub realistic: bool,
    /// Seconds of the fan-out run (0: skip it).
    pub fan_out_seconds: u64,
    /// Records of the HSS query.
    pub hss_records: u64,
    /// Scans of the CodeArts Check task.
    pub codearts_records: u64,
    /// Runs of every client; the median time counts.
    pub repeat: usize,
    /// Records of the CLI memory run (0: skip it).
    pub million: u64,
    /// Vulnerabilities of the whole-project export (0: skip it).
    pub all_vuls: u64,
    /// Records of the whole-project export (0: 100 per vulnerability).
    pub all_vuls_records: u64,
}

/// A benchmarked client; `None` concurrency is the client's default (sized by flow control).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Client {
    Facade(Option<usize>),
    Raw(usize),
    Python,
    Cli(Option<usize>),
}

impl Client {
    pub(crate) fn name(self) -> String {
        let concurrency =
            |c: Option<usize>| c.map_or("defaults".to_owned(), |c| format!("concurrency {c}"));
        match self {
            Client::Facade(c) => format!("hwc facade, {}", concurrency(c)),
            Client::Raw(c) => format!("reqwest + serde_json loop, concurrency {c}"),
            Client::Python => "official Python SDK, sequential".into(),
            Client::Cli(c) => format!("hwc CLI --all -o jsonl, {}", concurrency(c)),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Api {
    Hss,
    Codearts,
}

impl Api {
    /// Records a page holds in every client's requests.
    pub(crate) fn page_size(self) -> u64 {
        match self {
            Api::Hss => HSS_PAGE,
            Api::Codearts => CODEARTS_PAGE,
        }
    }

    /// The records of the benchmarked query.
    pub(crate) fn records(self, options: &Options) -> u64 {
        match self {
            Api::Hss => options.hss_records,
            Api::Codearts => options.codearts_records,
        }
    }

    /// What the simulator counted for this API.
    pub(crate) fn of(self, stats: Stats) -> ApiStats {
        match self {
            Api::Hss => stats.hss,
            Api::Codearts => stats.codearts,
        }
    }
}

/// One timed run of one client over one API.
#[derive(Clone, Copy)]
pub(crate) struct Sample {
    pub(crate) records: u64,
    pub(crate) pages: u64,
    pub(crate) seconds: f64,
    pub(crate) usage: Usage,
    pub(crate) sim_cpu: f64,
    /// What the simulator counted for the API during the run.
    pub(crate) sim: ApiStats,
}

/// Paths every run needs.
pub(crate) struct Setup<'a> {
    pub(crate) root: &'a Path,
    pub(crate) release: PathBuf,
    pub(crate) python: PathBuf,
    pub(crate) scratch: PathBuf,
}

/// The simulator's demo names (xtask does not link the simulator).
pub(crate) mod hwc_sim_demo {
    pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
    pub const AK: &str = "HWCSIMDEMOAK00000001";
    pub const SK: &str = "hwc-sim-demo-secret-key-not-for-real-use1";
}
