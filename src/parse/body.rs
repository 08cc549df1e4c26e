//! Finding the article's paragraphs among the page's lines.
//!
//! Every line gets a weight: running text is worth its length, a short sentence half of it,
//! anything else (a heading, caption, stamp, repeated title, list item) costs a fixed amount,
//! and furniture (comment forms, "most read", copyright) cannot be crossed at all. The body is
//! the run of lines with the greatest total weight, found in one pass (Kadane's maximum
//! subarray). A navigation menu, a related list or a footer costs more than it brings, so the
//! run stops at them without a rule for any one site; a caption or a stray related link between
//! two paragraphs costs less than the paragraphs around it, so the run goes on across it.

use super::lines::{Kind, Line};

/// What crossing one line that is not text costs, in characters of text.
const GAP_COST: f64 = 40.0;
/// This many non-text lines in a row end the article whatever follows: a related list or a
/// tag cloud, not a caption between two paragraphs.
const MAX_GAP: usize = 3;

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

/// The heaviest candidate body.
#[cfg(test)]
fn region(lines: &[Line]) -> Option<(usize, usize)> {
    regions(lines).first().map(|&(s, e, _)| (s, e))
}

/// Whether a line inside the region is a paragraph of the article.
pub fn is_paragraph(line: &Line) -> bool {
    matches!(line.kind(), Kind::Prose | Kind::Sentence)
}

#[cfg(test)]
mod tests {
    use super::super::lines::split;
    use super::*;

    const P1: &str = "قال وزير الخارجية الروسي سيرجي لافروف إن روسيا والولايات المتحدة لم تتمكنا من التوصل لنهج مشترك.";
    const P2: &str = "ولكن لافروف اضاف أنه وكيري اتفقا على أن يستمر المسؤولون الروس والأمريكيون في العمل على إيجاد استراتيجية.";

    fn body(text: &str) -> Vec<String> {
        let lines = split(text);
        let (s, e) = region(&lines).expect("a body");
        lines[s..e]
            .iter()
            .filter(|l| is_paragraph(l))
            .map(|l| l.text.clone())
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

    #[test]
    fn no_text_no_region() {
        assert_eq!(region(&split("الرئيسية\nسياسة\nاتصل بنا")), None);
    }
}
