//! The URL segment of a publication's or agency's page: a slug of its name, readable (Arabic
//! letters stay Arabic letters), the same on every build, and unique among the names of one
//! kind.
//!
//! Why not the name itself, percent-encoded: a name may hold a `/` (`الشرق/الغرب`), and nginx
//! decodes `%2F` before it passes a request on, so the page was unreachable behind it. A slug
//! holds letters, digits and `-` only.

use std::collections::HashMap;

use crate::arabic::{is_alnum, is_mark};
use crate::stable_hash::stable_hash;

/// The readable slug of `name`: its letters and digits of any script (Latin ones lower-cased),
/// harakat, tatweel and invisible joiners dropped, every other run of characters one `-`.
/// A name with no letter or digit gets `n-` and a hash of itself.
pub fn readable(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.chars() {
        if is_mark(c) {
            // Inside a word: `خوّام` is `خوام`, not `خو-ام`.
            continue;
        }
        if is_alnum(c) {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    if out.is_empty() {
        out = format!("n-{}", hash(name));
    }
    out
}

/// Six hex digits of the stable hash of `name`: enough to tell apart the few names that share
/// a readable slug.
fn hash(name: &str) -> String {
    format!("{:06x}", stable_hash(name.as_bytes()) & 0xff_ffff)
}

/// The slug of each of `names` (distinct names of one kind): its [`readable`] slug, but where
/// several names share one, each after the first in code point order gets `-` and a hash of
/// itself. A slug so changes only when a name sharing it, and sorting before it, is added.
pub fn assign<'a>(names: impl IntoIterator<Item = &'a str>) -> HashMap<&'a str, String> {
    let mut by_slug: HashMap<String, Vec<&'a str>> = HashMap::new();
    for name in names {
        by_slug.entry(readable(name)).or_default().push(name);
    }
    let mut slugs = HashMap::new();
    for (slug, mut group) in by_slug {
        group.sort_unstable();
        group.dedup();
        let mut group = group.into_iter();
        if let Some(first) = group.next() {
            slugs.insert(first, slug.clone());
        }
        for name in group {
            slugs.insert(name, format!("{slug}-{}", hash(name)));
        }
    }
    // A hashed slug could in theory equal another name's readable one; the hash then grows
    // until it does not (never seen, but a page must not be lost to it).
    let mut seen: HashMap<String, &str> = HashMap::new();
    let mut names: Vec<&'a str> = slugs.keys().copied().collect();
    names.sort_unstable();
    for name in names {
        let mut slug = slugs[name].clone();
        let mut salt = 0u32;
        while seen.contains_key(&slug) {
            salt += 1;
            slug = format!(
                "{}-{:06x}",
                readable(name),
                stable_hash(format!("{name}\u{0}{salt}").as_bytes()) & 0xff_ffff
            );
        }
        seen.insert(slug.clone(), name);
        slugs.insert(name, slug);
    }
    slugs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_stays_readable() {
        assert_eq!(readable("العرب اليوم"), "العرب-اليوم");
        assert_eq!(
            readable("وكالة الصحافة الفرنسية (أ ف ب)"),
            "وكالة-الصحافة-الفرنسية-أ-ف-ب"
        );
        assert_eq!(readable("نور خوّام"), "نور-خوام");
        assert_eq!(readable("الـوسط"), "الوسط");
        assert_eq!(readable("CNN Arabic"), "cnn-arabic");
        assert_eq!(readable("24 ساعة"), "24-ساعة");
    }

    #[test]
    fn a_slash_is_no_longer_a_path() {
        assert_eq!(readable("الشرق/الغرب"), "الشرق-الغرب");
        assert_eq!(readable(" /a// b/ "), "a-b");
    }

    #[test]
    fn a_name_of_punctuation_still_gets_a_slug() {
        let slug = readable("***");
        assert!(slug.starts_with("n-"), "{slug}");
        assert_eq!(slug, readable("***"));
        assert_ne!(slug, readable("+++"));
    }

    #[test]
    fn colliding_names_are_told_apart_and_the_first_keeps_the_plain_slug() {
        let slugs = assign(["a/b", "a b", "A-B", "c"]);
        // Code point order: "A-B" < "a b" < "a/b".
        assert_eq!(slugs["A-B"], "a-b");
        assert!(slugs["a b"].starts_with("a-b-"), "{}", slugs["a b"]);
        assert!(slugs["a/b"].starts_with("a-b-"), "{}", slugs["a/b"]);
        assert_ne!(slugs["a b"], slugs["a/b"]);
        assert_eq!(slugs["c"], "c");
        // The same names in another order give the same slugs.
        assert_eq!(assign(["c", "a/b", "A-B", "a b"]), slugs);
    }

    #[test]
    fn slugs_are_unique_even_against_hashed_ones() {
        // A name whose readable slug is what another name's hashed slug would be.
        let hashed = assign(["a b", "a-b"])["a-b"].clone();
        let slugs = assign(["a b", "a-b", hashed.as_str()]);
        let mut all: Vec<&String> = slugs.values().collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 3, "{slugs:?}");
    }
}
