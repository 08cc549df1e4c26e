//! Who filed the story from where: datelines (`دمشق ـ نور خوّام`, `الوسط – المحرر السياسي`,
//! or `موسكو ـ قال …` at the start of the first paragraph), bylines (`كتبت أسماء نصار`),
//! agency credits (`(وكالة الصحافة الفرنسية أ ف ب)`, `--(بترا)`) and the publisher's name.

use std::sync::LazyLock;

use regex::Regex;

use super::lexicon::LEXICON;
use super::lines::Line;
use super::text::words;

/// A dash with white space on at least one side: a separator, not a tatweel inside a word.
static DASH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s+[-ـ–—]+\s*|\s*[-ـ–—]+\s+").expect("valid regex"));

/// `PLACE ـ NAME` as a line of its own: the two parts, when the line has that shape.
pub fn header(line: &Line) -> Option<(String, String)> {
    if line.words > 7 || line.furniture.is_some() || line.text.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let parts: Vec<&str> = DASH.split(&line.text).collect();
    let [left, right] = parts[..] else {
        return None;
    };
    let (left, right) = (left.trim(), right.trim());
    let (lw, rw) = (words(left).count(), words(right).count());
    // `عربي - أخبار وآراء`: a section word is not a place.
    let nav = |s: &str| {
        LEXICON
            .furniture(&super::text::key(s), words(s).count())
            .is_some()
    };
    if nav(left) || nav(right) {
        return None;
    }
    let letters_only = |s: &str| {
        s.chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '.' || super::text::is_harakah(c))
    };
    ((1..=3).contains(&lw)
        && (1..=4).contains(&rw)
        && letters_only(left)
        && letters_only(right)
        && line.arabic >= 0.5)
        .then(|| (left.to_string(), right.to_string()))
}

/// `كتب: فلان`, `كتبت أسماء نصار`, `بقلم فلان`: the name.
pub fn byline(line: &Line) -> Option<String> {
    static BY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:كتب|كتبت|كتبه|كتبته|بقلم|إعداد|اعداد|تقرير|بواسطة|By|by)\s*:?\s+(.+)$")
            .expect("valid regex")
    });
    if line.words > 6 || line.furniture.is_some() {
        return None;
    }
    let name = BY.captures(&line.text)?.get(1)?.as_str().trim();
    (1..=4)
        .contains(&words(name).count())
        .then(|| name.to_string())
}

/// What the start of the first paragraph credits: `موسكو ـ قال …`, `القاهرة (رويترز) - …`,
/// `المدينة نيوز :- …`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Inline {
    pub place: Option<String>,
    pub agency: Option<&'static str>,
    pub publication: Option<String>,
}

pub fn inline(paragraph: &str, site: Option<&str>) -> Inline {
    static LEAD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^([^\s()\-ـ–—:،,.]+(?:\s[^\s()\-ـ–—:،,.]+){0,2})\s*(?:[-ـ–—]\s*)?(?:\(([^()]{1,40})\)\s*)?(?:[-ـ–—]+|:-|:)\s")
            .expect("valid regex")
    });
    let mut out = Inline::default();
    let Some(caps) = LEAD.captures(paragraph) else {
        return out;
    };
    let lead = caps.get(1).map_or("", |m| m.as_str());
    let agency = caps.get(2).and_then(|m| LEXICON.agency_exactly(m.as_str()));
    if let Some(p) = publication_named(lead, site) {
        out.publication = Some(p);
    } else if LEXICON.is_place(lead) || agency.is_some() && words(lead).count() <= 2 {
        out.place = Some(lead.to_string());
    }
    if out.place.is_some() || out.publication.is_some() {
        out.agency = agency;
    }
    out
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
        header(&Line::new(s).unwrap())
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

    #[test]
    fn bylines() {
        assert_eq!(
            byline(&Line::new("كتبت أسماء نصار").unwrap()).as_deref(),
            Some("أسماء نصار")
        );
        assert_eq!(
            byline(&Line::new("بقلم: خيرالله خيرالله").unwrap()).as_deref(),
            Some("خيرالله خيرالله")
        );
        assert_eq!(
            byline(&Line::new("كتب الوزير رسالة مطولة إلى نظيره الروسي أمس").unwrap()),
            None
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
        let i = inline("المدينة نيوز :- بلغت حصيلة الوفيات", None);
        assert_eq!(i.publication.as_deref(), Some("المدينة نيوز"));
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
