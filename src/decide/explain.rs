//! The explaining recorder: keeps what the decision met and turns a [`Verdict`] into the
//! explained answer (`Visibility`, `Outcome` with every candidate and why it won or lost, the
//! tier split and the relative-list adjustments).

use crate::decide::core::{Best, Loss, Met, Party, QuoteWhy, Recorder, Verdict, WindowOf, Winner};
use crate::decide::resolution::WindowOf as PublicWindowOf;
use crate::decide::resolution::{
    Adjustment, Candidate, CandidateStatus, MarginCheck, MarginStatus, Outcome, OverriddenRule,
    OverrideReason, Price, Priced, QuoteReason, QuoteRequired, Reference, RuleRef, Source,
    Specificity, TierSlice, Visibility,
};
use crate::format::Permission;
use crate::id::SegmentId;
use crate::model::pricing::{EntryView, MarginBound, MarginEvent};
use crate::model::scope::ScopeLevel;
use crate::model::snapshot::Built;
use crate::model::visibility::VisRule;
use rust_decimal::Decimal;

/// A candidate as met, before the winner is known.
enum Seen<'s> {
    Lost(Met<'s>, Loss<'s>),
    Eligible {
        met: Met<'s>,
        amount: Option<Decimal>,
        /// The best candidate when this one was met (itself included).
        best: Best<'s>,
    },
}

/// Records every visibility rule targeting the SKU and every candidate.
#[derive(Default)]
pub(crate) struct Explain<'s> {
    rules: Vec<(&'s ScopeLevel, &'s VisRule)>,
    candidates: Vec<Seen<'s>>,
    /// Slices of the candidate being priced, then of the best one.
    pricing: Vec<TierSlice>,
    best_slices: Vec<TierSlice>,
    /// The best candidate so far: after the selection, the winner.
    best: Option<Best<'s>>,
}

impl<'s> Recorder<'s> for Explain<'s> {
    const EXPLAINS: bool = true;

    fn visibility_rule(&mut self, level: &'s ScopeLevel, rule: &'s VisRule) {
        self.rules.push((level, rule));
    }

    fn lost(&mut self, candidate: Met<'s>, why: Loss<'s>) {
        self.pricing.clear();
        self.candidates.push(Seen::Lost(candidate, why));
    }

    fn slice(&mut self, slice: TierSlice) {
        self.pricing.push(slice);
    }

    fn eligible(&mut self, met: Met<'s>, amount: Option<Decimal>, best: Best<'s>) {
        if best.index == met.index && amount.is_some() {
            self.best_slices = std::mem::take(&mut self.pricing);
        }
        self.pricing.clear();
        self.best = Some(best);
        self.candidates.push(Seen::Eligible { met, amount, best });
    }
}

impl<'s> Explain<'s> {
    /// Why the SKU is or is not visible, from the rules recorded (the first decided).
    pub(crate) fn visibility(&self, party: &Party<'s>, visible: bool) -> Visibility {
        let inner = party.inner;
        let mut rules = self.rules.iter();
        let decided = rules.next();
        Visibility {
            visible,
            mode: party.account.catalog_mode,
            decided_by: decided.map(|(level, rule)| rule_ref(inner, level, rule)),
            effect: decided.map(|(_, rule)| rule.effect),
            overridden: match decided {
                Some(&(d_level, d_rule)) => rules
                    .map(|&(level, rule)| OverriddenRule {
                        rule: rule_ref(inner, level, rule),
                        effect: rule.effect,
                        reason: override_reason((d_level, d_rule), (level, rule)),
                    })
                    .collect(),
                None => Vec::new(),
            },
        }
    }

    /// The explained outcome of a verdict.
    pub(crate) fn outcome(self, party: &Party<'s>, verdict: Verdict<'s>) -> Outcome {
        match verdict {
            Verdict::Denied(user) => Outcome::Denied(user.refusal(Permission::ViewCatalog)),
            Verdict::NotVisible => Outcome::NotVisible,
            Verdict::SignInForPrice => Outcome::SignInForPrice,
            Verdict::PriceHidden(user) => {
                Outcome::PriceHidden(user.refusal(Permission::ViewPrices))
            }
            Verdict::QuoteRequired(why) => {
                let reason = match &why {
                    QuoteWhy::SkuQuoteOnly => QuoteReason::SkuQuoteOnly,
                    QuoteWhy::NoPrice => QuoteReason::NoPrice,
                    QuoteWhy::ListQuoteOnly(w) => QuoteReason::ListQuoteOnly {
                        assignment: Some(w.assignment.id.clone()),
                        list: w.list.id.clone(),
                    },
                    QuoteWhy::AboveQuantity(w, limit) => QuoteReason::AboveQuantity {
                        list: w.list.id.clone(),
                        quote_above: crate::quantity::Quantity::from_steps(*limit, w.decimals),
                    },
                };
                // A quote-only SKU never looks at candidates (Q1): none were recorded.
                let candidates = self.candidates(party);
                Outcome::QuoteRequired(QuoteRequired { reason, candidates })
            }
            Verdict::Priced(w, reference) => self.priced(party, w, reference),
        }
    }

    fn priced(mut self, party: &Party<'s>, w: Winner<'s>, reference: Reference) -> Outcome {
        let inner = party.inner;
        let slices = std::mem::take(&mut self.best_slices);
        let margins = margins(&w.entry, &slices, w.decimals);
        let candidates = self.candidates(party);
        let currency = w.list.currency;
        Outcome::Priced(Box::new(Priced {
            price: Price {
                currency,
                tier_mode: w.entry.tier_mode(),
                slices,
                exact_amount: w.exact,
                amount: currency.round(w.exact),
                adjustments: adjustments(&w.entry),
                margins,
                tax_included: w.list.tax_included,
            },
            list_name: w.list.name.clone(),
            source: Some(Source {
                assignment: w.assignment.id.clone(),
                list: w.list.id.clone(),
                owner: w.list.owner.clone(),
                specificity: specificity(inner, w.level),
                priority: w.assignment.priority,
            }),
            policy: party.account.policy,
            candidates,
            quantity_rule: w.entry.extra.quantity.map(|r| r.to_data(w.decimals)),
            derived_units: w.entry.derived,
            reference,
        }))
    }

    /// Every candidate with why it won or lost (W5).
    fn candidates(self, party: &Party<'s>) -> Vec<Candidate> {
        let inner = party.inner;
        self.candidates
            .iter()
            .map(|c| {
                let (met, status) = match c {
                    Seen::Lost(met, why) => (met, lost_status(*why, met, party)),
                    Seen::Eligible { met, amount, best } => {
                        // The last best recorded is the winner; every eligible record has one.
                        let winner = self.best.unwrap_or(*best);
                        let status = match amount {
                            _ if met.index == winner.index => CandidateStatus::Won,
                            Some(mine) if *mine > winner.exact => CandidateStatus::HigherPrice {
                                amount: *mine,
                                winner: winner.assignment.clone(),
                            },
                            _ => CandidateStatus::LowerPrecedence {
                                winner: winner.assignment.clone(),
                            },
                        };
                        (met, status)
                    }
                };
                Candidate {
                    assignment: met.assignment.id.clone(),
                    list: met.list.id.clone(),
                    specificity: specificity(inner, met.level),
                    priority: met.assignment.priority,
                    status,
                }
            })
            .collect()
    }
}

fn lost_status(why: Loss<'_>, met: &Met<'_>, party: &Party<'_>) -> CandidateStatus {
    match why {
        Loss::NotValid { of, window } => CandidateStatus::NotValid {
            of: match of {
                WindowOf::Assignment => PublicWindowOf::Assignment,
                WindowOf::List => PublicWindowOf::List,
                WindowOf::BaseList(b) => PublicWindowOf::BaseList(b.clone()),
                WindowOf::Entry => PublicWindowOf::Entry,
            },
            window,
            not_yet: window.is_before(party.at),
        },
        Loss::OtherCurrency => CandidateStatus::OtherCurrency {
            currency: met.list.currency,
        },
        Loss::OtherChannel => CandidateStatus::OtherChannel,
        Loss::OtherCountry => CandidateStatus::OtherCountry,
        Loss::NoEntry => CandidateStatus::NoEntry,
        Loss::BelowMinimumQuantity { min_qty } => CandidateStatus::BelowMinimumQuantity { min_qty },
    }
}

/// The relative-list adjustments applied to an entry, outermost first, each the one that
/// decided for its list (P6a, P7).
fn adjustments(entry: &EntryView<'_>) -> Vec<Adjustment> {
    let mut out = Vec::new();
    let mut base_id = entry.base.id.clone();
    for (rel, adj) in entry.links().rev() {
        out.push(Adjustment {
            list: rel.id.clone(),
            base: base_id,
            sku: adj.sku.as_ref().map(|(_, s)| s.clone()),
            category: adj.category.clone(),
            min_qty: adj.min_qty,
            percent: adj.percent,
            amount: adj.amount,
            round_to: adj.round_to,
            ending: adj.ending,
            price: adj.price,
            min_margin: adj.margins.min,
            max_margin: adj.margins.max,
        });
        base_id = rel.id.clone();
    }
    out.reverse();
    out
}

/// The margins over cost met by the tiers that priced the line (P6d-P6f), innermost list
/// first, tier by tier: each tier is computed again, recording what the margins did. Lists
/// without margins record nothing, so this costs nothing for them.
fn margins(entry: &EntryView<'_>, slices: &[TierSlice], decimals: u32) -> Vec<MarginCheck> {
    use crate::quantity::Quantity;
    let mut out = Vec::new();
    let Some(cost) = entry.cost() else {
        return out;
    };
    for (i, t) in entry.tiers.iter().enumerate() {
        // Tiers count in the SKU's steps, slices in its quantities (U6).
        let min_qty = Quantity::from_steps(t.min_qty, decimals);
        if !slices.iter().any(|s| s.min_qty == min_qty) {
            continue;
        }
        // The line was priced with these tiers: computing one again cannot fail.
        let _ = entry.tier_with(i, |e: MarginEvent<'_>| {
            let status = match (e.bound, e.cost) {
                (_, None) => MarginStatus::NoCost,
                (None, Some(_)) => MarginStatus::Within,
                (Some((MarginBound::Floor, floor)), _) if e.list.clamp => {
                    MarginStatus::ClampedToFloor { floor }
                }
                (Some((MarginBound::Floor, floor)), _) => MarginStatus::BelowFloor { floor },
                (Some((MarginBound::Ceiling, ceiling)), _) if e.list.clamp => {
                    MarginStatus::ClampedToCeiling { ceiling }
                }
                (Some((MarginBound::Ceiling, ceiling)), _) => {
                    MarginStatus::AboveCeiling { ceiling }
                }
            };
            out.push(MarginCheck {
                list: e.list.id.clone(),
                owner: e.list.owner.clone(),
                min_qty: Quantity::from_steps(e.min_qty, decimals),
                min_margin: e.margins.min,
                max_margin: e.margins.max,
                cost_list: cost.list.id.clone(),
                cost: e.cost,
                written: e.written,
                unit_price: e.price,
                status,
            });
        });
    }
    out
}

/// Why `lost` came after `decided` in the visibility order (S5-S7, V3, V4, V8): the first key
/// on which they differ. Both are rules the walk met in precedence order, `decided` first.
fn override_reason(
    (d_level, decided): (&ScopeLevel, &VisRule),
    (level, lost): (&ScopeLevel, &VisRule),
) -> OverrideReason {
    if level.class() != d_level.class() {
        OverrideReason::LessSpecificScope
    } else if lost.roles.is_empty() != decided.roles.is_empty() {
        OverrideReason::NotRoleLimited
    } else if lost.rank != decided.rank {
        OverrideReason::LessSpecificTarget
    } else if lost.effect != decided.effect {
        OverrideReason::ExclusionWins
    } else {
        OverrideReason::EqualPrecedence
    }
}

/// A rule as an explanation names it.
pub(crate) fn rule_ref(inner: &Built, level: &ScopeLevel, rule: &VisRule) -> RuleRef {
    RuleRef {
        id: rule.id.clone(),
        owner: rule.owner.clone(),
        specificity: specificity(inner, level),
        roles: rule.roles.clone(),
    }
}

/// The public form of a scope level.
pub(crate) fn specificity(inner: &Built, level: &ScopeLevel) -> Specificity {
    match level {
        ScopeLevel::Own => Specificity::Account,
        ScopeLevel::Ancestor { distance, account } => Specificity::Ancestor {
            distance: *distance,
            account: inner.accounts.id_of(*account).clone(),
        },
        ScopeLevel::Segment(s) => Specificity::Segment(segment_id(inner, *s).clone()),
        ScopeLevel::Guests => Specificity::Guests,
        ScopeLevel::Everyone => Specificity::Everyone,
    }
}

#[expect(
    clippy::indexing_slicing,
    reason = "INVARIANT: a scope level's segment index was given by this snapshot's segment \
              table, and any change to segments rebuilds the snapshot"
)]
fn segment_id(inner: &Built, segment: u32) -> &SegmentId {
    &inner.segments[segment as usize].id
}
