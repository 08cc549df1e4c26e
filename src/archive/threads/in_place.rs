//! Arrays of fixed-size numbers of the grouping ([`Words`]): made, or read where they lie in a
//! chunk mapped from its file. A `+1` reads most of the last grouping and edits little of it:
//! what it does not edit is not copied out of its chunks (at a million articles, the lists'
//! buckets and the numbers' signatures and fingerprints were some 140 MB of fresh pages at
//! every build, on the load's thread beside the listing's stats).

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use zerocopy::{FromBytes, Immutable, KnownLayout};

use crate::serde_le::Le;

/// A chunk as read, shared by the arrays read where they lie in it (a mapped file; bytes of
/// their own in tests).
pub(super) type Chunk = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// A number a chunk holds as its little-endian bytes, which a little-endian machine reads in
/// place where they are aligned.
pub(super) trait Word: Le + FromBytes + Immutable + KnownLayout + Copy {}

impl Word for u32 {}
impl Word for u64 {}

/// Numbers made, or read where they lie in a chunk.
#[derive(Clone)]
pub(super) enum Words<T> {
    Made(Vec<T>),
    /// `len` numbers from byte `from` of the chunk, found within it and aligned when read.
    Read {
        chunk: Chunk,
        from: usize,
        len: usize,
    },
}

impl<T: Word> Words<T> {
    /// The `len` numbers from byte `from` of `chunk`: where they lie when the machine is
    /// little-endian and they are aligned (a chunk is mapped from the start of its file, at a
    /// page, and written with each array at a multiple of its width), copied out otherwise.
    /// `None` when they run past the chunk.
    pub(super) fn read(chunk: &Chunk, from: usize, len: usize) -> Option<Words<T>> {
        let to = from.checked_add(len.checked_mul(T::WIDTH)?)?;
        let bytes = (**chunk).as_ref().get(from..to)?;
        if cfg!(target_endian = "little") && <[T]>::ref_from_bytes(bytes).is_ok() {
            let chunk = Arc::clone(chunk);
            return Some(Words::Read { chunk, from, len });
        }
        Some(Words::Made(crate::serde_le::items(bytes)?.collect()))
    }

    /// Whether they lie in their chunk (not copied out of it).
    #[cfg(test)]
    pub(super) fn in_place(&self) -> bool {
        matches!(self, Words::Read { .. })
    }
}

impl<T> Default for Words<T> {
    fn default() -> Words<T> {
        Words::Made(Vec::new())
    }
}

impl<T: Word> Deref for Words<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            Words::Made(words) => words,
            // Found within the chunk and aligned when read: empty only were the chunk's bytes
            // to change under it.
            Words::Read { chunk, from, len } => (**chunk)
                .as_ref()
                .get(*from..from + len * T::WIDTH)
                .and_then(|bytes| <[T]>::ref_from_bytes(bytes).ok())
                .unwrap_or_default(),
        }
    }
}

impl<T: Word + PartialEq> PartialEq for Words<T> {
    fn eq(&self, other: &Words<T>) -> bool {
        **self == **other
    }
}

impl<T: Word + fmt::Debug> fmt::Debug for Words<T> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        (**self).fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serde_le::put;

    /// Bytes that start one byte into their own: words there are never aligned.
    struct Shifted(Vec<u8>);

    impl AsRef<[u8]> for Shifted {
        fn as_ref(&self) -> &[u8] {
            &self.0[1..]
        }
    }

    #[test]
    fn words_are_read_in_place_when_aligned_copied_otherwise_and_never_past_the_chunk() {
        let words: Vec<u64> = vec![1, u64::MAX, 7 << 40];
        let mut bytes = vec![0; 8];
        put(&mut bytes, &words);
        let chunk: Chunk = Arc::new(bytes.clone());
        let read = Words::<u64>::read(&chunk, 8, 3).unwrap();
        assert_eq!(&*read, &words[..]);
        assert_eq!(read.in_place(), cfg!(target_endian = "little"));
        // At byte 4 the u64s are not aligned: copied, the same numbers.
        let mut at_four = vec![0; 4];
        put(&mut at_four, &words);
        let off: Chunk = Arc::new(at_four);
        let copied = Words::<u64>::read(&off, 4, 3).unwrap();
        assert_eq!((&*copied, copied.in_place()), (&words[..], false));
        let shifted: Chunk = Arc::new(Shifted([vec![9], bytes].concat()));
        let copied = Words::<u64>::read(&shifted, 8, 3).unwrap();
        assert_eq!((&*copied, copied.in_place()), (&words[..], false));
        assert!(Words::<u64>::read(&chunk, 8, 4).is_none());
        assert!(Words::<u32>::read(&chunk, usize::MAX - 2, 1).is_none());
        assert!(Words::<u32>::read(&chunk, 0, usize::MAX / 2).is_none());
        assert_eq!(Words::<u32>::read(&chunk, 32, 0).unwrap().len(), 0);
    }
}
