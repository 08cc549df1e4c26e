//! The parser's scoring weights and thresholds, named in one place. Each says what it weighs
//! and why it has its value; change one here, then score the seeds, `../shared/real-pages/`,
//! `tests/fixtures/layouts/` and a generated corpus before and after.

// ---- The body: a maximum-weight run of lines (`body.rs`) ----

/// What crossing one line that is not text costs, in characters of text: a caption between
/// two paragraphs costs less than they bring; a menu of many entries more than a paragraph.
pub const GAP_COST: f64 = 40.0;
/// This many non-text lines in a row end a run whatever follows: a related list or a tag
/// cloud, not a caption between two paragraphs.
pub const MAX_GAP: usize = 3;
/// How many candidate runs are weighed against the headline: the heaviest only, so that a
/// page of thousands of scraps costs no more than a page.
pub const MAX_REGIONS: usize = 16;
/// The most lines an interruption of the article may take: an ad label, a "read also" box
/// with a few headlines, an inline card (headline, date, picture credit), a poll.
pub const MAX_INTERRUPTION: usize = 8;
/// Words of the headline, or of the text itself, that the run after an interruption must
/// use to be the same story: after an ad label or a "read also" box (which say plainly that
/// the text goes on), after a card of another story, after a promo or sign-up box.
pub const SAME_STORY_AFTER_LABEL: usize = 1;
pub const SAME_STORY_AFTER_CARD: usize = 2;
pub const SAME_STORY_AFTER_PROMO: usize = 3;
/// A list inside the text has a few items: more, and it is a menu or a related list.
pub const MAX_LIST_ITEMS: usize = 10;
/// A subheading is short (a photo caption describes at more length), or a question.
pub const MAX_SUBHEADING_WORDS: usize = 5;
pub const MAX_QUESTION_HEADING_WORDS: usize = 10;

// ---- The headline (`title.rs`) ----

/// How many lines above the text may hold the headline.
pub const MAX_TITLE_CANDIDATES: usize = 300;
/// Points a candidate headline earns: printed twice or more (the page title and the
/// heading), being the page title's headline, four words or more, coming first; and what
/// it loses sitting in a list of headlines. Its share of words the text uses adds 0 to 1.
pub const TITLE_COPIES: f64 = 3.0;
pub const TITLE_IS_PAGE_TITLE: f64 = 2.0;
pub const TITLE_FOUR_WORDS: f64 = 1.0;
pub const TITLE_FIRST: f64 = 1.0;
pub const TITLE_IN_LIST: f64 = -3.0;

// ---- The standfirst (`standfirst.rs`) ----

/// A summary is short: longer than this it is the article's own first paragraph.
pub const STANDFIRST_MAX_WORDS: usize = 70;
/// Share of a summary's word pairs that the paragraph under it repeats (it restates the
/// lede). Ledes of news seen so far share under a fifth with the next paragraph.
pub const STANDFIRST_RESTATED: f64 = 0.35;
/// Share of its word triples found in one later paragraph: a pull-quote printed again.
pub const STANDFIRST_QUOTED: f64 = 0.8;

// ---- Dates (`meta.rs`) ----

/// How far (in lines) a date may sit above the headline and still be the article's.
pub const DATE_ABOVE_TITLE: usize = 3;
/// Two dated lines this close belong to a list.
pub const DATE_LIST_SPAN: usize = 3;
