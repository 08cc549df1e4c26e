//! Properties of the parser on arbitrary input: it never panics nor hangs, every body
//! paragraph is text of the input, and every date it gives is a real calendar date; the date
//! reader alone on any line gives only real dates. (`fuzz/` checks the same with libFuzzer.)

use std::time::Duration;

use arshif::parse::Date;
use arshif::parse::dates::{find_dates, find_hijri};
use arshif::parse_dump;
use proptest::prelude::*;

/// `f(input)`, failing (rather than hanging the suite) when it takes longer than a bound far
/// above any real cost: a guard against endless loops, not a timing test.
fn within<T: Send + 'static, R: Send + 'static>(
    input: T,
    f: fn(&T) -> R,
) -> Result<R, TestCaseError> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f(&input));
    });
    rx.recv_timeout(Duration::from_secs(20))
        .map_err(|_| TestCaseError::fail("no answer in 20 s: an endless loop?"))
}

/// Lines built from pieces of real dumps: words, dates, stamps, furniture, punctuation.
fn dumpish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("قال وزير الخارجية".to_string()),
        Just("إن روسيا والولايات المتحدة".to_string()),
        Just("لم تتمكنا من التوصل لنهج مشترك.".to_string()),
        Just("الأربعاء 16 أيلول/سبتمبر 2015".to_string()),
        Just("GMT 17:27 17.03.2020".to_string()),
        Just("تحديث: 12 مايو 2017".to_string()),
        Just("دمشق ـ نور خوّام".to_string()),
        Just("(وكالة الصحافة الفرنسية أ ف ب)".to_string()),
        Just("الإسم *".to_string()),
        Just("الأكثر قراءة".to_string()),
        Just("02 ذي الحجة 1436هـ".to_string()),
        Just("\"داعش\"".to_string()),
        Just("٣١/١٢/٢٠١٩ ٠٩:٢٢ مساءً".to_string()),
        "[\\u0621-\\u064a ]{0,40}",
        "[0-9:/.\\- ]{0,12}",
        any::<String>(),
        // Arabic presentation forms, piled harakat, direction controls, stray NULs.
        "[\\u{fb50}-\\u{fdff}\\u{fe70}-\\u{fefc} ]{0,30}",
        "[\\u0621-\\u064a][\\u064b-\\u0652]{0,80}",
        "[\\u202a-\\u202e\\u2066-\\u2069\\u200b-\\u200f\\u0621-\\u064a ]{0,20}",
        Just("\\0".to_string()),
    ];
    prop::collection::vec(
        prop::collection::vec(piece, 0..12).prop_map(|w| w.join(" ")),
        0..40,
    )
    .prop_map(|lines| lines.join("\n"))
}

/// The input's normalised text, as the parser defines it: presentation forms folded (NFKC),
/// white space and control characters aside.
fn squeeze(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let invisible = |c: char| {
        matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}'
            | '\u{feff}' | '\u{ad}' | '\u{61c}')
    };
    s.nfkc()
        .filter(|&c| !c.is_whitespace() && !c.is_control() && !invisible(c))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        within(bytes, |b| parse_dump(b, "fuzz.txt").is_ok())?;
    }

    #[test]
    fn records_are_made_of_the_input(text in dumpish()) {
        let parsed = within(text.clone(), |t| parse_dump(t.as_bytes(), "p.txt"))?;
        if let Ok(a) = parsed {
            let input = squeeze(&text);
            for p in a.body.iter().chain(std::iter::once(&a.title)) {
                prop_assert!(!p.is_empty());
                prop_assert!(input.contains(&squeeze(p)), "{p:?} is not in the input");
            }
            for d in [&a.published, &a.updated].into_iter().flatten() {
                prop_assert_eq!(Date::parse(&d.to_string()), Ok(*d), "{} does not read back", d);
            }
        }
    }

    #[test]
    fn the_date_reader_finds_only_real_dates(line in dateish()) {
        let found = within(line.clone(), |l| (find_dates(l), find_hijri(l)))?;
        for d in found.0 {
            prop_assert_eq!(Date::parse(&d.date.to_string()), Ok(d.date), "{} read in {:?}", d.date, line);
            prop_assert!(line.is_char_boundary(d.start) && d.start < line.len());
        }
        if let Some(h) = found.1 {
            prop_assert!(h.chars().any(|c| c.is_numeric()), "{h:?} from {line:?}");
        }
    }
}

/// A line of date-like pieces: numbers of any size and script, month and weekday names,
/// separators, clocks.
fn dateish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[0-9]{1,5}",
        "[\\u0660-\\u0669]{1,4}",
        "[\\u06f0-\\u06f9]{1,4}",
        prop::sample::select(vec![
            "أيلول",
            "سبتمبر",
            "شباط",
            "فبراير",
            "فيفري",
            "ذي الحجة",
            "رمضان",
            "الأربعاء",
            "الجمعة",
            "September",
            "Feb",
            "هـ",
            "م",
            "GMT",
            "مساءً",
            "صباحا",
            "/",
            "-",
            ".",
            ":",
            ",",
            "،",
            "(",
            ")",
            "تحديث:",
        ])
        .prop_map(String::from),
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..16).prop_map(|p| p.join(" "))
}
