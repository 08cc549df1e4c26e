//! The standfirst: a one- or two-sentence summary set right under the headline, above the
//! article's first paragraph. It reads like a paragraph, so the body finder takes it in; this
//! module tells it apart by what a summary does that a lede does not.

use rustc_hash::FxHashSet;

use super::lines::Line;
use super::text::key_words;
use super::weights::{STANDFIRST_MAX_WORDS, STANDFIRST_QUOTED, STANDFIRST_RESTATED};

/// The standfirst's line, if the page has one. `headline` is the headline's line, `start` the
/// first line of the text, `paragraphs` the text's lines; `is_title` tells the headline's
/// copies, `has_dateline` a line opening with a dateline (the lede, never a standfirst).
/// General forms, beside those of [`is_standfirst`]:
/// - a paragraph right under the headline, in the header, apart from the text;
/// - a paragraph right under the headline followed by the byline or the date, then the text.
pub fn find(
    lines: &[Line],
    headline: usize,
    start: usize,
    paragraphs: &[usize],
    is_title: &dyn Fn(&Line) -> bool,
    has_dateline: &dyn Fn(&Line) -> bool,
) -> Option<usize> {
    // The line right under the headline: a byline or a date there means the text follows.
    let under = (headline + 1..lines.len()).find(|&i| !is_title(&lines[i]) || i == start)?;
    let line = &lines[under];
    if is_title(line)
        || line.words > STANDFIRST_MAX_WORDS
        || !super::body::is_paragraph(line)
        || has_dateline(line)
    {
        return None;
    }
    if under < start {
        return (!paragraphs.is_empty()).then_some(under);
    }
    let [first, next, ..] = paragraphs else {
        return None;
    };
    if *first != under {
        return None;
    }
    let header_between = lines[first + 1..*next].iter().any(|l| {
        l.date_line
            || l.stamp
            || super::dateline::byline(l).is_some()
            || super::dateline::header(l).is_some()
    });
    let rest: Vec<&Line> = paragraphs[1..].iter().map(|&i| &lines[i]).collect();
    (header_between || is_standfirst(line, &rest)).then_some(under)
}

/// Whether `first`, the first paragraph under the headline, is a standfirst, judged against
/// the paragraphs that follow it. General forms:
/// - it opens with a dash or bullet (`- أرباح الشركة تنخفض …`);
/// - it restates the paragraph under it (a summary of the lede);
/// - it quotes a sentence the article prints again further down (a pull-quote).
pub fn is_standfirst(first: &Line, rest: &[&Line]) -> bool {
    if first.words > STANDFIRST_MAX_WORDS || rest.len() < 2 {
        return false;
    }
    if first.text.starts_with(['-', '–', '—', '•']) {
        return true;
    }
    let words: Vec<&str> = key_words(first.key).collect();
    let pairs: FxHashSet<(&str, &str)> = words.windows(2).map(|w| (w[0], w[1])).collect();
    let next: Vec<&str> = key_words(rest[0].key).collect();
    let repeated = next
        .windows(2)
        .map(|w| (w[0], w[1]))
        .filter(|p| pairs.contains(p))
        .collect::<FxHashSet<_>>()
        .len();
    if !pairs.is_empty() && repeated as f64 / pairs.len() as f64 >= STANDFIRST_RESTATED {
        return true;
    }
    let triples: FxHashSet<(&str, &str, &str)> =
        words.windows(3).map(|w| (w[0], w[1], w[2])).collect();
    if triples.len() < 5 {
        return false;
    }
    rest[1..].iter().any(|p| {
        let w: Vec<&str> = key_words(p.key).collect();
        let found = w
            .windows(3)
            .map(|w| (w[0], w[1], w[2]))
            .filter(|t| triples.contains(t))
            .collect::<FxHashSet<_>>()
            .len();
        found as f64 / triples.len() as f64 >= STANDFIRST_QUOTED
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Line<'static>> {
        super::super::lines::split_leaked(text)
    }

    fn check(text: &str) -> bool {
        let l = lines(text);
        let rest: Vec<&Line> = l[1..].iter().collect();
        is_standfirst(&l[0], &rest)
    }

    const LEDE: &str = "أعلنت شركة الموانئ الوطنية انخفاض أرباحها نحو النصف خلال الربع الأول من العام بسبب اضطراب حركة الشحن في المنطقة.";
    const NEXT: &str =
        "وقالت الشركة في بيان إن تكاليف التشغيل ارتفعت بشكل كبير منذ مطلع العام الحالي.";
    const LAST: &str =
        "ويتوقع محللون أن تتحسن النتائج في النصف الثاني من العام مع عودة الملاحة إلى طبيعتها.";

    #[test]
    fn a_summary_that_restates_the_lede() {
        let summary =
            "أرباح شركة الموانئ الوطنية تنخفض نحو النصف بسبب اضطراب حركة الشحن في المنطقة.";
        assert!(check(&format!("{summary}\n{LEDE}\n{NEXT}\n{LAST}")));
    }

    #[test]
    fn a_dash_opens_a_summary() {
        assert!(check(&format!(
            "- الشركة تتوقع تحسن النتائج قريبا.\n{LEDE}\n{NEXT}\n{LAST}"
        )));
    }

    #[test]
    fn a_pull_quote_printed_again_below() {
        let quote = "إذا استمرت الأزمة أشهرا أخرى فإن الشركات الصغيرة ستدفع الثمن الأكبر من أرباحها.";
        let later = format!("وختم المحلل بالقول إنه {quote} وأضاف أن الحكومة مطالبة بالتدخل.");
        assert!(check(&format!("{quote}\n{LEDE}\n{NEXT}\n{later}")));
    }

    #[test]
    fn a_summary_over_the_byline() {
        let l = lines(&format!(
            "عنوان الخبر الرئيسي هنا\nملخص قصير للخبر في جملة واحدة مفيدة للقارئ.\nبقلم: سامي خليل\n{LEDE}\n{NEXT}"
        ));
        let no = |_: &Line| false;
        assert_eq!(find(&l, 0, 1, &[1, 3, 4], &no, &no), Some(1));
        // A lede followed by the text is not one.
        let l = lines(&format!("عنوان الخبر الرئيسي هنا\n{LEDE}\n{NEXT}\n{LAST}"));
        assert_eq!(find(&l, 0, 1, &[1, 2, 3], &no, &no), None);
        // Regression: a `SITE – NAME` line under the headline was passed over as if it were
        // a copy of it, and the lede under it (printed again inside a later paragraph of a
        // generated page) was taken for a pull-quote.
        let l = lines(&format!(
            "عنوان الخبر الرئيسي هنا\nصوت المدينة – المحرر السياسي\n{LEDE}\n{NEXT}\nوفي السياق {LEDE}"
        ));
        let dateline = |l: &Line| l.text.starts_with("صوت المدينة");
        assert_eq!(find(&l, 0, 2, &[2, 3, 4], &no, &dateline), None);
    }

    #[test]
    fn an_ordinary_lede_is_body() {
        assert!(!check(&format!("{LEDE}\n{NEXT}\n{LAST}")));
        // Too few paragraphs to tell a summary from a lede.
        let summary =
            "أرباح شركة الموانئ الوطنية تنخفض نحو النصف بسبب اضطراب حركة الشحن في المنطقة.";
        assert!(!check(&format!("{summary}\n{LEDE}")));
    }
}
