//! The one hash whose values leave the process: article ids of odd file names (`dump-{hash}`,
//! `{id}-{hash}`), `ETag`s, content-hashed asset names, and the story threads' profiles kept in
//! the build cache (which decide the threads readers see). Those must not change with a Rust
//! or crate version, or links and caches break; maps in memory use `rustc-hash` instead.

/// FNV-1a, 64 bits: defined by its constants, so the same bytes hash the same forever. Never
/// change it: existing archives' URLs hold its values.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h = StableHasher::new();
    h.write(bytes);
    h.finish()
}

/// [`stable_hash`] fed piece by piece: the value of the pieces joined, without joining them
/// (a thread profile hashes an article's folded body word by word).
#[derive(Debug, Clone, Copy)]
pub struct StableHasher(u64);

impl Default for StableHasher {
    fn default() -> StableHasher {
        StableHasher::new()
    }
}

impl StableHasher {
    pub const fn new() -> StableHasher {
        StableHasher(0xcbf2_9ce4_8422_2325)
    }

    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_in_published_urls_never_change() {
        // FNV-1a's published test vectors; an id or an asset name made with them is in URLs.
        assert_eq!(stable_hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(stable_hash(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn pieces_hash_as_the_whole() {
        let mut h = StableHasher::new();
        for piece in ["foo", "", "b", "ar"] {
            h.write(piece.as_bytes());
        }
        assert_eq!(h.finish(), stable_hash(b"foobar"));
    }
}
