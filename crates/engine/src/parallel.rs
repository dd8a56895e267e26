//! Independent work on the machine's second core (issue 15).
//!
//! The lines of a statement are independent of each other until the
//! contract totals: a 2,000-SLA month computes them on two threads, each
//! over a contiguous half, and the results come back in the terms' order,
//! so the result is the same, byte for byte, as computing them one after
//! the other. Threads are a way of running pure code, not I/O: the engine
//! still reads no clock and no file.

use std::cell::Cell;
use std::thread;

/// Below this many items a thread costs more than it saves.
const MIN_ITEMS: usize = 64;

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
    let (first, second) = items.split_at(items.len() / 2);
    thread::scope(|scope| {
        let f = &f;
        let other = thread::Builder::new()
            .name("sla-engine-lines".into())
            .spawn_scoped(scope, move || second.iter().map(f).collect::<Vec<R>>());
        let mut out: Vec<R> = first.iter().map(f).collect();
        match other.map(|h| h.join()) {
            Ok(Ok(rest)) => out.extend(rest),
            // A panic on the other thread is this call's panic.
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => out.extend(second.iter().map(f)),
        }
        out
    })
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
            // From 64 items, the second half ran on another thread.
            let last = got.last().map(|g| g.1);
            assert_eq!(
                got.first().map(|g| g.1) != last,
                n >= MIN_ITEMS as u64,
                "{n}"
            );
        }
    }
}
