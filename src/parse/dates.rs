//! Reading dates as Arab news sites write them: Levantine (`أيلول`), transliterated (`سبتمبر`),
//! Maghrebi and Algerian month names, both together (`أيلول/سبتمبر`, `أيلول (سبتمبر)`),
//! numeric day-first dates, English month names, Arabic-Indic and Persian digits, weekday
//! names, `م`/`هـ` suffixes, 12-hour clocks (`09:22 مساءً`), and a Hijri date beside them.
//!
//! This module reads what a single line says. Which line holds the *publication* date is
//! decided by the caller from where the line sits (see `meta.rs`).

use super::text::{ascii_digit, is_harakah, is_letter, key};

/// A Gregorian date found in a line, with the time when the line states one beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub time: Option<(u32, u32)>,
    /// Byte offset in the line where the date's first token starts.
    pub start: usize,
    /// Byte offset where the time's first token starts, when there is a time.
    pub time_at: Option<usize>,
}

impl FoundDate {
    /// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM` when a time was stated.
    pub fn iso(&self) -> String {
        let date = format!("{:04}-{:02}-{:02}", self.year, self.month, self.day);
        match self.time {
            Some((h, m)) => format!("{date}T{h:02}:{m:02}"),
            None => date,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A run of digits (any script), its value and digit count.
    Num(u32, usize),
    /// A run of letters, folded with [`key`].
    Word(String),
    /// One punctuation character.
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    /// Whether white space separates this token from the previous one.
    spaced: bool,
}

fn tokenize(line: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut spaced = false;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            spaced = true;
            continue;
        }
        let tok = if let Some(d) = ascii_digit(c) {
            let (mut value, mut count) = (d, 1usize);
            while let Some(&(_, n)) = chars.peek() {
                let Some(d) = ascii_digit(n) else { break };
                value = value.saturating_mul(10).saturating_add(d);
                count += 1;
                chars.next();
            }
            Tok::Num(value, count)
        } else if is_letter(c) || is_harakah(c) || c == 'ـ' {
            let mut word = String::from(c);
            while let Some(&(_, n)) = chars.peek() {
                if !(is_letter(n) || is_harakah(n) || n == 'ـ') || ascii_digit(n).is_some() {
                    break;
                }
                word.push(n);
                chars.next();
            }
            Tok::Word(key(&word))
        } else {
            Tok::Punct(c)
        };
        out.push(Token {
            tok,
            start: i,
            spaced,
        });
        spaced = false;
    }
    out
}

/// Gregorian month names as Arab outlets write them (folded), with their number.
fn month(word: &str, next: Option<&str>) -> Option<(u32, usize)> {
    // Two-word Levantine names first.
    if let Some(next) = next {
        let two = match (word, next) {
            ("كانون", "الثاني") => Some(1),
            ("كانون", "الاول") => Some(12),
            ("تشرين", "الاول") => Some(10),
            ("تشرين", "الثاني") => Some(11),
            _ => None,
        };
        if let Some(m) = two {
            return Some((m, 2));
        }
    }
    let m = match word {
        "يناير" | "جانفي" | "january" | "jan" => 1,
        "فبراير" | "فبرير" | "فيفري" | "شباط" | "february" | "feb" => 2,
        "مارس" | "اذار" | "march" | "mar" => 3,
        "ابريل" | "افريل" | "نيسان" | "april" | "apr" => 4,
        "مايو" | "ماي" | "ايار" | "may" => 5,
        "يونيو" | "يونيه" | "جوان" | "حزيران" | "june" | "jun" => 6,
        "يوليو" | "يوليه" | "يوليوز" | "جويليه" | "جويلييه" | "تموز" | "july" | "jul" => {
            7
        }
        "اغسطس" | "اغسطوس" | "غشت" | "اوت" | "اب" | "august" | "aug" => 8,
        "سبتمبر" | "سيبتمبر" | "شتنبر" | "ايلول" | "september" | "sep" | "sept" => {
            9
        }
        "اكتوبر" | "اوكتوبر" | "october" | "oct" => 10,
        "نوفمبر" | "نونبر" | "november" | "nov" => 11,
        "ديسمبر" | "دجنبر" | "december" | "dec" => 12,
        _ => return None,
    };
    Some((m, 1))
}

/// Hijri month names (folded), with their number and word count.
fn hijri_month(word: &str, next: Option<&str>) -> Option<(u32, usize)> {
    if let Some(next) = next {
        let two = match (word, next) {
            ("ربيع", "الاول" | "اول") => Some(3),
            ("ربيع", "الاخر" | "الثاني" | "الاخره" | "ثاني") => Some(4),
            ("جمادي", "الاولي" | "الاول" | "اولي") => Some(5),
            ("جمادي", "الاخره" | "الثانيه" | "الاخر" | "الثاني" | "اخره") => {
                Some(6)
            }
            ("ذي" | "ذو", "القعده") => Some(11),
            ("ذي" | "ذو", "الحجه") => Some(12),
            _ => None,
        };
        if let Some(m) = two {
            return Some((m, 2));
        }
    }
    let m = match word {
        "محرم" => 1,
        "صفر" => 2,
        "رجب" => 7,
        "شعبان" => 8,
        "رمضان" => 9,
        "شوال" => 10,
        _ => return None,
    };
    Some((m, 1))
}

/// 0 = Monday … 6 = Sunday.
fn weekday_name(word: &str) -> Option<u32> {
    Some(match word {
        "الاثنين" | "الاتنين" | "اثنين" | "monday" | "mon" => 0,
        "الثلاثاء" | "الثلثاء" | "ثلاثاء" | "tuesday" | "tue" => 1,
        "الاربعاء" | "اربعاء" | "wednesday" | "wed" => 2,
        "الخميس" | "خميس" | "thursday" | "thu" => 3,
        "الجمعه" | "جمعه" | "friday" | "fri" => 4,
        "السبت" | "سبت" | "saturday" | "sat" => 5,
        "الاحد" | "احد" | "sunday" | "sun" => 6,
        _ => return None,
    })
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Words that flag a line as a date stamp even with other words in it.
const STAMP_MARKERS: [&str; 14] = [
    "نشر",
    "نشره",
    "تحديث",
    "محدث",
    "محدثه",
    "العدد",
    "بتاريخ",
    "تاريخ",
    "published",
    "updated",
    "posted",
    "gmt",
    "الموافق",
    "المحتوي",
];

/// Whether a line (its folded words) is a date stamp rather than text that mentions a date:
/// every word is part of a date or clock, or a stamp word (`نشر`, `تحديث`, `العدد`) says so.
/// `توقعات الأبراج الثلاثاء 26 أغسطس 2025` is a headline; `الإثنين، 24 أغسطس 2020 09:23 ص`
/// and `تم نشره الجمعة 24 نيسان 2020` are stamps.
pub fn is_stamp_line(key: &str) -> bool {
    let words: Vec<&str> = key.split(' ').collect();
    words.iter().any(|w| {
        STAMP_MARKERS
            .iter()
            .any(|m| w == m || w.strip_prefix('و') == Some(m) || w.strip_prefix("تم") == Some(m))
    }) || words.iter().all(|w| is_date_word(w))
}

/// A folded word that can be part of a written date or time.
pub fn is_date_word(w: &str) -> bool {
    let digits = w.trim_end_matches(['م', 'ه']);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        || month(w, None).is_some()
        || hijri_month(w, None).is_some()
        || weekday_name(w).is_some()
        || matches!(
            w,
            "كانون"
                | "تشرين"
                | "الاول"
                | "الثاني"
                | "ربيع"
                | "جمادي"
                | "ذي"
                | "ذو"
                | "القعده"
                | "الحجه"
                | "الاولي"
                | "الاخره"
                | "الاخر"
                | "الثانيه"
                | "ص"
                | "م"
                | "ه"
                | "صباحا"
                | "مساء"
                | "مساءا"
                | "am"
                | "pm"
                | "utc"
                | "يوم"
                | "تم"
                | "في"
                | "بتوقيت"
                | "غرينتش"
                | "من"
                | "الساعه"
        )
}

/// Days since 1970-01-01 (proleptic Gregorian), after Howard Hinnant's `days_from_civil`.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// 0 = Monday … 6 = Sunday.
pub fn weekday(y: i32, m: u32, d: u32) -> u32 {
    // 1970-01-01 was a Thursday (3).
    (days_from_civil(y, m, d) + 3).rem_euclid(7) as u32
}

/// Years a news date can have: anything else is a number that only looks like a year.
const YEARS: std::ops::RangeInclusive<u32> = 1900..=2100;

fn valid(y: u32, m: u32, d: u32) -> bool {
    YEARS.contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y as i32, m)
}

/// Whether `s` is `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` naming a real day and time, the time
/// perhaps with seconds and a zone as page metadata and crawls state it
/// (`2020-11-09T18:34:47+03:00`, see [`time_suffix`]).
pub fn is_iso_date(s: &str) -> bool {
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let num = |p: &str, len: usize| {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse::<u32>().ok())?
    };
    let mut parts = date.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Some(y), Some(m), Some(d)) = (num(y, 4), num(m, 2), num(d, 2)) else {
        return false;
    };
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y as i32, m) {
        return false;
    }
    match time.map(|t| t.split_once(':')) {
        None => true,
        Some(Some((h, rest))) => {
            let (min, rest) = rest.split_at_checked(2).unwrap_or((rest, ""));
            num(h, 2).is_some_and(|h| h < 24)
                && num(min, 2).is_some_and(|m| m < 60)
                && time_suffix(rest).is_some()
        }
        Some(None) => false,
    }
}

/// What may follow `HH:MM` in a date from metadata or a crawl: seconds (with a fraction),
/// then `Z` or `±HH:MM`; the zone's offset in minutes, `Some(None)` for no zone, `None` for
/// anything else.
pub fn time_suffix(rest: &str) -> Option<Option<i32>> {
    let two = |s: &str| -> Option<i32> {
        (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let mut rest = rest;
    if let Some(r) = rest.strip_prefix(':') {
        two(r.get(..2)?)?;
        rest = r[2..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    }
    match rest.as_bytes().first() {
        None => Some(None),
        Some(b'Z' | b'z') if rest.len() == 1 => Some(Some(0)),
        Some(&sign @ (b'+' | b'-')) => {
            let (h, m) = rest[1..].split_once(':')?;
            let (h, m) = (two(h)?, two(m)?);
            if h > 14 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            Some(Some(if sign == b'-' { -minutes } else { minutes }))
        }
        _ => None,
    }
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
            let weekday_ok = weekday_near(&toks, first, last)
                .is_none_or(|w| w == weekday(date.0 as i32, date.1, date.2));
            if weekday_ok {
                let time = times
                    .iter()
                    .filter(|t| t.last + 4 >= first && t.first <= last + 4)
                    .min_by_key(|t| t.first.abs_diff(last).min(t.last.abs_diff(first)));
                out.push(FoundDate {
                    year: date.0 as i32,
                    month: date.1,
                    day: date.2,
                    time: time.map(|t| (t.hour, t.minute)),
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

#[derive(Debug)]
struct Time {
    first: usize,
    last: usize,
    hour: u32,
    minute: u32,
}

/// `HH:MM` and `HH:MM:SS`, with a 12-hour marker after them (`ص`, `م`, `صباحاً`, `مساءً`,
/// `am`, `pm`).
fn find_times(toks: &[Token]) -> Vec<Time> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < toks.len() {
        let glued = |j: usize| !toks[j].spaced;
        if let (Tok::Num(h, hd), Tok::Punct(':'), Tok::Num(m, 2)) =
            (&toks[i].tok, &toks[i + 1].tok, &toks[i + 2].tok)
            && *hd <= 2
            && glued(i + 1)
            && glued(i + 2)
            && *h < 24
            && *m < 60
        {
            let mut last = i + 2;
            if last + 2 < toks.len()
                && toks[last + 1].tok == Tok::Punct(':')
                && matches!(toks[last + 2].tok, Tok::Num(s, 2) if s < 60)
                && glued(last + 1)
                && glued(last + 2)
            {
                last += 2;
            }
            let mut hour = *h;
            if let Some(Token {
                tok: Tok::Word(w), ..
            }) = toks.get(last + 1)
            {
                let pm = matches!(
                    w.as_str(),
                    "م" | "مساء" | "مساءا" | "مساءً" | "pm" | "ظهرا" | "عصرا" | "ليلا"
                );
                let am = matches!(w.as_str(), "ص" | "صباحا" | "صباح" | "فجرا" | "am");
                if pm && hour < 12 {
                    hour += 12;
                } else if am && hour == 12 {
                    hour = 0;
                }
                if pm || am {
                    last += 1;
                }
            }
            out.push(Time {
                first: i,
                last,
                hour,
                minute: *m,
            });
            i = last + 1;
        } else {
            i += 1;
        }
    }
    out
}

fn word(toks: &[Token], i: usize) -> Option<&str> {
    match toks.get(i).map(|t| &t.tok) {
        Some(Tok::Word(w)) => Some(w.as_str()),
        _ => None,
    }
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

fn num(toks: &[Token], i: usize) -> Option<(u32, usize)> {
    match toks.get(i).map(|t| &t.tok) {
        Some(Tok::Num(v, d)) => Some((*v, *d)),
        _ => None,
    }
}

/// Skips tokens that may stand between a date's parts: commas, weekday names, `م`.
fn skip_filler(toks: &[Token], mut i: usize, forward: bool) -> Option<usize> {
    for _ in 0..4 {
        let filler = match toks.get(i).map(|t| &t.tok) {
            Some(Tok::Punct(',' | '،' | '-' | '/' | '.')) => true,
            Some(Tok::Word(w)) => {
                weekday_name(w).is_some() || w == "من" || w == "عام" || w == "سنه"
            }
            _ => false,
        };
        if !filler {
            return Some(i);
        }
        i = if forward { i + 1 } else { i.checked_sub(1)? };
    }
    Some(i)
}

fn is_day(v: u32, digits: usize) -> bool {
    digits <= 2 && (1..=31).contains(&v)
}

fn is_year(v: u32, digits: usize) -> bool {
    digits == 4 && YEARS.contains(&v)
}

type Ymd = (u32, u32, u32);

/// A date starting at token `i`: `(y, m, d)` and its first and last token indexes.
fn date_at(
    toks: &[Token],
    i: usize,
    in_time: &dyn Fn(usize) -> bool,
) -> Option<(Ymd, usize, usize)> {
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
            if is_year(d, dd) && cd <= 2 && valid(d, b, c) {
                return Some(((d, b, c), i, i + 4));
            }
            if dd <= 2 && is_year(c, cd) && valid(c, b, d) {
                return Some(((c, b, d), i, i + 4));
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
                    && valid(y, m, d)
                {
                    let last = suffix(toks, k, "م");
                    return Some(((y, m, d), i, last));
                }
                // YEAR [weekday ,] D MONTH: the year came first.
                let back = i.checked_sub(1).and_then(|b| skip_filler(toks, b, false));
                if let Some(b) = back
                    && let Some((y, yd)) = free_num(b)
                    && is_year(y, yd)
                    && valid(y, m, d)
                {
                    return Some(((y, m, d), b, last));
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
        if is_day(d, dd) && is_year(y, yd) && valid(y, m, d) {
            return Some(((y, m, d), i, suffix(toks, k, "م")));
        }
    }
    None
}

/// Extends a date's last token over a glued suffix such as the `م` of `2015م`.
fn suffix(toks: &[Token], i: usize, s: &str) -> usize {
    match toks.get(i + 1) {
        Some(t) if !t.spaced && t.tok == Tok::Word(s.into()) => i + 1,
        _ => i,
    }
}

/// The weekday named right before a date (or right after it), if any.
fn weekday_near(toks: &[Token], first: usize, last: usize) -> Option<u32> {
    let before = (first.saturating_sub(3)..first).rev();
    let after = last + 1..(last + 3).min(toks.len());
    before
        .chain(after)
        .find_map(|j| word(toks, j).and_then(weekday_name))
}

/// General form: a clock on a line of its own (`١٠:٣٠`, `09:15 م`), printed beside a date
/// line. Its time, when the line is nothing but a clock.
pub fn clock_only(line: &str) -> Option<(u32, u32)> {
    let toks = tokenize(line);
    let times = find_times(&toks);
    let [t] = &times[..] else {
        return None;
    };
    let rest_is_clock = toks.iter().enumerate().all(|(i, tok)| {
        (t.first..=t.last).contains(&i)
            || matches!(&tok.tok, Tok::Word(w) if matches!(w.as_str(), "gmt" | "الساعه" | "بتوقيت"))
    });
    rest_is_clock.then_some((t.hour, t.minute))
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

    fn iso(line: &str) -> Vec<String> {
        find_dates(line).iter().map(FoundDate::iso).collect()
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
        assert_eq!(iso("GMT 17:27 17.03.2020"), ["2020-03-17T17:27"]);
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
            ["2025-01-08T11:17"]
        );
        assert_eq!(iso("17:55 GMT17 مارس/ آذار 2020"), ["2020-03-17T17:55"]);
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
        assert_eq!(clock_only("١٠:٣٠"), Some((10, 30)));
        assert_eq!(clock_only("09:15 م"), Some((21, 15)));
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
        ] {
            assert!(is_stamp_line(&key(stamp)), "{stamp}");
        }
        assert!(!is_stamp_line(&key(
            "توقعات الأبراج اليوم الثلاثاء 26 أغسطس /آب 2025"
        )));
        assert!(!is_stamp_line(&key("القاهرة في 12 مارس 2019")));
    }

    #[test]
    fn iso_validation() {
        assert!(is_iso_date("2015-09-18"));
        assert!(is_iso_date("2015-09-18T16:41"));
        assert!(is_iso_date("2015-09-18T16:41:07+03:00"));
        assert!(is_iso_date("2015-09-18T16:41Z"));
        assert!(!is_iso_date("2015-09-18T16:41+3"));
        assert!(!is_iso_date("2015-09-18T16:41 UTC"));
        assert!(is_iso_date("2016-02-29"));
        assert!(!is_iso_date("2015-02-29"));
        assert!(!is_iso_date("2015-9-18"));
        assert!(!is_iso_date("2015-09-18T24:00"));
        assert!(!is_iso_date("18/09/2015"));
    }

    #[test]
    fn weekday_of_known_dates() {
        assert_eq!(weekday(2015, 9, 16), 2); // Wednesday
        assert_eq!(weekday(1970, 1, 1), 3); // Thursday
        assert_eq!(weekday(2000, 2, 29), 1); // Tuesday
    }
}
