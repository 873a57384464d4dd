//! Shared by the benches: which dataset size to use and the seed that generates it.

use tradeterms::generate::Size;

/// The seed every bench generates its dataset from, so that figures are reproducible.
pub const SEED: u64 = 20_260_101;

/// The size named by `TRADETERMS_BENCH_SIZE` (`small`, `medium` or `large`); `small` by default
/// so that a plain `cargo bench` stays quick.
pub fn size() -> Size {
    std::env::var("TRADETERMS_BENCH_SIZE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(Size::Small)
}
