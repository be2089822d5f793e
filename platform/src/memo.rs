//! Short-lived memory of answers that are costly to get and cheap to keep.
//!
//! [`Memo`] keeps values for a fixed time and forgets the expired ones once
//! it grows past its bound. [`ReadCache`] adds invalidation for data the
//! process itself changes: a read that began before an invalidation never
//! stores what it read, so a write that has returned is never hidden by an
//! older read that finished after it.
//!
//! Both live in one process; other replicas of a service learn of a change
//! only when their entries expire, which is why the times are short.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Values kept for `ttl`, at most about `bound` of them.
pub struct Memo<K, V> {
    ttl: Duration,
    bound: usize,
    entries: Arc<Mutex<HashMap<K, (V, Instant)>>>,
}

impl<K, V> Clone for Memo<K, V> {
    fn clone(&self) -> Self {
        Self {
            ttl: self.ttl,
            bound: self.bound,
            entries: self.entries.clone(),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    pub fn new(ttl: Duration, bound: usize) -> Self {
        Self {
            ttl,
            bound,
            entries: Arc::default(),
        }
    }

    /// The value, if it was kept less than the TTL ago.
    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().expect("memo");
        let (value, at) = entries.get(key)?;
        (at.elapsed() < self.ttl).then(|| value.clone())
    }

    pub fn insert(&self, key: K, value: V) {
        let mut entries = self.entries.lock().expect("memo");
        if entries.len() >= self.bound {
            entries.retain(|_, (_, at)| at.elapsed() < self.ttl);
            // Still full of fresh values: forget them rather than sweep on
            // every insert.
            if entries.len() >= self.bound {
                entries.clear();
            }
        }
        entries.insert(key, (value, Instant::now()));
    }

    pub fn clear(&self) {
        self.entries.lock().expect("memo").clear();
    }
}

/// Taken before a read whose result may be stored: the cache's generation
/// at that moment.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

/// A [`Memo`] of reads that the process's own writes invalidate.
pub struct ReadCache<K, V> {
    memo: Memo<K, V>,
    generation: Arc<Mutex<u64>>,
}

impl<K, V> Clone for ReadCache<K, V> {
    fn clone(&self) -> Self {
        Self {
            memo: self.memo.clone(),
            generation: self.generation.clone(),
        }
    }
}

impl<K: Eq + Hash, V: Clone> ReadCache<K, V> {
    pub fn new(ttl: Duration, bound: usize) -> Self {
        Self {
            memo: Memo::new(ttl, bound),
            generation: Arc::default(),
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        self.memo.get(key)
    }

    /// Take before reading what [`Self::put`] will store.
    pub fn ticket(&self) -> Ticket {
        Ticket(*self.generation.lock().expect("generation"))
    }

    /// Stores a read unless something was invalidated since its ticket.
    pub fn put(&self, key: K, value: V, ticket: Ticket) {
        // Held across the insert so that an invalidation cannot slip in
        // between the check and the insert.
        let generation = self.generation.lock().expect("generation");
        if *generation == ticket.0 {
            self.memo.insert(key, value);
        }
    }

    /// Forgets everything, and every read in flight: call after a write
    /// has committed.
    pub fn invalidate(&self) {
        let mut generation = self.generation.lock().expect("generation");
        *generation += 1;
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
    fn a_full_memo_makes_room() {
        let memo = Memo::new(Duration::from_secs(60), 3);
        for key in 0..10 {
            memo.insert(key, key);
            assert_eq!(memo.get(&key), Some(key));
        }
        assert!(memo.entries.lock().unwrap().len() <= 3);
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
}
