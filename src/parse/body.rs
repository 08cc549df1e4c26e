//! Finding the article's paragraphs among the page's lines.
//!
//! Every line gets a weight: running text is worth its length, a short sentence half of it,
//! anything else (a heading, caption, stamp, repeated title, list item) costs a fixed amount,
//! and furniture (comment forms, "most read", copyright) cannot be crossed at all. The body is
//! the run of lines with the greatest total weight, found in one pass (Kadane's maximum
//! subarray). A navigation menu, a related list or a footer costs more than it brings, so the
//! run stops at them without a rule for any one site; a caption or a stray related link between
//! two paragraphs costs less than the paragraphs around it, so the run goes on across it.

use super::lexicon::Furniture;
use super::lines::{Kind, Line};
use super::weights::{
    GAP_COST, MAX_GAP, MAX_INTERRUPTION, MAX_LIST_ITEMS, MAX_QUESTION_HEADING_WORDS,
    MAX_SUBHEADING_WORDS,
};

/// Candidate bodies: for every stretch of the page between two things the article cannot
/// cross, its best run of lines, as `(start, end, weight)` (end exclusive), heaviest first.
pub fn regions(lines: &[Line]) -> Vec<(usize, usize, f64)> {
    let mut out: Vec<(usize, usize, f64)> = Vec::new();
    let mut best: Option<(f64, usize, usize)> = None;
    let mut run_start = 0;
    let mut sum = 0.0;
    let mut gap = 0;
    let mut close = |best: &mut Option<(f64, usize, usize)>| {
        if let Some((w, s, e)) = best.take() {
            out.push((s, e, w));
        }
    };
    for (i, line) in lines.iter().enumerate() {
        let weight = match line.kind() {
            Kind::Prose => line.chars as f64,
            Kind::Sentence => line.chars as f64 / 2.0,
            Kind::Other => -GAP_COST,
            Kind::Break => f64::NEG_INFINITY,
        };
        gap = if weight < 0.0 { gap + 1 } else { 0 };
        if weight == f64::NEG_INFINITY || gap >= MAX_GAP {
            sum = 0.0;
            close(&mut best);
            continue;
        }
        if sum <= 0.0 {
            if weight <= 0.0 {
                continue;
            }
            // The text so far was outweighed by what followed it: a new stretch begins.
            close(&mut best);
            sum = 0.0;
            run_start = i;
        }
        sum += weight;
        if weight > 0.0 && best.is_none_or(|(b, _, _)| sum > b) {
            best = Some((sum, run_start, i + 1));
        }
    }
    close(&mut best);
    out.sort_by(|a, b| b.2.total_cmp(&a.2));
    out
}

/// Whether `gap`, the lines between two runs of text, is an interruption the article goes on
/// across. General forms: a short stretch, unlike prose, holding what only boxes and cards
/// hold (an ad or "read also" label, a date stamp, a picture credit, an embedded post), and
/// nothing that closes a page (comment forms, "most read", copyright) nor the page's headline.
pub fn interruption(gap: &[Line], headline: &str) -> bool {
    !gap.is_empty()
        && gap.len() <= MAX_INTERRUPTION
        && gap.iter().any(|l| {
            l.interrupts()
                || l.stamp
                || l.date_line
                || l.credit
                || l.embed
                || l.furniture == Some(Furniture::Always)
        })
        && gap.iter().all(|l| {
            l.furniture != Some(Furniture::EndsArticle)
                && !is_paragraph(l)
                && !l.compact_is(headline)
        })
}

/// How many distinct words of five letters or more the run `b` shares with the text `a`.
pub fn shared_words(a: &[Line], b: &[Line]) -> usize {
    let known = stems(a);
    stems(b).iter().filter(|w| known.contains(*w)).count()
}

fn stems<'a>(lines: &[Line<'a>]) -> rustc_hash::FxHashSet<&'a str> {
    lines
        .iter()
        .flat_map(|l| super::text::key_words(l.key))
        .map(stem)
        .filter(|w| w.chars().count() >= 4)
        .collect()
}

/// A word without the particles glued before it (`و`, `ب`, `ل`, `ف`, the article) and the
/// feminine ending: `وبالوزارة` and `الوزارة` meet as `وزار`. Enough to tell two stretches of
/// text about the same people and places; not a stemmer.
fn stem(w: &str) -> &str {
    let w = w
        .strip_prefix('و')
        .filter(|r| r.chars().count() >= 4)
        .unwrap_or(w);
    let w = ["بال", "كال", "فال", "لل", "ال", "ب", "ل"]
        .iter()
        .find_map(|p| w.strip_prefix(p).filter(|r| r.chars().count() >= 3))
        .unwrap_or(w);
    w.strip_suffix('ه')
        .filter(|r| r.chars().count() >= 3)
        .unwrap_or(w)
}

/// Whether the gap holds page furniture (a promo, a sign-up box): the text after it must be
/// plainly the same story's to be taken in.
pub fn holds_furniture(gap: &[Line]) -> bool {
    gap.iter().any(|l| l.furniture == Some(Furniture::Always))
}

/// General form: a section's index, not an article: every story a headline, a one-paragraph
/// teaser and a date, three times or more in a row. Whether `span` is one: three date lines
/// or more in it, and never two paragraphs between two of them.
pub fn is_story_list(lines: &[Line], span: std::ops::Range<usize>) -> bool {
    let mut dates = 0;
    let mut run = 0;
    for l in &lines[span] {
        if l.date_line || l.stamp {
            dates += 1;
            run = 0;
        } else if is_paragraph(l) {
            run += 1;
            if run > 1 {
                return false;
            }
        }
    }
    dates >= 3
}

/// The heaviest candidate body.
#[cfg(test)]
fn region(lines: &[Line]) -> Option<(usize, usize)> {
    regions(lines).first().map(|&(s, e, _)| (s, e))
}

/// The lines of the article's text in `span`: its paragraphs, and the short lines that belong
/// to the text between them. General forms: a subheading (a short heading between two
/// paragraphs, or a question), the items of a list that a paragraph ending with `:` opens.
/// Captions (longer, describing a picture), cards and labels are left out.
pub fn body_lines(
    lines: &[Line],
    span: std::ops::Range<usize>,
    is_title: &dyn Fn(&Line) -> bool,
) -> Vec<usize> {
    let para = |i: usize| span.contains(&i) && is_paragraph(&lines[i]) && !is_title(&lines[i]);
    // At most a line of the span each: one allocation, not a vector grown from empty.
    let mut out = Vec::with_capacity(span.len());
    let mut i = span.start;
    while i < span.end {
        if para(i) {
            out.push(i);
            // `… الخدمات التالية:` then the items, then the text again.
            if lines[i].text.trim_end().ends_with(':') {
                let items = (i + 1..span.end)
                    .take_while(|&j| !para(j) && is_list_item(&lines[j]))
                    .count();
                if (2..=MAX_LIST_ITEMS).contains(&items) && para(i + 1 + items) {
                    out.extend(i + 1..=i + items);
                    i += items;
                }
            }
        } else if para(i + 1) && is_subheading(&lines[i]) && after_text(lines, &span, i, &para) {
            out.push(i);
        }
        i += 1;
    }
    out
}

/// Whether line `i` follows the text: a paragraph right above it, or a caption (a plain line,
/// not a card's date or credit, nor a label) between it and the paragraph.
fn after_text(
    lines: &[Line],
    span: &std::ops::Range<usize>,
    i: usize,
    para: &dyn Fn(usize) -> bool,
) -> bool {
    let plain = |l: &Line| {
        l.kind() == Kind::Other && !l.stamp && !l.date_line && !l.credit && l.furniture.is_none()
    };
    i > span.start
        && (para(i - 1) || i - 1 > span.start && plain(&lines[i - 1]) && para(i - 2))
        && !lines[i + 1..]
            .first()
            .is_some_and(|n| n.date_line || n.stamp)
}

pub fn is_list_item(l: &Line) -> bool {
    (3..=30).contains(&l.words)
        && l.furniture.is_none()
        && !l.stamp
        && !l.date_line
        && !l.embed
        && !l.credit
        && l.arabic >= 0.5
}

/// A heading inside the text: short (a caption describes a picture at more length), or a
/// question.
fn is_subheading(l: &Line) -> bool {
    let question = l.text.trim_end().ends_with(['؟', '?']);
    if l.text.contains(':') {
        return false; // `تصوير: فلان`: a label, not a heading
    }
    l.headline_like() && (2..=MAX_SUBHEADING_WORDS).contains(&l.words)
        || question && (2..=MAX_QUESTION_HEADING_WORDS).contains(&l.words) && l.furniture.is_none()
}

/// Whether a line inside the region is a paragraph of the article.
pub fn is_paragraph(line: &Line) -> bool {
    matches!(line.kind(), Kind::Prose | Kind::Sentence)
}

#[cfg(test)]
mod tests {
    use super::super::lines::split_leaked as split;
    use super::*;

    const P1: &str = "قال وزير الخارجية الروسي سيرجي لافروف إن روسيا والولايات المتحدة لم تتمكنا من التوصل لنهج مشترك.";
    const P2: &str = "ولكن لافروف اضاف أنه وكيري اتفقا على أن يستمر المسؤولون الروس والأمريكيون في العمل على إيجاد استراتيجية.";

    fn body(text: &str) -> Vec<String> {
        let lines = split(text);
        let (s, e) = region(&lines).expect("a body");
        lines[s..e]
            .iter()
            .filter(|l| is_paragraph(l))
            .map(|l| l.text.to_string())
            .collect()
    }

    #[test]
    fn stops_at_menus_lists_and_forms() {
        let page = format!(
            "الرئيسية\nسياسة\nاقتصاد\nرياضة\nعنوان الخبر هنا\n\n{P1}\n\n{P2}\n\nالأكثر قراءة\nخبر أول طويل بعض الشيء\nخبر ثان"
        );
        assert_eq!(body(&page), [P1, P2]);
    }

    #[test]
    fn crosses_a_caption_between_paragraphs() {
        let page =
            format!("{P1}\n© REUTERS / SOMEONE\nمصر تحظر تصدير الكحول والكمامات الطبية\n{P2}");
        assert_eq!(body(&page), [P1, P2]);
    }

    #[test]
    fn three_non_text_lines_end_the_article() {
        let page = format!("{P1}\n{P2}\nوسم أول\nوسم ثان\nوسم ثالث\n{P1}");
        assert_eq!(body(&page), [P1, P2]);
    }

    /// Regression: a "read also" box or an inline card of another story cut the article short.
    #[test]
    fn interruptions_the_article_goes_on_across() {
        let gap = |s: &str| interruption(&split(s), "");
        assert!(gap("اقرأ أيضاً: ارتفاع أسعار الذهب في الأسواق المحلية"));
        assert!(gap("إعلان"));
        assert!(gap(
            "وزير المالية يعلن موازنة العام المقبل\n12 آذار 2019\n© REUTERS / SOMEONE"
        ));
        assert!(gap(
            "حمّل تطبيق صوت المدينة على هاتفك\nمتوفر الآن على المتاجر"
        ));
        // Tags with nothing of a box about them end the article.
        assert!(!gap("البحر الأحمر\nالقوات البحرية\nالملاحة الدولية"));
        assert!(!gap("الأكثر قراءة\nخبر أول\n12 آذار 2019"));
        assert!(!gap(
            "إعلان\nخبر أول\nخبر ثان\nخبر ثالث\nخبر رابع\nخبر خامس\nخبر سادس\nخبر سابع\nخبر ثامن"
        ));
    }

    /// Regression: subheadings and list items without a full stop were dropped from the text.
    #[test]
    fn subheadings_and_lists_are_text() {
        let page = format!(
            "{P1}\nما الذي تغير؟\n{P2}\nمحطة جديدة\n{P1}\nوتشمل الخطة التي أقرتها الحكومة أمس ما يلي:\nتوسيع شبكة الطرق في الأرياف\nبناء مدارس جديدة في القرى\n{P2}"
        );
        let lines = split(&page);
        let got: Vec<&str> = body_lines(&lines, 0..lines.len(), &|_| false)
            .iter()
            .map(|&i| lines[i].text)
            .collect();
        assert_eq!(got.len(), lines.len(), "{got:?}");
        // A longer line between paragraphs is a photo caption.
        let page = format!("{P1}\nجانب من جولة الوزير داخل غرفة التشغيل الرئيسية\n{P2}");
        let lines = split(&page);
        assert_eq!(body_lines(&lines, 0..3, &|_| false), [0, 2]);
    }

    /// Regression: a section's index of teasers was read as one article.
    #[test]
    fn an_index_of_teasers_is_not_an_article() {
        let entry = |h: &str| format!("{h} في العاصمة اليوم\n{P1}\nالخميس 06 مايو 2021\n");
        let page = format!(
            "{}{}{}",
            entry("خبر أول"),
            entry("خبر ثان"),
            entry("خبر ثالث")
        );
        let lines = split(&page);
        assert!(is_story_list(&lines, 0..lines.len()));
        let article = format!("{P1}\n{P2}\nخبر آخر\nالخميس 06 مايو 2021\n{P1}\n{P2}");
        let lines = split(&article);
        assert!(!is_story_list(&lines, 0..lines.len()));
    }

    #[test]
    fn no_text_no_region() {
        assert_eq!(region(&split("الرئيسية\nسياسة\nاتصل بنا")), None);
    }
}
