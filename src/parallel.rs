//! Work shared among threads where the results must keep their order: each thread takes the
//! next item in turn, so that uneven items still finish together.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of each item, in the items' order, computed on up to `threads` threads (this one
/// among them). A panic in `f` is raised again here.
pub fn map_in_order<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    // Each result with its item's index, which orders them once all are done.
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let mut done = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads.min(items.len()))
            .map(|_| scope.spawn(work))
            .collect();
        let mut done = work();
        for helper in helpers {
            done.extend(
                helper
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        done
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}

/// The threads this machine runs at once (1 if it cannot tell), asked once: the standard
/// library reads the process's cgroup files each time, and a summary asks three times.
pub fn threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_items_order_whatever_the_threads() {
        let items: Vec<u64> = (0..50).collect();
        for threads in [1, 2, 8, 100] {
            // Uneven work: early items take longest, so later ones finish first.
            let squares = map_in_order(&items, threads, |&i| {
                std::thread::sleep(std::time::Duration::from_micros(50 - i));
                i * i
            });
            assert_eq!(squares, items.iter().map(|i| i * i).collect::<Vec<_>>());
        }
        assert!(map_in_order(&[] as &[u8], 4, |_| 0).is_empty());
    }
}
