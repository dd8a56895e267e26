//! Independent work on the machine's second core (issue 15).
//!
//! The lines of a statement are independent of each other until the
//! contract totals: a 2,000-SLA month computes them on two threads, each
//! taking the next few while any are left, and the results come back in
//! the terms' order, so the result is the same, byte for byte, as
//! computing them one after the other. Threads are a way of running pure code, not I/O: the engine
//! still reads no clock and no file.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// Below this many items a thread costs more than it saves.
const MIN_ITEMS: usize = 64;

/// Items a thread takes at a time.
const CHUNK: usize = 8;

thread_local! {
    /// Off only to compare with one thread (tests).
    static ENABLED: Cell<bool> = const { Cell::new(true) };
}

/// Not API: one thread only (`false`) or two when it pays (`true`, the
/// default), for calls made on this thread; the tests compare the two.
#[doc(hidden)]
pub fn set_enabled(on: bool) {
    ENABLED.with(|e| e.set(on));
}

/// `items.iter().map(f)`, in order; on two threads when there are many
/// items (falling back to one if the second cannot be started).
pub(crate) fn map_in_order<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    // Two threads whatever the machine: asking it how many cores it has
    // reads files (cgroups), which the engine does not do; on one core the
    // two halves just take turns.
    if items.len() < MIN_ITEMS || !ENABLED.with(Cell::get) {
        return items.iter().map(&f).collect();
    }
    // Chunks are taken in turn by whichever thread is free: the thread
    // started here runs on a core whose caches hold none of the terms or
    // rows, and fixed halves left it a fifth slower than this one.
    let chunks: Vec<&[T]> = items.chunks(CHUNK).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, Vec<R>)> = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(chunk) = chunks.get(i) else {
                return done;
            };
            done.push((i, chunk.iter().map(&f).collect()));
        }
    };
    let (mine, theirs) = thread::scope(|scope| {
        let work = &work;
        let other = thread::Builder::new()
            .name("sla-engine-lines".into())
            .spawn_scoped(scope, work);
        let mine = work();
        match other.map(|h| h.join()) {
            Ok(Ok(theirs)) => (mine, theirs),
            // A panic on the other thread is this call's panic.
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            // No second thread: this one took every chunk.
            Err(_) => (mine, Vec::new()),
        }
    });
    let mut by_chunk: Vec<Option<Vec<R>>> = (0..chunks.len()).map(|_| None).collect();
    for (i, rs) in mine.into_iter().chain(theirs) {
        by_chunk[i] = Some(rs);
    }
    let mut out = Vec::with_capacity(items.len());
    for rs in by_chunk.into_iter().flatten() {
        out.extend(rs);
    }
    out
}

/// `(a(), b())`, `b` on the second thread when there are `many` items to
/// come (the same rule as [`map_in_order`]): the fees and the rows by
/// service are independent, and the thread that then computes lines
/// reuses this one's warmed heap.
pub(crate) fn join_for<A, B, RA, RB>(many: usize, a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> RB + Send,
    RB: Send,
{
    if many < MIN_ITEMS || !ENABLED.with(Cell::get) {
        return (a(), b());
    }
    // `b` waits in a slot so that this thread can still run it if no
    // second thread can be had.
    let slot = std::sync::Mutex::new(Some(b));
    let take = || slot.lock().ok().and_then(|mut b| b.take());
    thread::scope(|scope| {
        let other = thread::Builder::new()
            .name("sla-engine-setup".into())
            .spawn_scoped(scope, || take().map(|b| b()));
        let ra = a();
        let rb = match other.map(|h| h.join()) {
            Ok(Ok(Some(rb))) => rb,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            // No second thread: `b` is still in its slot.
            _ => take()
                .map(|b| b())
                .expect("`b` is run by the thread that takes it"),
        };
        (ra, rb)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue15_setup_runs_both_halves_on_two_threads_only_for_many_items() {
        for n in [1, MIN_ITEMS] {
            let here = thread::current().id();
            let (a, b) = join_for(n, || thread::current().id(), || thread::current().id());
            assert_eq!(a, here);
            assert_eq!(b != here, n >= MIN_ITEMS, "{n}");
        }
        set_enabled(false);
        let (_, b) = join_for(MIN_ITEMS, || (), || thread::current().id());
        set_enabled(true);
        assert_eq!(b, thread::current().id());
    }

    #[test]
    fn issue15_the_results_come_back_in_order_however_many_items() {
        for n in [0, 1, 63, 64, 65, 1_001] {
            let items: Vec<u64> = (0..n).collect();
            let got = map_in_order(&items, |i| (i * 3, thread::current().id()));
            let values: Vec<u64> = got.iter().map(|(v, _)| *v).collect();
            assert_eq!(values, items.iter().map(|i| i * 3).collect::<Vec<_>>());
            // Below 64 items everything ran here.
            if n < MIN_ITEMS as u64 {
                assert!(got.iter().all(|g| g.1 == thread::current().id()), "{n}");
            }
        }
    }

    #[test]
    fn issue15_many_slow_items_are_shared_by_two_threads_and_kept_in_order() {
        // Items slow enough that the second thread is up before the
        // first has taken them all.
        let items: Vec<u64> = (0..MIN_ITEMS as u64).collect();
        let got = map_in_order(&items, |i| {
            thread::sleep(std::time::Duration::from_millis(2));
            (*i, thread::current().id())
        });
        let values: Vec<u64> = got.iter().map(|g| g.0).collect();
        assert_eq!(values, items);
        let mut threads: Vec<_> = got.iter().map(|g| g.1).collect();
        threads.dedup();
        let distinct: std::collections::HashSet<_> = threads.iter().collect();
        assert_eq!(distinct.len(), 2, "two threads took chunks");
        // Whole chunks: a thread's items come in runs of CHUNK.
        assert!(got.chunks(CHUNK).all(|c| c.iter().all(|g| g.1 == c[0].1)));
    }
}
