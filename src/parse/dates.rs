//! Reading dates as Arab news sites write them.

/// Whether `s` is `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` naming a real calendar day and time.
pub fn is_iso_date(s: &str) -> bool {
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let num = |p: &str| {
        (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    let parts: Vec<&str> = date.split('-').collect();
    let [y, m, d] = parts[..] else { return false };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (num(y), num(m), num(d)) else {
        return false;
    };
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y as i32, m) {
        return false;
    }
    match time {
        None => true,
        Some(t) => {
            let Some((h, min)) = t.split_once(':') else {
                return false;
            };
            h.len() == 2
                && min.len() == 2
                && num(h).is_some_and(|h| h < 24)
                && num(min).is_some_and(|m| m < 60)
        }
    }
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
