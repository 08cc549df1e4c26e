//! The walk of the cache's dumps beside a listing sorted by name: each dump looked at where
//! it lies, moved out only when taken.

use super::super::prefetch::prefetch;
use super::{Cached, CachedChunk, Taken};

/// The cache's dumps in name order, each looked at where it lies and made or moved out only
/// when taken: through a peeking iterator each of a million dumps (some 250 bytes) was moved
/// into the peeked place and out again before the build's result was made of it.
pub struct Walk {
    chunks: std::vec::IntoIter<CachedChunk>,
    chunk: Taken,
    /// How many of the cache's dumps were passed or taken.
    walked: u32,
}

impl Walk {
    pub fn new(dumps: Vec<CachedChunk>) -> Walk {
        Walk {
            chunks: dumps.into_iter(),
            chunk: CachedChunk::Whole(Vec::new()).into_dumps(),
            walked: 0,
        }
    }

    /// Asks for the name of the dump `ahead` places on in the chunk walked, to be compared
    /// soon: each is out of the caches, in the cache file's mapped bytes.
    pub fn look_ahead(&self, ahead: usize) {
        if let Some(next) = self.chunk.name_ahead(ahead) {
            prefetch(next, 0);
        }
    }

    /// The dump named `name` (by its bytes), if the cache holds it; those named before it
    /// are passed. Asked in rising order of names.
    pub fn take(&mut self, name: &[u8]) -> Option<Cached> {
        loop {
            let Some(next) = self.chunk.name_ahead(0) else {
                self.chunk = self.chunks.next()?.into_dumps();
                continue;
            };
            let order = next.cmp(name);
            if order != std::cmp::Ordering::Greater {
                self.walked += 1;
            }
            match order {
                std::cmp::Ordering::Less => self.chunk.pass(),
                std::cmp::Ordering::Equal => return self.chunk.next(),
                std::cmp::Ordering::Greater => return None,
            }
        }
    }

    /// The place among the cache's dumps of the one [`Walk::take`] gave last.
    pub fn last_place(&self) -> u32 {
        self.walked.saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::archive::build_cache::Stamp;
    use crate::archive::report::Said;
    use crate::archive::results::Results;

    #[test]
    fn a_walk_takes_the_dumps_asked_for_across_chunks_and_passes_the_others() {
        let stamp = Stamp::of(&fs::metadata(".").unwrap());
        let dump = |name: &str| Cached {
            name: name.into(),
            stamp,
            over: None,
            outcomes: Results::default(),
            said: Said::default(),
            name_at: 0..0,
        };
        let chunks = vec![
            CachedChunk::Whole(vec![dump("a.txt"), dump("b.txt")]),
            CachedChunk::Whole(Vec::new()),
            CachedChunk::Whole(vec![dump("d.txt"), dump("e.txt")]),
        ];
        let mut walk = Walk::new(chunks);
        let name = |c: Option<Cached>| c.map(|c| c.name);
        assert_eq!(name(walk.take(b"a.txt")).as_deref(), Some("a.txt"));
        assert_eq!(walk.last_place(), 0);
        // Not held: nothing taken, and the next one is still there.
        assert_eq!(name(walk.take(b"c.txt")), None);
        assert_eq!(name(walk.take(b"d.txt")).as_deref(), Some("d.txt"));
        // Its place counts the dump passed.
        assert_eq!(walk.last_place(), 2);
        // `b.txt` was passed; past the last, nothing.
        assert_eq!(name(walk.take(b"f.txt")), None);
        assert_eq!(name(walk.take(b"g.txt")), None);
    }
}
