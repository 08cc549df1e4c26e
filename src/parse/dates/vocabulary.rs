//! The words of dates: Gregorian month names as Arab outlets write them (Levantine,
//! transliterated, Maghrebi), Hijri months, weekdays, and the words that mark a date stamp.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::parse::text::{key_words, word_hash};

/// Gregorian month names as Arab outlets write them (folded), with their number.
pub(super) fn month(word: &str, next: Option<&str>) -> Option<(u32, usize)> {
    // Two-word Levantine names first.
    if let Some(next) = next {
        let two = match (word, next) {
            ("كانون", "الثاني") => Some(1),
            ("كانون", "الاول") => Some(12),
            ("تشرين", "الاول") => Some(10),
            ("تشرين", "الثاني") => Some(11),
            _ => None,
        };
        if let Some(m) = two {
            return Some((m, 2));
        }
    }
    let m = match word {
        "يناير" | "جانفي" | "january" | "jan" => 1,
        "فبراير" | "فبرير" | "فيفري" | "شباط" | "february" | "feb" => 2,
        "مارس" | "اذار" | "march" | "mar" => 3,
        "ابريل" | "افريل" | "نيسان" | "april" | "apr" => 4,
        "مايو" | "ماي" | "ايار" | "may" => 5,
        "يونيو" | "يونيه" | "جوان" | "حزيران" | "june" | "jun" => 6,
        "يوليو" | "يوليه" | "يوليوز" | "جويليه" | "جويلييه" | "تموز" | "july" | "jul" => {
            7
        }
        "اغسطس" | "اغسطوس" | "غشت" | "اوت" | "اب" | "august" | "aug" => 8,
        "سبتمبر" | "سيبتمبر" | "شتنبر" | "ايلول" | "september" | "sep" | "sept" => {
            9
        }
        "اكتوبر" | "اوكتوبر" | "october" | "oct" => 10,
        "نوفمبر" | "نونبر" | "november" | "nov" => 11,
        "ديسمبر" | "دجنبر" | "december" | "dec" => 12,
        _ => return None,
    };
    Some((m, 1))
}

/// Hijri month names (folded), with their number and word count.
pub(super) fn hijri_month(word: &str, next: Option<&str>) -> Option<(u32, usize)> {
    if let Some(next) = next {
        let two = match (word, next) {
            ("ربيع", "الاول" | "اول") => Some(3),
            ("ربيع", "الاخر" | "الثاني" | "الاخره" | "ثاني") => Some(4),
            ("جمادي", "الاولي" | "الاول" | "اولي") => Some(5),
            ("جمادي", "الاخره" | "الثانيه" | "الاخر" | "الثاني" | "اخره") => {
                Some(6)
            }
            ("ذي" | "ذو", "القعده") => Some(11),
            ("ذي" | "ذو", "الحجه") => Some(12),
            _ => None,
        };
        if let Some(m) = two {
            return Some((m, 2));
        }
    }
    let m = match word {
        "محرم" => 1,
        "صفر" => 2,
        "رجب" => 7,
        "شعبان" => 8,
        "رمضان" => 9,
        "شوال" => 10,
        _ => return None,
    };
    Some((m, 1))
}

/// 0 = Monday … 6 = Sunday.
pub(super) fn weekday_name(word: &str) -> Option<u32> {
    Some(match word {
        "الاثنين" | "الاتنين" | "اثنين" | "monday" | "mon" => 0,
        "الثلاثاء" | "الثلثاء" | "ثلاثاء" | "tuesday" | "tue" => 1,
        "الاربعاء" | "اربعاء" | "wednesday" | "wed" => 2,
        "الخميس" | "خميس" | "thursday" | "thu" => 3,
        "الجمعه" | "جمعه" | "friday" | "fri" => 4,
        "السبت" | "سبت" | "saturday" | "sat" => 5,
        "الاحد" | "احد" | "sunday" | "sun" => 6,
        _ => return None,
    })
}

/// Words that flag a line as a date stamp even with other words in it.
const STAMP_MARKERS: [&str; 14] = [
    "نشر",
    "نشره",
    "تحديث",
    "محدث",
    "محدثه",
    "العدد",
    "بتاريخ",
    "تاريخ",
    "published",
    "updated",
    "posted",
    "gmt",
    "الموافق",
    "المحتوي",
];

/// Whether a line (its folded words) is a date stamp rather than text that mentions a date:
/// every word is part of a date or clock, or a stamp word (`نشر`, `تحديث`, `العدد`) says so.
/// `توقعات الأبراج الثلاثاء 26 أغسطس 2025` is a headline; `الإثنين، 24 أغسطس 2020 09:23 ص`
/// and `تم نشره الجمعة 24 نيسان 2020` are stamps.
pub fn is_stamp_line(key: &str) -> bool {
    // A marker word holds its marker: a key that holds none (most paragraphs that mention a
    // year) is not compared word by word with every marker, ≈ 45 comparisons a word.
    static MARKS: LazyLock<AhoCorasick> =
        LazyLock::new(|| AhoCorasick::new(STAMP_MARKERS).expect("a few short words"));
    key_words(key).all(is_date_word) || MARKS.is_match(key) && holds_marker_word(key)
}

/// [`is_stamp_line`] of a line's key whose words' [`word_hash`]es are `hashes`: a key none of
/// whose words may be a marker word by its hash is not searched for the markers (the search
/// read every byte of each paragraph that mentions a year, ≈ 1 M instructions in 200 dumps:
/// notes/parser-bench.md, session 46).
pub fn is_stamp_line_by_words(key: &str, hashes: &[u64]) -> bool {
    key_words(key).all(is_date_word)
        || hashes.iter().any(|&h| may_be_marker_word(h)) && holds_marker_word(key)
}

/// Whether a word of `key` is a marker, or one after `و` or `تم`.
fn holds_marker_word(key: &str) -> bool {
    key_words(key).any(|w| {
        STAMP_MARKERS
            .iter()
            .any(|m| w == *m || w.strip_prefix('و') == Some(m) || w.strip_prefix("تم") == Some(m))
    })
}

/// Bits in [`MARKER_WORD_BITS`]: few enough marker words (42) set so few that a paragraph's
/// words seldom hit two by chance.
const MARKER_BITS: usize = 1 << 12;

/// Two bits for each [`word_hash`] of a marker word ([`holds_marker_word`]'s): a word that
/// does not hit both is none.
static MARKER_WORD_BITS: LazyLock<[u64; MARKER_BITS / 64]> = LazyLock::new(|| {
    let mut bits = [0; MARKER_BITS / 64];
    for m in STAMP_MARKERS {
        for word in [m.to_string(), format!("و{m}"), format!("تم{m}")] {
            for bit in marker_bits(word_hash(word.as_bytes())) {
                bits[bit / 64] |= 1 << (bit % 64);
            }
        }
    }
    bits
});

fn marker_bits(hash: u64) -> [usize; 2] {
    [
        (hash >> 48) as usize % MARKER_BITS,
        (hash >> 32) as usize % MARKER_BITS,
    ]
}

fn may_be_marker_word(hash: u64) -> bool {
    let bits = &*MARKER_WORD_BITS;
    marker_bits(hash)
        .iter()
        .all(|&bit| bits[bit / 64] & (1 << (bit % 64)) != 0)
}

/// A folded word that can be part of a written date or time.
pub fn is_date_word(w: &str) -> bool {
    let digits = w.trim_end_matches(['م', 'ه']);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        || month(w, None).is_some()
        || hijri_month(w, None).is_some()
        || weekday_name(w).is_some()
        || matches!(
            w,
            "كانون"
                | "تشرين"
                | "الاول"
                | "الثاني"
                | "ربيع"
                | "جمادي"
                | "ذي"
                | "ذو"
                | "القعده"
                | "الحجه"
                | "الاولي"
                | "الاخره"
                | "الاخر"
                | "الثانيه"
                | "ص"
                | "م"
                | "ه"
                | "صباحا"
                | "مساء"
                | "مساءا"
                | "am"
                | "pm"
                | "utc"
                | "يوم"
                | "تم"
                | "في"
                | "بتوقيت"
                | "غرينتش"
                | "من"
                | "الساعه"
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::text::key;

    /// A line's marker words are found by their hashes as by the search: every marker alone,
    /// after `و` and `تم`, inside a longer word (`نشرها`, no marker word), beside dates and
    /// in prose that mentions a year.
    #[test]
    fn marker_words_found_by_hash_are_the_search_s() {
        let mut lines = vec![
            "توقعات الأبراج اليوم الثلاثاء 26 أغسطس /آب 2025".to_string(),
            "وقال الوزير إن نشرها تم في عام 2020 بعد تحديثات كثيرة".to_string(),
            "الإثنين، 24 أغسطس 2020 09:23 ص".to_string(),
            String::new(),
        ];
        for m in STAMP_MARKERS {
            for word in [
                m.to_string(),
                format!("و{m}"),
                format!("تم{m}"),
                format!("{m}ها"),
            ] {
                lines.push(format!("{word} الجمعة 24 نيسان 2020"));
                lines.push(format!("قال الوزير في 2020 إن {word} الخبر كان أمس"));
                assert!(
                    may_be_marker_word(word_hash(key(&word).as_bytes())) || word.ends_with("ها")
                );
            }
        }
        for line in &lines {
            let k = key(line);
            let hashes: Vec<u64> = k.split(' ').map(|w| word_hash(w.as_bytes())).collect();
            assert_eq!(
                is_stamp_line_by_words(&k, &hashes),
                is_stamp_line(&k),
                "{line}"
            );
        }
        assert!(
            lines
                .iter()
                .any(|l| is_stamp_line(&key(l)) && !key(l).split(' ').all(is_date_word))
        );
    }
}
