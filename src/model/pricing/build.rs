//! Building price lists and assignments from the data (ties are refused in [`super::ties`]).

use super::table::{EntryExtra, EntryRow, PriceTable, Tier};
use super::{AdjustmentRec, ListBody, ListRec, Margins};
use crate::error::{BuildProblem, EntityKind};
use crate::format::Dataset;
use crate::format::pricing::MarginMode;
use crate::id::AssignmentId;
use crate::model::catalog::Catalog;
use crate::model::pricing;
use crate::model::scope::{ScopeKey, resolve_scope};
use crate::model::validate::{check_owner, check_window, to_u32, unique_by_id};
use crate::money::Currency;
use crate::time::Window;
use rust_decimal::Decimal;
use std::collections::{BTreeSet, HashMap};

/// A validated assignment.
#[derive(Clone, Debug)]
pub(crate) struct AssignmentRec {
    pub(crate) id: AssignmentId,
    pub(crate) list: u32,
    pub(crate) scope: ScopeKey,
    pub(crate) priority: i32,
    pub(crate) valid: Window,
    /// Who answers for it: its own owner, or its list's.
    pub(crate) owner: String,
    pub(crate) experiment: Option<u32>,
    /// The channels and countries it is limited to (C2).
    pub(crate) condition: crate::model::context::Condition,
}

impl crate::model::scope::ScopedRule for AssignmentRec {
    fn roles(&self) -> &[crate::id::RoleName] {
        &[]
    }

    fn experiment(&self) -> Option<u32> {
        self.experiment
    }
}

impl AssignmentRec {
    /// Order among assignments of equal specificity: higher priority first, then by id.
    pub(crate) fn tiebreak(a: &AssignmentRec, b: &AssignmentRec) -> std::cmp::Ordering {
        b.priority.cmp(&a.priority).then_with(|| a.id.cmp(&b.id))
    }
}

/// The price lists of `dataset`, built and linked, and whether every entry's ids were valid
/// ids (see [`crate::model::ids::check_dataset_but_entries`]): `false` when one was refused,
/// and then the caller reports the refused ids instead of `problems`. Lists that are not built
/// (a duplicate id, a relative list with entries) always leave a problem, so a build without
/// problems has checked the ids of every entry.
pub(crate) fn build_lists(
    dataset: &Dataset,
    catalog: &Catalog,
    problems: &mut Vec<BuildProblem>,
) -> (Vec<ListRec>, bool) {
    let unique = unique_by_id(
        &dataset.price_lists,
        EntityKind::PriceList,
        |l| l.id.as_str(),
        problems,
    );
    let index: HashMap<&str, u32> = unique
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.as_str(), to_u32(i)))
        .collect();
    // Lists are independent of one another until they are linked below: built in chunks on
    // up to `parallel::threads()` threads (below 100,000 entries, on this one), each chunk
    // with its own problems, joined in input order (the same lists and problems as one thread).
    let built = crate::model::parallel::map_chunks_with(
        &unique,
        |l| l.entries.len().saturating_add(1),
        100_000,
        |scratch: &mut Scratch, chunk| {
            chunk
                .iter()
                .map(|l| {
                    let mut found = Vec::new();
                    let mut ids_valid = true;
                    let rec = build_list(l, &index, catalog, scratch, &mut found, &mut ids_valid);
                    (rec, found, ids_valid)
                })
                .collect()
        },
    );
    let mut lists = Vec::with_capacity(built.len());
    let mut ids_valid = true;
    for (rec, found, valid) in built {
        problems.extend(found);
        lists.push(rec);
        ids_valid &= valid;
    }
    check_relative_lists(&lists, problems);
    link_cost_lists(&mut lists, problems);
    (lists, ids_valid)
}

/// One price list, validated and built on its own (any thread): its entries checked against
/// the catalogue, its relative base resolved through `index`; problems go to `problems`, and
/// `ids_valid` is cleared when an entry's id is refused.
fn build_list(
    l: &crate::format::PriceListData,
    index: &HashMap<&str, u32>,
    catalog: &Catalog,
    scratch: &mut Scratch,
    problems: &mut Vec<BuildProblem>,
    ids_valid: &mut bool,
) -> ListRec {
    let currency = Currency::from_code(&l.currency).unwrap_or_else(|| {
        problems.push(BuildProblem::UnknownCurrency {
            kind: EntityKind::PriceList,
            id: l.id.to_string(),
            code: l.currency.clone(),
        });
        Currency::PLACEHOLDER
    });
    let valid = check_window(l.valid, EntityKind::PriceList, l.id.as_str(), problems);
    check_owner(&l.owner, EntityKind::PriceList, l.id.as_str(), problems);
    let mut unit_tables = Vec::new();
    let body = match &l.relative {
        Some(rel) => {
            if !l.entries.is_empty() {
                problems.push(BuildProblem::RelativeWithEntries { list: l.id.clone() });
            }
            if rel.adjustments.is_empty() {
                problems.push(BuildProblem::InvalidAdjustment {
                    list: l.id.clone(),
                    detail: "a relative list needs at least one adjustment".into(),
                });
            }
            let adjustments = build_adjustments(&l.id, &rel.adjustments, catalog, problems);
            match index.get(rel.base.as_str()) {
                Some(&base) => ListBody::Relative { base, adjustments },
                None => {
                    problems.push(BuildProblem::DanglingReference {
                        from_kind: EntityKind::PriceList,
                        from: l.id.to_string(),
                        to_kind: EntityKind::PriceList,
                        to: rel.base.to_string(),
                    });
                    ListBody::Absolute(PriceTable::default())
                }
            }
        }
        None => {
            let (table, units) = build_table(l, catalog, scratch, problems, ids_valid);
            unit_tables = units;
            ListBody::Absolute(table)
        }
    };
    let margins = Margins {
        min: l.min_margin,
        max: l.max_margin,
    };
    check_margins(&l.id, None, margins, problems);
    let has_margins = !margins.is_empty()
        || matches!(&body, ListBody::Relative { adjustments, .. }
            if adjustments.iter().any(|a| !a.margins.is_empty()));
    if l.cost {
        if has_margins {
            problems.push(BuildProblem::InvalidMargin {
                list: l.id.clone(),
                detail: "a cost list states margins: margins belong on the lists priced over cost"
                    .into(),
            });
        }
        if l.relative.is_some() {
            problems.push(BuildProblem::InvalidMargin {
                list: l.id.clone(),
                detail: "a cost list is relative: give a cost list its own entries".into(),
            });
        }
    }
    ListRec {
        id: l.id.clone(),
        name: l.name.clone(),
        owner: l.owner.clone(),
        currency,
        tier_mode: l.tier_mode,
        valid,
        quote_only: l.quote_only,
        tax_included: l.tax_included,
        derive_units: l.derive_units,
        cost: l.cost,
        margins,
        clamp: l.margin == MarginMode::Clamp,
        has_margins,
        cost_list: None,
        unit_tables,
        body,
    }
}

/// One cost list per currency (P6d), and each list's cost list; a list stating margins in a
/// currency without one is refused, since its margins could never apply.
fn link_cost_lists(lists: &mut [ListRec], problems: &mut Vec<BuildProblem>) {
    let mut cost_of: HashMap<Currency, u32> = HashMap::new();
    for (i, l) in lists.iter().enumerate() {
        if !l.cost {
            continue;
        }
        match cost_of
            .get(&l.currency)
            .and_then(|&c| lists.get(c as usize))
        {
            Some(first) => {
                let (first, second) = if first.id <= l.id {
                    (first.id.clone(), l.id.clone())
                } else {
                    (l.id.clone(), first.id.clone())
                };
                problems.push(BuildProblem::DuplicateCostList {
                    currency: l.currency.to_string(),
                    first,
                    second,
                });
            }
            None => {
                cost_of.insert(l.currency, to_u32(i));
            }
        }
    }
    for l in lists.iter_mut() {
        if l.cost {
            continue;
        }
        l.cost_list = cost_of.get(&l.currency).copied();
        if l.has_margins && l.cost_list.is_none() {
            problems.push(BuildProblem::InvalidMargin {
                list: l.id.clone(),
                detail: format!(
                    "it states margins over cost but no cost list is in {}: add a cost list in that currency",
                    l.currency
                ),
            });
        }
    }
}

/// Margins that can apply (P6d): each at least -100 (a floor or ceiling of zero or more),
/// and `min_margin` not above `max_margin`. `at` names the adjustment, if the margins are one's.
fn check_margins(
    list: &crate::id::PriceListId,
    at: Option<usize>,
    margins: Margins,
    problems: &mut Vec<BuildProblem>,
) {
    let whose = at.map_or_else(String::new, |pos| format!("adjustment {pos} has "));
    for (name, m) in [("min_margin", margins.min), ("max_margin", margins.max)] {
        if let Some(m) = m
            && m < Decimal::from(-100)
        {
            problems.push(BuildProblem::InvalidMargin {
                list: list.clone(),
                detail: format!("{whose}`{name}` {m} %, below cost x 0: use -100 or more"),
            });
        }
    }
    if let (Some(min), Some(max)) = (margins.min, margins.max)
        && min > max
    {
        problems.push(BuildProblem::InvalidMargin {
            list: list.clone(),
            detail: format!(
                "{whose}`min_margin` {min} % above `max_margin` {max} %: no price could meet both"
            ),
        });
    }
}

/// A relative list's adjustments, each checked on its own (B5) and against the others: two
/// with the same target are refused (P6a).
fn build_adjustments(
    list: &crate::id::PriceListId,
    data: &[crate::format::pricing::AdjustmentData],
    catalog: &Catalog,
    problems: &mut Vec<BuildProblem>,
) -> Vec<AdjustmentRec> {
    let mut out: Vec<AdjustmentRec> = Vec::with_capacity(data.len());
    // The target of each adjustment read so far, with its position.
    let mut seen: HashMap<(Option<&str>, Option<String>), usize> = HashMap::new();
    for (pos, adj) in data.iter().enumerate() {
        let mut invalid = |detail: String| {
            problems.push(BuildProblem::InvalidAdjustment {
                list: list.clone(),
                detail,
            });
        };
        if adj.percent < Decimal::from(-100) {
            invalid(format!(
                "{} % would make prices negative: use -100 or more",
                adj.percent
            ));
        }
        if adj.sku.is_some() && adj.category.is_some() {
            invalid(format!(
                "adjustment {pos} targets both a SKU and a category: give one of them"
            ));
        }
        if adj.min_qty.is_some_and(|q| q.is_zero()) {
            invalid(format!(
                "adjustment {pos} has `min_qty` 0: give 1 or more, or leave it out"
            ));
        }
        if let Some(price) = adj.price {
            if !adj.percent.is_zero()
                || adj.amount.is_some()
                || adj.round_to.is_some()
                || adj.ending.is_some()
            {
                invalid(format!(
                    "adjustment {pos} sets a fixed `price` and also a `percent`, `amount`, `round_to` or `ending`: give the price alone, or the formula"
                ));
            }
            if price < Decimal::ZERO {
                invalid(format!(
                    "adjustment {pos} sets a negative `price` {price}: prices must be zero or more"
                ));
            }
        }
        if let Some(multiple) = adj.round_to
            && multiple <= Decimal::ZERO
        {
            invalid(format!(
                "adjustment {pos} rounds to {multiple}: `round_to` must be more than zero, such as \"0.05\" or \"1\""
            ));
        }
        match (adj.ending, adj.round_to) {
            (Some(_), None) => invalid(format!(
                "adjustment {pos} has an `ending` without `round_to`: give the multiple to round to"
            )),
            (Some(ending), Some(multiple))
                if multiple > Decimal::ZERO && ending.abs() >= multiple =>
            {
                invalid(format!(
                    "adjustment {pos} has an `ending` {ending} not smaller than its `round_to` {multiple}: use an ending such as \"-0.01\""
                ));
            }
            _ => {}
        }
        check_margins(
            list,
            Some(pos),
            Margins {
                min: adj.min_margin,
                max: adj.max_margin,
            },
            problems,
        );
        let sku = adj
            .sku
            .as_ref()
            .and_then(|s| match catalog.lookup(s.as_str()) {
                Some(i) => {
                    // A one-SKU adjustment's `min_qty` counts in that SKU's steps (U7).
                    let decimals = catalog.get(i).map_or(0, |r| r.decimals());
                    if let Some(q) = adj.min_qty
                        && q.to_steps(decimals).is_err()
                    {
                        problems.push(BuildProblem::QuantityTooPrecise {
                            sku: s.clone(),
                            what: format!("adjustment {pos} of price list `{list}` (min_qty)"),
                            qty: q,
                            decimals,
                        });
                    }
                    Some((i, s.clone()))
                }
                None => {
                    problems.push(BuildProblem::DanglingReference {
                        from_kind: EntityKind::PriceList,
                        from: list.to_string(),
                        to_kind: EntityKind::Sku,
                        to: s.to_string(),
                    });
                    None
                }
            });
        let category = adj
            .category
            .as_ref()
            .map(|c| c.trim_matches('/').to_string());
        let key = (adj.sku.as_ref().map(|s| s.as_str()), category.clone());
        if let Some(&first) = seen.get(&key) {
            problems.push(BuildProblem::DuplicateAdjustment {
                list: list.clone(),
                target: match (&adj.sku, &category) {
                    (Some(s), _) => format!("SKU `{s}`"),
                    (None, Some(c)) => format!("category `{c}`"),
                    (None, None) => "every SKU".to_string(),
                },
                first,
                second: pos,
            });
        } else {
            seen.insert(key, pos);
        }
        out.push(AdjustmentRec {
            rank: match (&sku, &category) {
                (Some(_), _) => pricing::SKU_RANK,
                (None, Some(c)) => pricing::category_depth(c),
                (None, None) => 0,
            },
            sku,
            category,
            min_qty: adj.min_qty,
            percent: adj.percent,
            amount: adj.amount,
            round_to: adj.round_to,
            ending: adj.ending,
            price: adj.price,
            margins: Margins {
                min: adj.min_margin,
                max: adj.max_margin,
            },
        });
    }
    out
}

/// A build thread's buffers for the lists it builds one after another: filled and emptied
/// by each list, allocated once a thread. Fresh, they were a zeroed page from the kernel for
/// every 4 KiB written (72 bytes a row, ten million rows at `large`): reused, a `large`
/// build takes 215,000-227,000 page faults instead of 265,000.
#[derive(Default)]
pub(crate) struct Scratch {
    rows: Vec<(u16, EntryRow)>,
    found: Vec<Option<u32>>,
}

/// The list's base-unit table and one table per further unit index (U2): `units[i]` holds the
/// entries in each SKU's unit `i + 1`.
fn build_table(
    l: &crate::format::PriceListData,
    catalog: &Catalog,
    scratch: &mut Scratch,
    problems: &mut Vec<BuildProblem>,
    ids_valid: &mut bool,
) -> (PriceTable, Vec<PriceTable>) {
    // Emptied before use as well as after: nothing of the previous list is read.
    let Scratch { rows, found } = scratch;
    rows.clear();
    found.clear();
    rows.reserve(l.entries.len());
    // Each entry's ids are checked here, while the SKU's text is in cache for its lookup,
    // instead of in a pass of their own (see `ids::check_dataset_but_entries`).
    let mut valid = true;
    found.extend(l.entries.iter().map(|e| {
        valid &= crate::model::ids::entry_ids_valid(e);
        catalog.lookup(e.sku.as_str())
    }));
    if !valid {
        // The build reports the refused ids alone: nothing more to check in this list.
        *ids_valid = false;
        return (PriceTable::default(), Vec::new());
    }
    for (e, found) in l.entries.iter().zip(found.drain(..)) {
        if let Some(row) = validate_entry_of(&l.id, e, found, catalog, problems) {
            rows.push(row);
        }
    }
    rows.sort_by_key(|(unit, r)| (*unit, r.sku));
    // A SKU priced twice in one unit: the first entry (in input order: the sort is stable)
    // stays, each later one is a problem.
    let mut previous: Option<(u16, u32)> = None;
    for (unit, r) in rows.iter() {
        if previous == Some((*unit, r.sku)) {
            let sku = catalog.sku_of(r.sku).clone();
            problems.push(BuildProblem::DuplicateId {
                kind: EntityKind::PriceEntry,
                id: match unit {
                    0 => pricing::entry_label(&l.id, &sku),
                    _ => format!(
                        "{} ({})",
                        pricing::entry_label(&l.id, &sku),
                        catalog.get(r.sku).map_or("", |rec| rec.unit_name(
                            crate::model::catalog::Unit {
                                index: *unit,
                                contains: 1,
                            }
                        ))
                    ),
                },
            });
        }
        previous = Some((*unit, r.sku));
    }
    rows.dedup_by(|later, first| later.0 == first.0 && later.1.sku == first.1.sku);
    // Each unit's table from its run of the sorted rows, read in place (no copy of ten
    // million rows at `large`). Unit 0, the base unit, always has a table; a unit between
    // two that have entries gets an empty one, as unit indexes are positions.
    let mut tables: Vec<PriceTable> = Vec::new();
    let mut rest: &[(u16, EntryRow)] = rows;
    let mut unit = 0u16;
    loop {
        let n = rest.partition_point(|(u, _)| *u == unit);
        let (run, tail) = rest.split_at_checked(n).unwrap_or((rest, &[]));
        tables.push(PriceTable::from_sorted(run));
        rest = tail;
        if rest.is_empty() {
            break;
        }
        let Some(next) = unit.checked_add(1) else {
            break;
        };
        unit = next;
    }
    rows.clear();
    let mut tables = tables.into_iter();
    let base = tables.next().unwrap_or_default();
    (base, tables.collect())
}

/// Checks one price entry and resolves its SKU and unit index (U2): the same checks for a
/// build and for a change.
pub(crate) fn validate_entry(
    list: &crate::id::PriceListId,
    e: &crate::format::EntryData,
    catalog: &Catalog,
    problems: &mut Vec<BuildProblem>,
) -> Option<(u16, EntryRow)> {
    let found = catalog.lookup(e.sku.as_str());
    validate_entry_of(list, e, found, catalog, problems)
}

/// [`validate_entry`] with the entry's SKU already looked up (`found`), so that a whole list's
/// SKUs can be looked up first, in one tight loop: each lookup is a few cache misses (the id's
/// text, the table, the stored key), and independent lookups in a row overlap them instead of
/// waiting for each in turn between the checks of the entries.
fn validate_entry_of(
    list: &crate::id::PriceListId,
    e: &crate::format::EntryData,
    found: Option<u32>,
    catalog: &Catalog,
    problems: &mut Vec<BuildProblem>,
) -> Option<(u16, EntryRow)> {
    // Formatted only when needed: this runs once per price entry.
    let label = || pricing::entry_label(list, &e.sku);
    let Some(sku) = found else {
        problems.push(BuildProblem::DanglingReference {
            from_kind: EntityKind::PriceList,
            from: list.to_string(),
            to_kind: EntityKind::Sku,
            to: e.sku.to_string(),
        });
        return None;
    };
    let decimals = catalog.get(sku).map_or(0, |rec| rec.decimals());
    let unit = match catalog
        .get(sku)
        .and_then(|rec| rec.unit(e.unit.as_ref().map(|u| u.as_str())))
    {
        Some(unit) => unit.index,
        None => {
            problems.push(BuildProblem::UnknownEntryUnit {
                list: list.clone(),
                sku: e.sku.clone(),
                unit: e.unit.clone().unwrap_or_default(),
            });
            return None;
        }
    };
    if e.tiers.len() > crate::model::validate::MAX_TIERS {
        problems.push(BuildProblem::TooManyTiers {
            list: list.clone(),
            sku: e.sku.clone(),
            count: e.tiers.len(),
            max: crate::model::validate::MAX_TIERS,
        });
        return None;
    }
    if e.tiers.is_empty() {
        problems.push(BuildProblem::EmptyTiers {
            list: list.clone(),
            sku: e.sku.clone(),
        });
    }
    // Every quantity of the entry counted in steps of the SKU's precision (U6, U7).
    let too_precise =
        |what: String, qty: crate::quantity::Quantity, problems: &mut Vec<BuildProblem>| {
            problems.push(BuildProblem::QuantityTooPrecise {
                sku: e.sku.clone(),
                what,
                qty,
                decimals,
            });
        };
    let mut tiers = crate::model::pricing::table::TierVec::with_capacity(e.tiers.len());
    let mut previous: Option<crate::quantity::Quantity> = None;
    for (i, t) in e.tiers.iter().enumerate() {
        if t.min_qty.is_zero() {
            problems.push(BuildProblem::ZeroQuantity {
                list: list.clone(),
                sku: e.sku.clone(),
            });
        }
        if let Some(p) = previous
            && t.min_qty <= p
        {
            problems.push(BuildProblem::TiersNotIncreasing {
                list: list.clone(),
                sku: e.sku.clone(),
                previous: p,
                next: t.min_qty,
            });
        }
        if t.unit_price.is_sign_negative() && !t.unit_price.is_zero() {
            problems.push(BuildProblem::NegativePrice {
                list: list.clone(),
                sku: e.sku.clone(),
                min_qty: t.min_qty,
                price: t.unit_price.to_string(),
            });
        }
        previous = Some(t.min_qty);
        match t.min_qty.to_steps(decimals) {
            Ok(min_qty) => tiers.push(Tier {
                min_qty,
                unit_price: t.unit_price,
            }),
            Err(_) => too_precise(
                format!("price list `{list}` tier {} (min_qty)", i.saturating_add(1)),
                t.min_qty,
                problems,
            ),
        }
    }
    let valid = e
        .valid
        .map(|w| check_window(Some(w), EntityKind::PriceEntry, &label(), problems));
    let quantity = e.quantity.as_ref().and_then(|q| {
        let what = format!("the quantity rule of price list `{list}`");
        let r = crate::model::catalog::step_rule(q, &e.sku, decimals, &what, problems)?;
        crate::model::validate::check_quantity_rule(
            &r,
            decimals,
            EntityKind::PriceEntry,
            &label(),
            problems,
        );
        Some(r)
    });
    if e.quote_above.is_some_and(|q| q.is_zero()) {
        problems.push(BuildProblem::InvalidQuantityRule {
            kind: EntityKind::PriceEntry,
            id: label(),
            detail: "quote_above must be more than zero".into(),
        });
    }
    let quote_above = match e.quote_above.map(|q| (q, q.to_steps(decimals))) {
        None => None,
        Some((_, Ok(steps))) => Some(steps),
        Some((q, Err(_))) => {
            too_precise(format!("price list `{list}` quote_above"), q, problems);
            None
        }
    };
    Some((
        unit,
        EntryRow {
            sku,
            tiers,
            extra: EntryExtra {
                valid,
                quantity,
                quote_above,
            }
            .boxed(),
        },
    ))
}

/// Relative lists: no cycles, and the currency of their base.
fn check_relative_lists(lists: &[ListRec], problems: &mut Vec<BuildProblem>) {
    let base_of = |i: usize| match lists.get(i).map(|l| &l.body) {
        Some(ListBody::Relative { base, .. }) => Some(*base as usize),
        _ => None,
    };
    let mut reported: BTreeSet<Vec<crate::id::PriceListId>> = BTreeSet::new();
    for (i, list) in lists.iter().enumerate() {
        let Some(b) = base_of(i) else { continue };
        if let Some(base) = lists.get(b)
            && base.currency != list.currency
        {
            problems.push(BuildProblem::MixedCurrency {
                list: list.id.clone(),
                currency: list.currency.to_string(),
                base: base.id.clone(),
                base_currency: base.currency.to_string(),
            });
        }
        // Walk the chain; a revisit is a cycle.
        let mut path = vec![i];
        let mut cur = b;
        loop {
            if let Some(pos) = path.iter().position(|&p| p == cur) {
                let mut ids: Vec<crate::id::PriceListId> = path
                    .get(pos..)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|&p| lists.get(p).map(|l| l.id.clone()))
                    .collect();
                ids.sort();
                if reported.insert(ids.clone()) {
                    problems.push(BuildProblem::RelativeCycle { lists: ids });
                }
                break;
            }
            path.push(cur);
            match base_of(cur) {
                Some(next) if path.len() <= lists.len() => cur = next,
                _ => break,
            }
        }
        if path.len() > pricing::MAX_RELATIVE_DEPTH + 1 && reported.insert(vec![list.id.clone()]) {
            problems.push(BuildProblem::RelativeTooDeep {
                list: list.id.clone(),
                limit: pricing::MAX_RELATIVE_DEPTH,
            });
        }
    }
}

pub(crate) fn build_assignments(
    dataset: &Dataset,
    lists: &HashMap<&str, u32>,
    list_recs: &[ListRec],
    ctx: &crate::model::validate::RuleContext<'_>,
    problems: &mut Vec<BuildProblem>,
) -> Vec<AssignmentRec> {
    let unique = unique_by_id(
        &dataset.assignments,
        EntityKind::Assignment,
        |a| a.id.as_str(),
        problems,
    );
    let mut out = Vec::with_capacity(unique.len());
    for a in unique {
        let dangling = |to_kind: EntityKind, to: &str| BuildProblem::DanglingReference {
            from_kind: EntityKind::Assignment,
            from: a.id.to_string(),
            to_kind,
            to: to.to_string(),
        };
        let list = lists.get(a.price_list.as_str()).copied();
        if list.is_none() {
            problems.push(dangling(EntityKind::PriceList, a.price_list.as_str()));
        }
        let scope = resolve_scope(
            &a.scope,
            EntityKind::Assignment,
            a.id.as_str(),
            ctx.accounts,
            ctx.segments,
            problems,
        );
        let valid = check_window(a.valid, EntityKind::Assignment, a.id.as_str(), problems);
        if let Some(owner) = &a.owner {
            check_owner(owner, EntityKind::Assignment, a.id.as_str(), problems);
        }
        let experiment = crate::model::experiment::resolve_tag(
            a.experiment.as_ref(),
            ctx.experiments,
            EntityKind::Assignment,
            a.id.as_str(),
            problems,
        );
        let condition = crate::model::context::Condition::build(
            &a.channels,
            &a.countries,
            ctx.channels,
            EntityKind::Assignment,
            a.id.as_str(),
            problems,
        );
        if let Some(cost) = list
            .and_then(|l| list_recs.get(l as usize))
            .filter(|l| l.cost)
        {
            problems.push(BuildProblem::CostListAssigned {
                kind: EntityKind::Assignment,
                id: a.id.to_string(),
                list: cost.id.clone(),
            });
        }
        if let (Some(list), Some(scope)) = (list, scope) {
            // An assignment without its own owner is answered for by its list's owner (the list
            // index was just resolved from this table).
            let owner = match (&a.owner, list_recs.get(list as usize)) {
                (Some(o), _) => o.clone(),
                (None, Some(l)) => l.owner.clone(),
                (None, None) => continue,
            };
            out.push(AssignmentRec {
                id: a.id.clone(),
                list,
                scope,
                priority: a.priority,
                valid,
                owner,
                experiment,
                condition,
            });
        }
    }
    out
}
