//! Payment terms and methods (SEMANTICS Y1-Y3): for each, the most specific applicable payment
//! rule that sets it; a user without the `buy` permission is denied.

use crate::decide::audience::Audience;
use crate::decide::explain::specificity;
use crate::decide::resolution::{Context, Decided, Payment, PaymentOptions, RuleRef};
use crate::decide::resolve::Asker;
use crate::error::ResolveError;
use crate::format::Permission;
use crate::model::payment::PayRule;
use crate::model::scope::{ScopeLevel, applicable_rules};
use crate::model::snapshot::Snapshot;

impl Snapshot {
    /// The payment terms and methods for a user ordering for an account: for each, the most
    /// specific applicable payment rule that sets it. A user without the `buy` permission there
    /// is denied. The answer explains which rule set each (the operator's view); a buyer-facing
    /// host passes it through [`Payment::for_audience`] with
    /// [`Audience::Buyer`](crate::Audience::Buyer), as `resolve_order` does for a buyer's order.
    ///
    /// # Errors
    /// [`ResolveError::UnknownUser`] for a user the snapshot does not have. A user who may not
    /// buy there is not an error: the answer is [`Payment::Denied`].
    ///
    /// ```
    /// use tradeterms::{Dataset, Snapshot};
    /// let snapshot = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../examples/data/demo.json"))?)?;
    /// let payment = snapshot.payment("abb-north", "john")?;
    /// println!("{payment}"); // terms and methods, each with the rule that set it
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn payment(
        &self,
        account: impl AsRef<str>,
        user: impl AsRef<str>,
    ) -> Result<Payment, ResolveError> {
        self.payment_in(account, user, &Context::default(), Audience::Operator)
    }

    /// [`Snapshot::payment`] in a context, for an audience: payment rules limited to other
    /// channels or ship-to countries do not apply (C2), and a `Buyer` answer names no rule
    /// (A2, as [`Payment::for_audience`]).
    ///
    /// ```
    /// use tradeterms::{Audience, Context, Dataset, Payment, Snapshot};
    /// let snapshot = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../examples/data/demo.json"))?)?;
    /// let seen = snapshot.payment_in("abb-north", "john", &Context::default(), Audience::Buyer)?;
    /// let Payment::Options(o) = seen else { panic!("john buys for Abb North") };
    /// assert!(o.terms.unwrap().rule.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ResolveError::UnknownUser`] for a user the snapshot does not have,
    /// and [`ResolveError::UnknownChannel`] for a channel the dataset does not declare.
    pub fn payment_in(
        &self,
        account: impl AsRef<str>,
        user: impl AsRef<str>,
        context: &Context,
        audience: Audience,
    ) -> Result<Payment, ResolveError> {
        self.payment_explained(account.as_ref(), user.as_ref(), context)
            .map(|p| p.for_audience(audience))
    }

    /// The operator's payment answer, which [`Snapshot::payment_in`] redacts for its audience.
    fn payment_explained(
        &self,
        account: &str,
        user: &str,
        context: &Context,
    ) -> Result<Payment, ResolveError> {
        let inner = self.inner();
        let channel = self.channel_of(context)?;
        let (idx, acc, entitled) = match self.entitle(account, user)? {
            Asker::At(idx, acc, entitled) if entitled.may(Permission::Buy) => (idx, acc, entitled),
            Asker::At(_, _, entitled) | Asker::Nowhere(entitled) => {
                return Ok(Payment::Denied(entitled.refusal(Permission::Buy)));
            }
        };
        let roles = entitled.roles();
        let mut arms =
            crate::model::experiment::Arms::new(&inner.experiments, acc, &inner.accounts);
        let ctx = crate::model::context::Ctx {
            channel,
            country: context.ship_to,
            currency: context.currency.unwrap_or(acc.currency),
        };
        let mut rules = applicable_rules(
            &inner.pay_scopes,
            &inner.payment_rules,
            idx,
            acc,
            &inner.accounts,
            |a| a.inherit.payment_terms,
            |_| true,
            Some(&roles),
            &mut arms,
            PayRule::tiebreak,
        );
        rules.retain(|(_, r)| r.condition.holds(&ctx));
        let rule_ref = |level: &ScopeLevel, rule: &PayRule| RuleRef {
            id: rule.id.clone(),
            owner: rule.owner.clone(),
            specificity: specificity(inner, level),
            roles: rule.roles.clone(),
        };
        fn decide<T: Clone>(
            rules: &[(ScopeLevel, &PayRule)],
            get: impl Fn(&PayRule) -> Option<T>,
            rule_ref: impl Fn(&ScopeLevel, &PayRule) -> RuleRef,
        ) -> Option<Decided<T>> {
            let mut setting = rules.iter().filter_map(|(l, r)| get(r).map(|v| (l, r, v)));
            let (level, rule, value) = setting.next()?;
            Some(Decided {
                value,
                rule: Some(rule_ref(level, rule)),
                overridden: setting.map(|(l, r, _)| rule_ref(l, r)).collect(),
            })
        }
        Ok(Payment::Options(Box::new(PaymentOptions {
            terms: decide(&rules, |r| r.terms, rule_ref),
            methods: decide(&rules, |r| r.methods.clone(), rule_ref),
            experiments: arms.report(),
        })))
    }
}
