//! The explained answer to one query, [`Snapshot::resolve`], and the lookups every query starts
//! with (R1): the SKU and quantity, the account and the user, checked as each call checks them.

use crate::decide::core::{Actor, Party};
use crate::decide::entitlement::Entitled;
use crate::decide::explain::Explain;
use crate::decide::resolution::{Query, Resolution};
use crate::decide::sheet::PriceSheet;
use crate::error::ResolveError;
use crate::id::{AccountId, Sku, UserId};
use crate::model::access::UserRec;
use crate::model::account::AccountRec;
use crate::model::catalog::SkuRec;
use crate::model::snapshot::Snapshot;
use jiff::Timestamp;

impl Snapshot {
    /// Answers one query: whether the user may act for the account, whether the SKU is visible
    /// to them, and the explained price of the line. Errors only for the query's own inputs (an
    /// unknown id, a zero quantity) or an amount too large for exact arithmetic.
    pub fn resolve(&self, query: &Query) -> Result<Resolution, ResolveError> {
        let (sku, rec) = self.line_sku(&query.sku, query.qty)?;
        let (party, entitled) = self.party(&query.account, &query.user, query.at)?;
        let (visibility, outcome) = party.explain(sku, rec, query.qty)?;
        Ok(Resolution {
            version: self.inner().version,
            query: query.clone(),
            access: entitled.access(),
            visibility,
            experiments: party.experiments(),
            outcome,
        })
    }

    /// Streams the account's price sheet for the user at `at`: every SKU visible to them, in SKU
    /// order, with its outcome at quantity `qty` (use 1 for unit prices). Each line agrees with
    /// [`Snapshot::resolve`] for the same SKU; the account-level work is done once.
    pub fn price_sheet(
        &self,
        account: &AccountId,
        user: &UserId,
        at: Timestamp,
        qty: u64,
    ) -> Result<PriceSheet<'_>, ResolveError> {
        if qty == 0 {
            return Err(ResolveError::ZeroSheetQuantity);
        }
        let (party, entitled) = self.party(account, user, at)?;
        Ok(PriceSheet::new(party, entitled.access(), qty))
    }

    /// The SKU of a line, checked as every query checks it: known, and a quantity of at least 1.
    pub(crate) fn line_sku(&self, sku: &Sku, qty: u64) -> Result<(u32, &SkuRec), ResolveError> {
        let catalog = &self.inner().catalog;
        let (idx, rec) = catalog
            .lookup(sku.as_str())
            .and_then(|idx| Some((idx, catalog.get(idx)?)))
            .ok_or_else(|| ResolveError::UnknownSku(sku.clone()))?;
        if qty == 0 {
            return Err(ResolveError::ZeroQuantity(sku.clone()));
        }
        Ok((idx, rec))
    }

    /// The account and the user of a query, both known.
    pub(crate) fn account_and_user(
        &self,
        account: &AccountId,
        user: &UserId,
    ) -> Result<(u32, &AccountRec, &UserRec), ResolveError> {
        let inner = self.inner();
        let (idx, acc) = inner
            .accounts
            .lookup(account.as_str())
            .and_then(|idx| Some((idx, inner.accounts.get(idx)?)))
            .ok_or_else(|| ResolveError::UnknownAccount(account.clone()))?;
        let user_rec = inner
            .users
            .lookup(user.as_str())
            .and_then(|u| inner.users.get(u))
            .ok_or_else(|| ResolveError::UnknownUser(user.clone()))?;
        Ok((idx, acc, user_rec))
    }

    /// The user's entitlement at the account.
    pub(crate) fn entitle(
        &self,
        account: &AccountId,
        user: &UserId,
    ) -> Result<(u32, &AccountRec, Entitled<'_>), ResolveError> {
        let (idx, acc, user) = self.account_and_user(account, user)?;
        Ok((idx, acc, Entitled::new(user, idx, &self.inner().accounts)))
    }

    /// The party of a query: the account, the user acting for it, and the instant.
    pub(crate) fn party(
        &self,
        account: &AccountId,
        user: &UserId,
        at: Timestamp,
    ) -> Result<(Party<'_>, Entitled<'_>), ResolveError> {
        let (idx, acc, entitled) = self.entitle(account, user)?;
        let party = Party::new(self.inner(), idx, acc, Actor::User(entitled), at);
        Ok((party, entitled))
    }
}

impl<'s> Party<'s> {
    /// The explained decision for one line: the visibility (absent when the user may not see
    /// the catalogue) and the outcome.
    pub(crate) fn explain(
        &self,
        sku: u32,
        rec: &'s SkuRec,
        qty: u64,
    ) -> Result<
        (
            Option<crate::decide::resolution::Visibility>,
            crate::decide::resolution::Outcome,
        ),
        ResolveError,
    > {
        let mut recorder = Explain::default();
        let verdict = self.decide(sku, rec, qty, &mut recorder)?;
        let visibility = self.may_view_catalog().then(|| {
            let visible = !matches!(verdict, crate::decide::core::Verdict::NotVisible);
            recorder.visibility(self, visible)
        });
        Ok((visibility, recorder.outcome(self, verdict)))
    }

    /// The experiments whose rules reached the account, with its arm in each (X4); none for a
    /// user who may not see the catalogue.
    pub(crate) fn experiments(&self) -> Vec<crate::model::experiment::ExperimentArm> {
        match self.rules {
            Some(r) if self.may_view_catalog() => r.experiments.to_vec(),
            _ => Vec::new(),
        }
    }
}
