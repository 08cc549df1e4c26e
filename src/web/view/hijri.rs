//! The Hijri date shown beside the Gregorian one: the date the page printed itself when the
//! record has one (`hijri`, as written), else the day computed with the Umm al-Qura calendar
//! (ICU's `Hijri<UmmAlQura>`, from KACST's tables), marked as computed.
//!
//! Why it is marked: Umm al-Qura is a calendar computed in advance, and a month announced on
//! sighting the crescent may begin a day before or after it (1 Dhu al-Hijjah 1436 was
//! announced for 2015-09-15; the calendar has 2015-09-14). A reader comparing with a dated
//! print copy should know which of the two the page shows.

use icu_calendar::Date as IcuDate;
use icu_calendar::cal::Hijri;

use crate::parse::date_text::{push_number, push_year};
use crate::parse::{Article, Date};

/// The Hijri months as Arabic names them (CLDR's Arabic Islamic months), Muharram first.
const MONTHS: [&str; 12] = [
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
];

/// The years ICU's Umm al-Qura rules take from KACST's month lengths; outside them it falls
/// back to an arithmetic calendar, which is not Umm al-Qura, so no date is shown there.
const KACST_YEARS: std::ops::RangeInclusive<i32> = 1300..=1600;

/// A day of the Umm al-Qura calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HijriDate {
    pub year: i32,
    /// 1 (Muharram) to 12 (Dhu al-Hijjah).
    pub month: u8,
    pub day: u8,
}

impl HijriDate {
    /// The Umm al-Qura day of the civil day `date` (its time, if any, is not looked at: the
    /// calendar's day is the civil day, not the one that begins at sunset). `None` outside
    /// the years of KACST's tables.
    pub fn umm_al_qura(date: &Date) -> Option<HijriDate> {
        let month = u8::try_from(date.month()).ok()?;
        let day = u8::try_from(date.day()).ok()?;
        let iso = IcuDate::try_new_iso(date.year(), month, day).ok()?;
        let hijri = iso.to_calendar(Hijri::new_umm_al_qura());
        let year = hijri.year().extended_year();
        KACST_YEARS.contains(&year).then(|| HijriDate {
            year,
            month: hijri.month().ordinal,
            day: hijri.day_of_month().0,
        })
    }

    /// `3 ذو الحجة 1436 هـ`, the numbers written digit by digit as the Gregorian dates are:
    /// by `format!`, the Hijri view was 8.2 M instructions of an export of 1,000 articles,
    /// 4.0 M so (every listing item shows one; notes/serve-bench.md, session 47).
    pub fn arabic(&self) -> String {
        let mut s = String::with_capacity(40);
        push_number(&mut s, self.day.into());
        s.push(' ');
        s.push_str(MONTHS[usize::from(self.month) - 1]);
        s.push(' ');
        push_year(&mut s, self.year, 1);
        s.push_str(" هـ");
        s
    }
}

/// The Hijri date an article shows, as the templates need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HijriView {
    pub text: String,
    /// Computed from the publication date, not printed on the page (the templates then say
    /// so, and that a sighted date may differ by a day).
    pub computed: bool,
    /// The Gregorian day a computed date stands for (`<time datetime>`); a printed date is
    /// shown as written, so it gets none.
    pub iso: Option<String>,
}

impl HijriView {
    /// The printed Hijri date, else the computed one; `None` for an article with neither a
    /// printed one nor a publication date.
    pub fn of(a: &Article) -> Option<HijriView> {
        if let Some(printed) = a.hijri.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
            return Some(HijriView {
                text: printed.to_owned(),
                computed: false,
                iso: None,
            });
        }
        let day = a.published?.day_only();
        let hijri = HijriDate::umm_al_qura(&day)?;
        Some(HijriView {
            text: hijri.arabic(),
            computed: true,
            iso: Some(day.iso()),
        })
    }
}

/// What the pages say where a computed Hijri date is shown (a `title`, and a visible note).
pub const COMPUTED_NOTE: &str =
    "التاريخ الهجري محسوب بتقويم أم القرى، وقد يختلف بيوم عن التاريخ المعلن برؤية الهلال.";

#[cfg(test)]
mod tests {
    use super::*;

    /// `tests/fixtures/hijri/umm-al-qura.tsv`: dates from KACST's published table (its
    /// header says where from), not from this code.
    fn known() -> Vec<(Date, HijriDate)> {
        include_str!("../../../tests/fixtures/hijri/umm-al-qura.tsv")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                let date = Date::parse(f[0]).unwrap();
                let hijri = HijriDate {
                    year: f[1].parse().unwrap(),
                    month: f[2].parse().unwrap(),
                    day: f[3].parse().unwrap(),
                };
                (date, hijri)
            })
            .collect()
    }

    #[test]
    fn month_starts_and_the_seeds_match_the_published_table() {
        let known = known();
        assert!(known.len() >= 46, "the table holds 1436-1446");
        for (date, hijri) in known {
            assert_eq!(HijriDate::umm_al_qura(&date), Some(hijri), "{date}");
        }
    }

    #[test]
    fn the_eve_of_shawwal_is_the_last_of_ramadan() {
        // The day before each 1 Shawwal of the table is Ramadan's 29th or 30th: as many days
        // as the table counts from that year's 1 Ramadan.
        let known = known();
        let start = |y: i32, m: u8| {
            known
                .iter()
                .find(|(_, h)| (h.year, h.month, h.day) == (y, m, 1))
                .map(|(d, _)| *d)
                .unwrap()
        };
        for year in 1436..=1446 {
            let (ramadan, shawwal) = (start(year, 9), start(year, 10));
            let length = u8::try_from(shawwal.day_number() - ramadan.day_number()).unwrap();
            assert!(length == 29 || length == 30, "{year}: {length} days");
            let eve = Date::from_civil(shawwal.civil().yesterday().unwrap()).unwrap();
            assert_eq!(
                HijriDate::umm_al_qura(&eve),
                Some(HijriDate {
                    year,
                    month: 9,
                    day: length
                }),
                "{year}"
            );
        }
    }

    #[test]
    fn arabic_names_the_month() {
        let h = HijriDate {
            year: 1436,
            month: 12,
            day: 3,
        };
        assert_eq!(h.arabic(), "3 ذو الحجة 1436 هـ");
        let ramadan = HijriDate {
            year: 1445,
            month: 9,
            day: 1,
        };
        assert_eq!(ramadan.arabic(), "1 رمضان 1445 هـ");
    }

    #[test]
    fn outside_kacst_years_there_is_no_date() {
        for far in ["1700-01-01", "0622-07-19", "2300-01-01"] {
            assert_eq!(HijriDate::umm_al_qura(&Date::parse(far).unwrap()), None);
        }
        assert!(HijriDate::umm_al_qura(&Date::parse("1937-03-14").unwrap()).is_some());
    }

    #[test]
    fn the_printed_date_wins_over_the_computed_one() {
        let mut a = Article {
            published: Date::parse("2015-09-16").ok(),
            hijri: Some("02 ذي الحجة 1436".into()),
            ..Article::default()
        };
        let printed = HijriView::of(&a).unwrap();
        assert_eq!(printed.text, "02 ذي الحجة 1436");
        assert!(!printed.computed);
        a.hijri = None;
        let computed = HijriView::of(&a).unwrap();
        assert_eq!(computed.text, "3 ذو الحجة 1436 هـ");
        assert!(computed.computed);
        assert_eq!(computed.iso.as_deref(), Some("2015-09-16"));
        // A time does not move the day.
        a.published = Date::parse("2015-09-16T23:30+03:00").ok();
        assert_eq!(HijriView::of(&a).unwrap().text, "3 ذو الحجة 1436 هـ");
        assert_eq!(
            HijriView::of(&a).unwrap().iso.as_deref(),
            Some("2015-09-16")
        );
        a.published = None;
        assert_eq!(HijriView::of(&a), None);
    }

    proptest::proptest! {
        /// The Hijri date written digit by digit is the one `format!` wrote.
        #[test]
        fn a_hijri_date_is_written_as_format_writes_it(
            year in proptest::prop_oneof![1i32..10_000, proptest::prelude::any::<i32>()],
            month in 1u8..=12,
            day in 1u8..=30,
        ) {
            let date = HijriDate { year, month, day };
            let by_format = format!("{day} {} {year} هـ", MONTHS[usize::from(month) - 1]);
            proptest::prop_assert_eq!(date.arabic(), by_format);
        }
    }
}
