//! Whole orders: every line as `resolve` answers it, plus what only makes sense for an order:
//! the subtotal, quantity rules, quotes, lead times against the contract, approval chains and
//! payment options. The evaluation lives here; the answer types it returns, in `answer`.

pub(crate) mod answer;

use crate::decide::approval::{self, OrderFacts};
use crate::decide::core::{Actor, Party};
use crate::decide::entitlement::Entitled;
use crate::decide::order::answer::{
    Approval, ApprovalStatus, ApprovalStep, Blocker, LeadTimeBreach, LineAnswer, Order,
    OrderAnswer, QuantitySource, QuantityViolation,
};
use crate::decide::resolution::{Access, Grant, Outcome, Payment, Resolution, RuleRef};
use crate::decide::resolve::Asker;
use crate::error::ResolveError;
use crate::format::Permission;
use crate::model::catalog::StepRule;
use crate::model::experiment::ExperimentArm;
use crate::model::scope::applicable_rules;
use crate::model::snapshot::Snapshot;
use crate::money::Currency;
use crate::money::Money;
use rust_decimal::Decimal;

/// A line of `qty` steps of `10^-decimals` checked against a rule in the same steps (U6).
fn check_quantity(
    rule: &StepRule,
    decimals: u32,
    source: QuantitySource,
    qty: u64,
) -> Option<QuantityViolation> {
    let (below, above) = crate::model::catalog::nearest_valid(rule, qty);
    if below == Some(qty) {
        return None;
    }
    let q = |s: Option<u64>| s.map(|s| crate::quantity::Quantity::from_steps(s, decimals));
    Some(QuantityViolation {
        source,
        rule: rule.to_data(decimals),
        below: q(below),
        above: q(above),
    })
}

/// The lines of an order, answered, and what the approval conditions read of them.
struct PricedLines<'s> {
    /// Each line's answer, in order.
    lines: Vec<LineAnswer>,
    /// The sum of the priced lines, rounded to the account's currency.
    subtotal: Decimal,
    /// What the approval conditions read of each line.
    facts: Vec<approval::LineFacts<'s>>,
}

impl Snapshot {
    /// Resolves a whole order: each line exactly as [`Snapshot::resolve`] answers it, the
    /// subtotal, what blocks checkout, the approval chain and the payment options.
    ///
    /// # Errors
    /// [`ResolveError::EmptyOrder`] for an order without lines, [`ResolveError::ZeroQuantity`]
    /// for a line of zero, [`ResolveError::UnknownUser`], and when exact decimal arithmetic
    /// overflows: [`ResolveError::Overflow`] (a line), [`ResolveError::SubtotalOverflow`],
    /// [`ResolveError::ConditionOverflow`] (an approval condition), or
    /// [`ResolveError::MixedCurrency`] when a line is priced in another currency than the
    /// order's. What blocks checkout is not an error: it is in the answer.
    ///
    /// ```
    /// use tradeterms::{Dataset, Order, Snapshot};
    /// let snapshot = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../../examples/data/demo.json"))?)?;
    /// let order: Order = serde_json::from_str(r#"{ "account": "abb-north", "user": "john",
    ///     "at": "2026-06-01T00:00:00Z", "lines": [{ "sku": "DRILL-18V", "qty": 10 }] }"#)?;
    /// let answer = snapshot.resolve_order(&order)?;
    /// assert_eq!(answer.lines.len(), 1);
    /// println!("{answer}"); // lines, subtotal, blockers, approvals and payment
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve_order(&self, order: &Order) -> Result<OrderAnswer, ResolveError> {
        self.order_answer(order)
            .map_err(|e| e.for_audience(order.audience))
    }

    /// [`Snapshot::resolve_order`] before its errors are shown to the order's audience.
    fn order_answer(&self, order: &Order) -> Result<OrderAnswer, ResolveError> {
        if order.lines.is_empty() {
            return Err(ResolveError::EmptyOrder);
        }
        if let Some(line) = order.lines.iter().find(|l| l.qty.is_zero()) {
            return Err(ResolveError::ZeroQuantity(line.sku.clone()));
        }
        let inner = self.inner();
        let channel = self.channel_of(&order.context)?;
        // R2 before anything else: a requester no membership reaches (or who asks for an
        // account that does not exist) learns nothing of its SKUs, prices, currency, approvals
        // or payment rules. A member without `view_catalog` is answered below: every line
        // denied and no approvals evaluated (O12), but their own account's currency shown.
        let (idx, acc, entitled) =
            match self.entitle(order.account.as_str(), order.user.as_str())? {
                Asker::At(idx, acc, e) if e.is_member() => (idx, acc, e),
                Asker::At(_, _, e) | Asker::Nowhere(e) => {
                    return Ok(self.denied_order(order, &e).for_audience(order.audience));
                }
            };
        let requester = inner
            .users
            .lookup(order.user.as_str())
            .ok_or_else(|| ResolveError::UnknownUser(order.user.clone()))?;
        // C3: the currency asked for is checked for a requester who may see the catalogue; a
        // member who may not has every line denied, in the account's own currency.
        let ctx = if entitled.may(Permission::ViewCatalog) {
            crate::decide::resolve::ctx_for(&order.account, acc, channel, &order.context)?
        } else {
            crate::model::context::Ctx {
                channel,
                country: order.context.ship_to,
                currency: acc.currency,
            }
        };
        let party = Party::new(inner, idx, acc, Actor::User(entitled), order.at, ctx);
        let access = entitled.access();
        let experiments_reached = party.experiments();
        // C3: every line is priced, and the subtotal kept, in the one currency asked for.
        let currency: Currency = ctx.currency;

        let mut blockers = Vec::new();
        if let Grant::Refused(refusal) = &access.buy {
            blockers.push(Blocker::MayNotBuy {
                refusal: refusal.clone(),
            });
        }
        let priced =
            self.order_lines(&party, order, &access, &experiments_reached, &mut blockers)?;
        let facts = OrderFacts {
            subtotal: priced.subtotal,
            currency,
            account_currency: acc.currency,
            lines: priced.facts,
            spending_limit: entitled.spending_limit_in(currency, acc.currency),
        };
        // O12: a requester who may not act for the account learns nothing of its approval
        // policies or approvers.
        let (approval, approval_experiments) = if party.may_view_catalog() {
            self.approval_chain(&party, idx, entitled, requester, &facts, &mut blockers)?
        } else {
            (
                Approval {
                    status: ApprovalStatus::NotEvaluated,
                    steps: Vec::new(),
                    overridden: Vec::new(),
                },
                Vec::new(),
            )
        };
        // The whole answer is redacted for the order's audience at the end.
        let payment = self.payment_in(
            &order.account,
            &order.user,
            &order.context,
            crate::decide::audience::Audience::Operator,
        )?;
        let mut experiments = experiments_reached;
        experiments.extend(approval_experiments);
        if let Payment::Options(o) = &payment {
            experiments.extend(o.experiments.iter().cloned());
        }
        experiments.sort();
        experiments.dedup();
        Ok(OrderAnswer {
            version: inner.version,
            account: order.account.clone(),
            user: order.user.clone(),
            at: order.at,
            access,
            lines: priced.lines,
            subtotal: Some(Money {
                currency,
                amount: priced.subtotal,
            }),
            orderable: blockers.is_empty(),
            blockers,
            approval,
            payment,
            experiments,
        }
        .for_audience(order.audience))
    }

    /// The answer to a requester no membership reaches: every line denied, and nothing of the
    /// account (no subtotal, since even its currency is the account's).
    fn denied_order(&self, order: &Order, refused: &Entitled<'_>) -> OrderAnswer {
        let version = self.inner().version;
        let refusal = refused.refusal(Permission::ViewCatalog);
        let mut blockers = vec![Blocker::MayNotBuy {
            refusal: refused.refusal(Permission::Buy),
        }];
        let lines = order
            .lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                blockers.push(Blocker::Denied {
                    line: i,
                    sku: line.sku.clone(),
                    refusal: refusal.clone(),
                });
                let query = crate::decide::resolution::Query::new(
                    order.account.clone(),
                    order.user.clone(),
                    line.sku.clone(),
                    line.qty,
                    order.at,
                )
                .with_unit(line.unit.clone());
                LineAnswer {
                    resolution: Resolution::denied(version, query, refused),
                    quantity_violations: Vec::new(),
                    lead_time_breach: None,
                }
            })
            .collect();
        OrderAnswer {
            version,
            account: order.account.clone(),
            user: order.user.clone(),
            at: order.at,
            access: refused.access(),
            lines,
            subtotal: None,
            orderable: false,
            blockers,
            approval: Approval {
                status: ApprovalStatus::NotEvaluated,
                steps: Vec::new(),
                overridden: Vec::new(),
            },
            payment: Payment::Denied(refused.refusal(Permission::Buy)),
            experiments: Vec::new(),
        }
    }

    /// Every line of the order as `resolve` answers it, checked against the quantity rules and
    /// the account's lead-time limit, and the subtotal of the priced lines. What a line blocks
    /// (a quote, an invisible or refused SKU, a quantity) is appended to `blockers`.
    fn order_lines<'s>(
        &'s self,
        party: &Party<'s>,
        order: &Order,
        access: &Access,
        experiments_reached: &[ExperimentArm],
        blockers: &mut Vec<Blocker>,
    ) -> Result<PricedLines<'s>, ResolveError> {
        let inner = party.inner;
        let acc = party.account;
        let currency: Currency = party.ctx.currency;
        let may_request_quote = access.request_quote.is_allowed();

        let mut lines = Vec::with_capacity(order.lines.len());
        let mut subtotal = Decimal::ZERO;
        let mut facts_lines = Vec::with_capacity(order.lines.len());
        for (i, line) in order.lines.iter().enumerate() {
            // R2 before R3: a requester who may not see the catalogue has every line denied
            // before any SKU is looked up, so a missing SKU and an existing one answer alike;
            // then a SKU the catalogue does not have is answered as a hidden one.
            let refused = party.catalog_refusal();
            let found = if refused.is_none() {
                self.line_sku(line.sku.as_str())
            } else {
                None
            };
            let (visibility, outcome) = match (refused, found) {
                (Some(refusal), _) => (None, Outcome::Denied(refusal)),
                (None, Some((sku, rec))) => {
                    party.explain(sku, rec, line.qty, line.unit.as_ref())?
                }
                (None, None) => (Some(party.unknown_sku()), Outcome::NotVisible),
            };
            // O12: the SKU's own facts (case pack, lead time, categories, cost) only for a line
            // whose SKU the requester may see.
            let sees = !matches!(outcome, Outcome::Denied(_) | Outcome::NotVisible);
            let rec = found.map(|(_, rec)| rec).filter(|_| sees);
            let mut violations = Vec::new();
            // The line's unit; `explain` has refused a unit a visible SKU is not sold in (U2).
            let unit = rec.and_then(|r| r.unit(line.unit.as_ref().map(|u| u.as_str())));
            // U4: the SKU's rule counts base-unit lines, a unit's own rule lines in that unit.
            // The line in steps of the SKU's precision: `explain` has refused a quantity finer
            // than a visible SKU's (U7); a hidden SKU's is never read.
            let decimals = rec.map_or(0, |r| r.decimals());
            let steps = line.qty.to_steps(decimals).ok();
            if let Some(rule) = rec.zip(unit).and_then(|(r, u)| r.quantity_rule(u))
                && let Some(steps) = steps
            {
                violations.extend(check_quantity(rule, decimals, QuantitySource::Sku, steps));
            }
            // Approval conditions on quantities count base units, whatever unit a line names.
            let base_qty = line
                .qty
                .saturating_times(unit.map_or(1, |u: crate::model::catalog::Unit| u.contains));
            let mut exact = None;
            match &outcome {
                Outcome::Priced(p) => {
                    if p.price.currency != currency {
                        return Err(ResolveError::MixedCurrency {
                            sku: line.sku.clone(),
                            expected: currency,
                            found: p.price.currency,
                        });
                    }
                    // The explained answer always names its source; the audience is applied
                    // to the finished order answer, after these checks.
                    let list = p.source.as_ref().map(|s| &s.list);
                    if let (Some(rule), Some(list), Some(steps)) = (&p.quantity_rule, list, steps)
                        && let Ok(rule) = StepRule::of(rule, decimals)
                    {
                        // The entry's rule counts in the entry's unit: base units when the
                        // price is derived (U3).
                        violations.extend(check_quantity(
                            &rule,
                            decimals,
                            QuantitySource::Entry(list.clone()),
                            steps.saturating_mul(p.derived_units.unwrap_or(1)),
                        ));
                    }
                    subtotal = subtotal.checked_add(p.price.amount).ok_or_else(|| {
                        ResolveError::SubtotalOverflow {
                            sku: line.sku.clone(),
                        }
                    })?;
                    exact = Some(p.price.exact_amount);
                }
                Outcome::QuoteRequired(q) => blockers.push(Blocker::QuoteRequired {
                    line: i,
                    sku: line.sku.clone(),
                    reason: q.reason.clone(),
                    may_request_quote,
                }),
                // An order always has a signed-in user: `SignInForPrice` (G5) is a guest's
                // and never reaches an order; were it to, the line could not be bought.
                Outcome::NotVisible | Outcome::SignInForPrice => {
                    blockers.push(Blocker::NotVisible {
                        line: i,
                        sku: line.sku.clone(),
                    })
                }
                Outcome::Denied(r) | Outcome::PriceHidden(r) => blockers.push(Blocker::Denied {
                    line: i,
                    sku: line.sku.clone(),
                    refusal: r.clone(),
                }),
            }
            for v in &violations {
                blockers.push(Blocker::Quantity {
                    line: i,
                    sku: line.sku.clone(),
                    violation: v.clone(),
                });
            }
            let lead = line
                .lead_time_days
                .or(rec.and_then(|r| r.lead_time_days))
                .filter(|_| sees);
            let lead_time_breach = match (lead, acc.max_lead_time_days) {
                (Some(lead), Some(max)) if lead > max => Some(LeadTimeBreach {
                    lead_time_days: lead,
                    max_lead_time_days: max,
                }),
                _ => None,
            };
            facts_lines.push(approval::LineFacts {
                categories: rec.map_or(&[], |r| &r.categories[..]),
                qty: base_qty,
                amount: exact,
                cost: rec.and_then(|r| r.cost),
            });
            lines.push(LineAnswer {
                resolution: Resolution {
                    version: inner.version,
                    query: crate::decide::resolution::Query::new(
                        order.account.clone(),
                        order.user.clone(),
                        line.sku.clone(),
                        line.qty,
                        order.at,
                    )
                    .with_unit(line.unit.clone()),
                    access: access.clone(),
                    visibility,
                    experiments: experiments_reached.to_vec(),
                    outcome,
                },
                quantity_violations: violations,
                lead_time_breach,
            });
        }
        Ok(PricedLines {
            lines,
            subtotal: currency.round(subtotal),
            facts: facts_lines,
        })
    }

    /// The approval chain of an order: the applicable policies in precedence order, one per
    /// slot, each whose condition holds adding its steps. A step no one but the requester could
    /// approve is appended to `blockers`. Also returns the experiments the policies met.
    fn approval_chain(
        &self,
        party: &Party<'_>,
        idx: u32,
        entitled: Entitled<'_>,
        requester: u32,
        facts: &OrderFacts<'_>,
        blockers: &mut Vec<Blocker>,
    ) -> Result<(Approval, Vec<ExperimentArm>), ResolveError> {
        let inner = self.inner();
        let acc = party.account;
        let mut arms =
            crate::model::experiment::Arms::new(&inner.experiments, acc, &inner.accounts);
        let mut policies = applicable_rules(
            &inner.approval_scopes,
            &inner.approval_policies,
            idx,
            acc,
            &inner.accounts,
            |a| a.inherit.approvals,
            |_| true,
            Some(&entitled.roles()),
            &mut arms,
            crate::model::approval::Policy::tiebreak,
        );
        // C2: policies limited to other channels or ship-to countries do not apply.
        policies.retain(|(_, p)| p.condition.holds(&party.ctx));
        let mut steps = Vec::new();
        let mut overridden = Vec::new();
        for (level, policy, occupies) in approval::by_slot(&policies) {
            let rule = RuleRef {
                id: policy.id.clone(),
                owner: policy.owner.clone(),
                specificity: crate::decide::explain::specificity(inner, level),
                roles: policy.roles.clone(),
            };
            if !occupies {
                overridden.push(rule);
                continue;
            }
            let why = approval::holds(&policy.when, facts).map_err(|()| {
                ResolveError::ConditionOverflow {
                    policy: Some(policy.id.clone()),
                }
            })?;
            let Some(why) = why else { continue };
            for (n, approvers) in policy.steps.iter().enumerate() {
                let (eligible, escalated_to) = approval::eligible(
                    approvers,
                    idx,
                    acc,
                    &inner.accounts,
                    &inner.users,
                    Some(requester),
                );
                steps.push((
                    policy.stage,
                    ApprovalStep {
                        policy: Some(rule.clone()),
                        condition: why.clone(),
                        step: n.saturating_add(1),
                        approvers: approvers.clone(),
                        escalated_to,
                        eligible,
                    },
                ));
            }
        }
        // O11: lower stages first; within a stage, the precedence order above (a stable sort).
        steps.sort_by_key(|(stage, _)| *stage);
        let steps: Vec<ApprovalStep> = steps.into_iter().map(|(_, step)| step).collect();
        for s in steps.iter().filter(|s| s.eligible.is_empty()) {
            blockers.push(Blocker::Unapprovable {
                policy: s.policy.as_ref().map(|p| p.id.clone()),
                step: s.step,
            });
        }
        let status = if steps.is_empty() {
            ApprovalStatus::AutoApproved
        } else if steps.iter().any(|s| s.eligible.is_empty()) {
            ApprovalStatus::Unapprovable
        } else {
            ApprovalStatus::Required
        };
        Ok((
            Approval {
                status,
                steps,
                overridden,
            },
            arms.report(),
        ))
    }
}
