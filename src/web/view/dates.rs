//! Dates as an Arabic reader expects them: weekday, day, the Levantine month name paired with
//! the transliterated one (`أيلول/سبتمبر`), year, and the time when the record has one.
//!
//! Done by hand rather than with ICU: the record's dates are plain ISO strings, the calendar
//! arithmetic is one function, and the month pairs are a fixed table an archivist can read.

use crate::parse::dates::{days_from_civil, days_in_month, time_suffix};

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

/// Sunday first, as `days_from_civil(..) + 4` counts them (1970-01-01 was a Thursday).
const WEEKDAYS: [&str; 7] = [
    "الأحد",
    "الاثنين",
    "الثلاثاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
    "السبت",
];

/// A record date (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`, the time perhaps with seconds and a
/// zone, as dates read from a page's metadata or a crawl are) that has been checked to be a
/// real day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: i32,
    /// 1–12.
    pub month: u32,
    pub day: u32,
    /// Hours and minutes, when the record gives a time: the wall clock where it was written.
    pub time: Option<(u32, u32)>,
    /// Minutes east of UTC, when the record states the zone of its time.
    pub offset: Option<i32>,
}

impl Date {
    /// `None` for anything that is not an ISO date of the two shapes above, or not a real day
    /// (the page then shows no date rather than a wrong one).
    pub fn parse(s: &str) -> Option<Date> {
        let (date, time) = match s.split_once('T') {
            Some((d, t)) => (d, Some(t)),
            None => (s, None),
        };
        let number = |part: &str, len: usize| -> Option<u32> {
            (part.len() == len && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse().ok())
                .flatten()
        };
        let mut parts = date.split('-');
        let year = number(parts.next()?, 4)?;
        let month = number(parts.next()?, 2)?;
        let day = number(parts.next()?, 2)?;
        if parts.next().is_some() || !(1..=12).contains(&month) {
            return None;
        }
        let year = i32::try_from(year).ok()?;
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        let (time, offset) = match time {
            None => (None, None),
            Some(t) => {
                let (h, rest) = t.split_once(':')?;
                let (m, rest) = (rest.get(..2)?, rest.get(2..)?);
                let (h, m) = (number(h, 2)?, number(m, 2)?);
                if h > 23 || m > 59 {
                    return None;
                }
                (Some((h, m)), time_suffix(rest)?)
            }
        };
        Some(Date {
            year,
            month,
            day,
            time,
            offset,
        })
    }

    /// The `datetime` attribute of `<time>`: the ISO form again, normalised (seconds
    /// dropped, the zone kept).
    pub fn iso(&self) -> String {
        let date = format!("{:04}-{:02}-{:02}", self.year, self.month, self.day);
        match self.time {
            Some((h, m)) => format!("{date}T{h:02}:{m:02}{}", self.zone()),
            None => date,
        }
    }

    /// `+03:00`, `-05:30`, `Z`, or nothing when the zone is unknown.
    fn zone(&self) -> String {
        match self.offset {
            None => String::new(),
            Some(0) => "Z".into(),
            Some(o) => {
                let sign = if o < 0 { '-' } else { '+' };
                format!("{sign}{:02}:{:02}", o.abs() / 60, o.abs() % 60)
            }
        }
    }

    /// The date as RFC 3339 wants it (Atom, Open Graph, sitemaps), by one documented
    /// convention: the record's local time is taken as UTC when the record does not state
    /// its zone (a dump says neither its zone nor its offset), and a date without a time is
    /// midnight (`2015-09-16T00:00:00Z`). A reader's clock may so be a few hours off; the day
    /// is the one printed on the page.
    pub fn rfc3339(&self) -> String {
        let (h, m) = self.time.unwrap_or((0, 0));
        let zone = match self.zone().as_str() {
            "" => "Z".to_string(),
            z => z.to_string(),
        };
        format!(
            "{:04}-{:02}-{:02}T{h:02}:{m:02}:00{zone}",
            self.year, self.month, self.day
        )
    }

    /// The day `t` falls on in UTC (the day a reader retrieves a page, for a citation).
    pub fn on(t: std::time::SystemTime) -> Date {
        let stamp = humantime::format_rfc3339_seconds(t).to_string();
        Date::parse(&stamp[..10]).expect("an RFC 3339 stamp starts with a date")
    }

    /// `16 أيلول/سبتمبر 2015`: the day alone, as a citation gives it.
    pub fn arabic_day(&self) -> String {
        format!("{} {} {}", self.day, month_name(self.month), self.year)
    }

    /// `الأربعاء 16 أيلول/سبتمبر 2015`, then `، 16:41` when there is a time.
    pub fn arabic(&self) -> String {
        let weekday =
            WEEKDAYS[(days_from_civil(self.year, self.month, self.day) + 4).rem_euclid(7) as usize];
        let mut s = format!(
            "{weekday} {} {} {}",
            self.day,
            month_name(self.month),
            self.year
        );
        if let Some((h, m)) = self.time {
            s += &format!("، الساعة {h:02}:{m:02}");
        }
        s
    }
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
    /// The view of a record's date; `None` when it is not a readable ISO date.
    pub fn new(s: &str) -> Option<DateView> {
        Date::parse(s).map(|d| DateView {
            iso: d.iso(),
            arabic: d.arabic(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_example() {
        let d = Date::parse("2015-09-16").unwrap();
        assert_eq!(d.iso(), "2015-09-16");
        assert_eq!(d.arabic(), "الأربعاء 16 أيلول/سبتمبر 2015");
    }

    #[test]
    fn time_is_kept() {
        let d = Date::parse("2015-09-18T16:41").unwrap();
        assert_eq!(d.iso(), "2015-09-18T16:41");
        assert_eq!(d.arabic(), "الجمعة 18 أيلول/سبتمبر 2015، الساعة 16:41");
    }

    #[test]
    fn a_zone_from_metadata_is_kept_and_seconds_dropped() {
        let d = Date::parse("2020-11-09T18:34:47+03:00").unwrap();
        assert_eq!(d.time, Some((18, 34)), "the wall clock the page printed");
        assert_eq!(d.iso(), "2020-11-09T18:34+03:00");
        assert_eq!(d.rfc3339(), "2020-11-09T18:34:00+03:00");
        assert_eq!(
            Date::parse("2024-05-01T10:00:01.5Z").unwrap().iso(),
            "2024-05-01T10:00Z"
        );
        assert_eq!(
            Date::parse("2019-01-02T03:04-05:30").unwrap().rfc3339(),
            "2019-01-02T03:04:00-05:30"
        );
        for bad in [
            "2020-11-09T18:34+3",
            "2020-11-09T18:34:4",
            "2020-11-09T18:34 ",
            "2020-11-09T18:34+15:00",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_day_of_a_moment_is_its_utc_day() {
        use std::time::{Duration, UNIX_EPOCH};
        let day = |secs: u64| Date::on(UNIX_EPOCH + Duration::from_secs(secs)).iso();
        assert_eq!(day(0), "1970-01-01");
        // 2015-09-16T23:59:59Z and a second later.
        assert_eq!(day(1_442_447_999), "2015-09-16");
        assert_eq!(day(1_442_448_000), "2015-09-17");
        assert_eq!(
            Date::parse("2015-09-16T08:00").unwrap().arabic_day(),
            "16 أيلول/سبتمبر 2015"
        );
    }

    #[test]
    fn rfc3339_takes_local_time_as_utc() {
        let d = |s: &str| Date::parse(s).unwrap().rfc3339();
        assert_eq!(d("2015-09-18T16:41"), "2015-09-18T16:41:00Z");
        assert_eq!(d("2015-09-16"), "2015-09-16T00:00:00Z");
        assert_eq!(d("0999-01-02T03:04"), "0999-01-02T03:04:00Z");
    }

    #[test]
    fn weekdays_across_eras() {
        let weekday = |s: &str| Date::parse(s).unwrap().arabic();
        assert!(weekday("1970-01-01").starts_with("الخميس "));
        assert!(weekday("2000-02-29").starts_with("الثلاثاء "));
        assert!(weekday("1899-12-31").starts_with("الأحد "));
        assert!(weekday("2024-01-01").starts_with("الاثنين "));
        assert!(weekday("2023-12-30").starts_with("السبت "));
    }

    #[test]
    fn not_a_day_is_no_date() {
        for bad in [
            "",
            "2015",
            "2015-9-16",
            "2015-13-01",
            "2015-02-29",
            "2015-09-31",
            "2015-09-00",
            "2015-09-16T24:00",
            "2015-09-16T1:00",
            "2015-09-16-01",
            "١٤٣٦-٠٢-٠٢",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad:?}");
        }
        assert!(Date::parse("2016-02-29").is_some());
    }
}
