//! The order of checks for one (account, user, instant): entitlement, visibility, price.
//!
//! A [`Context`] gathers once everything that depends on the account and the user (what they
//! may do, which visibility rules and price assignments apply, in precedence order), so that a
//! single `resolve` and a whole price sheet share the same code and a price sheet does the
//! account-level work only once.

use crate::decide::resolution::{Grant, Outcome, RuleRef, Specificity, Visibility};
use crate::error::ResolveError;
use crate::id::{AccountId, SegmentId};
use crate::model::access::Entitlement;
use crate::model::account::AccountRec;
use crate::model::catalog::SkuRec;
use crate::model::pricing::ListRec;
use crate::model::pricing::build::AssignmentRec;
use crate::model::pricing::select::{self, Line};
use crate::model::scope::Level;
use crate::model::snapshot::Inner;
use crate::model::visibility::{self, VisRule};
use jiff::Timestamp;

/// Everything about (account, user, at) that does not depend on the SKU.
pub(crate) struct Context<'s> {
    inner: &'s Inner,
    acc: &'s AccountRec,
    pub(crate) entitlement: Entitlement,
    at: Timestamp,
    visibility: Vec<(Level, &'s VisRule)>,
    prices: Vec<(Level, &'s AssignmentRec, &'s ListRec)>,
    /// The experiments whose rules reached the account, with its arm in each.
    pub(crate) experiments: Vec<crate::model::experiment::ExperimentArm>,
}

impl<'s> Context<'s> {
    pub(crate) fn new(
        inner: &'s Inner,
        account: u32,
        acc: &'s AccountRec,
        entitlement: Entitlement,
        at: Timestamp,
    ) -> Context<'s> {
        let entitled = entitlement.access.view_catalog.is_allowed();
        let rules = inner.account_rules.get(account as usize);
        let roles = &entitlement.roles;
        let visibility = match rules {
            Some(r) if entitled => r
                .visibility
                .iter()
                .filter_map(|&(level, i)| {
                    inner.visibility_rules.get(i as usize).map(|v| (level, v))
                })
                .filter(|(_, v)| {
                    v.roles.is_empty() || v.roles.iter().any(|x| roles.binary_search(x).is_ok())
                })
                .collect(),
            _ => Vec::new(),
        };
        let prices = match rules {
            Some(r) if entitled && entitlement.access.view_prices.is_allowed() => r
                .prices
                .iter()
                .filter_map(|&(level, i)| {
                    let rec = inner.assignments.get(i as usize)?;
                    let list = inner.lists.get(rec.list as usize)?;
                    Some((level, rec, &**list))
                })
                .collect(),
            _ => Vec::new(),
        };
        let experiments = match rules {
            Some(r) if entitled => r.experiments.to_vec(),
            _ => Vec::new(),
        };
        Context {
            inner,
            acc,
            entitlement,
            at,
            visibility,
            prices,
            experiments,
        }
    }

    /// The account's own view, for comparing snapshots: a user holding every permission and
    /// no role-limited rule. `None` if the account does not exist.
    pub(crate) fn for_account(
        inner: &'s Inner,
        account: &crate::id::AccountId,
        at: Timestamp,
    ) -> Option<Context<'s>> {
        let idx = inner.accounts.lookup(account.as_str())?;
        let acc = inner.accounts.get(idx)?;
        let grant = || Grant::Allowed {
            role: crate::id::RoleName::new("*"),
            via: acc.id.clone(),
        };
        let entitlement = Entitlement {
            access: crate::decide::resolution::Access {
                view_catalog: grant(),
                view_prices: grant(),
                buy: grant(),
                request_quote: grant(),
                spending_limit: None,
            },
            roles: Vec::new(),
        };
        Some(Context::new(inner, idx, acc, entitlement, at))
    }

    /// Visibility and outcome for one SKU. Denied users get no visibility and no price;
    /// invisible SKUs get no price.
    pub(crate) fn answer(
        &self,
        sku: u32,
        rec: &SkuRec,
        qty: u64,
    ) -> Result<(Option<Visibility>, Outcome), ResolveError> {
        let access = &self.entitlement.access;
        if let Grant::Refused(r) = &access.view_catalog {
            return Ok((None, Outcome::Denied(r.clone())));
        }
        let vis = self.visibility(sku, rec);
        if !vis.visible {
            return Ok((Some(vis), Outcome::NotVisible));
        }
        if let Grant::Refused(r) = &access.view_prices {
            return Ok((Some(vis), Outcome::PriceHidden(r.clone())));
        }
        if rec.quote_only {
            return Ok((
                Some(vis),
                Outcome::QuoteRequired(crate::decide::resolution::QuoteRequired {
                    reason: crate::decide::resolution::QuoteReason::SkuQuoteOnly,
                    candidates: Vec::new(),
                }),
            ));
        }
        let outcome = select::select(
            &self.inner.lists,
            &self.prices,
            &select::Account {
                currency: self.acc.currency,
                policy: self.acc.policy,
            },
            &Line {
                sku_id: &rec.sku,
                sku,
                categories: &rec.categories,
                qty,
                at: self.at,
            },
            |level| specificity(self.inner, level),
        )?;
        Ok((Some(vis), outcome))
    }

    /// Whether a SKU is visible, without building the explanation.
    pub(crate) fn is_visible(&self, sku: u32, rec: &SkuRec) -> bool {
        visibility::decide(&self.visibility, sku, rec, self.acc.catalog_mode).visible
    }

    fn visibility(&self, sku: u32, rec: &SkuRec) -> Visibility {
        let d = visibility::decide(&self.visibility, sku, rec, self.acc.catalog_mode);
        let rule_ref = |i: usize| {
            self.visibility.get(i).map(|(level, rule)| RuleRef {
                id: rule.id.clone(),
                owner: rule.owner.clone(),
                specificity: specificity(self.inner, level),
                roles: rule.roles.clone(),
            })
        };
        Visibility {
            visible: d.visible,
            mode: self.acc.catalog_mode,
            decided_by: d.decided_by.and_then(rule_ref),
            effect: d
                .decided_by
                .and_then(|i| self.visibility.get(i))
                .map(|(_, r)| r.effect),
            overridden: d.overridden.into_iter().filter_map(rule_ref).collect(),
        }
    }
}

/// The public form of a scope level.
pub(crate) fn specificity(inner: &Inner, level: &Level) -> Specificity {
    match level {
        Level::Own => Specificity::Account,
        Level::Ancestor { distance, account } => Specificity::Ancestor {
            distance: *distance,
            account: inner
                .accounts
                .get(*account)
                .map(|a| a.id.clone())
                .unwrap_or_else(|| AccountId::new("")),
        },
        Level::Segment(s) => Specificity::Segment(
            inner
                .segments
                .get(*s as usize)
                .map(|s| s.id.clone())
                .unwrap_or_else(|| SegmentId::new("")),
        ),
        Level::Everyone => Specificity::Everyone,
    }
}
