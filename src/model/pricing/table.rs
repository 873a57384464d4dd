//! Compact storage of a price list's entries.
//!
//! A list's entries are kept in sorted runs ("chunks") laid out as parallel arrays rather than one
//! allocation per price. Each chunk holds the entries of one bucket of SKU indexes (`sku >> shift`,
//! the shift chosen per list so that a bucket holds about [`CHUNK`] entries on average), and the
//! chunks sit in a persistent ordered map keyed by bucket. A lookup is one exact-key map search
//! (no allocation) plus a binary search inside a chunk; a one-price change copies one chunk and
//! shares every other chunk with the previous version, which keeps retained versions small.

use crate::model::catalog::StepRule;
use crate::time::Window;
use rust_decimal::Decimal;
use std::sync::Arc;

/// Entries per chunk on average: large enough that per-chunk overhead is a few bytes per entry,
/// small enough that copying one chunk on change is cheap.
pub(crate) const CHUNK: usize = 64;

/// One quantity tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tier {
    /// In steps of the SKU's precision (U6).
    pub(crate) min_qty: u64,
    pub(crate) unit_price: Decimal,
}

/// The rarely set parts of an entry, stored only for the entries that have them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct EntryExtra {
    pub(crate) valid: Option<Window>,
    /// The entry's quantity rule and quote threshold, in steps of the SKU's precision (U6).
    pub(crate) quantity: Option<StepRule>,
    pub(crate) quote_above: Option<u64>,
}

impl EntryExtra {
    fn is_empty(&self) -> bool {
        *self == EntryExtra::default()
    }
}

/// One entry as stored, before it is placed in a chunk.
#[derive(Clone, Debug)]
pub(crate) struct EntryRow {
    pub(crate) sku: u32,
    pub(crate) tiers: Vec<Tier>,
    pub(crate) extra: EntryExtra,
}

/// A sorted run of entries in parallel arrays.
///
/// Tiers are stored compactly: the minimum quantity as a `u32` and the unit price as a 64-bit
/// mantissa and a scale (13 bytes instead of the 24 of a `u64` and a `Decimal`). The rare tier
/// that does not fit (a minimum above `u32::MAX`, a price with more than 18 significant digits)
/// is kept whole in `wide`, and its compact slot is marked with [`WIDE`].
///
/// The arrays are boxed slices (16 bytes, not a `Vec`'s 24) and the rare parts sit behind one
/// optional box: a large snapshot holds hundreds of thousands of chunks.
#[derive(Debug, Default)]
pub(crate) struct Chunk {
    /// SKU indexes, strictly increasing.
    skus: Box<[u32]>,
    /// `tier_end[i]` is one past the last tier of entry `i`.
    tier_end: Box<[u32]>,
    mins: Box<[u32]>,
    mantissas: Box<[i64]>,
    scales: Box<[u8]>,
    /// The wide tiers and the extras, when the chunk has any.
    rare: Option<Box<Rare>>,
}

/// The parts of a chunk most chunks do not have.
#[derive(Debug, Default)]
struct Rare {
    /// Tiers that do not fit the compact form, by tier position.
    wide: Vec<(u32, Tier)>,
    /// Validity windows, quantity rules and quote thresholds of the (few) entries that have
    /// one, sorted by position.
    extras: Vec<(u32, EntryExtra)>,
}

impl Chunk {
    fn wide(&self) -> &[(u32, Tier)] {
        self.rare.as_deref().map_or(&[], |r| &r.wide)
    }

    fn extras(&self) -> &[(u32, EntryExtra)] {
        self.rare.as_deref().map_or(&[], |r| &r.extras)
    }
}

/// Marks a compact tier slot whose tier lives in `Chunk::wide`.
const WIDE: u8 = u8::MAX;

/// The tiers of one entry, read from a chunk's compact arrays.
#[derive(Clone, Copy)]
pub(crate) struct TierRun<'a> {
    chunk: &'a Chunk,
    start: usize,
    end: usize,
}

impl<'a> TierRun<'a> {
    /// Number of tiers.
    pub(crate) fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Tier `i`, from 0.
    pub(crate) fn get(&self, i: usize) -> Option<Tier> {
        let pos = self.start.checked_add(i).filter(|&p| p < self.end)?;
        let scale = *self.chunk.scales.get(pos)?;
        if scale == WIDE {
            let pos32 = u32::try_from(pos).ok()?;
            let w = self
                .chunk
                .wide()
                .binary_search_by_key(&pos32, |(p, _)| *p)
                .ok()?;
            return self.chunk.wide().get(w).map(|(_, t)| *t);
        }
        let mantissa = *self.chunk.mantissas.get(pos)?;
        Some(Tier {
            min_qty: u64::from(*self.chunk.mins.get(pos)?),
            unit_price: Decimal::try_new(mantissa, u32::from(scale)).ok()?,
        })
    }

    /// Every tier, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Tier> + 'a {
        let run = *self;
        (0..run.len()).filter_map(move |i| run.get(i))
    }
}

impl std::fmt::Debug for TierRun<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A borrowed view of one entry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EntryRef<'a> {
    pub(crate) tiers: TierRun<'a>,
    pub(crate) extra: EntryExtra,
}

/// The compact form of a tier, if it has one.
fn compact(t: &Tier) -> Option<(u32, i64, u8)> {
    let min = u32::try_from(t.min_qty).ok()?;
    let mantissa = i64::try_from(t.unit_price.mantissa()).ok()?;
    let scale = u8::try_from(t.unit_price.scale())
        .ok()
        .filter(|&s| s != WIDE)?;
    Some((min, mantissa, scale))
}

/// A chunk while its rows are laid out.
struct Building {
    skus: Vec<u32>,
    tier_end: Vec<u32>,
    mins: Vec<u32>,
    mantissas: Vec<i64>,
    scales: Vec<u8>,
    rare: Rare,
}

impl Chunk {
    fn from_rows(rows: &[EntryRow]) -> Chunk {
        let n_tiers = rows.iter().map(|r| r.tiers.len()).sum();
        let mut chunk = Building {
            skus: Vec::with_capacity(rows.len()),
            tier_end: Vec::with_capacity(rows.len()),
            mins: Vec::with_capacity(n_tiers),
            mantissas: Vec::with_capacity(n_tiers),
            scales: Vec::with_capacity(n_tiers),
            rare: Rare::default(),
        };
        for (pos, row) in rows.iter().enumerate() {
            chunk.skus.push(row.sku);
            for t in &row.tiers {
                match compact(t) {
                    Some((min, mantissa, scale)) => {
                        chunk.mins.push(min);
                        chunk.mantissas.push(mantissa);
                        chunk.scales.push(scale);
                    }
                    None => {
                        let at = crate::model::validate::to_u32(chunk.scales.len());
                        chunk.rare.wide.push((at, *t));
                        chunk.mins.push(0);
                        chunk.mantissas.push(0);
                        chunk.scales.push(WIDE);
                    }
                }
            }
            chunk
                .tier_end
                .push(crate::model::validate::to_u32(chunk.scales.len()));
            if !row.extra.is_empty() {
                chunk
                    .rare
                    .extras
                    .push((crate::model::validate::to_u32(pos), row.extra));
            }
        }
        let has_rare = !chunk.rare.wide.is_empty() || !chunk.rare.extras.is_empty();
        Chunk {
            skus: chunk.skus.into_boxed_slice(),
            tier_end: chunk.tier_end.into_boxed_slice(),
            mins: chunk.mins.into_boxed_slice(),
            mantissas: chunk.mantissas.into_boxed_slice(),
            scales: chunk.scales.into_boxed_slice(),
            rare: has_rare.then(|| Box::new(chunk.rare)),
        }
    }

    fn get(&self, sku: u32) -> Option<EntryRef<'_>> {
        let pos = self.skus.binary_search(&sku).ok()?;
        let start = match pos.checked_sub(1) {
            Some(prev) => *self.tier_end.get(prev)? as usize,
            None => 0,
        };
        let end = *self.tier_end.get(pos)? as usize;
        let extras = self.extras();
        let extra = if extras.is_empty() {
            EntryExtra::default()
        } else {
            let pos32 = u32::try_from(pos).ok()?;
            extras
                .binary_search_by_key(&pos32, |(p, _)| *p)
                .ok()
                .and_then(|i| extras.get(i))
                .map(|(_, e)| *e)
                .unwrap_or_default()
        };
        Some(EntryRef {
            tiers: TierRun {
                chunk: self,
                start,
                end,
            },
            extra,
        })
    }

    fn to_rows(&self) -> Vec<EntryRow> {
        self.rows()
            .map(|(sku, e)| EntryRow {
                sku,
                tiers: e.tiers.iter().collect(),
                extra: e.extra,
            })
            .collect()
    }

    fn rows(&self) -> impl Iterator<Item = (u32, EntryRef<'_>)> + '_ {
        self.skus
            .iter()
            .filter_map(move |&sku| self.get(sku).map(|e| (sku, e)))
    }
}

/// All entries of one absolute price list.
#[derive(Clone, Debug, Default)]
pub(crate) struct PriceTable {
    chunks: imbl::OrdMap<u32, Arc<Chunk>>,
    /// Bucket of a SKU index: `sku >> shift`.
    shift: u32,
    len: usize,
}

/// The bucket shift that puts about [`CHUNK`] entries in a bucket for rows spread like these.
fn choose_shift(rows: &[EntryRow]) -> u32 {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return 0;
    };
    let span = u64::from(last.sku.saturating_sub(first.sku)).saturating_add(1);
    let len = u64::try_from(rows.len()).unwrap_or(u64::MAX).max(1);
    // Average distance between entries, times the entries wanted per bucket.
    let width = span
        .checked_div(len)
        .unwrap_or(1)
        .max(1)
        .saturating_mul(CHUNK as u64);
    u64::BITS
        .saturating_sub(width.leading_zeros())
        .saturating_sub(1)
        .min(32)
}

impl PriceTable {
    fn bucket(&self, sku: u32) -> u32 {
        sku.checked_shr(self.shift).unwrap_or(0)
    }

    /// Builds a table from rows sorted by SKU index with no duplicates.
    pub(crate) fn from_sorted(rows: &[EntryRow]) -> PriceTable {
        let mut table = PriceTable {
            chunks: imbl::OrdMap::new(),
            shift: choose_shift(rows),
            len: rows.len(),
        };
        let mut start = 0;
        while let Some(first) = rows.get(start) {
            let key = table.bucket(first.sku);
            let end = rows
                .get(start..)
                .map(|rest| rest.partition_point(|r| table.bucket(r.sku) == key))
                .unwrap_or(0)
                .saturating_add(start);
            if let Some(run) = rows.get(start..end) {
                table.chunks.insert(key, Arc::new(Chunk::from_rows(run)));
            }
            start = end.max(start.saturating_add(1));
        }
        table
    }

    /// The entry for a SKU index, if the list prices it.
    pub(crate) fn get(&self, sku: u32) -> Option<EntryRef<'_>> {
        self.chunks.get(&self.bucket(sku))?.get(sku)
    }

    /// A copy with `row` inserted or replacing the entry for its SKU. Only the chunk holding the
    /// SKU is copied; every other chunk is shared with `self`.
    pub(crate) fn with_entry(&self, row: EntryRow) -> PriceTable {
        let key = self.bucket(row.sku);
        let mut rows: Vec<EntryRow> = match self.chunks.get(&key) {
            Some(chunk) => chunk.to_rows(),
            None => Vec::new(),
        };
        let existed = match rows.binary_search_by_key(&row.sku, |r| r.sku) {
            Ok(pos) => {
                if let Some(slot) = rows.get_mut(pos) {
                    *slot = row;
                }
                true
            }
            Err(pos) => {
                rows.insert(pos, row);
                false
            }
        };
        let mut chunks = self.chunks.clone();
        chunks.insert(key, Arc::new(Chunk::from_rows(&rows)));
        PriceTable {
            chunks,
            shift: self.shift,
            len: if existed {
                self.len
            } else {
                self.len.saturating_add(1)
            },
        }
    }

    /// A copy without the entry for `sku`, or `None` if there is none.
    pub(crate) fn without_entry(&self, sku: u32) -> Option<PriceTable> {
        let key = self.bucket(sku);
        let mut rows = self.chunks.get(&key)?.to_rows();
        let pos = rows.binary_search_by_key(&sku, |r| r.sku).ok()?;
        rows.remove(pos);
        let mut chunks = self.chunks.clone();
        if rows.is_empty() {
            chunks.remove(&key);
        } else {
            chunks.insert(key, Arc::new(Chunk::from_rows(&rows)));
        }
        Some(PriceTable {
            chunks,
            shift: self.shift,
            len: self.len.saturating_sub(1),
        })
    }

    /// SKUs whose entries differ from `other`'s (same catalogue), skipping shared chunks.
    pub(crate) fn diff_skus(&self, other: &PriceTable) -> Vec<u32> {
        let mut out = std::collections::BTreeSet::new();
        let mine: Vec<(&u32, &Arc<Chunk>)> = self.chunks.iter().collect();
        let theirs: Vec<(&u32, &Arc<Chunk>)> = other.chunks.iter().collect();
        let their_ptrs: std::collections::HashSet<*const Chunk> =
            theirs.iter().map(|(_, c)| Arc::as_ptr(c)).collect();
        let shared: std::collections::HashSet<*const Chunk> = mine
            .iter()
            .map(|(_, c)| Arc::as_ptr(c))
            .filter(|p| their_ptrs.contains(p))
            .collect();
        let rows = |chunks: &[(&u32, &Arc<Chunk>)]| -> std::collections::BTreeMap<u32, EntryRow> {
            chunks
                .iter()
                .filter(|(_, c)| !shared.contains(&Arc::as_ptr(c)))
                .flat_map(|(_, c)| c.to_rows())
                .map(|r| (r.sku, r))
                .collect()
        };
        let (a, b) = (rows(&mine), rows(&theirs));
        for (sku, row) in &a {
            match b.get(sku) {
                Some(other) if other.tiers == row.tiers && other.extra == row.extra => {}
                _ => {
                    out.insert(*sku);
                }
            }
        }
        for sku in b.keys() {
            if !a.contains_key(sku) {
                out.insert(*sku);
            }
        }
        out.into_iter().collect()
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Every entry in SKU-index order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, EntryRef<'_>)> + '_ {
        self.chunks.values().flat_map(|c| c.rows())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(sku: u32, price: i64) -> EntryRow {
        EntryRow {
            sku,
            tiers: vec![Tier {
                min_qty: 1,
                unit_price: Decimal::from(price),
            }],
            extra: EntryExtra::default(),
        }
    }

    #[test]
    fn finds_every_entry_across_chunks_and_nothing_else() {
        let rows: Vec<EntryRow> = (0..500u32).map(|i| row(i * 2, i64::from(i))).collect();
        let table = PriceTable::from_sorted(&rows);
        assert_eq!(table.len(), 500);
        for i in 0..500u32 {
            let e = table.get(i * 2).unwrap();
            assert_eq!(
                e.tiers.get(0).unwrap().unit_price,
                Decimal::from(i64::from(i))
            );
            assert!(table.get(i * 2 + 1).is_none());
        }
        assert_eq!(table.iter().count(), 500);
    }

    #[test]
    fn tiers_that_do_not_fit_the_compact_form_round_trip() {
        let big = Tier {
            min_qty: u64::MAX,
            unit_price: Decimal::MAX,
        };
        let tiny = Tier {
            min_qty: 1,
            unit_price: "0.0000000000000000000000000001".parse().unwrap(),
        };
        let plain = Tier {
            min_qty: 2,
            unit_price: "12.50".parse().unwrap(),
        };
        let rows = vec![EntryRow {
            sku: 7,
            tiers: vec![tiny, plain, big],
            extra: EntryExtra::default(),
        }];
        let t = PriceTable::from_sorted(&rows);
        let got: Vec<Tier> = t.get(7).unwrap().tiers.iter().collect();
        assert_eq!(got, vec![tiny, plain, big]);
        assert_eq!(got[1].unit_price.to_string(), "12.50");
    }

    #[test]
    fn changes_copy_one_chunk_and_keep_every_entry_findable() {
        let rows: Vec<EntryRow> = (0..500u32).map(|i| row(i * 2, i64::from(i))).collect();
        let table = PriceTable::from_sorted(&rows);
        let updated = table.with_entry(row(10, 999));
        assert_eq!(
            updated.get(10).unwrap().tiers.get(0).unwrap().unit_price,
            Decimal::from(999)
        );
        assert_eq!(
            table.get(10).unwrap().tiers.get(0).unwrap().unit_price,
            Decimal::from(5)
        );
        assert_eq!(updated.len(), 500);
        let shared = table
            .chunks
            .values()
            .zip(updated.chunks.values())
            .filter(|(a, b)| Arc::ptr_eq(a, b))
            .count();
        assert_eq!(shared, table.chunks.len() - 1);
        assert!(table.chunks.len() > 5, "500 entries make several chunks");
        // Inserting new SKUs, before the first one and between chunks, then removing them.
        let mut t = table.clone();
        for sku in (1..400u32).step_by(2) {
            t = t.with_entry(row(sku, 1));
        }
        assert_eq!(t.len(), 700);
        assert_eq!(
            t.iter()
                .map(|(s, _)| s)
                .collect::<Vec<_>>()
                .windows(2)
                .filter(|w| w[0] >= w[1])
                .count(),
            0
        );
        for sku in (1..400u32).step_by(2) {
            assert!(t.get(sku).is_some());
            t = t.without_entry(sku).unwrap();
        }
        assert_eq!(t.len(), 500);
        assert!(t.without_entry(1).is_none());
        for i in 0..500u32 {
            assert!(t.get(i * 2).is_some());
        }
    }
}
