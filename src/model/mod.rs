//! The built model: everything [`Snapshot::from_dataset`](crate::Snapshot::from_dataset) validates
//! and precomputes from a [`Dataset`](crate::Dataset), held immutable inside a snapshot.
//!
//! Checks every id first (`ids`). Owns the account tree and its ancestor closure (`account`), users, memberships and roles
//! (`access`), the catalogue (`catalog`), the hasher of their id indexes (`id_map`), segments and their predicates (`segment`,
//! `predicate`), the one scope mechanism every rule kind uses (`scope`), each rule kind's
//! compiled form (`visibility`, `payment`, `approval`, `experiment`), price storage and the tie
//! check (`pricing`), and the snapshot that holds them all (`snapshot`).
//!
//! May import `format` and the leaf modules (`id`, `money`, `time`, `error`); never `decide` or
//! `govern`. Nothing here answers a query: it stores what the decision reads.

pub(crate) mod access;
pub(crate) mod account;
pub(crate) mod approval;
pub(crate) mod catalog;
pub(crate) mod context;
pub(crate) mod experiment;
pub(crate) mod id_map;
pub(crate) mod ids;
pub(crate) mod parallel;
pub(crate) mod payment;
pub(crate) mod predicate;
pub(crate) mod pricing;
pub(crate) mod scope;
pub(crate) mod segment;
pub(crate) mod snapshot;
pub(crate) mod validate;
pub(crate) mod visibility;
