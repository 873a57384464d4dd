//! Catalogue visibility for one SKU (SEMANTICS V1-V7).
//!
//! The rules reaching the account arrive in precedence order, computed at build
//! ([`crate::model::scope`]): most specific scope first and, at equal specificity, exclusions
//! before inclusions ([`VisRule::tiebreak`]), so the first rule targeting the SKU decides and
//! an exclusion beats an inclusion at equal specificity (V2-V4). With no rule targeting the SKU,
//! the account's catalogue mode decides (V5).

use crate::decide::core::{Party, Recorder};
use crate::format::{CatalogMode, Effect};
use crate::model::catalog::SkuRec;
use crate::model::scope::ScopeLevel;
use crate::model::visibility::{CompiledTarget, VisRule};
use std::collections::HashMap;

/// The visibility rules reaching a party, indexed by what they target, for deciding many SKUs
/// (a sheet, an impact preview): a SKU then costs the rules that could target it (its own, its
/// categories' and those above them, every-SKU and attribute rules), not every rule reaching
/// the account. A curated account with a rule per SKU thus costs linear, not quadratic, time.
pub(crate) struct VisIndex<'s> {
    /// The party's rules in precedence order (those that apply to the actor).
    rules: Vec<(&'s ScopeLevel, &'s VisRule)>,
    /// Positions of rules targeting every SKU or an attribute predicate: checked for each SKU.
    general: Vec<usize>,
    by_sku: HashMap<u32, Vec<usize>>,
    by_category: HashMap<&'s str, Vec<usize>>,
}

impl<'s> VisIndex<'s> {
    pub(crate) fn new(party: &Party<'s>) -> VisIndex<'s> {
        let rules: Vec<(&'s ScopeLevel, &'s VisRule)> = party.visibility_rules().collect();
        let mut index = VisIndex {
            rules: Vec::new(),
            general: Vec::new(),
            by_sku: HashMap::new(),
            by_category: HashMap::new(),
        };
        for (pos, (_, rule)) in rules.iter().enumerate() {
            match &rule.target {
                CompiledTarget::All | CompiledTarget::Attributes(_) => index.general.push(pos),
                CompiledTarget::Sku(s) => index.by_sku.entry(*s).or_default().push(pos),
                CompiledTarget::Category(c) => {
                    index.by_category.entry(c.as_str()).or_default().push(pos);
                }
            }
        }
        index.rules = rules;
        index
    }

    /// The rules that may target the SKU, in precedence order; each is still checked with
    /// [`VisRule::matches`].
    fn candidates(
        &self,
        sku: u32,
        rec: &SkuRec,
    ) -> impl Iterator<Item = (&'s ScopeLevel, &'s VisRule)> + '_ {
        let mut positions: Vec<usize> = self.general.clone();
        if let Some(p) = self.by_sku.get(&sku) {
            positions.extend_from_slice(p);
        }
        for c in &rec.categories {
            // The categories covering `c` (`category_covers`): `c` itself and `c` cut at each `/`.
            let cuts = c.match_indices('/').filter_map(|(i, _)| c.get(..i));
            for covering in std::iter::once(c.as_str()).chain(cuts) {
                if let Some(p) = self.by_category.get(covering) {
                    positions.extend_from_slice(p);
                }
            }
        }
        positions.sort_unstable();
        positions.dedup();
        positions
            .into_iter()
            .filter_map(|pos| self.rules.get(pos).copied())
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
        Some(index) => walk(index.candidates(sku, rec), sku, rec, recorder),
        None => walk(party.visibility_rules(), sku, rec, recorder),
    };
    match decided {
        Some(effect) => effect == Effect::Include,
        None => party.account.catalog_mode == CatalogMode::Open,
    }
}

/// The first rule targeting the SKU decides (V2-V4); an explaining recorder sees them all.
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
