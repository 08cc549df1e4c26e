//! The words of dates: Gregorian month names as Arab outlets write them (Levantine,
//! transliterated, Maghrebi), Hijri months, weekdays, and the words that mark a date stamp.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::parse::text::key_words;

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
    key_words(key).all(is_date_word)
        || MARKS.is_match(key)
            && key_words(key).any(|w| {
                STAMP_MARKERS.iter().any(|m| {
                    w == *m || w.strip_prefix('و') == Some(m) || w.strip_prefix("تم") == Some(m)
                })
            })
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
