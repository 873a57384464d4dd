//! Quantities: a non-negative exact decimal, whole for most SKUs, with up to
//! [`Quantity::MAX_DECIMALS`] decimals for goods sold by the metre or the kilogram (SEMANTICS
//! U6-U9).
//!
//! Inside a snapshot every quantity of a SKU is an integer count of the SKU's smallest step
//! (`qty x 10^quantity_decimals`), so tiers, quantity rules and the decision core keep integer
//! arithmetic; a quantity finer than the SKU's precision is refused with an error naming the SKU.

use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// A quantity: a non-negative exact decimal (`12`, `12.5`, `0.750`).
///
/// Its JSON form is read and written in `format::predicate`, beside the exact reading of
/// attribute numbers it shares.
///
/// Whole quantities convert from `u64` (so `Query::new(.., 12, ..)` reads as before); decimal
/// ones from a [`Decimal`] or a string. In JSON a quantity is a number read exactly from its
/// text, never through a float (`0.1` is exactly one tenth), or a string (`"12.5"`); it is
/// written as a JSON number with its exact digits. Equal quantities are equal whatever their
/// trailing zeros (`12.50` is `12.5`).
///
/// ```
/// use tradeterms::Quantity;
/// let q: Quantity = "12.5".parse().unwrap();
/// assert_eq!(q.to_string(), "12.5");
/// assert_eq!(Quantity::from(12u64), 12);
/// let json: Quantity = serde_json::from_str("0.1").unwrap();
/// assert_eq!(json, "0.10".parse::<Quantity>().unwrap());
/// assert_eq!(serde_json::to_string(&json).unwrap(), "0.1");
/// assert!("-1".parse::<Quantity>().is_err());
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(Decimal);

/// Why a decimal or a text is not a quantity.
///
/// ```
/// use tradeterms::Quantity;
/// let e = "-2".parse::<Quantity>().unwrap_err();
/// assert_eq!(e.to_string(), "`-2` is not a quantity: quantities are zero or more, such as 12 or 12.5");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a quantity: quantities are zero or more, such as 12 or 12.5")]
pub struct InvalidQuantity(String);

impl InvalidQuantity {
    /// The refused text, cut to 40 characters: input is echoed, never unbounded.
    fn of(text: &str) -> InvalidQuantity {
        let mut shown: String = text.chars().take(40).collect();
        if shown.len() < text.len() {
            shown.push('…');
        }
        InvalidQuantity(shown)
    }
}

impl Quantity {
    /// The most decimals a SKU's quantities may have (`quantity_decimals`, SEMANTICS U6).
    ///
    /// ```
    /// assert_eq!(tradeterms::Quantity::MAX_DECIMALS, 6);
    /// ```
    pub const MAX_DECIMALS: u32 = 6;

    /// No quantity.
    ///
    /// ```
    /// assert!(tradeterms::Quantity::ZERO.is_zero());
    /// ```
    pub const ZERO: Quantity = Quantity(Decimal::ZERO);

    /// One unit.
    ///
    /// ```
    /// assert_eq!(tradeterms::Quantity::ONE, 1);
    /// ```
    pub const ONE: Quantity = Quantity(Decimal::ONE);

    /// The quantity as a decimal.
    ///
    /// ```
    /// use tradeterms::{Decimal, Quantity};
    /// assert_eq!(Quantity::from(3u64).as_decimal(), Decimal::from(3));
    /// ```
    pub fn as_decimal(&self) -> Decimal {
        self.0
    }

    /// Whether it is zero.
    ///
    /// ```
    /// assert!(!tradeterms::Quantity::ONE.is_zero());
    /// ```
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// How many decimals it needs (`12.5` needs 1, `12.50` too, `12` none).
    ///
    /// ```
    /// use tradeterms::Quantity;
    /// assert_eq!("0.750".parse::<Quantity>().unwrap().decimals(), 2);
    /// ```
    pub fn decimals(&self) -> u32 {
        self.0.scale()
    }

    /// The whole number it is, if it is one.
    ///
    /// ```
    /// use tradeterms::Quantity;
    /// assert_eq!(Quantity::from(7u64).to_u64(), Some(7));
    /// assert_eq!("7.5".parse::<Quantity>().unwrap().to_u64(), None);
    /// ```
    pub fn to_u64(&self) -> Option<u64> {
        if self.0.scale() != 0 {
            return None;
        }
        u64::try_from(self.0).ok()
    }

    /// `n` times this quantity (a line in a unit of `n` base units, in base units),
    /// saturating at the largest decimal.
    ///
    /// ```
    /// use tradeterms::Quantity;
    /// assert_eq!("2.5".parse::<Quantity>().unwrap().saturating_times(4), 10);
    /// ```
    pub fn saturating_times(self, n: u64) -> Quantity {
        if n == 1 {
            return self;
        }
        Quantity(
            self.0
                .checked_mul(Decimal::from(n))
                .map_or(Decimal::MAX, |d| d.normalize()),
        )
    }

    fn normalized(self) -> Quantity {
        Quantity(self.0.normalize())
    }

    /// The quantity counted in steps of `10^-decimals`, if it is a whole number of them and
    /// fits a `u64`: `12.5` is 125 steps at 1 decimal and not a count of steps at 0.
    pub(crate) fn to_steps(self, decimals: u32) -> Result<u64, StepsFault> {
        let scale = self.0.scale();
        if scale > decimals {
            return Err(StepsFault::TooPrecise);
        }
        let mantissa = u64::try_from(self.0.mantissa()).map_err(|_| StepsFault::Overflow)?;
        let shift = decimals.checked_sub(scale).ok_or(StepsFault::TooPrecise)?;
        10u64
            .checked_pow(shift)
            .and_then(|p| mantissa.checked_mul(p))
            .ok_or(StepsFault::Overflow)
    }

    /// The first count of steps of `10^-decimals` at or above this quantity (saturating): a
    /// threshold that is finer than the steps is reached from the next whole step.
    pub(crate) fn ceil_steps(self, decimals: u32) -> u64 {
        match self.to_steps(decimals) {
            Ok(s) => s,
            Err(StepsFault::Overflow) => u64::MAX,
            Err(StepsFault::TooPrecise) => {
                let scaled = 10u64
                    .checked_pow(decimals)
                    .and_then(|p| self.0.checked_mul(Decimal::from(p)))
                    .map(|d| d.ceil());
                scaled
                    .and_then(|d| u64::try_from(d).ok())
                    .unwrap_or(u64::MAX)
            }
        }
    }

    /// `steps` steps of `10^-decimals` (`decimals` at most 28).
    pub(crate) fn from_steps(steps: u64, decimals: u32) -> Quantity {
        if decimals == 0 {
            return Quantity(Decimal::from(steps));
        }
        let d =
            Decimal::try_from_i128_with_scale(i128::from(steps), decimals).unwrap_or(Decimal::MAX);
        Quantity(d.normalize())
    }
}

/// Why a quantity is not a whole count of steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StepsFault {
    /// Finer than the steps.
    TooPrecise,
    /// More steps than a `u64` holds.
    Overflow,
}

impl From<u64> for Quantity {
    /// A whole quantity. (Only `u64` converts implicitly, so that an integer literal such as
    /// `12` is read as one: `Query::new(.., 12, ..)` compiles as before.)
    fn from(n: u64) -> Quantity {
        Quantity(Decimal::from(n))
    }
}

impl TryFrom<Decimal> for Quantity {
    type Error = InvalidQuantity;

    /// A decimal of zero or more, its trailing zeros dropped.
    ///
    /// ```
    /// use tradeterms::{Decimal, Quantity};
    /// let q = Quantity::try_from(Decimal::new(750, 3)).unwrap();
    /// assert_eq!(q.to_string(), "0.75");
    /// assert!(Quantity::try_from(Decimal::NEGATIVE_ONE).is_err());
    /// ```
    fn try_from(d: Decimal) -> Result<Quantity, InvalidQuantity> {
        if d.is_sign_negative() && !d.is_zero() {
            return Err(InvalidQuantity::of(&d.to_string()));
        }
        // `-0` reads as 0.
        Ok(Quantity(d.abs().normalize()))
    }
}

impl From<Quantity> for Decimal {
    fn from(q: Quantity) -> Decimal {
        q.0
    }
}

impl FromStr for Quantity {
    type Err = InvalidQuantity;

    /// A decimal such as `12`, `12.5` or `0.750`, of zero or more.
    fn from_str(s: &str) -> Result<Quantity, InvalidQuantity> {
        let d = Decimal::from_str_exact(s.trim()).map_err(|_| InvalidQuantity::of(s))?;
        Quantity::try_from(d).map_err(|_| InvalidQuantity::of(s))
    }
}

impl PartialEq<u64> for Quantity {
    fn eq(&self, other: &u64) -> bool {
        self.0 == Decimal::from(*other)
    }
}

impl std::iter::Sum for Quantity {
    /// The total, saturating at the largest decimal.
    ///
    /// ```
    /// use tradeterms::Quantity;
    /// let total: Quantity = ["9.9", "2.6"].iter().map(|s| s.parse::<Quantity>().unwrap()).sum();
    /// assert_eq!(total, "12.5".parse::<Quantity>().unwrap());
    /// ```
    fn sum<I: Iterator<Item = Quantity>>(iter: I) -> Quantity {
        Quantity(iter.fold(Decimal::ZERO, |a, q| {
            a.checked_add(q.0).unwrap_or(Decimal::MAX)
        }))
        .normalized()
    }
}

impl PartialOrd<u64> for Quantity {
    fn partial_cmp(&self, other: &u64) -> Option<std::cmp::Ordering> {
        Some(self.0.cmp(&Decimal::from(*other)))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Quantity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Quantity".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A quantity of zero or more: a JSON number read exactly from its text (12, 12.5), or a string holding one (\"12.5\"). At most the SKU's `quantity_decimals` decimals.",
            "anyOf": [
                { "type": "number", "minimum": 0 },
                { "type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*$" }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        s.parse().unwrap()
    }

    #[test]
    fn steps_at_a_precision() {
        assert_eq!(q("12.5").to_steps(1), Ok(125));
        assert_eq!(q("12.5").to_steps(3), Ok(12_500));
        assert_eq!(q("12.5").to_steps(0), Err(StepsFault::TooPrecise));
        assert_eq!(q("12").to_steps(0), Ok(12));
        assert_eq!(q("0.75").to_steps(3), Ok(750));
        assert_eq!(
            Quantity::from(u64::MAX).to_steps(1),
            Err(StepsFault::Overflow)
        );
        assert_eq!(q("0.05").ceil_steps(1), 1);
        assert_eq!(q("10").ceil_steps(1), 100);
        assert_eq!(Quantity::from_steps(125, 1), q("12.5"));
        assert_eq!(Quantity::from_steps(120, 1).to_string(), "12");
    }

    #[test]
    fn json_reads_exactly() {
        let a: Quantity = serde_json::from_str("0.1").unwrap();
        assert_eq!(a.as_decimal(), Decimal::new(1, 1));
        let b: Quantity = serde_json::from_str("\"12.5\"").unwrap();
        assert_eq!(b, q("12.5"));
        let c: Quantity = serde_json::from_str("12").unwrap();
        assert_eq!(c, 12);
        assert!(serde_json::from_str::<Quantity>("-1").is_err());
        assert!(serde_json::from_str::<Quantity>("true").is_err());
        assert_eq!(serde_json::to_string(&q("12.50")).unwrap(), "12.5");
        assert_eq!(serde_json::to_string(&c).unwrap(), "12");
    }

    #[test]
    fn a_refused_text_is_echoed_cut() {
        let long = "x".repeat(10_000);
        let e = long.parse::<Quantity>().unwrap_err();
        assert!(e.to_string().len() < 200, "{e}");
    }
}
