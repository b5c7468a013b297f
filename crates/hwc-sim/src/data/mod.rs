//! The simulator's data: generated once from a seed, then only read.

pub mod codearts;
pub mod hss;
pub mod values;
pub mod wire_record;

use rand::SeedableRng;
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
