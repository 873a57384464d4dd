//! What an operation does to a [`Dataset`]: find an entity by key, upsert it, remove it. The
//! rebuild path of `apply` edits the source data with these before building it again, and
//! `inverse` reads the entities a changeset touches with them.

use crate::format::changeset::{Entity, EntityRef, Op};
use crate::format::experiment::ExperimentData;
use crate::format::{
    AccountData, ApprovalPolicyData, AssignmentData, Dataset, EntryData, PaymentRuleData,
    PriceListData, RoleData, SegmentData, SkuData, UserData, VisibilityRuleData,
};
use crate::id::PriceListId;
use std::collections::HashMap;

/// Where a key was found in a dataset.
pub(crate) enum Found {
    Entity(Entity),
    Entry(PriceListId, EntryData),
}

/// Positions by id, the first item first: the same item `iter().find` would give.
fn positions<T>(items: &[T], key: impl Fn(&T) -> &str) -> HashMap<&str, usize> {
    let mut out = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.entry(key(item)).or_insert(i);
    }
    out
}

/// A dataset indexed by id, for finding many keys in it: each find is a lookup, not a pass over
/// the items of its kind, so reading the entities of a changeset of n operations costs n
/// lookups. Price entries are indexed only if a key asks for one.
pub(crate) struct Finder<'a> {
    data: &'a Dataset,
    accounts: HashMap<&'a str, usize>,
    roles: HashMap<&'a str, usize>,
    users: HashMap<&'a str, usize>,
    segments: HashMap<&'a str, usize>,
    catalog: HashMap<&'a str, usize>,
    price_lists: HashMap<&'a str, usize>,
    entries: std::cell::OnceCell<HashMap<(&'a str, String), &'a EntryData>>,
    assignments: HashMap<&'a str, usize>,
    visibility_rules: HashMap<&'a str, usize>,
    payment_rules: HashMap<&'a str, usize>,
    approval_policies: HashMap<&'a str, usize>,
    experiments: HashMap<&'a str, usize>,
}

impl<'a> Finder<'a> {
    pub(crate) fn new(data: &'a Dataset) -> Finder<'a> {
        Finder {
            data,
            accounts: positions(&data.accounts, |a| a.id.as_str()),
            roles: positions(&data.roles, |r| r.name.as_str()),
            users: positions(&data.users, |u| u.id.as_str()),
            segments: positions(&data.segments, |s| s.id.as_str()),
            catalog: positions(&data.catalog, |s| s.sku.as_str()),
            price_lists: positions(&data.price_lists, |l| l.id.as_str()),
            entries: std::cell::OnceCell::new(),
            assignments: positions(&data.assignments, |a| a.id.as_str()),
            visibility_rules: positions(&data.visibility_rules, |r| r.id.as_str()),
            payment_rules: positions(&data.payment_rules, |r| r.id.as_str()),
            approval_policies: positions(&data.approval_policies, |p| p.id.as_str()),
            experiments: positions(&data.experiments, |x| x.id.as_str()),
        }
    }

    /// The entity or entry `key` names, as it is in the dataset.
    pub(crate) fn find(&self, key: &EntityRef) -> Option<Found> {
        fn get<'x, T>(map: &HashMap<&str, usize>, items: &'x [T], id: &str) -> Option<&'x T> {
            map.get(id).and_then(|&i| items.get(i))
        }
        let d = self.data;
        let e = |e: Entity| Some(Found::Entity(e));
        match key {
            EntityRef::Account(id) => get(&self.accounts, &d.accounts, id.as_str())
                .and_then(|a| e(Entity::Account(a.clone()))),
            EntityRef::Role(id) => {
                get(&self.roles, &d.roles, id.as_str()).and_then(|r| e(Entity::Role(r.clone())))
            }
            EntityRef::User(id) => {
                get(&self.users, &d.users, id.as_str()).and_then(|u| e(Entity::User(u.clone())))
            }
            EntityRef::Segment(id) => get(&self.segments, &d.segments, id.as_str())
                .and_then(|s| e(Entity::Segment(s.clone()))),
            EntityRef::Sku(id) => {
                get(&self.catalog, &d.catalog, id.as_str()).and_then(|s| e(Entity::Sku(s.clone())))
            }
            EntityRef::PriceList(id) => get(&self.price_lists, &d.price_lists, id.as_str())
                .and_then(|l| e(Entity::PriceList(l.clone()))),
            EntityRef::Entry { list, sku, unit } => {
                let entries = self.entries.get_or_init(|| {
                    // The entries of the first list of each id, the first entry of each SKU.
                    let mut out = HashMap::new();
                    for (id, &i) in &self.price_lists {
                        for entry in d.price_lists.get(i).into_iter().flat_map(|l| &l.entries) {
                            let key = entry_key(
                                entry.sku.as_str(),
                                entry.unit.as_ref().map(|u| u.as_str()),
                            );
                            out.entry((*id, key)).or_insert(entry);
                        }
                    }
                    out
                });
                entries
                    .get(&(
                        list.as_str(),
                        entry_key(sku.as_str(), unit.as_ref().map(|u| u.as_str())),
                    ))
                    .map(|&entry| Found::Entry(list.clone(), entry.clone()))
            }
            EntityRef::Assignment(id) => get(&self.assignments, &d.assignments, id.as_str())
                .and_then(|a| e(Entity::Assignment(a.clone()))),
            EntityRef::VisibilityRule(id) => {
                get(&self.visibility_rules, &d.visibility_rules, id.as_str())
                    .and_then(|r| e(Entity::VisibilityRule(r.clone())))
            }
            EntityRef::PaymentRule(id) => get(&self.payment_rules, &d.payment_rules, id.as_str())
                .and_then(|r| e(Entity::PaymentRule(r.clone()))),
            EntityRef::ApprovalPolicy(id) => {
                get(&self.approval_policies, &d.approval_policies, id.as_str())
                    .and_then(|p| e(Entity::ApprovalPolicy(p.clone())))
            }
            EntityRef::Experiment(id) => get(&self.experiments, &d.experiments, id.as_str())
                .and_then(|x| e(Entity::Experiment(x.clone()))),
        }
    }
}

/// The items of one kind while a changeset edits them: a removed item leaves a hole (filled in
/// at the end, keeping the order of the rest), and an index from id to positions makes each
/// upsert or removal a lookup. The same result as replacing the first item with the id in
/// place or appending, and removing every item with the id, pass by pass.
struct Keyed<T> {
    items: Vec<Option<T>>,
    /// The first position of each id, and any later ones (a valid dataset has none: the
    /// empty vector costs no allocation).
    index: HashMap<String, (usize, Vec<usize>)>,
    key: KeyFn<T>,
}

/// How an item's key is read: borrowed (an id), or composed (a price entry's SKU and unit).
enum KeyFn<T> {
    Borrowed(fn(&T) -> &str),
    Owned(fn(&T) -> String),
}

impl<T> KeyFn<T> {
    fn of<'t>(&self, item: &'t T) -> std::borrow::Cow<'t, str> {
        match self {
            KeyFn::Borrowed(f) => std::borrow::Cow::Borrowed(f(item)),
            KeyFn::Owned(f) => std::borrow::Cow::Owned(f(item)),
        }
    }
}

/// The key of a price entry within its list: its SKU, and its unit when it names one (U2).
pub(crate) fn entry_key(sku: &str, unit: Option<&str>) -> String {
    match unit {
        None => sku.to_string(),
        // A NUL never appears in an id (refused at build), so the key is unambiguous.
        Some(u) => format!("{sku}\u{0}{u}"),
    }
}

impl<T> Keyed<T> {
    fn new(items: Vec<T>, key: KeyFn<T>) -> Keyed<T> {
        let mut index: HashMap<String, (usize, Vec<usize>)> = HashMap::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match index.entry(key.of(item).into_owned()) {
                std::collections::hash_map::Entry::Occupied(mut o) => o.get_mut().1.push(i),
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert((i, Vec::new()));
                }
            }
        }
        Keyed {
            items: items.into_iter().map(Some).collect(),
            index,
            key,
        }
    }

    /// Replaces the first item with the same id, or appends it; returns its position.
    fn upsert(&mut self, item: T) -> usize {
        let id = self.key.of(&item).into_owned();
        if let Some(&(pos, _)) = self.index.get(&id)
            && let Some(slot) = self.items.get_mut(pos)
        {
            *slot = Some(item);
            return pos;
        }
        let pos = self.items.len();
        self.index.insert(id, (pos, Vec::new()));
        self.items.push(Some(item));
        pos
    }

    /// Removes every item with the id, returning their positions (empty if there was none).
    fn remove(&mut self, id: &str) -> Vec<usize> {
        let removed: Vec<usize> = match self.index.remove(id) {
            Some((first, mut later)) => {
                later.insert(0, first);
                later
            }
            None => Vec::new(),
        };
        for &pos in &removed {
            if let Some(slot) = self.items.get_mut(pos) {
                *slot = None;
            }
        }
        removed
    }

    fn into_vec(self) -> Vec<T> {
        self.items.into_iter().flatten().collect()
    }
}

/// One kind of a dataset under edit: taken out of the dataset at its first edit and put back
/// at the end.
fn kind<'k, T>(
    slot: &'k mut Option<Keyed<T>>,
    items: &mut Vec<T>,
    key: fn(&T) -> &str,
) -> &'k mut Keyed<T> {
    slot.get_or_insert_with(|| Keyed::new(std::mem::take(items), KeyFn::Borrowed(key)))
}

/// Applies a changeset's operations to a dataset in order; `Err` names the first thing missing
/// (the dataset is then half edited: the caller drops it). Each operation is a lookup, so the
/// cost grows with the dataset plus the operations, not with their product.
pub(crate) fn apply_ops(data: &mut Dataset, ops: &[Op]) -> Result<(), EntityRef> {
    #[derive(Default)]
    struct Edits {
        accounts: Option<Keyed<AccountData>>,
        roles: Option<Keyed<RoleData>>,
        users: Option<Keyed<UserData>>,
        segments: Option<Keyed<SegmentData>>,
        catalog: Option<Keyed<SkuData>>,
        price_lists: Option<Keyed<PriceListData>>,
        /// The entries of the list at each position of `price_lists`, once edited.
        entries: HashMap<usize, Keyed<EntryData>>,
        assignments: Option<Keyed<AssignmentData>>,
        visibility_rules: Option<Keyed<VisibilityRuleData>>,
        payment_rules: Option<Keyed<PaymentRuleData>>,
        approval_policies: Option<Keyed<ApprovalPolicyData>>,
        experiments: Option<Keyed<ExperimentData>>,
    }
    let mut e = Edits::default();
    let result = ops.iter().try_for_each(|op| apply_one(data, &mut e, op));
    // Put every edited kind back, in order, holes removed.
    if let Some(k) = e.price_lists.as_mut() {
        for (pos, entries) in e.entries.drain() {
            if let Some(Some(list)) = k.items.get_mut(pos) {
                list.entries = entries.into_vec();
            }
        }
    }
    fn put<T>(slot: Option<Keyed<T>>, items: &mut Vec<T>) {
        if let Some(k) = slot {
            *items = k.into_vec();
        }
    }
    put(e.accounts, &mut data.accounts);
    put(e.roles, &mut data.roles);
    put(e.users, &mut data.users);
    put(e.segments, &mut data.segments);
    put(e.catalog, &mut data.catalog);
    put(e.price_lists, &mut data.price_lists);
    put(e.assignments, &mut data.assignments);
    put(e.visibility_rules, &mut data.visibility_rules);
    put(e.payment_rules, &mut data.payment_rules);
    put(e.approval_policies, &mut data.approval_policies);
    put(e.experiments, &mut data.experiments);
    return result;

    fn apply_one(data: &mut Dataset, e: &mut Edits, op: &Op) -> Result<(), EntityRef> {
        match op {
            Op::Upsert(entity) => match entity.clone() {
                Entity::Account(a) => {
                    kind(&mut e.accounts, &mut data.accounts, |x| x.id.as_str()).upsert(a);
                }
                Entity::Role(r) => {
                    kind(&mut e.roles, &mut data.roles, |x| x.name.as_str()).upsert(r);
                }
                Entity::User(u) => {
                    kind(&mut e.users, &mut data.users, |x| x.id.as_str()).upsert(u);
                }
                Entity::Segment(s) => {
                    kind(&mut e.segments, &mut data.segments, |x| x.id.as_str()).upsert(s);
                }
                Entity::Sku(s) => {
                    kind(&mut e.catalog, &mut data.catalog, |x| x.sku.as_str()).upsert(s);
                }
                Entity::PriceList(l) => {
                    let pos = kind(&mut e.price_lists, &mut data.price_lists, |x| x.id.as_str())
                        .upsert(l);
                    // The list is replaced whole: entries edited before go with it.
                    e.entries.remove(&pos);
                }
                Entity::Assignment(a) => {
                    kind(&mut e.assignments, &mut data.assignments, |x| x.id.as_str()).upsert(a);
                }
                Entity::VisibilityRule(r) => {
                    kind(&mut e.visibility_rules, &mut data.visibility_rules, |x| {
                        x.id.as_str()
                    })
                    .upsert(r);
                }
                Entity::PaymentRule(r) => {
                    kind(&mut e.payment_rules, &mut data.payment_rules, |x| {
                        x.id.as_str()
                    })
                    .upsert(r);
                }
                Entity::ApprovalPolicy(p) => {
                    kind(&mut e.approval_policies, &mut data.approval_policies, |x| {
                        x.id.as_str()
                    })
                    .upsert(p);
                }
                Entity::Experiment(x) => {
                    kind(&mut e.experiments, &mut data.experiments, |x| x.id.as_str()).upsert(x);
                }
            },
            Op::SetEntry { list, entry } => {
                entries_of(data, e, list)
                    .ok_or_else(|| EntityRef::PriceList(list.clone()))?
                    .upsert(entry.clone());
            }
            Op::Remove(key) => {
                let found = match key {
                    EntityRef::Account(id) => {
                        kind(&mut e.accounts, &mut data.accounts, |x| x.id.as_str())
                            .remove(id.as_str())
                    }
                    EntityRef::Role(id) => {
                        kind(&mut e.roles, &mut data.roles, |x| x.name.as_str()).remove(id.as_str())
                    }
                    EntityRef::User(id) => {
                        kind(&mut e.users, &mut data.users, |x| x.id.as_str()).remove(id.as_str())
                    }
                    EntityRef::Segment(id) => {
                        kind(&mut e.segments, &mut data.segments, |x| x.id.as_str())
                            .remove(id.as_str())
                    }
                    EntityRef::Sku(id) => {
                        kind(&mut e.catalog, &mut data.catalog, |x| x.sku.as_str())
                            .remove(id.as_str())
                    }
                    EntityRef::PriceList(id) => {
                        let removed =
                            kind(&mut e.price_lists, &mut data.price_lists, |x| x.id.as_str())
                                .remove(id.as_str());
                        for pos in &removed {
                            e.entries.remove(pos);
                        }
                        removed
                    }
                    EntityRef::Entry { list, sku, unit } => match entries_of(data, e, list) {
                        Some(entries) => entries
                            .remove(&entry_key(sku.as_str(), unit.as_ref().map(|u| u.as_str()))),
                        None => Vec::new(),
                    },
                    EntityRef::Assignment(id) => {
                        kind(&mut e.assignments, &mut data.assignments, |x| x.id.as_str())
                            .remove(id.as_str())
                    }
                    EntityRef::VisibilityRule(id) => {
                        kind(&mut e.visibility_rules, &mut data.visibility_rules, |x| {
                            x.id.as_str()
                        })
                        .remove(id)
                    }
                    EntityRef::PaymentRule(id) => {
                        kind(&mut e.payment_rules, &mut data.payment_rules, |x| {
                            x.id.as_str()
                        })
                        .remove(id)
                    }
                    EntityRef::ApprovalPolicy(id) => {
                        kind(&mut e.approval_policies, &mut data.approval_policies, |x| {
                            x.id.as_str()
                        })
                        .remove(id)
                    }
                    EntityRef::Experiment(id) => {
                        kind(&mut e.experiments, &mut data.experiments, |x| x.id.as_str())
                            .remove(id)
                    }
                };
                if found.is_empty() {
                    return Err(key.clone());
                }
            }
        }
        Ok(())
    }

    /// The entries of the first list with this id, under edit; `None` if there is no such list.
    fn entries_of<'e>(
        data: &mut Dataset,
        e: &'e mut Edits,
        list: &PriceListId,
    ) -> Option<&'e mut Keyed<EntryData>> {
        let lists = kind(&mut e.price_lists, &mut data.price_lists, |x| x.id.as_str());
        let (pos, _) = *lists.index.get(list.as_str())?;
        let slot = lists.items.get_mut(pos)?.as_mut()?;
        Some(match e.entries.entry(pos) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => v.insert(Keyed::new(
                std::mem::take(&mut slot.entries),
                KeyFn::Owned(|x| entry_key(x.sku.as_str(), x.unit.as_ref().map(|u| u.as_str()))),
            )),
        })
    }
}
