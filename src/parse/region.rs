//! Which run of a page's text is the article: the heaviest runs, ranked by how much of the
//! headline's vocabulary they share, and the chosen one joined across interruptions (ads,
//! cards, promos, lists) to the runs on either side that go on with the same story.

use super::lines::Line;
use super::word_set::WordSet;
use super::{body, title, weights};

/// The body among the candidate runs of text. The page's first line is nearly always its
/// `<title>`: when it reads as a headline, the run that shares its vocabulary is the article,
/// even when a longer block (a site's comment rules, an "about us") outweighs it.
pub fn choose(lines: &[Line], first: &Line, page: &title::PageTitle) -> Option<(usize, usize)> {
    // The heaviest runs only: a page of thousands of scraps has thousands of tiny runs, and
    // ranking each by its vocabulary would cost the square of the page.
    let mut candidates = body::regions(lines);
    candidates.truncate(weights::MAX_REGIONS);
    let headline = page.site.is_some() || first.headline_like();
    if !headline {
        return candidates.first().map(|&(s, e, _)| (s, e));
    }
    let title_words: Vec<&str> = first
        .key
        .split(' ')
        .filter(|w| w.chars().count() >= 3)
        .collect();
    let wanted = WordSet::new(title_words.iter().copied());
    // Each headline word's number in the set, looked up once rather than for every run.
    let numbers: Vec<Option<usize>> = title_words.iter().map(|t| wanted.get(t)).collect();
    let shared = |s: usize, e: usize| {
        let found = wanted.found_in(lines[s..e].iter().map(|l| (l.key, l.hashes)));
        numbers
            .iter()
            .filter(|n| n.is_some_and(|i| found[i]))
            .count()
    };
    // A run that is only the headline printed again (glued to itself, in a footer) shares
    // every word of it and is no text.
    let scored: Vec<(usize, usize, f64, usize)> = candidates
        .iter()
        .filter(|&&(s, e, _)| {
            !lines[s..e]
                .iter()
                .all(|l| title::line_is_copy_of(&page.head_compact, l))
        })
        .map(|&(s, e, w)| (s, e, w, shared(s, e)))
        .collect();
    let &(mut start, mut end, _, _) = scored.iter().max_by(|a, b| {
        let score = |c: &(usize, usize, f64, usize)| {
            c.2 * (0.1 + c.3 as f64 / title_words.len().max(1) as f64)
        };
        score(a).total_cmp(&score(b))
    })?;
    // The same story goes on across an interruption: take in the runs on either side that
    // are about the headline too.
    // The run across the gap is the same story when it uses the headline's words or the
    // text's own (its people and places); past a promo or a sign-up box, more of them.
    let same_story = |gap: std::ops::Range<usize>,
                      c: &(usize, usize, f64, usize),
                      span: (usize, usize)| {
        // `… العوامل الأبرز هي:` then the list: the text goes on after its items.
        let list = lines[..gap.start]
            .last()
            .is_some_and(|l| l.text.trim_end().ends_with(':'));
        let gap = &lines[gap];
        let list = list && gap.len() <= 10 && gap.iter().all(body::is_list_item);
        if !list && !body::interruption(gap, &page.head_compact) {
            return false;
        }
        // An ad label or a "read also" box says plainly that the text goes on; a card of
        // another story or a promo does not, and the text after them must show more.
        let need = if list || gap.iter().any(|l| l.interrupts()) {
            weights::SAME_STORY_AFTER_LABEL
        } else if body::holds_furniture(gap) {
            weights::SAME_STORY_AFTER_PROMO
        } else {
            weights::SAME_STORY_AFTER_CARD
        };
        c.3 >= need || c.3 + body::shared_words(&lines[span.0..span.1], &lines[c.0..c.1]) >= need
    };
    loop {
        let next = scored
            .iter()
            .find(|c| c.0 >= end && same_story(end..c.0, c, (start, end)));
        let prev = scored
            .iter()
            .find(|c| c.1 <= start && same_story(c.1..start, c, (start, end)));
        match (next, prev) {
            (Some(c), _) => end = c.1,
            (None, Some(c)) => start = c.0,
            (None, None) => break,
        }
    }
    Some((start, end))
}
