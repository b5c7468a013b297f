//! CodeArts Check issues (`ShowTaskDefects`): the issues of a task's latest scan, as many of
//! each severity as that scan's counts say, each made from its index alone, so a page costs its
//! own length whatever the task's size.

use serde::Serialize;

use super::codearts::LatestScan;

/// Rules per severity (critical, major, minor, suggestion): checker name and rule name.
const RULES: [&[(&str, &str)]; 4] = [
    &[
        ("G.SEC.01", "SQL statement built from user input"),
        ("G.SEC.07", "Hard-coded credential"),
    ],
    &[
        ("G.EXP.35", "Possible null dereference"),
        ("G.RES.02", "Resource not closed on every path"),
        ("G.CON.04", "Unsynchronised access to shared state"),
    ],
    &[
        ("G.FMT.11", "Method longer than 80 lines"),
        ("G.NAM.03", "Name does not follow the convention"),
        ("G.EXP.12", "Redundant condition"),
    ],
    &[
        ("G.CMT.01", "Public item without a comment"),
        ("G.FMT.02", "Line longer than 120 characters"),
    ],
];

const FILES: [&str; 6] = [
    "src/main/java/com/example/App.java",
    "src/main/java/com/example/api/UserController.java",
    "src/main/java/com/example/db/Repository.java",
    "src/lib/parser.ts",
    "scripts/deploy.py",
    "cmd/server/main.go",
];

/// One issue as the API sends it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Defect {
    /// The response field of this name.
    pub defect_id: String,
    /// The response field of this name.
    pub defect_checker_name: &'static str,
    /// The response field of this name: `0`, pending (every simulated issue is).
    pub defect_status: &'static str,
    /// The response field of this name.
    pub rule_system_tags: &'static str,
    /// The response field of this name.
    pub rule_name: &'static str,
    /// The response field of this name (a string, as the SDK types it).
    pub line_number: String,
    /// The response field of this name.
    pub defect_content: String,
    /// The response field of this name: `0` critical .. `3` suggestion.
    pub defect_level: &'static str,
    /// The response field of this name.
    pub file_path: &'static str,
    /// The response field of this name.
    pub created_at: String,
    /// The response field of this name.
    pub issue_key: String,
}

/// A 64-bit mix of the task and an index (SplitMix64 over FNV-1a), for ids and positions.
fn mix(task: &str, index: u64) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for byte in task.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut z = hash ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The issues of `scan` (of task `task`) whose severity is in `levels` (all when empty), from
/// index `offset`, at most `limit`; and how many there are. Issues come most severe first.
pub fn defects(
    task: &str,
    scan: &LatestScan,
    levels: &[usize],
    offset: usize,
    limit: usize,
) -> (usize, Vec<Defect>) {
    let chosen = |level: usize| levels.is_empty() || levels.contains(&level);
    let total: usize = (0..4)
        .filter(|&level| chosen(level))
        .map(|level| scan.counts[level] as usize)
        .sum();
    let mut out = Vec::new();
    let mut skipped = 0usize;
    for level in (0..4).filter(|&level| chosen(level)) {
        let count = scan.counts[level] as usize;
        let base: usize = scan.counts[..level].iter().map(|&n| n as usize).sum();
        for within in 0..count {
            if out.len() >= limit {
                return (total, out);
            }
            if skipped < offset {
                // Skips a whole severity at once.
                if offset - skipped >= count - within {
                    skipped += count - within;
                    break;
                }
                skipped += 1;
                continue;
            }
            out.push(defect(task, scan, level, (base + within) as u64));
        }
    }
    (total, out)
}

fn defect(task: &str, scan: &LatestScan, level: usize, index: u64) -> Defect {
    let hash = mix(task, index);
    let rules = RULES[level];
    let (checker, rule) = rules[(hash % rules.len() as u64) as usize];
    let file = FILES[((hash >> 8) % FILES.len() as u64) as usize];
    let line = (hash >> 16) % 900 + 1;
    Defect {
        defect_id: format!("{:016x}", hash),
        defect_checker_name: checker,
        defect_status: "0",
        rule_system_tags: "security,reliability",
        rule_name: rule,
        line_number: line.to_string(),
        defect_content: format!("{rule} (issue {index} of task {task})."),
        defect_level: ["0", "1", "2", "3"][level],
        file_path: file,
        created_at: scan.check_time.clone(),
        issue_key: format!("{:016x}", mix(task, index ^ (1 << 63))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan() -> LatestScan {
        LatestScan {
            project: "p".into(),
            check_time: "2024-01-01 00:00:00".into(),
            counts: [2, 3, 0, 4],
        }
    }

    #[test]
    fn pages_add_up_to_the_counts_and_ids_are_unique() {
        let scan = scan();
        let (total, all) = defects("t", &scan, &[], 0, usize::MAX);
        assert_eq!((total, all.len()), (9, 9));
        let mut paged = Vec::new();
        for offset in (0..9).step_by(2) {
            paged.extend(defects("t", &scan, &[], offset, 2).1);
        }
        assert_eq!(paged, all);
        let ids: std::collections::HashSet<_> = all.iter().map(|d| &d.defect_id).collect();
        assert_eq!(ids.len(), 9);
        let levels: Vec<&str> = all.iter().map(|d| d.defect_level).collect();
        assert_eq!(levels, ["0", "0", "1", "1", "1", "3", "3", "3", "3"]);
        let (total, majors) = defects("t", &scan, &[1, 3], 1, 10);
        assert_eq!((total, majors.len()), (7, 6));
        assert_eq!(majors[0], all[3]);
    }
}
