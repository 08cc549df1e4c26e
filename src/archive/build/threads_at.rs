//! The build's threads by their articles' places in the results ([`ThreadsAt`]): made where
//! the archive is assembled, or, when the build keeps its grouping, joined and named on a
//! thread of their own ([`ThreadsAt::beside`]), which then keeps the grouping, and waited for
//! only where they are written.
//!
//! Nothing the build serves or orders depends on them: at a million articles, a `+1`'s join
//! and naming (some 0.1 s on one core) held up its main thread while the other core idled
//! (notes/build-bench.md, session 69); beside, they run while the index is brought up to date.

use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::super::threads::{Grouping, Unjoined};
use super::At;

/// Each thread a list of its articles' places, in the order of the results.
type Threads = Vec<Vec<At>>;

/// What keeps a grouping once its threads are joined, on the thread that joined them (a saved
/// build's save), told whether every article's id is its file's name; gives how long it took.
pub(in crate::archive) type Keep = Box<dyn FnOnce(Grouping, bool) -> Duration + Send>;

/// The threads of a build.
pub(in crate::archive) enum ThreadsAt {
    /// Made where the archive was assembled.
    Made(Threads),
    /// Being joined on a thread of their own ([`ThreadsAt::beside`]), which sends them.
    Beside {
        made: OnceLock<Threads>,
        /// In a lock for the threads that read them: a receiver is sent, not shared.
        sent: Mutex<Receiver<Threads>>,
    },
}

impl ThreadsAt {
    /// The threads of `unjoined` (its items being `articles`), joined and named on a thread
    /// of their own, which then hands the grouping to `keep` with `named` (every article's
    /// id is its file's name's: no crawl's page, none made unique). The thread is
    /// joined when what is given back is dropped: a build that fails after starting it does
    /// not leave it writing in a folder the next build may hold.
    pub(in crate::archive) fn beside(
        unjoined: Unjoined,
        articles: Arc<Vec<At>>,
        keep: Keep,
        named: bool,
    ) -> (ThreadsAt, Joining) {
        let (send, sent) = mpsc::channel();
        let join = move || {
            let started = Instant::now();
            let threads = unjoined.threads(|k| articles[k]);
            drop(articles);
            let joined = started.elapsed();
            // Unwanted when the build failed before writing them: nobody left to tell.
            let _ = send.send(threads);
            let kept = keep(unjoined.into_grouping(), named);
            Took { joined, kept }
        };
        let joining = std::thread::Builder::new()
            .name("arshif-threads".into())
            .spawn(join)
            .expect("a thread can be started to join the threads");
        let threads = ThreadsAt::Beside {
            made: OnceLock::new(),
            sent: Mutex::new(sent),
        };
        (threads, Joining(Some(joining)))
    }

    /// The threads, waited for if they are being joined.
    pub(in crate::archive) fn get(&self) -> &[Vec<At>] {
        match self {
            ThreadsAt::Made(threads) => threads,
            ThreadsAt::Beside { made, sent } => made.get_or_init(|| {
                let sent = sent.lock().unwrap_or_else(PoisonError::into_inner);
                sent.recv().expect("joining the threads does not panic")
            }),
        }
    }
}

/// The thread of [`ThreadsAt::beside`], joined when dropped.
pub(in crate::archive) struct Joining(Option<JoinHandle<Took>>);

/// How long the thread of [`ThreadsAt::beside`] took at each of its steps.
pub(in crate::archive) struct Took {
    /// The threads joined and named.
    pub(in crate::archive) joined: Duration,
    /// The grouping kept, after them.
    pub(in crate::archive) kept: Duration,
}

impl Joining {
    /// Waits for the thread to end: the threads joined and the grouping kept (`None` only
    /// for a thread already waited for).
    pub(in crate::archive) fn join(mut self) -> Option<Took> {
        let took = self.0.take()?.join();
        Some(took.expect("joining the threads and keeping the grouping does not panic"))
    }
}

impl Drop for Joining {
    fn drop(&mut self) {
        if let Some(joining) = self.0.take() {
            let _ = joining.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::threads::{Item, Profile, group_again_as, regroup};
    use super::*;
    use crate::parse::Article;

    /// Made-up articles: eight stories told again and again, each article in its story's
    /// words and two others of its own; every 37th word for word as the one before it (a
    /// verbatim duplicate).
    fn articles(n: usize) -> Vec<Article> {
        const WORDS: [&str; 40] = [
            "الزلزال",
            "المدينة",
            "الضحايا",
            "الإنقاذ",
            "الحكومة",
            "البرلمان",
            "الانتخابات",
            "المرشح",
            "الاقتصاد",
            "التضخم",
            "البنك",
            "العملة",
            "المباراة",
            "الفريق",
            "الهدف",
            "الملعب",
            "الفيضان",
            "الأمطار",
            "السدود",
            "المزارعين",
            "المدرسة",
            "الطلاب",
            "الامتحانات",
            "الوزارة",
            "المستشفى",
            "الأطباء",
            "الدواء",
            "المرضى",
            "الطائرة",
            "المطار",
            "الرحلة",
            "الركاب",
            "النفط",
            "الأسعار",
            "الأسواق",
            "التصدير",
            "الجامعة",
            "البحث",
            "العلماء",
            "الاكتشاف",
        ];
        let body = |i: usize| {
            let story = (i % 8) * 5;
            let mut words: Vec<&str> = WORDS[story..story + 5].to_vec();
            // Told apart by the two (each story's articles by `i / 8`, under 320 of them).
            words.extend([WORDS[i / 8 % 40], WORDS[(i * 13 + 5) % 40]]);
            words.join(" ")
        };
        let article = |i: usize| Article {
            id: format!("{i:04}"),
            title: format!("خبر {i}"),
            body: vec![body(if i % 37 == 36 { i - 1 } else { i })],
            ..Article::default()
        };
        (0..n).map(article).collect()
    }

    fn items<'a>(articles: &'a [Article], profiles: &'a [Profile]) -> Vec<Item<'a>> {
        (articles.iter().zip(profiles))
            .map(|(a, profile)| Item {
                id: &a.id,
                published: None,
                profile: profile.into(),
                unchanged: false,
            })
            .collect()
    }

    /// A [`Keep`] that hands the grouping and `named` back through `kept`.
    fn handing_back(kept: mpsc::Sender<(Grouping, bool)>) -> Keep {
        Box::new(move |grouping, named| {
            let _ = kept.send((grouping, named));
            Duration::ZERO
        })
    }

    #[test]
    fn threads_joined_beside_are_those_joined_inline_and_the_grouping_is_kept_after() {
        let articles = articles(300);
        let profiles: Vec<Profile> = articles.iter().map(Profile::of).collect();
        // Each item's place among made-up results: three articles a file.
        let at: Vec<At> = (0..articles.len()).map(|k| (k / 3, k % 3)).collect();
        // From nothing, then a `+1` grouped again from the grouping kept.
        let mut previous = None;
        for (n, named) in [(299, true), (300, false)] {
            let items = items(&articles[..n], &profiles[..n]);
            let (expected, inline) = group_again_as(&items, previous.clone(), |k| at[k]);
            let (threads, duplicates) = (expected.threads.len(), expected.duplicates.len());
            assert!(
                threads > 4 && duplicates > 4,
                "{threads} threads, {duplicates} duplicates"
            );
            let (duplicates, unjoined) = regroup(&items, previous);
            assert_eq!(duplicates, expected.duplicates);
            let (send, kept) = mpsc::channel();
            let shared = Arc::new(at[..n].to_vec());
            let (threads, joining) = ThreadsAt::beside(unjoined, shared, handing_back(send), named);
            // Wanted by two threads at once: both wait, and both are given the same.
            std::thread::scope(|scope| {
                let other = scope.spawn(|| threads.get().to_vec());
                assert_eq!(threads.get(), expected.threads);
                assert_eq!(other.join().unwrap(), expected.threads);
            });
            assert!(joining.join().is_some());
            let (grouping, told) = kept.try_recv().expect("kept before the thread ended");
            assert_eq!((grouping == inline, told), (true, named), "{n} articles");
            previous = Some(grouping);
        }
        assert_eq!(previous.map(|g| g.drift()), Some(1), "grouped again");
    }

    #[test]
    fn threads_never_wanted_still_keep_the_grouping_and_are_waited_for_when_dropped() {
        // A build that fails before writing the threads: they go unwanted, the grouping is
        // kept all the same, and the thread has ended once the build lets go of it.
        let articles = articles(120);
        let profiles: Vec<Profile> = articles.iter().map(Profile::of).collect();
        let items = items(&articles, &profiles);
        let (_, unjoined) = regroup(&items, None);
        let at = Arc::new((0..items.len()).map(|k| (k, 0)).collect());
        let (send, kept) = mpsc::channel();
        let (threads, joining) = ThreadsAt::beside(unjoined, at, handing_back(send), true);
        drop(threads);
        drop(joining);
        assert!(kept.try_recv().is_ok());
    }
}
