//! The characters a scan reads in loops of their own after the first of a word, where each
//! only extends the line, its key and its counts: ASCII letters and digits (the plain
//! letters and the gaps between them are `lines::plain`'s).

use super::Scanner;

impl Scanner<'_> {
    /// Right after an ASCII letter, the ASCII letters that follow it in the same word (`GMT`,
    /// URLs, names in Latin letters: 28 K of the ≈ 84 K characters of 200 dumps that
    /// [`Scanner::push`] read one at a time, notes/parser-bench.md, session 46). Each only
    /// extends the copied stretch, writes its lower case into the key (the table's fold:
    /// `ascii_letters_fold_to_their_lower_case`) and counts a character and a letter, as
    /// `push` would after a letter of the same word. Returns where they end.
    #[inline(always)]
    pub(super) fn latin_run(&mut self, start: usize) -> usize {
        debug_assert!(self.run.end == start && !self.line.space && self.line.run_digits == 0);
        debug_assert!(self.line.folder.in_word() && self.line.in_word && self.line.word_alnum);
        let letters = &self.src[start..];
        let n = letters
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        let letters = &letters[..n];
        self.keys.extend(letters.iter().map(u8::to_ascii_lowercase));
        self.run.end += n;
        self.line.chars += n;
        self.line.letters += n;
        start + n
    }

    /// Right after an ASCII digit, the ASCII digits that follow it (years, days, clocks: 13 K
    /// of [`Scanner::push`]'s turns in 200 dumps, session 46). Each extends the copied stretch,
    /// is its own fold in the key (`ascii_digits_fold_to_themselves`) and counts a character
    /// and a digit of the number being read, as `push` would after a digit. Returns where
    /// they end.
    #[inline(always)]
    pub(super) fn digit_run(&mut self, start: usize) -> usize {
        debug_assert!(self.run.end == start && !self.line.space && self.line.run_digits > 0);
        debug_assert!(self.line.folder.in_word() && self.line.ascii_digit);
        let digits = &self.src[start..];
        let n = digits.iter().take_while(|b| b.is_ascii_digit()).count();
        let digits = &digits[..n];
        self.keys.extend_from_slice(digits);
        for &d in digits {
            let value = self.line.run_value.saturating_mul(10);
            self.line.run_value = value.saturating_add(u32::from(d - b'0'));
        }
        self.line.run_digits += n;
        self.run.end += n;
        self.line.chars += n;
        start + n
    }
}

#[cfg(test)]
mod tests {
    use crate::parse::lines::Line;
    use crate::parse::text::{CharInfo, KeyFolder, key, word_hash};

    /// Asserts that the ASCII character `c` has, of the flags the scan looks at, exactly
    /// `flags`, and that the folder writes it into a key as the one byte `fold`.
    fn ascii_is(c: char, flags: u16, fold: u8) {
        let info = CharInfo::of(c);
        let mut key = Vec::new();
        KeyFolder::default().push(&mut key, &[c as u8], info, &mut |_| {});
        assert_eq!(key, [fold], "{c}");
        for flag in [
            CharInfo::INVISIBLE,
            CharInfo::WHITESPACE,
            CharInfo::PRESENTATION,
            CharInfo::DIGIT,
            CharInfo::MARK,
            CharInfo::LETTER,
            CharInfo::ARABIC,
            CharInfo::ALNUM,
            CharInfo::LONG_FOLD,
            CharInfo::LINE_END,
            CharInfo::PLAIN,
        ] {
            assert_eq!(info.is(flag), flags & flag != 0, "{c} {flag:#x}");
        }
    }

    /// What [`Scanner::latin_run`] takes for granted: an ASCII letter is a letter and
    /// alphanumeric, nothing else the scan looks at, and its fold is its lower case, one byte.
    #[test]
    fn ascii_letters_fold_to_their_lower_case() {
        for c in ('a'..='z').chain('A'..='Z') {
            let fold = c.to_ascii_lowercase() as u8;
            ascii_is(c, CharInfo::LETTER | CharInfo::ALNUM, fold);
        }
    }

    /// What [`Scanner::digit_run`] takes for granted: an ASCII digit is a digit and
    /// alphanumeric, nothing else the scan looks at, its own fold, and its value.
    #[test]
    fn ascii_digits_fold_to_themselves() {
        for c in '0'..='9' {
            ascii_is(c, CharInfo::DIGIT | CharInfo::ALNUM, c as u8);
            assert_eq!(CharInfo::of(c).digit(), c.to_digit(10).unwrap(), "{c}");
        }
    }

    /// Numbers read in runs after their first digit, mixed with Arabic-Indic digits, letters
    /// and punctuation: the lines count as the definitions say, and a short line's year is
    /// seen (its dates are read).
    #[test]
    fn numbers_count_as_the_definitions_say() {
        use crate::parse::dates::find_dates;
        for text in [
            "16 أيلول 2015",
            "16 أيلول 1999",
            "الأربعاء 2015/09/16 - 09:22",
            "GMT 17:27 2015",
            "١٢٣2015 2015١ 99999999999 a2015",
            "تحديث 2099-12-31 و 20151",
        ] {
            let line = line_as_defined(text);
            assert_eq!(line.dates, find_dates(text), "{text}");
        }
        for year in ["16 أيلول 2015", "16 أيلول 1999"] {
            assert!(!line_as_defined(year).dates.is_empty(), "{year}");
        }
    }

    /// A line on its own: its text, key, compact length, words, characters, word hashes, share
    /// of Arabic letters, menu and credit are what the definitions give.
    fn line_as_defined(text: &str) -> Line<'_> {
        use crate::parse::lines::kinds::{has_copyright_sign, is_menu_line};
        use crate::parse::text::{compact_key, is_arabic_letter, is_letter, words};
        let line = Line::new(text).unwrap();
        assert_eq!(line.text, text);
        assert_eq!(line.key, key(text), "{text}");
        assert_eq!(line.compact_len(), compact_key(text).len(), "{text}");
        assert_eq!(line.words, words(text).count(), "{text}");
        assert_eq!(line.chars, text.chars().count(), "{text}");
        let hashes: Vec<u64> = line
            .key
            .split(' ')
            .map(|w| word_hash(w.as_bytes()))
            .collect();
        assert_eq!(line.hashes, hashes, "{text}");
        let count = |f: fn(char) -> bool| text.chars().filter(|&c| f(c)).count() as f32;
        assert_eq!(
            line.arabic,
            count(is_arabic_letter) / count(is_letter),
            "{text}"
        );
        assert_eq!(line.menu, is_menu_line(text), "{text}");
        assert_eq!(line.credit, has_copyright_sign(text.as_bytes()), "{text}");
        line
    }

    /// Words in Latin letters, read in runs after their first letter, and mixed with Arabic,
    /// digits and marks.
    #[test]
    fn latin_words_count_as_the_definitions_say() {
        for text in [
            "GMT 02:10 2022 Reuters AFP",
            "http://www.Example.com/News/2015 اقرأ المزيد",
            "© REUTERS / Ammar Awad | الرئيسية",
            "كتبه: Ahmad ElSayed،قال xYz9abc صورة:AFP ALLCAPS",
            "É École Zürich aé ab\u{301}c",
        ] {
            line_as_defined(text);
        }
    }

    /// Words parted by punctuation and spaces (`، `, ` "`, `". `), read in the runs of plain
    /// letters past each gap; the marks the scan notes (`#`, `|`, `-`, `©`) are still seen.
    #[test]
    fn words_parted_by_punctuation_count_as_the_definitions_say() {
        for text in [
            "قال الوزير، إن الحكومة \"الجديدة\" ستبدأ. وأضاف: (الخطة) «واضحة»؛ لكن؟ نعم! لا.",
            "البيت الأبيض: نرحب بأي دعم روسي للتحالف في محاربة \"داعش\"",
            "كلمة،كلمة \"كلمة\".كلمة ، كلمة . . كلمة",
            "أخبار | رياضة | اقتصاد، فن - منوعات",
            "صورة: رويترز © وكالات، #وسم_عربي \"نص\" ١٠، 2015 عام ًا",
        ] {
            line_as_defined(text);
        }
        assert!(line_as_defined("أخبار | رياضة | اقتصاد، فن - منوعات").menu);
        assert!(line_as_defined("نص #وسم_عربي \"نص\"").embed);
    }
}
