//! Long lists of fixed-size numbers written as one run of little-endian bytes, for
//! `#[serde(with)]`: postcard writes each number of a `Vec<u32>` as a varint, and a random
//! 32-bit hash takes five bytes and a loop per byte each way. The threads' grouping keeps
//! sixteen term hashes and a 64-bit fingerprint per article, read and written whole at every
//! build: as bytes they are copied, not decoded one by one.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

/// A number (or a tuple of them) of a fixed width.
pub trait Le: Sized {
    const WIDTH: usize;
    /// Into exactly [`Le::WIDTH`] bytes.
    fn put(&self, out: &mut [u8]);
    /// From exactly [`Le::WIDTH`] bytes.
    fn get(bytes: &[u8]) -> Self;
}

fn word<const N: usize>(bytes: &[u8]) -> [u8; N] {
    bytes.try_into().expect("a chunk of the width")
}

/// The integers, as their little-endian bytes.
macro_rules! le_int {
    ($($int:ty),*) => {$(
        impl Le for $int {
            const WIDTH: usize = size_of::<$int>();
            fn put(&self, out: &mut [u8]) {
                out.copy_from_slice(&self.to_le_bytes());
            }
            fn get(bytes: &[u8]) -> $int {
                <$int>::from_le_bytes(word(bytes))
            }
        }
    )*};
}
le_int!(u32, u64);

/// A term of the threads' weighing base and its document frequency.
impl Le for (u32, u32) {
    const WIDTH: usize = 8;
    fn put(&self, out: &mut [u8]) {
        self.0.put(&mut out[..4]);
        self.1.put(&mut out[4..]);
    }
    fn get(bytes: &[u8]) -> Self {
        (u32::get(&bytes[..4]), u32::get(&bytes[4..]))
    }
}

/// A link of the threads' grouping: two articles and their similarity.
impl Le for (u32, u32, f32) {
    const WIDTH: usize = 12;
    fn put(&self, out: &mut [u8]) {
        self.0.put(&mut out[..4]);
        self.1.put(&mut out[4..8]);
        self.2.to_bits().put(&mut out[8..]);
    }
    fn get(bytes: &[u8]) -> Self {
        (
            u32::get(&bytes[..4]),
            u32::get(&bytes[4..8]),
            f32::from_bits(u32::get(&bytes[8..])),
        )
    }
}

/// The items of `bytes` as [`serialize`] wrote them (a chunk borrowed from a file, read in
/// place rather than into a `Vec` of its own), `None` when they are not whole items.
pub fn items<'a, T: Le + 'a>(
    bytes: &'a [u8],
) -> Option<impl ExactSizeIterator<Item = T> + DoubleEndedIterator + Clone + 'a> {
    bytes
        .len()
        .is_multiple_of(T::WIDTH)
        .then(|| bytes.chunks_exact(T::WIDTH).map(T::get))
}

/// Appends `items` to `out` as one run of little-endian bytes (as [`serialize`] writes them, and
/// [`items`] reads them back).
pub fn put<T: Le>(out: &mut Vec<u8>, items: &[T]) {
    // Sized once and filled in place: pushed a number at a time, each push checked the
    // capacity (≈ 11 instructions a number; the grouping writes some 17 million at a million
    // articles).
    let start = out.len();
    out.resize(start + items.len() * T::WIDTH, 0);
    for (bytes, item) in out[start..].chunks_exact_mut(T::WIDTH).zip(items) {
        item.put(bytes);
    }
}

pub fn serialize<T: Le, S: Serializer>(items: &[T], s: S) -> Result<S::Ok, S::Error> {
    let mut bytes = Vec::new();
    put(&mut bytes, items);
    s.serialize_bytes(&bytes)
}

pub fn deserialize<'de, T: Le, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    struct Items<T>(PhantomData<T>);
    impl<T: Le> Visitor<'_> for Items<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "bytes in runs of {}", T::WIDTH)
        }

        fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Vec<T>, E> {
            match items(bytes) {
                Some(items) => Ok(items.collect()),
                None => Err(E::invalid_length(bytes.len(), &self)),
            }
        }
    }
    d.deserialize_bytes(Items(PhantomData))
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Lists {
        #[serde(with = "super")]
        small: Vec<u32>,
        #[serde(with = "super")]
        wide: Vec<u64>,
        #[serde(with = "super")]
        links: Vec<(u32, u32, f32)>,
    }

    #[test]
    fn lists_read_back_as_written_and_a_cut_one_is_refused() {
        let lists = Lists {
            small: vec![0, 1, u32::MAX, 0x1234_5678],
            wide: vec![u64::MAX, 7],
            links: vec![(1, 2, 0.5), (u32::MAX, 0, -0.0)],
        };
        let bytes = postcard::to_stdvec(&lists).unwrap();
        assert_eq!(postcard::from_bytes::<Lists>(&bytes).unwrap(), lists);
        // The first list's length says 16 bytes; 15 are not whole numbers.
        let mut cut = bytes.clone();
        cut[0] = 15;
        cut.remove(1);
        assert!(postcard::from_bytes::<Lists>(&cut).is_err());
    }
}
