//! A deliberately naive reference resolver, written from the text of `/tmp/semantics.md`
//! (points 1-8), not from `src/`.
//!
//! It works directly on the `Dataset`: no indexes, no precomputation. Every lookup is a linear
//! scan, the account tree is walked by searching the accounts vector for each parent, and every
//! assignment is tested against the literal scope rules. The result is a plain, comparable
//! [`Answer`]; [`from_engine`] converts the engine's `Resolution` into the same shape.
#![allow(
    dead_code,
    reason = "each test crate uses a part of the shared helpers"
)]

use rust_decimal::RoundingStrategy;
use tradeterms::{
    AccountData, CandidateStatus, Dataset, Decimal, EntryData, Outcome, Permission, PriceListData,
    PricePolicy, Query, Reach, Refusal, Resolution, ResolveError, Scope, Specificity, TierMode,
    Timestamp, Window, WindowOf,
};

// ---------------------------------------------------------------------------------------------
// The comparable answer
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Denied,
    NotVisible,
    PriceHidden,
    Priced,
    QuoteRequired,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefRefusal {
    NotEntitled,
    UserDisabled,
    /// The permission lacking and the roles held (sorted, unique).
    MissingPermission(Permission, Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Own,
    Ancestor { distance: u32, account: String },
    Segment(String),
    Everyone,
}

impl Level {
    /// The precedence class of point 4: own < ancestor by distance < segment < everyone; all
    /// segments are one class.
    fn class(&self) -> (u8, u32) {
        match self {
            Level::Own => (0, 0),
            Level::Ancestor { distance, .. } => (1, *distance),
            Level::Segment(_) => (2, 0),
            Level::Everyone => (3, 0),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Won,
    NotValid {
        /// "assignment", "list", "entry" or "base_list:<id>".
        of: String,
        from: Option<Timestamp>,
        until: Option<Timestamp>,
        not_yet: bool,
    },
    OtherCurrency(String),
    NoEntry,
    BelowMinimumQuantity(u64),
    LowerPrecedence {
        winner: String,
    },
    HigherPrice {
        amount: Decimal,
        winner: String,
    },
}

impl Status {
    pub fn kind_name(&self) -> &'static str {
        match self {
            Status::Won => "won",
            Status::NotValid { .. } => "not_valid",
            Status::OtherCurrency(_) => "other_currency",
            Status::NoEntry => "no_entry",
            Status::BelowMinimumQuantity(_) => "below_minimum_quantity",
            Status::LowerPrecedence { .. } => "lower_precedence",
            Status::HigherPrice { .. } => "higher_price",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cand {
    pub assignment: String,
    pub list: String,
    pub level: Level,
    pub priority: i32,
    pub status: Status,
}

/// (min_qty, units, unit_price, amount)
pub type Slice = (u64, u64, Decimal, Decimal);

/// (relative list, its base, category, percent), outermost first.
pub type Adj = (String, String, Option<String>, Decimal);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub kind: Kind,
    /// The error variant's name, for `Kind::Error`.
    pub error: Option<String>,
    /// For Denied / PriceHidden.
    pub refusal: Option<RefRefusal>,
    /// [view_catalog, view_prices, buy, request_quote] allowed (`None` for an error).
    pub access: Option<[bool; 4]>,
    /// The policy in force (Priced only).
    pub policy: Option<PricePolicy>,
    /// The winning assignment (Priced only).
    pub winner: Option<String>,
    /// (list, list name, list owner, level, priority) of the winner.
    pub source: Option<(String, String, String, Level, i32)>,
    pub currency: Option<String>,
    pub tier_mode: Option<TierMode>,
    pub slices: Vec<Slice>,
    pub exact_amount: Option<Decimal>,
    pub amount: Option<Decimal>,
    pub adjustments: Vec<Adj>,
    pub candidates: Vec<Cand>,
}

impl Answer {
    fn bare(kind: Kind) -> Answer {
        Answer {
            kind,
            error: None,
            refusal: None,
            access: None,
            policy: None,
            winner: None,
            source: None,
            currency: None,
            tier_mode: None,
            slices: Vec::new(),
            exact_amount: None,
            amount: None,
            adjustments: Vec::new(),
            candidates: Vec::new(),
        }
    }

    fn error(name: &str) -> Answer {
        Answer {
            error: Some(name.to_string()),
            ..Answer::bare(Kind::Error)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Naive lookups
// ---------------------------------------------------------------------------------------------

fn find_account<'d>(ds: &'d Dataset, id: &str) -> Option<&'d AccountData> {
    ds.accounts.iter().find(|a| a.id.as_str() == id)
}

fn find_list<'d>(ds: &'d Dataset, id: &str) -> Option<&'d PriceListData> {
    ds.price_lists.iter().find(|l| l.id.as_str() == id)
}

fn parent_of<'d>(ds: &'d Dataset, a: &AccountData) -> Option<&'d AccountData> {
    a.parent.as_ref().and_then(|p| find_account(ds, p.as_str()))
}

/// Ancestor ids, nearest first (parent first).
pub fn ancestors(ds: &Dataset, account: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = find_account(ds, account);
    while let Some(a) = cur {
        match parent_of(ds, a) {
            Some(p) => {
                out.push(p.id.as_str().to_string());
                cur = Some(p);
            }
            None => break,
        }
        if out.len() > ds.accounts.len() {
            break;
        }
    }
    out
}

fn in_window(w: &Option<Window>, at: Timestamp) -> bool {
    match w {
        None => true,
        Some(w) => w.from.is_none_or(|f| f <= at) && w.until.is_none_or(|u| at < u),
    }
}

fn not_valid(of: String, w: &Option<Window>, at: Timestamp) -> Status {
    let w = w.unwrap_or_default();
    Status::NotValid {
        of,
        from: w.from,
        until: w.until,
        not_yet: w.from.is_some_and(|f| at < f),
    }
}

fn role_permissions(ds: &Dataset, role: &str) -> Vec<Permission> {
    use Permission::*;
    if let Some(r) = ds.roles.iter().find(|r| r.name.as_str() == role) {
        return r.permissions.clone();
    }
    match role {
        "viewer" => vec![ViewCatalog, ViewPrices],
        "buyer" => vec![ViewCatalog, ViewPrices, Buy, RequestQuote],
        "approver" => vec![ViewCatalog, ViewPrices, Approve],
        "admin" => vec![ViewCatalog, ViewPrices, Buy, RequestQuote, Approve, Manage],
        _ => vec![],
    }
}

/// Whether `cat` is `prefix` or below it.
fn covers(prefix: &str, cat: &str) -> bool {
    cat == prefix || cat.starts_with(&format!("{prefix}/"))
}

fn depth(cat: &str) -> usize {
    cat.split('/').filter(|s| !s.is_empty()).count()
}

// ---------------------------------------------------------------------------------------------
// Entitlement (point 2)
// ---------------------------------------------------------------------------------------------

/// Enabled memberships of `user` that reach `account` (the user itself must be enabled, checked
/// by the caller): at the account with any reach, or at an ancestor with subtree reach.
pub fn reaching_memberships<'d>(
    ds: &'d Dataset,
    user: &'d tradeterms::UserData,
    account: &str,
) -> Vec<&'d tradeterms::MembershipData> {
    let ancestors = ancestors(ds, account);
    user.memberships
        .iter()
        .filter(|m| !m.disabled)
        .filter(|m| {
            m.account.as_str() == account
                || (m.reach == Reach::Subtree && ancestors.iter().any(|a| a == m.account.as_str()))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Prices (points 5 and 7)
// ---------------------------------------------------------------------------------------------

enum Miss {
    NoEntry,
    BaseNotValid(String, Option<Window>),
    Overflow,
}

/// An entry seen through a list: tiers as (min_qty, unit price), the entry's window, and the
/// adjustments applied, outermost first.
type Entry = (Vec<(u64, Decimal)>, Option<Window>, Vec<Adj>);

/// The entry a list has for a SKU, derived through relative lists.
fn entry_for(
    ds: &Dataset,
    list: &PriceListData,
    sku: &str,
    categories: &[String],
    at: Timestamp,
    depth_left: usize,
) -> Result<Entry, Miss> {
    match &list.relative {
        None => {
            let e: &EntryData = list
                .entries
                .iter()
                .find(|e| e.sku.as_str() == sku)
                .ok_or(Miss::NoEntry)?;
            Ok((
                e.tiers.iter().map(|t| (t.min_qty, t.unit_price)).collect(),
                e.valid,
                Vec::new(),
            ))
        }
        Some(rel) => {
            if depth_left == 0 {
                return Err(Miss::NoEntry);
            }
            // The adjustment with the deepest category covering one of the SKU's categories;
            // no category covers everything at depth 0; equal depth -> first listed.
            let mut best: Option<(usize, &tradeterms::AdjustmentData)> = None;
            for adj in &rel.adjustments {
                let d = match &adj.category {
                    None => Some(0),
                    Some(c) => categories.iter().any(|sc| covers(c, sc)).then(|| depth(c)),
                };
                if let Some(d) = d
                    && best.is_none_or(|(bd, _)| d > bd)
                {
                    best = Some((d, adj));
                }
            }
            let (_, adj) = best.ok_or(Miss::NoEntry)?;
            let base = find_list(ds, rel.base.as_str()).ok_or(Miss::NoEntry)?;
            if !in_window(&base.valid, at) {
                return Err(Miss::BaseNotValid(base.id.to_string(), base.valid));
            }
            let (tiers, window, inner) = entry_for(ds, base, sku, categories, at, depth_left - 1)?;
            let factor = Decimal::ONE_HUNDRED
                .checked_add(adj.percent)
                .ok_or(Miss::Overflow)?;
            let mut derived = Vec::with_capacity(tiers.len());
            for (m, p) in tiers {
                let q = p
                    .checked_mul(factor)
                    .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
                    .ok_or(Miss::Overflow)?;
                derived.push((m, q));
            }
            let mut adjustments = vec![(
                list.id.to_string(),
                base.id.to_string(),
                adj.category.clone(),
                adj.percent,
            )];
            adjustments.extend(inner);
            Ok((derived, window, adjustments))
        }
    }
}

/// Point 7: the slices and the exact amount of `qty` units, `None` on overflow.
pub fn price_line(
    tiers: &[(u64, Decimal)],
    mode: TierMode,
    qty: u64,
) -> Option<(Vec<Slice>, Decimal)> {
    let mut slices = Vec::new();
    match mode {
        TierMode::Volume => {
            // The tier with the highest min_qty <= qty prices every unit.
            let (m, p) = tiers
                .iter()
                .filter(|(m, _)| *m <= qty)
                .max_by_key(|(m, _)| *m)
                .copied()?;
            let amount = p.checked_mul(Decimal::from(qty))?;
            slices.push((m, qty, p, amount));
        }
        TierMode::Graduated => {
            for (i, &(m, p)) in tiers.iter().enumerate() {
                if m > qty {
                    continue; // tier not reached
                }
                let first = if i == 0 { 1 } else { m };
                let last = match tiers.get(i + 1) {
                    Some(&(next, _)) => (next - 1).min(qty),
                    None => qty,
                };
                let units = last - first + 1;
                let amount = p.checked_mul(Decimal::from(units))?;
                slices.push((m, units, p, amount));
            }
        }
    }
    let mut total = Decimal::ZERO;
    for s in &slices {
        total = total.checked_add(s.3)?;
    }
    Some((slices, total))
}

pub fn minor_units(code: &str) -> u32 {
    tradeterms::Currency::from_code(code)
        .map(|c| c.minor_units())
        .unwrap_or(2)
}

pub fn round(code: &str, exact: Decimal) -> Decimal {
    exact.round_dp_with_strategy(minor_units(code), RoundingStrategy::MidpointAwayFromZero)
}

// ---------------------------------------------------------------------------------------------
// Candidates (points 3 and 4)
// ---------------------------------------------------------------------------------------------

/// How (and whether) an assignment's scope reaches `account`.
fn reach(ds: &Dataset, scope: &Scope, account: &AccountData) -> Option<Level> {
    let me = account.id.as_str();
    match scope {
        Scope::Account(a) => (a.as_str() == me).then_some(Level::Own),
        Scope::Subtree(x) => {
            if x.as_str() == me {
                return Some(Level::Own);
            }
            // Walk up while the receiving account inherits price lists.
            let mut receiving = account;
            let mut distance = 0u32;
            loop {
                if !receiving.inherit.price_lists {
                    return None;
                }
                let parent = parent_of(ds, receiving)?;
                distance += 1;
                if parent.id == *x {
                    return Some(Level::Ancestor {
                        distance,
                        account: x.to_string(),
                    });
                }
                receiving = parent;
                if distance as usize > ds.accounts.len() {
                    return None;
                }
            }
        }
        Scope::Segment(s) => ds
            .segments
            .iter()
            .find(|seg| seg.id == *s)
            .filter(|seg| seg.accounts.iter().any(|a| a.as_str() == me))
            .map(|_| Level::Segment(s.to_string())),
        Scope::Everyone => Some(Level::Everyone),
    }
}

/// The effective policy: the nearest set on the account or an ancestor, else precedence.
pub fn policy(ds: &Dataset, account: &AccountData) -> PricePolicy {
    let mut cur = Some(account);
    let mut steps = 0;
    while let Some(a) = cur {
        if let Some(p) = a.price_policy {
            return p;
        }
        cur = parent_of(ds, a);
        steps += 1;
        if steps > ds.accounts.len() {
            break;
        }
    }
    PricePolicy::Precedence
}

enum Lost {
    Status(Status),
    Overflow,
}

/// One evaluated candidate: `Ok((slices, exact, currency, mode, adjustments))` when eligible.
type Eligible = (Vec<Slice>, Decimal, String, TierMode, Vec<Adj>);

/// The candidates reaching the account, in order, each with its hard-filter result (point 5);
/// eligible ones carry their priced line. `Err(name)` on overflow.
fn evaluate(
    ds: &Dataset,
    account: &AccountData,
    sku: &tradeterms::SkuData,
    qty: u64,
    at: Timestamp,
) -> Result<Vec<(Cand, Option<Eligible>)>, String> {
    let mut reached: Vec<(Level, &tradeterms::AssignmentData)> = ds
        .assignments
        .iter()
        .filter_map(|a| reach(ds, &a.scope, account).map(|l| (l, a)))
        .collect();
    reached.sort_by(|(la, a), (lb, b)| {
        la.class()
            .cmp(&lb.class())
            .then(b.priority.cmp(&a.priority))
            .then(a.id.cmp(&b.id))
    });
    let mut out = Vec::new();
    for (level, a) in reached {
        let list = find_list(ds, a.price_list.as_str()).expect("dangling list");
        let mut cand = Cand {
            assignment: a.id.to_string(),
            list: list.id.to_string(),
            level,
            priority: a.priority,
            status: Status::NoEntry,
        };
        // The hard filters of point 5, in order; the first failure is the status.
        let status: Result<Eligible, Lost> = (|| {
            if !in_window(&a.valid, at) {
                return Err(Lost::Status(not_valid("assignment".into(), &a.valid, at)));
            }
            if !in_window(&list.valid, at) {
                return Err(Lost::Status(not_valid("list".into(), &list.valid, at)));
            }
            if list.currency != account.currency {
                return Err(Lost::Status(Status::OtherCurrency(list.currency.clone())));
            }
            let (tiers, entry_window, adjustments) =
                match entry_for(ds, list, sku.sku.as_str(), &sku.categories, at, 64) {
                    Ok(e) => e,
                    Err(Miss::NoEntry) => return Err(Lost::Status(Status::NoEntry)),
                    Err(Miss::BaseNotValid(base, w)) => {
                        return Err(Lost::Status(not_valid(format!("base_list:{base}"), &w, at)));
                    }
                    Err(Miss::Overflow) => return Err(Lost::Overflow),
                };
            if !in_window(&entry_window, at) {
                return Err(Lost::Status(not_valid("entry".into(), &entry_window, at)));
            }
            let first = tiers.first().map(|t| t.0).unwrap_or(u64::MAX);
            if qty < first {
                return Err(Lost::Status(Status::BelowMinimumQuantity(first)));
            }
            let (slices, exact) = price_line(&tiers, list.tier_mode, qty).ok_or(Lost::Overflow)?;
            Ok((
                slices,
                exact,
                list.currency.clone(),
                list.tier_mode,
                adjustments,
            ))
        })();
        match status {
            Ok(e) => out.push((cand, Some(e))),
            Err(Lost::Overflow) => return Err("Overflow".into()),
            Err(Lost::Status(s)) => {
                cand.status = s;
                out.push((cand, None));
            }
        }
    }
    Ok(out)
}

/// Per candidate, in order: (assignment id, exact line amount if eligible). For properties.
pub fn candidate_amounts(ds: &Dataset, q: &Query) -> Vec<(String, Option<Decimal>)> {
    let account = find_account(ds, q.account.as_str()).unwrap();
    let sku = ds.catalog.iter().find(|s| s.sku == q.sku).unwrap();
    evaluate(ds, account, sku, q.qty, q.at)
        .unwrap()
        .into_iter()
        .map(|(c, e)| (c.assignment, e.map(|e| e.1)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The resolver
// ---------------------------------------------------------------------------------------------

/// Resolves one query by the literal rules.
pub fn resolve(ds: &Dataset, q: &Query) -> Answer {
    // Point 1. (Generated queries have at most one fault, so the order of these checks is
    // not observable.)
    let Some(sku) = ds.catalog.iter().find(|s| s.sku == q.sku) else {
        return Answer::error("UnknownSku");
    };
    if q.qty == 0 {
        return Answer::error("ZeroQuantity");
    }
    let Some(account) = find_account(ds, q.account.as_str()) else {
        return Answer::error("UnknownAccount");
    };
    let Some(user) = ds.users.iter().find(|u| u.id == q.user) else {
        return Answer::error("UnknownUser");
    };

    // Point 2.
    let refused = |kind: Kind, r: RefRefusal, access: [bool; 4]| Answer {
        refusal: Some(r),
        access: Some(access),
        ..Answer::bare(kind)
    };
    if user.disabled {
        return refused(Kind::Denied, RefRefusal::UserDisabled, [false; 4]);
    }
    let memberships = reaching_memberships(ds, user, account.id.as_str());
    if memberships.is_empty() {
        return refused(Kind::Denied, RefRefusal::NotEntitled, [false; 4]);
    }
    let mut roles: Vec<String> = memberships
        .iter()
        .flat_map(|m| m.roles.iter().map(|r| r.to_string()))
        .collect();
    roles.sort();
    roles.dedup();
    let perms: Vec<Permission> = roles.iter().flat_map(|r| role_permissions(ds, r)).collect();
    let has = |p: Permission| perms.contains(&p);
    let access = [
        has(Permission::ViewCatalog),
        has(Permission::ViewPrices),
        has(Permission::Buy),
        has(Permission::RequestQuote),
    ];
    if !has(Permission::ViewCatalog) {
        return refused(
            Kind::Denied,
            RefRefusal::MissingPermission(Permission::ViewCatalog, roles),
            access,
        );
    }
    if !has(Permission::ViewPrices) {
        return refused(
            Kind::PriceHidden,
            RefRefusal::MissingPermission(Permission::ViewPrices, roles),
            access,
        );
    }

    // Points 3-5.
    let evaluated = match evaluate(ds, account, sku, q.qty, q.at) {
        Ok(e) => e,
        Err(name) => return Answer::error(&name),
    };

    // Point 6.
    let policy = policy(ds, account);
    let winner: Option<usize> = match policy {
        PricePolicy::Precedence => evaluated.iter().position(|(_, e)| e.is_some()),
        PricePolicy::LowestPrice => {
            let mut best: Option<(usize, Decimal)> = None;
            for (i, (_, e)) in evaluated.iter().enumerate() {
                if let Some(e) = e
                    && best.is_none_or(|(_, b)| e.1 < b)
                {
                    best = Some((i, e.1));
                }
            }
            best.map(|(i, _)| i)
        }
    };

    let Some(w) = winner else {
        // Point 8.
        return Answer {
            access: Some(access),
            candidates: evaluated.into_iter().map(|(c, _)| c).collect(),
            ..Answer::bare(Kind::QuoteRequired)
        };
    };
    let winner_id = evaluated[w].0.assignment.clone();
    let (w_slices, w_exact, w_currency, w_mode, w_adjustments) = evaluated[w].1.clone().unwrap();
    let w_cand = evaluated[w].0.clone();
    let w_list = find_list(ds, &w_cand.list).unwrap();
    let candidates = evaluated
        .into_iter()
        .enumerate()
        .map(|(i, (mut c, e))| {
            if let Some(e) = e {
                c.status = if i == w {
                    Status::Won
                } else if policy == PricePolicy::LowestPrice && e.1 > w_exact {
                    Status::HigherPrice {
                        amount: e.1,
                        winner: winner_id.clone(),
                    }
                } else {
                    Status::LowerPrecedence {
                        winner: winner_id.clone(),
                    }
                };
            }
            c
        })
        .collect();
    Answer {
        access: Some(access),
        policy: Some(policy),
        winner: Some(winner_id),
        source: Some((
            w_list.id.to_string(),
            w_list.name.clone(),
            w_list.owner.clone(),
            w_cand.level,
            w_cand.priority,
        )),
        amount: Some(round(&w_currency, w_exact)),
        currency: Some(w_currency),
        tier_mode: Some(w_mode),
        slices: w_slices,
        exact_amount: Some(w_exact),
        adjustments: w_adjustments,
        candidates,
        ..Answer::bare(Kind::Priced)
    }
}

// ---------------------------------------------------------------------------------------------
// Engine -> Answer
// ---------------------------------------------------------------------------------------------

fn level_of(s: &Specificity) -> Level {
    match s {
        Specificity::Account => Level::Own,
        Specificity::Ancestor { distance, account } => Level::Ancestor {
            distance: *distance,
            account: account.to_string(),
        },
        Specificity::Segment(s) => Level::Segment(s.to_string()),
        Specificity::Everyone => Level::Everyone,
    }
}

fn refusal_of(r: &Refusal) -> RefRefusal {
    match r {
        Refusal::NotEntitled => RefRefusal::NotEntitled,
        Refusal::UserDisabled => RefRefusal::UserDisabled,
        Refusal::MissingPermission { permission, roles } => {
            let mut roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
            roles.sort();
            roles.dedup();
            RefRefusal::MissingPermission(*permission, roles)
        }
        other => panic!("unexpected refusal {other:?}"),
    }
}

fn status_of(s: &CandidateStatus) -> Status {
    match s {
        CandidateStatus::Won => Status::Won,
        CandidateStatus::NotValid {
            of,
            window,
            not_yet,
        } => Status::NotValid {
            of: match of {
                WindowOf::Assignment => "assignment".into(),
                WindowOf::List => "list".into(),
                WindowOf::Entry => "entry".into(),
                WindowOf::BaseList(b) => format!("base_list:{b}"),
            },
            from: window.from,
            until: window.until,
            not_yet: *not_yet,
        },
        CandidateStatus::OtherCurrency { currency } => Status::OtherCurrency(currency.to_string()),
        CandidateStatus::NoEntry => Status::NoEntry,
        CandidateStatus::BelowMinimumQuantity { min_qty } => Status::BelowMinimumQuantity(*min_qty),
        CandidateStatus::LowerPrecedence { winner } => Status::LowerPrecedence {
            winner: winner.to_string(),
        },
        CandidateStatus::HigherPrice { amount, winner } => Status::HigherPrice {
            amount: *amount,
            winner: winner.to_string(),
        },
        other => panic!("unexpected status {other:?}"),
    }
}

fn cands_of(cs: &[tradeterms::Candidate]) -> Vec<Cand> {
    cs.iter()
        .map(|c| Cand {
            assignment: c.assignment.to_string(),
            list: c.list.to_string(),
            level: level_of(&c.specificity),
            priority: c.priority,
            status: status_of(&c.status),
        })
        .collect()
}

fn error_name(e: &ResolveError) -> String {
    match e {
        ResolveError::UnknownAccount(_) => "UnknownAccount".into(),
        ResolveError::UnknownUser(_) => "UnknownUser".into(),
        ResolveError::UnknownSku(_) => "UnknownSku".into(),
        ResolveError::ZeroQuantity(_) => "ZeroQuantity".into(),
        ResolveError::Overflow { .. } => "Overflow".into(),
        other => format!("{other:?}"),
    }
}

/// The engine's answer in the reference's shape.
pub fn from_engine(r: &Result<Resolution, ResolveError>) -> Answer {
    let r = match r {
        Ok(r) => r,
        Err(e) => return Answer::error(&error_name(e)),
    };
    let a = &r.access;
    let access = Some([
        a.view_catalog.is_allowed(),
        a.view_prices.is_allowed(),
        a.buy.is_allowed(),
        a.request_quote.is_allowed(),
    ]);
    match &r.outcome {
        Outcome::Denied(refusal) => Answer {
            refusal: Some(refusal_of(refusal)),
            access,
            ..Answer::bare(Kind::Denied)
        },
        Outcome::PriceHidden(refusal) => Answer {
            refusal: Some(refusal_of(refusal)),
            access,
            ..Answer::bare(Kind::PriceHidden)
        },
        Outcome::NotVisible => Answer {
            access,
            ..Answer::bare(Kind::NotVisible)
        },
        Outcome::QuoteRequired(qr) => {
            assert!(
                matches!(qr.reason, tradeterms::QuoteReason::NoPrice),
                "generated data has no quote-only lists or SKUs, got {:?}",
                qr.reason
            );
            Answer {
                access,
                candidates: cands_of(&qr.candidates),
                ..Answer::bare(Kind::QuoteRequired)
            }
        }
        Outcome::Priced(p) => Answer {
            access,
            policy: Some(p.policy),
            winner: Some(p.source.assignment.to_string()),
            source: Some((
                p.source.list.to_string(),
                p.source.list_name.clone(),
                p.source.owner.clone(),
                level_of(&p.source.specificity),
                p.source.priority,
            )),
            currency: Some(p.price.currency.code().to_string()),
            tier_mode: Some(p.price.tier_mode),
            slices: p
                .price
                .slices
                .iter()
                .map(|s| (s.min_qty, s.units, s.unit_price, s.amount))
                .collect(),
            exact_amount: Some(p.price.exact_amount),
            amount: Some(p.price.amount),
            adjustments: p
                .price
                .adjustments
                .iter()
                .map(|a| {
                    (
                        a.list.to_string(),
                        a.base.to_string(),
                        a.category.clone(),
                        a.percent,
                    )
                })
                .collect(),
            candidates: cands_of(&p.candidates),
            ..Answer::bare(Kind::Priced)
        },
    }
}
