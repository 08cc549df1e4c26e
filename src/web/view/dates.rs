//! Dates as an Arabic reader expects them: weekday, day, the Levantine month name paired with
//! the transliterated one (`أيلول/سبتمبر`), year, and the time (and zone) when the record has
//! them. The record's [`Date`] is already checked; this only writes it.
//!
//! Done by hand rather than with ICU: the month pairs are a fixed table an archivist can read,
//! and no locale of ICU pairs them so.

use crate::parse::Date;
use crate::parse::date_text::{push_clock, push_number, push_offset, push_year};

/// Levantine name / transliterated name, January first.
const MONTHS: [&str; 12] = [
    "كانون الثاني/يناير",
    "شباط/فبراير",
    "آذار/مارس",
    "نيسان/أبريل",
    "أيار/مايو",
    "حزيران/يونيو",
    "تموز/يوليو",
    "آب/أغسطس",
    "أيلول/سبتمبر",
    "تشرين الأول/أكتوبر",
    "تشرين الثاني/نوفمبر",
    "كانون الأول/ديسمبر",
];

/// Sunday first.
const WEEKDAYS: [&str; 7] = [
    "الأحد",
    "الاثنين",
    "الثلاثاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
    "السبت",
];

/// `الأربعاء 16 أيلول/سبتمبر 2015`, then `، الساعة 16:41` when there is a time, and the zone
/// when the page printed one (`بتوقيت غرينتش +03:00`; the offset isolated left-to-right, so
/// its sign stays before its digits in a right-to-left line).
pub fn arabic(date: &Date) -> String {
    let weekday = WEEKDAYS[usize::from(
        date.civil()
            .weekday()
            .to_sunday_zero_offset()
            .unsigned_abs(),
    )];
    // Written into one string made large enough once, the numbers digit by digit: each part
    // formatted into a string of its own and appended was 3,000 instructions a date, and
    // `write!` for the numbers half of what was left (a listing's item shows one date, often
    // two: notes/serve-bench.md, sessions 46 and 47).
    let mut s = String::with_capacity(96);
    s.push_str(weekday);
    s.push(' ');
    push_number(&mut s, date.day());
    s.push(' ');
    s.push_str(month_name(date.month()));
    s.push(' ');
    push_year(&mut s, date.year(), 1);
    if let Some(t) = date.clock() {
        s.push_str("، الساعة ");
        push_clock(&mut s, t);
        match date.offset() {
            Some(o) if o.is_zero() => s.push_str(" بتوقيت غرينتش"),
            Some(o) => {
                s.push_str(" بتوقيت غرينتش \u{2066}");
                push_offset(&mut s, o);
                s.push('\u{2069}');
            }
            None => {}
        }
    }
    s
}

/// `16 أيلول/سبتمبر 2015`: the day alone, as a citation gives it.
pub fn arabic_day(date: &Date) -> String {
    format!(
        "{} {} {}",
        date.day(),
        month_name(date.month()),
        date.year()
    )
}

/// `أيلول/سبتمبر` for 9. `month` must be 1–12.
pub fn month_name(month: u32) -> &'static str {
    MONTHS[month as usize - 1]
}

/// A date as the templates show it: `<time datetime="{iso}">{arabic}</time>`.
pub struct DateView {
    pub iso: String,
    pub arabic: String,
}

impl DateView {
    /// The view of a record's date, to the minute (a crawl's capture time has seconds).
    pub fn new(date: &Date) -> DateView {
        DateView {
            iso: date.to_minute().iso(),
            arabic: arabic(date),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use super::*;

    fn arabic_of(s: &str) -> String {
        arabic(&Date::parse(s).unwrap())
    }

    #[test]
    fn the_issue_example() {
        let view = DateView::new(&Date::parse("2015-09-16").unwrap());
        assert_eq!(view.iso, "2015-09-16");
        assert_eq!(view.arabic, "الأربعاء 16 أيلول/سبتمبر 2015");
    }

    #[test]
    fn time_is_kept() {
        let view = DateView::new(&Date::parse("2015-09-18T16:41").unwrap());
        assert_eq!(view.iso, "2015-09-18T16:41");
        assert_eq!(view.arabic, "الجمعة 18 أيلول/سبتمبر 2015، الساعة 16:41");
    }

    #[test]
    fn a_printed_zone_is_said() {
        let view = DateView::new(&Date::parse("2014-07-03T09:30+03:00").unwrap());
        assert_eq!(view.iso, "2014-07-03T09:30+03:00");
        assert_eq!(
            view.arabic,
            "الخميس 3 تموز/يوليو 2014، الساعة 09:30 بتوقيت غرينتش \u{2066}+03:00\u{2069}"
        );
        assert_eq!(
            arabic_of("2020-03-17T17:27+00:00"),
            "الثلاثاء 17 آذار/مارس 2020، الساعة 17:27 بتوقيت غرينتش"
        );
        assert!(arabic_of("2019-01-02T03:04-05:30").ends_with("\u{2066}-05:30\u{2069}"));
    }

    #[test]
    fn the_day_alone_for_a_citation() {
        assert_eq!(
            arabic_day(&Date::parse("2015-09-16T08:00").unwrap()),
            "16 أيلول/سبتمبر 2015"
        );
    }

    #[test]
    fn weekdays_across_eras() {
        assert!(arabic_of("1970-01-01").starts_with("الخميس "));
        assert!(arabic_of("2000-02-29").starts_with("الثلاثاء "));
        assert!(arabic_of("1899-12-31").starts_with("الأحد "));
        assert!(arabic_of("2024-01-01").starts_with("الاثنين "));
        assert!(arabic_of("2023-12-30").starts_with("السبت "));
    }

    /// [`arabic`] as it was before session 47, by `write!`: the oracle of the digit pushes.
    fn arabic_by_format(date: &Date) -> String {
        let weekday = WEEKDAYS[usize::from(
            date.civil()
                .weekday()
                .to_sunday_zero_offset()
                .unsigned_abs(),
        )];
        let mut s = format!(
            "{weekday} {} {} {}",
            date.day(),
            month_name(date.month()),
            date.year()
        );
        if let Some(t) = date.clock() {
            let _ = write!(s, "، الساعة {:02}:{:02}", t.hour(), t.minute());
            match (date.offset(), date.offset_text()) {
                (Some(o), _) if o.is_zero() => s.push_str(" بتوقيت غرينتش"),
                (_, Some(offset)) => {
                    let _ = write!(s, " بتوقيت غرينتش \u{2066}{offset}\u{2069}");
                }
                _ => {}
            }
        }
        s
    }

    proptest::proptest! {
        /// The dates written digit by digit are the dates `write!` wrote: the pages keep
        /// their bytes.
        #[test]
        fn dates_are_written_as_format_writes_them(date in crate::parse::date_text::any_date()) {
            proptest::prop_assert_eq!(arabic(&date), arabic_by_format(&date));
        }
    }
}
