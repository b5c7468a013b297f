//! What both data sets are made of: the reference instant times count back from, and random
//! hex ids.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

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
