//! Money: currencies with their ISO 4217 minor units, and the one place where amounts are rounded.
//!
//! Every amount is a [`Decimal`]; arithmetic on input-derived values uses the checked forms, and
//! an overflow surfaces as an error, never as a wrong price. Rounding happens exactly once, on the
//! extended line amount, to the currency's minor units with [`ROUNDING`]. Unit prices stay exact,
//! except where a relative list's adjustment asks for a price point (`round_to`, SEMANTICS P6b):
//! a named step of its formula, not a rounding of an amount.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The rounding strategy applied to line amounts: half away from zero ("commercial rounding"),
/// so 0.125 USD becomes 0.13 USD. Banker's rounding is deliberately not used: B2B invoices and
/// ERPs round half up, and the engine must agree with them to the cent.
pub const ROUNDING: RoundingStrategy = RoundingStrategy::MidpointAwayFromZero;

/// An ISO 4217 currency with its number of minor units (2 for USD, 0 for JPY, 3 for BHD).
///
/// Only currencies that have minor units defined (real money, not gold or test codes) are
/// accepted.
///
/// ```
/// use tradeterms::Currency;
/// let usd = Currency::from_code("USD").unwrap();
/// assert_eq!(usd.code(), "USD");
/// assert_eq!(usd.minor_units(), 2);
/// assert_eq!(Currency::from_code("JPY").unwrap().minor_units(), 0);
/// assert!(Currency::from_code("XYZ").is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency {
    /// The ISO code as the ISO table spells it.
    code: &'static str,
    minor_units: u8,
}

impl Currency {
    /// Stands in for an invalid currency while a failing build goes on collecting problems; it
    /// never reaches a built snapshot.
    pub(crate) const PLACEHOLDER: Currency = Currency {
        code: "XXX",
        minor_units: 0,
    };

    /// Looks up an ISO 4217 alphabetic code (upper case). `None` if the code is unknown or has no
    /// minor units (XAU, XXX...).
    pub fn from_code(code: &str) -> Option<Currency> {
        let iso = iso_currency::Currency::from_code(code)?;
        let minor_units = u8::try_from(iso.exponent()?).ok()?;
        Some(Currency {
            code: iso.code(),
            minor_units,
        })
    }

    /// The three-letter code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Number of digits after the decimal point in this currency's minor unit.
    pub fn minor_units(&self) -> u32 {
        u32::from(self.minor_units)
    }

    /// Rounds an exact amount to this currency's minor units with [`ROUNDING`]. This is the only
    /// rounding of amounts the engine performs (a price point an adjustment asks for is a step
    /// of its unit-price formula, SEMANTICS P6b).
    pub fn round(&self, amount: Decimal) -> Decimal {
        let mut rounded = amount.round_dp_with_strategy(self.minor_units(), ROUNDING);
        // Fix the scale so 12.5 USD prints and serialises as 12.50.
        rounded.rescale(self.minor_units());
        rounded
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Parses an ISO 4217 alphabetic code, as [`Currency::from_code`] looks it up.
///
/// ```
/// use tradeterms::Currency;
/// let eur: Currency = "EUR".parse()?;
/// assert_eq!(eur.to_string().parse::<Currency>()?, eur);
/// assert!("eur".parse::<Currency>().is_err());
/// # Ok::<(), tradeterms::UnknownCurrency>(())
/// ```
impl std::str::FromStr for Currency {
    type Err = UnknownCurrency;

    fn from_str(code: &str) -> Result<Currency, UnknownCurrency> {
        Currency::from_code(code).ok_or_else(|| UnknownCurrency {
            code: code.chars().take(16).collect(),
        })
    }
}

/// The error of parsing a [`Currency`]: the code is not an upper-case ISO 4217 code of a
/// currency with minor units.
///
/// ```
/// use tradeterms::Currency;
/// let err = "XYZ".parse::<Currency>().unwrap_err();
/// assert_eq!(err.code(), "XYZ");
/// assert_eq!(err.to_string(), "unknown currency \"XYZ\": give an upper-case ISO 4217 code with minor units, such as `USD`");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCurrency {
    /// The code given (its first 16 characters).
    code: String,
}

impl UnknownCurrency {
    /// The code given (its first 16 characters).
    pub fn code(&self) -> &str {
        &self.code
    }
}

impl fmt::Display for UnknownCurrency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown currency \"{}\": give an upper-case ISO 4217 code with minor units, such as `USD`",
            self.code.escape_debug()
        )
    }
}

impl std::error::Error for UnknownCurrency {}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown currency `{code}`")))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Currency {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Currency".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "An ISO 4217 alphabetic currency code with minor units, upper case",
            "pattern": "^[A-Z]{3}$"
        })
    }
}

/// `a * b`, or `None` on overflow.
pub(crate) fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_mul(b)
}

/// `a + b`, or `None` on overflow.
pub(crate) fn add(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_add(b)
}

/// Applies a percentage adjustment: `price * (100 + percent) / 100`, checked. When the product
/// overflows before the division, the same value is computed as `price * ((100 + percent) /
/// 100)` if that factor is exact, so a price near `Decimal::MAX` reduced by 40 % is priced, not
/// reported as an overflow; only a result that does not fit is `None`.
pub(crate) fn adjust_by_percent(price: Decimal, percent: Decimal) -> Option<Decimal> {
    let factor = Decimal::ONE_HUNDRED.checked_add(percent)?;
    match price.checked_mul(factor) {
        Some(scaled) => scaled.checked_div(Decimal::ONE_HUNDRED),
        None => {
            let ratio = factor.checked_div(Decimal::ONE_HUNDRED)?;
            // Only an exact ratio gives the same value as the first form.
            (ratio.checked_mul(Decimal::ONE_HUNDRED)? == factor)
                .then(|| price.checked_mul(ratio))
                .flatten()
        }
    }
}

/// Rounds a unit price to a price point (P6b): to the nearest multiple of `multiple` (more
/// than zero, checked at build), half away from zero, then plus `ending` (`-0.01` for .99
/// prices). A step of the adjustment formula, separate from the one rounding of a line amount
/// ([`Currency::round`]). `None` on overflow or a zero multiple.
pub(crate) fn round_to_price_point(
    price: Decimal,
    multiple: Decimal,
    ending: Decimal,
) -> Option<Decimal> {
    let steps = price
        .checked_div(multiple)?
        .round_dp_with_strategy(0, ROUNDING);
    steps.checked_mul(multiple)?.checked_add(ending)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn a_large_price_reduced_by_a_percent_is_priced_not_an_overflow() {
        // Issue 13, point 12: MAX x 60 overflows, MAX x 0.6 fits.
        let reduced = adjust_by_percent(Decimal::MAX, Decimal::from(-40)).unwrap();
        assert_eq!(
            reduced,
            Decimal::MAX
                .checked_mul(Decimal::from_str("0.6").unwrap())
                .unwrap()
        );
        assert_eq!(
            adjust_by_percent(Decimal::from(10), Decimal::from(-40)),
            Some(Decimal::from(6))
        );
        // A result that does not fit is still an overflow.
        assert_eq!(adjust_by_percent(Decimal::MAX, Decimal::from(40)), None);
    }

    #[test]
    fn rounds_half_away_from_zero_to_minor_units() {
        let usd = Currency::from_code("USD").unwrap();
        assert_eq!(
            usd.round(Decimal::from_str("0.125").unwrap()).to_string(),
            "0.13"
        );
        assert_eq!(
            usd.round(Decimal::from_str("0.135").unwrap()).to_string(),
            "0.14"
        );
        assert_eq!(
            usd.round(Decimal::from_str("12.5").unwrap()).to_string(),
            "12.50"
        );
        let jpy = Currency::from_code("JPY").unwrap();
        assert_eq!(
            jpy.round(Decimal::from_str("100.5").unwrap()).to_string(),
            "101"
        );
        let bhd = Currency::from_code("BHD").unwrap();
        assert_eq!(
            bhd.round(Decimal::from_str("1.0005").unwrap()).to_string(),
            "1.001"
        );
    }

    #[test]
    fn rejects_codes_without_minor_units() {
        assert!(Currency::from_code("XAU").is_none());
        assert!(Currency::from_code("usd").is_none());
        assert!(Currency::from_code("").is_none());
    }

    #[test]
    fn price_points_round_half_away_from_zero_then_add_the_ending() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        // 12.34 x 1.12 = 13.8208 -> 14 -> 13.99
        assert_eq!(
            round_to_price_point(d("13.8208"), d("1"), d("-0.01")),
            Some(d("13.99"))
        );
        assert_eq!(
            round_to_price_point(d("1.025"), d("0.05"), Decimal::ZERO),
            Some(d("1.05"))
        );
        assert_eq!(
            round_to_price_point(d("1.0249"), d("0.05"), Decimal::ZERO),
            Some(d("1.00"))
        );
        assert_eq!(
            round_to_price_point(d("1"), Decimal::ZERO, Decimal::ZERO),
            None
        );
    }

    #[test]
    fn percent_adjustment_is_checked() {
        let p = Decimal::from_str("10.00").unwrap();
        assert_eq!(
            adjust_by_percent(p, Decimal::from(-20)).unwrap(),
            Decimal::from(8)
        );
        assert!(adjust_by_percent(Decimal::MAX, Decimal::from(50)).is_none());
    }
}

/// Money (and percents) in the data format: a JSON string of the form `-?digits(.digits)?`.
/// `rust_decimal`'s own string parser also accepts `1_000`, `+1` and (through other paths)
/// exponents; an amount a person types into a contract must mean exactly what it shows, so
/// those are refused with a message that says what to write.
pub(crate) mod decimal_str {
    use rust_decimal::Decimal;
    use serde::{Deserializer, Serializer, de::Error};

    /// Whether `s` is `-?digits(.digits)?`.
    pub(crate) fn is_plain(s: &str) -> bool {
        let body = s.strip_prefix('-').unwrap_or(s);
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        digits(int) && frac.is_none_or(digits)
    }

    fn parse<E: Error>(s: &str) -> Result<Decimal, E> {
        if !is_plain(s) {
            return Err(E::custom(format!(
                "`{}` is not a plain decimal: write digits with an optional `-` and one `.`, such as \"1000.50\"",
                s.chars().take(32).collect::<String>()
            )));
        }
        // Exactly, or not at all: more digits than a decimal holds (29 significant, 28 after
        // the point) is refused rather than rounded to another amount.
        Decimal::from_str_exact(s).map_err(|e| {
            E::custom(format!(
                "`{}` is not a decimal amount the engine can hold exactly: {e}",
                s.chars().take(32).collect::<String>()
            ))
        })
    }

    pub(crate) fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    /// What a number where an amount is expected is told.
    pub(crate) const NUMBER_FOR_AMOUNT: &str = "amounts (money and percents) are written as decimal strings such as \"100.50\", not as JSON numbers";

    struct Amount;

    impl serde::de::Visitor<'_> for Amount {
        type Value = Decimal;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a decimal string such as \"100.50\"")
        }

        fn visit_str<E: Error>(self, v: &str) -> Result<Decimal, E> {
            parse(v)
        }

        fn visit_f64<E: Error>(self, v: f64) -> Result<Decimal, E> {
            Err(E::custom(format!("{NUMBER_FOR_AMOUNT} (got {v})")))
        }

        fn visit_u64<E: Error>(self, v: u64) -> Result<Decimal, E> {
            Err(E::custom(format!("{NUMBER_FOR_AMOUNT} (got {v})")))
        }

        fn visit_i64<E: Error>(self, v: i64) -> Result<Decimal, E> {
            Err(E::custom(format!("{NUMBER_FOR_AMOUNT} (got {v})")))
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(Amount)
    }

    /// The same for an optional amount.
    pub(crate) mod option {
        use rust_decimal::Decimal;
        use serde::{Deserializer, Serializer};

        pub(crate) fn serialize<S: Serializer>(
            value: &Option<Decimal>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => s.collect_str(v),
                None => s.serialize_none(),
            }
        }

        struct MaybeAmount;

        impl<'de> serde::de::Visitor<'de> for MaybeAmount {
            type Value = Option<Decimal>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a decimal string such as \"100.50\", or null")
            }

            fn visit_none<E: serde::de::Error>(self) -> Result<Option<Decimal>, E> {
                Ok(None)
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<Option<Decimal>, E> {
                Ok(None)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<Decimal>, D::Error> {
                super::deserialize(d).map(Some)
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<Decimal>, D::Error> {
            d.deserialize_option(MaybeAmount)
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn only_plain_decimals_are_money() {
            for ok in ["0", "12", "-3", "1000.50", "0.001"] {
                assert!(super::is_plain(ok), "{ok}");
            }
            for bad in [
                "", "-", ".5", "5.", "1_000", "+1", "1e3", "1.2.3", " 1", "1 ", "١٢",
            ] {
                assert!(!super::is_plain(bad), "{bad}");
            }
        }
    }
}

/// An amount in one currency.
///
/// ```
/// use tradeterms::{Currency, Money};
/// let m = Money { currency: Currency::from_code("USD").unwrap(), amount: "12.50".parse().unwrap() };
/// assert_eq!(m.to_string(), "12.50 USD");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Money {
    /// The currency.
    pub currency: Currency,
    /// The amount.
    #[serde(with = "decimal_str")]
    #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
    pub amount: Decimal,
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}
