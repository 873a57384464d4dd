//! The lean answer: the same decision as [`Snapshot::resolve`], without the explanation.
//!
//! A storefront rendering a listing or a cart asks thousands of questions and needs only the
//! verdict and the price. [`Snapshot::quote`] follows exactly the steps of `resolve`
//! (entitlement, visibility, quote-only SKU, candidate selection by the account's policy, quote
//! thresholds) over the same precomputed, borrowed data, but builds no candidate list, no tier
//! split and no strings: it allocates nothing. Its answer always agrees with `resolve`'s, which a
//! property test checks.

use crate::decide::resolution::Query;
use crate::error::ResolveError;
use crate::format::{Effect, Permission, PricePolicy, Reach};
use crate::id::{AssignmentId, RoleName};
use crate::model::access::UserRec;
use crate::model::pricing;
use crate::model::snapshot::{Inner, Snapshot};
use crate::money::Currency;
use rust_decimal::Decimal;
use serde::Serialize;

/// The verdict of a [`Snapshot::quote`].
///
/// ```
/// use tradeterms::{Dataset, Query, QuoteOutcome, Snapshot};
/// let dataset: Dataset = serde_json::from_str(include_str!("../../examples/data/demo.json")).unwrap();
/// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
/// let q = snapshot.quote(&Query::new("abb-north", "john", "DRILL-18V", 2, "2026-06-01T00:00:00Z".parse().unwrap())).unwrap();
/// match q.outcome {
///     QuoteOutcome::Priced { amount, .. } => assert_eq!(amount.to_string(), "218.00"),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteOutcome {
    /// The user may not see the account's catalogue.
    Denied,
    /// The SKU is not in the account's catalogue for this user.
    NotVisible,
    /// The user may see the SKU but not its price.
    PriceHidden,
    /// The line needs a quote.
    QuoteRequired,
    /// A price.
    Priced {
        /// The line amount, rounded to the currency's minor units.
        amount: Decimal,
        /// The exact line amount.
        exact_amount: Decimal,
        /// The currency.
        currency: Currency,
        /// The deciding assignment.
        assignment: AssignmentId,
    },
}

/// A lean answer: the verdict and the snapshot version that gave it.
///
/// ```
/// # fn f(q: &tradeterms::Quote) { let _ = q.version; }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// The snapshot version.
    pub version: u64,
    /// The verdict.
    pub outcome: QuoteOutcome,
}

/// Whether an enabled membership of `user` reaching `account` holds a role granting `p`.
fn grants(inner: &Inner, user: &UserRec, account: u32, p: Permission) -> bool {
    reaching_roles(inner, user, account).any(|(_, perms)| perms.contains(&p))
}

/// The roles of the enabled memberships of `user` that reach `account`.
fn reaching_roles<'a>(
    inner: &'a Inner,
    user: &'a UserRec,
    account: u32,
) -> impl Iterator<Item = &'a (RoleName, std::collections::BTreeSet<Permission>)> + 'a {
    let ancestors = inner
        .accounts
        .get(account)
        .map(|a| &*a.ancestors)
        .unwrap_or(&[]);
    user.memberships
        .iter()
        .filter(move |m| {
            !m.disabled
                && (m.account == account
                    || (m.reach == Reach::Subtree && ancestors.contains(&m.account)))
        })
        .flat_map(|m| m.roles.iter())
}

/// Everything `quote` needs about (account, user), gathered once.
struct Party<'s> {
    inner: &'s Inner,
    account: u32,
    acc: &'s crate::model::account::AccountRec,
    user: &'s UserRec,
    rules: &'s crate::model::scope::AccountRules,
    may_see_prices: bool,
}

impl<'s> Party<'s> {
    /// `None` when the user may not see the account's catalogue.
    fn new(
        inner: &'s Inner,
        account: u32,
        acc: &'s crate::model::account::AccountRec,
        user: &'s UserRec,
    ) -> Option<Party<'s>> {
        if user.disabled || !grants(inner, user, account, Permission::ViewCatalog) {
            return None;
        }
        Some(Party {
            inner,
            account,
            acc,
            user,
            rules: inner.account_rules.get(account as usize)?,
            may_see_prices: grants(inner, user, account, Permission::ViewPrices),
        })
    }

    /// Whether the SKU is visible: the first applicable rule (for this user's roles) targeting
    /// it decides, else the catalogue mode.
    fn visible(&self, sku: u32, rec: &crate::model::catalog::SkuRec) -> bool {
        let inner = self.inner;
        for &(_, i) in self.rules.visibility.iter() {
            let Some(rule) = inner.visibility_rules.get(i as usize) else {
                continue;
            };
            if !rule.roles.is_empty()
                && !reaching_roles(inner, self.user, self.account)
                    .any(|(name, _)| rule.roles.contains(name))
            {
                continue;
            }
            if rule.matches(sku, rec) {
                return rule.effect == Effect::Include;
            }
        }
        self.acc.catalog_mode == crate::format::CatalogMode::Open
    }

    /// The verdict for one visible or invisible SKU.
    fn line(
        &self,
        sku_id: &crate::id::Sku,
        sku: u32,
        rec: &crate::model::catalog::SkuRec,
        qty: u64,
        at: jiff::Timestamp,
    ) -> Result<QuoteOutcome, ResolveError> {
        let (inner, acc) = (self.inner, self.acc);
        if !self.visible(sku, rec) {
            return Ok(QuoteOutcome::NotVisible);
        }
        if !self.may_see_prices {
            return Ok(QuoteOutcome::PriceHidden);
        }
        if rec.quote_only {
            return Ok(QuoteOutcome::QuoteRequired);
        }
        // Selection: the same filters and policy as the explained path.
        let mut best: Option<(Decimal, u32, pricing::EntryView<'_>)> = None;
        for &(_, ai) in self.rules.prices.iter() {
            let Some(a) = inner.assignments.get(ai as usize) else {
                continue;
            };
            // Most candidate lists do not price a given SKU: skip them without a lookup.
            if !inner.sku_lists.may_price(a.list, sku) {
                continue;
            }
            let Some(list) = inner.lists.get(a.list as usize) else {
                continue;
            };
            if !a.valid.contains(at) || !list.valid.contains(at) || list.currency != acc.currency {
                continue;
            }
            let Ok(entry) = pricing::lookup_entry(&inner.lists, list, sku, &rec.categories, at)
            else {
                continue;
            };
            if entry.extra.valid.is_some_and(|w| !w.contains(at)) || qty < entry.first_min_qty() {
                continue;
            }
            let amount =
                pricing::price_line(&entry, list.tier_mode, qty, |_| {}).map_err(|()| {
                    ResolveError::Overflow {
                        sku: sku_id.clone(),
                        list: list.id.clone(),
                        qty,
                    }
                })?;
            let Some(amount) = amount else { continue };
            if best.as_ref().is_none_or(|(b, _, _)| amount < *b) {
                best = Some((amount, ai, entry));
            }
            if acc.policy == PricePolicy::Precedence {
                break;
            }
        }
        let Some((exact, ai, entry)) = best else {
            return Ok(QuoteOutcome::QuoteRequired);
        };
        let Some((a, list)) = inner
            .assignments
            .get(ai as usize)
            .and_then(|a| Some((a, inner.lists.get(a.list as usize)?)))
        else {
            return Ok(QuoteOutcome::QuoteRequired);
        };
        let above = entry.extra.quote_above.is_some_and(|limit| qty > limit);
        if list.quote_only || above {
            return Ok(QuoteOutcome::QuoteRequired);
        }
        Ok(QuoteOutcome::Priced {
            amount: list.currency.round(exact),
            exact_amount: exact,
            currency: list.currency,
            assignment: a.id.clone(),
        })
    }
}

/// A lean price sheet: every SKU visible to the user for the account, in SKU order, with the
/// verdict [`Snapshot::quote`] would give. The account- and user-level work is done once.
///
/// ```
/// use tradeterms::{Dataset, Snapshot};
/// let dataset: Dataset = serde_json::from_str(include_str!("../../examples/data/demo.json")).unwrap();
/// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
/// let sheet = snapshot.quote_sheet(&"abb-east".into(), &"john".into(), "2026-06-01T00:00:00Z".parse().unwrap(), 1).unwrap();
/// let lines: Vec<_> = sheet.collect::<Result<_, _>>().unwrap();
/// assert_eq!(lines.len(), 5); // six SKUs, but the saw is hidden from Abb East
/// ```
pub struct QuoteSheet<'s> {
    party: Option<Party<'s>>,
    next: usize,
    qty: u64,
    at: jiff::Timestamp,
}

impl Iterator for QuoteSheet<'_> {
    type Item = Result<(crate::id::Sku, QuoteOutcome), ResolveError>;

    fn next(&mut self) -> Option<Self::Item> {
        let party = self.party.as_ref()?;
        while let Some(rec) = party.inner.catalog.recs.get(self.next) {
            let sku = crate::model::validate::to_u32(self.next);
            self.next = self.next.saturating_add(1);
            match party.line(&rec.sku, sku, rec, self.qty, self.at) {
                Ok(QuoteOutcome::NotVisible) => continue,
                Ok(outcome) => return Some(Ok((rec.sku.clone(), outcome))),
                Err(e) => return Some(Err(e)),
            }
        }
        None
    }
}

impl Snapshot {
    /// The verdict and price of one line, exactly as [`Snapshot::resolve`] decides them, without
    /// building an explanation. Allocates nothing.
    pub fn quote(&self, query: &Query) -> Result<Quote, ResolveError> {
        let inner = self.inner();
        let (sku, rec) = self.line_sku(&query.sku, query.qty)?;
        let (account, acc, user) = self.account_and_user(&query.account, &query.user)?;
        let outcome = match Party::new(inner, account, acc, user) {
            None => QuoteOutcome::Denied,
            Some(party) => party.line(&query.sku, sku, rec, query.qty, query.at)?,
        };
        Ok(Quote {
            version: inner.version,
            outcome,
        })
    }

    /// The lean counterpart of [`Snapshot::price_sheet`]: every visible SKU with its
    /// [`QuoteOutcome`] at `qty`, in SKU order, without explanations. Empty for a user who may
    /// not see the catalogue.
    pub fn quote_sheet(
        &self,
        account: &crate::id::AccountId,
        user: &crate::id::UserId,
        at: jiff::Timestamp,
        qty: u64,
    ) -> Result<QuoteSheet<'_>, ResolveError> {
        if qty == 0 {
            return Err(ResolveError::ZeroQuantity(crate::id::Sku::new("*")));
        }
        let inner = self.inner();
        let (idx, acc, user) = self.account_and_user(account, user)?;
        Ok(QuoteSheet {
            party: Party::new(inner, idx, acc, user),
            next: 0,
            qty,
            at,
        })
    }
}
