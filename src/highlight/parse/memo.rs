//! The line memo: operations of lines already parsed, by the state they were parsed in.
//!
//! A line's operations and the state after it depend on nothing but the state before it and
//! the line's text (see `State`), so a line met again in an equal state, in this code block or
//! any other, on this thread or another, is not parsed again. Code repeats a lot (`}`,
//! `return result;`, blank lines, the same example in several notes): in a generated 1,000-note
//! corpus a third of the code lines are distinct, in the shared corpora about half.
//!
//! The threads of a build share one memo (`SharedMemo`): with a memo each, a line one thread
//! parsed was parsed again by the other (13% more lines at 1,000 notes on two threads), and each
//! memo was half as large. States go into it in a form any thread reads (`Frozen`: contexts by
//! address), from which a thread makes its own `Level`s on a hit that changes the state (most
//! lines leave it as it was). It is split in shards by key, each behind its own lock. States
//! whose levels hold captures for back-references (heredocs, raw strings) cannot be shared, as
//! an Oniguruma region cannot leave its thread: their lines go into a small memo of the
//! thread's own (`LineMemo`).
//!
//! Entries are compared in full (state and text), never by hash alone: a false hit would
//! change colours. Each memo (each shard) is bounded: entries go into a young generation; when
//! it is full it becomes the old one (dropping the previous old one), and an old entry that is
//! hit moves back into the young one, so what is in use survives and the rest ages out.
//!
//! Operations are kept packed (`Packed`, 8 bytes instead of 32): they are most of an entry's
//! bytes, and on large sites the distinct lines outgrow the bound, so a smaller entry means
//! fewer lines parsed again.

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rustc_hash::FxHasher;
use syntect::parsing::syntax_definition::Context;
use syntect::parsing::{ClearAmount, Scope, ScopeStackOp};

use super::{Level, Snapshot, State};

/// Bytes of shared memo for each thread (about: text, operations, states and table slots).
/// On 10,000 generated notes, two threads: 16 MB in all parse 80.7 K lines, 24 MB 70.6 K,
/// 32 MB 66.4 K (two memos of 8 MB: 106 K); the peak grows by what the memo holds. 16 MB in
/// all, as the two memos held before: that 10,000-note build's peak (121-128 MB quiet, up to 153
/// under load) stays clear of #15's 150 MiB.
pub(super) const MEMO_BYTES: usize = 8 << 20;

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
    /// The scope's number, given it when first met.
    fn number(&mut self, scope: Scope) -> u32 {
        let next = self.list.len() as u32;
        let n = *self.numbers.entry(scope).or_insert(next);
        if n == next {
            self.list.push(scope);
        }
        n
    }
}

/// `op` at byte `at` packed, a pushed scope by its `number`; None when a number does not fit
/// (never for real lines, which are at most `MAX_LINE` bytes: such an operation is simply not
/// remembered).
fn pack(at: usize, op: &ScopeStackOp, mut number: impl FnMut(Scope) -> u32) -> Option<Packed> {
    let fits = |n: usize| u32::try_from(n).ok().filter(|&n| n < u32::MAX >> KIND_BITS);
    let (kind, n) = match op {
        ScopeStackOp::Push(scope) => (PUSH, fits(number(*scope) as usize)?),
        ScopeStackOp::Pop(n) => (POP, fits(*n)?),
        ScopeStackOp::Clear(ClearAmount::TopN(n)) => (CLEAR_TOP, fits(*n)?),
        ScopeStackOp::Clear(ClearAmount::All) => (CLEAR_ALL, 0),
        ScopeStackOp::Restore => (RESTORE, 0),
        ScopeStackOp::Noop => (NOOP, 0),
    };
    Some(Packed { at: u32::try_from(at).ok()?, op: n << KIND_BITS | kind })
}

/// A line's operations packed (`pack`), in a slice made at their count: collected through
/// `Option`, they were pushed into a vector grown from none and then cut to size, two to four
/// reallocations a line (1k notes, `-j 1`: 43,653 reallocations, 11.1 M instructions).
fn pack_all(ops: &[(usize, ScopeStackOp)], mut number: impl FnMut(Scope) -> u32) -> Option<Box<[Packed]>> {
    let mut packed = Vec::with_capacity(ops.len());
    for (at, op) in ops {
        packed.push(pack(*at, op, &mut number)?);
    }
    Some(packed.into_boxed_slice())
}

/// The operation `pack` packed, a pushed scope by its number's `scope`.
fn unpack(packed: Packed, scope: impl FnOnce(usize) -> Scope) -> (usize, ScopeStackOp) {
    let n = (packed.op >> KIND_BITS) as usize;
    let op = match packed.op & ((1 << KIND_BITS) - 1) {
        PUSH => ScopeStackOp::Push(scope(n)),
        POP => ScopeStackOp::Pop(n),
        CLEAR_TOP => ScopeStackOp::Clear(ClearAmount::TopN(n)),
        CLEAR_ALL => ScopeStackOp::Clear(ClearAmount::All),
        RESTORE => ScopeStackOp::Restore,
        _ => ScopeStackOp::Noop,
    };
    (packed.at as usize, op)
}

/// The key is the hash of state and line; the entry holds both, to be compared on a hit.
type Table<E> = HashMap<u64, E, BuildHasherDefault<FxHasher>>;

/// An entry's bytes, as the bound counts them.
trait Weighed {
    fn bytes(&self) -> usize;
}

/// Entries in two generations under a bound in bytes: new entries go into the young one; when
/// it is full it becomes the old one (dropping the previous old one), and an old entry that is
/// hit moves back into the young one, so what is in use survives and the rest ages out.
struct Generations<E> {
    young: Table<E>,
    old: Table<E>,
    young_bytes: usize,
    old_bytes: usize,
    bound: usize,
}

impl<E: Weighed> Generations<E> {
    fn new(bound: usize) -> Generations<E> {
        Generations { young: Table::default(), old: Table::default(), young_bytes: 0, old_bytes: 0, bound }
    }

    /// The entry under `key` that `is_it`, young again if it was old.
    fn get(&mut self, key: u64, is_it: impl Fn(&E) -> bool) -> Option<&E> {
        if !self.young.get(&key).is_some_and(&is_it) {
            let entry = self.old.remove(&key).filter(&is_it)?;
            self.put(key, entry);
        }
        self.young.get(&key)
    }

    fn put(&mut self, key: u64, entry: E) {
        let bytes = entry.bytes();
        if self.young_bytes + bytes > self.bound / 2 {
            self.old = std::mem::take(&mut self.young);
            self.old_bytes = std::mem::replace(&mut self.young_bytes, 0);
        }
        self.young_bytes += bytes;
        // A different entry with the same hash is replaced: only the newest is kept.
        self.young.insert(key, entry);
    }

    /// Bytes held, at most (an entry replaced or moved out of the old generation still counts).
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.young_bytes + self.old_bytes
    }
}

/// The memo of the states that cannot be shared between threads (see `Frozen`): lines in
/// heredocs, raw strings and other contexts that end on a back-reference. Few lines are.
pub(super) struct LineMemo {
    lines: Generations<Remembered>,
    scopes: Scopes,
    /// Lines answered from the memo (tests check that it is used).
    #[cfg(test)]
    pub(super) hits: usize,
}

/// Bytes one thread's own memo may hold.
const OWN_MEMO_BYTES: usize = 1 << 20;

impl Default for LineMemo {
    fn default() -> LineMemo {
        LineMemo {
            lines: Generations::new(OWN_MEMO_BYTES),
            scopes: Scopes::default(),
            #[cfg(test)]
            hits: 0,
        }
    }
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
        let is_it = |r: &Remembered| *r.line == *line && (Rc::ptr_eq(&r.from, from) || r.from.state == from.state);
        let seen = self.lines.get(key(from.hash, line), is_it)?;
        #[cfg(test)]
        {
            self.hits += 1;
        }
        ops.extend(seen.ops.iter().map(|&p| unpack(p, |n| self.scopes.list[n])));
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
        let Some(packed) = pack_all(ops, |s| self.scopes.number(s)) else {
            return;
        };
        let key = key(from.hash, line);
        self.lines.put(key, Remembered { from, line: line.into(), ops: packed, next, plain });
    }
}

fn key(state_hash: u64, line: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write_u64(state_hash);
    hasher.write(line.as_bytes());
    hasher.finish()
}

/// Bytes an entry holds, counting the state after the line when it is its own.
impl Weighed for Remembered {
    fn bytes(&self) -> usize {
        let mut bytes = std::mem::size_of::<(u64, Remembered)>() + self.line.len() + std::mem::size_of_val(&*self.ops);
        if !Rc::ptr_eq(&self.from, &self.next) {
            let state = &self.next.state;
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
}

/// A state in a form every thread can read: contexts by address, no patterns, no regions. A
/// thread makes its own `State` of it (its `Level`s hold its own pattern tables). States with
/// back-reference captures have none: an Oniguruma region cannot leave its thread.
#[derive(PartialEq)]
pub(super) struct Frozen {
    hash: u64,
    stack: Box<[FrozenLevel]>,
    pub(super) proto_starts: Box<[usize]>,
    pub(super) first_line: bool,
}

#[derive(PartialEq)]
pub(super) struct FrozenLevel {
    pub(super) context: ContextAt,
    pub(super) with_prototypes: Box<[ContextAt]>,
}

/// A context, compared by address as `State` compares them.
#[derive(Clone, Copy)]
pub(super) struct ContextAt(pub(super) &'static Context);

impl PartialEq for ContextAt {
    fn eq(&self, other: &ContextAt) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Frozen {
    /// The state in shareable form; None when a level holds captures.
    pub(super) fn of(snapshot: &Snapshot) -> Option<Frozen> {
        let state = &snapshot.state;
        let level = |l: &Level| {
            l.captures.is_none().then(|| FrozenLevel {
                context: ContextAt(l.context),
                with_prototypes: l.with_prototypes.iter().map(|p| ContextAt(p.context)).collect(),
            })
        };
        Some(Frozen {
            hash: snapshot.hash,
            stack: state.stack.iter().map(level).collect::<Option<_>>()?,
            proto_starts: state.proto_starts.as_slice().into(),
            first_line: state.first_line,
        })
    }

    pub(super) fn hash(&self) -> u64 {
        self.hash
    }

    pub(super) fn levels(&self) -> &[FrozenLevel] {
        &self.stack
    }

    /// Whether `state` is this state (`State`'s equality, for a state without captures).
    pub(super) fn is(&self, state: &State) -> bool {
        self.first_line == state.first_line
            && *self.proto_starts == *state.proto_starts
            && self.stack.len() == state.stack.len()
            && self.stack.iter().zip(&state.stack).all(|(f, l)| {
                std::ptr::eq(f.context.0, l.context)
                    && l.captures.is_none()
                    && f.with_prototypes.len() == l.with_prototypes.len()
                    && f.with_prototypes.iter().zip(&l.with_prototypes).all(|(a, b)| std::ptr::eq(a.0, b.context))
            })
    }

    fn bytes(&self) -> usize {
        std::mem::size_of::<Frozen>()
            + std::mem::size_of_val(&*self.stack)
            + std::mem::size_of_val(&*self.proto_starts)
            + self.stack.iter().map(|l| std::mem::size_of_val(&*l.with_prototypes)).sum::<usize>()
    }
}

/// What a line gave in a state, in the memo shared by the threads.
struct SharedLine {
    from: Arc<Frozen>,
    line: Box<str>,
    ops: Box<[Packed]>,
    /// The state after the line; None when it is the state before it (most lines).
    next: Option<Arc<Frozen>>,
    plain: bool,
}

impl Weighed for SharedLine {
    fn bytes(&self) -> usize {
        std::mem::size_of::<(u64, SharedLine)>()
            + self.line.len()
            + std::mem::size_of_val(&*self.ops)
            + self.next.as_ref().map_or(0, |n| n.bytes())
    }
}

/// Shards of the shared memo, by key: two threads rarely want the same one at once.
const SHARDS: usize = 64;

/// A shard on cache lines of its own, so that a thread taking one does not take its
/// neighbours' lines away from another thread's core.
#[repr(align(128))]
struct Shard(Mutex<Generations<SharedLine>>);

/// The line memo of all a build's threads, so that a line one thread parsed is not parsed
/// again by another, and the memo is as large as all threads' together. Bounded in bytes.
pub(super) struct SharedMemo {
    shards: Box<[Shard]>,
    /// The numbers of the scopes in its entries' operations.
    scopes: Mutex<Scopes>,
}

impl SharedMemo {
    pub(super) fn new(bound: usize) -> SharedMemo {
        SharedMemo {
            shards: (0..SHARDS).map(|_| Shard(Mutex::new(Generations::new(bound / SHARDS)))).collect(),
            scopes: Mutex::default(),
        }
    }

    fn shard(&self, key: u64) -> MutexGuard<'_, Generations<SharedLine>> {
        // A thread that panicked holding a shard left it whole: entries are put in one step.
        self.shards[(key >> 58) as usize % SHARDS].0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Bytes held, at most.
    #[cfg(test)]
    pub(super) fn bytes(&self) -> usize {
        (0..SHARDS).map(|i| self.shard((i as u64) << 58).bytes()).sum()
    }
}

/// The memo the threads of a build share; made on first use, let go by `release_shared`.
static SHARED: Mutex<Option<Arc<SharedMemo>>> = Mutex::new(None);

/// The memo shared by the threads: `MEMO_BYTES` for each thread of the pool it is made on.
pub(super) fn shared() -> Arc<SharedMemo> {
    let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
    shared.get_or_insert_with(|| Arc::new(SharedMemo::new(MEMO_BYTES * rayon::current_num_threads()))).clone()
}

/// The shared memo a thread's new tables use. Unit tests give each thread its own, so that
/// tests running side by side do not answer each other's lines (a test shares one on purpose).
pub(super) fn for_new_tables() -> Arc<SharedMemo> {
    if cfg!(test) {
        Arc::new(SharedMemo::new(MEMO_BYTES))
    } else {
        shared()
    }
}

/// Lets the shared memo go (once every thread has let go of its tables, which hold it too).
pub(super) fn release_shared() {
    *SHARED.lock().unwrap_or_else(PoisonError::into_inner) = None;
}

/// A thread's way into a shared memo: the memo and the scope numbers it has met (a copy of
/// the front of the memo's list, so that unpacking takes no lock).
pub(super) struct SharedSide {
    memo: Arc<SharedMemo>,
    scopes: Scopes,
    /// Lines answered from the shared memo (tests check that threads share it).
    #[cfg(test)]
    pub(super) hits: usize,
}

impl SharedSide {
    pub(super) fn new(memo: Arc<SharedMemo>) -> SharedSide {
        SharedSide {
            memo,
            scopes: Scopes::default(),
            #[cfg(test)]
            hits: 0,
        }
    }

    /// What `line` gave in state `from` (which has no captures), if remembered: its operations
    /// are appended to `ops`; the state after it (None: the same) and whether it was left plain
    /// are returned.
    pub(super) fn get(
        &mut self,
        from: &Snapshot,
        line: &str,
        ops: &mut Vec<(usize, ScopeStackOp)>,
    ) -> Option<(Option<Arc<Frozen>>, bool)> {
        let key = key(from.hash, line);
        let known = from.frozen.get().and_then(Option::as_ref);
        let is_it = |e: &SharedLine| {
            *e.line == *line && (known.is_some_and(|k| Arc::ptr_eq(k, &e.from)) || e.from.is(&from.state))
        };
        let mut shard = self.memo.shard(key);
        let seen = shard.get(key, is_it)?;
        let (memo, scopes) = (&self.memo, &mut self.scopes);
        ops.extend(seen.ops.iter().map(|&p| {
            unpack(p, |n| {
                if n >= scopes.list.len() {
                    let all = memo.scopes.lock().unwrap_or_else(PoisonError::into_inner);
                    scopes.list.extend_from_slice(&all.list[scopes.list.len()..]);
                }
                scopes.list[n]
            })
        }));
        #[cfg(test)]
        {
            self.hits += 1;
        }
        Some((seen.next.clone(), seen.plain))
    }

    pub(super) fn insert(
        &mut self,
        from: Arc<Frozen>,
        line: &str,
        ops: &[(usize, ScopeStackOp)],
        next: Option<Arc<Frozen>>,
        plain: bool,
    ) {
        let (memo, scopes) = (&self.memo, &mut self.scopes);
        let mut number = |scope: Scope| match scopes.numbers.get(&scope) {
            Some(&n) => n,
            None => {
                let n = memo.scopes.lock().unwrap_or_else(PoisonError::into_inner).number(scope);
                scopes.numbers.insert(scope, n);
                n
            }
        };
        let Some(packed) = pack_all(ops, &mut number) else {
            return;
        };
        let key = key(from.hash, line);
        self.memo.shard(key).put(key, SharedLine { from, line: line.into(), ops: packed, next, plain });
    }
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
        let packed: Vec<Packed> = ops.iter().map(|(at, op)| pack(*at, op, |s| scopes.number(s)).unwrap()).collect();
        assert_eq!(scopes.list, [a, b], "each scope is kept once");
        let unpacked: Vec<_> = packed.iter().map(|&p| unpack(p, |n| scopes.list[n])).collect();
        assert_eq!(unpacked, ops);
        assert_eq!(pack(0, &ScopeStackOp::Pop(usize::MAX), |s| scopes.number(s)), None);
        assert_eq!(pack(1 << 32, &ScopeStackOp::Restore, |s| scopes.number(s)), None);
    }
}
