//! Compact storage of a price list's entries.
//!
//! A list's entries are kept in sorted runs ("chunks") laid out as parallel arrays rather than one
//! allocation per price. Each chunk holds the entries of one bucket of SKU indexes (`sku >> shift`,
//! the shift chosen per list so that a bucket holds about [`CHUNK`] entries on average), and the
//! chunks sit in a two-level radix array by bucket ([`Buckets`]). A lookup is two array reads (no
//! search, no allocation) plus a search inside a chunk that starts where the SKU would sit were
//! the chunk's entries evenly spread over its bucket (usually one cache line, where a binary
//! search reads three or four); a one-price change copies one
//! chunk, one page of [`PAGE`] chunk pointers and the list's page array, and shares every other
//! chunk and page with the previous version, which keeps retained versions small.

use crate::model::catalog::StepRule;
use crate::time::Window;
use rust_decimal::Decimal;
use std::borrow::Borrow;
use std::sync::Arc;

/// Entries per chunk on average: large enough that per-chunk overhead is a few bytes per entry,
/// small enough that copying one chunk on change is cheap.
pub(crate) const CHUNK: usize = 64;

/// Entries per page at which a table spread by changes is laid out again: a list built at once
/// has about `CHUNK * PAGE` (4,096) entries a page, so this allows sixteen times the spread.
const SPREAD: usize = 256;

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

/// An entry's tiers before they are packed: one inline, more on the heap.
pub(crate) type TierVec = smallvec::SmallVec<[Tier; 1]>;

/// A build's row: the entry's unit index beside it. The build sorts its rows by unit and SKU
/// and builds each unit's table from its run of them in place.
impl Borrow<EntryRow> for (u16, EntryRow) {
    fn borrow(&self) -> &EntryRow {
        &self.1
    }
}

/// One entry as stored, before it is placed in a chunk.
#[derive(Clone, Debug)]
pub(crate) struct EntryRow {
    pub(crate) sku: u32,
    pub(crate) tiers: TierVec,
    pub(crate) extra: EntryExtra,
}

/// A sorted run of entries: an index of (SKU, end of its tiers) and the tiers themselves.
///
/// Tiers are stored compactly: the minimum quantity as a `u32` and the unit price as a 64-bit
/// mantissa and a scale, packed in 13 bytes (instead of the 24 of a `u64` and a `Decimal`). The
/// rare tier that does not fit (a minimum above `u32::MAX`, a price with more than 18
/// significant digits) is kept whole in `wide`, and its compact slot is marked with [`WIDE`].
///
/// Two arrays, not five parallel ones: a lookup reads the index (a search over SKUs,
/// with the tier bounds beside them) and then one run of packed tiers, so a price costs two
/// cache misses after the chunk instead of five, and a chunk three allocations instead of six.
/// The arrays are boxed slices (16 bytes, not a `Vec`'s 24) and the rare parts sit behind one
/// optional box: a large snapshot holds hundreds of thousands of chunks.
///
/// Most chunks are narrow (issue 15, memory): their SKUs within 65,536 of the first, at most
/// 65,535 tiers, every tier's price at one scale with a mantissa in `u32` and its minimum in
/// `u16`. Those keep an index entry in 4 bytes (SKU offset from `base`, tier end) and a tier in
/// 6, with the scale once for the chunk; the others keep the 8-byte index entries and 13-byte
/// tiers. Still two arrays, read the same way after a match on the form.
#[derive(Debug, Default)]
pub(crate) struct Chunk {
    /// The SKU index of the first entry: a narrow index holds offsets from it.
    base: u32,
    /// (SKU index, one past the entry's last tier), SKU indexes strictly increasing.
    index: Index,
    tiers: Tiers,
    /// The wide tiers and the extras, when the chunk has any.
    rare: Option<Box<Rare>>,
}

/// A chunk's index, narrow or full.
#[derive(Debug)]
enum Index {
    /// (SKU index minus the chunk's `base`, tier end).
    Narrow(Box<[(u16, u16)]>),
    Full(Box<[(u32, u32)]>),
}

impl Default for Index {
    fn default() -> Index {
        Index::Full(Box::default())
    }
}

/// A chunk's tiers, narrow or full.
#[derive(Debug)]
enum Tiers {
    /// Every tier at `scale`, each in a `u32`: the mantissa (below 2^24) in the high 24 bits,
    /// the minimum (below 256) in the low 8.
    Tiny {
        scale: u8,
        tiers: Box<[u32]>,
    },
    /// Every tier at `scale`.
    Narrow {
        scale: u8,
        tiers: Box<[NarrowTier]>,
    },
    Full(Box<[Packed]>),
}

impl Tiers {
    /// Number of tier slots.
    fn len(&self) -> usize {
        match self {
            Tiers::Tiny { tiers, .. } => tiers.len(),
            Tiers::Narrow { tiers, .. } => tiers.len(),
            Tiers::Full(tiers) => tiers.len(),
        }
    }

    /// A value read from tier slot `i` (0 past the end), for reading ahead.
    fn word(&self, i: usize) -> u64 {
        match self {
            Tiers::Tiny { tiers, .. } => tiers.get(i).map_or(0, |t| u64::from(*t)),
            Tiers::Narrow { tiers, .. } => tiers.get(i).map_or(0, |t| u64::from(t.mantissa)),
            Tiers::Full(tiers) => tiers.get(i).map_or(0, |t| u64::from(t.min)),
        }
    }
}

impl Default for Tiers {
    fn default() -> Tiers {
        Tiers::Full(Box::default())
    }
}

/// A tier in 6 bytes, its scale the chunk's. Packed (alignment 1): read by value only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, packed)]
struct NarrowTier {
    mantissa: u32,
    min: u16,
}

impl Index {
    fn len(&self) -> usize {
        match self {
            Index::Narrow(i) => i.len(),
            Index::Full(i) => i.len(),
        }
    }

    /// The position of `sku` in a chunk whose first SKU is `base`, by binary search: what
    /// [`Index::position_near`] must agree with.
    #[cfg(test)]
    fn position(&self, base: u32, sku: u32) -> Option<usize> {
        match self {
            Index::Narrow(i) => {
                let off = u16::try_from(sku.checked_sub(base)?).ok()?;
                i.binary_search_by_key(&off, |(s, _)| *s).ok()
            }
            Index::Full(i) => i.binary_search_by_key(&sku, |(s, _)| *s).ok(),
        }
    }

    /// [`Index::position`], looking first at `guess` and the entries beside it: one cache line
    /// read where a binary search over the chunk reads three or four. The answer is the same
    /// wherever the guess falls (a guess far off falls back to a binary search of the side the
    /// SKU is on).
    fn position_near(&self, base: u32, sku: u32, guess: usize) -> Option<usize> {
        match self {
            Index::Narrow(i) => {
                let off = u16::try_from(sku.checked_sub(base)?).ok()?;
                search_near(i, off, guess, |(s, _)| *s)
            }
            Index::Full(i) => search_near(i, sku, guess, |(s, _)| *s),
        }
    }

    /// (SKU index, tier end) of entry `pos`.
    fn at(&self, base: u32, pos: usize) -> Option<(u32, usize)> {
        match self {
            Index::Narrow(i) => {
                let (off, end) = *i.get(pos)?;
                Some((base.checked_add(u32::from(off))?, usize::from(end)))
            }
            Index::Full(i) => {
                let (sku, end) = *i.get(pos)?;
                Some((sku, end as usize))
            }
        }
    }
}

/// The position of `key` in `items` (sorted by `key_of`, no duplicates), searched first among
/// the [`NEAR`] items either side of `guess`.
fn search_near<T, K: Ord + Copy>(
    items: &[T],
    key: K,
    guess: usize,
    key_of: impl Fn(&T) -> K,
) -> Option<usize> {
    let g = guess.min(items.len().checked_sub(1)?);
    let at = key_of(items.get(g)?);
    // The side of `g` the key is on, cut to NEAR items if the key is within them.
    let (from, to) = match key.cmp(&at) {
        std::cmp::Ordering::Equal => return Some(g),
        std::cmp::Ordering::Greater => {
            let near = g.saturating_add(NEAR).min(items.len().saturating_sub(1));
            match items.get(near).map(&key_of) {
                Some(k) if k >= key => (g.saturating_add(1), near.saturating_add(1)),
                _ => (near.saturating_add(1), items.len()),
            }
        }
        std::cmp::Ordering::Less => {
            let near = g.saturating_sub(NEAR);
            match items.get(near).map(&key_of) {
                Some(k) if k <= key => (near, g),
                _ => (0, near),
            }
        }
    };
    let found = items
        .get(from..to)?
        .binary_search_by_key(&key, key_of)
        .ok()?;
    from.checked_add(found)
}

/// How far either side of its guessed position an entry is looked for before the rest of
/// the chunk: 8-byte entries, a cache line or two.
const NEAR: usize = 8;

/// A tier in 13 bytes. Packed (alignment 1): its fields are only ever read by value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, packed)]
struct Packed {
    mantissa: i64,
    min: u32,
    scale: u8,
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
        let packed = match &self.chunk.tiers {
            Tiers::Tiny { scale, tiers } => {
                let t = *tiers.get(pos)?;
                return Some(Tier {
                    min_qty: u64::from(t & 0xff),
                    unit_price: Decimal::try_new(i64::from(t >> 8), u32::from(*scale)).ok()?,
                });
            }
            Tiers::Narrow { scale, tiers } => {
                let t = *tiers.get(pos)?;
                let (mantissa, min) = (t.mantissa, t.min);
                return Some(Tier {
                    min_qty: u64::from(min),
                    unit_price: Decimal::try_new(i64::from(mantissa), u32::from(*scale)).ok()?,
                });
            }
            Tiers::Full(tiers) => *tiers.get(pos)?,
        };
        let scale = packed.scale;
        if scale == WIDE {
            let pos32 = u32::try_from(pos).ok()?;
            let w = self
                .chunk
                .wide()
                .binary_search_by_key(&pos32, |(p, _)| *p)
                .ok()?;
            return self.chunk.wide().get(w).map(|(_, t)| *t);
        }
        let (mantissa, min) = (packed.mantissa, packed.min);
        Some(Tier {
            min_qty: u64::from(min),
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

impl Chunk {
    fn from_rows<R: Borrow<EntryRow>>(rows: &[R]) -> Chunk {
        let n_tiers = rows.iter().map(|r| r.borrow().tiers.len()).sum();
        let mut index = Vec::with_capacity(rows.len());
        let mut tiers = Vec::with_capacity(n_tiers);
        let mut rare = Rare::default();
        for (pos, row) in rows.iter().enumerate() {
            let row: &EntryRow = row.borrow();
            for t in &row.tiers {
                match compact(t) {
                    Some((min, mantissa, scale)) => tiers.push(Packed {
                        mantissa,
                        min,
                        scale,
                    }),
                    None => {
                        let at = crate::model::validate::to_u32(tiers.len());
                        rare.wide.push((at, *t));
                        tiers.push(Packed {
                            mantissa: 0,
                            min: 0,
                            scale: WIDE,
                        });
                    }
                }
            }
            index.push((row.sku, crate::model::validate::to_u32(tiers.len())));
            if !row.extra.is_empty() {
                rare.extras
                    .push((crate::model::validate::to_u32(pos), row.extra));
            }
        }
        let has_rare = !rare.wide.is_empty() || !rare.extras.is_empty();
        let base = index.first().map_or(0, |&(sku, _)| sku);
        let narrow_index: Option<Box<[(u16, u16)]>> = index
            .iter()
            .map(|&(sku, end)| {
                Some((
                    u16::try_from(sku.checked_sub(base)?).ok()?,
                    u16::try_from(end).ok()?,
                ))
            })
            .collect();
        let scale = tiers.first().map_or(0, |t| t.scale);
        let narrow_tiers: Option<Box<[NarrowTier]>> = if scale == WIDE {
            None
        } else {
            tiers
                .iter()
                .map(|t| {
                    let (mantissa, min) = (t.mantissa, t.min);
                    (t.scale == scale).then_some(())?;
                    Some(NarrowTier {
                        mantissa: u32::try_from(mantissa).ok()?,
                        min: u16::try_from(min).ok()?,
                    })
                })
                .collect()
        };
        Chunk {
            base,
            index: match narrow_index {
                Some(i) => Index::Narrow(i),
                None => Index::Full(index.into_boxed_slice()),
            },
            tiers: match narrow_tiers {
                Some(t) => match t
                    .iter()
                    .map(|n| {
                        let (mantissa, min) = (n.mantissa, n.min);
                        (mantissa < 1 << 24 && min < 1 << 8)
                            .then(|| (mantissa << 8) | u32::from(min))
                    })
                    .collect::<Option<Box<[u32]>>>()
                {
                    Some(tiny) => Tiers::Tiny { scale, tiers: tiny },
                    None => Tiers::Narrow { scale, tiers: t },
                },
                None => Tiers::Full(tiers.into_boxed_slice()),
            },
            rare: has_rare.then(|| Box::new(rare)),
        }
    }

    #[cfg(test)]
    fn get(&self, sku: u32) -> Option<EntryRef<'_>> {
        let pos = self.index.position(self.base, sku)?;
        self.entry_at(pos)
    }

    /// [`Chunk::get`], the search starting at `guess`, where the entry would sit were the
    /// chunk's SKUs evenly spread over its bucket.
    fn get_near(&self, sku: u32, guess: usize) -> Option<EntryRef<'_>> {
        // The entry's index slot and its tiers are two cache misses, the second waiting for
        // the first (the tiers' place is in the index). Where the guess is right, or close
        // (most entries have one tier, so an entry's tiers sit near its own position), both
        // lines are fetched at once here, and the search and the tier read then hit.
        std::hint::black_box(self.touch(guess));
        let pos = self.index.position_near(self.base, sku, guess)?;
        self.entry_at(pos)
    }

    /// Reads the index entry at `guess` and the tier slot where an entry there would start, were
    /// the chunk's tiers spread evenly over its entries. The value means nothing.
    fn touch(&self, guess: usize) -> u64 {
        let n = self.index.len();
        let g = guess.min(n.saturating_sub(1));
        let t = g
            .saturating_mul(self.tiers.len())
            .checked_div(n)
            .unwrap_or(0);
        self.index.at(self.base, g).map_or(0, |(s, _)| u64::from(s)) ^ self.tiers.word(t)
    }

    /// Entry `pos`.
    fn entry_at(&self, pos: usize) -> Option<EntryRef<'_>> {
        let start = match pos.checked_sub(1) {
            Some(prev) => self.index.at(self.base, prev)?.1,
            None => 0,
        };
        let end = self.index.at(self.base, pos)?.1;
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
        (0..self.index.len())
            .filter_map(move |pos| Some((self.index.at(self.base, pos)?.0, self.entry_at(pos)?)))
    }
}

/// Buckets per page of [`Buckets`]: a page is 64 pointers (512 bytes), copied on a change.
pub(crate) const PAGE: u32 = 64;

/// A page of chunk pointers: slot `i` is the bucket `page * PAGE + i`. As long as its last
/// chunk needs (trailing empty slots are not stored).
type Page = Arc<[Option<Arc<Chunk>>]>;

/// A persistent map from bucket to chunk, as a two-level radix array: bucket `b` is in page
/// `b / PAGE`, slot `b % PAGE`.
///
/// Why not a persistent ordered map (`imbl::OrdMap`, which this replaced): its nodes hold 64
/// key-value pairs, so a lookup binary-searches a kilobyte per level, three levels deep in a
/// large list (a dozen cache misses); here it is two reads. And a node costs about 1.6 KB even
/// for a list with one chunk (most contract lists), a page at most 512 bytes.
///
/// The page array spans the pages from the first used to the last used. A list built at once
/// spans few pages (its shift puts about [`CHUNK`] entries in a bucket); changes that spread a
/// list far beyond that are caught by [`PriceTable::with_entry`], which rebuilds the table with
/// a shift that fits, so the page array stays proportional to the entries.
#[derive(Clone, Debug, Default)]
struct Buckets {
    /// The page number of `pages[0]`.
    first: u32,
    pages: Arc<[Option<Page>]>,
}

impl Buckets {
    /// The buckets of `chunks`, sorted by bucket with no repeats.
    fn from_sorted(chunks: Vec<(u32, Arc<Chunk>)>) -> Buckets {
        let (Some((lo, _)), Some((hi, _))) = (chunks.first(), chunks.last()) else {
            return Buckets::default();
        };
        let (first, last) = (lo / PAGE, hi / PAGE);
        let mut pages: Vec<Option<Page>> = Vec::new();
        let mut page: Vec<Option<Arc<Chunk>>> = Vec::new();
        let mut page_no = first;
        for (bucket, chunk) in chunks {
            while bucket / PAGE > page_no {
                pages.push(seal(std::mem::take(&mut page)));
                page_no = page_no.saturating_add(1);
            }
            let slot = (bucket % PAGE) as usize;
            page.resize(slot, None);
            page.push(Some(chunk));
        }
        pages.push(seal(page));
        debug_assert_eq!(
            pages.len() as u64,
            u64::from(last.saturating_sub(first)).saturating_add(1)
        );
        Buckets {
            first,
            pages: pages.into(),
        }
    }

    fn page(&self, page_no: u32) -> Option<&Page> {
        let i = page_no.checked_sub(self.first)?;
        self.pages.get(i as usize)?.as_ref()
    }

    fn get(&self, bucket: u32) -> Option<&Arc<Chunk>> {
        self.page(bucket / PAGE)?
            .get((bucket % PAGE) as usize)?
            .as_ref()
    }

    /// A copy with `bucket` holding `chunk` (`None`: emptied). Copies the page array and the
    /// one page; shares every other page.
    fn with(&self, bucket: u32, chunk: Option<Arc<Chunk>>) -> Buckets {
        let page_no = bucket / PAGE;
        let used = (!self.pages.is_empty()).then(|| {
            let last = self
                .first
                .saturating_add(crate::model::validate::to_u32(self.pages.len()))
                .saturating_sub(1);
            (self.first, last)
        });
        let (first, last) = match used {
            Some((first, last)) => (first.min(page_no), last.max(page_no)),
            None => (page_no, page_no),
        };
        let mut pages: Vec<Option<Page>> = (first..=last).map(|p| self.page(p).cloned()).collect();
        if let Some(slot) = pages.get_mut(page_no.saturating_sub(first) as usize) {
            let mut page: Vec<Option<Arc<Chunk>>> =
                slot.as_deref().map(<[_]>::to_vec).unwrap_or_default();
            let i = (bucket % PAGE) as usize;
            if page.len() <= i {
                page.resize(i.saturating_add(1), None);
            }
            if let Some(s) = page.get_mut(i) {
                *s = chunk;
            }
            *slot = seal(page);
        }
        // Empty pages at either end are dropped, so the span is always first to last used.
        let lead = pages.iter().take_while(|p| p.is_none()).count();
        let trail = pages.iter().rev().take_while(|p| p.is_none()).count();
        let keep = pages.len().saturating_sub(lead).saturating_sub(trail);
        Buckets {
            first: first.saturating_add(crate::model::validate::to_u32(lead)),
            pages: pages.into_iter().skip(lead).take(keep).collect(),
        }
    }

    /// Every chunk with its bucket, in bucket order.
    fn iter(&self) -> impl Iterator<Item = (u32, &Arc<Chunk>)> + '_ {
        self.pages.iter().enumerate().flat_map(move |(p, page)| {
            let base = self
                .first
                .saturating_add(crate::model::validate::to_u32(p))
                .saturating_mul(PAGE);
            page.iter()
                .flat_map(|page| page.iter())
                .enumerate()
                .filter_map(move |(i, c)| {
                    Some((
                        base.saturating_add(crate::model::validate::to_u32(i)),
                        c.as_ref()?,
                    ))
                })
        })
    }

    fn values(&self) -> impl Iterator<Item = &Arc<Chunk>> + '_ {
        self.iter().map(|(_, c)| c)
    }

    /// The number of pages spanned.
    fn span(&self) -> usize {
        self.pages.len()
    }
}

/// A page as stored: trailing empty slots dropped, `None` if it holds no chunk.
fn seal(mut page: Vec<Option<Arc<Chunk>>>) -> Option<Page> {
    while page.last().is_some_and(Option::is_none) {
        page.pop();
    }
    (!page.is_empty()).then(|| page.into())
}

/// All entries of one absolute price list.
#[derive(Clone, Debug, Default)]
pub(crate) struct PriceTable {
    chunks: Buckets,
    /// Bucket of a SKU index: `sku >> shift`.
    shift: u32,
    len: usize,
}

/// The bucket shift that puts about [`CHUNK`] entries in a bucket for rows spread like these.
fn choose_shift<R: Borrow<EntryRow>>(rows: &[R]) -> u32 {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return 0;
    };
    let span = u64::from(last.borrow().sku.saturating_sub(first.borrow().sku)).saturating_add(1);
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

    /// Builds a table from rows sorted by SKU index with no duplicates: [`EntryRow`]s, or
    /// anything that holds one (a build's rows carry their unit beside them, and are read
    /// where they are rather than copied out).
    pub(crate) fn from_sorted<R: Borrow<EntryRow>>(rows: &[R]) -> PriceTable {
        let mut table = PriceTable {
            chunks: Buckets::default(),
            shift: choose_shift(rows),
            len: rows.len(),
        };
        let mut chunks = Vec::new();
        let mut start = 0;
        while let Some(first) = rows.get(start) {
            let key = table.bucket(first.borrow().sku);
            let end = rows
                .get(start..)
                .map(|rest| rest.partition_point(|r| table.bucket(r.borrow().sku) == key))
                .unwrap_or(0)
                .saturating_add(start);
            if let Some(run) = rows.get(start..end) {
                chunks.push((key, Arc::new(Chunk::from_rows(run))));
            }
            start = end.max(start.saturating_add(1));
        }
        table.chunks = Buckets::from_sorted(chunks);
        table
    }

    /// The entry for a SKU index, if the list prices it.
    pub(crate) fn get(&self, sku: u32) -> Option<EntryRef<'_>> {
        let bucket = self.bucket(sku);
        let chunk = self.chunks.get(bucket)?;
        // Where the SKU would sit were the chunk's entries evenly spread over the bucket's
        // `2^shift` SKU indexes: the SKU's offset in the bucket scaled to the chunk's length.
        let start = u64::from(bucket).checked_shl(self.shift).unwrap_or(0);
        let offset = u128::from(u64::from(sku).saturating_sub(start));
        let scaled = offset.saturating_mul(chunk.index.len() as u128) >> self.shift;
        chunk.get_near(sku, usize::try_from(scaled).unwrap_or(usize::MAX))
    }

    /// A copy with `row` inserted or replacing the entry for its SKU. Only the chunk holding the
    /// SKU is copied; every other chunk is shared with `self`.
    pub(crate) fn with_entry(&self, row: EntryRow) -> PriceTable {
        let key = self.bucket(row.sku);
        let mut rows: Vec<EntryRow> = match self.chunks.get(key) {
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
        let table = PriceTable {
            chunks: self
                .chunks
                .with(key, Some(Arc::new(Chunk::from_rows(&rows)))),
            shift: self.shift,
            len: if existed {
                self.len
            } else {
                self.len.saturating_add(1)
            },
        };
        // Entries added far from the others (a list grown from empty, say) would spread the
        // page array and shrink the chunks: laid out again with a shift that fits, the table
        // keeps its page array proportional to its entries. Rare, and O(entries) when it is.
        if table.chunks.span() > (table.len / SPREAD).saturating_add(4) {
            let rows: Vec<EntryRow> = table.chunks.values().flat_map(|c| c.to_rows()).collect();
            return PriceTable::from_sorted(&rows);
        }
        table
    }

    /// A copy without the entry for `sku`, or `None` if there is none.
    pub(crate) fn without_entry(&self, sku: u32) -> Option<PriceTable> {
        let key = self.bucket(sku);
        let mut rows = self.chunks.get(key)?.to_rows();
        let pos = rows.binary_search_by_key(&sku, |r| r.sku).ok()?;
        rows.remove(pos);
        let chunk = (!rows.is_empty()).then(|| Arc::new(Chunk::from_rows(&rows)));
        Some(PriceTable {
            chunks: self.chunks.with(key, chunk),
            shift: self.shift,
            len: self.len.saturating_sub(1),
        })
    }

    /// SKUs whose entries differ from `other`'s (same catalogue), skipping shared chunks.
    pub(crate) fn diff_skus(&self, other: &PriceTable) -> Vec<u32> {
        let mut out = std::collections::BTreeSet::new();
        let mine: Vec<(u32, &Arc<Chunk>)> = self.chunks.iter().collect();
        let theirs: Vec<(u32, &Arc<Chunk>)> = other.chunks.iter().collect();
        let their_ptrs: std::collections::HashSet<*const Chunk> =
            theirs.iter().map(|(_, c)| Arc::as_ptr(c)).collect();
        let shared: std::collections::HashSet<*const Chunk> = mine
            .iter()
            .map(|(_, c)| Arc::as_ptr(c))
            .filter(|p| their_ptrs.contains(p))
            .collect();
        let rows = |chunks: &[(u32, &Arc<Chunk>)]| -> std::collections::BTreeMap<u32, EntryRow> {
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

    /// The SKU index of every entry, in order, read from the chunks' indexes alone.
    pub(crate) fn skus(&self) -> impl Iterator<Item = u32> + '_ {
        self.chunks.values().flat_map(|c| {
            (0..c.index.len()).filter_map(move |pos| c.index.at(c.base, pos).map(|(sku, _)| sku))
        })
    }

    /// Every entry in SKU-index order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, EntryRef<'_>)> + '_ {
        self.chunks.values().flat_map(|c| c.rows())
    }
}

#[cfg(test)]
#[allow(
    clippy::arithmetic_side_effects,
    reason = "test arithmetic on small counts"
)]
mod tests {
    use super::*;

    /// The search from a guessed position finds what a binary search finds, for every SKU
    /// (present or not) and every guess, even one past the end, in narrow and full indexes of
    /// even, clustered and one-entry layouts.
    #[test]
    fn a_search_from_any_guess_agrees_with_a_binary_search() {
        let layouts: Vec<Vec<u32>> = vec![
            (0..64).map(|i| i * 3).collect(),
            (0..40)
                .map(|i| if i < 30 { i } else { 1_000 + i * 50 })
                .collect(),
            vec![5],
            (0..50).map(|i| 100_000 * i).collect(),
        ];
        for skus in layouts {
            let rows: Vec<EntryRow> = skus.iter().map(|&s| row(s, 100)).collect();
            let chunk = Chunk::from_rows(&rows);
            let last = *skus.last().unwrap();
            for sku in (0..=last.saturating_add(2))
                .step_by(usize::try_from(last / 500 + 1).unwrap())
                .chain(skus.iter().copied())
            {
                let want = chunk.index.position(chunk.base, sku);
                for guess in 0..rows.len() + 3 {
                    assert_eq!(
                        chunk.index.position_near(chunk.base, sku, guess),
                        want,
                        "SKU {sku}, guess {guess}"
                    );
                }
            }
        }
    }

    fn row(sku: u32, price: i64) -> EntryRow {
        EntryRow {
            sku,
            tiers: smallvec::smallvec![Tier {
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
    fn narrow_and_full_chunks_round_trip() {
        let tier = |min: u64, price: i64, scale: u32| Tier {
            min_qty: min,
            unit_price: Decimal::new(price, scale),
        };
        let entry = |sku: u32, tiers: Vec<Tier>| EntryRow {
            sku,
            tiers: tiers.into(),
            extra: EntryExtra::default(),
        };
        let narrow = vec![
            entry(300, vec![tier(1, 1250, 2), tier(10, 1100, 2)]),
            entry(65_835, vec![tier(65_535, 4_294_967_295, 2)]),
        ];
        let spread = vec![
            entry(300, vec![tier(1, 5, 2)]),
            entry(65_836, vec![tier(1, 6, 2)]),
        ];
        let scales = vec![entry(1, vec![tier(1, 5, 2), tier(2, 5, 3)])];
        let big = vec![entry(
            1,
            vec![tier(65_536, 5, 2), tier(1, 4_294_967_296, 2)],
        )];
        let negative = vec![entry(1, vec![tier(1, -5, 2)])];
        let tiny = vec![
            entry(7, vec![tier(255, 16_777_215, 2), tier(0, 0, 2)]),
            entry(9, vec![tier(1, 1, 2)]),
        ];
        let chunk = Chunk::from_rows(&tiny);
        assert!(matches!(chunk.tiers, Tiers::Tiny { .. }));
        for row in &tiny {
            let got: Vec<Tier> = chunk.get(row.sku).unwrap().tiers.iter().collect();
            assert_eq!(got, row.tiers.to_vec());
        }
        for (rows, narrow_index, narrow_tiers) in [
            (&narrow, true, true),
            (&spread, false, true),
            (&scales, true, false),
            (&big, true, false),
            (&negative, true, false),
        ] {
            let chunk = Chunk::from_rows(rows);
            assert_eq!(matches!(chunk.index, Index::Narrow(_)), narrow_index);
            assert_eq!(
                matches!(chunk.tiers, Tiers::Narrow { .. } | Tiers::Tiny { .. }),
                narrow_tiers
            );
            for row in rows.iter() {
                let got: Vec<Tier> = chunk.get(row.sku).unwrap().tiers.iter().collect();
                assert_eq!(got, row.tiers.to_vec());
                assert!(chunk.get(row.sku + 1).is_none());
            }
            assert!(chunk.get(0).is_none());
            let skus: Vec<u32> = chunk.rows().map(|(s, _)| s).collect();
            assert_eq!(skus, rows.iter().map(|r| r.sku).collect::<Vec<_>>());
        }
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
            tiers: smallvec::smallvec![tiny, plain, big],
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
        assert_eq!(shared, table.chunks.values().count() - 1);
        assert!(
            table.chunks.values().count() > 5,
            "500 entries make several chunks"
        );
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

    #[test]
    fn a_list_grown_from_empty_far_apart_keeps_its_pages_few() {
        let mut t = PriceTable::default();
        // Alternately at both ends of a million SKUs, then in between: shift 0 at first.
        for i in 0..2_000u32 {
            let sku = if i % 2 == 0 { i } else { 1_000_000 - i };
            t = t.with_entry(row(sku, i64::from(i)));
            assert!(
                t.chunks.span() <= t.len() / SPREAD + 4,
                "{} pages",
                t.chunks.span()
            );
        }
        assert_eq!(t.len(), 2_000);
        for i in 0..2_000u32 {
            let sku = if i % 2 == 0 { i } else { 1_000_000 - i };
            assert_eq!(
                t.get(sku).unwrap().tiers.get(0).unwrap().unit_price,
                Decimal::from(i64::from(i))
            );
        }
    }

    proptest::proptest! {
        /// Any sequence of changes leaves the table holding exactly what a plain map holds,
        /// in SKU order, whatever the buckets and pages it went through.
        #[test]
        fn changes_agree_with_a_plain_map(
            start in proptest::collection::btree_set(0u32..5_000, 0..300),
            ops in proptest::collection::vec((0u32..200_000, proptest::bool::ANY), 0..200),
        ) {
            let rows: Vec<EntryRow> = start.iter().map(|&s| row(s, i64::from(s))).collect();
            let mut t = PriceTable::from_sorted(&rows);
            let mut model: std::collections::BTreeMap<u32, i64> =
                start.iter().map(|&s| (s, i64::from(s))).collect();
            for (n, (sku, insert)) in ops.into_iter().enumerate() {
                // Removals aim at SKUs the table has, when it has any.
                let sku = if insert { sku } else {
                    model.keys().nth(sku as usize % model.len().max(1)).copied().unwrap_or(sku)
                };
                if insert {
                    t = t.with_entry(row(sku, n as i64));
                    model.insert(sku, n as i64);
                } else {
                    let removed = t.without_entry(sku);
                    proptest::prop_assert_eq!(removed.is_some(), model.remove(&sku).is_some());
                    if let Some(r) = removed { t = r; }
                }
                proptest::prop_assert_eq!(t.len(), model.len());
            }
            let got: Vec<(u32, Decimal)> = t
                .iter()
                .map(|(s, e)| (s, e.tiers.get(0).unwrap().unit_price))
                .collect();
            let want: Vec<(u32, Decimal)> =
                model.iter().map(|(s, p)| (*s, Decimal::from(*p))).collect();
            proptest::prop_assert_eq!(got, want);
            proptest::prop_assert_eq!(
                t.skus().collect::<Vec<u32>>(),
                model.keys().copied().collect::<Vec<u32>>()
            );
            for (s, p) in &model {
                proptest::prop_assert_eq!(t.get(*s).unwrap().tiers.get(0).unwrap().unit_price, Decimal::from(*p));
            }
        }
    }
}
