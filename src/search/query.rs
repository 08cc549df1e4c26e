//! A reader's query: read leniently into words and phrases, and what it becomes for tantivy
//! (the query that ranks and counts, and the terms it reads, asked of the disk ahead).

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::analyzer::{for_each_term, terms};
use super::line::pair;
use super::pairs::pair_is_indexed;
use super::read_ahead::Reads;
use super::schema::Fields;

/// A title match counts this many times a body match, so that articles about the query rank
/// above articles that mention it.
pub(super) const TITLE_BOOST: f32 = 3.0;

/// A reader's query, read leniently: quoted parts are phrases, the rest words.
#[derive(Debug, Default, PartialEq)]
pub(super) struct ParsedQuery {
    pub(super) words: Vec<String>,
    pub(super) phrases: Vec<Vec<String>>,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '«' | '»' | '„' | '″')
}

/// The pair term a phrase is searched by: a phrase of two words whose pair the pairs fields
/// hold ([`pair_is_indexed`]); `None` for a phrase searched by its words' positions.
pub(super) fn pair_term(phrase: &[String]) -> Option<String> {
    match phrase {
        [first, second] if pair_is_indexed(first, second) => Some(pair(first, second)),
        _ => None,
    }
}

pub(super) fn parse_query(query: &str) -> ParsedQuery {
    let mut parsed = ParsedQuery::default();
    let add_words = |text: &str, parsed: &mut ParsedQuery| {
        for_each_term(text, |t| {
            if !parsed.words.iter().any(|w| w == t) {
                parsed.words.push(t.to_owned());
            }
        })
    };
    // Odd pieces are inside quotes; an unclosed quote is read as words, not as a phrase to
    // the end of the query, because that is usually a typo.
    let pieces: Vec<&str> = query.split(is_quote).collect();
    let closed = if pieces.len().is_multiple_of(2) {
        pieces.len() - 1
    } else {
        pieces.len()
    };
    for (i, piece) in pieces.iter().enumerate() {
        if i % 2 == 1 && i < closed {
            let phrase = terms(piece);
            match phrase.len() {
                0 => {}
                1 => add_words(piece, &mut parsed),
                _ => parsed.phrases.push(phrase),
            }
        } else {
            // Readers used to other engines type operators; here every word is required
            // anyway, so they are dropped rather than searched for.
            for word in piece.split_whitespace() {
                if !matches!(word, "AND" | "OR" | "NOT" | "&&" | "||") {
                    add_words(word, &mut parsed);
                }
            }
        }
    }
    parsed
}

/// The pair terms of `phrase`'s adjacent words that the pairs fields hold
/// ([`pair_is_indexed`]): an article holds the phrase in a field only if that field's pairs
/// field holds each of them.
pub(super) fn indexed_pairs(phrase: &[String]) -> impl Iterator<Item = String> + '_ {
    (phrase.windows(2))
        .filter(|w| pair_is_indexed(&w[0], &w[1]))
        .map(|w| pair(&w[0], &w[1]))
}

/// `terms` as terms of `field`, in order.
pub(super) fn field_terms(field: Field, terms: &[String]) -> Vec<Term> {
    terms
        .iter()
        .map(|t| Term::from_field_text(field, t))
        .collect()
}

/// The query of a phrase by its words' positions in one field (a phrase of three words or
/// more, or of two whose pair is not indexed), in the articles whose pairs field holds each of
/// its indexed pairs: tantivy drives an intersection by its cheapest member and reads a
/// phrase's positions only at the articles the others agree on (`seek_danger`), so the pairs'
/// postings narrow the articles whose positions are read to those holding every pair, not
/// every word. The same articles (a phrase in a field has its pairs there, as the pairs are
/// made from the same terms, see `super::pairs`) and the same scores (the pairs weigh nothing).
pub(super) fn by_positions(field: Field, pairs_field: Field, terms: &[String]) -> Box<dyn Query> {
    let positions: Box<dyn Query> = Box::new(PhraseQuery::new(field_terms(field, terms)));
    let mut clauses = vec![(Occur::Must, positions)];
    for pair in indexed_pairs(terms) {
        let held: Box<dyn Query> = Box::new(TermQuery::new(
            Term::from_field_text(pairs_field, &pair),
            IndexRecordOption::Basic,
        ));
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(held, 0.0))));
    }
    match clauses.len() {
        1 => clauses.pop().expect("the phrase").1,
        _ => Box::new(BooleanQuery::new(clauses)),
    }
}

/// The tantivy query of `parsed`: every word and every phrase must match, in the title or
/// the body, a title match weighing [`TITLE_BOOST`] times a body match.
pub(super) fn query(parsed: &ParsedQuery, f: Fields) -> Option<Box<dyn Query>> {
    let either = |title: Box<dyn Query>, body: Box<dyn Query>| -> Box<dyn Query> {
        Box::new(BooleanQuery::new(vec![
            (Occur::Should, Box::new(BoostQuery::new(title, TITLE_BOOST))),
            (Occur::Should, body),
        ]))
    };
    let term = |field, text: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ))
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for w in &parsed.words {
        clauses.push((Occur::Must, either(term(f.title, w), term(f.body, w))));
    }
    for p in &parsed.phrases {
        let clause = match pair_term(p) {
            Some(pair) => either(term(f.title_pairs, &pair), term(f.body_pairs, &pair)),
            None => either(
                by_positions(f.title, f.title_pairs, p),
                by_positions(f.body, f.body_pairs, p),
            ),
        };
        clauses.push((Occur::Must, clause));
    }
    // One clause stands alone rather than inside a query of one `Must`: the same scores,
    // but tantivy only skips (block-max WAND) in a union of plain term queries, which a
    // lone word's "title or body" is and its wrapper is not.
    if clauses.len() == 1 {
        return clauses.pop().map(|(_, only)| only);
    }
    (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
}

/// What a query of `parsed` reads of each of its terms: a word's postings in the title and
/// the body; a pair term's (a two-word phrase's whose pair is indexed), and its words' entries
/// (the passages weigh them); another phrase's words' positions too, and the postings of its
/// indexed pairs ([`query`]).
pub(super) fn wanted(parsed: &ParsedQuery, f: Fields) -> Vec<(Term, Reads)> {
    let mut wanted = Vec::new();
    let mut both = |title, body, text: &str, reads| {
        wanted.push((Term::from_field_text(title, text), reads));
        wanted.push((Term::from_field_text(body, text), reads));
    };
    for word in &parsed.words {
        both(f.title, f.body, word, Reads::Postings);
    }
    for phrase in &parsed.phrases {
        match pair_term(phrase) {
            Some(pair) => both(f.title_pairs, f.body_pairs, &pair, Reads::Postings),
            None => {
                for word in phrase {
                    both(f.title, f.body, word, Reads::Positions);
                }
                for pair in indexed_pairs(phrase) {
                    both(f.title_pairs, f.body_pairs, &pair, Reads::Postings);
                }
            }
        }
    }
    for phrase in parsed.phrases.iter().filter(|p| pair_term(p).is_some()) {
        for word in phrase {
            wanted.push((Term::from_field_text(f.body, word), Reads::Entry));
        }
    }
    wanted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_read_leniently() {
        let w = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let cases: [(&str, ParsedQuery); 7] = [
            ("", ParsedQuery::default()),
            ("!!! ... ؟؟ \"\" «»", ParsedQuery::default()),
            (
                "لافروف كيري لافروف",
                ParsedQuery {
                    words: w(&["لافروف", "كير"]),
                    phrases: vec![],
                },
            ),
            (
                "\"وزير الخارجية\" لافروف",
                ParsedQuery {
                    words: w(&["لافروف"]),
                    phrases: vec![w(&["زير", "خارج"])],
                },
            ),
            (
                "«داعش»",
                ParsedQuery {
                    words: w(&["داعش"]),
                    phrases: vec![],
                },
            ),
            (
                "title:كيري AND (روسيا OR -سوريا*",
                ParsedQuery {
                    words: w(&["title", "كير", "روسيا", "سوريا"]),
                    phrases: vec![],
                },
            ),
            (
                "\"وزير الخارجية",
                ParsedQuery {
                    words: w(&["زير", "خارج"]),
                    phrases: vec![],
                },
            ),
        ];
        for (query, want) in cases {
            assert_eq!(parse_query(query), want, "parse_query({query:?})");
        }
    }
}
