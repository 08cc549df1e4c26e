//! Clocks beside a date (`09:30`, `09:15 م`) and the zone printed with them (`(GMT+0300)`,
//! `بتوقيت غرينتش`), and a clock on a line of its own.

use super::tokens::{Tok, Token, tokenize, word};
use crate::parse::record::Date;

/// A clock as a line prints it: 24-hour time, and the zone offset (minutes east of UTC) when
/// one is printed beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub hour: u32,
    pub minute: u32,
    pub offset: Option<i32>,
}

impl Clock {
    /// `day` at this clock, in its zone when it has one.
    pub fn on(self, day: Date) -> Option<Date> {
        let date = day.at(self.hour, self.minute)?;
        match self.offset {
            Some(minutes) => date.in_zone(minutes),
            None => Some(date),
        }
    }
}

#[derive(Debug)]
pub(super) struct Time {
    pub(super) first: usize,
    pub(super) last: usize,
    pub(super) clock: Clock,
}

/// `HH:MM` and `HH:MM:SS`, with a 12-hour marker after them (`ص`, `م`, `صباحاً`, `مساءً`,
/// `am`, `pm`) and the zone printed beside them (see [`zone_after`], [`zone_before`]).
pub(super) fn find_times(toks: &[Token]) -> Vec<Time> {
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
                    w.as_ref(),
                    "م" | "مساء" | "مساءا" | "مساءً" | "pm" | "ظهرا" | "عصرا" | "ليلا"
                );
                let am = matches!(w.as_ref(), "ص" | "صباحا" | "صباح" | "فجرا" | "am");
                if pm && hour < 12 {
                    hour += 12;
                } else if am && hour == 12 {
                    hour = 0;
                }
                if pm || am {
                    last += 1;
                }
            }
            let offset = match zone_after(toks, last + 1) {
                Some((offset, end)) => {
                    last = end;
                    Some(offset)
                }
                None => zone_before(toks, i),
            };
            out.push(Time {
                first: i,
                last,
                clock: Clock {
                    hour,
                    minute: *m,
                    offset,
                },
            });
            i = last + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Names of UTC as pages print them beside a clock: `GMT`, `UTC`, Greenwich in Arabic spellings.
fn is_utc_name(w: &str) -> bool {
    matches!(
        w,
        "gmt" | "utc" | "greenwich" | "غرينتش" | "جرينتش" | "غرينيتش" | "جرينيتش"
    )
}

/// General form: the zone printed after a clock, `09:30 GMT`, `09:30 (GMT+0300)`,
/// `09:30 GMT+3`, `09:30 UTC -05:30`, `09:30 بتوقيت غرينتش`, `09:30 توقيت غرينتش +2`, or an
/// ISO offset glued to the clock (`09:30+03:00`; only `+`: a glued `-` is as often a range,
/// `09:30-10:30`). Its offset in minutes east of UTC, and its last token.
fn zone_after(toks: &[Token], j: usize) -> Option<(i32, usize)> {
    if toks
        .get(j)
        .is_some_and(|t| !t.spaced && t.tok == Tok::Punct('+'))
    {
        return offset_at(toks, j, true);
    }
    let mut k = j;
    let open = toks.get(k).is_some_and(|t| t.tok == Tok::Punct('('));
    if open {
        k += 1;
    }
    if matches!(word(toks, k), Some("بتوقيت" | "توقيت")) {
        k += 1;
    }
    if !word(toks, k).is_some_and(is_utc_name) {
        return None;
    }
    // `GMT+15`: a signed number that is no offset makes the zone unreadable, not UTC.
    let signed = toks
        .get(k + 1)
        .is_some_and(|t| matches!(t.tok, Tok::Punct('+' | '-' | '−')))
        && toks
            .get(k + 2)
            .is_some_and(|t| !t.spaced && matches!(t.tok, Tok::Num(..)));
    let (offset, mut last) = match offset_at(toks, k + 1, false) {
        Some(found) => found,
        None if signed => return None,
        None => (0, k),
    };
    if open && toks.get(last + 1).is_some_and(|t| t.tok == Tok::Punct(')')) {
        last += 1;
    }
    Some((offset, last))
}

/// General form: `GMT 17:27`, a UTC name right before the clock.
fn zone_before(toks: &[Token], i: usize) -> Option<i32> {
    let w = word(toks, i.checked_sub(1)?)?;
    matches!(w, "gmt" | "utc").then_some(0)
}

/// An offset at `j`: `+3`, `+03`, `+0300`, `+03:00`, `-05:30` (the digits glued to the sign),
/// in minutes east of UTC, and its last token. `iso` takes only two-digit hours with minutes
/// (`+03:00`, `+0300`). `None` past ±14:00, the widest zone there is.
fn offset_at(toks: &[Token], j: usize, iso: bool) -> Option<(i32, usize)> {
    let sign = match toks.get(j)?.tok {
        Tok::Punct('+') => 1,
        Tok::Punct('-' | '−') => -1,
        _ => return None,
    };
    let glued = |k: usize| toks.get(k).filter(|t| !t.spaced).map(|t| &t.tok);
    let (hours, minutes, last) = match glued(j + 1)? {
        Tok::Num(v, 4) => (v / 100, v % 100, j + 1),
        Tok::Num(h, n @ (1 | 2)) => match (glued(j + 2), glued(j + 3)) {
            (Some(Tok::Punct(':')), Some(Tok::Num(m, 2))) if !iso || *n == 2 => (*h, *m, j + 3),
            _ if !iso => (*h, 0, j + 1),
            _ => return None,
        },
        _ => return None,
    };
    let total = hours * 60 + minutes;
    (minutes < 60 && total <= 14 * 60).then_some((sign * total as i32, last))
}

/// General form: a clock on a line of its own (`١٠:٣٠`, `09:15 م`, `GMT 10:30`), printed
/// beside a date line. Its time, when the line is nothing but a clock.
pub fn clock_only(line: &str) -> Option<Clock> {
    let toks = tokenize(line);
    let times = find_times(&toks);
    let [t] = &times[..] else {
        return None;
    };
    let rest_is_clock = toks.iter().enumerate().all(|(i, tok)| {
        (t.first..=t.last).contains(&i)
            || matches!(&tok.tok, Tok::Word(w) if matches!(w.as_ref(), "gmt" | "الساعه" | "بتوقيت"))
    });
    rest_is_clock.then_some(t.clock)
}
