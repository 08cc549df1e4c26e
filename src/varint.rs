//! Postcard's varints read straight from a slice, as postcard reads them (the same values,
//! the same encodings refused: more bytes than the type takes, or bits past its width in
//! the last one), without its deserializer's calls a byte. A `+1` passes a varint-encoded
//! body key in every reused article's profile (a ten-byte hash): through postcard's
//! deserializer that was ≈ 240 instructions an article (notes/build-bench.md, session 43).

/// The `u64` postcard wrote at the start of `bytes`, and the bytes after it.
pub fn take_u64(bytes: &[u8]) -> Option<(u64, &[u8])> {
    take(bytes, 10, 0x01)
}

/// The `u32` postcard wrote at the start of `bytes`, and the bytes after it.
pub fn take_u32(bytes: &[u8]) -> Option<(u32, &[u8])> {
    take(bytes, 5, 0x0f).map(|(n, rest)| (n as u32, rest))
}

/// A `usize` (a length) as postcard writes it on a 64-bit target.
pub fn take_usize(bytes: &[u8]) -> Option<(usize, &[u8])> {
    take_u64(bytes).and_then(|(n, rest)| Some((usize::try_from(n).ok()?, rest)))
}

/// A varint of at most `max` bytes, the last of which holds at most `last`.
fn take(bytes: &[u8], max: usize, last: u8) -> Option<(u64, &[u8])> {
    let mut out = 0u64;
    for (i, &byte) in bytes.iter().take(max).enumerate() {
        out |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return (i + 1 < max || byte <= last).then(|| (out, &bytes[i + 1..]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn postcard_u64(bytes: &[u8]) -> Option<(u64, &[u8])> {
        postcard::take_from_bytes::<u64>(bytes).ok()
    }

    fn postcard_u32(bytes: &[u8]) -> Option<(u32, &[u8])> {
        postcard::take_from_bytes::<u32>(bytes).ok()
    }

    #[test]
    fn the_widest_and_the_overlong_are_read_as_postcard_reads_them() {
        for n in [0, 1, 127, 128, u64::from(u32::MAX), u64::MAX] {
            let bytes = postcard::to_stdvec(&n).unwrap();
            assert_eq!(take_u64(&bytes), Some((n, &[][..])));
        }
        // Ten bytes whose last holds more than the 64th bit; eleven bytes; an unfinished one.
        let over = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert_eq!(take_u64(&over), None);
        assert_eq!(postcard_u64(&over), None);
        assert_eq!(take_u64(&[0x80; 11]), None);
        assert_eq!(take_u64(&[0x80, 0x80]), None);
        assert_eq!(take_u32(&[0xff, 0xff, 0xff, 0xff, 0x10]), None);
        assert_eq!(
            take_u32(&[0xff, 0xff, 0xff, 0xff, 0x0f]),
            Some((u32::MAX, &[][..]))
        );
    }

    proptest! {
        #[test]
        fn any_bytes_read_as_postcard_reads_them(bytes in proptest::collection::vec(
            prop_oneof![Just(0x80u8), Just(0xffu8), Just(0x01u8), Just(0x0fu8), Just(0x10u8), any::<u8>()],
            0..14,
        )) {
            prop_assert_eq!(take_u64(&bytes), postcard_u64(&bytes));
            prop_assert_eq!(take_u32(&bytes), postcard_u32(&bytes));
        }

        #[test]
        fn numbers_written_then_any_bytes_read_as_postcard_reads_them(
            n in prop_oneof![any::<u64>(), 0u64..1 << 35, 0u64..200],
            m in any::<u32>(),
            after in proptest::collection::vec(any::<u8>(), 0..9),
        ) {
            let mut bytes = postcard::to_stdvec(&(n, m)).unwrap();
            bytes.extend(&after);
            for from in 0..bytes.len() {
                prop_assert_eq!(take_u64(&bytes[from..]), postcard_u64(&bytes[from..]));
                prop_assert_eq!(take_u32(&bytes[from..]), postcard_u32(&bytes[from..]));
                prop_assert_eq!(take_u64(&bytes[..from]), postcard_u64(&bytes[..from]));
            }
        }

        #[test]
        fn any_number_written_is_read_back(n in any::<u64>(), m in any::<u32>()) {
            let bytes = postcard::to_stdvec(&(n, m)).unwrap();
            let (read, rest) = take_u64(&bytes).unwrap();
            prop_assert_eq!(read, n);
            prop_assert_eq!(take_u32(rest), Some((m, &[][..])));
        }
    }
}
