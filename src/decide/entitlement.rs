//! Entitlement (SEMANTICS E1-E7): who may act for an account, and what they may do there.
//!
//! A user may act for an account when one of their enabled memberships is at that account, or
//! at an ancestor with `subtree` reach; their permissions there are the union of the roles of
//! every such membership. Everything else is denied: deny is the default. Answering a
//! permission walks the user's memberships without allocating, so the lean path pays nothing
//! for the explanation the explaining path builds from the same walk ([`Entitled::access`]).

use crate::decide::resolution::{Access, Grant, Refusal};
use crate::format::{Permission, Reach};
use crate::id::RoleName;
use crate::model::access::{MembershipRec, UserRec};
use crate::model::account::{AccountRec, Accounts};

/// What one user may do at one account (E1-E3).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entitled<'s> {
    user: &'s UserRec,
    /// `None` for an account the snapshot does not have: no membership reaches it, so the user
    /// is refused exactly as at an account they may not act for (R2), and learns nothing of
    /// whether it exists.
    account: Option<u32>,
    ancestors: &'s [u32],
    accounts: &'s Accounts,
}

impl<'s> Entitled<'s> {
    pub(crate) fn new(user: &'s UserRec, account: u32, accounts: &'s Accounts) -> Entitled<'s> {
        let ancestors = accounts.get(account).map(|a| &*a.ancestors).unwrap_or(&[]);
        Entitled {
            user,
            account: Some(account),
            ancestors,
            accounts,
        }
    }

    /// [`Entitled::new`] given the account's record (`account`'s), which it would look up.
    pub(crate) fn at(
        user: &'s UserRec,
        account: u32,
        rec: &'s AccountRec,
        accounts: &'s Accounts,
    ) -> Entitled<'s> {
        Entitled {
            user,
            account: Some(account),
            ancestors: &rec.ancestors,
            accounts,
        }
    }

    /// The user at an account the snapshot does not have: refused everything, for the same
    /// reason as at an existing account none of their memberships reaches (R2).
    pub(crate) fn nowhere(user: &'s UserRec, accounts: &'s Accounts) -> Entitled<'s> {
        Entitled {
            user,
            account: None,
            ancestors: &[],
            accounts,
        }
    }

    /// The enabled memberships reaching the account (E1); none for a disabled user (E2).
    fn reaching(&self) -> impl Iterator<Item = &'s MembershipRec> + '_ {
        let (account, ancestors) = (self.account, self.ancestors);
        self.user.memberships.iter().filter(move |m| {
            !self.user.disabled
                && !m.disabled
                && account.is_some_and(|account| {
                    m.account == account
                        || (m.reach == Reach::Subtree && ancestors.contains(&m.account))
                })
        })
    }

    /// The role granting `p` that an explanation names (E7): the alphabetically first, held
    /// through the membership at the lowest account index.
    fn granting(&self, p: Permission) -> Option<(&'s RoleName, u32)> {
        let mut best: Option<(&RoleName, u32)> = None;
        for m in self.reaching() {
            for (name, perms) in &m.roles {
                if perms.contains(p) && best.is_none_or(|b| (name, m.account) < b) {
                    best = Some((name, m.account));
                }
            }
        }
        best
    }

    /// Whether an enabled membership of the user reaches the account (E1, E2).
    pub(crate) fn is_member(&self) -> bool {
        self.reaching().next().is_some()
    }

    /// Whether the user may do `p` for the account (E3).
    pub(crate) fn may(&self, p: Permission) -> bool {
        self.reaching().any(|m| m.grants.contains(p))
    }

    /// Whether the user holds one of `roles` for the account: rules limited to roles apply
    /// only to their holders (S6).
    pub(crate) fn holds_any(&self, roles: &[RoleName]) -> bool {
        self.reaching().any(|m| {
            m.roles
                .iter()
                .any(|(held, _)| roles.iter().any(|r| r == held))
        })
    }

    /// The roles held for the account, sorted, each once.
    pub(crate) fn roles(&self) -> Vec<RoleName> {
        let mut roles: Vec<RoleName> = self
            .reaching()
            .flat_map(|m| m.roles.iter().map(|(n, _)| n.clone()))
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }

    /// Why `p` is refused, for a permission [`Entitled::may`] refuses (E2).
    pub(crate) fn refusal(&self, p: Permission) -> Refusal {
        if self.user.disabled {
            Refusal::UserDisabled
        } else if self.reaching().next().is_none() {
            Refusal::NotEntitled
        } else {
            Refusal::MissingPermission {
                permission: p,
                roles: self.roles(),
            }
        }
    }

    /// The explained form: each permission granted or refused, and why (E2, E7).
    pub(crate) fn access(&self) -> Access {
        let grant = |p: Permission| -> Grant {
            match self.granting(p) {
                Some((role, via)) => Grant::Allowed {
                    role: role.clone(),
                    via: self.accounts.id_of(via).clone(),
                },
                None => Grant::Refused(self.refusal(p)),
            }
        };
        Access {
            view_catalog: grant(Permission::ViewCatalog),
            view_prices: grant(Permission::ViewPrices),
            buy: grant(Permission::Buy),
            request_quote: grant(Permission::RequestQuote),
            spending_limit: self.reaching().filter_map(|m| m.spending_limit).min(),
        }
    }

    /// The requester's spending limit for an order in `currency` (C3): the lowest of the
    /// reaching memberships' `spending_limit` when it is the account's default currency, of
    /// their `spending_limits` in that currency otherwise; `None` when none states one.
    pub(crate) fn spending_limit_in(
        &self,
        currency: crate::money::Currency,
        default: crate::money::Currency,
    ) -> Option<rust_decimal::Decimal> {
        if currency == default {
            return self.reaching().filter_map(|m| m.spending_limit).min();
        }
        self.reaching()
            .flat_map(|m| m.spending_limits.iter())
            .filter(|l| l.currency == currency)
            .map(|l| l.amount)
            .min()
    }
}
