//! The lean answer: the same decision as [`Snapshot::resolve`], without the explanation.
//!
//! A storefront rendering a listing or a cart asks thousands of questions and needs only the
//! verdict and the price. [`Snapshot::quote`] follows exactly the steps of `resolve`
//! (entitlement, visibility, quote-only SKU, candidate selection by the account's policy, quote
//! thresholds) over the same precomputed, borrowed data, but builds no candidate list, no tier
//! split and no strings: it allocates nothing. Its answer always agrees with `resolve`'s, which a
//! property test checks.

use crate::access::UserRec;
use crate::dataset::{Effect, Permission, PricePolicy, Reach};
use crate::error::ResolveError;
use crate::id::{AssignmentId, RoleName};
use crate::money::Currency;
use crate::pricing;
use crate::resolution::Query;
use crate::snapshot::{Inner, Snapshot};
use rust_decimal::Decimal;
use serde::Serialize;

/// The verdict of a [`Snapshot::quote`].
///
/// ```
/// use tradeterms::{Dataset, Query, QuoteOutcome, Snapshot};
/// let dataset: Dataset = serde_json::from_str(include_str!("../examples/data/demo.json")).unwrap();
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

impl Snapshot {
    /// The verdict and price of one line, exactly as [`Snapshot::resolve`] decides them, without
    /// building an explanation. Allocates nothing.
    pub fn quote(&self, query: &Query) -> Result<Quote, ResolveError> {
        let inner = self.inner();
        let (sku, rec) = self.line_sku(&query.sku, query.qty)?;
        let (account, acc, user) = self.account_and_user(&query.account, &query.user)?;
        let done = |outcome| {
            Ok(Quote {
                version: inner.version,
                outcome,
            })
        };
        if user.disabled || !grants(inner, user, account, Permission::ViewCatalog) {
            return done(QuoteOutcome::Denied);
        }
        let Some(rules) = inner.account_rules.get(account as usize) else {
            return done(QuoteOutcome::Denied);
        };

        // Visibility: the first applicable rule (for this user's roles) targeting the SKU.
        let mut decided: Option<Effect> = None;
        for &(_, i) in rules.visibility.iter() {
            let Some(rule) = inner.visibility_rules.get(i as usize) else {
                continue;
            };
            if !rule.roles.is_empty()
                && !reaching_roles(inner, user, account).any(|(name, _)| rule.roles.contains(name))
            {
                continue;
            }
            if rule.matches(sku, rec) {
                decided = Some(rule.effect);
                break;
            }
        }
        let visible = match decided {
            Some(effect) => effect == Effect::Include,
            None => acc.catalog_mode == crate::dataset::CatalogMode::Open,
        };
        if !visible {
            return done(QuoteOutcome::NotVisible);
        }
        if !grants(inner, user, account, Permission::ViewPrices) {
            return done(QuoteOutcome::PriceHidden);
        }
        if rec.quote_only {
            return done(QuoteOutcome::QuoteRequired);
        }

        // Selection: the same filters and policy as the explained path.
        let at = query.at;
        let mut best: Option<(Decimal, u32, pricing::EntryView<'_>)> = None;
        for &(_, ai) in rules.prices.iter() {
            let Some(a) = inner.assignments.get(ai as usize) else {
                continue;
            };
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
            if entry.extra.valid.is_some_and(|w| !w.contains(at))
                || query.qty < entry.first_min_qty()
            {
                continue;
            }
            let amount =
                pricing::price_line(&entry, list.tier_mode, query.qty, |_| {}).map_err(|()| {
                    ResolveError::Overflow {
                        sku: query.sku.clone(),
                        list: list.id.clone(),
                        qty: query.qty,
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
            return done(QuoteOutcome::QuoteRequired);
        };
        let (Some(a), Some(list)) = (
            inner.assignments.get(ai as usize),
            inner
                .assignments
                .get(ai as usize)
                .and_then(|a| inner.lists.get(a.list as usize)),
        ) else {
            return done(QuoteOutcome::QuoteRequired);
        };
        let above = entry
            .extra
            .quote_above
            .is_some_and(|limit| query.qty > limit);
        if list.quote_only || above {
            return done(QuoteOutcome::QuoteRequired);
        }
        done(QuoteOutcome::Priced {
            amount: list.currency.round(exact),
            exact_amount: exact,
            currency: list.currency,
            assignment: a.id.clone(),
        })
    }
}
