//! Arabic text as every stage compares it: one folding table ([`fold`]), one set of marks
//! ([`marks`]), one word splitter ([`words`]), and the alphabetical order of names
//! ([`collate`]).
//!
//! The parser's comparison keys (`parse::text`), the search analyzer (`search::analyzer`) and
//! the story threads' profiles (`archive::threads`) all fold and split through this module, so
//! a spelling that one of them takes for another is taken so by all three (the crate's
//! `fold_agreement` property test holds them to it). It depends on nothing else of the crate.

pub mod chars;
pub mod collate;
pub mod fold;
pub mod marks;
pub mod words;

pub use chars::{ascii_digit, is_alnum, is_arabic_letter, is_letter};
pub use fold::{fold_char, fold_letter, normalize, normalize_into};
pub use marks::{TATWEEL, is_harakah, is_joiner, is_mark};
pub use words::{cuts_a_clitic, is_word_char, words};
