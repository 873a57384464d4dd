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
#[cfg(doc)]
use crate::model::visibility::VisRule;

/// Whether `sku` is visible to the party. The recorder sees every rule targeting the SKU, the
/// deciding one first, when it explains; otherwise the walk stops at the deciding rule.
pub(crate) fn decide<'s, R: Recorder<'s>>(
    party: &Party<'s>,
    sku: u32,
    rec: &SkuRec,
    recorder: &mut R,
) -> bool {
    let mut decided: Option<Effect> = None;
    for (level, rule) in party.visibility_rules() {
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
    match decided {
        Some(effect) => effect == Effect::Include,
        None => party.account.catalog_mode == CatalogMode::Open,
    }
}
