//! The naive model of payment terms (`docs/SEMANTICS.md` Y1-Y3) and whole orders (O1-O10), also
//! described in the README's "Payment terms and methods" and "Orders, quantity rules, quotes and
//! approvals".

use super::*;
use tradeterms::{Approvers, Arm, Order, OrderCondition, PaymentRuleData};

// ---------------------------------------------------------------------------------------------
// Payment
// ---------------------------------------------------------------------------------------------

/// `payment(account, user)`: a user without `buy` is denied (Y1); otherwise, for the terms and
/// for the methods separately, the first applicable rule (Y2: S3 with `inherit.payment_terms`,
/// S6, X3; in the order of S5-S7) that sets it wins and names every later rule setting it (Y3).
pub fn payment(
    ds: &Dataset,
    account: &str,
    user: &str,
    context: &tradeterms::Context,
) -> Result<PayAnswer, String> {
    declared(ds, context)?;
    let Some(user) = find_user(ds, user) else {
        return Err("UnknownUser".into());
    };
    let Some(account) = find_account(ds, account) else {
        let GrantAns::Refused(r) = &nowhere(user).access.grants[2] else {
            unreachable!()
        };
        return Ok(PayAnswer::Denied(r.clone()));
    };
    let ent = entitlement(ds, user, account);
    let ctx = plain_ctx(context, account.currency.clone());
    Ok(payment_for(ds, account, &ent, &ctx))
}

pub fn payment_for(ds: &Dataset, account: &AccountData, ent: &Entitlement, ctx: &Ctx) -> PayAnswer {
    if let GrantAns::Refused(r) = &ent.access.grants[2] {
        return PayAnswer::Denied(r.clone());
    }
    let mut rules: Vec<(Level, &PaymentRuleData)> = ds
        .payment_rules
        .iter()
        .filter(|r| roles_ok(&r.roles, &ent.roles))
        .filter_map(|r| reach(ds, &r.scope, account, RuleKind::Payment).map(|l| (l, r)))
        .collect();
    // X4: experiments of the rules that reach the account for this user, either arm.
    let experiments = report(ds, rules.iter().map(|(_, r)| &r.experiment), account);
    // C2: rules limited to another context do not apply.
    rules.retain(|(_, r)| cond_ok(&r.channels, &r.countries, ctx).is_ok());
    rules.retain(|(_, r)| admits(ds, &r.experiment, account));
    rules.sort_by(|(la, a), (lb, b)| {
        precedence(la, &a.roles)
            .cmp(&precedence(lb, &b.roles))
            .then(a.id.cmp(&b.id))
    });
    let rule = |(level, r): &(Level, &PaymentRuleData)| RuleAns {
        id: r.id.clone(),
        owner: r.owner.clone(),
        level: level.clone(),
        roles: sorted_roles(&r.roles),
    };
    fn decide<T>(
        rules: &[(Level, &PaymentRuleData)],
        get: impl Fn(&PaymentRuleData) -> Option<T>,
        rule: impl Fn(&(Level, &PaymentRuleData)) -> RuleAns,
    ) -> Option<DecidedAns<T>> {
        let setting: Vec<_> = rules.iter().filter(|(_, r)| get(r).is_some()).collect();
        let (first, rest) = setting.split_first()?;
        Some(DecidedAns {
            value: get(first.1).unwrap(),
            rule: rule(first),
            overridden: rest.iter().map(|r| rule(r)).collect(),
        })
    }
    PayAnswer::Options {
        terms: decide(&rules, |r| r.terms, rule),
        methods: decide(&rules, |r| r.methods.clone(), rule),
        experiments,
    }
}

// ---------------------------------------------------------------------------------------------
// Quantity rules
// ---------------------------------------------------------------------------------------------

/// O4, U6: min (default one step) <= q <= max, and q a multiple of the increment (default one
/// step; counted from 0). `step` is the SKU's smallest quantity step (1 for whole units).
fn valid_qty(rule: &QuantityRule, q: Decimal, step: Decimal) -> bool {
    let d = |x: Option<tradeterms::Quantity>| x.map(|x| x.as_decimal());
    q >= d(rule.min).unwrap_or(step).max(step)
        && d(rule.max).is_none_or(|m| q <= m)
        && (q / d(rule.increment).unwrap_or(step).max(step))
            .fract()
            .is_zero()
}

/// O4: the nearest valid quantities below and above `qty` (both `qty` if it is valid), by
/// counting steps: the largest valid quantity not above `qty`, the smallest not below it.
pub fn nearest_valid(
    rule: &QuantityRule,
    qty: Decimal,
    step: Decimal,
) -> (Option<Decimal>, Option<Decimal>) {
    let d = |x: Option<tradeterms::Quantity>| x.map(|x| x.as_decimal());
    let n = u64::try_from((qty / step).trunc()).unwrap();
    let at = |k: u64| (Decimal::from(k) * step).normalize();
    let below = (1..=n).rev().map(at).find(|&q| valid_qty(rule, q, step));
    // With no maximum, a multiple of the increment at or above the minimum is within one
    // increment of max(qty, min).
    let ceiling = d(rule.max).unwrap_or_else(|| {
        qty.max(d(rule.min).unwrap_or(step)) + d(rule.increment).unwrap_or(step).max(step)
    });
    let top = u64::try_from((ceiling / step).trunc()).unwrap();
    let above = (n..=top).map(at).find(|&q| valid_qty(rule, q, step));
    (below, above)
}

fn violation(
    rule: &QuantityRule,
    source: Option<String>,
    qty: Decimal,
    step: Decimal,
) -> Option<Violation> {
    if valid_qty(rule, qty, step) {
        return None;
    }
    let (below, above) = nearest_valid(rule, qty, step);
    Some((source, *rule, below, above))
}

// ---------------------------------------------------------------------------------------------
// Approvals
// ---------------------------------------------------------------------------------------------

/// What a condition sees of one line: categories, quantity, exact amount if priced, unit cost.
struct LineFacts<'d> {
    categories: &'d [String],
    qty: Decimal,
    amount: Option<Decimal>,
    cost: Option<Decimal>,
}

/// O7: whether a condition holds (every comparison strict).
/// C3: `currency` is the order's, `default` the ordering account's: a threshold applies only to
/// orders in its currency (`total_above` is in the default one).
fn holds(
    c: &OrderCondition,
    subtotal: Decimal,
    (currency, default): (&str, &str),
    limit: Option<Decimal>,
    lines: &[LineFacts<'_>],
) -> bool {
    match c {
        OrderCondition::TotalAbove(x) => currency == default && subtotal > *x,
        OrderCondition::TotalAboveIn(m) => currency == m.currency.code() && subtotal > m.amount,
        OrderCondition::LineQtyAbove(n) => lines.iter().any(|l| l.qty > n.as_decimal()),
        OrderCondition::LinesAbove(n) => lines.len() as u64 > *n,
        OrderCondition::Category(cat) => lines
            .iter()
            .any(|l| l.categories.iter().any(|c| covers(cat, c))),
        OrderCondition::SpendingLimitExceeded => limit.is_some_and(|l| subtotal > l),
        // margin = (amount - cost * qty) / amount, below floor %; a line with no price or no
        // cost has no margin. Compared without dividing: amount * (100 - floor) < cost*qty*100.
        OrderCondition::MarginBelowPercent(floor) => {
            lines.iter().any(|l| match (l.amount, l.cost) {
                (Some(amount), Some(cost)) => {
                    amount * (Decimal::ONE_HUNDRED - *floor) < cost * l.qty * Decimal::ONE_HUNDRED
                }
                _ => false,
            })
        }
        OrderCondition::All(cs) => cs
            .iter()
            .all(|c| holds(c, subtotal, (currency, default), limit, lines)),
        OrderCondition::Any(cs) => cs
            .iter()
            .any(|c| holds(c, subtotal, (currency, default), limit, lines)),
        _ => unreachable!("a variant this test does not know yet"),
    }
}

/// O9: enabled users (other than the requester) with an enabled membership holding `role` at
/// `account`, or at an ancestor of it with subtree reach (E1). Sorted.
fn holding_role(ds: &Dataset, role: &str, account: &AccountData, requester: &str) -> Vec<String> {
    let mut out: Vec<String> = ds
        .users
        .iter()
        .filter(|u| !u.disabled && u.id.as_str() != requester)
        .filter(|u| {
            reaching_memberships(ds, u, account.id.as_str())
                .iter()
                .any(|m| m.roles.iter().any(|r| r.as_str() == role))
        })
        .map(|u| u.id.to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// O9: who may approve a step: a role at the ordering account; an escalating role there or,
/// failing anyone but the requester, at the nearest ancestor where someone holds it; named
/// users (enabled, never the requester, members or not).
fn eligible(
    ds: &Dataset,
    step: &Approvers,
    account: &AccountData,
    requester: &str,
) -> (Vec<String>, Option<String>) {
    match step {
        Approvers::Role(role) => (holding_role(ds, role.as_str(), account, requester), None),
        Approvers::RoleEscalating(role) => {
            let mut chain = vec![account.id.to_string()];
            chain.extend(ancestors(ds, account.id.as_str()));
            for level in chain {
                let at = find_account(ds, &level).unwrap();
                let found = holding_role(ds, role.as_str(), at, requester);
                if !found.is_empty() {
                    return (found, Some(level));
                }
            }
            (Vec::new(), None)
        }
        Approvers::Users(list) => {
            let mut out: Vec<String> = list
                .iter()
                .filter(|u| u.as_str() != requester)
                .filter(|u| find_user(ds, u.as_str()).is_some_and(|x| !x.disabled))
                .map(|u| u.to_string())
                .collect();
            out.sort();
            out.dedup();
            (out, None)
        }
        _ => unreachable!("a variant this test does not know yet"),
    }
}

// ---------------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------------

/// `resolve_order`: every line as `resolve` answers it (O1); quantity rules of the SKU and of
/// the deciding entry (O4); lead times against the contract (O5); the subtotal of the priced
/// lines' rounded amounts (O2); blockers (O3: may not buy, then line by line: no price,
/// quantity; then unapprovable steps); approval policies, one per slot (O6), whose condition
/// holds (O7), with their steps (O8, O9) and the status (O10); payment (Y1-Y3); experiments
/// (X4).
pub fn order(ds: &Dataset, o: &Order) -> Result<OrderAnswer, String> {
    // R1: an order without lines is an input error.
    if o.lines.is_empty() {
        return Err("EmptyOrder".into());
    }
    // R1: a zero quantity on any line, then (C1) an undeclared channel, then an unknown user.
    if o.lines.iter().any(|l| l.qty.is_zero()) {
        return Err("ZeroQuantity".into());
    }
    declared(ds, &o.context)?;
    let Some(user) = find_user(ds, o.user.as_str()) else {
        return Err("UnknownUser".into());
    };
    // R2: a requester no membership reaches (or an account that does not exist) learns nothing
    // of the account: every line denied, no subtotal, no approvals, payment denied.
    let ent = find_account(ds, o.account.as_str()).map(|a| entitlement(ds, user, a));
    let (account, ent) = match (find_account(ds, o.account.as_str()), ent) {
        (Some(account), Some(ent)) if ent.member => (account, ent),
        (_, ent) => {
            let ent = ent.unwrap_or_else(|| nowhere(user));
            let GrantAns::Refused(r) = ent.access.grants[2].clone() else {
                unreachable!()
            };
            let mut blockers = vec![BlockerAns::MayNotBuy(r.clone())];
            let lines = o
                .lines
                .iter()
                .enumerate()
                .map(|(i, _)| {
                    blockers.push(BlockerAns::Denied {
                        line: i,
                        refusal: r.clone(),
                    });
                    LineAns {
                        answer: denied(&ent),
                        violations: Vec::new(),
                        lead_time_breach: None,
                    }
                })
                .collect();
            return Ok(OrderAnswer {
                access: ent.access.clone(),
                lines,
                subtotal: None,
                orderable: false,
                blockers,
                approval: ApprovalStatusAns::NotEvaluated,
                steps: Vec::new(),
                overridden: Vec::new(),
                payment: PayAnswer::Denied(r),
                experiments: Vec::new(),
            });
        }
    };
    // C3: the order's one currency, checked for a requester who may see the catalogue.
    let ctx = if ent.access.grants[0].allowed() {
        ctx_of(account, &o.context)?
    } else {
        plain_ctx(&o.context, account.currency.clone())
    };
    let may_request_quote = ent.access.grants[3].allowed();
    let mut blockers = Vec::new();
    if let GrantAns::Refused(r) = &ent.access.grants[2] {
        blockers.push(BlockerAns::MayNotBuy(r.clone()));
    }
    let mut lines = Vec::new();
    let mut facts = Vec::new();
    let mut subtotal = Decimal::ZERO;
    for (i, line) in o.lines.iter().enumerate() {
        let sku = find_sku(ds, line.sku.as_str());
        let unit = line.unit.as_ref().map(|u| u.as_str());
        let qty = line.qty.as_decimal();
        let answer = resolve_line(ds, account, &ent, sku, qty, unit, o.at, &o.context)?;
        // R3: a SKU the catalogue does not have has no facts, like a hidden one.
        let sku = sku.filter(|_| !matches!(answer.kind, Kind::Denied | Kind::NotVisible));
        // O12: a SKU's own facts only for a line whose SKU the requester may see.
        let sees = !matches!(answer.kind, Kind::Denied | Kind::NotVisible);
        let mut violations = Vec::new();
        // U4: the SKU's rule for base-unit lines, a unit's own rule for lines in that unit.
        let line_unit = sku.and_then(|s| unit_of(s, unit));
        let rule = match (&line_unit, sku) {
            (Some(u), Some(s)) if u.0.is_none() => s.quantity.as_ref(),
            (Some(u), Some(s)) => s
                .units
                .iter()
                .find(|d| Some(d.unit.as_str()) == u.0.as_deref())
                .and_then(|d| d.quantity.as_ref()),
            _ => None,
        };
        if let Some(rule) = rule {
            let step = crate::reference::step_of(sku.unwrap());
            violations.extend(violation(rule, None, qty, step));
        }
        match answer.kind {
            Kind::Priced => {
                if answer.currency.as_deref() != Some(ctx.currency.as_str()) {
                    return Err("MixedCurrency".into());
                }
                if let Some(rule) = &answer.quantity_rule {
                    let list = answer.source.as_ref().unwrap().0.clone();
                    // U3: a derived price's entry rule counts base units.
                    let step = crate::reference::step_of(sku.unwrap());
                    let qty = qty * Decimal::from(answer.derived_units.unwrap_or(1));
                    violations.extend(violation(rule, Some(list), qty, step));
                }
                subtotal += answer.amount.unwrap();
            }
            Kind::QuoteRequired => blockers.push(BlockerAns::QuoteRequired {
                line: i,
                reason: answer.quote_reason.clone().unwrap(),
                may_request_quote,
            }),
            Kind::NotVisible | Kind::SignInForPrice => {
                blockers.push(BlockerAns::NotVisible { line: i })
            }
            Kind::Denied | Kind::PriceHidden => blockers.push(BlockerAns::Denied {
                line: i,
                refusal: answer.refusal.clone().unwrap(),
            }),
        }
        for v in &violations {
            blockers.push(BlockerAns::Quantity {
                line: i,
                violation: v.clone(),
            });
        }
        let lead = line
            .lead_time_days
            .or(sku.and_then(|s| s.lead_time_days))
            .filter(|_| sees);
        let lead_time_breach = match (lead, max_lead_time(ds, account)) {
            (Some(lead), Some(max)) if lead > max => Some((lead, max)),
            _ => None,
        };
        facts.push(LineFacts {
            categories: sku.map_or(&[], |s| &s.categories),
            // Approval conditions count base units (U4).
            qty: qty * Decimal::from(line_unit.as_ref().map_or(1, |u| u.1)),
            amount: (answer.kind == Kind::Priced).then(|| answer.exact_amount.unwrap()),
            cost: sku.and_then(|s| s.cost),
        });
        lines.push(LineAns {
            answer,
            violations,
            lead_time_breach,
        });
    }
    let subtotal = round(&ctx.currency, subtotal);

    // O6: approval policies that apply to (account, requester's roles), in precedence order;
    // X4 reports the experiments of those reaching the account, either arm.
    // O12: none at all for a requester who may not act for the account.
    let sees_account = ent.access.grants[0].allowed();
    // C3: the spending limit in the order's currency: `spending_limit` in the account's
    // default currency, `spending_limits` in another; the lowest of the reaching memberships.
    let limit = if ctx.currency == account.currency {
        ent.access.spending_limit
    } else {
        reaching_memberships(ds, user, account.id.as_str())
            .iter()
            .flat_map(|m| m.spending_limits.iter())
            .filter(|l| l.currency.code() == ctx.currency)
            .map(|l| l.amount)
            .min()
    };
    let mut policies: Vec<(Level, &tradeterms::ApprovalPolicyData)> = ds
        .approval_policies
        .iter()
        .filter(|_| sees_account)
        .filter(|p| roles_ok(&p.roles, &ent.roles))
        .filter_map(|p| reach(ds, &p.scope, account, RuleKind::Approvals).map(|l| (l, p)))
        .collect();
    let mut experiments: Vec<(String, Arm)> =
        report(ds, policies.iter().map(|(_, p)| &p.experiment), account);
    // C2: policies limited to another context do not apply (X4 reports their experiments
    // whatever the context, as for every rule kind).
    policies.retain(|(_, p)| cond_ok(&p.channels, &p.countries, &ctx).is_ok());
    policies.retain(|(_, p)| admits(ds, &p.experiment, account));
    policies.sort_by(|(la, a), (lb, b)| {
        precedence(la, &a.roles)
            .cmp(&precedence(lb, &b.roles))
            .then(a.id.cmp(&b.id))
    });
    let mut slots: Vec<String> = Vec::new();
    let mut steps = Vec::new();
    let mut overridden = Vec::new();
    for (level, p) in &policies {
        let rule = RuleAns {
            id: p.id.clone(),
            owner: p.owner.clone(),
            level: level.clone(),
            roles: sorted_roles(&p.roles),
        };
        // O6: the most specific applicable policy of a slot is the slot's, whether or not its
        // condition holds; the others of that slot are overridden.
        let slot = p.slot.clone().unwrap_or_else(|| p.id.clone());
        if slots.contains(&slot) {
            overridden.push(rule);
            continue;
        }
        slots.push(slot);
        if !holds(
            &p.when,
            subtotal,
            (ctx.currency.as_str(), account.currency.as_str()),
            limit,
            &facts,
        ) {
            continue;
        }
        for (n, approvers) in p.steps.iter().enumerate() {
            let (eligible, escalated_to) = eligible(ds, approvers, account, o.user.as_str());
            steps.push((
                p.stage,
                StepAns {
                    policy: rule.clone(),
                    step: n + 1,
                    approvers: approvers.clone(),
                    escalated_to,
                    eligible,
                },
            ));
        }
    }
    // O11: steps of lower stages first; within a stage, in the policies' precedence order.
    steps.sort_by_key(|(stage, _)| *stage);
    let steps: Vec<StepAns> = steps.into_iter().map(|(_, s)| s).collect();
    for s in &steps {
        if s.eligible.is_empty() {
            blockers.push(BlockerAns::Unapprovable {
                policy: s.policy.id.clone(),
                step: s.step,
            });
        }
    }
    let approval = if !sees_account {
        ApprovalStatusAns::NotEvaluated
    } else if steps.is_empty() {
        ApprovalStatusAns::AutoApproved
    } else if steps.iter().any(|s| s.eligible.is_empty()) {
        ApprovalStatusAns::Unapprovable
    } else {
        ApprovalStatusAns::Required
    };
    let payment = payment_for(ds, account, &ent, &ctx);
    if let Some(first) = lines.first() {
        experiments.extend(first.answer.experiments.iter().cloned());
    } else if ent.access.grants[0].allowed() {
        experiments.extend(experiments_reaching(ds, account));
    }
    if let PayAnswer::Options {
        experiments: pay, ..
    } = &payment
    {
        experiments.extend(pay.iter().cloned());
    }
    experiments.sort();
    experiments.dedup();
    Ok(OrderAnswer {
        access: ent.access.clone(),
        lines,
        subtotal: Some((ctx.currency.clone(), subtotal)),
        orderable: blockers.is_empty(),
        blockers,
        approval,
        steps,
        overridden,
        payment,
        experiments,
    })
}
