//! What names the chunks a grouping is kept in (see `stored`), and which of them a change
//! reached since they were read: apart from `stored`, which encodes the grouping, so that the
//! grouping can hold them.

use serde::{Deserialize, Serialize};

/// A chunk's name: the hash of its bytes (as `chunk_files` names them).
pub type ChunkName = [u8; 32];

/// What each chunk of a grouping is (its name, its piece), in the order they are read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chunks<T> {
    pub base: T,
    pub numbers: Vec<T>,
    pub buckets: Vec<T>,
    pub order: Vec<T>,
    pub links: Vec<T>,
}

/// The chunks that hold a grouping.
pub type Names = Chunks<ChunkName>;

/// The chunks of a grouping to keep.
pub type Pieces = Chunks<Piece>;

impl<T> Chunks<T> {
    pub fn all(&self) -> impl Iterator<Item = &T> {
        std::iter::once(&self.base)
            .chain(&self.numbers)
            .chain(&self.buckets)
            .chain(&self.order)
            .chain(&self.links)
    }

    /// Each part made another by `f`, which gives back as many as it is given.
    pub fn try_map<U, E>(
        self,
        f: impl Fn(Vec<T>) -> Result<Vec<U>, E>,
    ) -> Result<Option<Chunks<U>>, E> {
        let base = f(vec![self.base])?.pop();
        let (numbers, buckets) = (f(self.numbers)?, f(self.buckets)?);
        let (order, links) = (f(self.order)?, f(self.links)?);
        Ok(base.map(|base| Chunks {
            base,
            numbers,
            buckets,
            order,
            links,
        }))
    }
}

/// The chunks a grouping was read from, and the buckets changed since.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Stored {
    pub(super) names: Names,
    /// Numbers given out when it was read: the ranges below it are as written.
    pub(super) slots: usize,
    /// The buckets of lists changed since.
    pub(super) reached: Vec<bool>,
    /// How many places, and how many links, each chunk of `names.order` and `names.links`
    /// holds: the runs as read.
    pub(super) runs: (Vec<u32>, Vec<u32>),
    /// The first link of each chunk of `names.links` (`(0, 0)` for an empty one): a run of
    /// the links to save is looked for among the chunks by it.
    pub(super) first_links: Vec<(u32, u32)>,
    /// What grouping again changed since, once it did: a run of the new places or links
    /// equal to one read is the chunk already written (`None` while the grouping's own are
    /// the ones read).
    pub(super) read: Option<Read>,
}

/// What a grouping read from chunks held before it was grouped again: the places' numbers.
/// The links were edited in place: those read are in their chunks, compared from there.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Read {
    pub(super) order: Vec<u32>,
}

/// A chunk of a grouping: one already written under that name, or the bytes of a new one.
#[derive(Debug, PartialEq)]
pub enum Piece {
    Known(ChunkName),
    New(Vec<u8>),
}
