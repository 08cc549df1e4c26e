//! The search index's floor: what tantivy alone costs to index a build's articles through our
//! schema and writer, their lines of terms made beforehand (what `IndexWriter::add` hands it),
//! against the other parts of ours on the same articles (notes/build-bench.md, session 46).
//!
//! Outside the timed stages: the dumps read, parsed and analysed. Each round then times, in
//! CPU seconds of the whole process (tantivy's threads included), each stage in turn:
//!
//! - `a`: tantivy indexing the documents a build makes, through our schema and a new index's
//!   writer, to a committed index in a temporary folder;
//! - `b`: the same without the two pairs fields (left in the schema, not indexed);
//! - `c`: the same without positions on `title` and `body`;
//! - `d`: our schema with one indexing thread (a build's new index uses two since session 49);
//! - `analysis`: our analyzer and thread profile on the same articles, with the keys of their
//!   paragraphs their parse left (`Profile::with_terms_keyed`, what a parse worker runs for
//!   each);
//! - `analysis-text`: the same from the paragraphs' text alone (`Profile::with_terms`, what a
//!   worker ran before session 51 and still runs on a paragraph without its key);
//! - `framing`: each article's body and dump text framed by the parts store's own encoder
//!   (`archive::store::encode`: postcard, then one lz4 block).
//!
//! ```sh
//! ARSHIF_FLOOR_DUMPS=/tmp/c10k cargo bench --profile profiling --bench index_floor
//! # instructions of one stage (tantivy's threads are their own callgrind files):
//! ARSHIF_FLOOR_ONLY=a ARSHIF_FLOOR_ROUNDS=1 ARSHIF_FLOOR_DUMPS=/tmp/c1k valgrind \
//!   --tool=callgrind --separate-threads=yes target/profiling/deps/index_floor-*
//! ```
//!
//! `ARSHIF_FLOOR_ONLY` takes stage names separated by commas (`none` for the preparation
//! alone); `ARSHIF_FLOOR_ROUNDS` the rounds (3 unless set).
//!
//! With `ARSHIF_FLOOR_VOCAB` (sizes separated by commas) it times stage `a` on made-up
//! articles instead, one vocabulary size after the other: `ARSHIF_FLOOR_VOCAB_DOCS` articles
//! (1,000 unless set) of 1,000 words drawn from that many distinct words by Zipf's law (a
//! word's rank log-uniform), so that the same number of tokens meets a term table and arena
//! as large as real text's at a million articles, where the generated corpus's 1,141 words
//! stay in the caches (notes/build-bench.md, session 47).
//!
//! ```sh
//! ARSHIF_FLOOR_VOCAB=1000,100000,1000000 target/profiling/deps/index_floor-*
//! ```
//!
//! With `ARSHIF_FLOOR_COMMON` (tables separated by commas) it times stage `a` on the dumps'
//! articles with the pairs fields holding only the pairs of a common term, for each table of
//! common terms: `all` (every term: every pair), `table` (the shipped one, `src/search/
//! common.rs`), or a number `n`: the first `n` lines of the file `ARSHIF_FLOOR_COMMON_TERMS`
//! (notes/build-bench.md, session 48). Unless `ARSHIF_FLOOR_ONLY` is set, it first prints the
//! tokens and distinct keys of each field.
//!
//! ```sh
//! ARSHIF_FLOOR_COMMON=all,0,50,table ARSHIF_FLOOR_COMMON_TERMS=ranked.txt \
//!   ARSHIF_FLOOR_DUMPS=/tmp/c1k target/profiling/deps/index_floor-*
//! ```

use std::path::PathBuf;

use arshif::Article;
use arshif::archive::store::{self, Parts};
use arshif::archive::threads::Profile;
use arshif::parse::BodyKeys;
use arshif::search::ArticleTerms;
use arshif::search::floor::{self, ArticleDoc};
use tantivy::Index;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};

#[path = "common/cpu.rs"]
#[allow(dead_code)] // The thread's CPU is not read here.
mod cpu;
#[path = "common/dumps.rs"]
mod dumps;
use cpu::process_cpu as cpu;
use dumps::read_dumps;

/// How a variant's index differs from ours.
#[derive(Clone, Copy)]
struct Variant {
    name: &'static str,
    what: &'static str,
    pairs: bool,
    positions: bool,
    threads: usize,
}

const VARIANTS: [Variant; 4] = [
    Variant {
        name: "a",
        what: "our schema and writer",
        pairs: true,
        positions: true,
        threads: floor::INDEX_THREADS,
    },
    Variant {
        name: "b",
        what: "without the pairs fields",
        pairs: false,
        positions: true,
        threads: floor::INDEX_THREADS,
    },
    Variant {
        name: "c",
        what: "without positions on title/body",
        pairs: true,
        positions: false,
        threads: floor::INDEX_THREADS,
    },
    Variant {
        name: "d",
        what: "our schema, one indexing thread",
        pairs: true,
        positions: true,
        threads: 1,
    },
];

/// Our schema with `v`'s changes: the same fields in the same order (the documents name them
/// by number), a pairs field left unindexed, or title and body without positions.
fn schema_of(v: Variant) -> Schema {
    let ours = floor::schema();
    let mut builder = Schema::builder();
    for (_, entry) in ours.fields() {
        let name = entry.name();
        let options = match entry.field_type() {
            tantivy::schema::FieldType::Str(options) => options.clone(),
            other => panic!("{name}: a field of type {other:?}"),
        };
        let options = match name {
            "title_pairs" | "body_pairs" if !v.pairs => TextOptions::default(),
            "title" | "body" if !v.positions => {
                let indexing = options.get_indexing_options().expect("indexed").clone();
                TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(indexing.tokenizer())
                        .set_index_option(IndexRecordOption::WithFreqs),
                )
            }
            _ => options,
        };
        builder.add_text_field(name, options);
    }
    let schema = builder.build();
    if v.pairs && v.positions {
        assert_eq!(schema, ours, "variant {} is our schema", v.name);
    }
    schema
}

/// A stage of ours timed beside tantivy's: `units` of its work (none counted: 0) are `unit`s.
struct Ours<'a> {
    name: &'static str,
    what: &'static str,
    stage: &'a dyn Fn() -> usize,
    units: f64,
    unit: &'static str,
}

/// Indexes `docs` into a new index in `dir` as variant `v`, committed.
#[inline(never)]
fn index_stage(v: Variant, docs: Vec<ArticleDoc>, dir: &std::path::Path) {
    let index = Index::create_in_dir(dir, schema_of(v)).expect("an index");
    let mut writer = floor::new_writer(&index, v.threads).expect("a writer");
    for doc in docs {
        writer.add_document(doc).expect("added");
    }
    writer.commit().expect("committed");
    writer.wait_merging_threads().expect("merged");
}

/// The CPU seconds of [`index_stage`] of `docs` as variant `v`, into the new folder `out`
/// (removed after).
fn timed_stage(v: Variant, docs: Vec<ArticleDoc>, out: &std::path::Path) -> f64 {
    std::fs::create_dir(out).expect("a folder");
    let start = cpu();
    index_stage(v, docs, out);
    let spent = (cpu() - start).as_secs_f64();
    std::fs::remove_dir_all(out).expect("removed");
    spent
}

/// The tokens tantivy indexes in each field (title, body, their pairs) for `docs`, and the
/// distinct keys of each, read from the index they make in `dir` with one indexing thread (one
/// segment: a key counted once).
fn count_tokens(docs: Vec<ArticleDoc>, dir: &std::path::Path) -> [(u64, u64); 4] {
    std::fs::create_dir(dir).expect("a folder");
    index_stage(VARIANTS[3], docs, dir);
    let searcher = Index::open_in_dir(dir)
        .and_then(|i| i.reader())
        .expect("a reader")
        .searcher();
    let tokens = |name: &str| -> (u64, u64) {
        let field = searcher.schema().get_field(name).expect("a field");
        (searcher.segment_readers().iter())
            .map(|s| s.inverted_index(field).expect("indexed"))
            .map(|i| (i.total_num_tokens(), i.terms().num_terms() as u64))
            .fold((0, 0), |(t, k), (ti, ki)| (t + ti, k + ki))
    };
    let counts = ["title", "body", "title_pairs", "body_pairs"].map(tokens);
    drop(searcher);
    std::fs::remove_dir_all(dir).expect("removed");
    counts
}

/// What a parse worker's analysis makes of each article: its thread profile and its lines,
/// with the keys of its paragraphs its parse left.
#[inline(never)]
fn analysis_stage(articles: &[Article], keys: &[BodyKeys]) -> usize {
    let mut n = 0;
    for (a, keys) in articles.iter().zip(keys) {
        std::hint::black_box(Profile::with_terms_keyed(a, keys));
        n += 1;
    }
    n
}

/// [`analysis_stage`] from the paragraphs' text alone.
#[inline(never)]
fn analysis_text_stage(articles: &[Article]) -> usize {
    let mut n = 0;
    for a in articles {
        std::hint::black_box(Profile::with_terms(a));
        n += 1;
    }
    n
}

/// Each article's body and dump text framed by the parts store's encoder: postcard, then one
/// lz4 block after its length.
#[inline(never)]
fn framing_stage(parts: &[Parts]) -> usize {
    parts
        .iter()
        .map(|part| store::encode(part).expect("encoded").len())
        .sum()
}

/// Letters no clitic or suffix the stemmer removes is made of, so that every made-up word
/// is a term of its own.
const MADE_UP_LETTERS: [char; 16] = [
    'ث', 'ج', 'ح', 'خ', 'د', 'ذ', 'ر', 'ز', 'ش', 'ص', 'ض', 'ط', 'ظ', 'ع', 'غ', 'ق',
];

/// The `rank`th made-up word: its number's base-16 digits as letters, at least four.
fn made_up_word(rank: usize) -> String {
    let mut word = String::new();
    let mut n = rank;
    for _ in 0..4 {
        word.push(MADE_UP_LETTERS[n % 16]);
        n /= 16;
    }
    while n > 0 {
        word.push(MADE_UP_LETTERS[n % 16]);
        n /= 16;
    }
    word
}

/// `docs` articles of a title of 10 words and a body of 1,000, each word's rank drawn
/// log-uniform from `vocab` (Zipf's law: the nth word about 1/n as frequent as the first).
fn made_up_articles(vocab: usize, docs: usize) -> Vec<Article> {
    let mut rng = fastrand::Rng::with_seed(47);
    let words: Vec<String> = (0..vocab).map(made_up_word).collect();
    let mut text = |n: usize| -> String {
        let drawn: Vec<&str> = (0..n)
            .map(|_| (vocab as f64).powf(rng.f64()) as usize - 1)
            .map(|rank| words[rank.min(vocab - 1)].as_str())
            .collect();
        drawn.join(" ")
    };
    (0..docs)
        .map(|i| Article {
            id: format!("{i:06}_made_up"),
            title: text(10),
            body: vec![text(1_000)],
            ..Article::default()
        })
        .collect()
}

/// The documents a build hands tantivy for `articles`, whose terms are `terms`.
fn documents(articles: &[Article], terms: &[ArticleTerms]) -> Vec<ArticleDoc> {
    articles
        .iter()
        .zip(terms)
        .map(|(a, t)| floor::document(a, t.clone()))
        .collect()
}

/// Stage `a` on [`made_up_articles`] of each vocabulary size in `sizes`, `rounds` times.
fn vocabulary_stage(sizes: &str, docs: usize, rounds: usize) {
    for vocab in sizes
        .split(',')
        .map(|v| v.parse::<usize>().expect("a vocabulary size"))
    {
        let articles = made_up_articles(vocab, docs);
        let terms: Vec<ArticleTerms> = articles.iter().map(ArticleTerms::of).collect();
        let docs = || documents(&articles, &terms);
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let tokens: u64 = count_tokens(docs(), &tmp.path().join("counted"))
            .iter()
            .map(|(tokens, _)| tokens)
            .sum();
        for round in 1..=rounds {
            let spent = timed_stage(VARIANTS[0], docs(), &tmp.path().join(format!("{round}")));
            println!(
                "round {round} vocabulary {vocab}: {tokens} tokens, {spent:.3} CPU-s, {:.1} ns \
                 a token",
                spent / tokens as f64 * 1e9
            );
        }
    }
}

/// Which terms a table of [`common_stage`] holds: every term (a pair of every two adjacent
/// terms, as before session 48), none, the first `n` of a ranked list, or the shipped table.
enum Table {
    All,
    Ranked(usize),
    Shipped,
}

impl Table {
    fn read(spec: &str) -> Table {
        match spec {
            "all" => Table::All,
            "table" => Table::Shipped,
            n => Table::Ranked(n.parse().expect("all, table or a number of terms")),
        }
    }
}

/// Stage `a` on the dumps' articles with the pairs of each table of `specs` (see [`Table`]):
/// the tokens and distinct keys of each field (unless `quiet`: a profile holds only the
/// stage), and `rounds` times the stage's CPU. `ranked` is the list a number takes the first
/// terms of, one term a line (`ARSHIF_FLOOR_COMMON_TERMS`).
fn common_stage(articles: &[Article], specs: &str, ranked: &[String], rounds: usize, quiet: bool) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    for spec in specs.split(',') {
        let table = Table::read(spec);
        let set: std::collections::HashSet<&str> = match table {
            Table::Ranked(n) => ranked.iter().take(n).map(String::as_str).collect(),
            _ => Default::default(),
        };
        let docs = || -> Vec<ArticleDoc> {
            articles
                .iter()
                .map(|a| match table {
                    Table::All => floor::document_by(a, &|_| true),
                    Table::Ranked(_) => floor::document_by(a, &|t| set.contains(t)),
                    Table::Shipped => floor::document(a, ArticleTerms::of(a)),
                })
                .collect()
        };
        if !quiet {
            let counts = count_tokens(docs(), &tmp.path().join(format!("counted-{spec}")));
            let [title, body, title_pairs, body_pairs] = counts;
            println!(
                "table {spec}: tokens (keys) title {} ({}), body {} ({}), title_pairs {} ({}), \
                 body_pairs {} ({})",
                title.0,
                title.1,
                body.0,
                body.1,
                title_pairs.0,
                title_pairs.1,
                body_pairs.0,
                body_pairs.1
            );
        }
        for round in 1..=rounds {
            let out = tmp.path().join(format!("{spec}-{round}"));
            let spent = timed_stage(VARIANTS[0], docs(), &out);
            println!("round {round} table {spec}: {spent:.3} CPU-s");
        }
    }
}

fn main() {
    let rounds: usize = std::env::var("ARSHIF_FLOOR_ROUNDS")
        .ok()
        .map_or(3, |r| r.parse().expect("a number of rounds"));
    if let Ok(sizes) = std::env::var("ARSHIF_FLOOR_VOCAB") {
        let docs = std::env::var("ARSHIF_FLOOR_VOCAB_DOCS")
            .ok()
            .map_or(1_000, |d| d.parse().expect("a number of articles"));
        vocabulary_stage(&sizes, docs, rounds);
        return;
    }
    let Some(dir) = std::env::var_os("ARSHIF_FLOOR_DUMPS").map(PathBuf::from) else {
        eprintln!("index_floor: set ARSHIF_FLOOR_DUMPS to a folder of .txt dumps; skipped");
        return;
    };
    let only = std::env::var("ARSHIF_FLOOR_ONLY").ok();
    let wanted = |name: &str| {
        only.as_deref()
            .is_none_or(|o| o.split(',').any(|s| s == name))
    };

    let dumps = read_dumps(&dir);
    let mut articles = Vec::new();
    let mut keys = Vec::new();
    let mut parts = Vec::new();
    for (name, bytes) in &dumps {
        if let Ok(mut a) = arshif::parse_dump(bytes, name) {
            keys.push(BodyKeys::with_last(BodyKeys::clone));
            // A build names an article by its dump (`build.rs`): an id as long as a build's.
            a.id = name.trim_end_matches(".txt").to_owned();
            parts.push(Parts {
                body: a.body.clone(),
                text: String::from_utf8_lossy(bytes).into_owned(),
            });
            articles.push(a);
        }
    }
    if let Ok(specs) = std::env::var("ARSHIF_FLOOR_COMMON") {
        let ranked = match std::env::var_os("ARSHIF_FLOOR_COMMON_TERMS") {
            Some(path) => std::fs::read_to_string(path).expect("a list of terms"),
            None => String::new(),
        };
        let ranked: Vec<String> = ranked.lines().map(str::to_owned).collect();
        common_stage(&articles, &specs, &ranked, rounds, only.is_some());
        return;
    }
    let terms: Vec<ArticleTerms> = articles.iter().map(ArticleTerms::of).collect();
    let docs = || documents(&articles, &terms);

    // Tokens each field receives, read from an index of ours: the per-token figures' divisor.
    // Not when stages are chosen, so that a profile holds only theirs (no per-token figures
    // then).
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let [title, body, title_pairs, body_pairs] = if only.is_none() {
        count_tokens(docs(), &tmp.path().join("counted")).map(|(tokens, _)| tokens)
    } else {
        [0; 4]
    };
    let mb = parts.iter().map(|p| p.text.len()).sum::<usize>() as f64 / 1e6;
    println!(
        "{} dumps ({mb:.1} MB of text), {} articles; tokens: title {title}, body {body}, \
         title_pairs {title_pairs}, body_pairs {body_pairs}",
        dumps.len(),
        articles.len()
    );
    let n = articles.len() as f64;
    let all_tokens = title + body + title_pairs + body_pairs;
    let term_tokens = title + body;
    // Nanoseconds of `spent` seconds a token, when the tokens were counted.
    let per = |spent: f64, tokens: u64| match tokens {
        0 => "-".to_owned(),
        _ => format!("{:.1}", spent / tokens as f64 * 1e9),
    };

    let mut round_dir = 0;
    for round in 1..=rounds {
        for v in VARIANTS.iter().filter(|v| wanted(v.name)) {
            round_dir += 1;
            let spent = timed_stage(*v, docs(), &tmp.path().join(format!("{round_dir}")));
            // Per token: of the tokens the variant indexes.
            let indexed = if v.pairs { all_tokens } else { term_tokens };
            println!(
                "round {round} {} ({}): {spent:.3} CPU-s, {:.1} µs an article, {} ns a token",
                v.name,
                v.what,
                spent / n * 1e6,
                per(spent, indexed),
            );
        }
        // Our stages beside tantivy's: each one's CPU, an article and a unit of its work.
        let ours = [
            Ours {
                name: "analysis",
                what: "Profile::with_terms_keyed",
                stage: &|| analysis_stage(&articles, &keys),
                units: term_tokens as f64,
                unit: "term",
            },
            Ours {
                name: "analysis-text",
                what: "Profile::with_terms",
                stage: &|| analysis_text_stage(&articles),
                units: term_tokens as f64,
                unit: "term",
            },
            Ours {
                name: "framing",
                what: "postcard + lz4 of body and text",
                stage: &|| framing_stage(&parts),
                units: mb * 1e6,
                unit: "byte of text",
            },
        ];
        for s in ours.into_iter().filter(|s| wanted(s.name)) {
            let start = cpu();
            std::hint::black_box((s.stage)());
            let spent = (cpu() - start).as_secs_f64();
            let per_unit = match s.units {
                0.0 => "-".to_owned(),
                _ => format!("{:.2}", spent / s.units * 1e9),
            };
            println!(
                "round {round} {} ({}): {spent:.3} CPU-s, {:.1} µs an article, {per_unit} ns \
                 a {}",
                s.name,
                s.what,
                spent / n * 1e6,
                s.unit,
            );
        }
    }
}
