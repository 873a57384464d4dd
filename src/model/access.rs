//! Who may act for which account, and what they may do there.
//!
//! Roles are data: a name mapped to permissions. Presets (`viewer`, `buyer`, `approver`,
//! `admin`) are always available and a dataset may replace any of them by defining a role of the
//! same name. A user may act for an account when one of their enabled memberships is at that
//! account, or at an ancestor with `subtree` reach; their permissions there are the union of the
//! roles of every such membership. Everything else is denied: deny is the default. What a user
//! may do at one account is decided in [`crate::decide::entitlement`].

use crate::error::{BuildProblem, EntityKind};
use crate::format::{Permission, Reach, RoleData, UserData};
use crate::id::{RoleName, UserId};
use crate::model::account::Accounts;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The preset roles and their permissions.
pub(crate) fn presets() -> Vec<RoleData> {
    use Permission::*;
    let role = |name: &str, permissions: &[Permission]| RoleData {
        name: RoleName::new(name),
        permissions: permissions.to_vec(),
    };
    vec![
        role("viewer", &[ViewCatalog, ViewPrices]),
        role("buyer", &[ViewCatalog, ViewPrices, Buy, RequestQuote]),
        role("approver", &[ViewCatalog, ViewPrices, Approve]),
        role(
            "admin",
            &[ViewCatalog, ViewPrices, Buy, RequestQuote, Approve, Manage],
        ),
    ]
}

/// A validated membership.
#[derive(Clone, Debug)]
pub(crate) struct MembershipRec {
    pub(crate) account: u32,
    /// Role names, sorted, with their permission sets resolved (one byte each, not a tree set
    /// cloned into every membership).
    pub(crate) roles: Vec<(RoleName, Grants)>,
    /// Every permission one of `roles` grants: what "may the user do this" reads on the hot
    /// path, without following the roles' vector and sets (two cache misses a query).
    pub(crate) grants: Grants,
    pub(crate) reach: Reach,
    pub(crate) disabled: bool,
    pub(crate) spending_limit: Option<rust_decimal::Decimal>,
    /// Limits in other currencies (C3), as declared.
    pub(crate) spending_limits: Vec<crate::money::Money>,
}

/// A set of permissions as bits, one per [`Permission`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Grants(u8);

impl Grants {
    fn bit(p: Permission) -> u8 {
        match p {
            Permission::ViewCatalog => 1,
            Permission::ViewPrices => 2,
            Permission::Buy => 4,
            Permission::RequestQuote => 8,
            Permission::Approve => 16,
            Permission::Manage => 32,
        }
    }

    /// The union of `perms`.
    pub(crate) fn of(perms: impl IntoIterator<Item = Permission>) -> Grants {
        Grants(perms.into_iter().fold(0, |bits, p| bits | Grants::bit(p)))
    }

    /// Whether `p` is in the set.
    pub(crate) fn contains(self, p: Permission) -> bool {
        self.0 & Grants::bit(p) != 0
    }

    /// The union of two sets.
    fn union(self, other: Grants) -> Grants {
        Grants(self.0 | other.0)
    }
}

/// A validated user.
#[derive(Clone, Debug)]
pub(crate) struct UserRec {
    pub(crate) id: UserId,
    pub(crate) disabled: bool,
    pub(crate) memberships: Vec<MembershipRec>,
}

/// All users and roles.
#[derive(Clone, Debug, Default)]
pub(crate) struct Users {
    pub(crate) recs: Vec<UserRec>,
    /// User index by id: positions in `recs` hashed by the id in the record, which is stored
    /// once ([`IdIndex`](crate::model::id_map::IdIndex)).
    index: crate::model::id_map::IdIndex,
    /// Every role that exists (presets and the dataset's), for checking rules that name roles.
    pub(crate) role_names: BTreeSet<RoleName>,
    /// Enabled memberships of enabled users, by the account they are held at: (user, reach,
    /// role names). Used to find approvers without scanning every user.
    pub(crate) by_account: HashMap<u32, Vec<(u32, Reach, Vec<RoleName>)>>,
}

impl Users {
    pub(crate) fn get(&self, idx: u32) -> Option<&UserRec> {
        self.recs.get(idx as usize)
    }

    pub(crate) fn lookup(&self, id: &str) -> Option<u32> {
        self.index.find(id, |i| {
            self.recs
                .get(i as usize)
                .is_some_and(|r| r.id.as_str() == id)
        })
    }

    pub(crate) fn build(
        roles: &[RoleData],
        users: &[UserData],
        accounts: &Accounts,
        problems: &mut Vec<BuildProblem>,
    ) -> Users {
        let mut role_map: BTreeMap<RoleName, Grants> = presets()
            .into_iter()
            .map(|r| (r.name, Grants::of(r.permissions)))
            .collect();
        let mut defined: BTreeSet<&RoleName> = BTreeSet::new();
        for (position, r) in roles.iter().enumerate() {
            if r.name.as_str().is_empty() {
                problems.push(BuildProblem::EmptyId {
                    kind: EntityKind::Role,
                    position,
                });
                continue;
            }
            if !defined.insert(&r.name) {
                problems.push(BuildProblem::DuplicateId {
                    kind: EntityKind::Role,
                    id: r.name.to_string(),
                });
                continue;
            }
            role_map.insert(r.name.clone(), Grants::of(r.permissions.iter().copied()));
        }

        let mut sorted: Vec<(usize, &UserData)> = users.iter().enumerate().collect();
        sorted.sort_by(|a, b| a.1.id.cmp(&b.1.id));
        let mut recs: Vec<UserRec> = Vec::with_capacity(users.len());
        for (position, u) in sorted {
            if u.id.as_str().is_empty() {
                problems.push(BuildProblem::EmptyId {
                    kind: EntityKind::User,
                    position,
                });
                continue;
            }
            if recs.last().is_some_and(|prev| prev.id == u.id) {
                problems.push(BuildProblem::DuplicateId {
                    kind: EntityKind::User,
                    id: u.id.to_string(),
                });
                continue;
            }
            let mut memberships = Vec::with_capacity(u.memberships.len());
            for m in &u.memberships {
                let Some(account) = accounts.lookup(m.account.as_str()) else {
                    problems.push(BuildProblem::DanglingReference {
                        from_kind: EntityKind::User,
                        from: u.id.to_string(),
                        to_kind: EntityKind::Account,
                        to: m.account.to_string(),
                    });
                    continue;
                };
                let mut held = Vec::with_capacity(m.roles.len());
                for role in &m.roles {
                    match role_map.get(role) {
                        Some(perms) => held.push((role.clone(), *perms)),
                        None => problems.push(BuildProblem::UnknownRole {
                            user: u.id.clone(),
                            account: m.account.clone(),
                            role: role.to_string(),
                        }),
                    }
                }
                for limit in m
                    .spending_limit
                    .into_iter()
                    .chain(m.spending_limits.iter().map(|l| l.amount))
                    .filter(|l| *l < rust_decimal::Decimal::ZERO)
                {
                    problems.push(BuildProblem::NegativeSpendingLimit {
                        user: u.id.clone(),
                        account: m.account.clone(),
                        limit: limit.to_string(),
                    });
                }
                held.sort_by(|a, b| a.0.cmp(&b.0));
                held.dedup_by(|a, b| a.0 == b.0);
                let grants = held
                    .iter()
                    .fold(Grants::default(), |all, (_, perms)| all.union(*perms));
                memberships.push(MembershipRec {
                    account,
                    grants,
                    roles: held,
                    reach: m.reach,
                    disabled: m.disabled,
                    spending_limit: m.spending_limit,
                    spending_limits: m.spending_limits.clone(),
                });
            }
            recs.push(UserRec {
                id: u.id.clone(),
                disabled: u.disabled,
                memberships,
            });
        }
        let index = crate::model::id_map::IdIndex::build(recs.iter().map(|r| r.id.as_str()));
        let role_names = role_map.into_keys().collect();
        let mut by_account: HashMap<u32, Vec<(u32, Reach, Vec<RoleName>)>> = HashMap::new();
        for (ui, u) in recs.iter().enumerate() {
            if u.disabled {
                continue;
            }
            for m in u.memberships.iter().filter(|m| !m.disabled) {
                by_account.entry(m.account).or_default().push((
                    crate::model::validate::to_u32(ui),
                    m.reach,
                    m.roles.iter().map(|(n, _)| n.clone()).collect(),
                ));
            }
        }
        Users {
            recs,
            index,
            role_names,
            by_account,
        }
    }

    /// Users other than `except` (if any) holding `role` through an enabled membership that reaches
    /// `account` (at it, or at an ancestor with subtree reach), sorted by id.
    pub(crate) fn holding_role_at(
        &self,
        role: &RoleName,
        account: u32,
        accounts: &Accounts,
        except: Option<u32>,
    ) -> Vec<UserId> {
        let Some(acc) = accounts.get(account) else {
            return Vec::new();
        };
        let mut out: Vec<UserId> = Vec::new();
        for (level, &at) in std::iter::once(&account)
            .chain(acc.ancestors.iter())
            .enumerate()
        {
            for (user, reach, roles) in self.by_account.get(&at).map(Vec::as_slice).unwrap_or(&[]) {
                if Some(*user) == except || (level > 0 && *reach != Reach::Subtree) {
                    continue;
                }
                if roles.contains(role)
                    && let Some(u) = self.get(*user)
                {
                    out.push(u.id.clone());
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}
