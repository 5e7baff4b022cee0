//! Splitting CPU-bound work over the machine's cores: a scenario's routing,
//! its replications and the serialising of its stored rows.

/// `work` over `items` in as many contiguous chunks as the machine has
/// cores (at most 8), each on a thread of its own; the results come back
/// in the items' order, so the split never changes an answer.
pub fn map_chunks<T, R, F>(items: &[T], work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&[T]) -> Vec<R> + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let per_thread = items.len().div_ceil(threads).max(1);
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per_thread)
            .map(|chunk| scope.spawn(move || work(chunk)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker thread does not panic"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::map_chunks;

    #[test]
    fn results_come_back_in_the_items_order() {
        let items: Vec<u32> = (0..1001).collect();
        let doubled = map_chunks(&items, |chunk| chunk.iter().map(|x| x * 2).collect());
        assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        assert!(map_chunks(&[] as &[u32], |c| c.to_vec()).is_empty());
    }
}
