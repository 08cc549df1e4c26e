//! The threads as the compiled archive writes them: each thread's article ids, looked up where
//! they lie as they are written, not gathered into a list of lists first.

use serde::ser::{Serialize, Serializer};

use super::build::At;

/// Each thread's ids, written as a `Vec<Vec<String>>` is (postcard writes a `&str` as a
/// `String`): what [`super::compiled`] reads back as its threads.
#[derive(Clone, Copy)]
pub(super) enum ThreadIds<'a> {
    /// The ids themselves (an archive held whole).
    Named(&'a [Vec<String>]),
    /// Each article by its place in a build's results, named by the function: a `+1` at a
    /// million articles made a vector of borrowed ids for each thread (some 600 K ids) only
    /// to write them once.
    At(&'a [Vec<At>], &'a dyn Fn(At) -> &'a str),
}

impl Serialize for ThreadIds<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            ThreadIds::Named(threads) => threads.serialize(s),
            ThreadIds::At(threads, id) => s.collect_seq(threads.iter().map(|t| Ids(t, id))),
        }
    }
}

/// One thread's ids, by place.
struct Ids<'a>(&'a [At], &'a dyn Fn(At) -> &'a str);

impl Serialize for Ids<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|&at| (self.1)(at)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_by_place_are_written_as_the_named_ones() {
        let named = vec![
            vec!["a".to_string(), "b".to_string()],
            vec![],
            vec!["c".to_string()],
        ];
        let at = vec![vec![(0, 1), (1, 0)], vec![], vec![(2, 0)]];
        let ids = [["x", "a"], ["b", "y"], ["c", "z"]];
        let id = |(i, j): At| ids[i][j];
        let written = |t: ThreadIds| postcard::to_stdvec(&t).unwrap();
        let expected = postcard::to_stdvec(&named).unwrap();
        assert_eq!(written(ThreadIds::Named(&named)), expected);
        assert_eq!(written(ThreadIds::At(&at, &id)), expected);
        // Read back as the compiled archive reads its threads.
        let read: Vec<Vec<String>> = postcard::from_bytes(&expected).unwrap();
        assert_eq!(read, named);
    }
}
