//! Reading dates as Arab news sites write them: Levantine (`أيلول`), transliterated (`سبتمبر`),
//! Maghrebi and Algerian month names, both together (`أيلول/سبتمبر`, `أيلول (سبتمبر)`),
//! numeric day-first dates, English month names, Arabic-Indic and Persian digits, weekday
//! names, `م`/`هـ` suffixes, 12-hour clocks (`09:22 مساءً`), and a Hijri date beside them.
//!
//! This module reads what a single line says. Which line holds the *publication* date is
//! decided by the caller from where the line sits (see `meta.rs`).

mod clock;
mod tokens;
mod vocabulary;

pub use clock::{Clock, clock_only};
pub use vocabulary::{is_date_word, is_stamp_line, is_stamp_line_by_words};

use super::record::Date;
use super::text::ascii_digit;
use clock::find_times;
use tokens::{Tok, Token, num, skip_filler, suffix, tokenize, word};
use vocabulary::{hijri_month, month, weekday_name};

/// A Gregorian date found in a line, with the time when the line states one beside it, and
/// that time's zone when the line prints it (`09:30 (GMT+0300)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate {
    pub date: Date,
    /// Byte offset in the line where the date's first token starts.
    pub start: usize,
    /// Byte offset where the time's first token starts, when there is a time.
    pub time_at: Option<usize>,
}

/// Years a news date can have: anything else is a number that only looks like a year.
const YEARS: std::ops::RangeInclusive<u32> = 1900..=2100;

/// The day `y-m-d`, when it is a real one of a year a news date can have.
fn valid(y: u32, m: u32, d: u32) -> Option<Date> {
    if !YEARS.contains(&y) {
        return None;
    }
    Date::ymd(y as i32, m, d)
}

/// 0 = Monday … 6 = Sunday.
fn weekday(date: Date) -> u32 {
    date.civil()
        .weekday()
        .to_monday_zero_offset()
        .unsigned_abs()
        .into()
}

/// Every Gregorian date the line states, in order. A date whose weekday name contradicts it is
/// dropped: that is a misreading (or a misprint), and no date beats a wrong one.
pub fn find_dates(line: &str) -> Vec<FoundDate> {
    if !line.chars().any(|c| ascii_digit(c).is_some()) {
        return Vec::new();
    }
    let toks = tokenize(line);
    let times = find_times(&toks);
    let in_time = |i: usize| times.iter().any(|t| (t.first..=t.last).contains(&i));
    let mut out = Vec::new();
    let mut used_until = 0usize;
    let mut i = 0;
    while i < toks.len() {
        if i < used_until || in_time(i) {
            i += 1;
            continue;
        }
        if let Some((date, first, last)) = date_at(&toks, i, &in_time) {
            let weekday_ok = weekday_near(&toks, first, last).is_none_or(|w| w == weekday(date));
            if weekday_ok {
                let time = times
                    .iter()
                    .filter(|t| t.last + 4 >= first && t.first <= last + 4)
                    .min_by_key(|t| t.first.abs_diff(last).min(t.last.abs_diff(first)));
                // A clock is always a real time of day, and its zone one that exists.
                let date = time.and_then(|t| t.clock.on(date)).unwrap_or(date);
                out.push(FoundDate {
                    date,
                    start: toks[first].start,
                    time_at: time.map(|t| toks[t.first].start),
                });
            }
            used_until = last + 1;
            i = last + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// The month named at `i` (with a second name paired to it: `أيلول/سبتمبر`, `أيلول (سبتمبر)`,
/// `كانون الثاني / يناير`), and the index of its last token. Paired names must agree.
fn month_at(toks: &[Token], i: usize) -> Option<(u32, usize)> {
    let (m, n) = month(word(toks, i)?, word(toks, i + 1))?;
    let mut last = i + n - 1;
    // A paired name after `/`, `-`, `(` or just a space.
    let mut j = last + 1;
    let mut open = false;
    while let Some(Tok::Punct(p)) = toks.get(j).map(|t| &t.tok) {
        if !matches!(p, '/' | '-' | '(' | '،' | ',' | '|' | '\\') {
            break;
        }
        open |= *p == '(';
        j += 1;
    }
    if let Some((m2, n2)) = word(toks, j).and_then(|w| month(w, word(toks, j + 1))) {
        if m2 != m {
            // `16:41 يوليو` after a date is a stray word; two disagreeing names right
            // together are not a readable month.
            if j == last + 1 {
                return None;
            }
        } else {
            last = j + n2 - 1;
            if open && toks.get(last + 1).is_some_and(|t| t.tok == Tok::Punct(')')) {
                last += 1;
            }
        }
    }
    Some((m, last))
}

fn is_day(v: u32, digits: usize) -> bool {
    digits <= 2 && (1..=31).contains(&v)
}

fn is_year(v: u32, digits: usize) -> bool {
    digits == 4 && YEARS.contains(&v)
}

/// A date starting at token `i`, and its first and last token indexes.
fn date_at(
    toks: &[Token],
    i: usize,
    in_time: &dyn Fn(usize) -> bool,
) -> Option<(Date, usize, usize)> {
    let free_num = |j: usize| if in_time(j) { None } else { num(toks, j) };

    if let Some((d, dd)) = free_num(i) {
        // Numeric: D/M/YYYY, D-M-YYYY, D.M.YYYY (day first, as Arab sites write), YYYY-M-D.
        if let (Some(Tok::Punct(s1)), Some((b, bd)), Some(Tok::Punct(s2)), Some((c, cd))) = (
            toks.get(i + 1).map(|t| &t.tok),
            num(toks, i + 2),
            toks.get(i + 3).map(|t| &t.tok),
            num(toks, i + 4),
        ) && s1 == s2
            && matches!(s1, '/' | '-' | '.')
            // `٥ / ٠٧ / ٢٠١٩`: slashes may stand between spaces; other separators are glued.
            && (*s1 == '/' || (1..=4).all(|k| !toks[i + k].spaced))
            && bd <= 2
        {
            if is_year(d, dd)
                && cd <= 2
                && let Some(date) = valid(d, b, c)
            {
                return Some((date, i, i + 4));
            }
            if dd <= 2
                && is_year(c, cd)
                && let Some(date) = valid(c, b, d)
            {
                return Some((date, i, i + 4));
            }
            return None;
        }
        // D [weekday,] MONTH [YEAR]
        if is_day(d, dd) {
            let j = skip_filler(toks, i + 1, true)?;
            if let Some((m, last)) = month_at(toks, j) {
                let k = skip_filler(toks, last + 1, true)?;
                if let Some((y, yd)) = free_num(k)
                    && is_year(y, yd)
                    && let Some(date) = valid(y, m, d)
                {
                    let last = suffix(toks, k, "م");
                    return Some((date, i, last));
                }
                // YEAR [weekday ,] D MONTH: the year came first.
                let back = i.checked_sub(1).and_then(|b| skip_filler(toks, b, false));
                if let Some(b) = back
                    && let Some((y, yd)) = free_num(b)
                    && is_year(y, yd)
                    && let Some(date) = valid(y, m, d)
                {
                    return Some((date, b, last));
                }
            }
        }
        return None;
    }
    // MONTH D, YEAR (English order, occasionally Arabic).
    if let Some((m, last)) = month_at(toks, i) {
        let j = skip_filler(toks, last + 1, true)?;
        let (d, dd) = free_num(j)?;
        let k = skip_filler(toks, j + 1, true)?;
        let (y, yd) = free_num(k)?;
        if is_day(d, dd)
            && is_year(y, yd)
            && let Some(date) = valid(y, m, d)
        {
            return Some((date, i, suffix(toks, k, "م")));
        }
    }
    None
}

/// The weekday named right before a date (or right after it), if any.
fn weekday_near(toks: &[Token], first: usize, last: usize) -> Option<u32> {
    let before = (first.saturating_sub(3)..first).rev();
    let after = last + 1..(last + 3).min(toks.len());
    before
        .chain(after)
        .find_map(|j| word(toks, j).and_then(weekday_name))
}

/// The Hijri date of the line as written (`02 ذي الحجة 1436`), without a `هـ` suffix.
pub fn find_hijri(line: &str) -> Option<String> {
    if !line.chars().any(|c| ascii_digit(c).is_some()) {
        return None;
    }
    let toks = tokenize(line);
    for i in 0..toks.len() {
        let Some((d, dd)) = num(&toks, i) else {
            continue;
        };
        if !is_day(d, dd) || d > 30 {
            continue;
        }
        let Some((_, n)) = word(&toks, i + 1).and_then(|w| hijri_month(w, word(&toks, i + 2)))
        else {
            continue;
        };
        let y = i + 1 + n;
        if let Some((year, yd)) = num(&toks, y)
            && yd == 4
            && (1300..=1600).contains(&year)
        {
            let start = toks[i].start;
            let end = toks.get(y + 1).map_or(line.len(), |t| t.start);
            let written = line[start..end].trim_end();
            let written = written.trim_end_matches(|c: char| !c.is_alphanumeric());
            return Some(written.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::text::key;

    fn iso(line: &str) -> Vec<String> {
        find_dates(line)
            .iter()
            .map(|d| d.date.to_string())
            .collect()
    }

    fn clock(hour: u32, minute: u32, offset: Option<i32>) -> Option<Clock> {
        Some(Clock {
            hour,
            minute,
            offset,
        })
    }

    #[test]
    fn month_names_of_every_school() {
        let table = [
            ("16 أيلول 2015", "2015-09-16"),
            ("16 سبتمبر 2015", "2015-09-16"),
            ("16 أيلول/سبتمبر 2015", "2015-09-16"),
            ("16 أيلول (سبتمبر) 2015", "2015-09-16"),
            ("16 سبتمبر/أيلول 2015", "2015-09-16"),
            ("24 نيسان / أبريل 2020", "2020-04-24"),
            ("3 ابريل 2020", "2020-04-03"),
            ("3 إبريل 2020", "2020-04-03"),
            ("9 يونيه 2014", "2014-06-09"),
            ("9 يوليه 2014", "2014-07-09"),
            ("1 اغسطس 2014", "2014-08-01"),
            ("1 كانون الثاني 2014", "2014-01-01"),
            ("31 كانون الأول 2014", "2014-12-31"),
            ("5 تشرين الثاني/نوفمبر 2019", "2019-11-05"),
            ("12 شتنبر 2018", "2018-09-12"),
            ("12 جوان 2018", "2018-06-12"),
            ("November 9, 2020", "2020-11-09"),
            ("9 November 2020", "2020-11-09"),
        ];
        for (line, want) in table {
            assert_eq!(iso(line), [want], "{line}");
        }
    }

    #[test]
    fn numeric_dates_are_day_first() {
        assert_eq!(iso("GMT 17:27 17.03.2020"), ["2020-03-17T17:27+00:00"]);
        assert_eq!(iso("نشر في 05/04/2019"), ["2019-04-05"]);
        assert_eq!(iso("2020-11-09"), ["2020-11-09"]);
        assert_eq!(iso("2015/9/18"), ["2015-09-18"]);
        assert!(iso("13/13/2019").is_empty());
        assert!(iso("30/02/2019").is_empty());
    }

    #[test]
    fn arabic_indic_and_persian_digits() {
        assert_eq!(iso("١٦ أيلول ٢٠١٥"), ["2015-09-16"]);
        assert_eq!(iso("۱۶ سبتمبر ۲۰۱۵"), ["2015-09-16"]);
    }

    #[test]
    fn weekday_suffixes_and_times() {
        assert_eq!(
            iso("العدد 4758 - الأربعاء 16 سبتمبر 2015م الموافق 02 ذي الحجة 1436هـ"),
            ["2015-09-16"]
        );
        assert_eq!(
            iso("تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً"),
            ["2020-04-24T21:22"]
        );
        assert_eq!(iso("الإثنين، 24 أغسطس 2020 09:23 ص"), ["2020-08-24T09:23"]);
        assert_eq!(iso("الإثنين، 24 أغسطس 2020 12:05 ص"), ["2020-08-24T00:05"]);
        assert_eq!(
            iso("هذا المحتوى تم نشره يوم 18 سبتمبر 2015 - 16:41 يوليو,"),
            ["2015-09-18T16:41"]
        );
        assert_eq!(
            iso("GMT 11:17 2025 الأربعاء ,08 كانون الثاني / يناير"),
            ["2025-01-08T11:17+00:00"]
        );
        assert_eq!(
            iso("17:55 GMT17 مارس/ آذار 2020"),
            ["2020-03-17T17:55+00:00"]
        );
    }

    /// Regression: a date with spaced slashes in Eastern Arabic digits was not read.
    #[test]
    fn spaced_slashes_and_eastern_digits() {
        assert_eq!(iso("الأحد ٧ / ٠٧ / ٢٠١٩"), ["2019-07-07"]);
        assert_eq!(iso("2021-05-03 | 09:15"), ["2021-05-03T09:15"]);
        assert_eq!(iso("03-05-2021 الساعة 09:15"), ["2021-05-03T09:15"]);
        assert_eq!(iso("May 3, 2021"), ["2021-05-03"]);
    }

    #[test]
    fn a_clock_on_its_own_line() {
        assert_eq!(clock_only("١٠:٣٠"), clock(10, 30, None));
        assert_eq!(clock_only("09:15 م"), clock(21, 15, None));
        assert_eq!(clock_only("GMT 08:05"), clock(8, 5, Some(0)));
        assert_eq!(clock_only("٠٨:٠٥ (GMT+2)"), clock(8, 5, Some(120)));
        assert_eq!(clock_only("الأحد ٧ / ٠٧ / ٢٠١٩"), None);
        assert_eq!(clock_only("قتل 3 أشخاص عند 10:30 صباحا"), None);
    }

    #[test]
    fn contradicting_weekday_drops_the_date() {
        // 2015-09-16 was a Wednesday, not a Friday.
        assert!(iso("الجمعة 16 سبتمبر 2015").is_empty());
        assert_eq!(iso("الأربعاء 16 سبتمبر 2015"), ["2015-09-16"]);
    }

    #[test]
    fn things_that_are_not_dates() {
        assert!(iso("آخر تحديث GMT15:19:13").is_empty());
        assert!(iso("قتل 20 شخصا في مارس الماضي").is_empty());
        assert!(iso("مارس الضغط على 12 نائبا عام 2015").is_empty());
        assert!(iso("فيروس كورونا (423)").is_empty());
        assert!(iso("اليوم 13:00").is_empty());
        assert!(iso("15 اب").is_empty());
        assert!(iso("16:41 يوليو 2015").is_empty());
    }

    #[test]
    fn hijri_as_written() {
        assert_eq!(
            find_hijri("العدد 4758 - الأربعاء 16 سبتمبر 2015م الموافق 02 ذي الحجة 1436هـ")
                .as_deref(),
            Some("02 ذي الحجة 1436")
        );
        assert_eq!(
            find_hijri("الخميس 5 رمضان 1441 هـ").as_deref(),
            Some("5 رمضان 1441")
        );
        assert_eq!(find_hijri("رمضان صبحي 2020"), None);
    }

    #[test]
    fn stamps_and_headlines_that_mention_dates() {
        for stamp in [
            "الإثنين، 24 أغسطس 2020 09:23 ص",
            "November 9, 2020",
            "GMT 17:27 17.03.2020",
            "تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً",
            "هذا المحتوى تم نشره يوم 18 سبتمبر 2015 - 16:41 يوليو,",
            "العدد 4758 - الأربعاء 16 سبتمبر 2015م الموافق 02 ذي الحجة 1436هـ",
            "تحديث: 12 مايو 2017",
            "ونشر الخبر في 12 مايو 2017 على الموقع",
        ] {
            assert!(is_stamp_line(&key(stamp)), "{stamp}");
        }
        assert!(!is_stamp_line(&key(
            "توقعات الأبراج اليوم الثلاثاء 26 أغسطس /آب 2025"
        )));
        assert!(!is_stamp_line(&key("القاهرة في 12 مارس 2019")));
    }

    /// Issue 11, item 4: the zone printed beside a clock was dropped. Made-up lines of each
    /// general form.
    #[test]
    fn a_printed_zone_is_kept_with_its_clock() {
        let table = [
            (
                "السبت 4 أيار 2019، 10:15 (GMT+0300)",
                "2019-05-04T10:15+03:00",
            ),
            ("4 أيار 2019 - 10:15 GMT+3", "2019-05-04T10:15+03:00"),
            (
                "4 أيار 2019 الساعة 10:15 GMT +03:00",
                "2019-05-04T10:15+03:00",
            ),
            ("4 May 2019 10:15 UTC-05:30", "2019-05-04T10:15-05:30"),
            ("4 أيار 2019 10:15 بتوقيت غرينتش", "2019-05-04T10:15+00:00"),
            (
                "4 أيار 2019 10:15 توقيت جرينتش +2",
                "2019-05-04T10:15+02:00",
            ),
            ("2019-05-04 10:15+04:00", "2019-05-04T10:15+04:00"),
            ("GMT 10:15 04.05.2019", "2019-05-04T10:15+00:00"),
            ("04/05/2019 ٠٩:١٥ م (GMT+2)", "2019-05-04T21:15+02:00"),
        ];
        for (line, want) in table {
            assert_eq!(iso(line), [want], "{line}");
        }
        // No zone named, or one whose offset changes with the season: the clock alone.
        for (line, want) in [
            ("4 أيار 2019 10:15 بتوقيت القدس", "2019-05-04T10:15"),
            ("4 أيار 2019 10:15-11:30", "2019-05-04T10:15"),
            ("4 أيار 2019 10:15 - 3 قتلى", "2019-05-04T10:15"),
            ("4 أيار 2019 10:15 GMT+15", "2019-05-04T10:15"),
        ] {
            assert_eq!(iso(line), [want], "{line}");
        }
    }

    #[test]
    fn weekday_of_known_dates() {
        let weekday = |y, m, d| weekday(Date::ymd(y, m, d).unwrap());
        assert_eq!(weekday(2015, 9, 16), 2); // Wednesday
        assert_eq!(weekday(1970, 1, 1), 3); // Thursday
        assert_eq!(weekday(2000, 2, 29), 1); // Tuesday
    }
}
