//! Catalogue visibility for one SKU (SEMANTICS V1-V7).
//!
//! The rules reaching the account arrive in precedence order, computed at build
//! ([`crate::model::scope`]): most specific scope first, a role-limited rule before one for
//! every user; then, at equal scope, the most specific target first and, at equal target
//! specificity, exclusions before inclusions ([`VisRule::tiebreak`]). A target's specificity
//! depends on the rule alone ([`crate::model::visibility::TargetRank`]), so the order is fixed
//! at build and the first rule targeting the SKU decides (V2-V4, V8): a SKU's own inclusion
//! beats its category's exclusion at one scope, with no comparison between rules at query time.
//! With no rule targeting the SKU, the account's catalogue mode decides (V5).

use crate::decide::core::{Party, Recorder};
use crate::format::{AttrValue, CatalogMode, Effect, Predicate};
use crate::model::catalog::SkuRec;
use crate::model::scope::ScopeLevel;
use crate::model::visibility::{CompiledTarget, VisRule};
use std::borrow::Cow;
use std::collections::HashMap;

/// The visibility rules reaching a party, indexed by what they target, for deciding many SKUs
/// (a sheet, an impact preview): a SKU then costs the rules that could target it (its own, its
/// categories' and those above them, the rules whose attribute value it has, every-SKU and
/// other attribute rules), not every rule reaching the account. A curated account with a rule
/// per SKU, or per attribute value, thus costs linear, not quadratic, time.
///
/// It owns what it holds (rules by their position among the rules reaching the account, keys
/// copied), so an owned sheet can keep it beside its snapshot; it answers for the party it
/// was built from ([`VisIndex::candidates`] takes that party back).
#[derive(Clone, Debug)]
pub(crate) struct VisIndex {
    /// Positions, among the rules reaching the account ([`Party::visibility_rule_at`]), of
    /// rules targeting every SKU or an attribute predicate not indexed by value: checked for
    /// each SKU. Only rules that apply to the actor are indexed; precedence is position order.
    general: Vec<usize>,
    by_sku: HashMap<u32, Vec<usize>>,
    by_category: HashMap<Box<str>, Vec<usize>>,
    /// Rules whose predicate requires an attribute to equal one of some values ([`indexed`]),
    /// by attribute and value ([`value_key`]): only SKUs with such a value may match them.
    by_attribute: HashMap<Box<str>, HashMap<AttrValue, Vec<usize>>>,
}

/// An attribute and values one of which a SKU must have for the predicate to hold: a top-level
/// `eq` or `in`, or one found among the conditions of a top-level `all` (the first). `None`
/// when the predicate requires no such value (`any`, `not`, numeric comparisons).
fn indexed(p: &Predicate) -> Option<(&str, Vec<&AttrValue>)> {
    match p {
        Predicate::Eq(c) => Some((c.attr.as_str(), vec![&c.value])),
        Predicate::In(c) => Some((c.attr.as_str(), c.values.iter().collect())),
        Predicate::All(ps) => ps.iter().find_map(indexed),
        _ => None,
    }
}

/// A value as an index key: numbers normalised, so `2` and `2.0` (equal for a predicate) meet.
fn value_key(v: &AttrValue) -> Cow<'_, AttrValue> {
    match v {
        AttrValue::Number(d) => Cow::Owned(AttrValue::Number(d.normalize())),
        _ => Cow::Borrowed(v),
    }
}

impl VisIndex {
    pub(crate) fn new(party: &Party<'_>) -> VisIndex {
        let mut index = VisIndex {
            general: Vec::new(),
            by_sku: HashMap::new(),
            by_category: HashMap::new(),
            by_attribute: HashMap::new(),
        };
        for (pos, _, rule) in party.placed_visibility_rules() {
            match &rule.target {
                CompiledTarget::Attributes(p) => match indexed(p) {
                    Some((attr, values)) => {
                        let by_value = index.by_attribute.entry(attr.into()).or_default();
                        for v in values {
                            let at = by_value.entry(value_key(v).into_owned()).or_default();
                            // `in` may repeat a value: the rule is listed once.
                            if at.last() != Some(&pos) {
                                at.push(pos);
                            }
                        }
                    }
                    None => index.general.push(pos),
                },
                CompiledTarget::All => index.general.push(pos),
                CompiledTarget::Sku(s) => index.by_sku.entry(*s).or_default().push(pos),
                CompiledTarget::Category(c) => {
                    index
                        .by_category
                        .entry(c.as_str().into())
                        .or_default()
                        .push(pos);
                }
            }
        }
        index
    }

    /// The rules of `party` (the party the index was built from) that may target the SKU, in
    /// precedence order; each is still checked with [`VisRule::matches`].
    fn candidates<'s, 'p>(
        &'p self,
        party: &'p Party<'s>,
        sku: u32,
        rec: &SkuRec,
    ) -> impl Iterator<Item = (&'s ScopeLevel, &'s VisRule)> + 'p {
        let mut positions: Vec<usize> = self.general.clone();
        if let Some(p) = self.by_sku.get(&sku) {
            positions.extend_from_slice(p);
        }
        for c in rec.categories.iter() {
            // The categories covering `c` (`category_covers`): `c` itself and `c` cut at each `/`.
            let cuts = c.match_indices('/').filter_map(|(i, _)| c.get(..i));
            for covering in std::iter::once(c.as_str()).chain(cuts) {
                if let Some(p) = self.by_category.get(covering) {
                    positions.extend_from_slice(p);
                }
            }
        }
        for (attr, value) in rec.attributes() {
            if let Some(p) = self
                .by_attribute
                .get(attr.as_str())
                .and_then(|by_value| by_value.get(value_key(value).as_ref()))
            {
                positions.extend_from_slice(p);
            }
        }
        positions.sort_unstable();
        positions.dedup();
        positions
            .into_iter()
            .filter_map(|pos| party.visibility_rule_at(pos))
    }
}

/// Whether `sku` is visible to the party. The recorder sees every rule targeting the SKU, the
/// deciding one first, when it explains; otherwise the walk stops at the deciding rule. With the
/// party's [`VisIndex`], only the rules that may target the SKU are walked: the same rules, in
/// the same order.
pub(crate) fn decide<'s, R: Recorder<'s>>(
    party: &Party<'s>,
    sku: u32,
    rec: &SkuRec,
    recorder: &mut R,
) -> bool {
    let decided = match party.visibility_index() {
        Some(index) => walk(index.candidates(party, sku, rec), sku, rec, recorder),
        None => walk(party.visibility_rules(), sku, rec, recorder),
    };
    match decided {
        Some(effect) => effect == Effect::Include,
        None => party.account.catalog_mode == CatalogMode::Open,
    }
}

/// The first rule targeting the SKU decides (V2-V4, V8); an explaining recorder sees them all.
fn walk<'s, R: Recorder<'s>>(
    rules: impl Iterator<Item = (&'s ScopeLevel, &'s VisRule)>,
    sku: u32,
    rec: &SkuRec,
    recorder: &mut R,
) -> Option<Effect> {
    let mut decided: Option<Effect> = None;
    for (level, rule) in rules {
        if !rule.matches(sku, rec) {
            continue;
        }
        recorder.visibility_rule(level, rule);
        if decided.is_none() {
            decided = Some(rule.effect);
        }
        if !R::EXPLAINS {
            break;
        }
    }
    decided
}
