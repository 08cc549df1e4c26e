//! `assemble`'s pass over every file's results, on both cores: the skipped records and the
//! warnings, whether every id is its file's name, and each article's place and its item for
//! the threads. At a million articles it reads every article's head where the cache left it
//! (scattered), the lap's largest pass of its own; on one core it left the other idle.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::super::report::{BuildReport, Problem};
use super::super::threads;
use super::{At, Done, item_of};
use crate::capture::warc::Skip;

/// Files (or articles) a task of the pass takes at least: a few thousand make it worth a
/// task; fewer would be steps of rayon's splitting, not work.
const MIN_LEN: usize = 4096;

/// What the pass gives `assemble`.
pub(super) struct Heads<'a> {
    /// Every article's id is its file's name's, and none was made unique.
    pub(super) named: bool,
    /// Every article's place, in file order.
    pub(super) articles: Vec<At>,
    /// Each article's item, as `articles` orders them.
    pub(super) items: Vec<threads::Item<'a>>,
}

/// What a run of files gives, in file order; the runs are joined in order.
#[derive(Default)]
struct Run {
    skipped: BTreeMap<Skip, usize>,
    problems: Vec<Problem>,
    warned: bool,
    /// The run's files, and how many articles they hold: their places are written where
    /// they go in the one vector of all (gathered by run, they grew by doubling and were
    /// then copied into it on one thread: 16 bytes an article).
    files: Range<usize>,
    articles: usize,
}

/// The pass: each file's records and warning, then each article's item where its place is
/// (written in place by rayon, not gathered in runs and copied: 48 bytes an article). `ids`
/// are the files' ids with their warnings (empty where the cache's were kept); `saved` as
/// [`item_of`] takes it. The report's skipped records are added to, and the warnings put
/// after its problems, in file order.
pub(super) fn heads<'a>(
    done: &'a [Done],
    ids: &[(String, Option<String>)],
    saved: bool,
    report: &mut BuildReport,
) -> Heads<'a> {
    let runs: Vec<Run> = (done.par_iter().enumerate().with_min_len(MIN_LEN))
        .fold(Run::default, |mut run, (i, d)| {
            for (kind, n) in d.said.skipped() {
                *run.skipped.entry(*kind).or_default() += n;
            }
            // No list where the ids the cache held were kept (none made unique: `Ids::given`).
            if let Some(message) = ids.get(i).and_then(|(_, warning)| warning.as_ref()) {
                run.warned = true;
                if !d.outcomes.is_empty() && d.outcomes.named_by_file(0) {
                    run.problems.push(Problem {
                        file: d.name.clone(),
                        message: message.clone(),
                        is_error: false,
                    });
                }
            }
            if run.files.is_empty() {
                run.files = i..i;
            }
            run.files.end = i + 1;
            run.articles += d.outcomes.len();
            run
        })
        .collect();
    let mut named = true;
    let mut articles: Vec<At> = vec![(0, 0); runs.iter().map(|r| r.articles).sum()];
    let mut places = Vec::with_capacity(runs.len());
    let mut rest = &mut articles[..];
    for run in runs {
        for (kind, n) in run.skipped {
            *report.skipped.entry(kind).or_default() += n;
        }
        report.problems.extend(run.problems);
        named &= !run.warned;
        let (part, after) = rest.split_at_mut(run.articles);
        places.push((run.files, part));
        rest = after;
    }
    places.into_par_iter().for_each(|(files, part)| {
        let every = files.flat_map(|i| (0..done[i].outcomes.len()).map(move |j| (i, j)));
        part.iter_mut()
            .zip(every)
            .for_each(|(at, place)| *at = place);
    });
    let by_file = AtomicBool::new(true);
    let mut items = Vec::new();
    (articles.par_iter().with_min_len(MIN_LEN))
        .map(|&(i, j)| {
            let d = &done[i];
            if !d.outcomes.named_by_file(j) {
                by_file.store(false, Ordering::Relaxed);
            }
            item_of(d, j, saved)
        })
        .collect_into_vec(&mut items);
    Heads {
        named: named && by_file.into_inner(),
        articles,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::entry::Entry;
    use crate::archive::model::Part;
    use crate::archive::report::Said;
    use crate::archive::results::Results;
    use crate::archive::store::PartRef;
    use crate::archive::threads::Profile;
    use crate::capture::Format;
    use crate::parse::{Article, Date};
    use proptest::prelude::*;

    /// The pass as it was on one core: the oracle.
    fn heads_on_one_core<'a>(
        done: &'a [Done],
        ids: &[(String, Option<String>)],
        saved: bool,
        report: &mut BuildReport,
    ) -> Heads<'a> {
        let mut named = true;
        let mut articles: Vec<At> = Vec::with_capacity(done.len());
        let mut items: Vec<threads::Item> = Vec::with_capacity(done.len());
        for (i, d) in done.iter().enumerate() {
            let warning = ids.get(i).and_then(|(_, warning)| warning.as_ref());
            for (kind, n) in d.said.skipped() {
                *report.skipped.entry(*kind).or_default() += n;
            }
            if let Some(message) = warning {
                named = false;
                if !d.outcomes.is_empty() && d.outcomes.named_by_file(0) {
                    report.problems.push(Problem {
                        file: d.name.clone(),
                        message: message.clone(),
                        is_error: false,
                    });
                }
            }
            for j in 0..d.outcomes.len() {
                named &= d.outcomes.named_by_file(j);
                articles.push((i, j));
                items.push(item_of(d, j, saved));
            }
        }
        Heads {
            named,
            articles,
            items,
        }
    }

    /// A file of the test: its articles (id, dated, crawled, body), its skipped records, and
    /// whether its id was made unique (a warning), and whether it was reused.
    type File = (Vec<(u8, bool, bool, u8)>, Vec<(u8, usize)>, bool, bool);

    /// Bodies of the test's articles: few, so that some are the same (verbatim duplicates).
    const BODIES: usize = 4;

    fn done_of(k: usize, (articles, skipped, _, cached): &File, profiles: &[Profile]) -> Done {
        let skips = [Skip::Request, Skip::Metadata, Skip::Revisit];
        let skipped: BTreeMap<Skip, usize> = (skipped.iter())
            .map(|&(kind, n)| (skips[kind as usize % skips.len()], n))
            .collect();
        let outcomes = articles
            .iter()
            .map(|&(id, dated, crawled, body)| {
                let mut entry = Entry {
                    article: Article {
                        // Few ids: one id in several files (a crawl's address captured twice).
                        id: format!("id{}", id % 8),
                        published: dated.then(|| Date::parse("2020-01-02").unwrap()),
                        ..Article::default()
                    },
                    ..Entry::default()
                };
                if crawled {
                    entry.provenance.origin.format = Format::Warc;
                }
                let profile = profiles[body as usize % BODIES].clone();
                (entry, Part::Stored(PartRef::NOWHERE), profile)
            })
            .collect();
        Done {
            name: format!("f{k}"),
            outcomes: Results::Whole(outcomes),
            said: Said::new(Vec::new(), skipped),
            from_cache: cached.then_some(k as u32),
            ..Done::placeholder()
        }
    }

    fn files() -> impl Strategy<Value = Vec<File>> {
        let article = (
            any::<u8>(),
            any::<bool>(),
            prop::bool::weighted(0.1),
            any::<u8>(),
        );
        let file = (
            prop::collection::vec(article, 0..3),
            prop::collection::vec((0..3u8, 1..5usize), 0..2),
            prop::bool::weighted(0.05),
            any::<bool>(),
        );
        // Past `MIN_LEN`, so that the pass is split.
        prop::collection::vec(file, 0..3 * MIN_LEN)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn the_pass_on_both_cores_gives_what_one_core_gave(
            files in files(),
            with_ids in any::<bool>(),
            saved in any::<bool>(),
        ) {
            let profiles: Vec<Profile> = (0..BODIES)
                .map(|b| {
                    let body = vec![format!("نص الخبر رقم {b}")];
                    Profile::of(&Article { body, ..Article::default() })
                })
                .collect();
            let done: Vec<Done> = (files.iter().enumerate())
                .map(|(k, f)| done_of(k, f, &profiles))
                .collect();
            // Warnings where the ids were given again (some made unique), none where kept.
            let ids: Vec<(String, Option<String>)> = match with_ids {
                true => files
                    .iter()
                    .enumerate()
                    .map(|(k, f)| (format!("f{k}"), f.2.then(|| format!("made unique {k}"))))
                    .collect(),
                false => Vec::new(),
            };
            let (mut both, mut one) = (BuildReport::default(), BuildReport::default());
            let found = heads(&done, &ids, saved, &mut both);
            let oracle = heads_on_one_core(&done, &ids, saved, &mut one);
            prop_assert_eq!(found.named, oracle.named);
            prop_assert_eq!(&found.articles, &oracle.articles);
            let item = |i: &threads::Item| {
                (i.id.to_owned(), i.published, i.profile.to_profile(), i.unchanged)
            };
            let items = |h: &Heads| h.items.iter().map(item).collect::<Vec<_>>();
            prop_assert_eq!(items(&found), items(&oracle));
            prop_assert_eq!(both.skipped, one.skipped);
            prop_assert_eq!(both.problems, one.problems);
        }
    }
}
