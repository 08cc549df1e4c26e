//! One dump's bytes to one [`Article`]: pure functions, no file or network I/O, so every rule
//! is testable on a string.
//!
//! The stages: `decode` (bytes to text, whatever the encoding), `lines` (normalised lines with
//! what each one looks like), then the deciders that read those lines: `title`, `dates`,
//! `dateline`, `body`.

mod body;
mod body_keys;
mod dateline;
pub mod dates;
pub mod decode;
mod dump;
mod lexicon;
mod lines;
mod meta;
mod phrases;
mod ranking;
mod record;
mod region;
mod standfirst;
// The crate's folding agreement test reads the parser's keys.
pub(crate) mod text;
mod title;
mod weights;
mod word_set;

pub use body_keys::BodyKeys;
pub use dump::{Parsed, parse_dump, parse_file, parse_owned};
pub use record::{Article, Date, DateError, Warning, WarningCode, date_text};

use lexicon::LEXICON;
use lines::Line;

/// Why a dump yields no article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is binary, not text ({0})")]
    Binary(String),
    #[error("no article found: {0}")]
    NoArticle(String),
    #[error("the file is {} MB, over the {} MB a dump may be; skipped", mb(*.0), mb(MAX_DUMP_BYTES as u64))]
    TooLarge(u64),
}

/// Largest dump read, in bytes. A news page's dump is tens of kilobytes; far past that a file
/// is something else (a log, a data dump) and would cost the build, the archive and the search
/// index memory in proportion, so it is refused before it is read.
pub const MAX_DUMP_BYTES: usize = 16 * 1024 * 1024;

fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

/// Reads the article out of a page's lines.
fn read(lines: &[Line]) -> Result<Article, ParseError> {
    let first = lines.first().ok_or(ParseError::Empty)?;
    let page = title::page_title(first, lines);
    let (mut start, end) = region::choose(lines, first, &page)
        .ok_or_else(|| ParseError::NoArticle("no paragraph of running text".into()))?;
    if body::is_story_list(lines, start..end) {
        return Err(ParseError::NoArticle(
            "a list of stories (headline, teaser, date), not an article".into(),
        ));
    }
    let title = match title::find(lines, start, &page, &lines[start..end]) {
        Some(t) => t,
        // A headline long enough to read as text opens the run: take it, if text follows.
        None if lines[start].headline_like() && end - start >= 2 => {
            start += 1;
            title::Title {
                index: start - 1,
                top: start - 1,
                text: lines[start - 1].text.to_string(),
                compact: lines[start - 1].compact().to_string(),
            }
        }
        None => return Err(ParseError::NoArticle("no headline above the text".into())),
    };
    let mut paragraphs = body::body_lines(lines, start..end, &|l| title.is_copy(l));
    let site = page.site.as_deref();
    let kicker = title::subtitle(lines, &title, site);
    // A summary under the headline is the subtitle, unless a kicker above it already is.
    let mut standfirst = None;
    if kicker.is_none()
        && let Some(at) = standfirst::find(
            lines,
            title.index,
            start,
            &paragraphs,
            &|l| title.is_copy(l),
            &|l| dateline::inline(l.text, site) != dateline::Inline::default(),
        )
    {
        standfirst = Some(
            lines[at]
                .text
                .trim_start_matches(['-', '–', '—', '•', ' '])
                .to_string(),
        );
        paragraphs.retain(|&i| i != at);
    }
    // The header runs down to the first line of the text.
    if let Some(&first) = paragraphs.first() {
        start = first;
    }
    let paragraphs: Vec<&Line> = paragraphs.iter().map(|&i| &lines[i]).collect();
    let body: Vec<String> = paragraphs.iter().map(|l| l.text.to_string()).collect();
    body_keys::note(&paragraphs);
    if body.is_empty() {
        return Err(ParseError::NoArticle(
            "no paragraph under the headline".into(),
        ));
    }
    let mut a = Article {
        title: title.text.clone(),
        body,
        subtitle: kicker.or(standfirst),
        ..Article::default()
    };

    // The header: the lines between the headline and the text.
    let header = title.index + 1..start;
    let mut dateline_at = None;
    // `الموقع - <title>`, perhaps cut short, is the site's title bar, not a dateline.
    let title_bar = |right: &str| title.compact.starts_with(&text::compact_key(right));
    let mut bare_name = None;
    for i in header.clone() {
        let line = &lines[i];
        if title.is_copy(line) {
            continue;
        }
        if let Some((left, right)) = dateline::header(line).filter(|(_, r)| !title_bar(r)) {
            dateline_at = Some(i);
            match dateline::publication_named(left, site) {
                Some(p) => a.publication = Some(p),
                None => a.place = Some(left.to_string()),
            }
            if let Some(agency) = LEXICON.agency_exactly(right) {
                a.agency = Some(agency.to_string());
            } else if let Some(p) = dateline::publication_named(right, site) {
                a.publication.get_or_insert(p);
            } else {
                a.author = Some(right.to_string());
            }
            break;
        }
        if let Some(by) = dateline::byline(line) {
            a.author.get_or_insert(by.name);
            if a.place.is_none() {
                a.place = by.place;
            }
            continue;
        }
        // `03-05-2021 الساعة 09:15 | سامي خليل`: a stamp line whose other segment is a name.
        if line.date_line && line.text.contains('|') {
            for seg in line.text.split('|').skip(1) {
                let mut buf = lines::Buffers::default();
                if let Some(seg) = Line::one(seg.trim(), &mut buf)
                    && seg.dates.is_empty()
                    && !seg.stamp
                    && dateline::is_name_line(&seg)
                {
                    a.author.get_or_insert(seg.text.to_string());
                }
            }
            continue;
        }
        // A name on a line of its own right under the headline or right over the text.
        if (i == title.index + 1 || i + 1 == start)
            && dateline::is_name_line(line)
            && LEXICON.agency_by_key(line.key).is_none()
            && !title::is_site_line(line, site)
        {
            bare_name.get_or_insert(line.text.to_string());
        }
    }
    if a.author.is_none() && a.agency.is_none() && a.place.is_none() {
        a.author = bare_name;
    }
    a.captions = title::captions(lines, &title, start, dateline_at, site);

    let inline = dateline::inline(&a.body[0], site);
    if a.place.is_none() {
        a.place = inline.place;
    }
    if a.publication.is_none() {
        a.publication = inline.publication;
    }
    // The agency: credited in the header, in the inline dateline, or under the text
    // (`--(بترا)`) or closing its last paragraph (`(رويترز)`), in that order.
    let after_body = lines[end..(end + 2).min(lines.len())]
        .iter()
        .map(|l| l.text);
    a.agency = a
        .agency
        .take()
        .or_else(|| {
            header
                .clone()
                .find_map(|i| LEXICON.agency_by_key(lines[i].key))
                .map(String::from)
        })
        .or(inline.agency.map(String::from))
        .or_else(|| {
            after_body
                .chain(closing_parenthesis(a.body.last()))
                .find_map(|t| LEXICON.agency_exactly(t))
                .map(String::from)
        })
        .or(inline.outlet);
    if a.author.is_none() && a.agency.is_none() {
        a.author = a
            .body
            .iter()
            .take(2)
            .find_map(|p| dateline::translated_by(p))
            .or_else(|| dateline::closing_signature(&lines[end..(end + 3).min(lines.len())]));
    }
    a.publication = a
        .publication
        .take()
        .or_else(|| publication(lines, &title, &page));

    // `القاهرة، 3 أيار 2021` on its own line above the headline or in the header.
    if a.place.is_none() {
        a.place = lines[title.top.saturating_sub(3)..start]
            .iter()
            .filter(|l| l.date_line)
            .find_map(|l| lines::place_led(l.text))
            .map(str::to_string);
    }
    let dates = meta::choose(lines, Some(title.index), (start, end), &|l| {
        title.is_copy(l)
    });
    a.published = dates.published;
    a.updated = dates.updated;
    a.hijri = dates.hijri;

    if a.published.is_none() {
        a.warnings.push(match &a.updated {
            Some(_) => Warning::only_updated_date(),
            None => Warning::no_publication_date(),
        });
    }
    if a.place.is_none() && a.author.is_none() && a.agency.is_none() {
        a.warnings.push(Warning::no_dateline());
    }
    Ok(a)
}

/// The `(…)` that ends a paragraph, if any.
fn closing_parenthesis(p: Option<&String>) -> Option<&str> {
    let p = p?.trim_end_matches(['.', ' ']);
    let open = p.rfind('(')?;
    p.ends_with(')').then(|| &p[open..])
}

/// The publisher named by the page: the `<title>` suffix, a `site -` header line, or a line
/// that is exactly a known publisher's name.
fn publication(lines: &[Line], title: &title::Title, page: &title::PageTitle) -> Option<String> {
    if let Some(site) = &page.site {
        return Some(
            LEXICON
                .publication(site)
                .map_or_else(|| site.clone(), String::from),
        );
    }
    let dashed = lines[..title.index].iter().find_map(|l| {
        let t = l.text.trim_end_matches(['-', 'ـ', '–', '—', ' ']);
        (t.len() < l.text.len() && (1..=4).contains(&l.words) && l.dates.is_empty() && !l.stamp)
            .then(|| t.to_string())
    });
    if let Some(name) = dashed {
        return Some(LEXICON.publication(&name).map_or(name, String::from));
    }
    // Each line's own `publication` is this lookup, done when the line was read. A name that
    // is also an ordinary word (`الأخبار`, `الرأي`, `الوطن`: one word with its article) is a
    // menu entry as often as a masthead: alone on a line it names no publisher.
    lines
        .iter()
        .filter(|l| l.words <= 4 && !is_common_word(l.key))
        .find_map(|l| l.publication)
        .map(String::from)
}

/// One Arabic word with its article: `الوطن`, `البيان`.
fn is_common_word(key: &str) -> bool {
    !key.contains(' ') && key.starts_with("ال")
}

#[cfg(test)]
mod tests {
    //! Whole-dump rules on pages of our own making, in layouts none of the seeds has.
    use super::*;

    const P1: &str = "أقرت الحكومة اللبنانية اليوم خطة جديدة لدعم المزارعين في الأرياف تشمل قروضاً ميسرة وإعفاءات ضريبية للمزارعين الصغار.";
    const P2: &str = "وقال وزير الزراعة في مؤتمر صحافي إن الخطة ستدخل حيز التنفيذ مطلع الشهر المقبل وتستمر ثلاث سنوات على الأقل.";
    const P3: &str = "ورحبت نقابات المزارعين بالخطة، لكنها طالبت بضمانات لوصول الدعم إلى مستحقيه بعيداً عن المحسوبيات.";
    const TITLE: &str = "الحكومة تقر خطة جديدة لدعم المزارعين في الأرياف";

    #[test]
    fn a_dump_over_the_limit_is_refused_unread() {
        let mut page = dump("", "").into_bytes();
        assert!(parse_dump(&page, "a.txt").is_ok());
        page.resize(MAX_DUMP_BYTES + 1, b'\n');
        let e = parse_dump(&page, "a.txt").unwrap_err();
        assert_eq!(e, ParseError::TooLarge(MAX_DUMP_BYTES as u64 + 1));
        assert_eq!(
            e.to_string(),
            "the file is 16.0 MB, over the 16.0 MB a dump may be; skipped"
        );
    }

    fn dump(header: &str, footer: &str) -> String {
        format!(
            "{TITLE} - صوت الريف\nصوت الريف\nالرئيسية\nسياسة\n{header}\n\n{P1}\n\n{P2}\n\n{P3}\n\n{footer}\nجميع الحقوق محفوظة لموقع صوت الريف 2024 ©"
        )
    }

    fn parse(text: &str) -> Article {
        parse_dump(text.as_bytes(), "test.txt").unwrap()
    }

    fn date(s: &str) -> Option<Date> {
        Some(Date::parse(s).unwrap())
    }

    #[test]
    fn dated_list_before_the_article_gives_no_date() {
        let text = format!(
            "صوت الريف\nالرئيسية\nوزير المالية يعلن موازنة العام المقبل\n12 آذار 2019\nارتفاع أسعار النفط في الأسواق العالمية\n14 آذار 2019\nفوز المنتخب الوطني في تصفيات كأس العالم\n15 آذار 2019\n{TITLE}\nبيروت - سامر خليل\n{P1}\n{P2}\n{P3}"
        );
        let a = parse(&text);
        assert_eq!(a.title, TITLE);
        assert_eq!(a.published, None);
        assert!(
            a.warnings
                .iter()
                .any(|w| w.code == WarningCode::DateMissing)
        );
        assert_eq!(
            (a.place.as_deref(), a.author.as_deref()),
            (Some("بيروت"), Some("سامر خليل"))
        );
        assert_eq!(a.body, [P1, P2, P3]);
    }

    #[test]
    fn dated_list_before_and_a_stamp_under_the_title() {
        let text = format!(
            "أخبار ذات صلة\nوزير المالية يعلن موازنة العام المقبل\n12 آذار 2019\nارتفاع أسعار النفط في الأسواق العالمية\n14 آذار 2019\n{TITLE}\nنشر في: الأربعاء 3 نيسان 2019\n{P1}\n{P2}"
        );
        assert_eq!(parse(&text).published, date("2019-04-03"));
    }

    #[test]
    fn related_list_and_copyright_dates_after_the_article_are_ignored() {
        let a = parse(&dump(
            TITLE,
            "الأكثر قراءة\nخبر أول عن الطقس\n3 مايو 2024\nخبر ثان عن الرياضة\n4 مايو 2024",
        ));
        assert_eq!(a.published, None);
        assert_eq!(a.title, TITLE);
        assert_eq!(a.body.len(), 3);
        assert_eq!(a.publication.as_deref(), Some("صوت الريف"));
    }

    #[test]
    fn levantine_pair_in_parentheses_with_hijri_beside() {
        let a = parse(&dump(
            &format!("{TITLE}\nالخميس 17 أيلول (سبتمبر) 2015 - 3 ذو الحجة 1436 هـ"),
            "",
        ));
        assert_eq!(a.published, date("2015-09-17"));
        assert_eq!(a.hijri.as_deref(), Some("3 ذو الحجة 1436"));
    }

    #[test]
    fn arabic_indic_digits_and_a_twelve_hour_clock() {
        let a = parse(&dump(
            &format!("{TITLE}\nنشر بتاريخ: ٠٥/٠٤/٢٠١٩ - ٠٣:١٥ م"),
            "",
        ));
        assert_eq!(a.published, date("2019-04-05T15:15"));
    }

    #[test]
    fn an_updated_stamp_alone_is_not_a_publication_date() {
        let a = parse(&dump(&format!("{TITLE}\nآخر تحديث: 12 مايو 2017"), ""));
        assert_eq!(a.published, None);
        assert_eq!(a.updated, date("2017-05-12"));
        assert!(
            a.warnings
                .iter()
                .any(|w| w.code == WarningCode::DateOnlyUpdated)
        );
    }

    #[test]
    fn published_and_updated_on_one_line() {
        let a = parse(&dump(
            &format!("{TITLE}\nنشر في 3 نيسان 2019 | آخر تحديث 5 نيسان 2019"),
            "",
        ));
        assert_eq!(a.published, date("2019-04-03"));
        assert_eq!(a.updated, date("2019-04-05"));
    }

    #[test]
    fn a_date_in_the_headline_is_news_not_a_stamp() {
        let title = "توقعات الأبراج اليوم الثلاثاء 26 أغسطس 2025 وحظك مع النجوم";
        let text = format!("{title}\n{title}\n{P1}\n{P2}");
        let a = parse(&text);
        assert_eq!(a.title, title);
        assert_eq!(a.published, None);
    }

    #[test]
    fn inline_dateline_with_agency_and_agency_line() {
        let a = parse(&dump(TITLE, "").replace(P1, &format!("القاهرة (رويترز) - {P1}")));
        assert_eq!(
            (a.place.as_deref(), a.agency.as_deref()),
            (Some("القاهرة"), Some("رويترز"))
        );
        assert!(
            a.body[0].starts_with("القاهرة (رويترز) - "),
            "the dateline stays in the text"
        );
        let b = parse(&dump(&format!("{TITLE}\n(أ ف ب)"), ""));
        assert_eq!(b.agency.as_deref(), Some("أ ف ب"));
    }

    #[test]
    fn glued_and_site_prefixed_title_copies() {
        let text =
            format!("{TITLE}{TITLE}\nصوت الريف - {TITLE}\n{TITLE}\n{P1}\n{TITLE}\n{P2}\n{P3}");
        let a = parse(&text);
        assert_eq!(a.title, TITLE);
        assert_eq!(a.body, [P1, P2, P3], "no title copy inside the body");
    }

    #[test]
    fn comment_form_and_newsletter_never_reach_the_body() {
        let footer = "أضف تعليقك\nالاسم *\nالبريد الإلكتروني *\nاشترك الآن في نشرتنا البريدية واحصل على أهم الأخبار في بريدك الإلكتروني كل صباح.";
        let a = parse(&dump(TITLE, footer));
        assert_eq!(a.body, [P1, P2, P3]);
    }

    #[test]
    fn crlf_bom_and_windows_1256_read_the_same() {
        let text = dump(&format!("{TITLE}\nنشر في 3 نيسان 2019"), "");
        let plain = parse(&text);
        let mut crlf = b"\xef\xbb\xbf".to_vec();
        crlf.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
        let a = parse_dump(&crlf, "test.txt").unwrap();
        assert_eq!(
            (a.title.as_str(), &a.body, &a.published),
            (plain.title.as_str(), &plain.body, &plain.published)
        );
        let (cp1256, _, _) = encoding_rs::WINDOWS_1256.encode(&text);
        let b = parse_dump(&cp1256, "test.txt").unwrap();
        assert_eq!(b.encoding, "windows-1256");
        assert_eq!(
            (b.title.as_str(), &b.body, &b.published),
            (plain.title.as_str(), &plain.body, &plain.published)
        );
    }

    /// Regression: the generated corpus refused one page in 4,000 ("no paragraph under the
    /// headline"): a footer line holding the headline twice outweighed an article that shares
    /// no word with its headline.
    #[test]
    fn a_headline_printed_again_is_not_the_text() {
        let title = "منظمة الصحة العالمية تؤكد ارتفاع عدد الإصابات بالحصبة في عشر دول أفريقية";
        let text = format!("{title}\n{title}\n{P2}\n{P3}\nأضف تعليق\n{title} {title}");
        let a = parse(&text);
        assert_eq!(a.body, [P2, P3]);
    }

    /// Regression: a menu entry that is also an outlet's name made that outlet the publisher.
    #[test]
    fn a_menu_word_is_not_the_publisher() {
        for word in ["الأخبار", "الرأي", "الوطن", "البيان", "الغد", "العربية"]
        {
            let text = format!("{TITLE}\nالرئيسية\n{word}\nرياضة\n{TITLE}\n{P1}\n{P2}\n{P3}");
            assert_eq!(parse(&text).publication, None, "{word}");
        }
    }

    /// Regression: an article cut by a "read also" box and an inline card of another story
    /// lost everything after the box, and could take the card's date.
    #[test]
    fn interrupted_body_goes_on() {
        let text = format!(
            "{TITLE} - صوت الريف\nصوت الريف\n{TITLE}\nنشر في 3 نيسان 2019\n{P1}\nاقرأ أيضاً: ارتفاع أسعار القمح في الأسواق\n{P2}\nوزير الري يفتتح سدا جديدا في الجنوب\n12 آذار 2019\n{P3}\nالأكثر قراءة\nخبر أول\n4 نيسان 2019"
        );
        let a = parse(&text);
        assert_eq!(a.body, [P1, P2, P3]);
        assert_eq!(a.published, date("2019-04-03"));
        assert_eq!(a.title, TITLE);
    }

    /// Regression: a summary under the headline was the body's first paragraph.
    #[test]
    fn standfirst_is_the_subtitle() {
        let summary = "الحكومة اللبنانية تقر خطة جديدة لدعم المزارعين في الأرياف تشمل قروضاً ميسرة.";
        let a = parse(&dump(&format!("{TITLE}\n{summary}"), ""));
        assert_eq!(a.subtitle.as_deref(), Some(summary));
        assert_eq!(a.body, [P1, P2, P3]);
    }

    /// A thread's buffers carry nothing from one dump to the next: each seed parsed after the
    /// others (and after a dump too large for its buffers to be kept) is what it is alone.
    #[test]
    fn a_dump_parses_the_same_after_others() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("articles");
        let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .collect();
        seeds.push(dump(&TITLE.repeat(dump::MAX_KEPT_TEXT / TITLE.len()), "").into_bytes());
        let alone = |b: &Vec<u8>| std::thread::scope(|s| s.spawn(|| parse_dump(b, "a")).join());
        for b in seeds.iter().chain(seeds.iter().rev()) {
            assert_eq!(parse_dump(b, "a"), alone(b).unwrap());
        }
    }

    #[test]
    fn pages_without_an_article() {
        assert_eq!(parse_dump(b"", "e.txt").unwrap_err(), ParseError::Empty);
        let menu = "الرئيسية\nسياسة\nاقتصاد\nرياضة\nاتصل بنا\nجميع الحقوق محفوظة 2024";
        assert!(matches!(
            parse_dump(menu.as_bytes(), "m.txt"),
            Err(ParseError::NoArticle(_))
        ));
    }
}
