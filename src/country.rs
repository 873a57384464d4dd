//! Countries: ISO 3166-1 alpha-2 codes, the "ship to" of a query and the countries a rule is
//! limited to. A code that is not an officially assigned one is refused where it is read.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The officially assigned ISO 3166-1 alpha-2 codes (249), sorted, for a binary search. A fixed
/// list rather than a dependency: it changes a few times a decade, and a change here is a
/// visible, reviewed diff.
const CODES: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// A country, by its ISO 3166-1 alpha-2 code (upper case): where an order ships to, and the
/// countries a rule is limited to. `Copy`.
///
/// ```
/// use tradeterms::Country;
/// let ca = Country::from_code("CA").unwrap();
/// assert_eq!(ca.code(), "CA");
/// assert!(Country::from_code("XX").is_none()); // not assigned
/// assert!(Country::from_code("ca").is_none()); // codes are upper case
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country(&'static str);

impl Country {
    /// The country with this ISO 3166-1 alpha-2 code, if it is an officially assigned one.
    pub fn from_code(code: &str) -> Option<Country> {
        let i = CODES.binary_search(&code).ok()?;
        CODES.get(i).map(|c| Country(c))
    }

    /// The two-letter code.
    pub fn code(&self) -> &'static str {
        self.0
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Country {
    type Err = UnknownCountry;

    fn from_str(code: &str) -> Result<Country, UnknownCountry> {
        Country::from_code(code).ok_or_else(|| UnknownCountry(crate::id::quoted(code)))
    }
}

/// A code that is not an ISO 3166-1 alpha-2 country (the code, quoted and shortened).
///
/// ```
/// let e = "Canada".parse::<tradeterms::Country>().unwrap_err();
/// assert_eq!(e.to_string(), "`Canada` is not an ISO 3166-1 alpha-2 country code: use a code such as `US` or `CA`");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not an ISO 3166-1 alpha-2 country code: use a code such as `US` or `CA`")]
pub struct UnknownCountry(String);

impl Serialize for Country {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Country, D::Error> {
        let code = String::deserialize(deserializer)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Country {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Country".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "An ISO 3166-1 alpha-2 country code, upper case",
            "pattern": "^[A-Z]{2}$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::CODES;

    #[test]
    fn the_codes_are_sorted_unique_pairs_of_capitals() {
        assert!(CODES.windows(2).all(|w| matches!(w, [a, b] if a < b)));
        assert!(
            CODES
                .iter()
                .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
        );
    }
}
