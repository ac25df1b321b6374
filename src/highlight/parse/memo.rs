//! The line memo: operations of lines already parsed, by the state they were parsed in.
//!
//! A line's operations and the state after it depend on nothing but the state before it and
//! the line's text (see `State`), so a line met again in an equal state, in this code block or
//! any other on the thread, is not parsed again. Code repeats a lot (`}`, `return result;`,
//! blank lines, the same example in several notes): in a generated 1,000-note corpus a third of
//! the code lines are distinct, in the shared corpora about half.
//!
//! Entries are compared in full (state and text), never by hash alone: a false hit would
//! change colours. The memo is bounded: entries go into a young generation; when it is full it
//! becomes the old one (dropping the previous old one), and an old entry that is hit moves back
//! into the young one, so what is in use survives and the rest ages out.

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use rustc_hash::FxHasher;
use syntect::parsing::ScopeStackOp;

use super::{Level, Snapshot};

/// Bytes one thread's memo may hold (about: text, operations, states and table slots).
const MEMO_BYTES: usize = 8 << 20;

/// What a line gave when parsed in a state.
pub(super) struct Remembered {
    from: Rc<Snapshot>,
    line: Box<str>,
    pub(super) ops: Box<[(usize, ScopeStackOp)]>,
    pub(super) next: Rc<Snapshot>,
    /// The line went over its budget and was left plain.
    pub(super) plain: bool,
}

/// The key is the hash of state and line; the entry holds both, to be compared on a hit.
type Table = HashMap<u64, Remembered, BuildHasherDefault<FxHasher>>;

#[derive(Default)]
pub(super) struct LineMemo {
    young: Table,
    old: Table,
    young_bytes: usize,
    /// Lines answered from the memo (tests check that it is used).
    #[cfg(test)]
    pub(super) hits: usize,
}

thread_local! {
    static ENABLED: Cell<bool> = const { Cell::new(true) };
}

/// Whether parsers on this thread use the memo.
pub(super) fn enabled() -> bool {
    ENABLED.get()
}

/// Runs `f` with the memo off on this thread (tests compare output with and without it).
pub(crate) fn without<R>(f: impl FnOnce() -> R) -> R {
    let before = ENABLED.replace(false);
    let result = f();
    ENABLED.set(before);
    result
}

impl LineMemo {
    /// What `line` gave in state `from`, if remembered.
    pub(super) fn get(&mut self, from: &Rc<Snapshot>, line: &str) -> Option<&Remembered> {
        let key = key(from, line);
        let is_it = |r: &Remembered| *r.line == *line && (Rc::ptr_eq(&r.from, from) || r.from.state == from.state);
        if !self.young.get(&key).is_some_and(is_it) {
            let entry = self.old.remove(&key).filter(is_it)?;
            self.put(key, entry);
        }
        #[cfg(test)]
        {
            self.hits += 1;
        }
        self.young.get(&key)
    }

    pub(super) fn insert(
        &mut self,
        from: Rc<Snapshot>,
        line: &str,
        ops: &[(usize, ScopeStackOp)],
        next: Rc<Snapshot>,
        plain: bool,
    ) {
        let key = key(&from, line);
        self.put(key, Remembered { from, line: line.into(), ops: ops.into(), next, plain });
    }

    fn put(&mut self, key: u64, entry: Remembered) {
        let bytes = size(&entry);
        if self.young_bytes + bytes > MEMO_BYTES / 2 {
            self.old = std::mem::take(&mut self.young);
            self.young_bytes = 0;
        }
        self.young_bytes += bytes;
        // A different entry with the same hash is replaced: only the newest is kept.
        self.young.insert(key, entry);
    }
}

fn key(from: &Snapshot, line: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write_u64(from.hash);
    hasher.write(line.as_bytes());
    hasher.finish()
}

/// Bytes an entry holds, counting the state after the line when it is its own.
fn size(entry: &Remembered) -> usize {
    let mut bytes = std::mem::size_of::<(u64, Remembered)>() + entry.line.len() + std::mem::size_of_val(&*entry.ops);
    if !Rc::ptr_eq(&entry.from, &entry.next) {
        let state = &entry.next.state;
        bytes += std::mem::size_of::<Snapshot>()
            + state.stack.len() * std::mem::size_of::<Level>()
            + state.proto_starts.len() * std::mem::size_of::<usize>();
        for level in &state.stack {
            bytes += level.with_prototypes.len() * std::mem::size_of::<super::Prototype>();
            bytes += level.captures.as_ref().map_or(0, |c| c.1.len());
        }
    }
    bytes
}
