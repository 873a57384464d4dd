//! The comparable shape of answers, and the engine's answers converted into it.
//!
//! [`Answer`] is one line's answer (what `resolve` explains, of which `quote` reports the
//! verdict: see [`Answer::lean`]); [`PayAnswer`] is `Snapshot::payment`'s; [`OrderAnswer`] is
//! `Snapshot::resolve_order`'s. Every id is a plain string, every list is in the order the
//! engine must give it, so `==` is the whole comparison.

use tradeterms::{
    Approvers, Arm, CandidateStatus, CatalogMode, Decimal, Effect, Grant, Outcome, OverrideReason,
    Payment, PaymentTerms, Permission, PricePolicy, QuantityRule, QuoteOutcome, QuoteReason,
    Refusal, Resolution, ResolveError, RuleRef, Specificity, TierMode, WindowOf,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Denied,
    NotVisible,
    PriceHidden,
    Priced,
    QuoteRequired,
    /// G5: a guest on a channel that shows guests no prices.
    SignInForPrice,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefRefusal {
    NotEntitled,
    UserDisabled,
    /// The permission lacking and the roles held (sorted, unique).
    MissingPermission(Permission, Vec<String>),
}

/// One permission: granted by (role, via account), or refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GrantAns {
    Allowed { role: String, via: String },
    Refused(RefRefusal),
}

impl GrantAns {
    pub fn allowed(&self) -> bool {
        matches!(self, GrantAns::Allowed { .. })
    }
}

/// `view_catalog`, `view_prices`, `buy`, `request_quote`, and the spending limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessAns {
    pub grants: [GrantAns; 4],
    pub spending_limit: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Own,
    Ancestor {
        distance: u32,
        account: String,
    },
    Segment(String),
    /// G3: a `guests` rule reaching a guest.
    Guests,
    Everyone,
}

impl Level {
    /// The precedence class: own < ancestor by distance < segment < everyone; all segments are
    /// one class.
    pub fn class(&self) -> (u8, u32) {
        match self {
            Level::Own => (0, 0),
            Level::Ancestor { distance, .. } => (1, *distance),
            Level::Segment(_) | Level::Guests => (2, 0),
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
        from: Option<tradeterms::Timestamp>,
        until: Option<tradeterms::Timestamp>,
        not_yet: bool,
    },
    OtherCurrency(String),
    OtherChannel,
    OtherCountry,
    NoEntry,
    BelowMinimumQuantity(Decimal),
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
            Status::OtherChannel => "other_channel",
            Status::OtherCountry => "other_country",
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
pub type Slice = (Decimal, Decimal, Decimal, Decimal);

/// (relative list, its base, the deciding adjustment as written), outermost first (P6a).
pub type Adj = (String, String, tradeterms::AdjustmentData);

/// A rule named in an explanation: id, owner, how it reached the account, its roles (sorted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleAns {
    pub id: String,
    pub owner: String,
    pub level: Level,
    pub roles: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisAns {
    pub visible: bool,
    pub mode: CatalogMode,
    pub decided_by: Option<RuleAns>,
    pub effect: Option<Effect>,
    /// Each overridden rule with its effect and why it lost (V6).
    pub overridden: Vec<(RuleAns, Effect, OverrideReason)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuoteWhy {
    NoPrice,
    SkuQuoteOnly,
    ListQuoteOnly { assignment: String, list: String },
    AboveQuantity { list: String, quote_above: Decimal },
}

/// How much of an answer a resolver reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Everything `resolve` explains.
    Full,
    /// The verdict only, as `quote` gives it: the kind and, for a price, the amounts, the
    /// currency and the deciding assignment.
    Lean,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub kind: Kind,
    /// For Denied / PriceHidden.
    pub refusal: Option<RefRefusal>,
    pub access: Option<AccessAns>,
    /// Absent when the user may not see the catalogue.
    pub visibility: Option<VisAns>,
    /// Experiments whose price or visibility rules reach the account, with its arm.
    pub experiments: Vec<(String, Arm)>,
    pub quote_reason: Option<QuoteWhy>,
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
    /// The deciding entry's quantity rule (Priced only).
    pub quantity_rule: Option<QuantityRule>,
    /// U3: base units per line unit, when the price was derived from the base-unit entry.
    pub derived_units: Option<u64>,
    /// The reference price and saving (Priced only, P9).
    pub reference: Option<tradeterms::Reference>,
    /// The margins over cost met by the tiers that priced the line (P6d-P6f).
    pub margins: Vec<MarginAns>,
}

/// A margin met (P6d-P6f): list, owner, the tier's min_qty, (min_margin, max_margin), cost list,
/// cost, the unit price as written and after, and what the margin did.
pub type MarginAns = (
    String,
    String,
    Decimal,
    (Option<Decimal>, Option<Decimal>),
    String,
    Option<Decimal>,
    Decimal,
    Decimal,
    tradeterms::MarginStatus,
);

impl Answer {
    pub fn bare(kind: Kind) -> Answer {
        Answer {
            kind,
            refusal: None,
            access: None,
            visibility: None,
            experiments: Vec::new(),
            quote_reason: None,
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
            quantity_rule: None,
            derived_units: None,
            reference: None,
            margins: Vec::new(),
        }
    }

    /// What `quote` reports of this answer.
    pub fn lean(&self) -> Answer {
        let mut lean = Answer::bare(self.kind.clone());
        if self.kind == Kind::Priced {
            lean.winner = self.winner.clone();
            lean.currency = self.currency.clone();
            lean.exact_amount = self.exact_amount;
            lean.amount = self.amount;
            lean.reference = self.reference.clone();
        }
        lean
    }

    /// The answer at a level of detail.
    pub fn at(&self, detail: Detail) -> Answer {
        match detail {
            Detail::Full => self.clone(),
            Detail::Lean => self.lean(),
        }
    }
}

/// A payment setting: its value, the rule that set it, the rules it overrode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecidedAns<T> {
    pub value: T,
    pub rule: RuleAns,
    pub overridden: Vec<RuleAns>,
}

#[allow(
    clippy::large_enum_variant,
    reason = "a short-lived comparison value; boxing it would only make the tests noisier"
)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PayAnswer {
    Denied(RefRefusal),
    Options {
        terms: Option<DecidedAns<PaymentTerms>>,
        methods: Option<DecidedAns<Vec<String>>>,
        experiments: Vec<(String, Arm)>,
    },
}

/// (rule source: `None` for the SKU, the list for an entry; rule; nearest below; nearest above)
pub type Violation = (
    Option<String>,
    QuantityRule,
    Option<Decimal>,
    Option<Decimal>,
);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineAns {
    pub answer: Answer,
    pub violations: Vec<Violation>,
    /// (lead time, contract maximum)
    pub lead_time_breach: Option<(u32, u32)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockerAns {
    MayNotBuy(RefRefusal),
    Denied {
        line: usize,
        refusal: RefRefusal,
    },
    NotVisible {
        line: usize,
    },
    QuoteRequired {
        line: usize,
        reason: QuoteWhy,
        may_request_quote: bool,
    },
    Quantity {
        line: usize,
        violation: Violation,
    },
    Unapprovable {
        policy: String,
        step: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApprovalStatusAns {
    AutoApproved,
    Required,
    Unapprovable,
    NotEvaluated,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepAns {
    pub policy: RuleAns,
    pub step: usize,
    pub approvers: Approvers,
    pub escalated_to: Option<String>,
    pub eligible: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderAnswer {
    pub access: AccessAns,
    pub lines: Vec<LineAns>,
    /// (currency, amount); absent for a requester no membership reaches.
    pub subtotal: Option<(String, Decimal)>,
    pub orderable: bool,
    pub blockers: Vec<BlockerAns>,
    pub approval: ApprovalStatusAns,
    pub steps: Vec<StepAns>,
    pub overridden: Vec<RuleAns>,
    pub payment: PayAnswer,
    pub experiments: Vec<(String, Arm)>,
}

// ---------------------------------------------------------------------------------------------
// Engine -> Answer
// ---------------------------------------------------------------------------------------------

pub fn level_of(s: &Specificity) -> Level {
    match s {
        Specificity::Account => Level::Own,
        Specificity::Ancestor { distance, account } => Level::Ancestor {
            distance: *distance,
            account: account.to_string(),
        },
        Specificity::Segment(s) => Level::Segment(s.to_string()),
        Specificity::Guests => Level::Guests,
        Specificity::Everyone => Level::Everyone,
        _ => unreachable!("a variant this test does not know yet"),
    }
}

pub fn refusal_of(r: &Refusal) -> RefRefusal {
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

fn grant_of(g: &Grant) -> GrantAns {
    match g {
        Grant::Allowed { role, via } => GrantAns::Allowed {
            role: role.to_string(),
            via: via.to_string(),
        },
        Grant::Refused(r) => GrantAns::Refused(refusal_of(r)),
    }
}

pub fn access_of(a: &tradeterms::Access) -> AccessAns {
    AccessAns {
        grants: [
            grant_of(&a.view_catalog),
            grant_of(&a.view_prices),
            grant_of(&a.buy),
            grant_of(&a.request_quote),
        ],
        spending_limit: a.spending_limit,
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
                _ => unreachable!("a variant this test does not know yet"),
            },
            from: window.from,
            until: window.until,
            not_yet: *not_yet,
        },
        CandidateStatus::OtherCurrency { currency } => Status::OtherCurrency(currency.to_string()),
        CandidateStatus::OtherChannel => Status::OtherChannel,
        CandidateStatus::OtherCountry => Status::OtherCountry,
        CandidateStatus::NoEntry => Status::NoEntry,
        CandidateStatus::BelowMinimumQuantity { min_qty } => {
            Status::BelowMinimumQuantity(min_qty.as_decimal())
        }
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

pub fn rule_of(r: &RuleRef) -> RuleAns {
    let mut roles: Vec<String> = r.roles.iter().map(|r| r.to_string()).collect();
    roles.sort();
    roles.dedup();
    RuleAns {
        id: r.id.clone(),
        owner: r.owner.clone(),
        level: level_of(&r.specificity),
        roles,
    }
}

pub fn quote_why(r: &QuoteReason) -> QuoteWhy {
    match r {
        QuoteReason::NoPrice => QuoteWhy::NoPrice,
        QuoteReason::SkuQuoteOnly => QuoteWhy::SkuQuoteOnly,
        QuoteReason::ListQuoteOnly { assignment, list } => QuoteWhy::ListQuoteOnly {
            assignment: assignment.as_ref().unwrap().to_string(),
            list: list.to_string(),
        },
        QuoteReason::AboveQuantity { list, quote_above } => QuoteWhy::AboveQuantity {
            list: list.to_string(),
            quote_above: quote_above.as_decimal(),
        },
        other => panic!("unexpected quote reason {other:?}"),
    }
}

pub fn arms_of(e: &[tradeterms::ExperimentArm]) -> Vec<(String, Arm)> {
    e.iter().map(|a| (a.experiment.clone(), a.arm)).collect()
}

pub fn error_name(e: &ResolveError) -> String {
    match e {
        ResolveError::UnknownUser(_) => "UnknownUser".into(),
        ResolveError::ZeroQuantity(_) => "ZeroQuantity".into(),
        ResolveError::UnknownChannel(_) => "UnknownChannel".into(),
        ResolveError::CurrencyNotAccepted { .. } => "CurrencyNotAccepted".into(),
        ResolveError::Overflow { .. } => "Overflow".into(),
        ResolveError::NegativePrice { .. } => "NegativePrice".into(),
        ResolveError::UnknownUnit { .. } => "UnknownUnit".into(),
        ResolveError::GuestCurrencyRequired => "GuestCurrencyRequired".into(),
        ResolveError::QuantityTooPrecise { .. } => "QuantityTooPrecise".into(),
        other => format!("{other:?}"),
    }
}

/// The engine's `resolve` answer in the comparable shape.
pub fn from_resolution(r: &Resolution) -> Answer {
    let base = Answer {
        access: Some(access_of(&r.access)),
        visibility: r.visibility.as_ref().map(|v| VisAns {
            visible: v.visible,
            mode: v.mode,
            decided_by: v.decided_by.as_ref().map(rule_of),
            effect: v.effect,
            overridden: v
                .overridden
                .iter()
                .map(|o| (rule_of(&o.rule), o.effect, o.reason))
                .collect(),
        }),
        experiments: arms_of(&r.experiments),
        ..Answer::bare(Kind::Denied)
    };
    match &r.outcome {
        Outcome::Denied(refusal) => Answer {
            refusal: Some(refusal_of(refusal)),
            ..base
        },
        Outcome::PriceHidden(refusal) => Answer {
            kind: Kind::PriceHidden,
            refusal: Some(refusal_of(refusal)),
            ..base
        },
        Outcome::NotVisible => Answer {
            kind: Kind::NotVisible,
            ..base
        },
        Outcome::SignInForPrice => Answer {
            kind: Kind::SignInForPrice,
            ..base
        },
        Outcome::QuoteRequired(qr) => Answer {
            kind: Kind::QuoteRequired,
            quote_reason: Some(quote_why(&qr.reason)),
            candidates: cands_of(&qr.candidates),
            ..base
        },
        Outcome::Priced(p) => Answer {
            kind: Kind::Priced,
            policy: Some(p.policy),
            winner: Some(p.source.as_ref().unwrap().assignment.to_string()),
            source: Some((
                p.source.as_ref().unwrap().list.to_string(),
                p.list_name.clone(),
                p.source.as_ref().unwrap().owner.clone(),
                level_of(&p.source.as_ref().unwrap().specificity),
                p.source.as_ref().unwrap().priority,
            )),
            currency: Some(p.price.currency.code().to_string()),
            tier_mode: Some(p.price.tier_mode),
            slices: p
                .price
                .slices
                .iter()
                .map(|s| {
                    (
                        s.min_qty.as_decimal(),
                        s.units.as_decimal(),
                        s.unit_price,
                        s.amount,
                    )
                })
                .collect(),
            exact_amount: Some(p.price.exact_amount),
            amount: Some(p.price.amount),
            adjustments: p
                .price
                .adjustments
                .iter()
                .map(|a| {
                    (a.list.to_string(), a.base.to_string(), {
                        let mut v = tradeterms::AdjustmentData::default().with_percent(a.percent);
                        v.sku = a.sku.clone();
                        v.category = a.category.clone();
                        v.min_qty = a.min_qty;
                        v.amount = a.amount;
                        v.round_to = a.round_to;
                        v.ending = a.ending;
                        v.price = a.price;
                        v.min_margin = a.min_margin;
                        v.max_margin = a.max_margin;
                        v
                    })
                })
                .collect(),
            candidates: cands_of(&p.candidates),
            quantity_rule: p.quantity_rule,
            derived_units: p.derived_units,
            reference: Some(p.reference.clone()),
            margins: p
                .price
                .margins
                .iter()
                .map(|m| {
                    (
                        m.list.to_string(),
                        m.owner.clone(),
                        m.min_qty.as_decimal(),
                        (m.min_margin, m.max_margin),
                        m.cost_list.to_string(),
                        m.cost,
                        m.written,
                        m.unit_price,
                        m.status.clone(),
                    )
                })
                .collect(),
            ..base
        },
        _ => unreachable!("a variant this test does not know yet"),
    }
}

/// The engine's `resolve` result in the comparable shape.
pub fn from_engine(r: &Result<Resolution, ResolveError>) -> Result<Answer, String> {
    r.as_ref().map(from_resolution).map_err(error_name)
}

/// The engine's `quote` verdict in the comparable shape (lean: see [`Answer::lean`]).
pub fn from_quote(q: &QuoteOutcome) -> Answer {
    match q {
        QuoteOutcome::Denied => Answer::bare(Kind::Denied),
        QuoteOutcome::NotVisible => Answer::bare(Kind::NotVisible),
        QuoteOutcome::PriceHidden => Answer::bare(Kind::PriceHidden),
        QuoteOutcome::SignInForPrice => Answer::bare(Kind::SignInForPrice),
        QuoteOutcome::QuoteRequired => Answer::bare(Kind::QuoteRequired),
        QuoteOutcome::Priced {
            amount,
            exact_amount,
            currency,
            assignment,
            reference,
            ..
        } => Answer {
            reference: Some(reference.clone()),
            winner: assignment.as_ref().map(|a| a.to_string()),
            currency: Some(currency.code().to_string()),
            exact_amount: Some(*exact_amount),
            amount: Some(*amount),
            ..Answer::bare(Kind::Priced)
        },
        _ => unreachable!("a variant this test does not know yet"),
    }
}

pub fn from_payment(p: &Payment) -> PayAnswer {
    match p {
        Payment::Denied(r) => PayAnswer::Denied(refusal_of(r)),
        Payment::Options(o) => PayAnswer::Options {
            terms: o.terms.as_ref().map(|d| DecidedAns {
                value: d.value,
                rule: rule_of(d.rule.as_ref().unwrap()),
                overridden: d.overridden.iter().map(rule_of).collect(),
            }),
            methods: o.methods.as_ref().map(|d| DecidedAns {
                value: d.value.clone(),
                rule: rule_of(d.rule.as_ref().unwrap()),
                overridden: d.overridden.iter().map(rule_of).collect(),
            }),
            experiments: arms_of(&o.experiments),
        },
        _ => unreachable!("a variant this test does not know yet"),
    }
}

fn violation_of(v: &tradeterms::QuantityViolation) -> Violation {
    (
        match &v.source {
            tradeterms::QuantitySource::Sku => None,
            tradeterms::QuantitySource::Entry(l) => Some(l.to_string()),
            _ => unreachable!("a variant this test does not know yet"),
        },
        v.rule,
        v.below.map(|q| q.as_decimal()),
        v.above.map(|q| q.as_decimal()),
    )
}

pub fn from_order(a: &tradeterms::OrderAnswer) -> OrderAnswer {
    use tradeterms::{ApprovalStatus, Blocker};
    OrderAnswer {
        access: access_of(&a.access),
        lines: a
            .lines
            .iter()
            .map(|l| LineAns {
                answer: from_resolution(&l.resolution),
                violations: l.quantity_violations.iter().map(violation_of).collect(),
                lead_time_breach: l
                    .lead_time_breach
                    .as_ref()
                    .map(|b| (b.lead_time_days, b.max_lead_time_days)),
            })
            .collect(),
        subtotal: a
            .subtotal
            .map(|s| (s.currency.code().to_string(), s.amount)),
        orderable: a.orderable,
        blockers: a
            .blockers
            .iter()
            .map(|b| match b {
                Blocker::MayNotBuy { refusal } => BlockerAns::MayNotBuy(refusal_of(refusal)),
                Blocker::Denied { line, refusal, .. } => BlockerAns::Denied {
                    line: *line,
                    refusal: refusal_of(refusal),
                },
                Blocker::NotVisible { line, .. } => BlockerAns::NotVisible { line: *line },
                Blocker::QuoteRequired {
                    line,
                    reason,
                    may_request_quote,
                    ..
                } => BlockerAns::QuoteRequired {
                    line: *line,
                    reason: quote_why(reason),
                    may_request_quote: *may_request_quote,
                },
                Blocker::Quantity {
                    line, violation, ..
                } => BlockerAns::Quantity {
                    line: *line,
                    violation: violation_of(violation),
                },
                Blocker::Unapprovable { policy, step } => BlockerAns::Unapprovable {
                    policy: policy.clone().unwrap(),
                    step: *step,
                },
                other => panic!("unexpected blocker {other:?}"),
            })
            .collect(),
        approval: match a.approval.status {
            ApprovalStatus::AutoApproved => ApprovalStatusAns::AutoApproved,
            ApprovalStatus::Required => ApprovalStatusAns::Required,
            ApprovalStatus::Unapprovable => ApprovalStatusAns::Unapprovable,
            ApprovalStatus::NotEvaluated => ApprovalStatusAns::NotEvaluated,
            _ => unreachable!("a variant this test does not know yet"),
        },
        steps: a
            .approval
            .steps
            .iter()
            .map(|s| StepAns {
                policy: rule_of(s.policy.as_ref().unwrap()),
                step: s.step,
                approvers: s.approvers.clone(),
                escalated_to: s.escalated_to.as_ref().map(|a| a.to_string()),
                eligible: s.eligible.iter().map(|u| u.to_string()).collect(),
            })
            .collect(),
        overridden: a.approval.overridden.iter().map(rule_of).collect(),
        payment: from_payment(&a.payment),
        experiments: arms_of(&a.experiments),
    }
}

// ---------------------------------------------------------------------------------------------
// Guests (G1-G8)
// ---------------------------------------------------------------------------------------------

/// What a guest may learn of an answer (G7, A2): the kind, the quote reason without the
/// assignment, and for a price its amounts, tiers, quantity rule and redacted reference; no
/// access, visibility, candidate, source or adjustment.
pub fn guest_view(a: &Answer) -> Answer {
    let buyer = tradeterms::Audience::Buyer;
    Answer {
        quote_reason: a.quote_reason.clone().map(|q| match q {
            QuoteWhy::ListQuoteOnly { list, .. } => QuoteWhy::ListQuoteOnly {
                assignment: String::new(),
                list,
            },
            other => other,
        }),
        currency: a.currency.clone(),
        tier_mode: a.tier_mode,
        slices: a.slices.clone(),
        exact_amount: a.exact_amount,
        amount: a.amount,
        quantity_rule: a.quantity_rule,
        derived_units: a.derived_units,
        reference: a.reference.clone().map(|r| r.for_audience(buyer)),
        ..Answer::bare(a.kind.clone())
    }
}

/// The engine's guest answer in the comparable shape of [`guest_view`].
pub fn from_guest(r: &tradeterms::GuestResolution) -> Answer {
    let base = Answer::bare(Kind::NotVisible);
    match &r.outcome {
        Outcome::Denied(_) => Answer::bare(Kind::Denied),
        Outcome::PriceHidden(_) => Answer::bare(Kind::PriceHidden),
        Outcome::NotVisible => base,
        Outcome::SignInForPrice => Answer::bare(Kind::SignInForPrice),
        Outcome::QuoteRequired(qr) => Answer {
            quote_reason: Some(match &qr.reason {
                QuoteReason::ListQuoteOnly { list, .. } => QuoteWhy::ListQuoteOnly {
                    assignment: String::new(),
                    list: list.to_string(),
                },
                other => quote_why(other),
            }),
            ..Answer::bare(Kind::QuoteRequired)
        },
        Outcome::Priced(p) => Answer {
            currency: Some(p.price.currency.code().to_string()),
            tier_mode: Some(p.price.tier_mode),
            slices: p
                .price
                .slices
                .iter()
                .map(|s| {
                    (
                        s.min_qty.as_decimal(),
                        s.units.as_decimal(),
                        s.unit_price,
                        s.amount,
                    )
                })
                .collect(),
            exact_amount: Some(p.price.exact_amount),
            amount: Some(p.price.amount),
            quantity_rule: p.quantity_rule,
            derived_units: p.derived_units,
            reference: Some(p.reference.clone()),
            ..Answer::bare(Kind::Priced)
        },
        _ => unreachable!("a variant this test does not know yet"),
    }
}
