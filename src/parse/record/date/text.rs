//! A date's numbers written digit by digit: its ISO 8601 text ([`Date`]'s `Display`) and the
//! pieces the pages' Arabic dates are made of. Through `write!`, `core::fmt`'s padding and
//! arguments for each number made the pages' dates 19.7 M instructions of an export of 1,000
//! articles, the Hijri view 8.2 M (notes/serve-bench.md, session 47).

use std::fmt::Write;

use jiff::civil;
use jiff::tz::Offset;

use super::Date;

/// `2015-09-16T16:41+03:00`: the day, then the clock (seconds when not zero) and offset
/// when the date has them.
pub(super) fn iso(date: &Date) -> String {
    let mut s = String::with_capacity(25);
    push_year(&mut s, date.day.year().into(), 4);
    s.push('-');
    push_two(&mut s, date.day.month().unsigned_abs().into());
    s.push('-');
    push_two(&mut s, date.day.day().unsigned_abs().into());
    if let Some(t) = date.clock {
        s.push('T');
        push_clock(&mut s, t);
        if t.second() != 0 {
            s.push(':');
            push_two(&mut s, t.second().unsigned_abs().into());
        }
        if let Some(o) = date.offset {
            push_offset(&mut s, o);
        }
    }
    s
}

/// `year` with at least `width` digits (`{:0width$}`); a year before 1 or after 9999 (which
/// no page prints) by `write!`.
pub fn push_year(s: &mut String, year: i32, width: usize) {
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
pub fn push_number(s: &mut String, n: u32) {
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
pub fn push_clock(s: &mut String, t: civil::Time) {
    push_two(s, t.hour().unsigned_abs().into());
    s.push(':');
    push_two(s, t.minute().unsigned_abs().into());
}

/// `+03:00` (`-05:30`; `+00:00` for UTC).
pub fn push_offset(s: &mut String, offset: Offset) {
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

/// Any date [`Date::parse`] reads: a day of any year it takes, with or without a clock
/// (seconds or none), with or without an offset (`Z`, or any of either sign).
#[cfg(test)]
pub fn any_date() -> impl proptest::strategy::Strategy<Value = Date> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The ISO text as `Display` wrote it before session 47, by `write!`: the oracle.
    fn iso_by_format(date: &Date) -> String {
        let d = date.day;
        let mut s = format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
        if let Some(t) = date.clock {
            let _ = write!(s, "T{:02}:{:02}", t.hour(), t.minute());
            if t.second() != 0 {
                let _ = write!(s, ":{:02}", t.second());
            }
            if let Some(o) = date.offset {
                let minutes = o.seconds() / 60;
                let sign = if minutes < 0 { '-' } else { '+' };
                let minutes = minutes.unsigned_abs();
                let _ = write!(s, "{sign}{:02}:{:02}", minutes / 60, minutes % 60);
            }
        }
        s
    }

    proptest::proptest! {
        /// The ISO text written digit by digit is the one `write!` wrote, to the minute too.
        #[test]
        fn iso_is_written_as_format_wrote_it(date in any_date()) {
            proptest::prop_assert_eq!(iso(&date), iso_by_format(&date));
            let minute = date.to_minute();
            proptest::prop_assert_eq!(iso(&minute), iso_by_format(&minute));
            proptest::prop_assert_eq!(date.to_string(), iso_by_format(&date));
        }
    }
}
