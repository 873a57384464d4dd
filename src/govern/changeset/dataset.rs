//! What an operation does to a [`Dataset`]: find an entity by key, upsert it, remove it. The
//! rebuild path of `apply` edits the source data with these before building it again, and
//! `inverse` reads the entities a changeset touches with them.

use crate::format::changeset::{Entity, EntityRef, Op};
use crate::format::{Dataset, EntryData};
use crate::id::PriceListId;

/// Where a key was found in a dataset.
pub(crate) enum Found {
    Entity(Entity),
    Entry(PriceListId, EntryData),
}

pub(crate) fn find(data: &Dataset, key: &EntityRef) -> Option<Found> {
    let e = |e: Entity| Some(Found::Entity(e));
    match key {
        EntityRef::Account(id) => data
            .accounts
            .iter()
            .find(|a| &a.id == id)
            .and_then(|a| e(Entity::Account(a.clone()))),
        EntityRef::Role(id) => data
            .roles
            .iter()
            .find(|r| &r.name == id)
            .and_then(|r| e(Entity::Role(r.clone()))),
        EntityRef::User(id) => data
            .users
            .iter()
            .find(|u| &u.id == id)
            .and_then(|u| e(Entity::User(u.clone()))),
        EntityRef::Segment(id) => data
            .segments
            .iter()
            .find(|s| &s.id == id)
            .and_then(|s| e(Entity::Segment(s.clone()))),
        EntityRef::Sku(id) => data
            .catalog
            .iter()
            .find(|s| &s.sku == id)
            .and_then(|s| e(Entity::Sku(s.clone()))),
        EntityRef::PriceList(id) => data
            .price_lists
            .iter()
            .find(|l| &l.id == id)
            .and_then(|l| e(Entity::PriceList(l.clone()))),
        EntityRef::Entry { list, sku } => data
            .price_lists
            .iter()
            .find(|l| &l.id == list)
            .and_then(|l| l.entries.iter().find(|x| &x.sku == sku))
            .map(|entry| Found::Entry(list.clone(), entry.clone())),
        EntityRef::Assignment(id) => data
            .assignments
            .iter()
            .find(|a| &a.id == id)
            .and_then(|a| e(Entity::Assignment(a.clone()))),
        EntityRef::VisibilityRule(id) => data
            .visibility_rules
            .iter()
            .find(|r| &r.id == id)
            .and_then(|r| e(Entity::VisibilityRule(r.clone()))),
        EntityRef::PaymentRule(id) => data
            .payment_rules
            .iter()
            .find(|r| &r.id == id)
            .and_then(|r| e(Entity::PaymentRule(r.clone()))),
        EntityRef::ApprovalPolicy(id) => data
            .approval_policies
            .iter()
            .find(|p| &p.id == id)
            .and_then(|p| e(Entity::ApprovalPolicy(p.clone()))),
    }
}

/// Replaces the item with the same id, or appends it.
fn upsert<T>(items: &mut Vec<T>, item: T, same: impl Fn(&T, &T) -> bool) {
    match items.iter().position(|x| same(x, &item)) {
        Some(pos) => {
            if let Some(slot) = items.get_mut(pos) {
                *slot = item;
            }
        }
        None => items.push(item),
    }
}

/// Removes the item matching `is`; `false` if there was none.
fn remove<T>(items: &mut Vec<T>, is: impl Fn(&T) -> bool) -> bool {
    let before = items.len();
    items.retain(|x| !is(x));
    items.len() != before
}

/// Applies one operation to a dataset; `Err` names what is missing.
pub(crate) fn apply_op(data: &mut Dataset, op: &Op) -> Result<(), EntityRef> {
    match op {
        Op::Upsert(entity) => match entity.clone() {
            Entity::Account(a) => upsert(&mut data.accounts, a, |x, y| x.id == y.id),
            Entity::Role(r) => upsert(&mut data.roles, r, |x, y| x.name == y.name),
            Entity::User(u) => upsert(&mut data.users, u, |x, y| x.id == y.id),
            Entity::Segment(s) => upsert(&mut data.segments, s, |x, y| x.id == y.id),
            Entity::Sku(s) => upsert(&mut data.catalog, s, |x, y| x.sku == y.sku),
            Entity::PriceList(l) => upsert(&mut data.price_lists, l, |x, y| x.id == y.id),
            Entity::Assignment(a) => upsert(&mut data.assignments, a, |x, y| x.id == y.id),
            Entity::VisibilityRule(r) => upsert(&mut data.visibility_rules, r, |x, y| x.id == y.id),
            Entity::PaymentRule(r) => upsert(&mut data.payment_rules, r, |x, y| x.id == y.id),
            Entity::ApprovalPolicy(p) => {
                upsert(&mut data.approval_policies, p, |x, y| x.id == y.id)
            }
        },
        Op::SetEntry { list, entry } => {
            let l = data
                .price_lists
                .iter_mut()
                .find(|l| &l.id == list)
                .ok_or_else(|| EntityRef::PriceList(list.clone()))?;
            upsert(&mut l.entries, entry.clone(), |x, y| x.sku == y.sku);
        }
        Op::Remove(key) => {
            let found = match key {
                EntityRef::Account(id) => remove(&mut data.accounts, |x| &x.id == id),
                EntityRef::Role(id) => remove(&mut data.roles, |x| &x.name == id),
                EntityRef::User(id) => remove(&mut data.users, |x| &x.id == id),
                EntityRef::Segment(id) => remove(&mut data.segments, |x| &x.id == id),
                EntityRef::Sku(id) => remove(&mut data.catalog, |x| &x.sku == id),
                EntityRef::PriceList(id) => remove(&mut data.price_lists, |x| &x.id == id),
                EntityRef::Entry { list, sku } => data
                    .price_lists
                    .iter_mut()
                    .find(|l| &l.id == list)
                    .is_some_and(|l| remove(&mut l.entries, |x| &x.sku == sku)),
                EntityRef::Assignment(id) => remove(&mut data.assignments, |x| &x.id == id),
                EntityRef::VisibilityRule(id) => {
                    remove(&mut data.visibility_rules, |x| &x.id == id)
                }
                EntityRef::PaymentRule(id) => remove(&mut data.payment_rules, |x| &x.id == id),
                EntityRef::ApprovalPolicy(id) => {
                    remove(&mut data.approval_policies, |x| &x.id == id)
                }
            };
            if !found {
                return Err(key.clone());
            }
        }
    }
    Ok(())
}
