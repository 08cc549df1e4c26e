//! The folder's dumps as a build has them ([`Listing`]: listed whole, or known from the last
//! build but for the names a watcher saw change, [`super::watched`]), and their results where
//! the listing was told those names: the last build's cached dumps taken as they are into
//! their places (`build::taken`), the named files put among them, and the few to parse set
//! aside. Listed whole, each name is looked up in the cache instead ([`super::found`]).
//!
//! Told the names, a million `Dump`s were once made from the cache (a name copied each),
//! joined into one vector, then walked against the cache again on one core to find each one's
//! result (notes/build-bench.md, session 40): here each cached dump is looked at once, where
//! it lies.

use super::ArchiveError;
use super::build::{Placed, Still, taken_with};
use super::build_cache::BuildCache;
use super::found;
use super::listing::Aside;
use super::scan::{Dump, Folder, Overrides};

/// The folder's dumps as a build has them.
pub(super) enum Listing {
    /// Every dump, listed (in the folder's order).
    Whole(Folder),
    /// The last build's cached dumps but for the files named since.
    Known(Known),
}

impl Listing {
    /// Each dump's result in its place, reused from `cache` or to parse, and whether a
    /// watcher follows every dump of the listing by name ([`Dump::follows_by_name`]: not a
    /// link, one name, UTF-8, stamped; told the names, the cache's dumps were when it was
    /// written). The next build may list from this one's cache and the watcher's names when
    /// this holds and the cache holds every dump's result (so its names and stamps are the
    /// whole listing): the build then [`super::watched::keep_record`]s that it vouches.
    pub(super) fn placed(self, cache: Option<BuildCache>) -> Result<(Placed, bool), ArchiveError> {
        match self {
            Listing::Whole(folder) => found::placed(folder, cache),
            Listing::Known(known) => {
                let vouches = known.fresh.iter().all(Dump::follows_by_name);
                Ok((taken(known, cache)?, vouches))
            }
        }
    }
}

/// The folder as the last listing found it, but for the files named since: what
/// [`super::watched::list`] makes of the cache and the watcher's names.
pub(super) struct Known {
    /// The named dumps that are there (stamped again, their overrides given), in name order.
    pub(super) fresh: Vec<Dump>,
    /// The named dumps' names, there or not, sorted: the cache's of these names are replaced
    /// by `fresh` or gone.
    pub(super) named: Vec<Vec<u8>>,
    /// The folder's overrides as the last listing found them, the named ones looked at again.
    pub(super) overrides: Aside,
}

/// Every dump's place among the results in name order: the cache's dumps reused where their
/// stamps (and overrides') are as cached, the others (and the fresh ones not cached as they
/// are) left as placeholders and handed back with their places, to be parsed.
pub(super) fn taken(known: Known, cache: Option<BuildCache>) -> Result<Placed, ArchiveError> {
    let overrides = Overrides::new(&known.overrides);
    let still = Still::Unnamed {
        named: &known.named,
        overrides: &overrides,
    };
    let as_named = cache.as_ref().is_some_and(|c| c.ids_as_named);
    let chunks = cache.map(|c| c.dumps).unwrap_or_default();
    taken_with(known.fresh, chunks, as_named, still)
}
