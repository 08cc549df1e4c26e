//! Properties of the parser on arbitrary input: it never panics, every body paragraph is text
//! of the input, and every date it gives is a real calendar date.

use arshif::parse::dates::is_iso_date;
use arshif::parse_dump;
use proptest::prelude::*;

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
        let _ = parse_dump(&bytes, "fuzz.txt");
    }

    #[test]
    fn records_are_made_of_the_input(text in dumpish()) {
        if let Ok(a) = parse_dump(text.as_bytes(), "p.txt") {
            let input = squeeze(&text);
            for p in a.body.iter().chain(std::iter::once(&a.title)) {
                prop_assert!(!p.is_empty());
                prop_assert!(input.contains(&squeeze(p)), "{p:?} is not in the input");
            }
            for d in [&a.published, &a.updated].into_iter().flatten() {
                prop_assert!(is_iso_date(d), "{d} is not a calendar date");
            }
        }
    }
}
