//! The spelling-variant table (`variants.txt`, compiled in): outlets' spellings of one name
//! mapped to one stem, so that either spelling finds the other.

use std::collections::HashMap;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use super::stem::stem;
use crate::arabic::{normalize, words};

const TABLE: &str = include_str!("variants.txt");

/// What is wrong with a line of the table; the table tests reject any.
#[derive(Debug, PartialEq, Eq)]
pub struct TableProblem {
    pub line: usize,
    pub message: String,
}

/// Stem to canonical stem, for every stem of a group but the first.
#[derive(Debug, Default)]
pub struct Variants {
    /// rustc-hash: the lookup runs for every word indexed or searched, and the keys are short
    /// and fixed (no hash flooding to fear), where SipHash would cost more than the lookup.
    map: FxHashMap<String, String>,
    /// Byte lengths of the stems in `map`, as a bit set: most words are ruled out by it.
    lengths: u128,
}

impl Variants {
    /// Reads a table in the format of `variants.txt`. A line that conflicts with an earlier
    /// one, or adds nothing, is reported and skipped, so a bad edit costs one line of the
    /// table, never the build or the server.
    pub fn parse(table: &str) -> (Variants, Vec<TableProblem>) {
        let mut map: FxHashMap<String, String> = FxHashMap::default();
        // Every stem a group names, canonical or not, so two groups never share one.
        let mut owner: HashMap<String, usize> = HashMap::new();
        let mut problems = Vec::new();
        for (i, line) in table.lines().enumerate() {
            let line_no = i + 1;
            let content = line.split('#').next().unwrap_or("");
            let mut stems: Vec<String> = Vec::new();
            for word in content.split_whitespace() {
                let parts: Vec<_> = words(word).collect();
                if parts.len() != 1 {
                    problems.push(TableProblem {
                        line: line_no,
                        message: format!("{word:?} is not one word"),
                    });
                    continue;
                }
                let s = stem(&normalize(&word[parts[0].clone()])).to_owned();
                if !stems.contains(&s) {
                    stems.push(s);
                }
            }
            if content.trim().is_empty() {
                continue;
            }
            if stems.len() < 2 {
                problems.push(TableProblem {
                    line: line_no,
                    message: "its spellings are one word after normalising and stemming".into(),
                });
                continue;
            }
            if let Some((s, other)) = stems
                .iter()
                .find_map(|s| owner.get(s).map(|&other| (s, other)))
            {
                problems.push(TableProblem {
                    line: line_no,
                    message: format!("the stem {s} is already in the group of line {other}"),
                });
                continue;
            }
            for s in &stems {
                owner.insert(s.clone(), line_no);
            }
            let (canonical, rest) = stems.split_first().expect("two stems or more");
            for s in rest {
                map.insert(s.clone(), canonical.clone());
            }
        }
        let lengths = map
            .keys()
            .filter(|k| k.len() < 128)
            .fold(0, |bits, k| bits | 1u128 << k.len());
        (Variants { map, lengths }, problems)
    }

    /// The canonical stem for `stem`, when the table lists it as a variant.
    pub fn canonical(&self, stem: &str) -> Option<&str> {
        if stem.len() >= 128 || self.lengths & (1u128 << stem.len()) == 0 {
            return None;
        }
        self.map.get(stem).map(String::as_str)
    }
}

static VARIANTS: LazyLock<Variants> = LazyLock::new(|| Variants::parse(TABLE).0);

/// The canonical stem for `stem` in the compiled-in table.
pub fn canonical(stem: &str) -> Option<&'static str> {
    VARIANTS.canonical(stem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyzer::terms;

    #[test]
    fn every_canonical_form_is_short_enough_for_a_line_of_terms() {
        // `super::pairs` writes a term's length in one ASCII byte.
        assert!(VARIANTS.map.values().all(|c| c.len() < 0x80));
    }

    #[test]
    fn the_shipped_table_has_no_problem() {
        let (variants, problems) = Variants::parse(TABLE);
        assert_eq!(problems, []);
        assert!(variants.map.len() >= 20);
    }

    #[test]
    fn either_spelling_gives_the_same_term() {
        let pairs = [
            ("سوريا", "سورية"),
            ("أمريكا", "أميركا"),
            ("الأمريكية", "الأميركية"),
            ("الأمريكيين", "الأميركيين"),
            ("البنتاغون", "البنتاجون"),
            ("شويغو", "شويجو"),
            ("سيرغي", "سيرجي"),
            ("أوباما", "اوباما"),
            ("إيران", "ايران"),
            ("بوتين", "بوتن"),
            ("وسوريا", "وسورية"),
        ];
        for (a, b) in pairs {
            assert_eq!(terms(a), terms(b), "{a} ~ {b}");
        }
        assert_ne!(terms("روسيا"), terms("سوريا"));
    }

    #[test]
    fn bad_lines_are_reported_and_skipped() {
        let table =
            "# comment\n\nسوريا سورية\nأوباما اوباما\nسورية سوريه\nلافروف\nغوغل جوجل # trailing\n";
        let (variants, problems) = Variants::parse(table);
        let lines: Vec<_> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [4, 5, 6]);
        assert_eq!(variants.canonical("سور"), Some("سوريا"));
        assert_eq!(variants.canonical("جوجل"), Some("غوغل"));
        assert_eq!(variants.canonical("سوريا"), None);
    }
}
