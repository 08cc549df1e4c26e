//! Which of the headline's candidates wins on its points, and whether the share of its words
//! that the text uses (0 to 1 more) can still change that: when it cannot, the text's words
//! are not looked up at all.

/// A candidate's points as `title::find` adds them up: those before its share of words the
/// text uses, and those after (a list's loss, the first's gain). Whole numbers (the weights
/// are), so the sums before the share are exact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Points {
    pub before: f64,
    pub after: f64,
}

impl Points {
    /// The score with the share of words added where `title::find` always added it (between
    /// the two, so that the sum is the same float, bit for bit).
    fn with_share(self, share: f64) -> f64 {
        self.before + share + self.after
    }
}

/// The candidate that wins whatever the shares are, if one does. A share adds 0 to 1 (and the
/// sums round the same way both sides), and a tie goes to the earlier candidate: so the top
/// one wins for sure when its points are more than one above every earlier candidate's and at
/// least one above every later one's.
pub fn clear_winner(points: &[Points]) -> Option<usize> {
    let total = |p: &Points| p.before + p.after;
    let (top, best) = points
        .iter()
        .enumerate()
        .map(|(k, p)| (k, total(p)))
        .reduce(|a, b| if b.1 > a.1 { b } else { a })?;
    points
        .iter()
        .enumerate()
        .all(|(k, p)| match k.cmp(&top) {
            std::cmp::Ordering::Less => best - total(p) > 1.0,
            std::cmp::Ordering::Equal => true,
            std::cmp::Ordering::Greater => best - total(p) >= 1.0,
        })
        .then_some(top)
}

/// The candidate with the highest score, its points and its `share` of words; the first of
/// equal scores.
pub fn by_score(points: &[Points], mut share: impl FnMut(usize) -> f64) -> Option<usize> {
    let mut best: Option<(f64, usize)> = None;
    for (k, p) in points.iter().enumerate() {
        let score = p.with_share(share(k));
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, k));
        }
    }
    best.map(|(_, k)| k)
}

/// Share of the title's words (of three letters or more) that the body uses: a headline is
/// about its article; a related headline or a ticker item is not.
pub fn coherence(words: &[&str], in_body: impl Fn(&str) -> bool) -> f64 {
    if words.is_empty() {
        return 0.0;
    }
    let hits = words
        .iter()
        .filter(|w| in_body(w) || in_body(w.strip_prefix("ال").unwrap_or(w)))
        .count();
    hits as f64 / words.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wherever a winner is clear, the scores with every mix of shares (none, a third, a half,
    /// all) pick it; where it is not, two mixes pick different candidates (the rule is exact:
    /// one point above an earlier candidate, a share of 1 against 0 ties, and the earlier wins;
    /// one point above a later one, the tie goes to the top).
    #[test]
    fn a_clear_winner_is_the_one_every_share_picks() {
        let shares = [0.0, 1.0 / 3.0, 0.5, 1.0];
        let values = [-3.0, -2.0, 0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 7.0];
        let mut cases: Vec<Vec<Points>> = Vec::new();
        for &a in &values {
            cases.push(vec![Points {
                before: a,
                after: 1.0,
            }]);
            for &b in &values {
                cases.push(vec![
                    Points {
                        before: a,
                        after: 1.0,
                    },
                    Points {
                        before: b,
                        after: 0.0,
                    },
                ]);
                for &c in &values {
                    cases.push(vec![
                        Points {
                            before: a,
                            after: -3.0,
                        },
                        Points {
                            before: b,
                            after: 0.0,
                        },
                        Points {
                            before: c,
                            after: 0.0,
                        },
                    ]);
                }
            }
        }
        let (mut clear, mut unclear) = (0, 0);
        for points in &cases {
            let n = points.len();
            let picks: Vec<Option<usize>> = (0..shares.len().pow(n as u32))
                .map(|mix| {
                    by_score(points, |k| {
                        shares[mix / shares.len().pow(k as u32) % shares.len()]
                    })
                })
                .collect();
            match clear_winner(points) {
                Some(w) => {
                    clear += 1;
                    assert!(picks.iter().all(|&p| p == Some(w)), "{points:?}");
                }
                None => {
                    unclear += 1;
                    assert!(picks.iter().any(|&p| p != picks[0]), "{points:?}");
                }
            }
        }
        assert!(clear > 0 && unclear > 0);
        assert_eq!(clear_winner(&[]), None);
        assert_eq!(by_score(&[], |_| 0.0), None);
    }
}
