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

/// The hash of an id in an [`IdIndex`].
pub(crate) fn id_hash(id: &str) -> u64 {
    use std::hash::BuildHasher;
    IdHasher::default().hash_one(id)
}

/// An id -> position index over a table that stores its ids in its records (the catalogue, the
/// users): open addressing with linear probing over one array of slots, each a 32-bit tag of
/// the id's hash and the position plus one (0: empty).
///
/// Why not `hashbrown::HashTable<u32>` (which it replaced): a probe there reads a control byte
/// group, then the slot in another array, two cache misses in a table of a million SKUs before
/// the record; here the tag and the position share one 8-byte slot, one miss. A lookup still
/// confirms the id in the record it finds (`is`), which the caller reads next anyway. At most
/// two thirds full, so a probe sequence is short and always ends at an empty slot.
#[derive(Clone, Debug, Default)]
pub(crate) struct IdIndex {
    slots: Box<[u64]>,
}

impl IdIndex {
    /// The index of `ids`, position `i` being the `i`-th id. Ids are expected unique; of two
    /// equal ids the first is found.
    pub(crate) fn build<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> IdIndex {
        let n = ids.len();
        let cap = n.saturating_add(n / 2).saturating_add(8);
        let mut slots = vec![0u64; cap].into_boxed_slice();
        for (pos, id) in ids.enumerate() {
            let h = id_hash(id);
            let slot = pack(h, pos);
            let mut i = home(h, cap);
            // The table has more slots than ids: an empty one is always found.
            for _ in 0..cap {
                match slots.get_mut(i) {
                    Some(s) if *s == 0 => {
                        *s = slot;
                        break;
                    }
                    _ => i = next(i, cap),
                }
            }
        }
        IdIndex { slots }
    }

    /// The position of `id`, `is(pos)` confirming that the record at `pos` has that id.
    pub(crate) fn find(&self, id: &str, is: impl Fn(u32) -> bool) -> Option<u32> {
        let cap = self.slots.len();
        if cap == 0 {
            return None;
        }
        let h = id_hash(id);
        let tag = h >> 32;
        let mut i = home(h, cap);
        for _ in 0..cap {
            let s = *self.slots.get(i)?;
            if s == 0 {
                return None;
            }
            if s >> 32 == tag {
                let pos = (s & u64::from(u32::MAX)).saturating_sub(1);
                let pos = u32::try_from(pos).ok()?;
                if is(pos) {
                    return Some(pos);
                }
            }
            i = next(i, cap);
        }
        None
    }
}

/// A slot: the hash's high 32 bits as a tag, the position plus one below.
fn pack(h: u64, pos: usize) -> u64 {
    let pos = u64::try_from(pos).unwrap_or(u64::MAX).saturating_add(1) & u64::from(u32::MAX);
    (h & !u64::from(u32::MAX)) | pos
}

/// Where a hash's probe starts: its low 32 bits scaled to the table (no power-of-two size).
fn home(h: u64, cap: usize) -> usize {
    // A 32-bit value times a usize fits 96 bits: the product cannot overflow a u128.
    let scaled = u128::from(h & u64::from(u32::MAX)).wrapping_mul(cap as u128) >> 32;
    usize::try_from(scaled).unwrap_or(0)
}

fn next(i: usize, cap: usize) -> usize {
    let n = i.saturating_add(1);
    if n >= cap { 0 } else { n }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test code")]
mod tests {
    use super::*;

    #[test]
    fn finds_every_id_and_nothing_else() {
        let ids: Vec<String> = (0..10_000).map(|i| format!("SKU-{i:06}")).collect();
        let index = IdIndex::build(ids.iter().map(String::as_str));
        for (i, id) in ids.iter().enumerate() {
            let found = index.find(id, |p| ids.get(p as usize) == Some(id));
            assert_eq!(found, Some(u32::try_from(i).unwrap()));
        }
        for i in 10_000..20_000 {
            let id = format!("SKU-{i:06}");
            assert_eq!(index.find(&id, |p| ids.get(p as usize) == Some(&id)), None);
        }
        assert_eq!(IdIndex::default().find("x", |_| true), None);
        assert_eq!(IdIndex::build(std::iter::empty()).find("x", |_| true), None);
    }
}
