//! Short-lived memory of answers that are costly to get and cheap to keep.
//!
//! [`Memo`] keeps values for a fixed time, at most about a bound of them
//! (a `moka` cache: past the bound it keeps the entries used most, so a
//! burst of one-off keys does not push out the ones in constant use).
//! [`ReadCache`] adds invalidation for data the process itself changes: a
//! read that began before an invalidation never stores what it read, so a
//! write that has returned is never hidden by an older read that finished
//! after it.
//!
//! Both live in one process; other replicas of a service learn of a change
//! only when their entries expire, which is why the times are short.

use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use moka::sync::Cache;

/// Values kept for `ttl`, at most about `bound` of them.
pub struct Memo<K, V> {
    entries: Cache<K, V>,
}

impl<K, V> Clone for Memo<K, V> {
    fn clone(&self) -> Self {
        Self {
            entries: self.entries.clone(),
        }
    }
}

impl<K, V> Memo<K, V>
where
    K: Eq + Hash + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub fn new(ttl: Duration, bound: usize) -> Self {
        Self {
            entries: Cache::builder()
                .time_to_live(ttl)
                .max_capacity(u64::try_from(bound).unwrap_or(u64::MAX))
                .build(),
        }
    }

    /// The value, if it was kept less than the TTL ago.
    pub fn get(&self, key: &K) -> Option<V> {
        self.entries.get(key)
    }

    pub fn insert(&self, key: K, value: V) {
        self.entries.insert(key, value);
    }

    pub fn clear(&self) {
        self.entries.invalidate_all();
    }
}

/// Taken before a read whose result may be stored: the cache's generation
/// at that moment.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

/// A [`Memo`] of reads that the process's own writes invalidate.
///
/// Every entry carries the generation it was read in, and only entries of
/// the current generation are answered: `moka` forgets on `invalidate_all`
/// by comparing clock readings, which cannot order an insert and an
/// invalidation made within one tick, while a counter always can.
pub struct ReadCache<K, V> {
    memo: Memo<K, (u64, V)>,
    generation: Arc<AtomicU64>,
}

impl<K, V> Clone for ReadCache<K, V> {
    fn clone(&self) -> Self {
        Self {
            memo: self.memo.clone(),
            generation: self.generation.clone(),
        }
    }
}

impl<K, V> ReadCache<K, V>
where
    K: Eq + Hash + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub fn new(ttl: Duration, bound: usize) -> Self {
        Self {
            memo: Memo::new(ttl, bound),
            generation: Arc::default(),
        }
    }

    fn current(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let (generation, value) = self.memo.get(key)?;
        (generation == self.current()).then_some(value)
    }

    /// Take before reading what [`Self::put`] will store.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.current())
    }

    /// Stores a read unless something was invalidated since its ticket.
    pub fn put(&self, key: K, value: V, ticket: Ticket) {
        // An invalidation between this check and the insert leaves an entry
        // of an old generation, which `get` never answers; the check only
        // spares the room such an entry would take.
        if ticket.0 == self.current() {
            self.memo.insert(key, (ticket.0, value));
        }
    }

    /// Forgets everything, and every read in flight: call after a write
    /// has committed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.memo.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_expire() {
        let memo = Memo::new(Duration::ZERO, 10);
        memo.insert(1, "one");
        assert_eq!(memo.get(&1), None);
        let memo = Memo::new(Duration::from_secs(60), 10);
        memo.insert(1, "one");
        assert_eq!(memo.get(&1), Some("one"));
        memo.clear();
        assert_eq!(memo.get(&1), None);
    }

    #[test]
    fn a_full_memo_stays_within_its_bound() {
        let memo = Memo::new(Duration::from_secs(60), 3);
        for key in 0..10 {
            memo.insert(key, key);
        }
        memo.entries.run_pending_tasks();
        let kept = memo.entries.entry_count();
        assert!((1..=3).contains(&kept), "{kept} entries kept");
        let answered = (0..10).filter(|key| memo.get(key) == Some(*key)).count();
        assert_eq!(answered as u64, kept);
    }

    #[test]
    fn a_read_older_than_an_invalidation_is_not_kept() {
        let cache = ReadCache::new(Duration::from_secs(60), 10);
        let before_write = cache.ticket();
        cache.invalidate();
        cache.put("week", "as it was", before_write);
        assert_eq!(cache.get(&"week"), None);
        let after_write = cache.ticket();
        cache.put("week", "as it is", after_write);
        assert_eq!(cache.get(&"week"), Some("as it is"));
        cache.invalidate();
        assert_eq!(cache.get(&"week"), None);
    }

    #[test]
    fn an_entry_of_an_older_generation_is_never_answered() {
        // The insert of a read that passed its check just before an
        // invalidation, as if the two had raced.
        let cache = ReadCache::new(Duration::from_secs(60), 10);
        let ticket = cache.ticket();
        cache.generation.fetch_add(1, Ordering::SeqCst);
        cache.memo.insert("week", (ticket.0, "as it was"));
        assert_eq!(cache.get(&"week"), None);
    }
}
