//! The simulator as a separate release-mode process, so that its CPU and memory are not the
//! client's: started on a free loopback port, watched through `/proc`, killed when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

/// A running `hwc-sim`.
pub struct SimProcess {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
}

impl SimProcess {
    /// Starts `binary` with `records` HSS records and `scans` CodeArts scans, logging warnings
    /// only (one log line per request would be part of what is measured).
    pub fn start(binary: &Path, records: u64, scans: u64) -> anyhow::Result<Self> {
        Self::start_with(binary, records, scans, &[])
    }

    /// [`SimProcess::start`] with more of the simulator's flags, such as `--latency`.
    pub fn start_with(
        binary: &Path,
        records: u64,
        scans: u64,
        flags: &[&str],
    ) -> anyhow::Result<Self> {
        let mut child = Command::new(binary)
            .args(["--listen", "127.0.0.1:0", "--no-lockout"])
            .args(["--records", &records.to_string()])
            .args(["--check-records", &scans.to_string()])
            .args(flags)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let Some(line) = lines.next() else {
                bail!("hwc-sim exited before listening");
            };
            if let Some(url) = line?.strip_prefix("hwc-sim listening on ") {
                break url.trim().to_owned();
            }
        };
        // Keep draining what it prints so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Ok(Self { child, url })
    }

    /// CPU seconds it has used so far, summed over its threads (`/proc/<pid>/task/*/schedstat`
    /// holds nanoseconds on CPU, so no clock-tick rounding).
    pub fn cpu_seconds(&self) -> anyhow::Result<f64> {
        let tasks = format!("/proc/{}/task", self.child.id());
        let mut nanos: u64 = 0;
        for task in std::fs::read_dir(&tasks).with_context(|| tasks.clone())? {
            let path = task?.path().join("schedstat");
            // A thread may end between listing and reading.
            if let Ok(text) = std::fs::read_to_string(&path) {
                nanos += text
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse::<u64>().ok())
                    .unwrap_or(0);
            }
        }
        Ok(nanos as f64 / 1e9)
    }

    /// Requests and throttles per API so far, from the simulator's stats route: one plain
    /// HTTP/1.0 GET on loopback (xtask has no HTTP client and needs no more than this).
    pub fn stats(&self) -> anyhow::Result<Stats> {
        let json = self.stats_json()?;
        let count = |api: &str, key: &str| json[api][key].as_u64().unwrap_or(0);
        Ok(Stats {
            hss: ApiStats {
                requests: count("hss", "requests"),
                throttled: count("hss", "throttled"),
            },
            codearts: ApiStats {
                requests: count("codearts-check", "requests"),
                throttled: count("codearts-check", "throttled"),
            },
        })
    }

    /// What the simulator counted for the operation whose command is `cli` of service `service`
    /// (the gateway's flow control is per operation).
    pub fn operation_stats(&self, service: &str, cli: &str) -> anyhow::Result<ApiStats> {
        let json = self.stats_json()?;
        let count = |key: &str| json[service]["operations"][cli][key].as_u64().unwrap_or(0);
        Ok(ApiStats {
            requests: count("requests"),
            throttled: count("throttled"),
        })
    }

    /// `/hwc-sim/stats` as JSON.
    fn stats_json(&self) -> anyhow::Result<serde_json::Value> {
        let address = self
            .url
            .strip_prefix("http://")
            .context("the simulator's URL is not http://")?;
        let mut stream = TcpStream::connect(address)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(
            stream,
            "GET {STATS_PATH} HTTP/1.0\r\nHost: {address}\r\n\r\n"
        )?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        let (head, body) = answer
            .split_once("\r\n\r\n")
            .context("no body in the stats answer")?;
        if !head.starts_with("HTTP/1.0 200") && !head.starts_with("HTTP/1.1 200") {
            bail!("the stats route answered {head}");
        }
        Ok(serde_json::from_str(body)?)
    }

    /// Its peak resident set so far, KiB (`VmHWM`).
    pub fn peak_rss_kib(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmHWM in /proc/<pid>/status")
    }
}

/// The simulator's path of its stats (`hwc_sim::STATS_PATH`; xtask does not link the simulator).
const STATS_PATH: &str = "/hwc-sim/stats";

/// What the simulator counted for one API.
#[derive(Clone, Copy, Debug, Default)]
pub struct ApiStats {
    /// Requests that reached it, throttled ones included.
    pub requests: u64,
    /// Requests its flow control answered with 429.
    pub throttled: u64,
}

impl std::ops::Sub for ApiStats {
    type Output = ApiStats;

    fn sub(self, before: ApiStats) -> ApiStats {
        ApiStats {
            requests: self.requests.saturating_sub(before.requests),
            throttled: self.throttled.saturating_sub(before.throttled),
        }
    }
}

/// What the simulator counted for each API.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub hss: ApiStats,
    pub codearts: ApiStats,
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
