//! Names in the order Arabic readers look for them: the Unicode Collation Algorithm with
//! CLDR's Arabic tailoring (ICU4X's compiled data), not code point order.
//!
//! Code points put every Latin name before every Arabic one, and `أ` (U+0623) and `إ` apart
//! from `ا` (U+0627), so that `الأهرام` came before `الاتحاد` and `أحمد` before `ابراهيم`: a
//! reader looks for them all under alef, by the letters that follow. The collator compares
//! letters first and the hamza only when the letters tie (`آ` keeps a place of its own, just
//! before `ا`, as in CLDR's Arabic order).

use std::cmp::Ordering;
use std::sync::LazyLock;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::locale;

static ARABIC: LazyLock<CollatorBorrowed<'static>> = LazyLock::new(|| {
    Collator::try_new(locale!("ar").into(), CollatorOptions::default())
        .expect("the compiled data holds the Arabic collation")
});

/// `a` against `b` in Arabic alphabetical order; names equal to the collator are then
/// ordered by code point, so that a sort is the same on every run.
pub fn compare(a: &str, b: &str) -> Ordering {
    ARABIC.compare(a, b).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&'static str]) -> Vec<&'static str> {
        let mut names = names.to_vec();
        names.sort_by(|a, b| compare(a, b));
        names
    }

    #[test]
    fn hamza_forms_sort_with_alef() {
        assert_eq!(
            sorted(&["الأهرام", "الاتحاد", "البيان", "أحمد", "ابراهيم", "إسماعيل"]),
            ["ابراهيم", "أحمد", "إسماعيل", "الاتحاد", "الأهرام", "البيان"]
        );
        // Alef with madda comes before the plain alef, whatever follows.
        assert_eq!(sorted(&["ابتسام", "آفاق"]), ["آفاق", "ابتسام"]);
    }

    #[test]
    fn arabic_names_come_before_latin_ones() {
        assert_eq!(
            sorted(&["CNN", "BBC", "رويترز", "الوسط"]),
            ["الوسط", "رويترز", "BBC", "CNN"]
        );
    }

    #[test]
    fn the_order_is_total() {
        // Same letters, different marks: still one order, whatever the input order.
        let a = sorted(&["مُحمد", "محمد"]);
        let b = sorted(&["محمد", "مُحمد"]);
        assert_eq!(a, b);
    }
}
