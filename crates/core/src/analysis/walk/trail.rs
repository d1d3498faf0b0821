//! The hops, reply steps and visited gateways a walk has gathered so far: an append-only list
//! whose prefix is shared, so that splitting the packet set into branches copies a pointer, not
//! the evidence. Only the branch a verdict shows is ever turned into a `Vec`.

use std::fmt;
use std::sync::Arc;

/// An append-only list, newest item first in memory; clones share every item.
pub struct Trail<T>(Option<Arc<Node<T>>>);

struct Node<T> {
    item: T,
    prev: Trail<T>,
    len: usize,
}

impl<T> Default for Trail<T> {
    fn default() -> Self {
        Trail(None)
    }
}

impl<T> Clone for Trail<T> {
    fn clone(&self) -> Self {
        Trail(self.0.clone())
    }
}

impl<T> Drop for Trail<T> {
    /// Iterative, so that a very long trail cannot overflow the stack.
    fn drop(&mut self) {
        let mut cur = self.0.take();
        while let Some(node) = cur {
            match Arc::try_unwrap(node) {
                Ok(mut n) => cur = n.prev.0.take(),
                Err(_) => break,
            }
        }
    }
}

impl<T> Trail<T> {
    /// Append `item`.
    pub fn push(&mut self, item: T) {
        let len = self.len() + 1;
        let prev = std::mem::take(self);
        *self = Trail(Some(Arc::new(Node { item, prev, len })));
    }

    /// How many items.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |n| n.len)
    }

    /// Whether there is no item.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The newest item.
    pub fn last(&self) -> Option<&T> {
        self.0.as_ref().map(|n| &n.item)
    }

    /// The items, oldest first (gathers the references first: for evidence, not hot paths).
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        let mut v: Vec<&T> = self.iter_rev().collect();
        v.reverse();
        v.into_iter()
    }

    /// The items, newest first.
    pub fn iter_rev(&self) -> impl Iterator<Item = &T> {
        let mut cur = self.0.as_deref();
        std::iter::from_fn(move || {
            let n = cur?;
            cur = n.prev.0.as_deref();
            Some(&n.item)
        })
    }
}

impl<T: Clone> Trail<T> {
    /// The items, oldest first.
    pub fn to_vec(&self) -> Vec<T> {
        let mut v: Vec<T> = self.iter_rev().cloned().collect();
        v.reverse();
        v
    }

    /// The trail of `items`, oldest first.
    pub fn from_vec(items: Vec<T>) -> Self {
        let mut t = Trail::default();
        for i in items {
            t.push(i);
        }
        t
    }
}

impl<T: fmt::Debug> fmt::Debug for Trail<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Trail;

    #[test]
    fn clones_share_the_prefix_and_keep_their_own_tails() {
        let mut a = Trail::default();
        a.push(1);
        a.push(2);
        let mut b = a.clone();
        b.push(3);
        a.push(4);
        assert_eq!(a.to_vec(), [1, 2, 4]);
        assert_eq!(b.to_vec(), [1, 2, 3]);
        assert_eq!(
            (a.len(), b.len(), a.last(), b.last()),
            (3, 3, Some(&4), Some(&3))
        );
        assert_eq!(b.iter_rev().copied().collect::<Vec<_>>(), [3, 2, 1]);
        assert_eq!(b.iter().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(Trail::from_vec(vec![5, 6]).to_vec(), [5, 6]);
        assert!(Trail::<u8>::default().is_empty());
    }

    #[test]
    fn a_long_trail_drops_without_recursion() {
        let mut t = Trail::default();
        for i in 0..1_000_000u32 {
            t.push(i);
        }
        assert_eq!(t.len(), 1_000_000);
        drop(t);
    }
}
