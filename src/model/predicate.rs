//! Attribute predicates: checked against the data at build time, evaluated on attributes.
//!
//! A predicate that names an attribute no entity has, or compares it with a value of another
//! type (text against a number, a numeric comparison on text), is a build error rather than a
//! condition that silently never holds.

use crate::error::{BuildProblem, EntityKind};
use crate::format::{AttrValue, Attributes, Predicate};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The types each attribute takes across a set of entities.
#[derive(Debug, Default)]
pub(crate) struct AttrSchema {
    types: BTreeMap<String, BTreeSet<&'static str>>,
}

pub(crate) fn type_name(v: &AttrValue) -> &'static str {
    match v {
        AttrValue::Flag(_) => "flag",
        AttrValue::Text(_) => "text",
        AttrValue::Number(_) => "number",
    }
}

impl AttrSchema {
    pub(crate) fn from_attributes<'a>(all: impl Iterator<Item = &'a Attributes>) -> AttrSchema {
        let mut types: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
        for attrs in all {
            for (k, v) in attrs {
                types.entry(k.clone()).or_default().insert(type_name(v));
            }
        }
        AttrSchema { types }
    }
}

/// The deepest nesting of `all`/`any`/`not` a predicate (or an order condition) may have: deep
/// enough for any real rule, shallow enough that checking and evaluating it, which recurse,
/// never exhaust the stack.
pub(crate) const MAX_CONDITION_DEPTH: usize = 64;

/// Whether a tree is at most [`MAX_CONDITION_DEPTH`] deep, walked without recursion so that a
/// tree of any depth is measured safely. `children` lists a node's sub-conditions.
pub(crate) fn within_depth<T>(root: &T, children: impl Fn(&T) -> &[T]) -> bool {
    let mut stack: Vec<(&T, usize)> = vec![(root, 1)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_CONDITION_DEPTH {
            return false;
        }
        stack.extend(children(node).iter().map(|c| (c, depth.saturating_add(1))));
    }
    true
}

/// The sub-predicates of a predicate.
pub(crate) fn sub_predicates(p: &Predicate) -> &[Predicate] {
    match p {
        Predicate::All(ps) | Predicate::Any(ps) => ps,
        Predicate::Not(q) => std::slice::from_ref(&**q),
        _ => &[],
    }
}

/// Checks a predicate against the schema; `kind`/`id` name the rule holding it. A predicate
/// nested deeper than [`MAX_CONDITION_DEPTH`] is one problem, checked first and without
/// recursion; the rest of the check then recurses at most that deep.
pub(crate) fn check(
    p: &Predicate,
    schema: &AttrSchema,
    kind: EntityKind,
    id: &str,
    problems: &mut Vec<BuildProblem>,
) {
    if !within_depth(p, sub_predicates) {
        problems.push(BuildProblem::ConditionTooDeep {
            kind,
            id: id.to_string(),
            max: MAX_CONDITION_DEPTH,
        });
        return;
    }
    check_within(p, schema, kind, id, problems);
}

fn check_within(
    p: &Predicate,
    schema: &AttrSchema,
    kind: EntityKind,
    id: &str,
    problems: &mut Vec<BuildProblem>,
) {
    let check_value =
        |attr: &str, value: &AttrValue, numeric: bool, problems: &mut Vec<BuildProblem>| {
            let Some(types) = schema.types.get(attr) else {
                problems.push(BuildProblem::UnknownAttribute {
                    kind,
                    id: id.to_string(),
                    attr: attr.to_string(),
                });
                return;
            };
            let found = type_name(value);
            let ok = if numeric {
                found == "number" && types.contains("number")
            } else {
                types.contains(found)
            };
            if !ok {
                problems.push(BuildProblem::PredicateTypeMismatch {
                    kind,
                    id: id.to_string(),
                    attr: attr.to_string(),
                    expected: types.iter().copied().collect::<Vec<_>>().join(" or "),
                    found: if numeric && found != "number" {
                        format!("{found} in a numeric comparison")
                    } else {
                        found.to_string()
                    },
                });
            }
        };
    match p {
        Predicate::Eq(c) => check_value(&c.attr, &c.value, false, problems),
        Predicate::In(c) => {
            if c.values.is_empty() && !schema.types.contains_key(&c.attr) {
                problems.push(BuildProblem::UnknownAttribute {
                    kind,
                    id: id.to_string(),
                    attr: c.attr.clone(),
                });
            }
            for v in &c.values {
                check_value(&c.attr, v, false, problems);
            }
        }
        Predicate::Gt(c) | Predicate::Gte(c) | Predicate::Lt(c) | Predicate::Lte(c) => {
            check_value(&c.attr, &c.value, true, problems)
        }
        Predicate::All(ps) | Predicate::Any(ps) => {
            for q in ps {
                check_within(q, schema, kind, id, problems);
            }
        }
        Predicate::Not(q) => check_within(q, schema, kind, id, problems),
    }
}

fn number(attrs: &Attributes, attr: &str) -> Option<Decimal> {
    match attrs.get(attr)? {
        AttrValue::Number(n) => Some(*n),
        _ => None,
    }
}

fn compare(attrs: &Attributes, attr: &str, value: &AttrValue) -> Option<Ordering> {
    let AttrValue::Number(v) = value else {
        return None;
    };
    number(attrs, attr).map(|n| n.cmp(v))
}

/// Whether the attributes satisfy the predicate. A missing attribute satisfies no comparison.
pub(crate) fn eval(p: &Predicate, attrs: &Attributes) -> bool {
    match p {
        Predicate::Eq(c) => attrs
            .get(&c.attr)
            .is_some_and(|v| values_equal(v, &c.value)),
        Predicate::In(c) => attrs
            .get(&c.attr)
            .is_some_and(|v| c.values.iter().any(|x| values_equal(v, x))),
        Predicate::Gt(c) => compare(attrs, &c.attr, &c.value) == Some(Ordering::Greater),
        Predicate::Gte(c) => matches!(
            compare(attrs, &c.attr, &c.value),
            Some(Ordering::Greater | Ordering::Equal)
        ),
        Predicate::Lt(c) => compare(attrs, &c.attr, &c.value) == Some(Ordering::Less),
        Predicate::Lte(c) => matches!(
            compare(attrs, &c.attr, &c.value),
            Some(Ordering::Less | Ordering::Equal)
        ),
        Predicate::All(ps) => ps.iter().all(|q| eval(q, attrs)),
        Predicate::Any(ps) => ps.iter().any(|q| eval(q, attrs)),
        Predicate::Not(q) => !eval(q, attrs),
    }
}

/// Equality that treats `2` and `2.0` as the same number.
fn values_equal(a: &AttrValue, b: &AttrValue) -> bool {
    match (a, b) {
        (AttrValue::Number(x), AttrValue::Number(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(json: &str) -> Attributes {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn evaluates_school_in_midwest() {
        let p: Predicate = serde_json::from_str(
            r#"{ "all": [ { "eq": { "attr": "type", "value": "school" } },
                          { "in": { "attr": "region", "values": ["midwest", "west"] } } ] }"#,
        )
        .unwrap();
        assert!(eval(
            &p,
            &attrs(r#"{ "type": "school", "region": "west" }"#)
        ));
        assert!(!eval(
            &p,
            &attrs(r#"{ "type": "school", "region": "east" }"#)
        ));
        assert!(!eval(&p, &attrs(r#"{ "region": "west" }"#)));
    }

    #[test]
    fn numeric_comparisons_and_missing_attributes() {
        let p: Predicate =
            serde_json::from_str(r#"{ "gte": { "attr": "pupils", "value": 500 } }"#).unwrap();
        assert!(eval(&p, &attrs(r#"{ "pupils": 500 }"#)));
        assert!(!eval(&p, &attrs(r#"{ "pupils": 499 }"#)));
        assert!(!eval(&p, &attrs(r#"{}"#)));
        let not: Predicate = Predicate::Not(Box::new(p));
        assert!(eval(&not, &attrs(r#"{}"#)));
    }
}
