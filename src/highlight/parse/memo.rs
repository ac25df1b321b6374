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
//!
//! Operations are kept packed (`Packed`, 8 bytes instead of 32): they are most of an entry's
//! bytes, and on large sites the distinct lines outgrow the bound, so a smaller entry means
//! fewer lines parsed again.

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use rustc_hash::FxHasher;
use syntect::parsing::{ClearAmount, Scope, ScopeStackOp};

use super::{Level, Snapshot};

/// Bytes one thread's memo may hold (about: text, operations, states and table slots).
const MEMO_BYTES: usize = 8 << 20;

/// What a line gave when parsed in a state.
struct Remembered {
    from: Rc<Snapshot>,
    line: Box<str>,
    ops: Box<[Packed]>,
    next: Rc<Snapshot>,
    /// The line went over its budget and was left plain.
    plain: bool,
}

/// One operation as the memo keeps it: its byte index and the operation in a word, a pushed
/// scope as its number in the memo's scope list (see `Scopes`).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Packed {
    at: u32,
    op: u32,
}

/// The operation's kind, in the low bits of `Packed::op`; the rest holds its number.
const KIND_BITS: u32 = 3;
const PUSH: u32 = 0;
const POP: u32 = 1;
const CLEAR_TOP: u32 = 2;
const CLEAR_ALL: u32 = 3;
const RESTORE: u32 = 4;
const NOOP: u32 = 5;

/// The scopes pushed by remembered operations, numbered in the order first met. Never
/// trimmed: a thread meets a few thousand scopes at most, all grammars together.
#[derive(Default)]
struct Scopes {
    list: Vec<Scope>,
    numbers: HashMap<Scope, u32, BuildHasherDefault<FxHasher>>,
}

impl Scopes {
    /// `op` at byte `at` packed; None when a number does not fit (never for real lines, which
    /// are at most `MAX_LINE` bytes: such an operation is simply not remembered).
    fn pack(&mut self, at: usize, op: &ScopeStackOp) -> Option<Packed> {
        let number = |n: usize| u32::try_from(n).ok().filter(|&n| n < u32::MAX >> KIND_BITS);
        let (kind, n) = match op {
            ScopeStackOp::Push(scope) => {
                let next = self.list.len() as u32;
                let n = *self.numbers.entry(*scope).or_insert(next);
                if n == next {
                    self.list.push(*scope);
                }
                (PUSH, number(n as usize)?)
            }
            ScopeStackOp::Pop(n) => (POP, number(*n)?),
            ScopeStackOp::Clear(ClearAmount::TopN(n)) => (CLEAR_TOP, number(*n)?),
            ScopeStackOp::Clear(ClearAmount::All) => (CLEAR_ALL, 0),
            ScopeStackOp::Restore => (RESTORE, 0),
            ScopeStackOp::Noop => (NOOP, 0),
        };
        Some(Packed { at: u32::try_from(at).ok()?, op: n << KIND_BITS | kind })
    }

    fn unpack(&self, packed: Packed) -> (usize, ScopeStackOp) {
        let n = (packed.op >> KIND_BITS) as usize;
        let op = match packed.op & ((1 << KIND_BITS) - 1) {
            PUSH => ScopeStackOp::Push(self.list[n]),
            POP => ScopeStackOp::Pop(n),
            CLEAR_TOP => ScopeStackOp::Clear(ClearAmount::TopN(n)),
            CLEAR_ALL => ScopeStackOp::Clear(ClearAmount::All),
            RESTORE => ScopeStackOp::Restore,
            _ => ScopeStackOp::Noop,
        };
        (packed.at as usize, op)
    }
}

/// The key is the hash of state and line; the entry holds both, to be compared on a hit.
type Table = HashMap<u64, Remembered, BuildHasherDefault<FxHasher>>;

#[derive(Default)]
pub(super) struct LineMemo {
    young: Table,
    old: Table,
    young_bytes: usize,
    scopes: Scopes,
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
    /// What `line` gave in state `from`, if remembered: its operations are appended to `ops`,
    /// and the state after it and whether it was left plain are returned.
    pub(super) fn get(
        &mut self,
        from: &Rc<Snapshot>,
        line: &str,
        ops: &mut Vec<(usize, ScopeStackOp)>,
    ) -> Option<(Rc<Snapshot>, bool)> {
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
        let seen = self.young.get(&key)?;
        ops.extend(seen.ops.iter().map(|&p| self.scopes.unpack(p)));
        Some((seen.next.clone(), seen.plain))
    }

    pub(super) fn insert(
        &mut self,
        from: Rc<Snapshot>,
        line: &str,
        ops: &[(usize, ScopeStackOp)],
        next: Rc<Snapshot>,
        plain: bool,
    ) {
        let Some(packed) = ops.iter().map(|(at, op)| self.scopes.pack(*at, op)).collect::<Option<Box<[Packed]>>>()
        else {
            return;
        };
        let key = key(&from, line);
        self.put(key, Remembered { from, line: line.into(), ops: packed, next, plain });
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of operation comes back as it went in, scopes by their number; what does not
    /// fit is refused, not cut.
    #[test]
    fn packed_operations_unpack_to_the_same() {
        let a = Scope::new("source.rust").unwrap();
        let b = Scope::new("keyword.control.rust").unwrap();
        let ops = [
            (0, ScopeStackOp::Push(a)),
            (3, ScopeStackOp::Push(b)),
            (3, ScopeStackOp::Push(a)),
            (7, ScopeStackOp::Pop(2)),
            (7, ScopeStackOp::Clear(ClearAmount::TopN(1))),
            (9, ScopeStackOp::Clear(ClearAmount::All)),
            (9, ScopeStackOp::Restore),
            (4095, ScopeStackOp::Noop),
            (12, ScopeStackOp::Pop((u32::MAX >> KIND_BITS) as usize - 1)),
        ];
        let mut scopes = Scopes::default();
        let packed: Vec<Packed> = ops.iter().map(|(at, op)| scopes.pack(*at, op).unwrap()).collect();
        assert_eq!(scopes.list, [a, b], "each scope is kept once");
        let unpacked: Vec<_> = packed.iter().map(|&p| scopes.unpack(p)).collect();
        assert_eq!(unpacked, ops);
        assert_eq!(scopes.pack(0, &ScopeStackOp::Pop(usize::MAX)), None);
        assert_eq!(scopes.pack(1 << 32, &ScopeStackOp::Restore), None);
    }
}
