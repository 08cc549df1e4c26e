//! The parser's keys, the search analyzer and the story threads' profiles agree on folding:
//! a text and the same text respelled (each letter swapped for another spelling the table
//! folds it with, marks added inside words) are one text to all three, and the parser's key
//! is the analyzer's words folded.

use proptest::prelude::*;

use crate::archive::threads::Profile;
use crate::parse::Article;
use crate::parse::text::key;
use crate::search::analyzer::terms;

/// The spellings the table folds together, the folded one first.
const SAME: [&[char]; 4] = [
    &['ا', 'أ', 'إ', 'آ', 'ٱ'],
    &['ي', 'ى', 'ی'],
    &['ك', 'ک'],
    &['ه', 'ة'],
];

/// Marks a respelling may add after a letter: harakat, superscript alef, an honorific sign,
/// a zero-width non-joiner.
const MARKS: [char; 6] = [
    '\u{064E}', '\u{0651}', '\u{0652}', '\u{0670}', '\u{0610}', '\u{200C}',
];

/// Letters words are made of: the Arabic letters (tatweel aside, which also marks a clitic)
/// and some Latin and digits.
fn letters() -> Vec<char> {
    ('\u{0621}'..='\u{064A}')
        .filter(|&c| c != '\u{0640}')
        .chain(['ی', 'ک', 'ٱ', 'a', 'Z', '7', '٣', '۵'])
        .collect()
}

/// Another spelling of `c` (the `pick`th of its group), or `c` when it has none.
fn respell(c: char, pick: usize) -> char {
    SAME.iter()
        .find(|group| group.contains(&c))
        .map_or(c, |group| group[pick % group.len()])
}

/// Words as (letter, respelling pick, mark to add) triples, and the separators between them.
type Words = Vec<(Vec<(usize, usize, Option<usize>)>, usize)>;

fn texts(words: &Words) -> (String, String) {
    let letters = letters();
    let separators = [" ", "، ", " (", ") ", "\n", "«", "» ", " - ", "."];
    let (mut plain, mut respelled) = (String::new(), String::new());
    for (word, sep) in words {
        for &(l, pick, mark) in word {
            let c = letters[l % letters.len()];
            plain.push(c);
            respelled.push(respell(c, pick));
            if let Some(m) = mark {
                respelled.push(MARKS[m % MARKS.len()]);
            }
        }
        plain.push_str(separators[sep % separators.len()]);
        respelled.push_str(separators[sep % separators.len()]);
    }
    (plain, respelled)
}

fn profile(text: &str) -> Profile {
    Profile::of(&Article {
        title: text.to_owned(),
        body: text.lines().map(String::from).collect(),
        ..Article::default()
    })
}

fn words_strategy() -> impl Strategy<Value = Words> {
    let letter = (
        0..200usize,
        0..5usize,
        prop::option::weighted(0.3, 0..6usize),
    );
    prop::collection::vec((prop::collection::vec(letter, 1..8), 0..9usize), 1..12)
}

proptest! {
    #[test]
    fn keys_terms_and_profiles_see_one_spelling(words in words_strategy()) {
        let (plain, respelled) = texts(&words);
        prop_assert_eq!(key(&plain), key(&respelled));
        prop_assert_eq!(terms(&plain), terms(&respelled));
        prop_assert_eq!(profile(&plain), profile(&respelled));
    }

    #[test]
    fn a_key_is_the_analyzers_words_folded(words in words_strategy()) {
        let (_, respelled) = texts(&words);
        let folded: Vec<String> = crate::arabic::words(&respelled)
            .map(|w| crate::arabic::normalize(&respelled[w]))
            .collect();
        prop_assert_eq!(key(&respelled), folded.join(" "));
    }
}

/// The hamza seats are letters of their own to all three (see `arabic::fold`): the parser used
/// to fold them, the analyzer did not, and words that differ only by a seat are other words.
#[test]
fn a_hamza_seat_makes_another_word() {
    assert_ne!(terms("رؤى"), terms("روى"));
    assert_ne!(key("رؤى"), key("روى"));
    assert_ne!(profile("سئل عن الأمر"), profile("سيل عن الأمر"));
    assert_eq!(
        terms("رؤى"),
        terms("رؤي"),
        "while alef maqsura is still yeh"
    );
}
