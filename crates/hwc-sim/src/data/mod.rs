//! The simulator's data: generated once from a seed, then only read.

pub mod codearts;
pub mod hss;
pub mod wire_record;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// All data the simulator serves.
pub struct Dataset {
    /// HSS handling records.
    pub hss: hss::HssData,
    /// CodeArts Check scan histories.
    pub codearts: codearts::CodeArtsData,
}

impl Dataset {
    /// The same `seed` and sizes always give the same data, whatever the day: times count back
    /// from a fixed reference instant, not from the clock.
    pub fn generate(hss_records: usize, demo_scans: usize, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let hss = hss::HssData::generate(hss_records, &mut rng);
        let codearts = codearts::CodeArtsData::generate(demo_scans, &mut rng);
        Self { hss, codearts }
    }
}

/// 2026-11-01T00:00:00Z in milliseconds: the newest a generated record can be.
pub fn reference_time_ms() -> i64 {
    1_793_491_200_000
}

/// `length` lower-case hex digits.
pub fn hex_id(rng: &mut ChaCha8Rng, length: usize) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    (0..length)
        .map(|_| DIGITS[rng.random_range(0..16)] as char)
        .collect()
}
