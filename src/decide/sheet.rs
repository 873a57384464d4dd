//! Price sheets: an account's whole visible catalogue with prices, as an ERP export or a
//! storefront listing needs it.

use crate::decide::audience::Audience;
use crate::decide::core::{Lean, Party};
use crate::decide::explain::Explain;
use crate::decide::resolution::{Access, Outcome, Visibility};
use crate::decide::visibility;
use crate::error::ResolveError;
use crate::id::Sku;
use serde::{Deserialize, Serialize};

/// One line of a price sheet: a visible SKU and its outcome at the sheet's quantity.
///
/// ```
/// # fn f(line: &tradeterms::SheetLine) { let _ = line.outcome.price(); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SheetLine {
    /// The SKU.
    pub sku: Sku,
    /// Why it is visible; absent in a `Buyer` answer (A2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Its price, hidden price, or quote requirement (as [`Snapshot::resolve`](crate::Snapshot::resolve) would say).
    pub outcome: Outcome,
}

/// A streaming price sheet, sorted by SKU, listing only the SKUs visible to the user for the
/// account. The account- and user-level work (entitlement, applicable rules) is done once when
/// the sheet is created; each line then costs one visibility decision and one price selection.
///
/// ```
/// use tradeterms::{Dataset, Snapshot};
/// let dataset: Dataset = serde_json::from_str(include_str!("../../examples/data/demo.json")).unwrap();
/// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
/// let sheet = snapshot
///     .price_sheet(&"abb-north".into(), &"john".into(), "2026-06-01T00:00:00Z".parse().unwrap(), 1)
///     .unwrap();
/// assert!(sheet.access().view_prices.is_allowed());
/// let lines: Vec<_> = sheet.collect::<Result<_, _>>().unwrap();
/// assert!(lines.windows(2).all(|w| w[0].sku < w[1].sku));
/// ```
pub struct PriceSheet<'s> {
    party: Option<Party<'s>>,
    access: Access,
    next: usize,
    qty: u64,
    audience: Audience,
}

impl<'s> PriceSheet<'s> {
    pub(crate) fn new(party: Option<Party<'s>>, access: Access, qty: u64) -> PriceSheet<'s> {
        PriceSheet {
            // Every SKU is decided: index the visibility rules once.
            party: party.map(Party::index_visibility),
            access,
            next: 0,
            qty,
            audience: Audience::Operator,
        }
    }

    /// The same sheet, each line answered for `audience` (SEMANTICS A1-A3).
    #[must_use]
    pub fn audience(self, audience: Audience) -> Self {
        PriceSheet { audience, ..self }
    }

    /// What the user may do for the account. A user who may not see the catalogue gets an
    /// empty sheet.
    pub fn access(&self) -> &Access {
        &self.access
    }
}

impl Iterator for PriceSheet<'_> {
    type Item = Result<SheetLine, ResolveError>;

    fn next(&mut self) -> Option<Self::Item> {
        // No party: the user may not see the catalogue (or the account does not exist).
        let party = self.party.as_ref()?;
        while let Some(rec) = party.inner.catalog.recs.get(self.next) {
            let sku = crate::model::validate::to_u32(self.next);
            self.next = self.next.saturating_add(1);
            // The lean visibility pass first: hidden SKUs cost no explanation (V7).
            if !visibility::decide(party, sku, rec, &mut Lean) {
                continue;
            }
            let mut recorder = Explain::default();
            return Some(
                party
                    .decide(sku, rec, self.qty, &mut recorder)
                    .map(|verdict| {
                        SheetLine {
                            sku: rec.sku.clone(),
                            visibility: Some(recorder.visibility(party, true)),
                            outcome: recorder.outcome(party, verdict),
                        }
                        .for_audience(self.audience)
                    })
                    .map_err(|e| e.for_audience(self.audience)),
            );
        }
        None
    }
}
