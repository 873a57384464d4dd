//! Segments: named groups of accounts, listed explicitly and/or defined by a predicate over
//! account attributes. Membership is computed once, at build time; a segment is then a scope
//! like any other.

use crate::error::{BuildProblem, EntityKind};
use crate::format::Dataset;
use crate::id::SegmentId;
use crate::model::account::Accounts;
use crate::model::predicate::{self, AttrSchema};
use crate::model::validate::{to_u32, unique_by_id};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A validated segment.
#[derive(Clone, Debug)]
pub(crate) struct SegmentRec {
    pub(crate) id: SegmentId,
    /// Member account indexes, sorted, unique.
    pub(crate) members: Vec<u32>,
}

pub(crate) fn build_segments(
    dataset: &Dataset,
    accounts: &mut Accounts,
    problems: &mut Vec<BuildProblem>,
) -> Vec<SegmentRec> {
    let unique = unique_by_id(
        &dataset.segments,
        EntityKind::Segment,
        |s| s.id.as_str(),
        problems,
    );
    let schema = AttrSchema::from_attributes(dataset.accounts.iter().map(|a| &a.attributes));
    let mut per_account: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut segments = Vec::with_capacity(unique.len());
    for (si, s) in unique.iter().enumerate() {
        let mut members = Vec::with_capacity(s.accounts.len());
        for a in &s.accounts {
            match accounts.lookup(a.as_str()) {
                Some(idx) => members.push(idx),
                None => problems.push(BuildProblem::DanglingReference {
                    from_kind: EntityKind::Segment,
                    from: s.id.to_string(),
                    to_kind: EntityKind::Account,
                    to: a.to_string(),
                }),
            }
        }
        if let Some(rule) = &s.rule {
            let before = problems.len();
            predicate::check(rule, &schema, EntityKind::Segment, s.id.as_str(), problems);
            if problems.len() == before {
                for a in &dataset.accounts {
                    if predicate::eval(rule, &a.attributes)
                        && let Some(idx) = accounts.lookup(a.id.as_str())
                    {
                        members.push(idx);
                    }
                }
            }
        }
        members.sort_unstable();
        members.dedup();
        for &m in &members {
            per_account.entry(m).or_default().push(to_u32(si));
        }
        segments.push(SegmentRec {
            id: s.id.clone(),
            members,
        });
    }
    // Built here, so not shared yet: `make_mut` copies nothing.
    let recs = Arc::make_mut(&mut accounts.recs);
    for (account, segs) in per_account {
        if let Some(rec) = recs.get_mut(account as usize) {
            rec.segments = Arc::from(segs);
        }
    }
    segments
}
