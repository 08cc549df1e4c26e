//! Dates as an Arabic reader expects them: weekday, day, the Levantine month name paired with
//! the transliterated one (`أيلول/سبتمبر`), year, and the time (and zone) when the record has
//! them. The record's [`Date`] is already checked; this only writes it.
//!
//! Done by hand rather than with ICU: the month pairs are a fixed table an archivist can read,
//! and no locale of ICU pairs them so.

use std::fmt::Write;

use crate::parse::Date;

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

/// `date` as its `Display` writes it in ISO 8601 (`2015-09-16T16:41+03:00`), the numbers
/// written digit by digit rather than through `write!`: by `Display`, the pages' dates were
/// 19.7 M instructions of an export of 1,000 articles (notes/serve-bench.md, session 47).
/// A test holds the two equal.
pub fn iso(date: &Date) -> String {
    let mut s = String::with_capacity(25);
    push_year(&mut s, date.year(), 4);
    s.push('-');
    push_two(&mut s, date.month());
    s.push('-');
    push_two(&mut s, date.day());
    if let Some(t) = date.clock() {
        s.push('T');
        push_clock(&mut s, t);
        if t.second() != 0 {
            s.push(':');
            push_two(&mut s, t.second().unsigned_abs().into());
        }
        if let Some(o) = date.offset() {
            push_offset(&mut s, o);
        }
    }
    s
}

/// `year` with at least `width` digits (`{:0width$}`); a year before 1 or after 9999 (which
/// no page prints) by `write!`.
pub(super) fn push_year(s: &mut String, year: i32, width: usize) {
    match u32::try_from(year) {
        Ok(year @ 1..=9999) => {
            let digits = [year / 1000, year / 100 % 10, year / 10 % 10, year % 10];
            let first = digits
                .iter()
                .position(|&d| d != 0)
                .unwrap_or(3)
                .min(4 - width);
            for d in &digits[first..] {
                s.push(digit(*d));
            }
        }
        _ => {
            let _ = write!(s, "{year:0width$}");
        }
    }
}

/// `n` in decimal (`{}`).
pub(super) fn push_number(s: &mut String, n: u32) {
    if n < 100 {
        if n >= 10 {
            s.push(digit(n / 10));
        }
        s.push(digit(n % 10));
    } else {
        let _ = write!(s, "{n}");
    }
}

/// `n` (under 100) in two digits (`{:02}`).
fn push_two(s: &mut String, n: u32) {
    s.push(digit(n / 10 % 10));
    s.push(digit(n % 10));
}

/// `16:41`.
fn push_clock(s: &mut String, t: jiff::civil::Time) {
    push_two(s, t.hour().unsigned_abs().into());
    s.push(':');
    push_two(s, t.minute().unsigned_abs().into());
}

/// `+03:00`, as [`Date::offset_text`] writes it.
fn push_offset(s: &mut String, offset: jiff::tz::Offset) {
    let minutes = offset.seconds() / 60;
    s.push(if minutes < 0 { '-' } else { '+' });
    let minutes = minutes.unsigned_abs();
    push_two(s, minutes / 60);
    s.push(':');
    push_two(s, minutes % 60);
}

/// The ASCII digit of `d` (0–9).
fn digit(d: u32) -> char {
    char::from(b'0' + (d % 10) as u8)
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
            iso: iso(&date.to_minute()),
            arabic: arabic(date),
        }
    }
}

#[cfg(test)]
mod tests {
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

    /// Any date [`Date::parse`] reads: a day of any year it takes, with or without a clock
    /// (seconds or none), with or without an offset (`Z`, or any of either sign).
    fn any_date() -> impl proptest::strategy::Strategy<Value = Date> {
        use proptest::prelude::*;
        let offset = prop_oneof![
            Just(String::new()),
            Just("Z".to_owned()),
            (any::<bool>(), 0u32..14, 0u32..60)
                .prop_map(|(west, h, m)| format!("{}{h:02}:{m:02}", if west { '-' } else { '+' })),
        ];
        let clock = proptest::option::of((0u32..24, 0u32..60, 0u32..60, offset));
        (1i32..=9999, 1u32..=12, 1u32..=28, clock).prop_map(|(y, m, d, clock)| {
            let mut text = format!("{y:04}-{m:02}-{d:02}");
            if let Some((h, min, sec, offset)) = clock {
                let _ = write!(text, "T{h:02}:{min:02}:{sec:02}{offset}");
            }
            Date::parse(&text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
        })
    }

    proptest::proptest! {
        /// The dates written digit by digit are the dates `write!` and `Display` wrote: the
        /// pages keep their bytes.
        #[test]
        fn dates_are_written_as_format_writes_them(date in any_date()) {
            proptest::prop_assert_eq!(iso(&date), date.to_string());
            proptest::prop_assert_eq!(iso(&date.to_minute()), date.to_minute().to_string());
            proptest::prop_assert_eq!(arabic(&date), arabic_by_format(&date));
        }
    }
}
