//! `--state FILE` of `hss vul-history`: what an incremental export has already emitted, so the
//! next run emits only newer records. It keeps the newest `handle_time` and the records seen at
//! that instant (records handled in the same second are neither lost nor repeated), the query
//! it belongs to, and how long the `--append` target was after the run that wrote it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hwc::hss::HandleRecord;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::files;
use crate::exit::Failure;

/// How far past the clock a `handle_time` may lie before a warning names its record: a record
/// dated later than the clock (a service clock gone wrong, a year 2099) is never the watermark,
/// or every later run would skip what was handled before it; one dated this far ahead is
/// worth saying so.
pub const FUTURE_MARGIN: SignedDuration = SignedDuration::from_hours(24);

/// The largest state file read: far above what the newest second's records take.
const MAX_STATE_BYTES: u64 = 64 * 1024 * 1024;

/// The contents of a state file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportState {
    /// The newest `handle_time` emitted so far, never one past the clock when it was emitted.
    pub newest: Option<Timestamp>,
    /// The records emitted at exactly that instant, as their JSON.
    pub at_newest: BTreeSet<String>,
    /// The records emitted that carry no `handle_time` (the API's fields are all optional), as
    /// their JSON: without a time they can only be known by what they are.
    #[serde(default)]
    pub untimed: BTreeSet<String>,
    /// The records emitted whose `handle_time` lay past the clock when they were, by their
    /// JSON: exported once, never the watermark.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub future: BTreeSet<String>,
    /// What was asked: a state answers for one query only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Query>,
    /// The length of the `--append` target after the run that saved this state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_length: Option<u64>,
    /// `vul-history --all-vuls`: what was emitted of each vulnerability's history, by
    /// `image_type/vul_id` (each its own watermark; the fields above stay empty).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vulnerabilities: BTreeMap<String, ExportState>,
}

/// The query a state belongs to: the operation, every filter given, the project and the
/// endpoint. Paging parameters and the time window are not part of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Query {
    /// The operation's id in the spec.
    pub operation: String,
    /// The parameters given, by wire name, but `offset` and `limit`.
    pub parameters: BTreeMap<String, String>,
    /// The IAM project.
    pub project: String,
    /// The endpoint asked.
    pub endpoint: String,
}

impl std::fmt::Display for Query {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.operation)?;
        for (name, value) in &self.parameters {
            write!(f, " {name}={value}")?;
        }
        write!(f, " (project {}, {})", self.project, self.endpoint)
    }
}

/// A record an incremental export keeps track of: what it is known by, and when it was handled.
pub trait Exported {
    /// The key it is known by in a state file.
    fn key(&self) -> String;
    /// When it was handled, if it says.
    fn time(&self) -> Option<Timestamp>;
    /// The handling time of the record `key` was made from, when the key tells (records
    /// kept as from the future are forgotten once the watermark passes them).
    fn time_of_key(key: &str) -> Option<Timestamp>;
}

/// An image handling record is known by its JSON: it has no id of its own.
impl Exported for HandleRecord {
    fn key(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn time(&self) -> Option<Timestamp> {
        self.handle_time
    }

    fn time_of_key(key: &str) -> Option<Timestamp> {
        serde_json::from_str::<HandleRecord>(key)
            .ok()
            .and_then(|record| record.handle_time)
    }
}

/// A host handling record is known by its `id`, "unique id of the history record"; one
/// without an id by its JSON.
impl Exported for hwc::hss::VulhandleHistoryResponseInfoDataList {
    fn key(&self) -> String {
        match self.id.as_deref().filter(|id| !id.is_empty()) {
            Some(id) => format!("id:{id}"),
            None => serde_json::to_string(self).unwrap_or_default(),
        }
    }

    fn time(&self) -> Option<Timestamp> {
        host_handle_time(self.handle_time.as_deref()?)
    }

    fn time_of_key(key: &str) -> Option<Timestamp> {
        serde_json::from_str::<hwc::hss::VulhandleHistoryResponseInfoDataList>(key)
            .ok()
            .and_then(|record| record.time())
    }
}

/// A host record's `handle_time`, text in the SDK: milliseconds as digits (as sibling APIs send
/// them), or an RFC 3339 time.
fn host_handle_time(text: &str) -> Option<Timestamp> {
    match text.trim().parse::<i64>() {
        Ok(ms) => Timestamp::from_millisecond(ms).ok(),
        Err(_) => text.trim().parse().ok(),
    }
}

/// Whether a record is new to a state, and how it counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Emitted by an earlier run.
    Before,
    /// New.
    New,
    /// New, and dated past the clock by more than [`FUTURE_MARGIN`] (worth a warning).
    NewFromTheFuture,
}

impl ExportState {
    /// The state in `path`; none yet when the file does not exist. A file that is not a state
    /// is an error naming it, never silently a fresh start. A link at `path` is not followed.
    pub fn load(path: &Path) -> Result<Self, Failure> {
        let text = match files::read_small(path, MAX_STATE_BYTES) {
            Ok(Some(text)) => text,
            Ok(None) => return Ok(Self::default()),
            Err(error) => return Err(Failure::usage(path, &error.to_string())),
        };
        Self::parse(path, &text)
    }

    /// The state written as `text` (read from `path`).
    pub fn parse(path: &Path, text: &str) -> Result<Self, Failure> {
        serde_json::from_str(text)
            .map_err(|error| Failure::usage(path, &format!("not an hwc state file: {error}")))
    }

    /// The state as its file holds it.
    pub fn to_text(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Whether `record` was emitted by an earlier run, the clock reading `now`.
    pub fn seen<R: Exported>(&self, record: &R, now: Timestamp) -> Seen {
        let new = |known: &BTreeSet<String>| {
            if known.contains(&record.key()) {
                Seen::Before
            } else {
                Seen::New
            }
        };
        let Some(time) = record.time() else {
            return new(&self.untimed);
        };
        // What earlier runs exported is known whatever the clock says now (it may have gone
        // back, or the state may come from a host whose clock runs ahead). The key is made only
        // when there is something to look it up in: making it costs a serialisation.
        if !self.future.is_empty() && self.future.contains(&record.key()) {
            return Seen::Before;
        }
        match self.newest {
            Some(newest) if time < newest => Seen::Before,
            Some(newest) if time == newest => new(&self.at_newest),
            _ if far_ahead(time, now) => Seen::NewFromTheFuture,
            _ => Seen::New,
        }
    }

    /// Notes that `record` was emitted now (the clock reading `now`).
    pub fn emitted<R: Exported>(&mut self, record: &R, now: Timestamp) {
        let Some(time) = record.time() else {
            self.untimed.insert(record.key());
            return;
        };
        if time > now {
            self.future.insert(record.key());
            return;
        }
        match self.newest {
            Some(newest) if time < newest => {}
            Some(newest) if time == newest => {
                self.at_newest.insert(record.key());
            }
            _ => {
                self.newest = Some(time);
                self.at_newest = BTreeSet::from([record.key()]);
                // Records from the future the watermark has now passed are known by it.
                self.future
                    .retain(|key| R::time_of_key(key).is_none_or(|at| at >= time));
            }
        }
    }

    /// Refuses a state written for another query; adopts `query` when the state has none
    /// (new, or written before states named their query).
    pub fn check_query(&mut self, path: &Path, query: &Query) -> Result<(), Failure> {
        match &self.query {
            Some(own) if own != query => Err(Failure::Usage(format!(
                "{}: this state belongs to another query: it was written for {own}; this run asks for {query}. Give each query its own --state file",
                path.display()
            ))),
            Some(_) => Ok(()),
            None => {
                self.query = Some(query.clone());
                Ok(())
            }
        }
    }
}

/// Whether `time` lies further past `now` than [`FUTURE_MARGIN`].
fn far_ahead(time: Timestamp, now: Timestamp) -> bool {
    now.checked_add(FUTURE_MARGIN)
        .is_ok_and(|latest| time > latest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(time: &str, user: &str) -> HandleRecord {
        HandleRecord::new()
            .with_handle_time(time.parse().unwrap())
            .with_user_name(user)
    }

    #[test]
    fn records_of_the_same_second_are_neither_lost_nor_repeated() {
        let now: Timestamp = "2026-11-03T00:00:00Z".parse().unwrap();
        let (a, b, older) = (
            record("2026-11-01T00:00:00Z", "a"),
            record("2026-11-01T00:00:00Z", "b"),
            record("2026-10-31T00:00:00Z", "c"),
        );
        // The first run saw `a` only (`b` was handled in the same second, after it ran).
        let mut first = ExportState::default();
        first.emitted(&a, now);
        assert_eq!(first.newest, a.handle_time);
        // The next run: `a` and anything older were exported, `b` was not.
        assert!(first.seen(&a, now) == Seen::Before && first.seen(&older, now) == Seen::Before);
        assert_eq!(first.seen(&b, now), Seen::New);
        let mut second = first.clone();
        second.emitted(&b, now);
        assert_eq!(second.seen(&b, now), Seen::Before);
        assert_eq!(
            second.at_newest.len(),
            2,
            "both records of that second are kept"
        );
        // A record without a time is known by what it is.
        let untimed: HandleRecord = serde_json::from_value::<
            hwc_api::hss::types::GeneralImageVulOperationsResponseInfo,
        >(serde_json::json!({"user_name": "e"}))
        .unwrap()
        .into();
        assert_eq!(second.seen(&untimed, now), Seen::New);
        second.emitted(&untimed, now);
        assert_eq!(second.seen(&untimed, now), Seen::Before);
        // A newer record starts a new second.
        let newer = record("2026-11-02T00:00:00Z", "d");
        second.emitted(&newer, now);
        assert_eq!(second.newest, newer.handle_time);
        assert_eq!(second.at_newest.len(), 1);
    }

    #[test]
    fn a_record_from_the_future_is_exported_once_and_never_the_watermark() {
        let now: Timestamp = "2026-11-03T00:00:00Z".parse().unwrap();
        let mut state = ExportState::default();
        let (today, next_year) = (
            record("2026-11-02T00:00:00Z", "a"),
            record("2099-01-01T00:00:00Z", "b"),
        );
        assert_eq!(state.seen(&next_year, now), Seen::NewFromTheFuture);
        state.emitted(&next_year, now);
        state.emitted(&today, now);
        assert_eq!(state.newest, today.handle_time, "the watermark stays today");
        assert_eq!(state.seen(&next_year, now), Seen::Before);
        // A record a few hours ahead (a zone mistake) is not the watermark either: records
        // handled meanwhile, dated before it, still come through.
        let tomorrow = record("2026-11-03T12:00:00Z", "c");
        assert_eq!(state.seen(&tomorrow, now), Seen::New);
        state.emitted(&tomorrow, now);
        assert_eq!(state.newest, today.handle_time);
        assert_eq!(state.seen(&tomorrow, now), Seen::Before);
        let meanwhile = record("2026-11-02T18:00:00Z", "e");
        assert_eq!(state.seen(&meanwhile, now), Seen::New);
        // The future ones stay known however late it is.
        let much_later: Timestamp = "2099-06-01T00:00:00Z".parse().unwrap();
        assert_eq!(state.seen(&next_year, much_later), Seen::Before);
        // Once the watermark passes a record from the future, the watermark knows it.
        let later = "2026-11-04T00:00:00Z".parse().unwrap();
        state.emitted(&record("2026-11-03T23:00:00Z", "f"), later);
        assert_eq!(
            state.future.len(),
            1,
            "only the 2099 record is kept by content"
        );
        assert_eq!(state.seen(&tomorrow, later), Seen::Before);
    }

    #[test]
    fn a_state_answers_for_its_own_query_only() {
        let query = |vul: &str| Query {
            operation: "ListGeneralImageVulOperations".into(),
            parameters: BTreeMap::from([("vul_id".into(), vul.into())]),
            project: "p".into(),
            endpoint: "https://hss.example".into(),
        };
        let path = Path::new("state.json");
        let mut state = ExportState::default();
        assert!(state.check_query(path, &query("CVE-1")).is_ok());
        assert!(state.check_query(path, &query("CVE-1")).is_ok());
        match state.check_query(path, &query("CVE-2")) {
            Err(Failure::Usage(message)) => {
                assert!(
                    message.contains("vul_id=CVE-1") && message.contains("vul_id=CVE-2"),
                    "{message}"
                );
            }
            _ => panic!("another query must be refused"),
        }
    }
}
