//! Who filed the story from where: datelines (`دمشق ـ نور خوّام`, `الوسط – المحرر السياسي`,
//! or `موسكو ـ قال …` at the start of the first paragraph), bylines (`كتبت أسماء نصار`),
//! agency credits (`(وكالة الصحافة الفرنسية أ ف ب)`, `--(بترا)`) and the publisher's name.

use std::sync::LazyLock;

use regex::Regex;

use super::lexicon::LEXICON;
use super::lines::Line;
use super::text::{is_alphabetic, words};

fn is_dash(c: char) -> bool {
    matches!(c, '-' | 'ـ' | '–' | '—')
}

/// `text` split at each dash with white space on at least one side (a separator, not a tatweel
/// inside a word): what the regex `\s+[-ـ–—]+\s*|\s*[-ـ–—]+\s+` splits at, leftmost first,
/// not overlapping (the tests hold it to the regex). A run of white space matches when a run
/// of dashes follows it, taking the white space after them too; a run of dashes when white
/// space follows it. Found by hand: the regex's split cost ≈ 2,500 instructions a short line,
/// and the same header lines are asked from three places (notes/parser-bench.md, session 33).
fn dash_split(text: &str) -> Vec<&str> {
    // Where the run of characters `f` holds for, from `from`, ends.
    let run = |from: usize, f: fn(char) -> bool| {
        text[from..]
            .char_indices()
            .find(|&(_, c)| !f(c))
            .map_or(text.len(), |(i, _)| from + i)
    };
    let mut parts = Vec::new();
    let (mut piece, mut at) = (0, 0);
    while let Some(c) = text[at..].chars().next() {
        let (spaces, dashes, end) = if c.is_whitespace() {
            let spaces = run(at, char::is_whitespace);
            let dashes = run(spaces, is_dash);
            (spaces, dashes, run(dashes, char::is_whitespace))
        } else if is_dash(c) {
            let dashes = run(at, is_dash);
            (at, dashes, run(dashes, char::is_whitespace))
        } else {
            at += c.len_utf8();
            continue;
        };
        // White space with no dash after it, or dashes with no white space on either side:
        // no match starts anywhere in the run, and what ends it is neither.
        if dashes == spaces || (spaces == at && end == dashes) {
            at = dashes;
            continue;
        }
        parts.push(&text[piece..at]);
        (piece, at) = (end, end);
    }
    parts.push(&text[piece..]);
    parts
}

/// `PLACE ـ NAME` as a line of its own: the two parts, when the line has that shape, the
/// place first. General forms: `PLACE - NAME`, `NAME - PLACE` (told apart by the places the
/// lexicon knows), `(PLACE - OUTLET)` in parentheses. Read once a line, then kept in it.
pub fn header<'a>(line: &Line<'a>) -> Option<(&'a str, &'a str)> {
    *line.header.get_or_init(|| read_header(line))
}

fn read_header<'a>(line: &Line<'a>) -> Option<(&'a str, &'a str)> {
    // An ASCII digit's byte is no part of a longer character: the bytes need no decoding.
    if line.words > 7 || line.furniture.is_some() || line.text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let text = line.text;
    let text = text
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(text);
    // Every separator holds a dash: a line with none (most) is one part, without asking
    // the split (the regex it replaced cost ≈ 2,000 instructions a short line).
    if !text.contains(is_dash) {
        return None;
    }
    let parts = dash_split(text);
    let [left, right] = parts[..] else {
        return None;
    };
    let (left, right) = (left.trim(), right.trim());
    let (lw, rw) = (words(left).count(), words(right).count());
    if !((1..=4).contains(&lw)
        && (1..=4).contains(&rw)
        && letters_only(left)
        && letters_only(right)
        && line.arabic >= 0.5)
    {
        return None;
    }
    // `عربي - أخبار وآراء`: a section word is not a place. (Asked after the shape, which
    // costs less and turns most lines away.)
    let nav = |s: &str| {
        LEXICON
            .furniture(&super::text::key(s), words(s).count())
            .is_some()
    };
    if nav(left) || nav(right) {
        return None;
    }
    // `سامي خليل - بيروت`: the name first, the place after it.
    if LEXICON.is_place(right) && !LEXICON.is_place(left) {
        return Some((right, left));
    }
    (lw <= 3).then_some((left, right))
}

/// A byline: the writer's name, and the place when the line gives one after it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Byline {
    pub name: String,
    pub place: Option<String>,
}

/// The words a byline opens with, as written (no regex syntax in them: [`byline`]'s regex is
/// made of them).
const BYLINE_OPENINGS: [&str; 19] = [
    "كتب",
    "كتبت",
    "كتبه",
    "كتبته",
    "بقلم",
    "إعداد",
    "اعداد",
    "تقرير",
    "تحرير",
    "حوار",
    "بواسطة",
    "الكاتب",
    "الكاتبة",
    "By",
    "by",
    "Author",
    "Authors",
    "Written by",
    "Reporter",
];

/// General forms of a byline line: `كتب: فلان`, `كتبت أسماء نصار`, `بقلم فلان`, `إعداد -
/// فلان`, a label in English (`Author, NAME`, `By NAME`), each perhaps followed by ` - PLACE`.
pub fn byline(line: &Line) -> Option<Byline> {
    static BY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"^(?:{})\s*[:,،\-ـ–—]?\s+(.+)$",
            BYLINE_OPENINGS.join("|")
        ))
        .expect("valid regex")
    });
    // The regex matches only a line that starts with one of its openings: a line that starts
    // with none (nearly all) is turned away without it (its captures cost ≈ 2,300
    // instructions a line, notes/parser-bench.md, session 33).
    if line.words > 8
        || line.furniture.is_some()
        || !BYLINE_OPENINGS.iter().any(|w| line.text.starts_with(w))
    {
        return None;
    }
    let rest = BY.captures(line.text)?.get(1)?.as_str().trim();
    let (name, place) = match dash_split(rest)[..] {
        [name, place] if LEXICON.is_place(place.trim()) => (name.trim(), Some(place.trim())),
        [place, name] if LEXICON.is_place(place.trim()) => (name.trim(), Some(place.trim())),
        _ => (rest, None),
    };
    let name = name.trim_matches(|c: char| c == ':' || c == '،' || c == ',' || c == ' ');
    ((1..=4).contains(&words(name).count()) && !name.chars().any(|c| c.is_ascii_digit())).then(
        || Byline {
            name: name.to_string(),
            place: place.map(str::to_string),
        },
    )
}

/// Words that open a writer's tagline under an opinion column (`كاتب مصري`, `باحث في …`).
const TAGLINE: [&str; 22] = [
    "كاتب",
    "كاتبه",
    "صحفي",
    "صحفيه",
    "صحافي",
    "صحافيه",
    "باحث",
    "باحثه",
    "استاذ",
    "محلل",
    "محلله",
    "اكاديمي",
    "اكاديميه",
    "روائي",
    "روائيه",
    "شاعر",
    "شاعره",
    "اعلامي",
    "اعلاميه",
    "خبير",
    "خبيره",
    "دبلوماسي",
];

/// Letters, harakat, spaces and dots only: a name.
fn letters_only(s: &str) -> bool {
    s.chars()
        .all(|c| is_alphabetic(c) || c == ' ' || c == '.' || super::text::is_harakah(c))
}

/// A line that is only a person's name: two to four words of letters, no sentence, no
/// furniture, not a place.
pub fn is_name_line(line: &Line) -> bool {
    (2..=4).contains(&line.words)
        && line.furniture.is_none()
        && line.arabic >= 0.5
        && line.publication.is_none()
        && letters_only(line.text)
        && !LEXICON.is_place_by_key(line.key)
}

/// General form: an opinion column signed at its foot, the writer's name on one line and a
/// tagline under it (`سامي خليل` then `كاتب وباحث لبناني`). The name.
pub fn closing_signature(after: &[Line]) -> Option<String> {
    let [name, tagline, ..] = after else {
        return None;
    };
    let first = tagline.key.split(' ').next().unwrap_or("");
    let first = first
        .strip_prefix('و')
        .filter(|w| TAGLINE.contains(w))
        .unwrap_or(first);
    (is_name_line(name) && TAGLINE.contains(&first) && tagline.words <= 12)
        .then(|| name.text.to_string())
}

/// General form: a translated piece introduced by the outlet that first ran it (`مجلة … تنشر
/// مقالاً للكاتب فلان، …`). The writer's name.
pub fn translated_by(paragraph: &str) -> Option<String> {
    static INTRO: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?:مقالا|مقالاً|مقالة|تقريرا|تقريراً|تحليلا|تحليلاً)\s+(?:للكاتب|للكاتبة|للصحافي|للصحافية|للصحفي|للصحفية|للباحث|للباحثة|للمحلل|للمحللة|للأستاذ|للاستاذ)\s+([^،,.:؛()\d]+)",
        )
        .expect("valid regex")
    });
    let caps = INTRO.captures(paragraph)?;
    let mut name: Vec<&str> = Vec::new();
    for w in caps.get(1)?.as_str().split_whitespace() {
        if matches!(
            w,
            "وهو"
                | "وهي"
                | "يتحدث"
                | "تتحدث"
                | "يقول"
                | "تقول"
                | "في"
                | "عن"
                | "حول"
                | "بعنوان"
        ) || name.len() == 4
        {
            break;
        }
        name.push(w);
    }
    (name.len() >= 2).then(|| name.join(" "))
}

/// What the start of the first paragraph credits: `موسكو ـ قال …`, `القاهرة (رويترز) - …`,
/// `صوت المدينة :- …` (the site's own name).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Inline {
    pub place: Option<String>,
    pub agency: Option<&'static str>,
    pub publication: Option<String>,
    /// Another outlet credited for the story (`(CNN)` on a page of another site).
    pub outlet: Option<String>,
}

pub fn inline(paragraph: &str, site: Option<&str>) -> Inline {
    static LEAD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^([^\s()\-ـ–—:،,.]+(?:\s[^\s()\-ـ–—:،,.]+){0,2}(?:\s?[،,]\s?[^\s()\-ـ–—:،,.]+(?:\s[^\s()\-ـ–—:،,.]+)?)?)\s*(?:[-ـ–—]\s*)?(?:[0-9٠-٩]{1,2}\s*[-ـ–—/]\s*[0-9٠-٩]{1,2}\s*)?(?:\(([^()]{1,40})\)\s*)?(?:[-ـ–—]+|:-|:)\s")
            .expect("valid regex")
    });
    let mut out = Inline::default();
    let Some(caps) = LEAD.captures(paragraph) else {
        out.place = place_then_date(paragraph);
        return out;
    };
    let lead = caps.get(1).map_or("", |m| m.as_str());
    let credit = caps.get(2).map(|m| m.as_str().trim());
    let agency = credit.and_then(|c| LEXICON.agency_exactly(c));
    // `عمّان، الأردن (CNN) --`: a city and its country, then the outlet that filed it.
    let city = lead.split(['،', ',']).next().unwrap_or(lead).trim();
    let outlet = credit.filter(|c| agency.is_none() && is_outlet_credit(c));
    if let Some(p) = publication_named(lead, site) {
        out.publication = Some(p);
    } else if LEXICON.is_place(lead)
        || LEXICON.is_place(city)
        || (agency.is_some() || outlet.is_some()) && words(lead).count() <= 3
    {
        out.place = Some(lead.to_string());
    }
    if out.place.is_some() || out.publication.is_some() {
        out.agency = agency;
        if let Some(o) = outlet {
            match publication_named(o, site).or_else(|| {
                site.filter(|s| super::text::key(s).starts_with(&super::text::key(o)))
                    .map(str::to_string)
            }) {
                Some(p) => {
                    out.publication.get_or_insert(p);
                }
                None => out.outlet = Some(o.to_string()),
            }
        }
    }
    out
}

/// General form: a release's opening `CITY، DATE -` (`الرياض، 12 فبراير 2023 - أعلنت …`).
/// The city.
fn place_then_date(paragraph: &str) -> Option<String> {
    let (place, rest) = paragraph.split_once(['،', ','])?;
    let place = place.trim();
    if !LEXICON.is_place(place) {
        return None;
    }
    let head = rest
        .char_indices()
        .nth(40)
        .map_or(rest, |(at, _)| &rest[..at]);
    let date = super::dates::find_dates(head).into_iter().next()?;
    let after = rest[date.start..].find(['-', 'ـ', '–', '—'])?;
    (rest[..date.start].trim().is_empty() && after <= 30).then(|| place.to_string())
}

/// A parenthesised credit that names an outlet rather than saying something: one to three
/// words, no digits (`(CNN)`, `(بي بي سي)`, `(الشرق الأوسط)`).
fn is_outlet_credit(c: &str) -> bool {
    (1..=3).contains(&words(c).count())
        && c.chars()
            .all(|ch| is_alphabetic(ch) || ch == ' ' || ch == '.')
}

/// The publisher `text` names: a known one (by any alias), or the site the page title names.
pub fn publication_named(text: &str, site: Option<&str>) -> Option<String> {
    if let Some(p) = LEXICON.publication(text) {
        return Some(p.to_string());
    }
    site.filter(|s| super::text::key(s) == super::text::key(text))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_of(s: &str) -> Option<(String, String)> {
        header(&Line::new(s).unwrap()).map(|(l, r)| (l.to_string(), r.to_string()))
    }

    /// The answer is read once and kept in the line: asked again, the kept one is given.
    #[test]
    fn a_header_is_read_once_and_kept() {
        let line = Line::new("دمشق ـ نور خوّام").unwrap();
        assert!(line.header.get().is_none());
        let first = header(&line);
        assert_eq!(first, Some(("دمشق", "نور خوّام")));
        assert_eq!(line.header.get(), Some(&first));
        assert_eq!(header(&line), first);
        let none = Line::new("واشنطن وموسكو تبحثان آليات التصدي لـداعش").unwrap();
        assert_eq!(header(&none), None);
        assert_eq!(none.header.get(), Some(&None));
    }

    /// `header` asks the regex only of lines holding a dash: each of the four it splits at.
    #[test]
    fn each_dash_splits_a_header() {
        for dash in ['-', 'ـ', '–', '—'] {
            let parts = Some(("بيروت".into(), "سامي خليل".into()));
            assert_eq!(
                header_of(&format!("بيروت {dash} سامي خليل")),
                parts,
                "{dash}"
            );
        }
        assert_eq!(header_of("بيروت سامي خليل"), None);
    }

    #[test]
    fn header_datelines() {
        assert_eq!(
            header_of("دمشق ـ نور خوّام"),
            Some(("دمشق".into(), "نور خوّام".into()))
        );
        assert_eq!(
            header_of("نيويورك - مادلين سعادة"),
            Some(("نيويورك".into(), "مادلين سعادة".into()))
        );
        assert_eq!(
            header_of("الوسط – المحرر السياسي\u{a0}"),
            Some(("الوسط".into(), "المحرر السياسي".into()))
        );
        assert_eq!(header_of("العرب اليوم -"), None);
        assert_eq!(
            header_of("العرب اليوم - كيري ولافروف يبحثان عن آلية مشتركة لضرب تنظيم داعش"),
            None
        );
        assert_eq!(header_of("واشنطن وموسكو تبحثان آليات التصدي لـداعش"), None);
    }

    /// The separator split by hand is the regex's split (the regex it replaced, kept here as
    /// the definition): white space of several kinds, runs of dashes, tatweels inside words,
    /// separators at either end and side by side.
    #[test]
    fn dashes_split_as_the_regex_did() {
        use proptest::prelude::*;
        let dash = Regex::new(r"\s+[-ـ–—]+\s*|\s*[-ـ–—]+\s+").unwrap();
        let same = |t: &str| dash_split(t) == dash.split(t).collect::<Vec<_>>();
        for t in [
            "",
            " ",
            "-",
            "دمشق ـ نور خوّام",
            "الوسط – المحرر السياسي",
            "هـ - ب",
            " - -x",
            " - - y",
            "a -- b\u{a0}—\u{2003}c",
            "أ- ب -ج-د",
            "(القاهرة - أ ش أ)",
        ] {
            assert!(same(t), "{t:?}");
        }
        proptest!(|(t in "[ \t\u{a0}\u{2003}\u{3000}\u{85}\\-ـ–—aبه\u{64b}()]{0,24}")| {
            prop_assert!(same(&t), "{:?}", t);
        });
    }

    #[test]
    fn bylines() {
        let name = |s: &str| byline(&Line::new(s).unwrap()).map(|b| b.name);
        assert_eq!(name("كتبت أسماء نصار").as_deref(), Some("أسماء نصار"));
        assert_eq!(
            name("بقلم: خيرالله خيرالله").as_deref(),
            Some("خيرالله خيرالله")
        );
        assert_eq!(name("إعداد - منى الحسيني").as_deref(), Some("منى الحسيني"));
        assert_eq!(name("Author, سامي خليل").as_deref(), Some("سامي خليل"));
        assert_eq!(
            byline(&Line::new("كتب: سامي خليل - بيروت").unwrap()),
            Some(Byline {
                name: "سامي خليل".into(),
                place: Some("بيروت".into())
            })
        );
        assert_eq!(
            byline(&Line::new("كتب الوزير رسالة مطولة إلى نظيره الروسي أمس").unwrap()),
            None
        );
        // Every opening the lines are first sorted by opens a byline; anywhere but at the
        // start, it opens none.
        for w in BYLINE_OPENINGS {
            assert_eq!(
                name(&format!("{w}: سامي خليل")).as_deref(),
                Some("سامي خليل"),
                "{w}"
            );
            assert_eq!(name(&format!("و{w}: سامي خليل")), None, "{w}");
        }
    }

    /// Regression: `NAME - PLACE` gave the name as the place and the place as the author.
    #[test]
    fn name_then_place() {
        assert_eq!(
            header_of("سامي خليل - بيروت"),
            Some(("بيروت".into(), "سامي خليل".into()))
        );
        assert_eq!(
            header_of("(أبوظبي - صوت المدينة)"),
            Some(("أبوظبي".into(), "صوت المدينة".into()))
        );
    }

    #[test]
    fn signature_under_an_opinion_column() {
        let lines = super::super::lines::split_leaked("سامي خليل\nكاتب وباحث لبناني\nتعليقات");
        assert_eq!(closing_signature(&lines).as_deref(), Some("سامي خليل"));
        let lines = super::super::lines::split_leaked("الأكثر قراءة\nكاتب مصري");
        assert_eq!(closing_signature(&lines), None);
    }

    #[test]
    fn writer_of_a_translated_piece() {
        assert_eq!(
            translated_by(
                "صحيفة \"لوموند\" الفرنسية تنشر مقالاً للكاتبة ماري دوبون، تتناول فيه الانتخابات."
            )
            .as_deref(),
            Some("ماري دوبون")
        );
        assert_eq!(translated_by("نشرت الصحيفة مقالاً عن الانتخابات."), None);
    }

    #[test]
    fn city_then_date_and_day_month_datelines() {
        let i = inline("الرياض، 12 فبراير 2023 - أعلنت شركة محلية اليوم", None);
        assert_eq!(i.place.as_deref(), Some("الرياض"));
        let i = inline("الكويت - 27 - 11 (كونا) -- أعلنت وزارة الصحة", None);
        assert_eq!(
            (i.place.as_deref(), i.agency),
            (Some("الكويت"), Some("كونا"))
        );
    }

    #[test]
    fn city_country_and_outlet() {
        let i = inline("عمّان، الأردن (CNN) -- أعلنت الحكومة الأردنية اليوم", None);
        assert_eq!(i.place.as_deref(), Some("عمّان، الأردن"));
        assert_eq!(i.outlet.as_deref(), Some("CNN"));
        let i = inline("عمّان، الأردن (CNN) -- أعلنت الحكومة", Some("CNN Arabic"));
        assert_eq!(i.publication.as_deref(), Some("CNN Arabic"));
        let i = inline("أبوظبي (وام) - أعلنت وزارة الصحة", None);
        assert_eq!(
            (i.place.as_deref(), i.agency),
            (Some("أبوظبي"), Some("وام"))
        );
    }

    #[test]
    fn inline_datelines() {
        let i = inline("موسكو ـ قال وزير الخارجية الروسي", None);
        assert_eq!(i.place.as_deref(), Some("موسكو"));
        let i = inline("القاهرة (رويترز) - قالت وزارة الصحة", None);
        assert_eq!(
            (i.place.as_deref(), i.agency),
            (Some("القاهرة"), Some("رويترز"))
        );
        // The site's own name leading the text (`صوت المدينة :- …`) is its publisher.
        let i = inline("صوت المدينة :- بلغت حصيلة الوفيات", Some("صوت المدينة"));
        assert_eq!(i.publication.as_deref(), Some("صوت المدينة"));
        // Ordinary openings are left alone.
        assert_eq!(
            inline(
                "أعلنت وزارة الصحة والسكان المصرية، اليوم الثلاثاء، تسجيل",
                None
            ),
            Inline::default()
        );
        assert_eq!(
            inline("تحقيقٌ رسمي: فَتَحَ المُدعون تحقيقاً رسمياً", None),
            Inline::default()
        );
    }
}
