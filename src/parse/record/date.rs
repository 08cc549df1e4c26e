//! The record's date: a day, the clock when the page printed one, and the zone offset when it
//! printed that too. The one reader of ISO 8601 text in the crate: the parser builds dates
//! from what a page prints, overrides, metadata and WARC headers are read by [`Date::parse`],
//! and every later stage (archive order, facets, threads, pages, feed) reads the typed value.
//!
//! **Text form** (what `arshif parse`, overrides and the JSON export read and write; the
//! compiled archive and the build cache hold the date packed in an integer, [`bits`]): `2015-09-18`,
//! `2015-09-18T16:41`, seconds only where they are not zero (`2020-03-17T17:27:41`, a WARC
//! date), and the offset RFC 3339's way, `+03:00`, `-05:30`, UTC as `+00:00`: one form for
//! every offset, so a date reads and compares the same whichever zone it was printed in.
//!
//! **Order** (the archive sorts by it): by the day and clock the page printed, each in its own
//! zone; a date alone is the start of its day, before any clock of that day. The offset only
//! breaks a tie between equal printed times: none first, then the earlier instant. The index
//! groups articles by their printed day and month, so an order by instant would put an
//! article of 1 October 01:00 (+03:00) among September's and split the month's list; a few
//! hours between zones of one region weigh less than the calendar the reader sees.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use jiff::civil;
use jiff::fmt::temporal::DateTimeParser;
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod bits;
pub mod text;

/// A day, perhaps with a clock (whole seconds), perhaps with the clock's zone offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Date {
    day: civil::Date,
    clock: Option<civil::Time>,
    /// Only with a clock: a day alone has no offset.
    offset: Option<Offset>,
}

/// Text that is not a date of the forms [`Date::parse`] reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "not a date: {0:?} (write YYYY-MM-DD or YYYY-MM-DDTHH:MM, optionally with :SS and an \
     offset such as +03:00)"
)]
pub struct DateError(pub String);

/// Widest offset in use (UTC+14, Kiribati), in seconds.
const MAX_OFFSET: i32 = 14 * 3600;

static ISO: DateTimeParser = DateTimeParser::new();

impl Date {
    /// The date packed in `bits` as the build cache and the compiled archive hold it (what
    /// [`Serialize`] writes where the form is not human-readable), when it is one.
    pub fn from_packed(bits: u64) -> Option<Date> {
        bits::unpack(bits)
    }

    /// The date packed as [`Date::from_packed`] reads it (never 0: no day is the 0th).
    pub fn packed(&self) -> u64 {
        bits::pack(self)
    }

    /// The day `year-month-day`, when it is a real one of a four-digit year.
    pub fn ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        let day = civil::Date::new(
            i16::try_from(year).ok()?,
            i8::try_from(month).ok()?,
            i8::try_from(day).ok()?,
        )
        .ok()?;
        Date::from_civil(day)
    }

    /// The civil day `day`, when its year has four digits.
    pub fn from_civil(day: civil::Date) -> Option<Date> {
        (1..=9999).contains(&day.year()).then_some(Date::of(day))
    }

    fn of(day: civil::Date) -> Date {
        Date {
            day,
            clock: None,
            offset: None,
        }
    }

    /// The same day at `hour:minute`, zone unknown.
    pub fn at(self, hour: u32, minute: u32) -> Option<Date> {
        let clock =
            civil::Time::new(i8::try_from(hour).ok()?, i8::try_from(minute).ok()?, 0, 0).ok()?;
        Some(Date {
            clock: Some(clock),
            offset: None,
            ..self
        })
    }

    /// The same date with its clock in the zone `minutes` east of UTC. `None` without a clock,
    /// or for an offset no zone has.
    pub fn in_zone(self, minutes: i32) -> Option<Date> {
        self.clock?;
        let seconds = minutes.checked_mul(60)?;
        if seconds.abs() > MAX_OFFSET {
            return None;
        }
        Some(Date {
            offset: Some(Offset::from_seconds(seconds).ok()?),
            ..self
        })
    }

    /// The day alone.
    pub fn day_only(self) -> Date {
        Date::of(self.day)
    }

    /// The same date without seconds: the precision a publication date keeps.
    pub fn to_minute(mut self) -> Date {
        self.clock = self.clock.map(|c| c.with().second(0).build().unwrap_or(c));
        self
    }

    /// Reads ISO 8601 / RFC 3339 as records, overrides and pages' metadata write it:
    /// `2020-03-17`, `2020-03-17T17:27`, `2020-03-17T17:27:41Z`, `2020-11-09T18:34:47+00:00`,
    /// `2020-12-01 02:00:00`, fractions of a second (dropped), offsets with or without a colon,
    /// the basic form `20200317`, and an HTTP date (`Tue, 17 Mar 2020 17:27:41 GMT`). Anything
    /// else, an impossible day or time, a year outside 1–9999 or an offset past ±14:00 is an
    /// error.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let s = text.trim();
        let error = || DateError(text.to_string());
        if s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
            return http_date(s).ok_or_else(error);
        }
        let pieces = ISO.parse_pieces(s).map_err(|_| error())?;
        let mut date = Date::from_civil(pieces.date()).ok_or_else(error)?;
        if let Some(t) = pieces.time() {
            date.clock =
                Some(civil::Time::new(t.hour(), t.minute(), t.second(), 0).map_err(|_| error())?);
            if let Some(offset) = pieces.to_numeric_offset() {
                if offset.seconds() % 60 != 0 {
                    return Err(error());
                }
                date = date.in_zone(offset.seconds() / 60).ok_or_else(error)?;
            }
        }
        Ok(date)
    }

    /// The day (for its weekday, its Hijri date, its month's page).
    pub fn civil(&self) -> civil::Date {
        self.day
    }

    pub fn year(&self) -> i32 {
        self.day.year().into()
    }

    /// 1–12.
    pub fn month(&self) -> u32 {
        self.day.month().unsigned_abs().into()
    }

    /// 1–31.
    pub fn day(&self) -> u32 {
        self.day.day().unsigned_abs().into()
    }

    /// The printed clock, if any.
    pub fn clock(&self) -> Option<civil::Time> {
        self.clock
    }

    /// The printed zone offset, if any (only a date with a clock has one).
    pub fn offset(&self) -> Option<Offset> {
        self.offset
    }

    /// The offset as the text form writes it (`+03:00`), if any.
    pub fn offset_text(&self) -> Option<String> {
        let mut s = String::with_capacity(6);
        text::push_offset(&mut s, self.offset?);
        Some(s)
    }

    /// The date in ISO 8601 (`2015-09-16T16:41+03:00`), as `Display` writes it.
    pub fn iso(&self) -> String {
        text::iso(self)
    }

    /// Days from 1970-01-01 to the day (negative before it).
    pub fn day_number(&self) -> i32 {
        let days = self
            .day
            .duration_since(civil::date(1970, 1, 1))
            .as_secs()
            .div_euclid(86_400);
        // Four-digit years are a few million days from 1970 at most.
        days as i32
    }

    /// The printed day and clock (midnight for a day alone), zone set aside.
    pub fn wall(&self) -> civil::DateTime {
        self.day
            .to_datetime(self.clock.unwrap_or(civil::Time::midnight()))
    }

    /// The moment meant, when the zone is known.
    pub fn instant(&self) -> Option<Timestamp> {
        self.offset?.to_timestamp(self.wall()).ok()
    }

    /// The printed clock in UTC when the zone is known, else as printed: an order for moments
    /// such as capture times, whose zones differ only by accident.
    pub fn utc_wall(&self) -> civil::DateTime {
        self.instant()
            .map_or_else(|| self.wall(), |t| Offset::UTC.to_datetime(t))
    }

    /// The day the moment `t` falls on in UTC (the day a reader retrieves a page).
    pub fn utc_day_of(t: SystemTime) -> Date {
        let moment = Timestamp::try_from(t).unwrap_or(Timestamp::UNIX_EPOCH);
        Date::of(Offset::UTC.to_datetime(moment).date())
    }

    /// The time from `earlier` to this date's printed day and clock, zones set aside.
    pub fn wall_since(&self, earlier: &Date) -> SignedDuration {
        self.wall().duration_since(earlier.wall())
    }

    /// RFC 3339 with seconds, as Atom, Open Graph and sitemaps want it. The printed offset
    /// where there is one; otherwise, by one documented convention, the printed clock read as
    /// UTC (`Z`), a day alone as its midnight: a dump rarely says its zone, the day is then
    /// the one printed on the page, and a reader's clock may be a few hours off.
    pub fn rfc3339(&self) -> String {
        let wall = self.wall();
        let mut s = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            wall.year(),
            wall.month(),
            wall.day(),
            wall.hour(),
            wall.minute(),
            wall.second()
        );
        s += self.offset_text().as_deref().unwrap_or("Z");
        s
    }

    /// An integer in the date's order ([`Ord`]): sorting a million dates by it compares
    /// integers rather than each date's fields.
    pub fn sort_key(&self) -> u64 {
        bits::sort_key(self)
    }

    /// Fields to sort by (see the module's comment on order).
    fn order_key(
        &self,
    ) -> (
        civil::Date,
        civil::Time,
        bool,
        Option<std::cmp::Reverse<Offset>>,
    ) {
        (
            self.day,
            self.clock.unwrap_or(civil::Time::midnight()),
            self.clock.is_some(),
            self.offset.map(std::cmp::Reverse),
        )
    }
}

/// `Tue, 17 Mar 2020 17:27:41 GMT` (and the obsolete HTTP forms), in UTC.
fn http_date(s: &str) -> Option<Date> {
    let time: SystemTime = httpdate::parse_http_date(s).ok()?;
    let utc = Offset::UTC.to_datetime(Timestamp::try_from(time).ok()?);
    let mut date = Date::from_civil(utc.date())?;
    date.clock = Some(utc.time().with().subsec_nanosecond(0).build().ok()?);
    date.in_zone(0)
}

impl Ord for Date {
    fn cmp(&self, other: &Date) -> Ordering {
        self.order_key().cmp(&other.order_key())
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Date) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse(s)
    }
}

/// As its text form in text formats (JSON, TOML); as one integer ([`bits`]) in binary ones
/// (the compiled archive, the build cache), which read back a million dates at each build.
impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            s.serialize_u64(bits::pack(self))
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO 8601 date such as 2015-09-18 or 2015-09-18T16:41")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Date, E> {
                Date::parse(s).map_err(E::custom)
            }
        }
        struct Packed;
        impl Visitor<'_> for Packed {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a packed date")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Date, E> {
                bits::unpack(n).ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(n), &self))
            }
        }
        if d.is_human_readable() {
            d.deserialize_str(Text)
        } else {
            d.deserialize_u64(Packed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn text(s: &str) -> String {
        Date::parse(s).map(|d| d.to_string()).unwrap_or_default()
    }

    #[test]
    fn the_record_forms_read_back_as_written() {
        for s in [
            "2015-09-18",
            "2015-09-18T16:41",
            "2014-07-03T09:30+03:00",
            "2019-01-02T03:04-05:30",
            "2020-11-09T18:34+00:00",
            "2020-03-17T17:27:41+00:00",
            "2016-02-29T00:00",
        ] {
            assert_eq!(text(s), s);
        }
    }

    #[test]
    fn forms_that_metadata_and_headers_write() {
        assert_eq!(text("2020-03-17T17:27:41Z"), "2020-03-17T17:27:41+00:00");
        assert_eq!(text("2020-12-01 02:00:00"), "2020-12-01T02:00");
        assert_eq!(
            text("2021-06-30T23:15:00.000+0300"),
            "2021-06-30T23:15+03:00"
        );
        assert_eq!(text(" 20200317 "), "2020-03-17");
        assert_eq!(
            text("Tue, 17 Mar 2020 17:27:41 GMT"),
            "2020-03-17T17:27:41+00:00"
        );
        assert_eq!(
            text("2020-03-17T17:27:41.9+03:00"),
            "2020-03-17T17:27:41+03:00"
        );
    }

    #[test]
    fn impossible_or_foreign_forms_are_errors() {
        for bad in [
            "",
            "2015",
            "2020-03",
            "2015-9-16",
            "2015-13-01",
            "2015-02-29",
            "2015-09-31",
            "2015-09-00",
            "2015-09-16T24:00",
            "2015-09-16T1:00",
            "2015-09-16-01",
            "2020-03-17T17:27+15:00",
            "2020-03-17T17:27 GMT+3",
            "18/09/2015",
            "١٤٣٦-٠٢-٠٢",
            "0000-01-01",
            "أيلول 2015",
            "soon",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Date::parse("2016-02-29").is_ok());
        let e = Date::parse("18/09/2015").unwrap_err().to_string();
        assert!(
            e.contains("\"18/09/2015\"") && e.contains("YYYY-MM-DD"),
            "{e}"
        );
    }

    #[test]
    fn built_from_parts() {
        let day = Date::ymd(2014, 7, 3).unwrap();
        assert_eq!(day.to_string(), "2014-07-03");
        assert_eq!(day.in_zone(180), None, "a day alone has no offset");
        let t = day.at(9, 30).unwrap();
        assert_eq!(
            t.in_zone(180).unwrap().to_string(),
            "2014-07-03T09:30+03:00"
        );
        assert_eq!(
            t.in_zone(-330).unwrap().to_string(),
            "2014-07-03T09:30-05:30"
        );
        assert_eq!(t.in_zone(15 * 60), None);
        assert_eq!(t.in_zone(180).unwrap().day_only(), day);
        assert_eq!(Date::ymd(2015, 2, 29), None);
        assert_eq!(Date::ymd(0, 1, 1), None);
        assert_eq!(day.at(24, 0), None);
        assert_eq!((day.year(), day.month(), day.day()), (2014, 7, 3));
    }

    #[test]
    fn a_day_alone_sorts_first_in_its_day() {
        let mut dates: Vec<Date> = [
            "2015-09-18T16:41",
            "2015-09-19",
            "2015-09-18T00:00",
            "2015-09-18",
            "2015-09-17T23:59",
        ]
        .into_iter()
        .map(d)
        .collect();
        dates.sort();
        let sorted: Vec<String> = dates.iter().map(Date::to_string).collect();
        assert_eq!(
            sorted,
            [
                "2015-09-17T23:59",
                "2015-09-18",
                "2015-09-18T00:00",
                "2015-09-18T16:41",
                "2015-09-19"
            ]
        );
    }

    #[test]
    fn offsets_sort_by_the_printed_clock_then_the_instant() {
        // 01:00 in Riyadh on 1 October is 30 September in UTC: it stays October's.
        assert!(d("2015-10-01T01:00+03:00") > d("2015-09-30T23:00"));
        assert!(d("2015-10-01T01:00+03:00") > d("2015-09-30T23:00+00:00"));
        // Equal printed clocks: no zone first, then the earlier instant (the eastern zone).
        let mut dates = [
            d("2015-10-01T09:00-05:00"),
            d("2015-10-01T09:00+00:00"),
            d("2015-10-01T09:00"),
            d("2015-10-01T09:00+03:00"),
        ];
        dates.sort();
        let sorted: Vec<String> = dates.iter().map(Date::to_string).collect();
        assert_eq!(
            sorted,
            [
                "2015-10-01T09:00",
                "2015-10-01T09:00+03:00",
                "2015-10-01T09:00+00:00",
                "2015-10-01T09:00-05:00"
            ]
        );
        // The order agrees with equality: distinct dates never compare equal.
        assert_ne!(
            d("2015-10-01T09:00+03:00").cmp(&d("2015-10-01T06:00+00:00")),
            Ordering::Equal
        );
    }

    #[test]
    fn instants_and_day_numbers() {
        let a = d("2020-04-24T21:22:10+03:00");
        let b = d("2020-04-24T18:22:10Z");
        assert_eq!(a.instant(), b.instant());
        assert_eq!(d("2020-04-24T18:22").instant(), None);
        assert_eq!(a.wall_since(&b).as_secs(), 3 * 3600);
        assert_eq!(a.to_minute().to_string(), "2020-04-24T21:22+03:00");
        assert_eq!(d("1970-01-01").day_number(), 0);
        assert_eq!(d("2015-09-18T16:41").day_number(), 16_696);
        assert_eq!(d("2000-02-29").day_number(), 11_016);
        assert_eq!(d("1969-12-31").day_number(), -1);
    }

    #[test]
    fn utc_days_and_moments() {
        use std::time::{Duration, UNIX_EPOCH};
        let day = |secs: u64| Date::utc_day_of(UNIX_EPOCH + Duration::from_secs(secs)).to_string();
        assert_eq!(day(0), "1970-01-01");
        // 2015-09-16T23:59:59Z and a second later.
        assert_eq!(day(1_442_447_999), "2015-09-16");
        assert_eq!(day(1_442_448_000), "2015-09-17");
        let a = d("2020-04-24T21:22+03:00");
        assert_eq!(a.utc_wall(), d("2020-04-24T18:22").wall());
        assert!(a.utc_wall() < d("2020-04-24T18:23").utc_wall());
    }

    #[test]
    fn rfc3339_keeps_a_known_offset_and_reads_the_rest_as_utc() {
        assert_eq!(d("2015-09-18T16:41").rfc3339(), "2015-09-18T16:41:00Z");
        assert_eq!(d("2015-09-16").rfc3339(), "2015-09-16T00:00:00Z");
        assert_eq!(d("0999-01-02T03:04").rfc3339(), "0999-01-02T03:04:00Z");
        assert_eq!(
            d("2014-07-03T09:30+03:00").rfc3339(),
            "2014-07-03T09:30:00+03:00"
        );
    }

    #[test]
    fn serde_is_the_text_form() {
        let date = d("2014-07-03T09:30+03:00");
        let json = serde_json::to_string(&date).unwrap();
        assert_eq!(json, "\"2014-07-03T09:30+03:00\"");
        assert_eq!(serde_json::from_str::<Date>(&json).unwrap(), date);
        assert!(serde_json::from_str::<Date>("\"soon\"").is_err());
        // The binary formats' encoding (the compiled archive, the build cache): the packed
        // integer, shorter than the text and read back without parsing it.
        let bin = postcard::to_stdvec(&date).unwrap();
        assert_eq!(bin, postcard::to_stdvec(&bits::pack(&date)).unwrap());
        assert!(bin.len() < "2014-07-03T09:30+03:00".len());
        assert_eq!(postcard::from_bytes::<Date>(&bin).unwrap(), date);
        let text = postcard::to_stdvec("2014-07-03T09:30+03:00").unwrap();
        assert!(
            postcard::from_bytes::<Date>(&text).is_err(),
            "the old form is refused"
        );
    }
}
