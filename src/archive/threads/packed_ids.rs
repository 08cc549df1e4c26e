//! The grouping's article ids in one string, each id's end beside it: a million ids made,
//! written, read back and freed as two buffers rather than a million strings (at one million
//! articles the grouping's ids were most of writing `threads.bin`, and of reading it back).

/// Ids one after the other in `text`; id `i` ends at `ends[i]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct PackedIds {
    text: String,
    ends: Vec<u32>,
}

impl PackedIds {
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// No ids, with room for `ids` of `bytes` in all.
    pub(super) fn with_capacity(ids: usize, bytes: usize) -> PackedIds {
        PackedIds {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(ids),
        }
    }

    /// Appends `id` as the last.
    pub(super) fn push(&mut self, id: &str) {
        self.text.push_str(id);
        let end = u32::try_from(self.text.len()).expect("under 4 GB of ids");
        self.ends.push(end);
    }

    /// The ids one after the other, and where each ends.
    pub(super) fn written(&self) -> (&str, &[u32]) {
        (&self.text, &self.ends)
    }

    /// Ids `from..to`, packed on their own.
    pub(super) fn range(&self, from: usize, to: usize) -> PackedIds {
        let start = if from == 0 { 0 } else { self.ends[from - 1] };
        let end = if to == 0 { 0 } else { self.ends[to - 1] };
        PackedIds {
            text: self.text[start as usize..end as usize].to_string(),
            ends: self.ends[from..to].iter().map(|e| e - start).collect(),
        }
    }

    /// Appends the ids of a chunk as written (their `text`, and the little-endian bytes of
    /// their `ends`), read in place rather than decoded into a `PackedIds` first; `None`, and
    /// nothing appended, when the ends are not whole numbers or fall out of order or inside a
    /// character: each id then lies within the text, whole characters.
    pub(super) fn append_written(&mut self, text: &str, ends: &[u8]) -> Option<()> {
        let ends = crate::serde_le::items::<u32>(ends)?;
        let mut last = 0;
        for end in ends.clone() {
            let end = end as usize;
            if end < last || end > text.len() || !text.is_char_boundary(end) {
                return None;
            }
            last = end;
        }
        let start = u32::try_from(self.text.len()).ok()?;
        u32::try_from(self.text.len() + text.len()).ok()?;
        self.text.push_str(text);
        self.ends.extend(ends.map(|e| e + start));
        Some(())
    }

    /// Appends every id of `other`.
    #[cfg(test)]
    pub(super) fn append(&mut self, other: &PackedIds) {
        let start = u32::try_from(self.text.len()).expect("under 4 GB of ids");
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.iter().map(|e| e + start));
    }

    /// Id `i`.
    #[cfg(test)]
    pub(super) fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// Id `i`'s bytes, for comparing: a `str` sliced checks that both ends fall on a
    /// character's boundary, which every end was checked to when the ids were read (≈ 34
    /// instructions an id, every id at every `+1`).
    pub(super) fn get_bytes(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text.as_bytes()[start..self.ends[i] as usize]
    }
}

impl<'a> FromIterator<&'a str> for PackedIds {
    fn from_iter<I: IntoIterator<Item = &'a str>>(ids: I) -> PackedIds {
        let ids = ids.into_iter();
        let mut packed = PackedIds {
            text: String::with_capacity(ids.size_hint().0 * 16),
            ends: Vec::with_capacity(ids.size_hint().0),
        };
        for id in ids {
            packed.push(id);
        }
        packed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_back_and_ranges_put_together_are_the_ids() {
        let ids: PackedIds = ["0123abcd", "", "مقال-جديد", "x"].into_iter().collect();
        assert_eq!(ids.len(), 4);
        let back: Vec<&str> = (0..ids.len()).map(|i| ids.get(i)).collect();
        assert_eq!(back, ["0123abcd", "", "مقال-جديد", "x"]);
        let mut joined = ids.range(0, 2);
        assert_eq!(joined.get(1), "");
        joined.append(&ids.range(2, 4));
        assert_eq!(joined, ids);
        assert_eq!(ids.range(2, 3).get(0), "مقال-جديد");
    }

    #[test]
    fn ids_appended_as_written_equal_ids_decoded_and_bad_ends_append_nothing() {
        let ids: PackedIds = ["0123abcd", "", "مقال-جديد", "x"].into_iter().collect();
        let le = |ends: &[u32]| -> Vec<u8> { ends.iter().flat_map(|e| e.to_le_bytes()).collect() };
        let mut joined: PackedIds = ["first"].into_iter().collect();
        joined.append_written(&ids.text, &le(&ids.ends)).unwrap();
        let expected: PackedIds = ["first", "0123abcd", "", "مقال-جديد", "x"]
            .into_iter()
            .collect();
        assert_eq!(joined, expected);
        // Past the text, inside a character, out of order, not whole numbers.
        for ends in [le(&[4, 99]), le(&[7]), le(&[4, 2]), vec![1, 0, 0]] {
            let mut to = expected.clone();
            assert_eq!(to.append_written("مقال-جديد", &ends), None);
            assert_eq!(to, expected);
        }
    }
}
