//! Asking for an element's cache line before it is read, where the reads to come are known
//! but land at random in arrays larger than a core's cache (a million articles' nodes or
//! counts, names): the threads' join and their count by root, the listing's names made into
//! items in sorted order, the cache's dumps walked beside them.

/// How many names ahead a walk over a million of them, each out of the caches, asks for the
/// one it will read (the listing's items in name order, the cache's dumps walked beside them):
/// as far as the threads' join asks for its nodes.
pub(super) const NAMES_AHEAD: usize = 16;

/// Asks for `slice[i]`'s cache line, to be read soon; nothing where no such instruction is
/// known (the same values are read, later).
#[inline(always)]
pub(super) fn prefetch<T>(slice: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let at = slice.as_ptr().wrapping_add(i);
        // SAFETY: a prefetch is a hint: it never faults and changes no value, whatever the
        // address (`i` past the slice included); SSE is in every x86-64 processor.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(at.cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (slice, i);
}
