//! Building a snapshot on more than one core (issue 15): independent parts of the data (price
//! lists, mostly) are built in contiguous chunks on scoped threads and joined in input order,
//! so the snapshot, and the order of the problems found, is the same whatever the number of
//! threads. No thread outlives the call and nothing is shared but read-only data.
//!
//! Where threads cannot be spawned (a `wasm32` host, a process at its thread limit) the work
//! runs on the calling thread: the result does not change, only the time.

/// The most threads a build uses: list building stops scaling well before (it is bound by
/// memory bandwidth), and a host's other work keeps its cores.
pub(crate) const MAX_THREADS: usize = 8;

/// The threads a build uses: the cores the host offers (`available_parallelism`), at most
/// [`MAX_THREADS`], at least 1.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism()
        .map(std::num::NonZeroUsize::get)
        .unwrap_or(1)
        .clamp(1, MAX_THREADS)
}

/// `f` applied to `items` cut into contiguous pieces of about equal `weight` (a list's
/// entries, say), the pieces' results concatenated in input order. Below `min_weight` in
/// total, or with one thread, `f(items)` here: spawning costs more than it saves.
///
/// Why many pieces, taken as threads come free, and not one chunk a thread: the cost of a
/// unit of weight differs between items (a list of entries in SKU order reads the catalogue
/// in order, a scattered one misses the cache at every entry), so chunks of equal weight ended
/// up to a second apart at `large`, one core idle meanwhile. [`PIECES`] pieces a thread, the
/// heaviest taken first, leave at most about one light piece of imbalance. Which thread builds
/// a piece does not change its result, and results are put back in input order.
pub(crate) fn map_chunks<T, R, F>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    min_weight: usize,
    f: F,
) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&[T]) -> Vec<R> + Sync,
{
    map_chunks_with(items, weight, min_weight, |(): &mut (), piece| f(piece))
}

/// [`map_chunks`], `f` given a scratch value of its thread's (`S::default()` once a thread,
/// then passed to every piece the thread builds): buffers a piece fills and empties again are
/// then allocated once a thread, not once a piece. A fresh large buffer costs the kernel a
/// zeroed page for every 4 KiB first written; the scratch must not carry anything from one
/// piece into the next's result.
pub(crate) fn map_chunks_with<T, R, S, F>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    min_weight: usize,
    f: F,
) -> Vec<R>
where
    T: Sync,
    R: Send,
    S: Default,
    F: Fn(&mut S, &[T]) -> Vec<R> + Sync,
{
    let total = items
        .iter()
        .map(&weight)
        .fold(0usize, usize::saturating_add);
    let n = threads().min(items.len());
    if n <= 1 || total < min_weight {
        return f(&mut S::default(), items);
    }
    let pieces = cut(items, &weight, total, n.saturating_mul(PIECES));
    // Heaviest first (then in input order): a heavy piece taken last would finish alone.
    let mut order: Vec<(usize, usize)> = pieces
        .iter()
        .enumerate()
        .map(|(i, p)| (p.iter().map(&weight).fold(0usize, usize::saturating_add), i))
        .collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, Vec<R>)> = Vec::new();
        let mut scratch = S::default();
        while let Some(&(_, i)) = order.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
        {
            if let Some(piece) = pieces.get(i) {
                done.push((i, f(&mut scratch, piece)));
            }
        }
        done
    };
    let mut results: Vec<Option<Vec<R>>> =
        std::iter::repeat_with(|| None).take(pieces.len()).collect();
    std::thread::scope(|scope| {
        let work = &work;
        let helpers: Vec<_> = (1..n)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name("tradeterms-build".into())
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut place = |done: Vec<(usize, Vec<R>)>| {
            for (i, r) in done {
                if let Some(slot) = results.get_mut(i) {
                    *slot = Some(r);
                }
            }
        };
        place(work());
        for helper in helpers {
            if let Ok(done) = helper.join() {
                place(done);
            }
        }
    });
    // A piece whose thread failed is built here: the same function on the same data, so the
    // same result (or the same failure) as a one-thread build.
    let mut out = Vec::new();
    for (result, piece) in results.into_iter().zip(&pieces) {
        match result {
            Some(r) => out.extend(r),
            None => out.extend(f(&mut S::default(), piece)),
        }
    }
    out
}

/// Pieces a thread of [`map_chunks`]: enough that the last ones are small beside the whole.
const PIECES: usize = 8;

/// `a()` and `b()` at once: `b` on a scoped thread while `a` runs here, when the host offers
/// more than one core; one after the other otherwise. Where the thread cannot be spawned, or
/// fails, `b` runs here: the same function on the same data, so the same result (or the same
/// failure) as on one thread.
pub(crate) fn join<A, B>(a: impl FnOnce() -> A, b: impl Fn() -> B + Sync) -> (A, B)
where
    B: Send,
{
    if threads() <= 1 {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let b = &b;
        let spawned = std::thread::Builder::new()
            .name("tradeterms-build".into())
            .spawn_scoped(scope, b);
        let ra = a();
        let rb = match spawned.ok().map(std::thread::ScopedJoinHandle::join) {
            Some(Ok(rb)) => rb,
            _ => b(),
        };
        (ra, rb)
    })
}

/// `items` cut into `n` contiguous chunks of about `total / n` weight each (the last takes the
/// rest); never an empty chunk.
fn cut<'a, T>(
    items: &'a [T],
    weight: &impl Fn(&T) -> usize,
    total: usize,
    n: usize,
) -> Vec<&'a [T]> {
    let share = total.div_ceil(n.max(1)).max(1);
    let mut chunks = Vec::with_capacity(n);
    let mut rest = items;
    while !rest.is_empty() {
        let mut taken = 0usize;
        let mut len = 0usize;
        for item in rest {
            if len > 0 && taken >= share && chunks.len().saturating_add(1) < n {
                break;
            }
            taken = taken.saturating_add(weight(item));
            len = len.saturating_add(1);
        }
        let Some((head, tail)) = rest.split_at_checked(len) else {
            break;
        };
        chunks.push(head);
        rest = tail;
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_keep_the_input_order_and_cover_every_item() {
        let items: Vec<usize> = (0..1_000).collect();
        // Uneven weights: a few heavy items among light ones.
        let weight = |i: &usize| if i.is_multiple_of(97) { 5_000 } else { 1 };
        let out = map_chunks(&items, weight, 0, |chunk| chunk.to_vec());
        assert_eq!(out, items);
        let total: usize = items.iter().map(weight).sum();
        for n in 1..=9 {
            let chunks = cut(&items, &weight, total, n);
            assert!(chunks.len() <= n && !chunks.iter().any(|c| c.is_empty()));
            assert_eq!(chunks.concat(), items);
        }
    }

    #[test]
    fn join_gives_both_results_in_place() {
        let items: Vec<u64> = (0..10_000).collect();
        let (a, b) = join(
            || items.iter().sum::<u64>(),
            || items.iter().map(|i| i * 2).collect::<Vec<_>>(),
        );
        assert_eq!(a, 49_995_000);
        assert_eq!(b.len(), 10_000);
        assert_eq!(b.last(), Some(&19_998));
    }

    #[test]
    fn small_inputs_stay_on_one_thread() {
        let items = [1, 2, 3];
        let out = map_chunks(
            &items,
            |_| 1,
            100,
            |chunk| {
                vec![(
                    chunk.len(),
                    std::thread::current().name().map(str::to_owned),
                )]
            },
        );
        assert_eq!(out.iter().map(|(n, _)| *n).collect::<Vec<_>>(), vec![3]);
    }
}
