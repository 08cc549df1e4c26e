//! What the line scanner already made of an article's body: each paragraph's key (its words
//! folded, one space between them), kept by the thread that parsed it for the analysis that
//! follows (the build's worker), so that the search analyzer need not split and fold the
//! paragraphs again (the split and the memo's key were ≈ 80 of its ≈ 320 instructions a word,
//! notes/build-bench.md session 50).
//!
//! The keys are the thread's buffers, reused from article to article: never in the parts
//! store, the build cache or the compiled archive. Each paragraph's key is handed out only for
//! the same text ([`BodyKeys::key`]): an override or a page's metadata may have changed the
//! body since, and such a paragraph is analysed from its text.

use std::cell::RefCell;

use super::lines::Line;
use crate::arabic::cuts_a_clitic;

/// An article's body paragraphs as the scanner read them: their texts and their keys.
#[derive(Debug, Default, Clone)]
pub struct BodyKeys {
    /// The paragraphs' texts, one after the other: what the keys are the keys of.
    texts: String,
    /// The paragraphs' keys, one after the other.
    keys: String,
    /// Each paragraph's place in `texts` and `keys`.
    paragraphs: Vec<Paragraph>,
}

/// Where a paragraph is in [`BodyKeys`]' buffers (a dump is at most
/// [`super::MAX_DUMP_BYTES`]: `u32` offsets).
#[derive(Debug, Clone, Copy)]
struct Paragraph {
    text: (u32, u32),
    /// `None` for a paragraph whose key is not its analyzer's words: one where the analyzer
    /// cuts a clitic off before tatweel (`لـ"داعش"`: `داعش` to it, `ل داعش` in a key; see
    /// [`cuts_a_clitic`]). Tatweel elsewhere (`الأخبـــار`, `هـ`) is a mark to both.
    key: Option<(u32, u32)>,
}

/// A thread's buffers grown past this many bytes are given back after the article.
const MAX_KEPT: usize = 1 << 18;

thread_local! {
    /// The keys of the body the thread parsed last.
    static LAST: RefCell<BodyKeys> = RefCell::default();
}

impl BodyKeys {
    /// The key of the `i`th paragraph, if it was read as `text` and has one: its words folded
    /// as `crate::arabic::words` splits and `crate::arabic::normalize` folds them, one space
    /// between them (the crate's `fold_agreement` test).
    #[inline]
    pub fn key(&self, i: usize, text: &str) -> Option<&str> {
        let p = self.paragraphs.get(i)?;
        let (key_start, key_end) = p.key?;
        if self.texts.get(p.text.0 as usize..p.text.1 as usize)? != text {
            return None;
        }
        self.keys.get(key_start as usize..key_end as usize)
    }

    /// Forgets every paragraph.
    fn clear(&mut self) {
        if self.texts.capacity() > MAX_KEPT || self.keys.capacity() > MAX_KEPT {
            *self = BodyKeys::default();
        }
        self.texts.clear();
        self.keys.clear();
        self.paragraphs.clear();
    }

    /// Adds the next paragraph, read as `text` with the key `key`.
    fn push(&mut self, text: &str, key: &str) {
        let at = |s: &String| u32::try_from(s.len()).unwrap_or(u32::MAX);
        let start = at(&self.texts);
        self.texts.push_str(text);
        let text_at = (start, at(&self.texts));
        let key = (!cuts_a_clitic(text)).then(|| {
            let start = at(&self.keys);
            self.keys.push_str(key);
            (start, at(&self.keys))
        });
        self.paragraphs.push(Paragraph { text: text_at, key });
    }

    /// Calls `f` with the keys of the body the thread parsed last.
    pub fn with_last<R>(f: impl FnOnce(&BodyKeys) -> R) -> R {
        LAST.with_borrow(f)
    }

    /// The keys of `paragraphs` as the scanner makes them (`super::text::key`, which its
    /// test holds the scanner's keys to): for the analysis's tests and benches, of texts not
    /// parsed.
    pub fn of(paragraphs: &[String]) -> BodyKeys {
        let mut keys = BodyKeys::default();
        for p in paragraphs {
            keys.push(p, &super::text::key(p));
        }
        keys
    }
}

/// Notes `paragraphs` as the body of the article the thread is reading.
pub(super) fn note(paragraphs: &[&Line]) {
    LAST.with_borrow_mut(|keys| {
        keys.clear();
        for line in paragraphs {
            keys.push(line.text, line.key);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A paragraph loses its key where the analyzer cuts a clitic off before tatweel, and
    /// only there: the analyzer's words folded are then the key, or are not.
    #[test]
    fn a_clitic_before_tatweel_is_found_among_letters_and_quotes() {
        for (text, cut) in [
            ("قال لـ\"داعش\"", true),
            ("ولـداعش", true),
            ("بـ", true),
            ("«كـ\u{064E}ـ", true),
            ("\u{064E}لـ", true),
            ("قال فيلم «كيف» “quoted” … — الأخبار", false),
            ("الأخبـــار 1436 هـ ـ ـداعش", false),
            ("وبلـداعش", false),
            ("دلـ", false),
            ("", false),
            ("\u{0600}\u{0680}À", false),
        ] {
            assert_eq!(cuts_a_clitic(text), cut, "{text:?}");
            let words: Vec<String> = crate::arabic::words(text)
                .map(|w| crate::arabic::normalize(&text[w]))
                .collect();
            assert_eq!(
                super::super::text::key(text) != words.join(" "),
                cut,
                "{text:?}"
            );
        }
    }
}
