//! Price lists and the arithmetic of a line: tiers, relative lists, volume and graduated modes.
//!
//! An absolute list stores its entries in a [`table::PriceTable`]. A relative list stores only
//! its base and its adjustments; its entry for a SKU is derived on lookup from the base's
//! entry, so a change to the base reaches every list derived from it at once.

pub(crate) mod build;
pub(crate) mod reference;
pub(crate) mod table;
pub(crate) mod tax;
pub(crate) mod ties;

use crate::format::TierMode;
use crate::id::{PriceListId, Sku};
use crate::money::{self, Currency};
use crate::time::Window;
use rust_decimal::Decimal;
use table::{PriceTable, Tier};

/// How deep relative lists may derive from one another; deeper chains are a build error
/// (reported as a cycle would be unreasonable, so the build reports the chain's end).
pub(crate) const MAX_RELATIVE_DEPTH: usize = 16;

/// An adjustment of a relative list (SEMANTICS P6a-P6c): its target, the quantity it applies
/// from, and its formula.
#[derive(Clone, Debug, Default)]
pub(crate) struct AdjustmentRec {
    /// The one SKU targeted: its index in the catalogue and its id (for explanations).
    pub(crate) sku: Option<(u32, Sku)>,
    /// The category targeted (with its sub-categories), trimmed of `/`.
    pub(crate) category: Option<String>,
    /// How specific the target is: [`SKU_RANK`] for a SKU, the category's depth, 0 for all.
    pub(crate) rank: usize,
    /// The smallest line quantity (in the entry's unit) the adjustment applies to, as written:
    /// a line reaches it from the first step of the SKU's precision at or above it (U9).
    pub(crate) min_qty: Option<crate::quantity::Quantity>,
    pub(crate) percent: Decimal,
    pub(crate) amount: Option<Decimal>,
    pub(crate) round_to: Option<Decimal>,
    pub(crate) ending: Option<Decimal>,
    /// A fixed unit price, instead of the formula.
    pub(crate) price: Option<Decimal>,
    /// Its own margins over cost, each replacing the list's (P6d).
    pub(crate) margins: Margins,
}

/// Margins over cost, in percent (P6d): the floor is cost x (100 + `min`) / 100, the ceiling
/// cost x (100 + `max`) / 100.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Margins {
    pub(crate) min: Option<Decimal>,
    pub(crate) max: Option<Decimal>,
}

impl Margins {
    /// Whether no bound is set.
    pub(crate) fn is_empty(&self) -> bool {
        self.min.is_none() && self.max.is_none()
    }

    /// These margins, each bound not set taken from `list`'s (an adjustment's over its list's).
    pub(crate) fn over(self, list: Margins) -> Margins {
        Margins {
            min: self.min.or(list.min),
            max: self.max.or(list.max),
        }
    }
}

/// What a margin did to one tier's unit price (P6d-P6f), for the explanation and `lint`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MarginEvent<'a> {
    /// The list whose margin it is.
    pub(crate) list: &'a ListRec,
    /// The tier's minimum quantity.
    pub(crate) min_qty: u64,
    /// The margins in force.
    pub(crate) margins: Margins,
    /// The cost at the tier, if the cost list has one.
    pub(crate) cost: Option<Decimal>,
    /// The bound crossed, if one was: the floor or the ceiling.
    pub(crate) bound: Option<(MarginBound, Decimal)>,
    /// The unit price as written (after the formula).
    pub(crate) written: Decimal,
    /// The unit price after the margin (the bound when clamped).
    pub(crate) price: Decimal,
}

/// Which bound a price crossed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MarginBound {
    Floor,
    Ceiling,
}

/// The rank of a SKU target: above any category depth (P6a).
pub(crate) const SKU_RANK: usize = usize::MAX;

/// Why an adjusted price could not be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PriceError<'a> {
    /// A step overflowed exact decimal arithmetic (T6).
    Overflow,
    /// The adjustment of this relative list made a unit price negative (P6c).
    Negative(&'a PriceListId),
}

impl AdjustmentRec {
    /// Whether the adjustment's target covers a SKU with this index and these categories,
    /// whatever the quantity.
    pub(crate) fn targets(&self, sku: u32, categories: &[String]) -> bool {
        match (&self.sku, &self.category) {
            (Some((s, _)), _) => *s == sku,
            (None, Some(c)) => categories.iter().any(|sc| category_covers(c, sc)),
            (None, None) => true,
        }
    }

    /// Whether it applies to a line of `qty` steps of `10^-decimals` of the entry's unit.
    pub(crate) fn applies_at(&self, qty: u64, decimals: u32) -> bool {
        self.min_qty.is_none_or(|m| qty >= m.ceil_steps(decimals))
    }

    /// The unit price this adjustment makes of a base unit price `price`, in the order of
    /// P6b: the fixed `price` if set; else `price x (100 + percent) / 100`, plus `amount`,
    /// then rounded to a price point (`round_to`, `ending`). `None` on overflow. The result
    /// may be negative: the caller refuses it (P6c).
    pub(crate) fn apply(&self, price: Decimal) -> Option<Decimal> {
        if let Some(fixed) = self.price {
            return Some(fixed);
        }
        let mut p = money::adjust_by_percent(price, self.percent)?;
        if let Some(amount) = self.amount {
            p = money::add(p, amount)?;
        }
        if let Some(multiple) = self.round_to {
            p = money::round_to_price_point(p, multiple, self.ending.unwrap_or(Decimal::ZERO))?;
        }
        // Issue 16, point 4 (margins over cost) clamps here, after the price point.
        if p.is_zero() {
            // -0 (from rounding a small negative) reads as 0.
            p.set_sign_positive(true);
        }
        Some(p)
    }
}

/// What a list holds.
#[derive(Clone, Debug)]
pub(crate) enum ListBody {
    Absolute(PriceTable),
    Relative {
        base: u32,
        adjustments: Vec<AdjustmentRec>,
    },
}

/// A validated price list.
#[derive(Clone, Debug)]
pub(crate) struct ListRec {
    pub(crate) id: PriceListId,
    pub(crate) name: String,
    pub(crate) owner: String,
    pub(crate) currency: Currency,
    pub(crate) tier_mode: TierMode,
    pub(crate) valid: Window,
    pub(crate) quote_only: bool,
    /// Whether the list's prices include tax (C5).
    pub(crate) tax_included: bool,
    /// Whether a unit with no entry is priced from the base-unit entry (U3).
    pub(crate) derive_units: bool,
    /// Whether this is its currency's cost list (P6d): never assigned, never a reference.
    pub(crate) cost: bool,
    /// The list's own margins over cost (P6d); an adjustment's bounds replace them.
    pub(crate) margins: Margins,
    /// Whether a price outside its margins is clamped (P6e); reported otherwise.
    pub(crate) clamp: bool,
    /// Whether the list or one of its adjustments states a margin.
    pub(crate) has_margins: bool,
    /// The cost list of the list's currency, if the dataset has one.
    pub(crate) cost_list: Option<u32>,
    /// Entries in units other than the base unit, by unit index: `unit_tables[i]` holds the
    /// entries in each SKU's unit `i + 1` (U2). Empty for most lists.
    pub(crate) unit_tables: Vec<PriceTable>,
    pub(crate) body: ListBody,
}

impl ListRec {
    /// The table holding this absolute list's entries in unit index `unit`, if any.
    pub(crate) fn table(&self, unit: u16) -> Option<&PriceTable> {
        let ListBody::Absolute(base) = &self.body else {
            return None;
        };
        match unit.checked_sub(1) {
            None => Some(base),
            Some(i) => self.unit_tables.get(usize::from(i)),
        }
    }

    /// The SKUs an absolute list has an entry for, in any unit, each once.
    pub(crate) fn priced_skus(&self) -> Box<dyn Iterator<Item = u32> + '_> {
        let ListBody::Absolute(base) = &self.body else {
            return Box::new(std::iter::empty());
        };
        if self.unit_tables.is_empty() {
            return Box::new(base.skus());
        }
        let mut skus: Vec<u32> = self.tables().flat_map(|(_, t)| t.skus()).collect();
        skus.sort_unstable();
        skus.dedup();
        Box::new(skus.into_iter())
    }

    /// Every (unit index, table) of an absolute list: base unit first.
    pub(crate) fn tables(&self) -> impl Iterator<Item = (u16, &PriceTable)> {
        (0..=u16::try_from(self.unit_tables.len()).unwrap_or(u16::MAX))
            .filter_map(|u| Some((u, self.table(u)?)))
    }
}

/// The price lists of a snapshot: a persistent vector so that a changed list is replaced without
/// copying the others.
pub(crate) type Lists = imbl::Vector<std::sync::Arc<ListRec>>;

/// Read access to lists by index, for both the build-time vector and the snapshot's lists.
pub(crate) trait ListTable {
    fn list(&self, i: u32) -> Option<&ListRec>;
}

impl ListTable for [ListRec] {
    fn list(&self, i: u32) -> Option<&ListRec> {
        self.get(i as usize)
    }
}

impl ListTable for Vec<ListRec> {
    fn list(&self, i: u32) -> Option<&ListRec> {
        self.get(i as usize)
    }
}

impl ListTable for Lists {
    fn list(&self, i: u32) -> Option<&ListRec> {
        self.get(i as usize).map(|l| &**l)
    }
}

/// Which absolute lists price each SKU, built with the snapshot: lets the lean path skip the
/// lookup into a candidate list that cannot price the SKU (most contract lists price a few
/// hundred SKUs of a large catalogue). Entries added later by a changeset are recorded in
/// `added`; entries removed later stay listed, which only costs a lookup that misses.
#[derive(Clone, Debug, Default)]
pub(crate) struct SkuLists {
    /// `lists[offsets[s]..offsets[s + 1]]`: the absolute lists pricing SKU `s`, sorted.
    offsets: std::sync::Arc<[u32]>,
    lists: ListColumn,
    /// (SKU, list) pairs added by changesets since the build.
    added: imbl::OrdSet<(u32, u32)>,
    /// For every list, the absolute list its prices come from (itself if absolute).
    roots: std::sync::Arc<[u32]>,
}

/// The lists pricing each SKU in `lo..hi` (list indexes in order): the count of each SKU's
/// lists and the lists, SKU after SKU.
fn sku_range(lists: &[ListRec], lo: usize, hi: usize) -> (Vec<u32>, Vec<u32>) {
    let mut counts: Vec<u32> = vec![0; hi.saturating_sub(lo)];
    for l in lists {
        for sku in l.priced_skus() {
            if let Some(c) = (sku as usize)
                .checked_sub(lo)
                .and_then(|i| counts.get_mut(i))
            {
                *c = c.saturating_add(1);
            }
        }
    }
    let mut fill: Vec<u32> = Vec::with_capacity(counts.len());
    let mut total = 0u32;
    for c in &counts {
        fill.push(total);
        total = total.saturating_add(*c);
    }
    let mut out = vec![0u32; total as usize];
    for (li, l) in lists.iter().enumerate() {
        for sku in l.priced_skus() {
            if let Some(pos) = (sku as usize).checked_sub(lo).and_then(|i| fill.get_mut(i)) {
                if let Some(slot) = out.get_mut(*pos as usize) {
                    *slot = crate::model::validate::to_u32(li);
                }
                *pos = pos.saturating_add(1);
            }
        }
    }
    (counts, out)
}

/// List indexes, two bytes each while every one fits (fewer than 65,536 lists at the build:
/// one of these a price entry, so this halves it), else four.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ListColumn {
    U16(std::sync::Arc<[u16]>),
    U32(std::sync::Arc<[u32]>),
}

impl Default for ListColumn {
    fn default() -> ListColumn {
        ListColumn::U16(std::sync::Arc::from(Vec::new()))
    }
}

impl ListColumn {
    fn new(lists: Vec<u32>) -> ListColumn {
        match lists
            .iter()
            .map(|&l| u16::try_from(l).ok())
            .collect::<Option<Vec<u16>>>()
        {
            Some(narrow) => ListColumn::U16(narrow.into()),
            None => ListColumn::U32(lists.into()),
        }
    }

    /// Whether `list` is among `self[from..to]` (sorted).
    fn contains(&self, from: usize, to: usize, list: u32) -> bool {
        match self {
            ListColumn::U16(c) => u16::try_from(list)
                .is_ok_and(|l| c.get(from..to).is_some_and(|s| s.binary_search(&l).is_ok())),
            ListColumn::U32(c) => c
                .get(from..to)
                .is_some_and(|s| s.binary_search(&list).is_ok()),
        }
    }

    /// `self[from..to]`, widened.
    /// List `i` of the column, 0 past its end.
    fn at(&self, i: usize) -> usize {
        match self {
            ListColumn::U16(c) => c.get(i).map_or(0, |&l| usize::from(l)),
            ListColumn::U32(c) => c.get(i).map_or(0, |&l| l as usize),
        }
    }

    fn range(&self, from: usize, to: usize) -> Vec<u32> {
        match self {
            ListColumn::U16(c) => c
                .get(from..to)
                .unwrap_or_default()
                .iter()
                .map(|&l| u32::from(l))
                .collect(),
            ListColumn::U32(c) => c.get(from..to).unwrap_or_default().to_vec(),
        }
    }
}

impl SkuLists {
    pub(crate) fn build(lists: &[ListRec], skus: usize) -> SkuLists {
        let parts = if skus < 100_000 {
            1
        } else {
            crate::model::parallel::threads()
        };
        SkuLists::build_in(lists, skus, parts)
    }

    /// [`SkuLists::build`] in `parts` SKU ranges.
    fn build_in(lists: &[ListRec], skus: usize, parts: usize) -> SkuLists {
        // Built by SKU range on up to `parallel::threads()` threads (each reads every list's
        // SKUs, which is sequential and cheap, and writes only its own range, which is where
        // the time goes: random writes into arrays of a million SKUs), the parts joined in SKU
        // order: the same index as one thread's. One range below 100,000 SKUs.
        let end = skus.saturating_add(1);
        let share = end.div_ceil(parts.max(1)).max(1);
        let ranges: Vec<(usize, usize)> = (0..parts)
            .map(|p| {
                let lo = p.saturating_mul(share).min(end);
                (lo, lo.saturating_add(share).min(end))
            })
            .filter(|(lo, hi)| lo < hi)
            .collect();
        let built = crate::model::parallel::map_chunks(
            &ranges,
            |_| 1,
            0,
            |rs| {
                rs.iter()
                    .map(|&(lo, hi)| sku_range(lists, lo, hi))
                    .collect()
            },
        );
        // Counted in usize; every count is at most the number of price entries, which the build
        // bounds by MAX_ROWS (check_sizes), so converting to u32 loses nothing.
        let mut offsets = Vec::with_capacity(end.saturating_add(1));
        let mut total = 0usize;
        offsets.push(0);
        let mut out: Vec<u32> = Vec::new();
        for (counts, part) in built {
            for c in counts {
                total = total.saturating_add(c as usize);
                offsets.push(crate::model::validate::to_u32(total));
            }
            out.extend(part);
        }
        let roots = (0..lists.len())
            .map(|i| {
                let mut cur = crate::model::validate::to_u32(i);
                for _ in 0..=MAX_RELATIVE_DEPTH {
                    match lists.get(cur as usize).map(|l| &l.body) {
                        Some(ListBody::Relative { base, .. }) => cur = *base,
                        _ => break,
                    }
                }
                cur
            })
            .collect();
        SkuLists {
            offsets: offsets.into(),
            lists: ListColumn::new(out),
            added: imbl::OrdSet::new(),
            roots,
        }
    }

    /// Reads the first list pricing `sku`, so that [`SkuLists::may_price`] then finds the SKU's
    /// lists in cache (see [`crate::decide::core::warm`]). The value means nothing.
    pub(crate) fn warm(&self, sku: u32) -> usize {
        self.offsets
            .get(sku as usize)
            .map_or(0, |&from| self.lists.at(from as usize))
    }

    /// Whether `list` (through its relative chain) may price `sku`: `false` means it surely
    /// does not. A relative list's adjustments (their targets and `min_qty`, P6a) only narrow
    /// what its root prices, so the root's entries stay an over-approximation.
    pub(crate) fn may_price(&self, list: u32, sku: u32) -> bool {
        let root = self.roots.get(list as usize).copied().unwrap_or(list);
        let s = sku as usize;
        let (Some(&from), Some(&to)) = (self.offsets.get(s), self.offsets.get(s.saturating_add(1)))
        else {
            return true;
        };
        let listed = self.lists.contains(from as usize, to as usize, root);
        listed || (!self.added.is_empty() && self.added.contains(&(sku, root)))
    }

    /// The absolute lists that may price `sku` (some may since have lost the entry), sorted.
    pub(crate) fn absolute_lists(&self, sku: u32) -> Vec<u32> {
        let s = sku as usize;
        let mut out: Vec<u32> = match (self.offsets.get(s), self.offsets.get(s.saturating_add(1))) {
            (Some(&from), Some(&to)) => self.lists.range(from as usize, to as usize),
            _ => Vec::new(),
        };
        out.extend(
            self.added
                .range((sku, 0)..=(sku, u32::MAX))
                .map(|&(_, l)| l),
        );
        out.sort_unstable();
        out.dedup();
        out
    }

    /// A copy that also records `sku` as priced by absolute list `list`.
    pub(crate) fn with_added(&self, list: u32, sku: u32) -> SkuLists {
        let mut next = self.clone();
        next.added.insert((sku, list));
        next
    }
}

/// Whether category path `cat` is `prefix` or lies under it (`tools/power` covers
/// `tools/power/drills` but not `tools/powerful`).
pub(crate) fn category_covers(prefix: &str, cat: &str) -> bool {
    match cat.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

/// Number of levels of a category path.
pub(crate) fn category_depth(cat: &str) -> usize {
    cat.split('/').filter(|s| !s.is_empty()).count()
}

/// The adjustment a relative list applies to a SKU (index `sku`, with these categories) on a
/// line of `qty` steps of `10^-decimals` of the entry's unit (P6a, U9): among those whose target covers the SKU and
/// whose `min_qty` the line reaches, the most specific (the SKU, then the deepest category, then
/// no target); of two different categories of equal depth, the one listed first. Pass
/// `u64::MAX` to ask whether one applies at some quantity.
pub(crate) fn pick_adjustment<'a>(
    adjustments: &'a [AdjustmentRec],
    sku: u32,
    categories: &[String],
    qty: u64,
    decimals: u32,
) -> Option<&'a AdjustmentRec> {
    pick_adjustment_at(adjustments, sku, categories, qty, decimals).map(|(_, adj)| adj)
}

/// [`pick_adjustment`], with the adjustment's position among `adjustments`.
fn pick_adjustment_at<'a>(
    adjustments: &'a [AdjustmentRec],
    sku: u32,
    categories: &[String],
    qty: u64,
    decimals: u32,
) -> Option<(usize, &'a AdjustmentRec)> {
    let mut best: Option<(usize, &AdjustmentRec)> = None;
    for (at, adj) in adjustments.iter().enumerate() {
        if adj.applies_at(qty, decimals)
            && adj.targets(sku, categories)
            && best.is_none_or(|(_, b)| adj.rank > b.rank)
        {
            best = Some((at, adj));
        }
    }
    best
}

/// An entry as seen through a list: the base entry's tiers and the chain of relative-list
/// adjustments applied on top of them, borrowed from the snapshot (looking an entry up never
/// allocates; only an explanation does).
///
/// A view is moved along the decision (into the winner, the verdict, the answer's recorder),
/// so it is kept small: the extra borrowed, the chain as positions (see [`Chain`]). With the
/// extra by value and the chain as sixteen borrowed pairs it was 448 bytes, and copying it
/// was a fifth of `quote`'s time once the data was in cache.
#[derive(Clone, Debug)]
pub(crate) struct EntryView<'a> {
    pub(crate) tiers: table::TierRun<'a>,
    pub(crate) extra: &'a table::EntryExtra,
    /// The absolute list the tiers come from.
    pub(crate) base: &'a ListRec,
    /// Set when the list had no entry in the line's unit and the tiers are its base-unit
    /// entry's (U3): how many base units one line unit holds.
    pub(crate) derived: Option<u64>,
    /// Relative lists and their adjustment for this SKU, outermost first.
    chain: Chain<'a>,
    /// The cost of the SKU, looked up only when a list of the chain states a margin (P6d):
    /// the cost list's entry in the unit the tiers count in, if it has one valid at `at`.
    cost: Option<CostView<'a>>,
}

/// The relative lists an entry is read through and the adjustment each applies, stored as
/// the outermost list and, for each link, the position of its adjustment in its list: the
/// lists below the outermost are found again by following `base` (the chain the lookup
/// walked, in the same snapshot).
#[derive(Clone, Copy)]
struct Chain<'a> {
    lists: Option<&'a Lists>,
    /// The outermost relative list, `None` for an absolute list.
    top: Option<&'a ListRec>,
    depth: u8,
    adjustments: [u32; MAX_RELATIVE_DEPTH],
}

/// Links of a chain as they are read: each relative list and its adjustment.
type Links<'a> = [Option<(&'a ListRec, &'a AdjustmentRec)>; MAX_RELATIVE_DEPTH];

/// Links of a chain as the lookup holds them: each relative list, and its adjustment with
/// the adjustment's position in the list.
type Picked<'a> = [Option<(&'a ListRec, (usize, &'a AdjustmentRec))>; MAX_RELATIVE_DEPTH];

impl<'a> Chain<'a> {
    const EMPTY: Chain<'static> = Chain {
        lists: None,
        top: None,
        depth: 0,
        adjustments: [0; MAX_RELATIVE_DEPTH],
    };

    /// The chain of `links` (outermost first, then `None`); `None` if a position does not
    /// fit 32 bits (a list has fewer adjustments than that: the build counts them in `u32`).
    fn of(lists: &'a Lists, links: &Picked<'a>) -> Option<Chain<'a>> {
        let mut chain = Chain {
            lists: Some(lists),
            ..Chain::EMPTY
        };
        for (slot, (list, (at, _))) in chain.adjustments.iter_mut().zip(links.iter().flatten()) {
            *slot = u32::try_from(*at).ok()?;
            chain.top = chain.top.or(Some(list));
            chain.depth = chain.depth.checked_add(1)?;
        }
        Some(chain)
    }

    /// The links again, outermost first.
    fn links(&self) -> Links<'a> {
        let mut out: Links<'a> = [None; MAX_RELATIVE_DEPTH];
        let mut cur = self.top;
        for (slot, &at) in out
            .iter_mut()
            .zip(&self.adjustments)
            .take(usize::from(self.depth))
        {
            let Some(list) = cur else { break };
            let ListBody::Relative { base, adjustments } = &list.body else {
                break;
            };
            *slot = adjustments.get(at as usize).map(|adj| (list, adj));
            cur = self.lists.and_then(|l| l.list(*base));
        }
        out
    }
}

impl std::fmt::Debug for Chain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.links().iter().flatten().map(|(l, a)| (&l.id, a)))
            .finish()
    }
}

/// The cost list's entry for an entry's SKU (P6d).
#[derive(Clone, Copy, Debug)]
pub(crate) struct CostView<'a> {
    /// The cost list.
    pub(crate) list: &'a ListRec,
    /// Its entry's tiers, if it has an entry valid at the instant asked about.
    pub(crate) tiers: Option<table::TierRun<'a>>,
}

impl CostView<'_> {
    /// The cost of one unit at `qty` (in the entry's unit): the cost entry's highest tier
    /// reached; `None` without an entry or below its first tier.
    pub(crate) fn at(&self, qty: u64) -> Option<Decimal> {
        self.tiers?
            .iter()
            .take_while(|t| t.min_qty <= qty)
            .last()
            .map(|t| t.unit_price)
    }
}

impl<'a> EntryView<'a> {
    /// An entry of an absolute list, for tests of the arithmetic on it.
    #[cfg(test)]
    pub(crate) fn absolute(tiers: table::TierRun<'a>, base: &'a ListRec) -> EntryView<'a> {
        EntryView {
            tiers,
            extra: &table::NO_EXTRA,
            base,
            derived: None,
            chain: Chain::EMPTY,
            cost: None,
        }
    }

    /// The relative lists and their adjustments for this SKU, outermost first.
    pub(crate) fn links(
        &self,
    ) -> impl DoubleEndedIterator<Item = (&'a ListRec, &'a AdjustmentRec)> {
        self.chain.links().into_iter().flatten()
    }

    /// How the tiers price a line: the tier mode of the absolute list the tiers come from, for
    /// a relative list too (SEMANTICS T7): the tiers are the base's, and so is how they apply.
    pub(crate) fn tier_mode(&self) -> TierMode {
        self.base.tier_mode
    }

    /// How many of the entry's units one line unit is: the unit's conversion when the price
    /// is derived from the base-unit entry (U3), 1 otherwise.
    pub(crate) fn per_line_unit(&self) -> u64 {
        self.derived.unwrap_or(1)
    }

    /// A line quantity counted in the entry's unit (base units when derived), saturating: what
    /// tier minimums, `quote_above` and the entry's quantity rule compare with (U3).
    pub(crate) fn entry_qty(&self, qty: u64) -> u64 {
        qty.saturating_mul(self.per_line_unit())
    }

    /// The first tier's minimum quantity. Every entry has a tier (the build refuses empty
    /// tiers); were one missing, no quantity would reach it.
    pub(crate) fn first_min_qty(&self) -> u64 {
        self.tiers.get(0).map(|t| t.min_qty).unwrap_or(u64::MAX)
    }

    /// Tier `i` with every adjustment applied, innermost first (list = base x a1, outer = list
    /// x a2; P6b); `Err` on overflow or on a negative unit price (P6c).
    pub(crate) fn tier(&self, i: usize) -> Result<Option<Tier>, PriceError<'a>> {
        self.tier_with(i, |_| {})
    }

    /// [`EntryView::tier`], calling `on_margin` for every margin met on the way (P6d-P6f):
    /// each list's price (the absolute list's tier, then each link's adjusted price) is held
    /// by that list's margins (an adjustment's bounds over its list's) against the cost at
    /// the tier's minimum quantity, before the next link derives from it.
    pub(crate) fn tier_with(
        &self,
        i: usize,
        mut on_margin: impl FnMut(MarginEvent<'a>),
    ) -> Result<Option<Tier>, PriceError<'a>> {
        let Some(mut t) = self.tiers.get(i) else {
            return Ok(None);
        };
        if self.base.has_margins {
            t.unit_price = self.hold(self.base, self.base.margins, t, &mut on_margin)?;
        }
        // Most entries are read through no relative list: no chain to walk.
        let links = (self.chain.depth != 0).then(|| self.chain.links());
        for &(list, adj) in links.iter().flatten().rev().flatten() {
            t.unit_price = adj.apply(t.unit_price).ok_or(PriceError::Overflow)?;
            if t.unit_price < Decimal::ZERO {
                return Err(PriceError::Negative(&list.id));
            }
            if list.has_margins {
                t.unit_price =
                    self.hold(list, adj.margins.over(list.margins), t, &mut on_margin)?;
            }
        }
        Ok(Some(t))
    }

    /// The unit price of tier `t` held by `list`'s margins (P6d-P6f): clamped to the floor or
    /// ceiling when the list clamps, as written otherwise; every margin that applies to the
    /// tier is told to `on_margin`, with the cost or without one.
    fn hold(
        &self,
        list: &'a ListRec,
        margins: Margins,
        t: Tier,
        on_margin: &mut impl FnMut(MarginEvent<'a>),
    ) -> Result<Decimal, PriceError<'a>> {
        if margins.is_empty() {
            return Ok(t.unit_price);
        }
        let cost = self.cost.and_then(|c| c.at(t.min_qty));
        let mut event = MarginEvent {
            list,
            min_qty: t.min_qty,
            margins,
            cost,
            bound: None,
            written: t.unit_price,
            price: t.unit_price,
        };
        if let Some(cost) = cost {
            let bound = |m: Option<Decimal>| -> Result<Option<Decimal>, PriceError<'a>> {
                m.map(|m| money::adjust_by_percent(cost, m).ok_or(PriceError::Overflow))
                    .transpose()
            };
            let (floor, ceiling) = (bound(margins.min)?, bound(margins.max)?);
            event.bound = match (floor, ceiling) {
                (Some(f), _) if t.unit_price < f => Some((MarginBound::Floor, f)),
                (_, Some(c)) if t.unit_price > c => Some((MarginBound::Ceiling, c)),
                _ => None,
            };
            if let (Some((_, b)), true) = (event.bound, list.clamp) {
                event.price = b;
            }
        }
        on_margin(event);
        Ok(event.price)
    }

    /// The cost list's entry this view holds prices against, if a margin applies.
    pub(crate) fn cost(&self) -> Option<CostView<'a>> {
        self.cost
    }
}

/// Why a list has no usable entry.
#[derive(Clone, Debug)]
pub(crate) enum EntryMiss<'a> {
    NoEntry,
    BaseNotValid {
        base: &'a PriceListId,
        window: Window,
    },
}

/// Looks up the entry of `list` for `sku` on a line of `line.qty` units `line.unit`, deriving
/// through relative lists: the entry in that unit, or, when the list or a list it derives from
/// says `derive_units`, the base-unit entry read in base units (U3).
///
/// Each relative list of the chain needs an adjustment targeting the SKU (checked walking down
/// the chain, before its base's window); once the entry is found, the adjustment of each link
/// is picked at the line's quantity in the entry's unit (P6a), and a link with none is
/// `NoEntry`.
pub(crate) fn lookup_entry<'a>(
    lists: &'a Lists,
    list: &'a ListRec,
    sku: u32,
    line: crate::model::catalog::LineQty,
    categories: &[String],
    at: jiff::Timestamp,
) -> Result<EntryView<'a>, EntryMiss<'a>> {
    let unit = line.unit;
    let mut chain: Picked<'a> = [None; MAX_RELATIVE_DEPTH];
    let mut depth = 0usize;
    let mut cur = list;
    let mut derive = false;
    loop {
        derive |= cur.derive_units;
        match &cur.body {
            ListBody::Absolute(table) => {
                let (entry, derived) = match cur.table(unit.index).and_then(|t| t.get(sku)) {
                    Some(entry) => (entry, None),
                    None if derive && unit.index != 0 => (
                        table.get(sku).ok_or(EntryMiss::NoEntry)?,
                        Some(unit.contains),
                    ),
                    None => return Err(EntryMiss::NoEntry),
                };
                // P6a: the adjustment of each link at the line's quantity in the entry's unit.
                let qty = line.qty.saturating_mul(derived.unwrap_or(1));
                for (rel, picked) in chain.iter_mut().flatten() {
                    if !picked.1.applies_at(qty, line.decimals) {
                        let rel: &'a ListRec = rel;
                        let ListBody::Relative { adjustments, .. } = &rel.body else {
                            return Err(EntryMiss::NoEntry);
                        };
                        *picked =
                            pick_adjustment_at(adjustments, sku, categories, qty, line.decimals)
                                .ok_or(EntryMiss::NoEntry)?;
                    }
                }
                // P6d: the cost, only when some list of the chain states a margin (a dataset
                // without a cost list stops at the first test).
                let margins =
                    || cur.has_margins || chain.iter().flatten().any(|(l, _)| l.has_margins);
                let cost = match list.cost_list.and_then(|c| lists.list(c)) {
                    Some(cost_list) if margins() => Some(CostView {
                        list: cost_list,
                        tiers: cost_entry(cost_list, sku, derived.map_or(unit.index, |_| 0), at),
                    }),
                    _ => None,
                };
                return Ok(EntryView {
                    tiers: entry.tiers,
                    extra: entry.extra,
                    base: cur,
                    derived,
                    chain: Chain::of(lists, &chain).ok_or(EntryMiss::NoEntry)?,
                    cost,
                });
            }
            ListBody::Relative { base, adjustments } => {
                // The most specific adjustment targeting the SKU at any quantity; replaced
                // above by the one applying at the line's quantity when it does not.
                let adj = pick_adjustment_at(adjustments, sku, categories, u64::MAX, 0)
                    .ok_or(EntryMiss::NoEntry)?;
                // INVARIANT: the build rejects chains deeper than MAX_RELATIVE_DEPTH.
                let slot = chain.get_mut(depth).ok_or(EntryMiss::NoEntry)?;
                *slot = Some((cur, adj));
                depth = depth.saturating_add(1);
                let next = lists.list(*base).ok_or(EntryMiss::NoEntry)?;
                if !next.valid.contains(at) {
                    return Err(EntryMiss::BaseNotValid {
                        base: &next.id,
                        window: next.valid,
                    });
                }
                cur = next;
            }
        }
    }
}

/// The tiers of a cost list's entry for `sku` in unit index `unit`, when the list and the
/// entry are valid at `at` (P6d).
fn cost_entry(
    list: &ListRec,
    sku: u32,
    unit: u16,
    at: jiff::Timestamp,
) -> Option<table::TierRun<'_>> {
    if !list.valid.contains(at) {
        return None;
    }
    let entry = list.table(unit)?.get(sku)?;
    if entry.extra.valid.is_some_and(|w| !w.contains(at)) {
        return None;
    }
    Some(entry.tiers)
}

/// Short description of an entry for messages: `list/sku`.
pub(crate) fn entry_label(list: &PriceListId, sku: &Sku) -> String {
    format!("{list}/{sku}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_prefix_respects_segments() {
        assert!(category_covers("tools/power", "tools/power/drills"));
        assert!(category_covers("tools/power", "tools/power"));
        assert!(!category_covers("tools/power", "tools/powerful"));
    }

    #[test]
    fn the_sku_index_is_the_same_in_any_number_of_ranges() {
        let skus: Vec<String> = (0..40)
            .map(|i| format!(r#"{{"sku":"S{i:02}","name":"s"}}"#))
            .collect();
        let list = |id: &str, step: usize| {
            let entries: Vec<String> = (0..40)
                .step_by(step)
                .map(|i| {
                    format!(r#"{{"sku":"S{i:02}","tiers":[{{"min_qty":1,"unit_price":"1"}}]}}"#)
                })
                .collect();
            format!(
                r#"{{"id":"{id}","name":"l","owner":"o","currency":"USD","entries":[{}]}}"#,
                entries.join(",")
            )
        };
        let json = format!(
            r#"{{"accounts":[],"users":[],"catalog":[{}],"price_lists":[{},{},{}],"assignments":[]}}"#,
            skus.join(","),
            list("a", 1),
            list("b", 3),
            list("c", 7)
        );
        let data = crate::format::Dataset::from_json(&json).unwrap();
        let snapshot = crate::model::snapshot::Snapshot::from_dataset(&data).unwrap();
        let lists: Vec<ListRec> = snapshot
            .inner()
            .lists
            .iter()
            .map(|l| (**l).clone())
            .collect();
        let one = SkuLists::build_in(&lists, 40, 1);
        for parts in [2, 3, 4, 41, 64] {
            let many = SkuLists::build_in(&lists, 40, parts);
            assert_eq!(many.offsets, one.offsets, "{parts} ranges");
            assert_eq!(many.lists, one.lists, "{parts} ranges");
        }
        // S00 is in every list, S01 in `a` only, S21 in `a`, `b` and `c`.
        assert_eq!(one.absolute_lists(0).len(), 3);
        assert_eq!(one.absolute_lists(1).len(), 1);
        assert_eq!(one.absolute_lists(21).len(), 3);
    }

    #[test]
    fn list_columns_narrow_while_every_index_fits() {
        let narrow = ListColumn::new(vec![1, 5, 9, 65_535]);
        assert!(matches!(narrow, ListColumn::U16(_)));
        assert!(narrow.contains(0, 4, 65_535) && narrow.contains(1, 3, 5));
        assert!(!narrow.contains(0, 4, 65_536 + 5) && !narrow.contains(2, 4, 5));
        assert_eq!(narrow.range(1, 4), vec![5, 9, 65_535]);
        let wide = ListColumn::new(vec![1, 70_000]);
        assert!(matches!(wide, ListColumn::U32(_)));
        assert!(wide.contains(0, 2, 70_000) && !wide.contains(0, 2, 4_464));
        assert_eq!(wide.range(0, 2), vec![1, 70_000]);
    }
}
