//! The serde seeds `chunk_files` decodes a chunk's items with: into a vector sized once
//! ([`Exact`]), or one by one into the caller's sink ([`Placed`]), neither trusting a damaged
//! length past a cap.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, DeserializeSeed, Deserializer, SeqAccess, Visitor};

/// A chunk's items handed to its sink one by one, exactly `room` of them.
pub(super) struct Placed<'a, T, S, P> {
    pub(super) room: usize,
    pub(super) sink: &'a mut S,
    pub(super) put: &'a P,
    pub(super) items: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>, S, P: Fn(&mut S, T) -> bool> DeserializeSeed<'de>
    for Placed<'_, T, S, P>
{
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, input: D) -> Result<(), D::Error> {
        input.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>, S, P: Fn(&mut S, T) -> bool> Visitor<'de> for Placed<'_, T, S, P> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a chunk of {} items", self.room)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        use serde::de::Error;
        let mut n = 0;
        while let Some(item) = seq.next_element()? {
            if n == self.room || !(self.put)(self.sink, item) {
                return Err(A::Error::invalid_length(n + 1, &self));
            }
            n += 1;
        }
        if n == self.room {
            Ok(())
        } else {
            Err(A::Error::invalid_length(n, &self))
        }
    }
}

/// A chunk's items decoded into a vector sized once, for as many items as the chunk says it
/// holds (never more than the cap, [`super::chunk_files::MAX_ITEMS`], whatever a damaged file says). serde's own `Vec`
/// trusts a length it reads only up to 1 MiB of items and grows from there: a chunk of 8,192
/// entries grew three or four times, each growth a copy into pages the kernel must first
/// clear, and at a million articles that was a fifth of `serve`'s start-up (perf,
/// notes/serve-bench.md, session 25).
pub(super) struct Exact<T> {
    pub(super) cap: usize,
    pub(super) items: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Exact<T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, input: D) -> Result<Vec<T>, D::Error> {
        input.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Exact<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a chunk's items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.cap));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }
}
