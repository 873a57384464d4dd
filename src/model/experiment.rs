//! Holdout cohorts: measuring personalisation against accounts that do not get it.
//!
//! An experiment has a salt and a holdout share in basis points. Rules tagged with the experiment
//! apply only to accounts in its treatment arm. The unit of assignment is the top-level account,
//! so a holding and all its sub-accounts always share an arm. The arm is a stable function of
//! (salt, top-level account id) only:
//!
//! ```text
//! h      = FNV-1a 64 over the bytes of salt, then one 0xFF byte, then the top account's id
//! bucket = splitmix64_finalizer(h) mod 10 000
//! arm    = holdout if bucket < holdout_bp, else treatment
//! ```
//!
//! No randomly seeded hasher is involved: the arm is identical across runs, machines and
//! versions, and unchanged by any other data. (0xFF never occurs in UTF-8, so salt and id cannot
//! run into each other.)

use crate::error::{BuildProblem, EntityKind};
use crate::format::experiment::ExperimentData;
use crate::id::AccountId;
use crate::model::account::{AccountRec, Accounts};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::fmt;

/// An experiment arm.
///
/// ```
/// assert_eq!(tradeterms::Arm::Holdout.to_string(), "holdout");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Arm {
    /// Gets the experiment's rules.
    Treatment,
    /// Does not.
    Holdout,
}

impl fmt::Display for Arm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Arm::Treatment => "treatment",
            Arm::Holdout => "holdout",
        })
    }
}

/// The arm of one experiment that touched an answer.
///
/// ```
/// let a: tradeterms::ExperimentArm =
///     serde_json::from_str(r#"{ "experiment": "promo", "arm": "treatment" }"#).unwrap();
/// assert_eq!(a.to_string(), "experiment `promo`: treatment");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ExperimentArm {
    /// The experiment.
    pub experiment: String,
    /// The arm of the account's top-level account.
    pub arm: Arm,
}

impl fmt::Display for ExperimentArm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "experiment `{}`: {}", self.experiment, self.arm)
    }
}

/// Accounts per arm of an experiment.
///
/// ```
/// # fn f(c: &tradeterms::Cohorts) { let _ = c.holdout.len(); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Cohorts {
    /// The experiment.
    pub experiment: String,
    /// Accounts in the treatment arm, sorted.
    pub treatment: Vec<AccountId>,
    /// Accounts held out, sorted.
    pub holdout: Vec<AccountId>,
}

/// A validated experiment.
#[derive(Clone, Debug)]
pub(crate) struct ExperimentRec {
    pub(crate) id: String,
    pub(crate) salt: String,
    pub(crate) holdout_bp: u32,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(h: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(FNV_PRIME))
}

/// SplitMix64's finaliser: spreads FNV's weak low bits over the whole word.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The bucket (0 to 9 999) of a top-level account in an experiment with this salt.
pub(crate) fn bucket(salt: &str, top_account: &str) -> u64 {
    let h = fnv1a(FNV_OFFSET, salt.as_bytes());
    let h = fnv1a(h, &[0xFF]);
    let h = fnv1a(h, top_account.as_bytes());
    mix(h) % 10_000
}

impl ExperimentRec {
    pub(crate) fn arm(&self, top_account: &str) -> Arm {
        if bucket(&self.salt, top_account) < u64::from(self.holdout_bp) {
            Arm::Holdout
        } else {
            Arm::Treatment
        }
    }
}

/// The top-level account of an account.
pub(crate) fn top<'a>(acc: &'a AccountRec, accounts: &'a Accounts) -> &'a AccountId {
    acc.ancestors
        .last()
        .and_then(|&i| accounts.get(i))
        .map(|a| &a.id)
        .unwrap_or(&acc.id)
}

/// The arms of one account, computed on demand, and the experiments met while gathering rules.
pub(crate) struct Arms<'a> {
    experiments: &'a [ExperimentRec],
    top: &'a str,
    pub(crate) touched: BTreeSet<u32>,
}

impl<'a> Arms<'a> {
    pub(crate) fn new(
        experiments: &'a [ExperimentRec],
        acc: &'a AccountRec,
        accounts: &'a Accounts,
    ) -> Arms<'a> {
        Arms {
            experiments,
            top: top(acc, accounts).as_str(),
            touched: BTreeSet::new(),
        }
    }

    /// Whether a rule tagged with `experiment` applies to the account; records the experiment.
    pub(crate) fn admits(&mut self, experiment: Option<u32>) -> bool {
        let Some(e) = experiment else { return true };
        self.touched.insert(e);
        self.experiments
            .get(e as usize)
            .is_none_or(|x| x.arm(self.top) == Arm::Treatment)
    }

    /// The experiments met, with the account's arm in each, by experiment id.
    pub(crate) fn report(&self) -> Vec<ExperimentArm> {
        let mut out: Vec<ExperimentArm> = self
            .touched
            .iter()
            .filter_map(|&e| self.experiments.get(e as usize))
            .map(|x| ExperimentArm {
                experiment: x.id.clone(),
                arm: x.arm(self.top),
            })
            .collect();
        out.sort();
        out
    }
}

/// Validates experiments.
pub(crate) fn build(
    data: &[ExperimentData],
    problems: &mut Vec<BuildProblem>,
) -> (Vec<ExperimentRec>, HashMap<String, u32>) {
    let unique = crate::model::validate::unique_by_id(
        data,
        EntityKind::Experiment,
        |e| e.id.as_str(),
        problems,
    );
    let mut recs = Vec::with_capacity(unique.len());
    for e in unique {
        crate::model::validate::check_owner(&e.owner, EntityKind::Experiment, &e.id, problems);
        if e.holdout_bp > 10_000 {
            problems.push(BuildProblem::InvalidHoldout {
                experiment: e.id.clone(),
                holdout_bp: e.holdout_bp,
            });
        }
        recs.push(ExperimentRec {
            id: e.id.clone(),
            salt: e.salt.clone(),
            holdout_bp: e.holdout_bp,
        });
    }
    let index = recs
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.clone(), crate::model::validate::to_u32(i)))
        .collect();
    (recs, index)
}

/// Resolves a rule's experiment tag.
pub(crate) fn resolve_tag(
    tag: Option<&String>,
    index: &HashMap<String, u32>,
    from_kind: EntityKind,
    from: &str,
    problems: &mut Vec<BuildProblem>,
) -> Option<u32> {
    let tag = tag?;
    match index.get(tag) {
        Some(&i) => Some(i),
        None => {
            problems.push(BuildProblem::DanglingReference {
                from_kind,
                from: from.to_string(),
                to_kind: EntityKind::Experiment,
                to: tag.clone(),
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_stable_known_values() {
        // Pinned values: the assignment must never change across versions of the crate.
        assert_eq!(
            bucket("promo-q3", "abb-corp"),
            bucket("promo-q3", "abb-corp")
        );
        let pinned = [
            bucket("s", "a"),
            bucket("s", "b"),
            bucket("salt", "abb-corp"),
        ];
        assert_eq!(pinned, PINNED);
        assert_ne!(bucket("s1", "a"), bucket("s2", "a"));
    }

    const PINNED: [u64; 3] = [2753, 4925, 7920];
}
