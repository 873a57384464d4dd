//! One trait for everything that answers queries: the engine's explained `resolve`, the
//! engine's lean `quote`, and the naive reference model. The differential test compares any
//! two of them on what both report.

use super::answer::{self, Answer, Detail, OrderAnswer, PayAnswer};
use tradeterms::{Dataset, Order, Query, Snapshot};

/// Something that answers queries (and, if it can, payment and order questions). Errors are
/// the error variant's name.
pub trait Resolver {
    /// A short name for messages.
    fn name(&self) -> &'static str;

    /// How much of an [`Answer`] this resolver reports.
    fn detail(&self) -> Detail;

    /// The answer to one query.
    fn answer(&self, q: &Query) -> Result<Answer, String>;

    /// Payment terms and methods for (account, user); `None` if this resolver has no notion.
    fn payment(
        &self,
        _account: &str,
        _user: &str,
        _context: &tradeterms::Context,
    ) -> Option<Result<PayAnswer, String>> {
        None
    }

    /// The answer to a whole order; `None` if this resolver has no notion.
    fn order(&self, _order: &Order) -> Option<Result<OrderAnswer, String>> {
        None
    }
}

/// The engine's explained answer, `Snapshot::resolve` (and `payment`, `resolve_order`).
pub struct Resolve<'s>(pub &'s Snapshot);

impl Resolver for Resolve<'_> {
    fn name(&self) -> &'static str {
        "engine resolve"
    }

    fn detail(&self) -> Detail {
        Detail::Full
    }

    fn answer(&self, q: &Query) -> Result<Answer, String> {
        let r = self.0.resolve(q);
        if let Ok(r) = &r {
            assert_eq!(r.version, self.0.version(), "answer from another version");
            assert_eq!(&r.query, q, "answer to another query");
        }
        answer::from_engine(&r)
    }

    fn payment(
        &self,
        account: &str,
        user: &str,
        context: &tradeterms::Context,
    ) -> Option<Result<PayAnswer, String>> {
        Some(
            self.0
                .payment_in(account, user, context, tradeterms::Audience::Operator)
                .map(|p| answer::from_payment(&p))
                .map_err(|e| answer::error_name(&e)),
        )
    }

    fn order(&self, order: &Order) -> Option<Result<OrderAnswer, String>> {
        Some(
            self.0
                .resolve_order(order)
                .map(|a| {
                    assert_eq!(a.version, self.0.version(), "order from another version");
                    answer::from_order(&a)
                })
                .map_err(|e| answer::error_name(&e)),
        )
    }
}

/// The engine's lean verdict, `Snapshot::quote`.
pub struct Quote<'s>(pub &'s Snapshot);

impl Resolver for Quote<'_> {
    fn name(&self) -> &'static str {
        "engine quote"
    }

    fn detail(&self) -> Detail {
        Detail::Lean
    }

    fn answer(&self, q: &Query) -> Result<Answer, String> {
        let lean = self.0.quote(q).map_err(|e| answer::error_name(&e))?;
        assert_eq!(lean.version, self.0.version(), "quote from another version");
        Ok(answer::from_quote(&lean.outcome))
    }
}

/// The naive model of `tests/reference`, on the raw dataset.
pub struct Reference<'d>(pub &'d Dataset);

impl Resolver for Reference<'_> {
    fn name(&self) -> &'static str {
        "reference"
    }

    fn detail(&self) -> Detail {
        Detail::Full
    }

    fn answer(&self, q: &Query) -> Result<Answer, String> {
        super::resolve(self.0, q)
    }

    fn payment(
        &self,
        account: &str,
        user: &str,
        context: &tradeterms::Context,
    ) -> Option<Result<PayAnswer, String>> {
        Some(super::orders::payment(self.0, account, user, context))
    }

    fn order(&self, order: &Order) -> Option<Result<OrderAnswer, String>> {
        Some(super::orders::order(self.0, order))
    }
}

fn both(a: Detail, b: Detail) -> Detail {
    if a == Detail::Full && b == Detail::Full {
        Detail::Full
    } else {
        Detail::Lean
    }
}

/// Compares two resolvers on one query, on what both report; `Err` shows both answers.
pub fn compare_answers(a: &dyn Resolver, b: &dyn Resolver, q: &Query) -> Result<(), String> {
    let detail = both(a.detail(), b.detail());
    let x = a.answer(q).map(|x| x.at(detail));
    let y = b.answer(q).map(|y| y.at(detail));
    if x == y {
        return Ok(());
    }
    Err(format!(
        "{} and {} disagree on {q:?}\n--- {}:\n{x:#?}\n--- {}:\n{y:#?}",
        a.name(),
        b.name(),
        a.name(),
        b.name()
    ))
}

/// Compares two resolvers' payment answers, when both give them.
pub fn compare_payment(
    a: &dyn Resolver,
    b: &dyn Resolver,
    account: &str,
    user: &str,
    context: &tradeterms::Context,
) -> Result<(), String> {
    let (Some(x), Some(y)) = (
        a.payment(account, user, context),
        b.payment(account, user, context),
    ) else {
        return Ok(());
    };
    if x == y {
        return Ok(());
    }
    Err(format!(
        "{} and {} disagree on payment({account}, {user})\n--- {}:\n{x:#?}\n--- {}:\n{y:#?}",
        a.name(),
        b.name(),
        a.name(),
        b.name()
    ))
}

/// Compares two resolvers' order answers, when both give them.
pub fn compare_orders(a: &dyn Resolver, b: &dyn Resolver, o: &Order) -> Result<(), String> {
    let (Some(x), Some(y)) = (a.order(o), b.order(o)) else {
        return Ok(());
    };
    if x == y {
        return Ok(());
    }
    Err(format!(
        "{} and {} disagree on {o:?}\n--- {}:\n{x:#?}\n--- {}:\n{y:#?}",
        a.name(),
        b.name(),
        a.name(),
        b.name()
    ))
}
