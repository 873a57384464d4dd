//! The one decision (SEMANTICS R1-R8): entitlement, visibility, price visibility, quote-only
//! SKU, candidate selection and quote thresholds, in that order, written once.
//!
//! The decision is generic over a [`Recorder`]: what is kept along the way. [`Lean`] keeps
//! nothing and is what `quote`, `quote_sheet` and the sheet's visibility pass use; monomorphised,
//! its calls vanish and the loop allocates nothing. [`Explain`](crate::decide::explain::Explain)
//! keeps every visibility rule met and every candidate with why it won or lost, and turns the
//! [`Verdict`] into today's explained [`Outcome`](crate::decide::resolution::Outcome). Both
//! outputs therefore come from the same code; the differential tests compare recorders, not
//! two implementations.

use crate::decide::entitlement::Entitled;
use crate::decide::resolution::Reference;
use crate::decide::resolution::TierSlice;
use crate::decide::{select, visibility};
use crate::error::ResolveError;
use crate::format::Permission;
use crate::id::UnitId;
use crate::model::account::AccountRec;
use crate::model::catalog::{LineQty, SkuRec};
use crate::model::context::Ctx;
use crate::model::pricing::build::AssignmentRec;
use crate::model::pricing::{EntryView, ListRec};
use crate::model::scope::{AccountRules, ScopeLevel};
use crate::model::snapshot::Built;
use crate::model::visibility::VisRule;
use crate::time::Window;
use jiff::Timestamp;
use rust_decimal::Decimal;

/// Reads, together, the records a query on (`account`, `user`, `sku`) goes on to read one
/// after another: the account's record and its precomputed rules (both rule lists' first
/// entries), the user's memberships, the SKU's record and the first list pricing it.
///
/// Why: in a large snapshot each of these is a cache miss, and the decision reaches them
/// through dependent steps (entitlement, then visibility, then candidates), so the misses
/// would come one after another, each waiting for the last. Their addresses depend only on
/// the three indexes, so here the processor can fetch them all at once; the decision then
/// finds them in cache. Changes no answer: every read is bounds-checked and its value thrown
/// away (into [`std::hint::black_box`], so the reads are not optimised out). Measured with
/// the change toggled round by round in one process at `large`: uniform `quote_by` p50 about
/// 25 % lower. Reading the string path's id slots ahead the same way was slower (the three
/// lookups already overlap; see README, "What holds back").
pub(crate) fn warm(inner: &Built, account: Option<u32>, user: Option<u32>, sku: Option<u32>) {
    let mut seen = 0usize;
    if let Some(a) = account {
        if let Some(rec) = inner.accounts.get(a) {
            seen ^= rec.ancestors.len();
        }
        if let Some(rules) = inner.account_rules.get(a as usize) {
            seen ^= rules.prices.first().map_or(0, |r| r.list as usize);
            seen ^= rules.visibility.first().map_or(0, |(_, i)| *i as usize);
        }
    }
    if let Some(u) = user.and_then(|u| inner.users.get(u)) {
        seen ^= u.memberships.first().map_or(0, |m| m.account as usize);
    }
    if let Some(s) = sku {
        if let Some(rec) = inner.catalog.get(s) {
            seen ^= usize::from(rec.decimals);
        }
        seen ^= inner.sku_lists.warm(s);
    }
    std::hint::black_box(seen);
}

/// Who acts for the account.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Actor<'s> {
    /// A user, through their memberships.
    User(Entitled<'s>),
    /// The account's own view, for comparing two snapshots (impact): every permission, and no
    /// role, so role-limited rules do not apply.
    AccountItself,
    /// A guest: no account and no user (G1). No role, so role-limited rules do not apply;
    /// `prices` says whether the query's channel shows guests prices (G5).
    Guest {
        /// Whether guests see prices on the query's channel.
        prices: bool,
    },
}

/// The account index a guest's party carries: no account has it, so nothing filed by account
/// (a reference list named for an account, say) is ever found for a guest.
pub(crate) const GUEST: u32 = u32::MAX;

/// One account, the one acting for it and the instant asked about: everything the decision
/// needs that does not depend on the SKU, gathered once per query or per sheet.
pub(crate) struct Party<'s> {
    pub(crate) inner: &'s Built,
    /// The account's index in the snapshot.
    pub(crate) index: u32,
    pub(crate) account: &'s AccountRec,
    pub(crate) actor: Actor<'s>,
    /// The price assignments and visibility rules reaching the account, in precedence order
    /// (precomputed at build).
    pub(crate) rules: Option<&'s AccountRules>,
    pub(crate) at: Timestamp,
    /// The query's channel, ship-to country and currency (C1-C3).
    pub(crate) ctx: Ctx,
    /// Set when the actor, a user, may not see the catalogue (E5) or prices (E6).
    catalog_refused: bool,
    prices_refused: bool,
    /// The visibility rules indexed by target, when the party decides many SKUs
    /// ([`Party::index_visibility`]); borrowed from a [`PartyKey`] by an owned sheet.
    visibility_index: Option<IndexRef<'s>>,
}

/// A party's visibility index, owned or borrowed. Owned, it is boxed: a party is moved along
/// every query, which has no index, and the index inline made a party 384 bytes.
enum IndexRef<'s> {
    Borrowed(&'s visibility::VisIndex),
    Owned(Box<visibility::VisIndex>),
}

impl<'s> Party<'s> {
    pub(crate) fn new(
        inner: &'s Built,
        idx: u32,
        account: &'s AccountRec,
        actor: Actor<'s>,
        at: Timestamp,
        ctx: Ctx,
    ) -> Party<'s> {
        let refused = |p| match actor {
            Actor::User(e) => !e.may(p),
            Actor::AccountItself | Actor::Guest { .. } => false,
        };
        Party {
            inner,
            index: idx,
            account,
            rules: inner.account_rules.get(idx as usize),
            at,
            ctx,
            catalog_refused: refused(Permission::ViewCatalog),
            prices_refused: refused(Permission::ViewPrices),
            actor,
            visibility_index: None,
        }
    }

    /// A guest's party (G1-G5): the rules precomputed for guests, decided with the guest
    /// settings, in the context whose channel says whether guests see prices. `index` is a
    /// visibility index already built for guests (a guest sheet's), if any.
    pub(crate) fn guest(
        inner: &'s Built,
        at: Timestamp,
        ctx: Ctx,
        index: Option<&'s visibility::VisIndex>,
    ) -> Party<'s> {
        let prices = inner.channels.guest_prices(ctx.channel);
        Party {
            inner,
            index: GUEST,
            account: &inner.guest,
            actor: Actor::Guest { prices },
            rules: Some(&inner.guest_rules),
            at,
            ctx,
            catalog_refused: false,
            prices_refused: false,
            visibility_index: index.map(IndexRef::Borrowed),
        }
    }

    /// Indexes the visibility rules reaching the party by target, for deciding many SKUs (a
    /// sheet, an impact preview): each SKU then walks only the rules that may target it. The
    /// answers are the same; one query is cheaper without.
    pub(crate) fn index_visibility(mut self) -> Party<'s> {
        let index = Box::new(visibility::VisIndex::new(&self));
        self.visibility_index = Some(IndexRef::Owned(index));
        self
    }

    /// The index built by [`Party::index_visibility`], if any.
    pub(crate) fn visibility_index(&self) -> Option<&visibility::VisIndex> {
        match self.visibility_index.as_ref()? {
            IndexRef::Borrowed(index) => Some(index),
            IndexRef::Owned(index) => Some(index),
        }
    }

    /// The user refused, when `refused` says the actor is refused something: only a user is.
    fn refused_user(&self, refused: bool) -> Option<Entitled<'s>> {
        match self.actor {
            Actor::User(e) if refused => Some(e),
            Actor::User(_) | Actor::AccountItself | Actor::Guest { .. } => None,
        }
    }

    /// Why the actor may not see the catalogue, if they may not (E5).
    pub(crate) fn catalog_refusal(&self) -> Option<crate::decide::resolution::Refusal> {
        self.refused_user(self.catalog_refused)
            .map(|e| e.refusal(crate::format::Permission::ViewCatalog))
    }

    /// Whether the actor may see the account's catalogue at all (E5).
    pub(crate) fn may_view_catalog(&self) -> bool {
        self.refused_user(self.catalog_refused).is_none()
    }

    /// Whether a rule limited to `roles` applies to the actor (S6).
    pub(crate) fn applies_to(&self, roles: &[crate::id::RoleName]) -> bool {
        roles.is_empty()
            || match &self.actor {
                Actor::User(e) => e.holds_any(roles),
                Actor::AccountItself | Actor::Guest { .. } => false,
            }
    }

    /// The visibility rules reaching the account, in precedence order, that apply to the actor.
    pub(crate) fn visibility_rules(
        &self,
    ) -> impl Iterator<Item = (&'s ScopeLevel, &'s VisRule)> + '_ {
        self.placed_visibility_rules()
            .map(|(_, level, rule)| (level, rule))
    }

    /// [`Party::visibility_rules`], each with its position among the rules reaching the account
    /// (what [`Party::visibility_rule_at`] takes back).
    pub(crate) fn placed_visibility_rules(
        &self,
    ) -> impl Iterator<Item = (usize, &'s ScopeLevel, &'s VisRule)> + '_ {
        self.rules
            .map(|r| &*r.visibility)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .filter_map(|(pos, _)| {
                let (level, rule) = self.visibility_rule_at(pos)?;
                Some((pos, level, rule))
            })
            .filter(|(_, _, rule)| self.applies_to(&rule.roles) && rule.condition.holds(&self.ctx))
    }

    /// The visibility rule at `pos` among the rules reaching the account, whether it applies
    /// to the actor or not.
    pub(crate) fn visibility_rule_at(&self, pos: usize) -> Option<(&'s ScopeLevel, &'s VisRule)> {
        let (level, i) = self.rules?.visibility.get(pos)?;
        Some((level, self.inner.visibility_rules.get(*i as usize)?))
    }

    /// The price assignments reaching the account, in precedence order, each with its list's
    /// index. Their assignments and lists are read only for candidates that get past the cheap
    /// checks (see [`select`]).
    pub(crate) fn candidates(&self) -> &'s [crate::model::scope::PriceRule] {
        self.rules.map(|r| &*r.prices).unwrap_or(&[])
    }

    /// The decision for one line of `qty` in `unit` (the SKU's base unit if `None`) (R2-R8).
    pub(crate) fn decide<R: Recorder<'s>>(
        &self,
        sku: u32,
        rec: &'s SkuRec,
        qty: crate::quantity::Quantity,
        unit: Option<&str>,
        recorder: &mut R,
    ) -> Result<Verdict<'s>, ResolveError> {
        if let Some(user) = self.refused_user(self.catalog_refused) {
            return Ok(Verdict::Denied(user));
        }
        if !visibility::decide(self, sku, rec, recorder) {
            return Ok(Verdict::NotVisible);
        }
        // The unit is checked only for a SKU the actor may see, so that an error about it
        // tells nothing about hidden SKUs (U2).
        let Some(unit) = rec.unit(unit) else {
            return Err(ResolveError::UnknownUnit {
                sku: rec.sku.clone(),
                unit: UnitId::new(unit.unwrap_or_default()),
            });
        };
        // Like the unit, the quantity's precision is checked only for a visible SKU (U7).
        let decimals = rec.decimals();
        let steps = qty.to_steps(decimals).map_err(|fault| match fault {
            crate::quantity::StepsFault::TooPrecise => ResolveError::QuantityTooPrecise {
                sku: rec.sku.clone(),
                qty,
                decimals,
            },
            crate::quantity::StepsFault::Overflow => ResolveError::Overflow {
                sku: rec.sku.clone(),
                list: None,
                qty,
            },
        })?;
        if let Some(user) = self.refused_user(self.prices_refused) {
            return Ok(Verdict::PriceHidden(user));
        }
        if matches!(self.actor, Actor::Guest { prices: false }) {
            return Ok(Verdict::SignInForPrice);
        }
        if rec.quote_only {
            return Ok(Verdict::QuoteRequired(QuoteWhy::SkuQuoteOnly));
        }
        let line = LineQty {
            qty: steps,
            unit,
            decimals,
        };
        select::select(self, sku, rec, line, recorder)
    }
}

/// A [`Party`] of a user as indexes, owning its visibility index: what an owned sheet keeps
/// beside its snapshot, to take the party of each line back cheaply ([`PartyKey::party`]):
/// the user looked up by index, no id hashed, no membership walked, no rule indexed again.
#[derive(Clone, Debug)]
pub(crate) struct PartyKey {
    account: u32,
    /// The account's record and the rules reaching it, copied once (reference counts, and the
    /// account's name): no lookup in the snapshot's persistent vectors per line.
    account_rec: AccountRec,
    rules: Option<AccountRules>,
    user: u32,
    at: Timestamp,
    ctx: Ctx,
    catalog_refused: bool,
    prices_refused: bool,
    visibility_index: visibility::VisIndex,
}

impl PartyKey {
    /// The key of a user's party, `user` the user's index; its visibility rules are indexed
    /// here, once.
    pub(crate) fn of(party: &Party<'_>, user: u32) -> PartyKey {
        PartyKey {
            account: party.index,
            account_rec: party.account.clone(),
            rules: party.rules.cloned(),
            user,
            at: party.at,
            ctx: party.ctx,
            catalog_refused: party.refused_user(party.catalog_refused).is_some(),
            prices_refused: party.refused_user(party.prices_refused).is_some(),
            visibility_index: match party.visibility_index() {
                Some(index) => index.clone(),
                None => visibility::VisIndex::new(party),
            },
        }
    }

    /// The user's index.
    pub(crate) fn user(&self) -> u32 {
        self.user
    }

    /// The party again, in `inner`: the snapshot the key was taken from. `None` only if that
    /// snapshot has no such user, which the key's snapshot always has.
    pub(crate) fn party<'s>(&'s self, inner: &'s Built) -> Option<Party<'s>> {
        let user = inner.users.get(self.user)?;
        let entitled = Entitled::at(user, self.account, &self.account_rec, &inner.accounts);
        Some(Party {
            inner,
            index: self.account,
            account: &self.account_rec,
            actor: Actor::User(entitled),
            rules: self.rules.as_ref(),
            at: self.at,
            ctx: self.ctx,
            catalog_refused: self.catalog_refused,
            prices_refused: self.prices_refused,
            visibility_index: Some(IndexRef::Borrowed(&self.visibility_index)),
        })
    }
}

/// The decision for one line, borrowing from the snapshot: what every recorder turns into its
/// own answer.
#[derive(Debug)]
pub(crate) enum Verdict<'s> {
    /// The user may not see the account's catalogue (E5).
    Denied(Entitled<'s>),
    /// The SKU is not in the actor's catalogue (V6).
    NotVisible,
    /// The user may not see prices (E6).
    PriceHidden(Entitled<'s>),
    /// A guest on a channel that shows guests no prices (G5).
    SignInForPrice,
    /// A quote is needed (Q1-Q3, W6).
    QuoteRequired(QuoteWhy<'s>),
    /// A price (R8) and its reference price (P9).
    Priced(Winner<'s>, Reference),
}

/// Why a line needs a quote.
#[derive(Debug)]
pub(crate) enum QuoteWhy<'s> {
    /// The SKU is sold on quote only (Q1).
    SkuQuoteOnly,
    /// No candidate can price the line (W6).
    NoPrice,
    /// The deciding list is quote-only (Q2).
    ListQuoteOnly(Winner<'s>),
    /// The quantity is above the deciding entry's `quote_above` (Q3).
    AboveQuantity(Winner<'s>, u64),
}

/// The candidate that decided the price.
#[derive(Debug)]
pub(crate) struct Winner<'s> {
    /// Its position among the candidates.
    pub(crate) index: usize,
    pub(crate) level: &'s ScopeLevel,
    pub(crate) assignment: &'s AssignmentRec,
    pub(crate) list: &'s ListRec,
    pub(crate) entry: EntryView<'s>,
    /// The exact line amount.
    pub(crate) exact: Decimal,
    /// The SKU's quantity decimals, to show the entry's quantities (U6).
    pub(crate) decimals: u32,
}

impl<'s> Winner<'s> {
    pub(crate) fn best(&self) -> Best<'s> {
        Best {
            index: self.index,
            assignment: &self.assignment.id,
            exact: self.exact,
        }
    }
}

/// The best candidate so far, as a recorder sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Best<'s> {
    pub(crate) index: usize,
    pub(crate) assignment: &'s crate::id::AssignmentId,
    pub(crate) exact: Decimal,
}

/// Why a candidate cannot price the line (P3-P4), borrowed.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Loss<'s> {
    NotValid { of: WindowOf<'s>, window: Window },
    OtherCurrency,
    OtherChannel,
    OtherCountry,
    NoEntry,
    BelowMinimumQuantity { min_qty: crate::quantity::Quantity },
}

/// Which window ruled a candidate out.
#[derive(Clone, Copy, Debug)]
pub(crate) enum WindowOf<'s> {
    Assignment,
    List,
    BaseList(&'s crate::id::PriceListId),
    Entry,
}

/// A candidate as the selection met it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Met<'s> {
    pub(crate) index: usize,
    pub(crate) level: &'s ScopeLevel,
    pub(crate) assignment: &'s AssignmentRec,
    pub(crate) list: &'s ListRec,
}

/// What is kept along the decision. Every method has an empty default, so the lean recorder
/// is an empty impl and costs nothing.
pub(crate) trait Recorder<'s> {
    /// Whether the caller wants every candidate and rule explained. When `false` the decision
    /// may stop at the first visibility rule that decides and at the precedence winner, and
    /// skip lists that cannot price the SKU without looking at them.
    const EXPLAINS: bool;

    /// A visibility rule targeting the SKU: the first one decides, the others are overridden.
    fn visibility_rule(&mut self, _level: &'s ScopeLevel, _rule: &'s VisRule) {}

    /// A candidate ruled out by a hard filter.
    fn lost(&mut self, _candidate: Met<'s>, _why: Loss<'s>) {}

    /// One tier's share of the line amount of the candidate being priced.
    fn slice(&mut self, _slice: TierSlice) {}

    /// An eligible candidate: its exact amount when it was priced (not priced: a precedence
    /// winner was already found), and the best candidate so far, this one included.
    fn eligible(&mut self, _candidate: Met<'s>, _amount: Option<Decimal>, _best: Best<'s>) {}
}

/// Records nothing: the verdict alone.
pub(crate) struct Lean;

impl Recorder<'_> for Lean {
    const EXPLAINS: bool = false;
}
