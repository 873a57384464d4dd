//! Compact storage of a price list's entries.
//!
//! A list's entries are kept in sorted runs ("chunks"), each one allocation of 32-bit words
//! rather than one allocation per price. Each chunk holds the entries of one bucket of SKU
//! indexes (`sku >> shift`, the shift chosen per list so that a bucket holds about [`CHUNK`]
//! entries on average), and the chunks sit in a two-level radix array by bucket ([`Buckets`]).
//! A lookup is two array reads (no search, no allocation) plus a search inside a chunk that
//! starts where the SKU would sit were the chunk's entries evenly spread over its bucket
//! (usually one cache line, where a binary search reads three or four); a one-price change
//! copies one chunk, one page of [`PAGE`] chunk pointers and the list's page array, and shares
//! every other chunk and page with the previous version, which keeps retained versions small.

use crate::model::catalog::StepRule;
use crate::time::Window;
use rust_decimal::Decimal;
use std::borrow::Borrow;
use std::sync::Arc;
use triomphe::ThinArc;

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

/// The extra of every entry that has none, for views that borrow an entry's extra.
pub(crate) static NO_EXTRA: EntryExtra = EntryExtra {
    valid: None,
    quantity: None,
    quote_above: None,
};

impl EntryExtra {
    fn is_empty(&self) -> bool {
        *self == EntryExtra::default()
    }

    /// The extra as a build's row keeps it: boxed, and nothing when it is empty (most entries).
    pub(crate) fn boxed(self) -> Option<Box<EntryExtra>> {
        (!self.is_empty()).then(|| Box::new(self))
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
///
/// The extra is boxed (`None` when empty): a build holds ten million rows at `large` and sorts
/// them, and the extra inline (112 bytes) made a row 168 bytes where it is now 64; most
/// entries have none.
#[derive(Clone, Debug)]
pub(crate) struct EntryRow {
    pub(crate) sku: u32,
    pub(crate) tiers: TierVec,
    pub(crate) extra: Option<Box<EntryExtra>>,
}

/// A sorted run of entries, in one allocation: a small head, then an index of (SKU, end of its
/// tiers) and the tiers themselves, both as 32-bit words.
///
/// One allocation, not a record pointing at two arrays (issue 15, latency): a lookup reaches
/// the chunk through its page, and everything it then reads (the head, the index slot, the
/// tiers) sits behind that one pointer, so [`PriceTable::get`] can fetch the head and the lines
/// where the entry and its tiers probably are at the same time. Behind a record, the head was a
/// cache miss of its own that the index and tiers had to wait for (43 % of the lookup's time in
/// a profile at `large`). The pointer is thin ([`triomphe::ThinArc`]: the slice's length is in
/// the allocation), so a page of chunk pointers stays 8 bytes a slot.
///
/// The index is narrow where it can be (issue 15, memory): SKUs within 65,536 of the first
/// (`base`) and at most 65,535 tiers keep an entry in one word (SKU offset in the high half,
/// tier end in the low half); other chunks use two words (SKU index, tier end). Tiers are
/// *tiny* when every tier has the chunk's scale, a mantissa below 2^24 and a minimum below 256
/// (one word: mantissa in the high 24 bits, minimum in the low 8; most prices in minor units
/// with minimums of 1, 10 or 100), *narrow* when the mantissa fits a `u32` and the minimum a
/// `u16` (two words), and *full* otherwise (four: the mantissa's two halves, the minimum and
/// the scale). The rare tier that fits no form (a minimum above `u32::MAX`, a price with more
/// than 18 significant digits) is kept whole in the head's rare part, its slot marked with
/// [`WIDE`] as its scale.
#[derive(Clone, Debug)]
pub(crate) struct Chunk(ThinArc<Head, u32>);

/// The fixed part of a chunk, at the start of its allocation.
#[derive(Debug)]
struct Head {
    /// The SKU index of the first entry: a narrow index holds offsets from it.
    base: u32,
    /// Number of entries.
    len: u32,
    /// Whether the index takes two words an entry.
    full_index: bool,
    tiers: TierForm,
    /// The scale of every tier, in a tiny or narrow chunk.
    scale: u8,
    /// The wide tiers and the extras, when the chunk has any.
    rare: Option<Box<Rare>>,
}

/// How a chunk's tiers are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TierForm {
    /// One word a tier.
    Tiny,
    /// Two words a tier.
    Narrow,
    /// Four words a tier.
    Full,
}

impl TierForm {
    fn words(self) -> usize {
        match self {
            TierForm::Tiny => 1,
            TierForm::Narrow => 2,
            TierForm::Full => 4,
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
/// the chunk: a cache line or two.
const NEAR: usize = 8;

/// The parts of a chunk most chunks do not have.
#[derive(Debug, Default)]
struct Rare {
    /// Tiers that do not fit the compact form, by tier position.
    wide: Vec<(u32, Tier)>,
    /// Validity windows, quantity rules and quote thresholds of the (few) entries that have
    /// one, sorted by position.
    extras: Vec<(u32, EntryExtra)>,
}

/// Marks a full tier slot whose tier lives in the chunk's rare part.
const WIDE: u8 = u8::MAX;

/// The tiers of one entry, read from a chunk's words: their positions as the chunk's index
/// stores them (32 bits), so that the run is two words and a pointer.
#[derive(Clone, Copy)]
pub(crate) struct TierRun<'a> {
    chunk: &'a Chunk,
    start: u32,
    end: u32,
}

impl<'a> TierRun<'a> {
    /// Number of tiers.
    pub(crate) fn len(&self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }

    /// Tier `i`, from 0.
    pub(crate) fn get(&self, i: usize) -> Option<Tier> {
        let i = u32::try_from(i).ok()?;
        let pos = self.start.checked_add(i).filter(|&p| p < self.end)?;
        self.chunk.tier(pos as usize)
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

/// A borrowed view of one entry. The extra is borrowed too ([`NO_EXTRA`] for most entries):
/// a view is moved along the decision, and a by-value extra made it 112 bytes larger.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EntryRef<'a> {
    pub(crate) tiers: TierRun<'a>,
    pub(crate) extra: &'a EntryExtra,
}

/// The compact form of a tier, if it has one: (minimum, mantissa, scale).
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
        let mut index: Vec<(u32, u32)> = Vec::with_capacity(rows.len());
        // (minimum, mantissa, scale), WIDE for a tier kept whole in `rare.wide`.
        let mut tiers: Vec<(u32, i64, u8)> = Vec::with_capacity(n_tiers);
        let mut rare = Rare::default();
        for (pos, row) in rows.iter().enumerate() {
            let row: &EntryRow = row.borrow();
            for t in &row.tiers {
                match compact(t) {
                    Some(c) => tiers.push(c),
                    None => {
                        let at = crate::model::validate::to_u32(tiers.len());
                        rare.wide.push((at, *t));
                        tiers.push((0, 0, WIDE));
                    }
                }
            }
            index.push((row.sku, crate::model::validate::to_u32(tiers.len())));
            if let Some(extra) = row.extra.as_deref().filter(|x| !x.is_empty()) {
                rare.extras
                    .push((crate::model::validate::to_u32(pos), *extra));
            }
        }
        let base = index.first().map_or(0, |&(sku, _)| sku);
        let narrow_index: Option<Vec<u32>> = index
            .iter()
            .map(|&(sku, end)| {
                let off = u16::try_from(sku.checked_sub(base)?).ok()?;
                let end = u16::try_from(end).ok()?;
                Some((u32::from(off) << 16) | u32::from(end))
            })
            .collect();
        let scale = tiers.first().map_or(0, |t| t.2);
        let one_scale = scale != WIDE && tiers.iter().all(|t| t.2 == scale);
        let fits = |bits_m: u32, bits_min: u32| {
            one_scale
                && tiers.iter().all(|&(min, mantissa, _)| {
                    mantissa >= 0
                        && mantissa.checked_shr(bits_m).unwrap_or(0) == 0
                        && min.checked_shr(bits_min).unwrap_or(0) == 0
                })
        };
        let form = if fits(24, 8) {
            TierForm::Tiny
        } else if fits(32, 16) {
            TierForm::Narrow
        } else {
            TierForm::Full
        };
        let mut words: Vec<u32> = Vec::with_capacity(
            index
                .len()
                .saturating_mul(2)
                .saturating_add(tiers.len().saturating_mul(form.words())),
        );
        let full_index = narrow_index.is_none();
        match narrow_index {
            Some(narrow) => words.extend(narrow),
            None => words.extend(index.iter().flat_map(|&(sku, end)| [sku, end])),
        }
        for &(min, mantissa, s) in &tiers {
            // `fits` checked that a tiny or narrow mantissa is all in its low bits; a full
            // one is split into its two halves.
            let m = mantissa.cast_unsigned();
            let (lo, hi) = (
                u32::try_from(m & 0xffff_ffff).unwrap_or(0),
                u32::try_from(m >> 32).unwrap_or(0),
            );
            match form {
                TierForm::Tiny => words.push((lo << 8) | min),
                TierForm::Narrow => words.extend([lo, min]),
                TierForm::Full => words.extend([lo, hi, min, u32::from(s)]),
            }
        }
        let has_rare = !rare.wide.is_empty() || !rare.extras.is_empty();
        let head = Head {
            base,
            len: crate::model::validate::to_u32(index.len()),
            full_index,
            tiers: form,
            scale: if form == TierForm::Full { 0 } else { scale },
            rare: has_rare.then(|| Box::new(rare)),
        };
        Chunk(ThinArc::from_header_and_slice(head, &words))
    }

    fn head(&self) -> &Head {
        &self.0.header.header
    }

    fn words(&self) -> &[u32] {
        &self.0.slice
    }

    /// Number of entries.
    fn len(&self) -> usize {
        self.head().len as usize
    }

    /// Whether `self` and `other` are the same allocation (a chunk shared between versions).
    #[cfg(test)]
    fn same(&self, other: &Chunk) -> bool {
        std::ptr::eq(self.0.ptr(), other.0.ptr())
    }

    /// The index words: one or two an entry.
    fn index_words(&self) -> &[u32] {
        let per = if self.head().full_index { 2 } else { 1 };
        self.words()
            .get(..self.len().saturating_mul(per))
            .unwrap_or(&[])
    }

    /// The tier words, after the index.
    fn tier_words(&self) -> &[u32] {
        let from = self.index_words().len();
        self.words().get(from..).unwrap_or(&[])
    }

    fn wide(&self) -> &[(u32, Tier)] {
        self.head().rare.as_deref().map_or(&[], |r| &r.wide)
    }

    fn extras(&self) -> &[(u32, EntryExtra)] {
        self.head().rare.as_deref().map_or(&[], |r| &r.extras)
    }

    /// (SKU index, tier end) of entry `pos`.
    fn at(&self, pos: usize) -> Option<(u32, u32)> {
        let head = self.head();
        if head.full_index {
            let (pairs, _) = self.index_words().as_chunks::<2>();
            let [sku, end] = *pairs.get(pos)?;
            Some((sku, end))
        } else {
            let w = *self.index_words().get(pos)?;
            Some((head.base.checked_add(w >> 16)?, w & 0xffff))
        }
    }

    /// The position of `sku`, by a scan of every entry: what [`Chunk::position_near`] must
    /// agree with.
    #[cfg(test)]
    fn position(&self, sku: u32) -> Option<usize> {
        (0..self.len()).find(|&p| self.at(p).map(|(s, _)| s) == Some(sku))
    }

    /// The position of `sku`, looking first at `guess` and the entries beside it: one cache
    /// line read where a binary search over the chunk reads three or four. The answer is the
    /// same wherever the guess falls (a guess far off falls back to a binary search of the
    /// side the SKU is on).
    fn position_near(&self, sku: u32, guess: usize) -> Option<usize> {
        let head = self.head();
        if head.full_index {
            let (pairs, _) = self.index_words().as_chunks::<2>();
            search_near(pairs, sku, guess, |p| p[0])
        } else {
            let off = u16::try_from(sku.checked_sub(head.base)?).ok()?;
            search_near(self.index_words(), u32::from(off), guess, |w| w >> 16)
        }
    }

    /// Tier slot `pos`.
    fn tier(&self, pos: usize) -> Option<Tier> {
        let head = self.head();
        let words = self.tier_words();
        let at = |k: usize| -> Option<u32> {
            words
                .get(pos.checked_mul(head.tiers.words())?.checked_add(k)?)
                .copied()
        };
        let (min, mantissa, scale) = match head.tiers {
            TierForm::Tiny => {
                let t = at(0)?;
                (t & 0xff, i64::from(t >> 8), head.scale)
            }
            TierForm::Narrow => (at(1)?, i64::from(at(0)?), head.scale),
            TierForm::Full => {
                let m = u64::from(at(0)?) | (u64::from(at(1)?) << 32);
                // The two halves of an `i64` written by `from_rows`.
                (at(2)?, m.cast_signed(), u8::try_from(at(3)?).ok()?)
            }
        };
        if scale == WIDE {
            let pos32 = u32::try_from(pos).ok()?;
            let wide = self.wide();
            let w = wide.binary_search_by_key(&pos32, |(p, _)| *p).ok()?;
            return wide.get(w).map(|(_, t)| *t);
        }
        Some(Tier {
            min_qty: u64::from(min),
            unit_price: Decimal::try_new(mantissa, u32::from(scale)).ok()?,
        })
    }

    #[cfg(test)]
    fn get(&self, sku: u32) -> Option<EntryRef<'_>> {
        let pos = self.position(sku)?;
        self.entry_at(pos)
    }

    /// Reads the words at `index` and `tier` (positions in the chunk's words, past the end
    /// reads nothing). The value means nothing: see [`PriceTable::get`].
    fn touch(&self, index: usize, tier: usize) -> u32 {
        let w = self.words();
        w.get(index).copied().unwrap_or(0) ^ w.get(tier).copied().unwrap_or(0)
    }

    /// [`Chunk::get`], the search starting at `guess`, where the entry would sit were the
    /// chunk's SKUs evenly spread over its bucket.
    fn get_near(&self, sku: u32, guess: usize) -> Option<EntryRef<'_>> {
        let pos = self.position_near(sku, guess)?;
        self.entry_at(pos)
    }

    /// Entry `pos`.
    fn entry_at(&self, pos: usize) -> Option<EntryRef<'_>> {
        let start = match pos.checked_sub(1) {
            Some(prev) => self.at(prev)?.1,
            None => 0,
        };
        let end = self.at(pos)?.1;
        let extras = self.extras();
        let extra = if extras.is_empty() {
            &NO_EXTRA
        } else {
            let pos32 = u32::try_from(pos).ok()?;
            extras
                .binary_search_by_key(&pos32, |(p, _)| *p)
                .ok()
                .and_then(|i| extras.get(i))
                .map_or(&NO_EXTRA, |(_, e)| e)
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
                extra: e.extra.boxed(),
            })
            .collect()
    }

    fn rows(&self) -> impl Iterator<Item = (u32, EntryRef<'_>)> + '_ {
        (0..self.len()).filter_map(move |pos| Some((self.at(pos)?.0, self.entry_at(pos)?)))
    }
}

/// Buckets per page of [`Buckets`]: a page is 64 pointers (512 bytes), copied on a change.
pub(crate) const PAGE: u32 = 64;

/// A page of chunk pointers: slot `i` is the bucket `page * PAGE + i`. As long as its last
/// chunk needs (trailing empty slots are not stored).
type Page = Arc<[Option<Chunk>]>;

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
    fn from_sorted(chunks: Vec<(u32, Chunk)>) -> Buckets {
        let (Some((lo, _)), Some((hi, _))) = (chunks.first(), chunks.last()) else {
            return Buckets::default();
        };
        let (first, last) = (lo / PAGE, hi / PAGE);
        let mut pages: Vec<Option<Page>> = Vec::new();
        let mut page: Vec<Option<Chunk>> = Vec::new();
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

    fn get(&self, bucket: u32) -> Option<&Chunk> {
        self.page(bucket / PAGE)?
            .get((bucket % PAGE) as usize)?
            .as_ref()
    }

    /// A copy with `bucket` holding `chunk` (`None`: emptied). Copies the page array and the
    /// one page; shares every other page.
    fn with(&self, bucket: u32, chunk: Option<Chunk>) -> Buckets {
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
            let mut page: Vec<Option<Chunk>> =
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
    fn iter(&self) -> impl Iterator<Item = (u32, &Chunk)> + '_ {
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

    fn values(&self) -> impl Iterator<Item = &Chunk> + '_ {
        self.iter().map(|(_, c)| c)
    }

    /// The number of pages spanned.
    fn span(&self) -> usize {
        self.pages.len()
    }
}

/// A page as stored: trailing empty slots dropped, `None` if it holds no chunk.
fn seal(mut page: Vec<Option<Chunk>>) -> Option<Page> {
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
    /// The table's typical chunk, for reading ahead (see [`PriceTable::get`]).
    typical: Typical,
}

/// The shape of a table's typical chunk, measured when the table is built: where a lookup
/// reads ahead before the chunk's own head has arrived. Only a guess (a wrong one costs a
/// wasted read, never a wrong answer); changes keep it as built.
#[derive(Clone, Copy, Debug, Default)]
struct Typical {
    /// Entries a chunk.
    entries: u32,
    /// Index words an entry (1 narrow, 2 full).
    index_words: u32,
    /// Tier words an entry (its tiers times the words a tier).
    tier_words: u32,
}

impl Typical {
    fn of(chunks: &[(u32, Chunk)]) -> Typical {
        let (mut entries, mut index_words, mut tier_words) = (0usize, 0usize, 0usize);
        for (_, c) in chunks {
            entries = entries.saturating_add(c.len());
            index_words = index_words.saturating_add(c.index_words().len());
            tier_words = tier_words.saturating_add(c.tier_words().len());
        }
        let per = |total: usize, of: usize| {
            crate::model::validate::to_u32(
                total.saturating_add(of / 2).checked_div(of).unwrap_or(0),
            )
        };
        Typical {
            entries: per(entries, chunks.len()),
            index_words: per(index_words, entries).max(1),
            tier_words: per(tier_words, entries).max(1),
        }
    }
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
            typical: Typical::default(),
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
                chunks.push((key, Chunk::from_rows(run)));
            }
            start = end.max(start.saturating_add(1));
        }
        table.typical = Typical::of(&chunks);
        table.chunks = Buckets::from_sorted(chunks);
        table
    }

    /// The entry for a SKU index, if the list prices it.
    pub(crate) fn get(&self, sku: u32) -> Option<EntryRef<'_>> {
        let bucket = self.bucket(sku);
        let chunk = self.chunks.get(bucket)?;
        // Where the SKU would sit were a chunk's entries evenly spread over the bucket's
        // `2^shift` SKU indexes: the SKU's offset in the bucket scaled to the chunk's length.
        let start = u64::from(bucket).checked_shl(self.shift).unwrap_or(0);
        let offset = u128::from(u64::from(sku).saturating_sub(start));
        let place = |entries: usize| {
            usize::try_from(offset.saturating_mul(entries as u128) >> self.shift)
                .unwrap_or(usize::MAX)
        };
        // Read ahead before the chunk's head arrives: where the entry's index slot and its
        // tiers would be in the table's typical chunk. The head, the slot and the tiers are
        // then three cache misses at once instead of one and then two; the search below reads
        // the head and (when the guess was close) finds the rest in cache.
        let t = self.typical;
        let guess = place(t.entries as usize);
        let index_word = guess.saturating_mul(t.index_words as usize);
        let tier_word = (t.entries as usize)
            .saturating_mul(t.index_words as usize)
            .saturating_add(guess.saturating_mul(t.tier_words as usize));
        std::hint::black_box(chunk.touch(index_word, tier_word));
        chunk.get_near(sku, place(chunk.len()))
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
            chunks: self.chunks.with(key, Some(Chunk::from_rows(&rows))),
            shift: self.shift,
            typical: self.typical,
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
        let chunk = (!rows.is_empty()).then(|| Chunk::from_rows(&rows));
        Some(PriceTable {
            chunks: self.chunks.with(key, chunk),
            shift: self.shift,
            typical: self.typical,
            len: self.len.saturating_sub(1),
        })
    }

    /// SKUs whose entries differ from `other`'s (same catalogue), skipping shared chunks.
    pub(crate) fn diff_skus(&self, other: &PriceTable) -> Vec<u32> {
        let mut out = std::collections::BTreeSet::new();
        let mine: Vec<(u32, &Chunk)> = self.chunks.iter().collect();
        let theirs: Vec<(u32, &Chunk)> = other.chunks.iter().collect();
        let their_ptrs: std::collections::HashSet<*const std::ffi::c_void> =
            theirs.iter().map(|(_, c)| c.0.ptr()).collect();
        let shared: std::collections::HashSet<*const std::ffi::c_void> = mine
            .iter()
            .map(|(_, c)| c.0.ptr())
            .filter(|p| their_ptrs.contains(p))
            .collect();
        let rows = |chunks: &[(u32, &Chunk)]| -> std::collections::BTreeMap<u32, EntryRow> {
            chunks
                .iter()
                .filter(|(_, c)| !shared.contains(&c.0.ptr()))
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
        self.chunks
            .values()
            .flat_map(|c| (0..c.len()).filter_map(move |pos| c.at(pos).map(|(sku, _)| sku)))
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
                let want = chunk.position(sku);
                for guess in 0..rows.len() + 3 {
                    assert_eq!(
                        chunk.position_near(sku, guess),
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
            extra: None,
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
            extra: None,
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
        assert_eq!(chunk.head().tiers, TierForm::Tiny);
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
            assert_eq!(!chunk.head().full_index, narrow_index);
            assert_eq!(chunk.head().tiers != TierForm::Full, narrow_tiers);
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
            extra: None,
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
            .filter(|(a, b)| a.same(b))
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
