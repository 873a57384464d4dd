//! The hasher of the id -> index maps every query starts with (accounts, users, SKUs).
//!
//! `foldhash`'s fast hasher with a fixed seed instead of the standard library's SipHash with a
//! random per-process key: deterministic (the same dataset gives the same tables on every run,
//! no randomness in the core) and several times cheaper to hash a short id.
//!
//! HashDoS: a fixed, public seed lets whoever chooses the *keys* of a map aim them at one
//! bucket chain. Here the keys are the dataset's ids, which the operator loads; a query only
//! looks an id up, never inserts one. A crafted query id can at worst land on the longest
//! probe sequence the dataset's own ids produced, which for ids not chosen adversarially stays
//! a few slots long, so query lookups cannot be slowed by query input. A dataset whose ids were
//! crafted against this seed could slow its own build and its own lookups: the operator who
//! loads a dataset from untrusted authors already faces worse (its size is theirs too).

use std::collections::HashMap;

/// The seed of every id map: any fixed value; changing it changes no answer.
const SEED: u64 = 0x7472_6164_6574_6572; // "tradeter"

/// The hasher builder of the id maps.
#[derive(Clone, Debug)]
pub(crate) struct IdHasher(foldhash::fast::FixedState);

impl Default for IdHasher {
    fn default() -> IdHasher {
        IdHasher(foldhash::fast::FixedState::with_seed(SEED))
    }
}

impl std::hash::BuildHasher for IdHasher {
    type Hasher = foldhash::fast::FoldHasher<'static>;

    fn build_hasher(&self) -> Self::Hasher {
        self.0.build_hasher()
    }
}

/// An id -> index map.
pub(crate) type IdMap<K, V> = HashMap<K, V, IdHasher>;
