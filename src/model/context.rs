//! The context of a query (SEMANTICS C1-C4): the sales channel, the ship-to country and the
//! currency asked for, and the conditions a rule places on them. Channels are declared by the
//! dataset and resolved to indexes at build; a rule's condition is checked against a query's
//! context in constant time for a rule without conditions, and by a short scan otherwise.

use crate::country::Country;
use crate::error::{BuildProblem, EntityKind};
use crate::format::ChannelData;
use crate::id::ChannelId;
use crate::model::validate::to_u32;
use crate::money::Currency;

/// The declared channels, sorted by id: a channel's index is its position.
#[derive(Clone, Debug, Default)]
pub(crate) struct Channels {
    ids: Vec<ChannelId>,
    /// Whether guests see prices on each channel, by index (G5).
    guest_prices: Vec<bool>,
}

impl Channels {
    /// The channels of a dataset; a channel declared twice is a `DuplicateId`.
    pub(crate) fn build(data: &[ChannelData], problems: &mut Vec<BuildProblem>) -> Channels {
        let mut seen = std::collections::BTreeMap::new();
        for c in data {
            if seen.insert(c.id.clone(), c.guest_prices).is_some() {
                problems.push(BuildProblem::DuplicateId {
                    kind: EntityKind::Channel,
                    id: c.id.to_string(),
                });
            }
        }
        let (ids, guest_prices) = seen.into_iter().unzip();
        Channels { ids, guest_prices }
    }

    /// Whether guests see prices on the channel at `index` (G5); never without a channel.
    pub(crate) fn guest_prices(&self, index: Option<u32>) -> bool {
        index.is_some_and(|i| self.guest_prices.get(i as usize).copied().unwrap_or(false))
    }

    /// Whether guests see prices on some channel: only then can a guest be priced, and only
    /// then do ties between the assignments reaching guests matter (G6).
    pub(crate) fn any_guest_prices(&self) -> bool {
        self.guest_prices.iter().any(|&g| g)
    }

    /// The index of a declared channel.
    pub(crate) fn lookup(&self, id: &str) -> Option<u32> {
        self.ids
            .binary_search_by(|c| c.as_str().cmp(id))
            .ok()
            .map(to_u32)
    }
}

/// The channels and countries a rule is limited to (C2); empty lists limit nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Condition {
    /// Channel indexes, sorted, each once.
    pub(crate) channels: Box<[u32]>,
    /// Countries, sorted, each once.
    pub(crate) countries: Box<[Country]>,
}

/// Why a rule's condition does not hold in a query's context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mismatch {
    /// The rule is limited to other channels (or the query names none).
    Channel,
    /// The rule is limited to other countries (or the query names none).
    Country,
}

impl Condition {
    /// Resolves a rule's `channels` and `countries`; a channel the dataset does not declare is
    /// a `DanglingReference` from the rule (C1).
    pub(crate) fn build(
        channels: &[ChannelId],
        countries: &[Country],
        declared: &Channels,
        kind: EntityKind,
        id: &str,
        problems: &mut Vec<BuildProblem>,
    ) -> Condition {
        let mut resolved: Vec<u32> = channels
            .iter()
            .filter_map(|c| {
                let found = declared.lookup(c.as_str());
                if found.is_none() {
                    problems.push(BuildProblem::DanglingReference {
                        from_kind: kind,
                        from: id.to_string(),
                        to_kind: EntityKind::Channel,
                        to: c.to_string(),
                    });
                }
                found
            })
            .collect();
        resolved.sort_unstable();
        resolved.dedup();
        let mut countries = countries.to_vec();
        countries.sort_unstable();
        countries.dedup();
        Condition {
            channels: resolved.into(),
            countries: countries.into(),
        }
    }

    /// Whether the rule applies in `ctx` (C2), and if not, why.
    pub(crate) fn check(&self, ctx: &Ctx) -> Result<(), Mismatch> {
        if !self.channels.is_empty()
            && ctx
                .channel
                .is_none_or(|c| self.channels.binary_search(&c).is_err())
        {
            return Err(Mismatch::Channel);
        }
        if !self.countries.is_empty()
            && ctx
                .country
                .is_none_or(|c| self.countries.binary_search(&c).is_err())
        {
            return Err(Mismatch::Country);
        }
        Ok(())
    }

    /// Whether the condition limits nothing.
    pub(crate) fn is_open(&self) -> bool {
        self.channels.is_empty() && self.countries.is_empty()
    }

    /// Whether the rule applies in `ctx`.
    pub(crate) fn holds(&self, ctx: &Ctx) -> bool {
        self.check(ctx).is_ok()
    }

    /// Whether no context satisfies both conditions: two rules that can never apply to the
    /// same query never tie (C4).
    pub(crate) fn disjoint(&self, other: &Condition) -> bool {
        fn apart<T: Ord>(a: &[T], b: &[T]) -> bool {
            !a.is_empty() && !b.is_empty() && !a.iter().any(|x| b.binary_search(x).is_ok())
        }
        apart(&self.channels, &other.channels) || apart(&self.countries, &other.countries)
    }
}

/// A query's context, resolved: the channel's index, the ship-to country and the currency
/// asked for (the account's default currency when the query names none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ctx {
    pub(crate) channel: Option<u32>,
    pub(crate) country: Option<Country>,
    pub(crate) currency: Currency,
}

impl Ctx {
    /// The context of a query that names nothing, for an account priced in `currency`: what
    /// every answer was before contexts existed, and what impact compares.
    pub(crate) fn plain(currency: Currency) -> Ctx {
        Ctx {
            channel: None,
            country: None,
            currency,
        }
    }
}
