//! How the answer types of [`crate::decide::resolution`] render for people: every `Display`,
//! from one-line phrases (a refusal, a candidate's status) to the multi-line rendering of a
//! whole [`Resolution`], candidates listed with why they won or lost.

use crate::decide::resolution::{
    Adjustment, Candidate, CandidateStatus, Grant, MarginCheck, MarginStatus, NoReference, Outcome,
    OverriddenRule, OverrideReason, Payment, QuoteReason, Reference, Refusal, Resolution, RuleRef,
    Specificity, Visibility, WindowOf,
};
use crate::format::{CatalogMode, Effect, TierMode};
use rust_decimal::Decimal;
use std::fmt;

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotEntitled => {
                f.write_str("the user has no active membership that reaches this account")
            }
            Refusal::UserDisabled => f.write_str("the user is disabled"),
            Refusal::MissingPermission { permission, roles } => {
                write!(
                    f,
                    "no role held here grants `{}` (roles: ",
                    permission.name()
                )?;
                if roles.is_empty() {
                    f.write_str("none")?;
                }
                for (i, r) in roles.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "`{r}`")?;
                }
                f.write_str(")")
            }
        }
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grant::Allowed { role, via } => write!(f, "yes (role `{role}` at `{via}`)"),
            Grant::Refused(r) => write!(f, "no: {r}"),
        }
    }
}

impl fmt::Display for Specificity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Specificity::Account => f.write_str("own account"),
            Specificity::Ancestor { distance, account } => {
                write!(f, "ancestor `{account}` ({distance} up)")
            }
            Specificity::Segment(s) => write!(f, "segment `{s}`"),
            Specificity::Guests => f.write_str("guests"),
            Specificity::Everyone => f.write_str("everyone"),
        }
    }
}

impl fmt::Display for WindowOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WindowOf::Assignment => f.write_str("assignment"),
            WindowOf::List => f.write_str("price list"),
            WindowOf::BaseList(b) => write!(f, "base list `{b}`"),
            WindowOf::Entry => f.write_str("price entry"),
        }
    }
}

impl fmt::Display for CandidateStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CandidateStatus::Won => f.write_str("won"),
            CandidateStatus::NotValid {
                of,
                window,
                not_yet,
            } => {
                let when = if *not_yet { "not valid yet" } else { "expired" };
                write!(f, "lost: {of} {when} (valid {window})")
            }
            CandidateStatus::OtherCurrency { currency } => {
                write!(f, "lost: list is in {currency}, not the currency asked for")
            }
            CandidateStatus::OtherChannel => {
                f.write_str("lost: the assignment is limited to other channels")
            }
            CandidateStatus::OtherCountry => {
                f.write_str("lost: the assignment is limited to other ship-to countries")
            }
            CandidateStatus::NoEntry => f.write_str("lost: the list has no entry for this SKU"),
            CandidateStatus::BelowMinimumQuantity { min_qty } => {
                write!(f, "lost: quantity below the first tier (min_qty {min_qty})")
            }
            CandidateStatus::LowerPrecedence { winner } => {
                write!(f, "lost: lower precedence than `{winner}`")
            }
            CandidateStatus::HigherPrice { amount, winner } => {
                write!(f, "lost: higher amount {amount} than `{winner}`")
            }
        }
    }
}

impl fmt::Display for Candidate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` (list `{}`, {}, priority {}): {}",
            self.assignment, self.list, self.specificity, self.priority, self.status
        )
    }
}

impl fmt::Display for Adjustment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.price {
            Some(p) => write!(f, "`{}`: price {p} on `{}`", self.list, self.base)?,
            None => {
                write!(f, "`{}`: ", self.list)?;
                // The percent is shown unless another step says all there is to say.
                let percent =
                    !self.percent.is_zero() || (self.amount.is_none() && self.round_to.is_none());
                if percent {
                    write!(f, "{} %", self.percent)?;
                }
                if let Some(a) = self.amount {
                    if percent {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a} per unit")?;
                }
                if let Some(r) = self.round_to {
                    if percent || self.amount.is_some() {
                        f.write_str(", ")?;
                    }
                    write!(f, "rounded to {r}")?;
                }
                if let Some(e) = self.ending {
                    write!(f, " ending {e}")?;
                }
                write!(f, " on `{}`", self.base)?;
            }
        }
        if let Some(s) = &self.sku {
            write!(f, " for SKU `{s}`")?;
        }
        if let Some(c) = &self.category {
            write!(f, " for category `{c}`")?;
        }
        if let Some(m) = self.min_qty {
            write!(f, " from {m} units")?;
        }
        Ok(())
    }
}

impl fmt::Display for MarginStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MarginStatus::Within => f.write_str("within its margins"),
            MarginStatus::ClampedToFloor { floor } => write!(f, "clamped to the floor {floor}"),
            MarginStatus::ClampedToCeiling { ceiling } => {
                write!(f, "clamped to the ceiling {ceiling}")
            }
            MarginStatus::BelowFloor { floor } => {
                write!(f, "under the floor {floor}, priced as written")
            }
            MarginStatus::AboveCeiling { ceiling } => {
                write!(f, "over the ceiling {ceiling}, priced as written")
            }
            MarginStatus::NoCost => f.write_str("no cost, so the margin does not apply"),
        }
    }
}

impl fmt::Display for MarginCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` (owner {}) from {} units: ",
            self.list, self.owner, self.min_qty
        )?;
        let margin = |f: &mut fmt::Formatter<'_>, m: Decimal| match self.cost {
            Some(c) => write!(f, "(cost {c} in `{}` + {m} %)", self.cost_list),
            None => write!(f, "(cost + {m} %)"),
        };
        match &self.status {
            MarginStatus::Within => write!(f, "{} within its margins", self.written),
            MarginStatus::NoCost => write!(
                f,
                "{}, no cost in `{}` for this SKU and tier: margins not applied",
                self.written, self.cost_list
            ),
            MarginStatus::ClampedToFloor { floor } | MarginStatus::BelowFloor { floor } => {
                write!(f, "{} under the floor {floor} ", self.written)?;
                margin(f, self.min_margin.unwrap_or_default())?;
                match self.status {
                    MarginStatus::ClampedToFloor { .. } => write!(f, ", clamped to {floor}"),
                    _ => f.write_str(", priced as written"),
                }
            }
            MarginStatus::ClampedToCeiling { ceiling } | MarginStatus::AboveCeiling { ceiling } => {
                write!(f, "{} over the ceiling {ceiling} ", self.written)?;
                margin(f, self.max_margin.unwrap_or_default())?;
                match self.status {
                    MarginStatus::ClampedToCeiling { .. } => write!(f, ", clamped to {ceiling}"),
                    _ => f.write_str(", priced as written"),
                }
            }
        }
    }
}

impl fmt::Display for QuoteReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuoteReason::NoPrice => f.write_str("no price list prices this line"),
            QuoteReason::SkuQuoteOnly => f.write_str("the SKU is sold on quote only"),
            QuoteReason::ListQuoteOnly {
                assignment: Some(assignment),
                list,
            } => write!(
                f,
                "the deciding list `{list}` (assignment `{assignment}`) is quote-only"
            ),
            QuoteReason::ListQuoteOnly {
                assignment: None,
                list,
            } => write!(f, "the deciding list `{list}` is quote-only"),
            QuoteReason::AboveQuantity { list, quote_above } => write!(
                f,
                "list `{list}` prices at most {quote_above} units without a quote"
            ),
        }
    }
}

impl fmt::Display for RuleRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` ({}", self.id, self.specificity)?;
        if !self.roles.is_empty() {
            let names: Vec<&str> = self.roles.iter().map(|r| r.as_str()).collect();
            write!(f, ", roles {}", names.join("/"))?;
        }
        write!(f, ", owner {})", self.owner)
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.visible {
            "visible"
        } else {
            "not visible"
        })?;
        match (&self.decided_by, self.effect) {
            (Some(rule), Some(effect)) => {
                let verb = match effect {
                    Effect::Include => "included",
                    Effect::Exclude => "excluded",
                };
                write!(f, ": {verb} by rule {rule}")?;
            }
            _ => match self.mode {
                CatalogMode::Open => {
                    f.write_str(": open catalogue and no rule excludes this SKU")?
                }
                CatalogMode::Curated => {
                    f.write_str(": curated catalogue and no rule includes this SKU")?
                }
            },
        }
        for o in &self.overridden {
            write!(f, "; overrides {o}")?;
        }
        Ok(())
    }
}

impl fmt::Display for OverriddenRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = match self.effect {
            Effect::Include => "includes",
            Effect::Exclude => "excludes",
        };
        write!(f, "{}, which {verb}: {}", self.rule, self.reason)
    }
}

impl fmt::Display for OverrideReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OverrideReason::LessSpecificScope => "less specific scope",
            OverrideReason::NotRoleLimited => "for every user, not limited to the user's roles",
            OverrideReason::LessSpecificTarget => "less specific target",
            OverrideReason::ExclusionWins => "an exclusion beats an inclusion at equal specificity",
            OverrideReason::EqualPrecedence => "same effect and precedence, later id",
        })
    }
}

impl fmt::Display for Payment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payment::Denied(r) => write!(f, "payment: denied: {r}"),
            Payment::Options(o) => {
                let rule = |r: &Option<RuleRef>| match r {
                    Some(r) => format!(" (rule {r})"),
                    None => String::new(),
                };
                match &o.terms {
                    Some(t) => write!(f, "payment terms: {}{}", t.value, rule(&t.rule))?,
                    None => f.write_str("payment terms: none set")?,
                }
                match &o.methods {
                    Some(m) => write!(
                        f,
                        "\npayment methods: {}{}",
                        m.value.join(", "),
                        rule(&m.rule)
                    ),
                    None => f.write_str("\npayment methods: none set"),
                }
            }
        }
    }
}

impl fmt::Display for Resolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = &self.query;
        writeln!(
            f,
            "{}{} x `{}` for account `{}` by user `{}` at {} (snapshot v{})",
            q.qty,
            q.unit.as_ref().map(|u| format!(" {u}")).unwrap_or_default(),
            q.sku,
            q.account,
            q.user,
            q.at,
            self.version
        )?;
        match &self.outcome {
            Outcome::Denied(r) => writeln!(f, "  DENIED: {r}")?,
            Outcome::NotVisible => writeln!(f, "  NOT VISIBLE")?,
            Outcome::SignInForPrice => writeln!(f, "  SIGN IN FOR PRICE")?,
            Outcome::PriceHidden(r) => writeln!(f, "  PRICE HIDDEN: {r}")?,
            Outcome::QuoteRequired(qr) => {
                writeln!(f, "  QUOTE REQUIRED: {}", qr.reason)?;
                if q.audience.is_operator() {
                    write_candidates(f, &qr.candidates, Some(&qr.reason))?;
                }
            }
            Outcome::Priced(p) => {
                let price = &p.price;
                write!(f, "  PRICE: {} {}", price.amount, price.currency)?;
                if let Some(unit) = price.unit_price() {
                    write!(f, " ({} x {unit})", q.qty)?;
                }
                writeln!(f)?;
                if price.tier_mode == TierMode::Graduated {
                    for s in &price.slices {
                        writeln!(
                            f,
                            "    {} units at tier {}+: {} x {} = {}",
                            s.units, s.min_qty, s.units, s.unit_price, s.amount
                        )?;
                    }
                } else if let Some(t) = price.tier_min_qty() {
                    writeln!(f, "    tier: {t}+ (volume)")?;
                }
                if let Some(n) = p.derived_units {
                    writeln!(
                        f,
                        "    derived from the base-unit entry: 1 {} = {n} base units, tier at {} base units",
                        q.unit.as_ref().map_or("unit", |u| u.as_str()),
                        q.qty.saturating_times(n)
                    )?;
                }
                for a in &price.adjustments {
                    writeln!(f, "    adjusted by {a}")?;
                }
                for m in &price.margins {
                    writeln!(f, "    margin: {m}")?;
                }
                writeln!(f, "    {}", p.reference)?;
                match &p.source {
                    Some(s) => {
                        writeln!(
                            f,
                            "  from list `{}` ({}, owner {}) via assignment `{}` ({}, priority {}), policy: {}",
                            s.list,
                            p.list_name,
                            s.owner,
                            s.assignment,
                            s.specificity,
                            s.priority,
                            p.policy
                        )?;
                        write_candidates(f, &p.candidates, None)?;
                    }
                    // A buyer's answer: the list's name and nothing about the other candidates.
                    None => writeln!(f, "  from {}", p.list_name)?,
                }
            }
        }
        if let Some(v) = &self.visibility {
            writeln!(f, "  {v}")?;
        }
        for e in &self.experiments {
            writeln!(f, "  {e}")?;
        }
        writeln!(f, "  may see catalogue: {}", self.access.view_catalog)?;
        writeln!(f, "  may see prices: {}", self.access.view_prices)?;
        writeln!(f, "  may buy: {}", self.access.buy)?;
        write!(f, "  may request a quote: {}", self.access.request_quote)
    }
}

/// The candidates examined. None examined is said as it is: a quote-only SKU is decided before
/// any price list is looked at (Q1), so an empty list then says nothing about the assignments
/// reaching the account.
fn write_candidates(
    f: &mut fmt::Formatter<'_>,
    candidates: &[Candidate],
    quote: Option<&QuoteReason>,
) -> fmt::Result {
    if candidates.is_empty() {
        return match quote {
            Some(QuoteReason::SkuQuoteOnly) => writeln!(
                f,
                "  candidates: not examined (the SKU is sold on quote only, whatever list prices it)"
            ),
            _ => writeln!(f, "  candidates: none (no assignment reaches this account)"),
        };
    }
    writeln!(f, "  candidates:")?;
    for c in candidates {
        writeln!(f, "    - {c}")?;
    }
    Ok(())
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reference::Compared(r) => {
                match &r.list {
                    Some(list) => write!(f, "reference price {} from list `{list}`, ", r.amount)?,
                    None => write!(f, "reference price {}, ", r.amount)?,
                }
                match r.saving_percent {
                    Some(p) => write!(f, "saving {} ({p} %)", r.saving),
                    None => write!(f, "saving {}", r.saving),
                }
            }
            Reference::None { reason } => write!(f, "no reference price: {reason}"),
        }
    }
}

impl fmt::Display for NoReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NoReference::NoReferenceList => "no reference list in this currency",
            NoReference::NoEntry => "the reference list has no entry for this SKU",
            NoReference::NotValid => "the reference list is not valid at this instant",
            NoReference::OnQuote => "the reference price is given on quote only",
        })
    }
}
