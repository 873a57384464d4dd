//! Changeset operations over a generated dataset, for governance properties.
//!
//! Like the generator, an operation is drawn as raw indexes (`prop::sample::Index`) and turned
//! into an [`Op`] against a given dataset by reading the dataset's actual ids (its accounts,
//! absolute lists, SKUs and assignments), never an id scheme: the same raw operation works on
//! any dataset, and shrinks independently of it.

use proptest::prelude::*;
use proptest::sample::Index;
use tradeterms::{
    Dataset, Decimal, Entity, EntityRef, EntryData, Op, PricePolicy, Scope, TierData,
};

/// An account id no generated dataset holds (a dangling parent).
pub const MISSING_ACCOUNT: &str = "no-such-account";
/// An assignment id no generated dataset holds (what removing or moving an assignment names
/// when the dataset has none: the changeset is refused as naming something missing).
pub const MISSING_ASSIGNMENT: &str = "no-such-assignment";

/// One operation of a changeset, as indexes into the dataset it is applied to.
#[derive(Clone, Debug)]
pub enum RawChange {
    /// Sets a one-tier price (from quantity 1) for a SKU on an absolute list: the price-entry
    /// fast path.
    SetEntry { list: Index, sku: Index, cents: u32 },
    /// Moves an assignment to the subtree of an account (a structural change).
    MoveAssignment { assignment: Index, account: Index },
    /// Removes an assignment.
    RemoveAssignment { assignment: Index },
    /// Re-parents an account onto one earlier in the dataset's list (the first account keeps
    /// no parent). Generated datasets list parents before children, so this never makes a
    /// cycle on its own.
    Reparent { account: Index, parent: Index },
}

/// Price entries, assignment moves and removals one each in five, account re-parenting two in
/// five.
pub fn raw_change() -> impl Strategy<Value = RawChange> {
    prop_oneof![
        1 => (any::<Index>(), any::<Index>(), 0u32..50_000)
            .prop_map(|(list, sku, cents)| RawChange::SetEntry { list, sku, cents }),
        1 => (any::<Index>(), any::<Index>())
            .prop_map(|(assignment, account)| RawChange::MoveAssignment { assignment, account }),
        1 => any::<Index>().prop_map(|assignment| RawChange::RemoveAssignment { assignment }),
        2 => (any::<Index>(), any::<Index>())
            .prop_map(|(account, parent)| RawChange::Reparent { account, parent }),
    ]
}

impl RawChange {
    /// The operation on `ds` (which must have an account, an SKU and a price list, as every
    /// generated dataset does).
    pub fn op(&self, ds: &Dataset) -> Op {
        match self {
            RawChange::SetEntry { list, sku, cents } => {
                // Absolute lists only (entries of a relative list cannot be set); all lists
                // should a dataset have no absolute one.
                let absolute: Vec<_> = ds
                    .price_lists
                    .iter()
                    .filter(|l| l.relative.is_none())
                    .collect();
                let lists = if absolute.is_empty() {
                    ds.price_lists.iter().collect()
                } else {
                    absolute
                };
                Op::SetEntry {
                    list: lists[list.index(lists.len())].id.clone(),
                    entry: EntryData::new(
                        ds.catalog[sku.index(ds.catalog.len())].sku.clone(),
                        vec![TierData::new(1u64, Decimal::new(i64::from(*cents), 2))],
                    ),
                }
            }
            RawChange::MoveAssignment {
                assignment,
                account,
            } => {
                if ds.assignments.is_empty() {
                    return Op::Remove(EntityRef::Assignment(MISSING_ASSIGNMENT.into()));
                }
                let mut a = ds.assignments[assignment.index(ds.assignments.len())].clone();
                a.scope = Scope::Subtree(ds.accounts[account.index(ds.accounts.len())].id.clone());
                Op::Upsert(Entity::Assignment(a))
            }
            RawChange::RemoveAssignment { assignment } => {
                let id = if ds.assignments.is_empty() {
                    MISSING_ASSIGNMENT.into()
                } else {
                    ds.assignments[assignment.index(ds.assignments.len())]
                        .id
                        .clone()
                };
                Op::Remove(EntityRef::Assignment(id))
            }
            RawChange::Reparent { account, parent } => {
                let i = account.index(ds.accounts.len());
                let mut a = ds.accounts[i].clone();
                a.parent = (i > 0).then(|| ds.accounts[parent.index(i)].id.clone());
                Op::Upsert(Entity::Account(a))
            }
        }
    }
}

/// A change to one account's tree settings: any parent (including one inside the account's own
/// subtree, a cycle, or a missing one), price policy and `inherit.price_lists`.
#[derive(Clone, Debug)]
pub struct RawAccountEdit {
    pub account: Index,
    /// `None` makes the account a root; an index picks among the accounts and one missing id.
    pub parent: Option<Index>,
    pub policy: Option<PricePolicy>,
    pub inherit_prices: bool,
}

pub fn raw_account_edit() -> impl Strategy<Value = RawAccountEdit> {
    (
        any::<Index>(),
        prop::option::of(any::<Index>()),
        prop_oneof![
            Just(None),
            Just(Some(PricePolicy::Precedence)),
            Just(Some(PricePolicy::LowestPrice)),
        ],
        any::<bool>(),
    )
        .prop_map(|(account, parent, policy, inherit_prices)| RawAccountEdit {
            account,
            parent,
            policy,
            inherit_prices,
        })
}

impl RawAccountEdit {
    /// The upsert of the edited account of `ds`.
    pub fn op(&self, ds: &Dataset) -> Op {
        let n = ds.accounts.len();
        let mut a = ds.accounts[self.account.index(n)].clone();
        a.parent = self.parent.map(|p| match ds.accounts.get(p.index(n + 1)) {
            Some(parent) => parent.id.clone(),
            None => MISSING_ACCOUNT.into(),
        });
        a.price_policy = self.policy;
        a.inherit.price_lists = self.inherit_prices;
        Op::Upsert(Entity::Account(a))
    }
}
