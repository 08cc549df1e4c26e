//! What decides the bytes of a chunk of the compiled archive's entries, hashed from far less
//! than the bytes (`chunk_files::write_fingerprinted`): a build whose run of entries has the
//! fingerprint of a chunk already written takes that chunk as it is.

use super::chunk_files::Fingerprint;
use super::light_entry::EntryRef;
use super::store::PartRef;

/// What decides the bytes of a chunk of `(entry, parts)` pairs, without encoding them: the
/// store, and each entry's id, where its parts are and where its other captures' are. An
/// entry's light fields are what the parse that stored those parts made of its dump (the
/// store only grows, so a place in it is one parse's; a store made anew has a new name); a
/// build changes an entry only by its id (a namesake came or went) and its other captures.
pub(super) fn fingerprint(
    store: &str,
    run: &[(EntryRef, &PartRef)],
    other_parts: &[(String, Vec<PartRef>)],
) -> Fingerprint {
    // An entry puts 36 bytes and its id: room for a numbered dump's (23 bytes) and some, so
    // that the keys are not copied into a buffer twice as large midway (a chunk's 8,192
    // entries grew it two or three times: 6.7 M instructions of `realloc` in a `+1` at 100,000).
    let mut keys = Vec::with_capacity(store.len() + 8 + run.len() * 64);
    let mut put = |bytes: &[u8]| {
        keys.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        keys.extend_from_slice(bytes);
    };
    put(store.as_bytes());
    for (entry, at) in run {
        let id = entry.id();
        put(id.as_bytes());
        put(&at.offset.to_le_bytes());
        put(&at.len.to_le_bytes());
        let others = entry.others();
        if others.is_empty() {
            continue;
        }
        let refs = other_parts
            .binary_search_by(|(held, _)| held.as_str().cmp(id))
            .map_or(&[][..], |i| &other_parts[i].1[..]);
        put(&(others.len() as u64).to_le_bytes());
        for (other, at) in others.iter().zip(refs) {
            put(other.source.as_bytes());
            put(&at.offset.to_le_bytes());
            put(&at.len.to_le_bytes());
        }
    }
    *blake3::hash(&keys).as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::entry::Entry;

    fn r(entry: &Entry) -> EntryRef<'_> {
        EntryRef::Whole(entry)
    }

    #[test]
    fn a_chunk_fingerprint_changes_with_what_a_build_changes_in_an_entry() {
        let entry = |id: &str, others: &[&str]| {
            let mut e = Entry::default();
            e.article.id = id.into();
            for source in others {
                e.provenance
                    .others
                    .push(crate::archive::entry::OtherCapture {
                        source: (*source).into(),
                        ..Default::default()
                    });
            }
            e
        };
        let at = |offset| PartRef { offset, len: 10 };
        let (a, b) = (entry("a", &[]), entry("b", &["b.warc"]));
        let (a2, b2) = (entry("a2", &[]), entry("b", &["c.warc"]));
        let others = |offset| vec![("b".to_string(), vec![at(offset)])];
        let base = fingerprint("s", &[(r(&a), &at(0)), (r(&b), &at(10))], &others(20));
        assert_eq!(
            base,
            fingerprint("s", &[(r(&a), &at(0)), (r(&b), &at(10))], &others(20))
        );
        let changed = [
            fingerprint("t", &[(r(&a), &at(0)), (r(&b), &at(10))], &others(20)),
            fingerprint("s", &[(r(&a2), &at(0)), (r(&b), &at(10))], &others(20)),
            fingerprint("s", &[(r(&a), &at(30)), (r(&b), &at(10))], &others(20)),
            fingerprint("s", &[(r(&a), &at(0)), (r(&b2), &at(10))], &others(20)),
            fingerprint("s", &[(r(&a), &at(0)), (r(&b), &at(10))], &others(40)),
            fingerprint("s", &[(r(&a), &at(0))], &others(20)),
        ];
        for (i, print) in changed.iter().enumerate() {
            assert_ne!(*print, base, "change {i} unseen");
        }
    }
}
