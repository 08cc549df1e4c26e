//! Dates as metadata and WARC headers state them: ISO 8601 / RFC 3339, with the zone kept.
//!
//! A [`Stamp`] is written the way the record writes every date (`YYYY-MM-DD`,
//! `YYYY-MM-DDTHH:MM`), plus the zone offset when the source gave one (`+03:00`; UTC is
//! `+00:00`, one form for every offset), so it sorts and reads like the text dates beside it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date, perhaps with a time of day, perhaps with the zone that time is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stamp {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub time: Option<Clock>,
    /// Minutes east of UTC, when the source said.
    pub offset: Option<i16>,
}

/// A time of day; seconds only where the source is a machine's (WARC-Date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Clock {
    pub hour: u8,
    pub minute: u8,
    pub second: Option<u8>,
}

/// Largest zone offset there is (UTC+14, Kiribati), in minutes.
const MAX_OFFSET: i32 = 14 * 60;

impl Stamp {
    pub fn date(year: i32, month: u8, day: u8) -> Option<Stamp> {
        ((1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && (1000..=9999).contains(&year))
        .then_some(Stamp {
            year,
            month,
            day,
            time: None,
            offset: None,
        })
    }

    /// Reads the forms pages and archives write: `2020-03-17`, `2020-03-17T17:27`,
    /// `2020-03-17T17:27:41Z`, `2020-11-09T18:34:47+00:00`, `2020-12-01 02:00:00`,
    /// fractions of a second, offsets with or without a colon, and the HTTP date form
    /// (`Tue, 17 Mar 2020 17:27:41 GMT`). Anything else, or an impossible date, is `None`.
    pub fn parse(s: &str) -> Option<Stamp> {
        let s = s.trim();
        if s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
            return from_http_date(s);
        }
        let b = s.as_bytes();
        let year = digits(b.get(0..4)?)? as i32;
        // The extended form `2020-03-17` or the basic one, `20200317`.
        let (month, day, rest) = if b.get(4) == Some(&b'-') {
            if b.get(7) != Some(&b'-') {
                return None;
            }
            (digits(b.get(5..7)?)?, digits(b.get(8..10)?)?, b.get(10..)?)
        } else {
            (digits(b.get(4..6)?)?, digits(b.get(6..8)?)?, b.get(8..)?)
        };
        let mut stamp = Stamp::date(year, month as u8, day as u8)?;
        let rest = match rest.first() {
            None => return Some(stamp),
            Some(b'T' | b't' | b' ') => &rest[1..],
            _ => return None,
        };
        let hour = digits(rest.get(0..2)?)?;
        let minute = match rest.get(2) {
            Some(b':') => digits(rest.get(3..5)?)?,
            _ => return None,
        };
        let mut rest = &rest[5..];
        let mut second = None;
        if rest.first() == Some(&b':') {
            second = Some(digits(rest.get(1..3)?)?);
            rest = &rest[3..];
            if rest.first().is_some_and(|&c| c == b'.' || c == b',') {
                let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                rest = &rest[1 + n..];
            }
        }
        if hour > 23 || minute > 59 || second.is_some_and(|s| s > 60) {
            return None;
        }
        stamp.time = Some(Clock {
            hour: hour as u8,
            minute: minute as u8,
            second: second.map(|s| s.min(59) as u8),
        });
        stamp.offset = match rest {
            [] => None,
            [b'Z' | b'z'] => Some(0),
            [sign @ (b'+' | b'-'), tail @ ..] => {
                let (h, m) = match tail {
                    [h1, h2] => (digits(&[*h1, *h2])?, 0),
                    [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                        (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?)
                    }
                    _ => return None,
                };
                let minutes = (h * 60 + m) as i32;
                if minutes > MAX_OFFSET || m > 59 {
                    return None;
                }
                Some(if *sign == b'-' { -minutes } else { minutes } as i16)
            }
            _ => return None,
        };
        Some(stamp)
    }

    /// The same stamp without its seconds: the precision the record keeps for a publication.
    pub fn to_minute(mut self) -> Stamp {
        if let Some(t) = &mut self.time {
            t.second = None;
        }
        self
    }

    /// Days since 1970-01-01 of the calendar date (proleptic Gregorian).
    pub fn days(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    /// Minutes since 1970-01-01T00:00 UTC, when the stamp has a time and a zone.
    pub fn instant(&self) -> Option<i64> {
        let t = self.time?;
        let offset = i64::from(self.offset?);
        Some(self.days() * 1440 + i64::from(t.hour) * 60 + i64::from(t.minute) - offset)
    }

    /// An order for stamps that may differ in zone: the instant when it is known, else the
    /// wall clock, then the seconds.
    pub fn order_key(&self) -> (i64, u8) {
        let minutes = self.instant().unwrap_or_else(|| self.wall_minutes());
        (minutes, self.time.and_then(|t| t.second).unwrap_or(0))
    }

    /// The local wall-clock minutes since the epoch, zone ignored (dates count as midnight).
    pub fn wall_minutes(&self) -> i64 {
        let t = self
            .time
            .map_or(0, |t| i64::from(t.hour) * 60 + i64::from(t.minute));
        self.days() * 1440 + t
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)?;
        let Some(t) = self.time else {
            return Ok(());
        };
        write!(f, "T{:02}:{:02}", t.hour, t.minute)?;
        if let Some(s) = t.second {
            write!(f, ":{s:02}")?;
        }
        if let Some(o) = self.offset {
            let sign = if o < 0 { '-' } else { '+' };
            let o = o.unsigned_abs();
            write!(f, "{sign}{:02}:{:02}", o / 60, o % 60)?;
        }
        Ok(())
    }
}

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Stamp, D::Error> {
        let s = String::deserialize(d)?;
        Stamp::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not a date: {s:?}")))
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, &c| n * 10 + u32::from(c - b'0')))
}

fn from_http_date(s: &str) -> Option<Stamp> {
    let time = httpdate::parse_http_date(s).ok()?;
    let secs = time.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() as i64;
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let mut stamp = Stamp::date(year, month, day)?;
    let in_day = secs.rem_euclid(86_400);
    stamp.time = Some(Clock {
        hour: (in_day / 3600) as u8,
        minute: (in_day / 60 % 60) as u8,
        second: Some((in_day % 60) as u8),
    });
    stamp.offset = Some(0);
    Some(stamp)
}

fn is_leap(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`.
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> String {
        Stamp::parse(text)
            .map(|s| s.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn forms_that_metadata_writes() {
        assert_eq!(s("2020-03-17"), "2020-03-17");
        assert_eq!(s("2020-03-17T17:27"), "2020-03-17T17:27");
        assert_eq!(s("2020-03-17T17:27:41Z"), "2020-03-17T17:27:41+00:00");
        assert_eq!(s("2020-11-09T18:34:47+00:00"), "2020-11-09T18:34:47+00:00");
        assert_eq!(s("2020-12-01 02:00:00"), "2020-12-01T02:00:00");
        assert_eq!(
            s("2021-06-30T23:15:00.000+0300"),
            "2021-06-30T23:15:00+03:00"
        );
        assert_eq!(s("2019-01-02T03:04-05:30"), "2019-01-02T03:04-05:30");
        assert_eq!(s(" 20200317 "), "2020-03-17");
        assert_eq!(
            s("Tue, 17 Mar 2020 17:27:41 GMT"),
            "2020-03-17T17:27:41+00:00"
        );
    }

    #[test]
    fn impossible_or_foreign_forms_are_refused() {
        for bad in [
            "",
            "2020-02-30",
            "2019-02-29",
            "2020-13-01",
            "2020-03-17T25:00",
            "2020-03-17T17:27+15:00",
            "2020-03-17T17:27 GMT+3",
            "17/03/2020",
            "2020-03",
            "٢٠٢٠-٠٣-١٧",
            "0000-01-01",
        ] {
            assert_eq!(Stamp::parse(bad), None, "{bad:?}");
        }
        assert!(Stamp::parse("2024-02-29").is_some());
    }

    #[test]
    fn minutes_drop_seconds_and_instants_use_the_zone() {
        let a = Stamp::parse("2020-04-24T21:22:10+03:00").unwrap();
        let b = Stamp::parse("2020-04-24T18:22Z").unwrap();
        assert_eq!(a.to_minute().to_string(), "2020-04-24T21:22+03:00");
        assert_eq!(a.instant(), b.instant());
        assert_eq!(Stamp::parse("2020-04-24T18:22").unwrap().instant(), None);
        assert_eq!(a.wall_minutes() - b.wall_minutes(), 180);
        let later = Stamp::parse("2020-04-24T18:22:30Z").unwrap();
        assert!(later.order_key() > a.order_key() && a.order_key() > b.order_key());
    }

    #[test]
    fn day_numbers_round_trip() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2020, 12, 31), (1600, 3, 1)] {
            let n = days_from_civil(y, m, d);
            assert_eq!(civil_from_days(n), (y, m, d));
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2020, 3, 17), 18_338);
    }

    #[test]
    fn serde_is_the_display_form() {
        let st = Stamp::parse("2020-11-09T18:34+00:00").unwrap();
        let json = serde_json::to_string(&st).unwrap();
        assert_eq!(json, "\"2020-11-09T18:34+00:00\"");
        assert_eq!(serde_json::from_str::<Stamp>(&json).unwrap(), st);
        assert!(serde_json::from_str::<Stamp>("\"soon\"").is_err());
    }
}
