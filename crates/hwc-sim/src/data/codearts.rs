//! CodeArts Check scan histories: projects with tasks, each task with its past scans, newest
//! first. Time filters are binary searches, so any page is a slice.

use std::collections::HashMap;

use jiff::civil::DateTime;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::values::{hex_id, reference_time_ms};

/// The CodeArts project docs, tests and examples name; it exists whatever the seed.
pub const DEMO_PROJECT: &str = "0123456789abcdef0123456789abcdef";
/// Its task with a long scan history.
pub const DEMO_TASK: &str = "demo-task";
/// A task of the demo project whose [`ALIKE_SCANS`] scans are identical (same times, same
/// counts): no client can tell from its pages how a page-numbered `offset` counts.
pub const ALIKE_TASK: &str = "alike-task";
/// Scans of [`ALIKE_TASK`].
pub const ALIKE_SCANS: usize = 30;
/// A task of the demo project whose latest scan found no critical or major issue: the service's
/// quality gate passes it (the demo task's always fails).
pub const CLEAN_TASK: &str = "clean-task";
/// The shortest history the demo task gets.
pub const DEMO_MIN_SCANS: usize = 2_000;

/// `YYYY-MM-DD HH:MM:SS`, the format of `check_time` (no zone; read as UTC+08:00 by clients).
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// One scan. Times are seconds of the civil (zone-less) clock the API reports.
#[derive(Clone, Copy)]
pub(crate) struct Scan {
    pub(crate) check_time: i64,
    pub(crate) check_end_time: i64,
    pub(crate) counts: [u32; 4],
    /// Scans whose `issue_counts` lacks `prompt`: the API's fields are all optional.
    pub(crate) partial_counts: bool,
}

/// The generated data of all projects.
pub struct CodeArtsData {
    /// Scans per (project, task), newest first.
    tasks: HashMap<(String, String), Vec<Scan>>,
}

/// A page of scans and the number of scans matching the filters.
pub struct Page {
    /// Results matching the query, on all pages.
    pub total: usize,
    /// The results of this page.
    pub items: Vec<CheckItem>,
}

impl CodeArtsData {
    /// The demo task gets `demo_scans` scans (at least [`DEMO_MIN_SCANS`]) spread over the years
    /// before the reference time; a few other projects get a few tasks each.
    pub fn generate(demo_scans: usize, rng: &mut ChaCha8Rng) -> Self {
        let mut tasks = HashMap::new();
        let demo_scans = demo_scans.max(DEMO_MIN_SCANS);
        tasks.insert(
            (DEMO_PROJECT.to_owned(), DEMO_TASK.to_owned()),
            history(demo_scans, rng),
        );
        // Fixed, not drawn: the rest of the data stays what the seed always gave.
        let end = reference_time_ms() / 1_000 + 8 * 3_600;
        let alike = Scan {
            check_time: end - 600,
            check_end_time: end,
            counts: [1, 2, 3, 4],
            partial_counts: false,
        };
        tasks.insert(
            (DEMO_PROJECT.to_owned(), ALIKE_TASK.to_owned()),
            vec![alike; ALIKE_SCANS],
        );
        let clean = Scan {
            check_time: end - 7_200,
            check_end_time: end - 6_600,
            counts: [0, 0, 7, 19],
            partial_counts: false,
        };
        let mut older = clean;
        older.counts = [0, 1, 9, 22];
        older.check_time -= 86_400;
        older.check_end_time -= 86_400;
        tasks.insert(
            (DEMO_PROJECT.to_owned(), CLEAN_TASK.to_owned()),
            vec![clean, older],
        );
        for _ in 0..4 {
            let project = hex_id(rng, 32);
            for _ in 0..rng.random_range(2..5) {
                let task = hex_id(rng, 32);
                let scans = rng.random_range(10..300);
                tasks.insert((project.clone(), task), history(scans, rng));
            }
        }
        Self { tasks }
    }

    /// Scans of the task that started at or after `start` and ended at or before `end`, newest
    /// first, from `offset`. An unknown project or task has no scans.
    pub fn query(
        &self,
        project: &str,
        task: &str,
        start: Option<i64>,
        end: Option<i64>,
        offset: usize,
        limit: usize,
    ) -> Page {
        let Some(scans) = self.tasks.get(&(project.to_owned(), task.to_owned())) else {
            return Page {
                total: 0,
                items: Vec::new(),
            };
        };
        // Newest first: both times decrease along the list, so each bound cuts one end.
        let first = end.map_or(0, |end| {
            scans.partition_point(|scan| scan.check_end_time > end)
        });
        let last = start.map_or(scans.len(), |start| {
            scans.partition_point(|scan| scan.check_time >= start)
        });
        let matching = if first < last {
            &scans[first..last]
        } else {
            &[][..]
        };
        Page {
            total: matching.len(),
            items: matching.iter().skip(offset).take(limit).map(item).collect(),
        }
    }
}

impl CodeArtsData {
    /// Serves `scans` as the whole history of `task` in `project` (sorted newest first), in
    /// place of any generated one: its pages, its latest result, its issues.
    pub(crate) fn set_fixture(&mut self, project: &str, task: &str, mut scans: Vec<Scan>) {
        scans.sort_by_key(|scan| std::cmp::Reverse((scan.check_time, scan.check_end_time)));
        self.tasks
            .retain(|(owner, id), _| !(id == task && owner != project));
        self.tasks
            .insert((project.to_owned(), task.to_owned()), scans);
    }

    /// The tasks of CodeArts project `project`, by task id.
    pub fn tasks_of(&self, project: &str) -> Vec<TaskInfo> {
        let mut tasks: Vec<TaskInfo> = self
            .tasks
            .iter()
            .filter(|((owner, _), _)| owner == project)
            .map(|((_, task), scans)| TaskInfo {
                task_id: task.clone(),
                task_name: format!("{task} (simulated)"),
                creator_id: "0a1b2c3d4e5f60718293a4b5c6d7e8f9".to_owned(),
                git_url: format!("https://codehub.example.com/{project}/{task}.git"),
                git_branch: "master".to_owned(),
                created_at: scans.last().map(|scan| format_time(scan.check_time)),
                last_check_time: scans.first().map(|scan| format_time(scan.check_time)),
            })
            .collect();
        tasks.sort_by(|a, b| a.task_id.cmp(&b.task_id));
        tasks
    }

    /// The latest scan of task `task` (of any project: task ids are unique): its project, the
    /// scan's `check_time` as sent and its counts (critical, major, minor, suggestion).
    pub fn latest_scan(&self, task: &str) -> Option<LatestScan> {
        self.tasks
            .iter()
            .find(|((_, id), _)| id == task)
            .and_then(|((project, _), scans)| {
                let scan = scans.first()?;
                Some(LatestScan {
                    project: project.clone(),
                    check_time: format_time(scan.check_time),
                    counts: scan.counts,
                })
            })
    }

    /// The `check_time` of every scan of the task, newest first, as the API sends them: what a
    /// client paging the whole history must end up with.
    pub fn check_times(&self, project: &str, task: &str) -> Vec<String> {
        self.query(project, task, None, None, 0, usize::MAX)
            .items
            .into_iter()
            .map(|scan| scan.check_time)
            .collect()
    }
}

/// Reads a `start_time`/`end_time` query value as civil seconds (UTC+08:00, the clock of
/// `check_time`). The documented form is UTC `yyyy-MM-ddTHH:mm:ssZ` (any RFC 3339 time with an
/// offset is read too); older clients sent the format of `check_time` (`YYYY-MM-DD HH:MM:SS`),
/// a date (`YYYY-MM-DD`, midnight) or epoch milliseconds, which are still read.
pub fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(instant) = text.parse::<jiff::Timestamp>() {
        return instant.as_second().checked_add(8 * 3_600);
    }
    let civil = DateTime::strptime(TIME_FORMAT, text).ok().or_else(|| {
        jiff::civil::Date::strptime("%Y-%m-%d", text)
            .ok()
            .map(|date| date.to_datetime(jiff::civil::Time::midnight()))
    });
    if let Some(civil) = civil {
        return civil
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|zoned| zoned.timestamp().as_second());
    }
    let millis: i64 = text.parse().ok()?;
    millis.checked_div(1_000)?.checked_add(8 * 3_600)
}

fn format_time(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|time| {
            time.to_zoned(jiff::tz::TimeZone::UTC)
                .strftime(TIME_FORMAT)
                .to_string()
        })
        .unwrap_or_default()
}

/// `count` scans going back from the reference time, at least an hour apart and each shorter
/// than half an hour (so both times are ordered), with issue counts that drift as code changes.
fn history(count: usize, rng: &mut ChaCha8Rng) -> Vec<Scan> {
    // Beijing civil time of the reference instant.
    let mut time = reference_time_ms() / 1_000 + 8 * 3_600;
    // Spread the history over about five years whatever its length, keeping gaps above an hour.
    let mean_gap = (5 * 365 * 24 * 3_600 / count.max(1) as i64).max(2 * 3_600);
    let mut counts = [2u32, 14, 120, 300];
    let mut scans = Vec::with_capacity(count);
    for _ in 0..count {
        let duration = rng.random_range(60..1_800);
        for (index, count) in counts.iter_mut().enumerate() {
            let spread = [1, 3, 12, 25][index];
            let change = rng.random_range(-spread..=spread);
            *count = count
                .saturating_add_signed(change)
                .min([12, 80, 900, 2_000][index]);
        }
        scans.push(Scan {
            check_time: time - duration,
            check_end_time: time,
            counts,
            partial_counts: rng.random_bool(0.01),
        });
        time -= rng.random_range(3_600..(2 * mean_gap - 3_600).max(3_601));
    }
    scans
}

fn item(scan: &Scan) -> CheckItem {
    let [critical, serious, normal, prompt] = scan.counts;
    CheckItem {
        check_time: format_time(scan.check_time),
        check_end_time: format_time(scan.check_end_time),
        issue_counts: IssueCounts {
            critical,
            serious,
            normal,
            prompt: (!scan.partial_counts).then_some(prompt),
        },
    }
}

/// One scan as it goes on the wire.
#[derive(Serialize)]
pub struct CheckItem {
    /// The response field of this name, as the real API sends it.
    pub check_time: String,
    /// The response field of this name, as the real API sends it.
    pub check_end_time: String,
    /// The response field of this name, as the real API sends it.
    pub issue_counts: IssueCounts,
}

/// Issue counts by severity.
#[derive(Serialize)]
pub struct IssueCounts {
    /// Issues of this severity found by the scan.
    pub critical: u32,
    /// Issues of this severity found by the scan.
    pub serious: u32,
    /// Issues of this severity found by the scan.
    pub normal: u32,
    /// Issues of this severity found by the scan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<u32>,
}

/// One task as `ShowTaskListByProjectId` sends it.
#[derive(Clone, Debug, Serialize)]
pub struct TaskInfo {
    /// The response field of this name.
    pub task_id: String,
    /// The response field of this name.
    pub task_name: String,
    /// The response field of this name.
    pub creator_id: String,
    /// The response field of this name.
    pub git_url: String,
    /// The response field of this name.
    pub git_branch: String,
    /// When the first scan ran (the simulator has no creation time).
    pub created_at: Option<String>,
    /// When the latest scan ran.
    pub last_check_time: Option<String>,
}

/// A task's latest scan.
#[derive(Clone, Debug)]
pub struct LatestScan {
    /// The CodeArts project of the task.
    pub project: String,
    /// Its `check_time`, as `CheckRecord` sends it.
    pub check_time: String,
    /// Its issue counts: critical, major (`serious`), minor (`normal`), suggestion (`prompt`).
    pub counts: [u32; 4],
}
