//! A [`Date`] as one integer: packed for the binary formats, and as a key in its order.
//!
//! **Packed** (the compiled archive, the build cache): a build reads back every reused
//! article's dates, and reading a million of them as text (ISO 8601 parsed again, its bytes
//! checked as UTF-8) was a large part of loading the cache. Text formats (JSON, TOML) keep the
//! text form. Bits, low to high, so that the common forms are short varints (a day alone fits in 23
//! bits, four bytes of postcard, against eleven as text): the day of the month (5), the month
//! (4), the year (14), whether there is a clock (1), its hour (5), minute (6) and second (6),
//! whether there is an offset (1), and the offset in minutes plus 14 hours (11). Whatever the
//! integer, it reads as a valid date or not at all.

use jiff::civil;

use super::{Date, MAX_OFFSET};

const HAS_CLOCK: u64 = 1 << 23;
const HAS_OFFSET: u64 = 1 << 41;
/// Offsets are whole minutes within ±14 hours ([`Date::in_zone`]), stored from 0.
const OFFSET_BIAS: i32 = MAX_OFFSET / 60;

/// `date` packed.
pub(super) fn pack(date: &Date) -> u64 {
    let d = date.day;
    // A date's year is 1–9999 ([`Date::from_civil`]), month and day in range.
    let mut bits = d.day() as u64 | (d.month() as u64) << 5 | (d.year() as u64) << 9;
    if let Some(t) = date.clock {
        bits |= HAS_CLOCK
            | (t.hour() as u64) << 24
            | (t.minute() as u64) << 29
            | (t.second() as u64) << 35;
    }
    if let Some(offset) = date.offset {
        let minutes = offset.seconds() / 60 + OFFSET_BIAS;
        bits |= HAS_OFFSET | (minutes as u64) << 42;
    }
    bits
}

/// The date `bits` packs, when it is one [`pack`] can write.
pub(super) fn unpack(bits: u64) -> Option<Date> {
    let field = |from: u32, width: u32| ((bits >> from) & ((1 << width) - 1)) as i32;
    if bits >> 53 != 0 || (bits & HAS_CLOCK == 0 && bits >> 24 != 0) {
        return None;
    }
    let day = civil::Date::new(
        i16::try_from(field(9, 14)).ok()?,
        field(5, 4) as i8,
        field(0, 5) as i8,
    )
    .ok()?;
    let mut date = Date::from_civil(day)?;
    if bits & HAS_CLOCK != 0 {
        let clock = civil::Time::new(
            field(24, 5) as i8,
            field(29, 6) as i8,
            field(35, 6) as i8,
            0,
        )
        .ok()?;
        date.clock = Some(clock);
        if bits & HAS_OFFSET != 0 {
            date = date.in_zone(field(42, 11) - OFFSET_BIAS)?;
        } else if bits >> 41 != 0 {
            return None;
        }
    }
    Some(date)
}

/// An integer whose order is [`Date`]'s: the day, then the clock (midnight without one), then
/// whether there is a clock, then the offset, none first, then the larger offset (the earlier
/// instant) first. Bits 29–51 the day (as packed: year, month, day from the top), 12–28 the
/// clock (hour, minute, second from the top), 11 whether there is one, 0–10 the offset's rank.
pub(super) fn sort_key(date: &Date) -> u64 {
    let day = pack(date) & (HAS_CLOCK - 1);
    let clock = date.clock.map_or(0, |t| {
        (t.hour() as u64) << 12 | (t.minute() as u64) << 6 | t.second() as u64
    });
    let offset = date
        .offset
        .map_or(0, |o| (1 + OFFSET_BIAS - o.seconds() / 60) as u64);
    day << 29 | clock << 12 | u64::from(date.clock.is_some()) << 11 | offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sort_key_orders_as_dates_do() {
        let dates: Vec<Date> = [
            "2015-09-18",
            "2015-09-18T00:00",
            "2015-09-18T00:00+14:00",
            "2015-09-18T00:00+03:00",
            "2015-09-18T00:00-14:00",
            "2015-09-18T00:00:01",
            "2015-09-18T16:41",
            "2015-09-19",
            "2015-10-01",
            "2016-01-01",
            "0001-01-01",
            "9999-12-31T23:59:59-14:00",
        ]
        .iter()
        .map(|s| Date::parse(s).unwrap())
        .collect();
        for a in &dates {
            for b in &dates {
                assert_eq!(a.sort_key().cmp(&b.sort_key()), a.cmp(b), "{a} against {b}");
            }
        }
    }

    #[test]
    fn every_form_packs_and_unpacks_to_itself() {
        for s in [
            "2015-09-18",
            "0001-01-01",
            "9999-12-31",
            "2016-02-29T00:00",
            "2015-09-18T16:41",
            "2020-03-17T17:27:41+00:00",
            "2014-07-03T09:30+03:00",
            "2019-01-02T03:04-05:30",
            "2019-01-02T23:59:59+14:00",
            "2019-01-02T23:59:59-14:00",
        ] {
            let date = Date::parse(s).unwrap();
            let bits = pack(&date);
            assert_eq!(unpack(bits), Some(date), "{s}");
        }
        assert!(
            pack(&Date::parse("2015-09-18").unwrap()) < 1 << 23,
            "four varint bytes"
        );
    }

    #[test]
    fn an_integer_no_date_packs_to_is_refused() {
        let day = pack(&Date::parse("2015-09-18").unwrap());
        for bits in [
            0,
            u64::MAX,
            day & !0x1f,                   // day 0
            day | 0x1f,                    // day 31 of September
            (day & !(0xf << 5)) | 13 << 5, // month 13
            day & !(0x3fff << 9),          // year 0
            day | 1 << 24,                 // an hour without a clock
            day | HAS_CLOCK | 24 << 24,
            day | HAS_CLOCK | HAS_OFFSET | 2000 << 42, // an offset past 14 hours
            day | 1 << 60,
        ] {
            assert_eq!(unpack(bits), None, "{bits:#x}");
        }
    }
}
