//! Price sheets: an account's whole visible catalogue with prices, as an ERP export or a
//! storefront listing needs it.

use crate::decide::audience::Audience;
use crate::decide::core::{Lean, PartyKey};
use crate::decide::explain::Explain;
use crate::decide::resolution::{Access, Outcome, Visibility};
use crate::decide::visibility;
use crate::error::ResolveError;
use crate::id::{AccountId, Sku};
use crate::model::snapshot::Snapshot;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One line of a price sheet: a visible SKU and its outcome at the sheet's quantity.
///
/// ```
/// # fn f(line: &tradeterms::SheetLine) { let _ = line.outcome.price(); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct SheetLine {
    /// The SKU.
    pub sku: Sku,
    /// The unit the line is priced in, on a sheet streamed [`PriceSheet::per_unit`]; absent
    /// for the SKU's base unit (SEMANTICS U2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<crate::id::UnitId>,
    /// Why it is visible; absent in a `Buyer` answer (A2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Its price, hidden price, or quote requirement (as [`Snapshot::resolve`](crate::Snapshot::resolve) would say).
    pub outcome: Outcome,
}

/// A streaming price sheet, sorted by SKU, listing only the SKUs visible to the user for the
/// account. The account- and user-level work (entitlement, applicable rules, the index of the
/// visibility rules) is done once when the sheet is created; each line then costs one
/// visibility decision and one price selection.
///
/// The sheet owns a handle on its snapshot (a clone, a reference-count increment), not a
/// borrow: it is `'static` and `Send`, so a request handler can return it, or move it to
/// another thread, and stream it. It answers from its snapshot's version whatever is
/// published meanwhile. Its `Debug` names the account, the version and how far it has got.
///
/// ```
/// use tradeterms::{Dataset, PriceSheet, Snapshot};
/// let dataset: Dataset = serde_json::from_str(include_str!("../../examples/data/demo.json")).unwrap();
/// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
/// // A handler can build the sheet from a snapshot it was given and return it.
/// fn sheet_for(snapshot: Snapshot, account: &str) -> PriceSheet {
///     snapshot.price_sheet(account, "john", "2026-06-01T00:00:00Z".parse().unwrap(), 1).unwrap()
/// }
/// let sheet = sheet_for(snapshot, "abb-north");
/// assert!(sheet.access().view_prices.is_allowed());
/// assert_eq!(
///     format!("{sheet:?}"),
///     "PriceSheet { account: \"abb-north\", user: Some(\"john\"), version: 1, qty: 1, \
///      audience: Operator, sees_catalog: true, position: 0, catalog: 7 }",
/// );
/// let lines: Vec<_> = sheet.collect::<Result<_, _>>().unwrap();
/// assert!(lines.windows(2).all(|w| w[0].sku < w[1].sku));
/// ```
#[must_use = "an answer that is not read decides nothing"]
pub struct PriceSheet {
    snapshot: Snapshot,
    account: AccountId,
    /// `None` when the user may not see the catalogue (or the account does not exist).
    party: Option<PartyKey>,
    access: Access,
    next: usize,
    /// The unit index of the next line of the current SKU, on a per-unit sheet.
    unit: u16,
    per_unit: bool,
    qty: crate::quantity::Quantity,
    audience: Audience,
}

const _: () = {
    const fn assert_send_sync_static<T: Send + Sync + 'static>() {}
    assert_send_sync_static::<PriceSheet>();
};

impl PriceSheet {
    pub(crate) fn new(
        snapshot: Snapshot,
        account: AccountId,
        party: Option<PartyKey>,
        access: Access,
        qty: crate::quantity::Quantity,
    ) -> PriceSheet {
        PriceSheet {
            snapshot,
            account,
            party,
            access,
            next: 0,
            unit: 0,
            per_unit: false,
            qty,
            audience: Audience::Operator,
        }
    }

    /// The same sheet, each line answered for `audience` (SEMANTICS A1-A3).
    pub fn audience(self, audience: Audience) -> Self {
        PriceSheet { audience, ..self }
    }

    /// The same sheet with one line per unit each visible SKU is sold in (U1-U3): its base
    /// unit first ([`SheetLine::unit`] absent), then its declared units in order, each priced
    /// at the sheet's quantity in that unit. A list with no entry in a unit prices it only if
    /// it derives units; otherwise that line says what `resolve` would (a quote, say).
    ///
    /// ```
    /// use tradeterms::{Dataset, Snapshot};
    /// let snapshot = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../examples/data/demo.json"))?)?;
    /// let sheet = snapshot.price_sheet("austin-hardware", "bob", "2026-06-01T00:00:00Z".parse()?, 1)?.per_unit();
    /// let screws: Vec<_> = sheet
    ///     .filter_map(Result::ok)
    ///     .filter(|l| l.sku.as_str() == "SCREW-100")
    ///     .map(|l| (l.unit.map(|u| u.to_string()), l.outcome.price().map(|p| p.amount.to_string())))
    ///     .collect();
    /// assert_eq!(screws, [
    ///     (None, Some("5.20".to_string())),
    ///     (Some("carton".to_string()), Some("52.00".to_string())),
    ///     (Some("pallet".to_string()), Some("1950.00".to_string())),
    /// ]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn per_unit(self) -> Self {
        PriceSheet {
            per_unit: true,
            ..self
        }
    }

    /// What the user may do for the account. A user who may not see the catalogue gets an
    /// empty sheet.
    pub fn access(&self) -> &Access {
        &self.access
    }

    /// The version of the snapshot the sheet answers from.
    pub fn version(&self) -> u64 {
        self.snapshot.version()
    }
}

impl fmt::Debug for PriceSheet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        sheet_debug(
            f,
            "PriceSheet",
            &self.snapshot,
            &self.account,
            self.party.as_ref(),
            (self.next, self.qty, self.audience),
        )
    }
}

/// The `Debug` of a sheet: who it is for, the version, the quantity, the audience, and how far
/// it has got through the catalogue (`position` of `catalog` SKUs), not its lines.
pub(crate) fn sheet_debug(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    snapshot: &Snapshot,
    account: &AccountId,
    party: Option<&PartyKey>,
    (next, qty, audience): (usize, crate::quantity::Quantity, Audience),
) -> fmt::Result {
    let inner = snapshot.inner();
    let user = party.and_then(|p| inner.users.get(p.user())).map(|u| &u.id);
    let catalog = inner.catalog.recs.len();
    f.debug_struct(name)
        .field("account", &account.as_str())
        .field("user", &user.map(|u| u.as_str()))
        .field("version", &inner.version)
        .field("qty", &qty)
        .field("audience", &audience)
        .field("sees_catalog", &party.is_some())
        .field("position", &next.min(catalog))
        .field("catalog", &catalog)
        .finish()
}

impl Iterator for PriceSheet {
    type Item = Result<SheetLine, ResolveError>;

    fn next(&mut self) -> Option<Self::Item> {
        // No party: the user may not see the catalogue (or the account does not exist).
        let party = self.party.as_ref()?.party(self.snapshot.inner())?;
        while let Some(rec) = party.inner.catalog.recs.get(self.next) {
            let pos = self.next;
            let sku = crate::model::validate::to_u32(pos);
            let unit = self.unit;
            // The next line: this SKU's next unit on a per-unit sheet, else the next SKU.
            if self.per_unit && usize::from(unit) < rec.unit_count().saturating_sub(1) {
                self.unit = unit.saturating_add(1);
            } else {
                self.unit = 0;
                self.next = self.next.saturating_add(1);
            }
            // The lean visibility pass first, once per SKU: hidden SKUs cost no explanation
            // (V7), and a hidden SKU has no line in any unit.
            if unit == 0 && !visibility::decide(&party, sku, rec, &mut Lean) {
                self.unit = 0;
                self.next = pos.saturating_add(1);
                continue;
            }
            let unit_name = (unit != 0).then(|| {
                rec.unit_name(crate::model::catalog::Unit {
                    index: unit,
                    contains: 1,
                })
            });
            let mut recorder = Explain::default();
            return Some(
                party
                    .decide(sku, rec, self.qty, unit_name, &mut recorder)
                    .map(|verdict| {
                        SheetLine {
                            sku: rec.sku.clone(),
                            unit: unit_name.map(crate::id::UnitId::new),
                            visibility: Some(recorder.visibility(&party, true)),
                            outcome: recorder.outcome(&party, verdict),
                        }
                        .for_audience(self.audience)
                    })
                    .map_err(|e| e.for_audience(self.audience)),
            );
        }
        None
    }
}
