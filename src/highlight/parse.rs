//! The grammar interpreter behind highlighting: turns each line of code into scope operations,
//! exactly as syntect's `ParseState::parse_line` does, at a fraction of its cost per token.
//!
//! For every token, syntect walks all patterns of the active contexts through a tree iterator
//! (following `include`s anew each time), looks each one up in a hash map of this line's regex
//! results and clones the match regions it finds; on code-heavy notes that took as long as the
//! regex engine itself. Here each context's patterns are flattened once per thread, and this
//! line's search results sit in a table indexed by pattern, stamped with the line they belong
//! to, their regions kept in place. The rules (which pattern wins, loop prevention, meta
//! scopes, captures, back-references, prototypes) are syntect's, step for step; a test runs
//! both parsers over every code block of the shared corpora and compares the operations.
//!
//! Two adapters reach past syntect's public API, which is why Cargo.toml pins syntect exactly:
//! `start_context_id` reads the start context out of `ParseState`'s `Debug` output, and
//! `context_by_id` rebuilds a `ContextReference::Direct` through serde to look a context up.
//! If either breaks, `LineParser::new` returns None and syntect's own parser takes over (same
//! output, slower); the tests here then fail, so an upgrade cannot pass unnoticed.
//! The smallest upstream change that would remove both: make two `pub(crate)` items public,
//! `SyntaxSet::get_context(&self, &ContextId) -> Result<&Context, ParsingError>` and
//! `SyntaxReference::context_ids(&self) -> &HashMap<String, ContextId>` (whose `"__start"`
//! entry is what `ParseState::new` starts in).

use rustc_hash::FxHashMap;
use std::cell::{OnceCell, RefCell};
use std::hash::{Hash, Hasher};
use std::rc::Rc;
use std::sync::Arc;

use syntect::parsing::syntax_definition::{
    Context, ContextId, ContextReference, MatchOperation, MatchPattern, Pattern,
};
use syntect::parsing::{ParseState, Region, ScopeStackOp, SyntaxReference, SyntaxSet};

use super::required::{Class, LineBytes, LineMemory, Required, Sieve};

pub(super) mod memo;
mod simple;

use simple::Simple;

/// A grammar that cannot be followed (a context that is missing or unresolved): the caller
/// shows the code unhighlighted rather than half-highlighted.
#[derive(Debug)]
pub(crate) struct Broken;

/// syntect's depth limit: a push beyond it ends the line's matching.
const MAX_DEPTH: usize = 100;

/// Work allowed for one line, in bytes a regex search may scan (each search counts what is
/// left of the line, plus `SEARCH_COST`). Some grammars search to the end of the line again
/// for every token, which is quadratic in the line's length (a 30 KB `$((…` bash line took
/// seconds); past this budget the line is shown as plain text. Ordinary lines use a small
/// fraction of it: the corpus tests check that none of theirs falls back.
const BUDGET_BASE: u64 = 1 << 18;
const BUDGET_PER_BYTE: u64 = 16;
const SEARCH_COST: u64 = 32;

/// Longer lines (minified code, generated data) are not parsed at all: a single regex search
/// over them can cost time quadratic in their length, which no count of searches bounds.
const MAX_LINE: usize = 4096;

fn budget_for(line_len: usize) -> u64 {
    BUDGET_BASE + BUDGET_PER_BYTE * line_len as u64
}

/// Parser state carried from one line of a code block to the next (syntect's `ParseState`).
pub(crate) struct LineParser {
    set: &'static SyntaxSet,
    state: Rc<Snapshot>,
    /// Lines that went over their work budget and were left unhighlighted.
    plain_lines: usize,
}

/// Everything the operations of a line and the state after it depend on, besides the line's
/// text: the contexts on the stack (with their prototypes and back-reference captures), where
/// prototypes start, and whether this is the first line. The rest of a parse (search-result
/// slots, the budget) lives and dies with one line.
#[derive(Clone)]
struct State {
    stack: Vec<Level>,
    /// Stack heights at which a `with_prototype` push happened; prototypes of levels below
    /// the last one are not applied.
    proto_starts: Vec<usize>,
    first_line: bool,
}

/// A state between lines, sealed with its hash: what the line memo is keyed by, shared by
/// the parser and the memo's entries.
struct Snapshot {
    state: State,
    hash: u64,
    /// No level holds captures: the state can go into the memo the threads share.
    shareable: bool,
    /// The state in that memo's form, made when first needed (see `memo::Frozen`).
    frozen: OnceCell<Option<Arc<memo::Frozen>>>,
}

impl Snapshot {
    fn new(state: State) -> Snapshot {
        let mut hasher = rustc_hash::FxHasher::default();
        state.hash_into(&mut hasher);
        let shareable = state.stack.iter().all(|level| level.captures.is_none());
        Snapshot { hash: hasher.finish(), state, shareable, frozen: OnceCell::new() }
    }

    /// A thread's own state made from the shared memo's `frozen` one.
    fn thawed(state: State, frozen: Arc<memo::Frozen>) -> Snapshot {
        Snapshot { hash: frozen.hash(), state, shareable: true, frozen: OnceCell::from(Some(frozen)) }
    }

    /// The state in the shared memo's form; None when it cannot be shared.
    fn frozen(&self) -> Option<&Arc<memo::Frozen>> {
        self.frozen.get_or_init(|| memo::Frozen::of(self).map(Arc::new)).as_ref()
    }
}

/// Equal states give equal operations on equal lines (what the memo relies on): the same
/// contexts, with the same prototypes attached, the same captured text for back-references.
/// A context's patterns and own prototype follow from the context.
impl PartialEq for State {
    fn eq(&self, other: &State) -> bool {
        self.first_line == other.first_line
            && self.proto_starts == other.proto_starts
            && self.stack.len() == other.stack.len()
            && self.stack.iter().zip(&other.stack).all(|(a, b)| a.same_as(b))
    }
}

impl State {
    /// Feeds exactly what `eq` compares.
    fn hash_into(&self, hasher: &mut impl Hasher) {
        hasher.write_u8(u8::from(self.first_line));
        hasher.write_usize(self.proto_starts.len());
        for &start in &self.proto_starts {
            hasher.write_usize(start);
        }
        hasher.write_usize(self.stack.len());
        for level in &self.stack {
            hasher.write_usize(level.context as *const Context as usize);
            hasher.write_usize(level.with_prototypes.len());
            for prototype in &level.with_prototypes {
                hasher.write_usize(prototype.context as *const Context as usize);
            }
            match &level.captures {
                None => hasher.write_u8(0),
                Some(captures) => {
                    let (region, text) = &**captures;
                    hasher.write_u8(1);
                    for i in 0..=LAST_BACK_REFERENCE {
                        region.pos(i).hash(hasher);
                    }
                    hasher.write(text.as_bytes());
                }
            }
        }
    }
}

impl Level {
    fn same_as(&self, other: &Level) -> bool {
        std::ptr::eq(self.context, other.context)
            && self.with_prototypes.len() == other.with_prototypes.len()
            && self.with_prototypes.iter().zip(&other.with_prototypes).all(|(a, b)| std::ptr::eq(a.context, b.context))
            && match (&self.captures, &other.captures) {
                (None, None) => true,
                (Some(a), Some(b)) => Rc::ptr_eq(a, b) || (a.1 == b.1 && same_positions(&a.0, &b.0)),
                _ => false,
            }
    }
}

/// The groups a back-reference can name: syntect reads one digit after the backslash.
const LAST_BACK_REFERENCE: usize = 9;

/// Whether two regions are the same for back-references. (syntect's `Region` equality
/// compares the addresses of Oniguruma's buffers, not the positions in them.)
fn same_positions(a: &Region, b: &Region) -> bool {
    (0..=LAST_BACK_REFERENCE).all(|i| a.pos(i) == b.pos(i))
}

/// One context on the stack.
#[derive(Clone)]
struct Level {
    context: &'static Context,
    /// The context's patterns, includes followed.
    patterns: Rc<[Entry]>,
    /// The patterns of the context's own prototype, when it includes one.
    prototype: Option<Rc<[Entry]>>,
    /// Contexts a `with_prototype` attached to this level (applied to everything above it).
    with_prototypes: Vec<Prototype>,
    /// Match regions and line of the push, for patterns with back-references.
    captures: Option<Rc<(Region, String)>>,
}

#[derive(Clone)]
struct Prototype {
    context: &'static Context,
    patterns: Rc<[Entry]>,
}

/// A pattern in a flattened context, with the table slot of its search results.
struct Entry {
    pattern: &'static MatchPattern,
    slot: usize,
}

/// Where the region of a match is kept.
#[derive(Clone, Copy, PartialEq, Eq)]
enum At {
    Slot(usize),
    /// Just found by a search that could not be cached (its regex depends on back-references).
    Scratch,
    /// Such a match, chosen as this token's best so far: moved out of the way of later searches.
    Best,
}

struct BestMatch {
    pattern: &'static MatchPattern,
    start: usize,
    end: usize,
    at: At,
    from_with_prototype: bool,
    would_loop: bool,
}

/// What a thread has learnt about the grammars: flattened contexts and search-result slots.
/// Kept between code blocks, so each context is flattened once per thread.
struct Tables {
    set: &'static SyntaxSet,
    // Fx hashing: these are looked up on every push of a context, keyed by addresses and ids.
    flat: FxHashMap<*const Context, Rc<[Entry]>>,
    by_id: FxHashMap<ContextId, &'static Context>,
    /// Each grammar's start context, by the grammar's place in `set` (see `start_of`).
    starts: FxHashMap<*const SyntaxReference, Option<&'static Context>>,
    slot_of: FxHashMap<*const MatchPattern, usize>,
    slots: Vec<Slot>,
    /// Stamp of the line being parsed; a slot is valid only for the line it was filled on.
    line: u64,
    /// Target of uncached searches, and where the best of them is kept (see `At`).
    scratch: Region,
    best: Region,
    captures: Vec<((usize, i32), ScopeStackOp)>,
    /// Memory for the line's index (see `LineBytes::reusing`).
    masks: LineMemory,
    /// The line memo of the build's threads, and this thread's own for states it cannot share.
    shared: memo::SharedSide,
    memo: memo::LineMemo,
    /// Work left for this line (see `BUDGET_BASE`); `over_budget` once it ran out.
    budget: u64,
    over_budget: bool,
    /// Lines parsed, not answered from a memo (tests check what the memo spares).
    #[cfg(test)]
    parsed: usize,
}

/// One pattern's search result for the current line: `None` means it does not match anywhere
/// after where it was searched from.
struct Slot {
    line: u64,
    found: Option<(usize, usize)>,
    /// The requirement as bit tests, checked first (see `Sieve`); open when there is none.
    sieve: Sieve,
    region: Region,
    /// Literals every match contains: without one of them in the rest of the line, the
    /// pattern is not searched.
    required: Option<Required>,
    /// The characters every match starts with: Oniguruma's search starts at the first of
    /// them (see `Required::lead_of`).
    lead: Option<Class>,
    /// How to search the pattern without Oniguruma, when it is that simple and nothing reads
    /// its match's region (which such a search leaves as it was).
    simple: Option<Simple>,
}

thread_local! {
    static TABLES: RefCell<Option<Tables>> = const { RefCell::new(None) };
    /// Tests set this to run every skipped search anyway and check that it finds nothing.
    #[cfg(test)]
    static VERIFY_SKIPS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Tests set this to give every line this budget instead.
    #[cfg(test)]
    static BUDGET: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

impl LineParser {
    /// A parser at the start of `syntax`. None when syntect's start context cannot be found;
    /// the caller then uses syntect's own parser.
    pub(crate) fn new(set: &'static SyntaxSet, syntax: &SyntaxReference) -> Option<LineParser> {
        with_tables(set, |t| {
            let start = t.start_of(syntax)?;
            let level = t.level(start, Vec::new(), None).ok()?;
            let state = State { stack: vec![level], proto_starts: Vec::new(), first_line: true };
            Some(LineParser { set, state: Rc::new(Snapshot::new(state)), plain_lines: 0 })
        })
    }

    /// Lines so far that were too long or cost more than their budget, and got no operations.
    #[cfg(test)]
    fn plain_lines(&self) -> usize {
        self.plain_lines
    }

    /// Scope operations for one line (which includes its newline), appended to `ops`. A line
    /// that costs more than its budget gets none (it shows as plain text inside the scopes
    /// open before it) and the next line starts in the state this one started in.
    ///
    /// A line met before in the same state, on this thread or another, is not parsed again: its
    /// operations and the state after it come from the line memo (see `memo`), which is exact.
    pub(crate) fn parse_line(&mut self, line: &str, ops: &mut Vec<(usize, ScopeStackOp)>) -> Result<(), Broken> {
        with_tables(self.set, |t| {
            // Overlong lines are not parsed, so there is nothing to remember.
            let remember = line.len() <= MAX_LINE && memo::enabled();
            #[cfg(test)]
            // A test's budget is not the line's own: what it gives must not be remembered.
            let remember = remember && BUDGET.get().is_none();
            if remember {
                if let Some((next, plain)) = t.recall(&self.state, line, ops)? {
                    self.plain_lines += usize::from(plain);
                    self.state = next;
                    return Ok(());
                }
            }
            let ops_before = ops.len();
            #[cfg(test)]
            {
                t.parsed += 1;
            }
            let (next, plain) = self.state.state.parse_line(t, line, ops)?;
            self.plain_lines += usize::from(plain);
            // Most lines leave the state as they found it: share it rather than keep a copy.
            let next = if next == self.state.state { self.state.clone() } else { Rc::new(Snapshot::new(next)) };
            if remember {
                t.remember(self.state.clone(), line, &ops[ops_before..], next.clone(), plain);
            }
            self.state = next;
            Ok(())
        })
    }
}

impl State {
    /// Parses `line` from this state: the state after it, and whether it was left plain (and
    /// the stack as it was).
    fn parse_line(
        &self,
        t: &mut Tables,
        line: &str,
        ops: &mut Vec<(usize, ScopeStackOp)>,
    ) -> Result<(State, bool), Broken> {
        let Some(top) = self.stack.last() else { return Err(Broken) };
        // Room for two pushes: a clone has none, and a line that pushes a context grew it
        // (1k notes, `-j 1`: 19,837 reallocations, 6.4 M instructions).
        let mut stack = Vec::with_capacity(self.stack.len() + 2);
        stack.extend_from_slice(&self.stack);
        let mut state = State { stack, proto_starts: self.proto_starts.clone(), first_line: self.first_line };
        if state.first_line {
            if let Some(&scope) = top.context.meta_content_scope.first() {
                ops.push((0, ScopeStackOp::Push(scope)));
            }
            state.first_line = false;
        }
        if line.len() > MAX_LINE {
            return Ok((state, true));
        }
        let ops_before = ops.len();
        let line = LineBytes::reusing(line, std::mem::take(&mut t.masks));
        t.line += 1;
        t.budget = budget_for(line.text().len());
        #[cfg(test)]
        if let Some(budget) = BUDGET.get() {
            t.budget = budget;
        }
        t.over_budget = false;
        let mut start = 0;
        // Where a push matched nothing: a pop matching nothing right there would loop.
        let mut non_consuming_push_at = (0, 0);
        let ended = loop {
            match state.next_token(t, &line, &mut start, &mut non_consuming_push_at, ops) {
                Ok(true) => {}
                ended => break ended,
            }
        };
        t.masks = line.into_memory();
        ended?;
        if t.over_budget {
            ops.truncate(ops_before);
            state.stack.clone_from(&self.stack);
            state.proto_starts.clone_from(&self.proto_starts);
            return Ok((state, true));
        }
        Ok((state, false))
    }

    fn next_token(
        &mut self,
        t: &mut Tables,
        line: &LineBytes,
        start: &mut usize,
        non_consuming_push_at: &mut (usize, usize),
        ops: &mut Vec<(usize, ScopeStackOp)>,
    ) -> Result<bool, Broken> {
        let check_pop_loop = *non_consuming_push_at == (*start, self.stack.len());
        while self.proto_starts.last().is_some_and(|&s| s >= self.stack.len()) {
            self.proto_starts.pop();
        }
        let Some(best) = self.find_best_match(t, line, *start, check_pop_loop) else { return Ok(false) };
        if best.would_loop {
            // Sublime's rule: skip one character and try again.
            return Ok(match line.text()[*start..].char_indices().nth(1) {
                Some((i, _)) => {
                    *start += i;
                    true
                }
                None => false,
            });
        }
        if best.end <= *start {
            if let MatchOperation::Push(_) = best.pattern.operation {
                *non_consuming_push_at = (best.end, self.stack.len() + 1);
            }
        }
        *start = best.end;
        if best.from_with_prototype {
            self.proto_starts.push(self.stack.len());
        }
        let level_context = self.stack.last().ok_or(Broken)?.context;
        self.exec_pattern(t, line.text(), &best, level_context, ops)?;
        Ok(true)
    }

    /// The pattern that matches earliest from `start` (the first in order among equals).
    fn find_best_match(
        &self,
        t: &mut Tables,
        line: &LineBytes,
        start: usize,
        check_pop_loop: bool,
    ) -> Option<BestMatch> {
        let top = self.stack.last()?;
        let proto_start = self.proto_starts.last().copied().unwrap_or(0);
        let with_prototypes = self.stack[proto_start..].iter().flat_map(|level| {
            level.with_prototypes.iter().map(move |p| (true, &p.patterns, level.captures.as_deref()))
        });
        let own_prototype = top.prototype.iter().map(|p| (false, p, None));
        let own = std::iter::once((false, &top.patterns, top.captures.as_deref()));

        let mut min_start = usize::MAX;
        let mut best: Option<BestMatch> = None;
        let mut pop_would_loop = false;
        for (from_with_prototype, entries, captures) in with_prototypes.chain(own_prototype).chain(own) {
            for entry in entries.iter() {
                let found = t.search(line, start, entry, captures, self.stack.len());
                if t.over_budget {
                    return None;
                }
                let Some((match_start, match_end, mut at)) = found else { continue };
                if match_start < min_start || (match_start == min_start && pop_would_loop) {
                    min_start = match_start;
                    let operation = &entry.pattern.operation;
                    pop_would_loop = check_pop_loop && match_end <= start && matches!(operation, MatchOperation::Pop);
                    if matches!(operation, MatchOperation::Push(_)) && self.stack.len() >= MAX_DEPTH {
                        return None;
                    }
                    if at == At::Scratch {
                        std::mem::swap(&mut t.scratch, &mut t.best);
                        at = At::Best;
                    }
                    best = Some(BestMatch {
                        pattern: entry.pattern,
                        start: match_start,
                        end: match_end,
                        at,
                        from_with_prototype,
                        would_loop: pop_would_loop,
                    });
                    if match_start == start && !pop_would_loop {
                        // Nothing can match earlier than where we are.
                        return best;
                    }
                }
            }
        }
        best
    }

    fn exec_pattern(
        &mut self,
        t: &mut Tables,
        line: &str,
        best: &BestMatch,
        level_context: &'static Context,
        ops: &mut Vec<(usize, ScopeStackOp)>,
    ) -> Result<bool, Broken> {
        let pattern = best.pattern;
        push_meta_ops(t.set, true, best.start, level_context, &pattern.operation, ops)?;
        for &scope in &pattern.scope {
            ops.push((best.start, ScopeStackOp::Push(scope)));
        }
        if let Some(capture_map) = &pattern.captures {
            // Captures may match in any order; outer ones must be pushed first and popped last.
            let mut captured = std::mem::take(&mut t.captures);
            let region = t.region(best.at);
            for (index, scopes) in capture_map {
                let Some((cap_start, cap_end)) = region.pos(*index) else { continue };
                if cap_start == cap_end {
                    continue; // marking up empty captures would sort the pops wrongly
                }
                for &scope in scopes {
                    captured.push(((cap_start, -((cap_end - cap_start) as i32)), ScopeStackOp::Push(scope)));
                }
                captured.push(((cap_end, i32::MIN), ScopeStackOp::Pop(scopes.len())));
            }
            captured.sort_by_key(|c| c.0); // stable, as syntect's
            ops.extend(captured.drain(..).map(|((index, _), op)| (index, op)));
            t.captures = captured;
        }
        if !pattern.scope.is_empty() {
            ops.push((best.end, ScopeStackOp::Pop(pattern.scope.len())));
        }
        push_meta_ops(t.set, false, best.end, level_context, &pattern.operation, ops)?;
        self.perform_op(t, line, best, pattern)
    }

    /// Change the context stack as the match says. Returns whether it changed.
    fn perform_op(
        &mut self,
        t: &mut Tables,
        line: &str,
        best: &BestMatch,
        pattern: &MatchPattern,
    ) -> Result<bool, Broken> {
        let (refs, mut inherited) = match &pattern.operation {
            MatchOperation::Push(refs) => (refs, None),
            // A `with_prototype` stays in force when its level is `set` to another context.
            MatchOperation::Set(refs) => (refs, self.stack.pop().map(|level| level.with_prototypes)),
            MatchOperation::Pop => {
                self.stack.pop();
                return Ok(true);
            }
            MatchOperation::None => return Ok(false),
        };
        for (i, r) in refs.iter().enumerate() {
            let mut prototypes = if i == 0 { inherited.take().unwrap_or_default() } else { Vec::new() };
            // With several contexts pushed, a `with_prototype` applies to the last (topmost).
            if i == refs.len() - 1 {
                if let Some(p) = &pattern.with_prototype {
                    let context = resolve(p, t.set)?;
                    prototypes.push(Prototype { context, patterns: t.flatten(context)? });
                }
            }
            let context = resolve(r, t.set)?;
            let uses_backrefs = context.uses_backrefs || prototypes.iter().any(|p| p.context.uses_backrefs);
            let captures = uses_backrefs.then(|| Rc::new((t.region(best.at).clone(), line.to_owned())));
            let level = t.level(context, prototypes, captures)?;
            self.stack.push(level);
        }
        Ok(true)
    }
}

/// Meta scopes of the contexts a match leaves or enters (syntect's `push_meta_ops`, with
/// Sublime Text's peculiar ordering for `set`).
fn push_meta_ops(
    set: &'static SyntaxSet,
    initial: bool,
    index: usize,
    current: &Context,
    operation: &MatchOperation,
    ops: &mut Vec<(usize, ScopeStackOp)>,
) -> Result<(), Broken> {
    match operation {
        MatchOperation::Pop => {
            let scopes = if initial { &current.meta_content_scope } else { &current.meta_scope };
            if !scopes.is_empty() {
                ops.push((index, ScopeStackOp::Pop(scopes.len())));
            }
            // Cleared scopes come back after the popping match's own scopes.
            if !initial && current.clear_scopes.is_some() {
                ops.push((index, ScopeStackOp::Restore));
            }
        }
        MatchOperation::Push(refs) | MatchOperation::Set(refs) => {
            let is_set = matches!(operation, MatchOperation::Set(_));
            if initial {
                if is_set && current.clear_scopes.is_some() {
                    ops.push((index, ScopeStackOp::Restore));
                }
                for r in refs {
                    let context = resolve(r, set)?;
                    if !is_set {
                        if let Some(amount) = context.clear_scopes {
                            ops.push((index, ScopeStackOp::Clear(amount)));
                        }
                    }
                    ops.extend(context.meta_scope.iter().map(|&s| (index, ScopeStackOp::Push(s))));
                }
            } else {
                let mut contexts = Vec::with_capacity(refs.len());
                for r in refs {
                    contexts.push(resolve(r, set)?);
                }
                let repush = (is_set && (!current.meta_scope.is_empty() || !current.meta_content_scope.is_empty()))
                    || contexts
                        .iter()
                        .any(|c| !c.meta_content_scope.is_empty() || (c.clear_scopes.is_some() && is_set));
                if repush {
                    // Pop the meta scopes pushed before the match, then push them again with
                    // the content scopes, so they nest in the right order.
                    let mut to_pop: usize = contexts.iter().map(|c| c.meta_scope.len()).sum();
                    if is_set {
                        to_pop += current.meta_content_scope.len() + current.meta_scope.len();
                    }
                    if to_pop > 0 {
                        ops.push((index, ScopeStackOp::Pop(to_pop)));
                    }
                    for context in contexts {
                        if is_set {
                            if let Some(amount) = context.clear_scopes {
                                ops.push((index, ScopeStackOp::Clear(amount)));
                            }
                        }
                        ops.extend(context.meta_scope.iter().map(|&s| (index, ScopeStackOp::Push(s))));
                        ops.extend(context.meta_content_scope.iter().map(|&s| (index, ScopeStackOp::Push(s))));
                    }
                }
            }
        }
        MatchOperation::None => {}
    }
    Ok(())
}

impl Tables {
    /// The context every parse of `syntax` starts in, worked out once per grammar and thread:
    /// finding it takes syntect's `ParseState::new` and reading its `Debug` text back through
    /// JSON, where a build starts a parser per code block (1k notes, `-j 1`: 1,810 parsers,
    /// `LineParser::new` 40.1 M -> 21.4 M instructions inclusive, what is left being syntect's
    /// first use of each grammar; 5,426.8 M -> 5,409.8 M in all). A grammar not of `set` is not
    /// remembered.
    fn start_of(&mut self, syntax: &SyntaxReference) -> Option<&'static Context> {
        let set = self.set;
        let find = || context_by_id(set, start_context_id(syntax)?);
        if !set.syntaxes().as_ptr_range().contains(&std::ptr::from_ref(syntax)) {
            return find();
        }
        *self.starts.entry(std::ptr::from_ref(syntax)).or_insert_with(find)
    }

    fn new(set: &'static SyntaxSet) -> Tables {
        Tables {
            set,
            flat: FxHashMap::default(),
            by_id: FxHashMap::default(),
            starts: FxHashMap::default(),
            slot_of: FxHashMap::default(),
            slots: Vec::new(),
            line: 0,
            scratch: Region::new(),
            best: Region::new(),
            captures: Vec::new(),
            masks: LineMemory::default(),
            shared: memo::SharedSide::new(memo::for_new_tables()),
            memo: memo::LineMemo::default(),
            budget: 0,
            over_budget: false,
            #[cfg(test)]
            parsed: 0,
        }
    }

    /// What a memo holds of `line` in state `from`: its operations are appended to `ops`,
    /// and the state after it and whether it was left plain are returned.
    fn recall(
        &mut self,
        from: &Rc<Snapshot>,
        line: &str,
        ops: &mut Vec<(usize, ScopeStackOp)>,
    ) -> Result<Option<(Rc<Snapshot>, bool)>, Broken> {
        if from.shareable {
            if let Some((next, plain)) = self.shared.get(from, line, ops) {
                let next = match next {
                    None => from.clone(),
                    Some(frozen) => Rc::new(Snapshot::thawed(self.thaw(&frozen)?, frozen)),
                };
                return Ok(Some((next, plain)));
            }
        }
        Ok(self.memo.get(from, line, ops))
    }

    /// Keeps what `line` gave in state `from`: in the shared memo when both states can go
    /// there, else in the thread's own.
    fn remember(
        &mut self,
        from: Rc<Snapshot>,
        line: &str,
        ops: &[(usize, ScopeStackOp)],
        next: Rc<Snapshot>,
        plain: bool,
    ) {
        if let Some(frozen) = from.frozen() {
            let after = if Rc::ptr_eq(&from, &next) { Some(None) } else { next.frozen().map(Some) };
            if let Some(after) = after {
                self.shared.insert(frozen.clone(), line, ops, after.cloned(), plain);
                return;
            }
        }
        self.memo.insert(from, line, ops, next, plain);
    }

    /// This thread's state for a state of the shared memo.
    fn thaw(&mut self, frozen: &memo::Frozen) -> Result<State, Broken> {
        let mut stack = Vec::with_capacity(frozen.levels().len());
        for level in frozen.levels() {
            let mut prototypes = Vec::with_capacity(level.with_prototypes.len());
            for p in &level.with_prototypes {
                prototypes.push(Prototype { context: p.0, patterns: self.flatten(p.0)? });
            }
            stack.push(self.level(level.context.0, prototypes, None)?);
        }
        Ok(State { stack, proto_starts: frozen.proto_starts.to_vec(), first_line: frozen.first_line })
    }

    fn level(
        &mut self,
        context: &'static Context,
        with_prototypes: Vec<Prototype>,
        captures: Option<Rc<(Region, String)>>,
    ) -> Result<Level, Broken> {
        let prototype = match context.prototype {
            Some(id) => {
                let proto = match self.by_id.get(&id) {
                    Some(&c) => c,
                    None => {
                        let c = context_by_id(self.set, id).ok_or(Broken)?;
                        self.by_id.insert(id, c);
                        c
                    }
                };
                Some(self.flatten(proto)?)
            }
            None => None,
        };
        Ok(Level { context, patterns: self.flatten(context)?, prototype, with_prototypes, captures })
    }

    /// The context's match patterns in the order syntect tries them: its own, with each
    /// `include` replaced by the included context's patterns (recursively).
    fn flatten(&mut self, context: &'static Context) -> Result<Rc<[Entry]>, Broken> {
        if let Some(entries) = self.flat.get(&(context as *const Context)) {
            return Ok(entries.clone());
        }
        let mut entries = Vec::new();
        self.collect(context, &mut entries, 0)?;
        let entries: Rc<[Entry]> = entries.into();
        self.flat.insert(context, entries.clone());
        Ok(entries)
    }

    fn collect(&mut self, context: &'static Context, into: &mut Vec<Entry>, depth: usize) -> Result<(), Broken> {
        // Grammars do not include themselves in a cycle (syntect would never finish); a
        // broken one must not overflow the stack either.
        if depth > 64 {
            return Err(Broken);
        }
        for pattern in &context.patterns {
            match pattern {
                Pattern::Match(m) => {
                    let slot = match self.slot_of.get(&(m as *const MatchPattern)) {
                        Some(&slot) => slot,
                        None => {
                            let (required, lead) = Required::with_lead(m.regex.regex_str());
                            let simple = Simple::of(m.regex.regex_str()).filter(|_| region_unread(m, self.set));
                            let region = Region::new();
                            let sieve = required.as_ref().map_or(Sieve::OPEN, Required::sieve);
                            // A simple search is a scan as cheap as the requirement's check.
                            let required = required.filter(|_| simple.is_none());
                            self.slots.push(Slot { line: 0, found: None, sieve, region, required, lead, simple });
                            self.slot_of.insert(m, self.slots.len() - 1);
                            self.slots.len() - 1
                        }
                    };
                    into.push(Entry { pattern: m, slot });
                }
                // Includes that were never linked are skipped, as syntect does.
                Pattern::Include(r) => {
                    if let Ok(included) = r.resolve(self.set) {
                        self.collect(included, into, depth + 1)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// This line's earliest match of `entry` at or after `start`, from the slot when it was
    /// already searched: (start, end, where its region is).
    fn search(
        &mut self,
        bytes: &LineBytes,
        start: usize,
        entry: &Entry,
        captures: Option<&(Region, String)>,
        depth: usize,
    ) -> Option<(usize, usize, At)> {
        let line = bytes.text();
        let slot = &mut self.slots[entry.slot];
        if slot.line == self.line {
            match slot.found {
                Some((s, e)) if s >= start => return Some((s, e, At::Slot(entry.slot))),
                Some(_) => {} // matched before `start`: search again from here
                None => return None,
            }
        }
        let pattern = entry.pattern;
        let with_refs;
        let (regex, cacheable) = match (pattern.has_captures, captures) {
            (true, Some((region, text))) => {
                with_refs = pattern.regex_with_refs(region, text);
                (&with_refs, false)
            }
            _ => (pattern.regex(), true),
        };
        let region = if cacheable { &mut slot.region } else { &mut self.scratch };
        let hopeless = !slot.sieve.passes(bytes.mask_from(start))
            || slot.required.as_ref().is_some_and(|r| !r.found_in(bytes, start));
        if !hopeless {
            let cost = (line.len() - start) as u64 + SEARCH_COST;
            if cost > self.budget {
                self.over_budget = true;
                return None;
            }
            self.budget -= cost;
        }
        #[cfg(test)]
        if hopeless && VERIFY_SKIPS.get() {
            assert!(
                !regex.search(line, start, line.len(), None),
                "skipped a search that matches: {:?} on {line:?} from {start}, required {:?}",
                regex.regex_str(),
                slot.required
            );
        }
        // Only cacheable patterns are simple (a back-reference is not).
        let simply = match &slot.simple {
            Some(simple) if !hopeless => simple.search(line, start),
            _ => None,
        };
        #[cfg(test)]
        if let Some(found) = simply {
            if VERIFY_SKIPS.get() {
                let mut region = Region::new();
                let theirs = regex.search(line, start, line.len(), Some(&mut region)).then(|| region.pos(0)).flatten();
                assert_eq!(found, theirs, "{:?} on {line:?} from {start}", regex.regex_str());
            }
        }
        // The lead was read off the pattern's own regex, not one with back-references filled in.
        let from = match &slot.lead {
            Some(lead) if cacheable && !hopeless && simply.is_none() => lead.first_in(bytes, start),
            _ => Some(start),
        };
        #[cfg(test)]
        if VERIFY_SKIPS.get() && from != Some(start) && simply.is_none() && !hopeless {
            let mut theirs = Region::new();
            let from_start = regex.search(line, start, line.len(), Some(&mut theirs)).then(|| theirs.pos(0)).flatten();
            let mut ours = Region::new();
            let from_lead =
                from.filter(|&f| regex.search(line, f, line.len(), Some(&mut ours))).and_then(|_| ours.pos(0));
            assert_eq!(from_lead, from_start, "{:?} on {line:?} from {start}, led to {from:?}", regex.regex_str());
        }
        let found = match (simply, from) {
            (Some(found), _) => found,
            (None, None) => None,
            (None, Some(from)) if hopeless || !regex.search(line, from, line.len(), Some(region)) => None,
            (None, Some(_)) => Some(region.pos(0)?),
        };
        let Some((s, e)) = found else {
            if cacheable {
                slot.line = self.line;
                slot.found = None;
            }
            return None;
        };
        // Empty matches that do nothing would loop forever; they count as no match.
        let does_something = match pattern.operation {
            MatchOperation::None => s != e,
            MatchOperation::Push(_) => depth < MAX_DEPTH,
            _ => true,
        };
        if !cacheable {
            return does_something.then_some((s, e, At::Scratch));
        }
        if does_something {
            slot.line = self.line;
            slot.found = Some((s, e));
            Some((s, e, At::Slot(entry.slot)))
        } else {
            slot.line = 0;
            None
        }
    }

    fn region(&self, at: At) -> &Region {
        match at {
            At::Slot(i) => &self.slots[i].region,
            At::Scratch => &self.scratch,
            At::Best => &self.best,
        }
    }
}

/// Whether the parser never reads the region of a match of `pattern`: it has no captures, and
/// no context it pushes takes back-references from it.
fn region_unread(pattern: &MatchPattern, set: &'static SyntaxSet) -> bool {
    let refs = match &pattern.operation {
        MatchOperation::Push(refs) | MatchOperation::Set(refs) => refs.as_slice(),
        MatchOperation::Pop | MatchOperation::None => &[],
    };
    let uses_backrefs = |r: &ContextReference| r.resolve(set).map_or(true, |c| c.uses_backrefs);
    pattern.captures.is_none()
        && !pattern.has_captures
        && !refs.iter().any(uses_backrefs)
        && !pattern.with_prototype.as_ref().is_some_and(uses_backrefs)
}

/// Let go of this thread's tables, its own line memo and its hold on the shared one; they are
/// made again when the thread next highlights. Nothing happens while they are in use.
pub(crate) fn release_thread_tables() {
    TABLES.with(|cell| {
        if let Ok(mut tables) = cell.try_borrow_mut() {
            *tables = None;
        }
    });
}

/// Let go of the line memo the threads share: gone once every thread has released its tables
/// (see `release_thread_tables`); the next highlighting makes a new one.
pub(crate) fn release_shared_memo() {
    memo::release_shared();
}

fn with_tables<R>(set: &'static SyntaxSet, f: impl FnOnce(&mut Tables) -> R) -> R {
    TABLES.with(|cell| {
        let mut tables = cell.borrow_mut();
        let tables = match &mut *tables {
            Some(t) if std::ptr::eq(t.set, set) => t,
            other => other.insert(Tables::new(set)),
        };
        f(tables)
    })
}

fn resolve(r: &ContextReference, set: &'static SyntaxSet) -> Result<&'static Context, Broken> {
    r.resolve(set).map_err(|_| Broken)
}

/// The context a `ContextId` names. syntect keeps its own lookup crate-private; the public
/// way is `ContextReference::Direct(id).resolve`, and as that variant cannot be built outside
/// syntect, it is built from its serde form.
fn context_by_id(set: &'static SyntaxSet, id: ContextId) -> Option<&'static Context> {
    let reference: ContextReference = serde_json::from_value(serde_json::json!({ "Direct": id })).ok()?;
    reference.resolve(set).ok()
}

/// The id of the context every parse of `syntax` starts in (`__start`). Only syntect's
/// `ParseState::new` knows it, and shows it only in its `Debug` form:
/// `ParseState { stack: [StateLevel { context: ContextId { syntax_index: 3, context_index: 17 }, …`.
fn start_context_id(syntax: &SyntaxReference) -> Option<ContextId> {
    let debug = format!("{:?}", ParseState::new(syntax));
    let fields = debug.split_once("ContextId {")?.1.split_once('}')?.0;
    let mut json = serde_json::Map::new();
    for field in fields.split(',') {
        let (name, value) = field.split_once(':')?;
        json.insert(name.trim().to_string(), value.trim().parse::<u64>().ok()?.into());
    }
    serde_json::from_value(json.into()).ok()
}

/// The regex of every match pattern of every grammar, for tests of readings of them.
#[cfg(test)]
pub(super) fn every_grammar_regex() -> Vec<String> {
    tests::all_patterns().into_iter().map(|p| p.regex.regex_str().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::super::{canonical_language, guess_language, Highlighter, SYNTAXES};
    use super::*;
    use syntect::util::LinesWithEndings;

    /// Our operations must be syntect's, line for line; and our parser must be the one in use.
    fn assert_same_ops(syntax: &SyntaxReference, code: &str, what: &str) {
        VERIFY_SKIPS.set(true);
        let set = Highlighter::global().syntaxes;
        let mut ours = LineParser::new(set, syntax)
            .unwrap_or_else(|| panic!("{what}: the fast parser did not start for {}", syntax.name));
        let mut theirs = ParseState::new(syntax);
        let mut ops = Vec::new();
        for (n, line) in LinesWithEndings::from(code).enumerate() {
            ops.clear();
            let mine = ours.parse_line(line, &mut ops).map(|_| ops.clone()).ok();
            let expected = theirs.parse_line(line, set).ok();
            assert_eq!(mine, expected, "{what} ({}), line {}: {line:?}", syntax.name, n + 1);
        }
    }

    /// Every code block of the notes under `root` (as the render pass reads them), with the
    /// grammar gongbu would use. Panics when `root` or a note cannot be read: these tests gate
    /// a syntect upgrade, so they must never pass on no input.
    fn blocks_under(root: &str) -> Vec<(String, &'static SyntaxReference, String)> {
        let h = Highlighter::global();
        let mut found = Vec::new();
        for entry in walkdir::WalkDir::new(root) {
            let entry = entry.unwrap_or_else(|e| panic!("cannot read the shared notes at {root}: {e}"));
            if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "md") {
                continue;
            }
            let path = entry.path().display().to_string();
            let text = std::fs::read_to_string(entry.path()).unwrap_or_else(|e| panic!("{path}: {e}"));
            for block in crate::markdown::code_blocks::code_blocks(&text) {
                let lang = match block.label {
                    Some(label) => canonical_language(&label.to_lowercase()),
                    None => guess_language(&block.code),
                };
                if let Some(syntax) = lang.and_then(|l| h.syntax_for(l)) {
                    found.push((path.clone(), syntax, block.code));
                }
            }
        }
        found
    }

    #[test]
    fn same_operations_as_syntect_on_the_shared_notes() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared");
        let blocks = blocks_under(root);
        assert!(blocks.len() > 300, "expected the shared corpora's code blocks, found {}", blocks.len());
        let languages: std::collections::BTreeSet<&str> = blocks.iter().map(|(_, s, _)| s.name.as_str()).collect();
        assert!(languages.len() >= 8, "{languages:?}");
        for (file, syntax, code) in &blocks {
            assert_same_ops(syntax, code, file);
        }
    }

    /// Grammar features the notes above may not reach: back-references (heredocs, raw
    /// strings), embedded languages (`with_prototype`, `embed`/`escape`), `set`, cleared
    /// scopes, deep nesting, non-ASCII text, lines without a newline.
    #[test]
    fn same_operations_as_syntect_on_every_language() {
        let samples: &[(&str, &str)] = &[
            ("bash", "cat <<EOF > a.txt\n$HOME ${x:-y} $(ls \"$d\")\nEOF\ncat <<-'END'\n\tliteral $x\n\tEND\nfor i in {1..3}; do echo \"$i\"; done\ncase $1 in\n  a) x=1 ;;\nesac\n"),
            ("python", "import asyncio\n\nclass A(B):\n    \"\"\"독스트링\n    여러 줄\"\"\"\n    @property\n    async def f(self, x: int = 1) -> str:\n        s = f\"{x!r:>10} {{}} {y}\"\n        r = rb'\\d+' + u'한글'\n        return [i ** 2 for i in range(10) if i % 2]\nlambda: (yield)\n"),
            ("javascript", "const re = /a[/]b\\/c/gi;\nlet t = `a ${b + `c ${d}`} e`;\nclass A extends B { #x = 1; static async *g() { yield* f(); } }\nimport { a as b } from 'x';\nconst o = { a, [k]: v, ...rest };\n"),
            ("jsx", "const App = () => (\n  <div className=\"a\" onClick={() => f(1)}>\n    {items.map(i => <Item key={i} {...i} />)}\n  </div>\n);\n"),
            ("typescript", "interface A<T extends B = C> { readonly x?: T[]; }\ntype U = keyof typeof o | `p${string}`;\nenum E { A = 1 }\nfunction f<T>(this: Window, ...a: T[]): asserts a is T {}\n"),
            ("tsx", "export default function C<T,>({ a }: P<T>) { return <b>{a as string}</b>; }\n"),
            ("vue", "<template>\n  <div :class=\"{ a: b }\" @click=\"go(1)\">{{ msg }}</div>\n</template>\n<script>\nexport default { data() { return { msg: 'hi' } } }\n</script>\n<style scoped>\n.a { color: red; }\n</style>\n"),
            ("html", "<!DOCTYPE html>\n<html lang=\"ko\">\n<head><style>body { margin: 0 } /* c */</style>\n<script>if (a < b) { alert(\"</div>\"); }</script></head>\n<body><!-- 주석 --><a href='x?a=1&amp;b'>링크</a></body>\n</html>\n"),
            ("jsp", "<%@ page contentType=\"text/html\" %>\n<% for (int i = 0; i < 3; i++) { %>\n<p><%= i %></p>\n<% } %>\n"),
            ("php", "<?php\n$s = <<<EOT\nName: {$name}\nEOT;\necho \"a $b {$c['d']}\";\nclass A { public function f(): ?int { return null; } }\n?>\n<p>html</p>\n"),
            ("c", "#include <stdio.h>\n#define MAX(a, b) ((a) > (b) ? (a) : (b))\nint main(void) {\n    struct s { int x; } v = { .x = 1 };\n    printf(\"%d\\n\", v.x); /* 주석 */\n    return 0;\n}\n"),
            ("cpp", "template <typename T>\nclass A : public B<T> {\npublic:\n    auto f() const -> decltype(auto) { return R\"x(raw \" string)x\"; }\n    std::vector<std::pair<int, int>> v{{1, 2}};\n};\nnamespace n { using u = A<int>; }\n"),
            ("csharp", "using System;\nnamespace N {\n  public record R(int X);\n  class C { string S => $\"{X,5:F2}\"; int? Y { get; init; } }\n}\n"),
            ("java", "@Override\npublic <T extends Comparable<T>> List<T> f(final Map<String, ? super T> m) throws IOException {\n    var s = \"\"\"\n        text block\n        \"\"\";\n    return m.values().stream().map(x -> (T) x).collect(Collectors.toList());\n}\n"),
            ("kotlin", "data class P(val x: Int) {\n    fun f() = \"${x + 1} $x\"\n    companion object { const val A = 1 }\n}\nsuspend fun g() = coroutineScope { launch { } }\n"),
            ("swift", "struct S: Codable { let x: Int }\nfunc f<T>(_ a: T) async throws -> String { \"\\(a)\" }\nguard let y = z else { return }\n"),
            ("go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tch := make(chan int, 1)\n\tgo func() { ch <- 1 }()\n\tfmt.Println(`raw\nstring`, <-ch)\n}\n"),
            ("rust", "fn f<'a, T: Into<String>>(x: &'a T) -> Result<(), Box<dyn Error>> {\n    let s = r#\"raw \"# string\"#;\n    let b = br##\"bytes\"##;\n    match x { Some(v) if v > 1 => println!(\"{v:?}\"), _ => {} }\n    Ok(())\n}\n"),
            ("ruby", "def f(a, *b, c: 1, &d)\n  s = <<~EOS\n    heredoc #{a}\n  EOS\n  %w[a b].each { |x| puts \"#{x}\" }\nend\n"),
            ("sql", "WITH t AS (SELECT id, COUNT(*) AS n FROM a GROUP BY id)\nSELECT * FROM t WHERE n > 1 AND name LIKE '김%' -- 주석\nORDER BY n DESC;\n"),
            ("yaml", "key: value\nlist:\n  - a\n  - {b: c}\nblock: |\n  line one\n  line two\nanchor: &x 1\nref: *x\n"),
            ("json", "{\"a\": [1, 2.5e3, true, null], \"b\": {\"c\": \"\\u1234\"}}\n"),
            ("toml", "[a.b]\nx = 1\ns = \"\"\"\nmulti\n\"\"\"\n[[t]]\nd = 2024-01-01T00:00:00Z\n"),
            ("xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE a>\n<a x=\"1\"><![CDATA[ <raw> ]]><b/></a>\n"),
            ("css", "@media (max-width: 600px) { .a > b::before { content: \"x\"; color: #fff !important; } }\n"),
            ("scss", "$c: red;\n@mixin m($a) { .x { color: $a; &:hover { color: darken($c, 10%); } } }\n"),
            ("markdown", "# 제목\n\n- 목록 **굵게** `코드`\n\n```python\nprint(1)\n```\n\n> 인용\n\n[링크](http://a.b)\n"),
            ("dockerfile", "FROM rust:1.85 AS build\nRUN apt-get update \\\n && apt-get install -y gcc\nCOPY --from=build /a /b\nCMD [\"./app\"]\n"),
            ("makefile", "all: a b\n\ta=$$(ls); echo $(CC) $@ $<\n.PHONY: all\ninclude x.mk\n"),
            ("diff", "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-old\n+new\n context\n"),
            ("ini", "[section]\nkey = value ; comment\n"),
            ("properties", "a.b=c\\\n  continued\n# comment\n"),
            ("groovy", "def s = \"${a} $b\"\n[1, 2].each { println it }\n"),
            ("scala", "case class P(x: Int)\nobject O { def f[T](a: T): String = s\"$a ${a}\" }\n"),
            ("r", "f <- function(x, ...) { x %>% filter(y > 1) }\n"),
            ("lua", "local t = { a = 1, [2] = [[long\nstring]] }\nfunction t:f(...) return #t end\n"),
            ("perl", "my $s = <<\"END\";\nhello $name\nEND\nif ($x =~ m{a/b}x) { s/a/b/g; }\n"),
            ("dart", "void main() async { final s = '${a} $b'; await f<int>(); }\n"),
        ];
        let h = Highlighter::global();
        for (lang, _) in SYNTAXES {
            assert!(samples.iter().any(|(l, _)| l == lang) || ["gradle"].contains(lang), "no sample for {lang}");
        }
        for (lang, code) in samples {
            let syntax = h.syntax_for(lang).unwrap_or_else(|| panic!("no syntax for {lang}"));
            assert_same_ops(syntax, code, lang);
            // The last line without its newline, as the last line of a block often is.
            assert_same_ops(syntax, code.trim_end(), lang);
        }
    }

    /// Every match pattern of every grammar, reached from each syntax's start context.
    pub(super) fn all_patterns() -> Vec<&'static MatchPattern> {
        let set = Highlighter::global().syntaxes;
        let mut seen = std::collections::HashSet::new();
        let mut patterns = Vec::new();
        let mut todo: Vec<&'static Context> =
            set.syntaxes().iter().filter_map(|s| context_by_id(set, start_context_id(s)?)).collect();
        while let Some(context) = todo.pop() {
            if !seen.insert(context as *const Context) {
                continue;
            }
            todo.extend(context.prototype.and_then(|id| context_by_id(set, id)));
            for pattern in &context.patterns {
                match pattern {
                    Pattern::Include(r) => todo.extend(r.resolve(set).ok()),
                    Pattern::Match(m) => {
                        patterns.push(m);
                        if let MatchOperation::Push(refs) | MatchOperation::Set(refs) = &m.operation {
                            todo.extend(refs.iter().filter_map(|r| r.resolve(set).ok()));
                        }
                        todo.extend(m.with_prototype.as_ref().and_then(|r| r.resolve(set).ok()));
                    }
                }
            }
        }
        patterns
    }

    /// The distinct lines (with their newline) of every code block of the shared notes, sorted.
    fn distinct_shared_lines() -> Vec<String> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared");
        let mut lines: Vec<String> = blocks_under(root)
            .iter()
            .flat_map(|(_, _, code)| code.lines().map(|l| format!("{l}\n")).collect::<Vec<_>>())
            .collect();
        lines.sort();
        lines.dedup();
        lines
    }

    /// Where the literal reader says a pattern needs text a line lacks, Oniguruma must find
    /// no match on that line, from its start or from any later character.
    #[test]
    fn required_literals_hold_for_every_grammar_pattern() {
        let lines = distinct_shared_lines();
        let probes: Vec<&String> = lines.iter().step_by(lines.len() / 60 + 1).collect();
        let patterns = all_patterns();
        assert!(patterns.len() > 5000, "{}", patterns.len());
        let mut checked = 0;
        let mut with_requirement = 0;
        for pattern in patterns {
            let Some(required) = Required::of(pattern.regex.regex_str()) else { continue };
            // Patterns with back-references to another match only compile once filled in.
            if syntect::parsing::Regex::try_compile(pattern.regex.regex_str()).is_some() {
                continue;
            }
            with_requirement += 1;
            for line in &probes {
                let middle = line.char_indices().nth(line.chars().count() / 2).map_or(0, |(i, _)| i);
                let bytes = LineBytes::new(line);
                for start in [0, middle] {
                    if !required.found_in(&bytes, start) {
                        checked += 1;
                        assert!(
                            !pattern.regex.search(line, start, line.len(), None),
                            "{:?} matches {line:?} from {start} without {required:?}",
                            pattern.regex.regex_str()
                        );
                    }
                }
            }
        }
        assert!(
            with_requirement > 10_000 && checked > 1_000_000,
            "{with_requirement} patterns with a requirement, {checked} checks"
        );
    }

    /// The sieve of every distinct requirement of every grammar pattern passes wherever the
    /// requirement holds, on lines of the shared notes and lines beyond ASCII, from many
    /// starts; and it alone turns away most of the searches the requirement turns away.
    #[test]
    fn sieves_pass_wherever_requirements_hold() {
        let lines = distinct_shared_lines();
        let mut probes: Vec<String> = lines.iter().step_by(lines.len() / 40 + 1).cloned().collect();
        probes.extend(["", "\0x = 1\n", "K \u{212a}elvin", "ſelf Straße STRASSE", "é(a); 三 = ٣;"].map(String::from));
        let mut requirements: Vec<Required> =
            all_patterns().iter().filter_map(|p| Required::of(p.regex.regex_str())).collect();
        requirements.sort_by_cached_key(|r| format!("{r:?}"));
        requirements.dedup();
        let sieves: Vec<Sieve> = requirements.iter().map(Required::sieve).collect();
        let (mut held, mut failed, mut turned_away) = (0, 0, 0);
        for line in &probes {
            let bytes = LineBytes::new(line);
            // Every third start keeps the test quick in debug builds.
            for start in (0..=line.len()).filter(|&i| line.is_char_boundary(i)).step_by(3) {
                let mask = bytes.mask_from(start);
                for (required, sieve) in requirements.iter().zip(&sieves) {
                    let passes = sieve.passes(mask);
                    if required.found_in(&bytes, start) {
                        held += 1;
                        assert!(passes, "{required:?} holds on {line:?} from {start}, the sieve says no");
                    } else {
                        failed += 1;
                        turned_away += usize::from(!passes);
                    }
                }
            }
        }
        assert!(
            requirements.len() > 1000 && held > 100_000 && turned_away > failed / 2,
            "{} requirements: {held} held, {turned_away} of {failed} others turned away",
            requirements.len()
        );
    }

    /// Every grammar pattern with a lead is found by Oniguruma at the same place whether its
    /// search starts where the parser is or at the first character of the lead after that, on
    /// lines of the shared notes and lines beyond ASCII, from every start.
    #[test]
    fn searches_from_the_lead_find_what_searches_from_the_start_find() {
        let lines = distinct_shared_lines();
        let mut probes: Vec<String> = lines.iter().step_by(lines.len() / 200 + 1).cloned().collect();
        probes.extend(
            ["", "\n", "  \u{a0}x", "K \u{212a}elvin", "ſelf Straße STRASSE", "é(a); 三 = ٣;"].map(String::from),
        );
        let (mut led, mut moved, mut checked) = (0, 0, 0);
        for pattern in all_patterns() {
            let Some(lead) = Required::lead_of(pattern.regex.regex_str()) else { continue };
            if syntect::parsing::Regex::try_compile(pattern.regex.regex_str()).is_some() {
                continue; // back-references: compiled only once filled in
            }
            led += 1;
            for line in &probes {
                let bytes = LineBytes::new(line);
                for start in (0..=line.len()).filter(|&i| line.is_char_boundary(i)) {
                    let found = |from: usize| {
                        let mut region = Region::new();
                        pattern.regex.search(line, from, line.len(), Some(&mut region)).then(|| region.pos(0)).flatten()
                    };
                    let from = lead.first_in(&bytes, start);
                    moved += usize::from(from != Some(start));
                    assert_eq!(
                        from.and_then(found),
                        found(start),
                        "{:?} on {line:?} from {start}, led to {from:?}",
                        pattern.regex.regex_str()
                    );
                    checked += 1;
                }
            }
        }
        assert!(led > 2000 && moved > checked / 4, "{led} patterns with a lead, {moved} of {checked} searches moved");
    }

    /// Every grammar pattern searched without Oniguruma gives Oniguruma's match, from every
    /// start, on lines of the shared notes and on lines with white space and text beyond ASCII.
    #[test]
    fn simple_patterns_match_as_oniguruma_does() {
        let lines = distinct_shared_lines();
        let mut probes: Vec<String> = lines.iter().step_by(lines.len() / 300 + 1).cloned().collect();
        probes.extend(
            ["", "\n", " \t\x0b\x0c\r\n", "  \u{a0}x", "\u{3000}y", " \u{2028}", "é(a);", "[:,]", "a::b"]
                .map(String::from),
        );
        let mut simple = 0;
        let mut checked = 0;
        for pattern in all_patterns() {
            let Some(reading) = Simple::of(pattern.regex.regex_str()) else { continue };
            simple += 1;
            for line in &probes {
                for start in (0..=line.len()).filter(|&i| line.is_char_boundary(i)) {
                    let Some(found) = reading.search(line, start) else { continue };
                    let mut region = Region::new();
                    let theirs = pattern.regex.search(line, start, line.len(), Some(&mut region));
                    assert_eq!(
                        found,
                        theirs.then(|| region.pos(0)).flatten(),
                        "{:?} on {line:?} from {start}",
                        pattern.regex.regex_str()
                    );
                    checked += 1;
                }
            }
        }
        assert!(simple > 300 && checked > 1_000_000, "{simple} simple patterns, {checked} checks");
    }

    /// A line whose grammar searches the rest of the line again for every token goes over its
    /// budget: it gets no operations, and the next line is parsed as if it had not been there.
    #[test]
    fn a_line_over_budget_is_plain_and_the_next_line_starts_clean() {
        let set = Highlighter::global().syntaxes;
        let bash = set.find_syntax_by_name("Bourne Again Shell (bash)").unwrap();
        let mut parser = LineParser::new(set, bash).unwrap();
        let mut fresh = LineParser::new(set, bash).unwrap();
        let (mut ops, mut expected) = (Vec::new(), Vec::new());
        parser.parse_line("echo start\n", &mut ops).unwrap();
        fresh.parse_line("echo start\n", &mut expected).unwrap();
        ops.clear();
        parser.parse_line(&format!("{}\n", "$((".repeat(10_000)), &mut ops).unwrap();
        assert_eq!((ops.len(), parser.plain_lines()), (0, 1));
        let mut after = Vec::new();
        expected.clear();
        parser.parse_line("x=\"$HOME\" # done\n", &mut after).unwrap();
        fresh.parse_line("x=\"$HOME\" # done\n", &mut expected).unwrap();
        assert_eq!(after, expected);
        assert!(!after.is_empty());
        assert_eq!(parser.plain_lines(), 1, "ordinary lines stay within budget");
        // Under the length limit, the budget stops a line: here a small one, on an ordinary line.
        let line = format!("{}\n", "echo \"a $b\" 'c' ${d} | grep -e x; ".repeat(10));
        BUDGET.set(Some(2_000));
        ops.clear();
        parser.parse_line(&line, &mut ops).unwrap();
        assert_eq!((ops.len(), parser.plain_lines()), (0, 2));
        BUDGET.set(None);
        parser.parse_line(&line, &mut ops).unwrap();
        assert_eq!(parser.plain_lines(), 2, "with its real budget, the same line is highlighted");
        assert!(!ops.is_empty());
    }

    /// Lines that recur in different parser states, where a memo keyed too loosely would
    /// answer with another state's operations: inside and outside comments, strings and
    /// embedded languages, heredocs and raw strings whose end is a back-reference (the same
    /// text ends one and is content of the other), the first line of a block and a later one.
    const RECURRING_LINES: &[(&str, &str)] = &[
        ("c", "int x = 1; // a\n/*\nint x = 1; // a\n*/\nint x = 1; // a\n\"s\\\nint x = 1; // a\n\"\n"),
        ("python", "x = 1\nx = 1\n'''\nx = 1\n'''\ndef f():\n    x = 1\n    s = \"\"\"\n    x = 1\n    \"\"\"\n"),
        ("bash", "cat <<EOF\nEND\nx=$y\nEOF\ncat <<END\nEOF\nx=$y\nEND\nx=$y\nEOF\nEND\n"),
        ("bash", "cat <<'A'\nB\nA\ncat <<'B'\nA\nB\n"),
        ("rust", "let a = r#\"\n\"##;\n\"#;\nlet b = r##\"\n\"#;\n\"##;\nlet c = 1;\n"),
        ("ruby", "s = <<~A\n  B\nA\nt = <<~B\n  A\nB\n"),
        ("perl", "print <<\"X\";\nY\nX\nprint <<\"Y\";\nX\nY\n"),
        ("php", "<?php\n$a = <<<X\nY;\nX;\n$b = <<<Y\nX;\nY;\n"),
        ("html", "<p>a < b</p>\n<script>\nif (a < b) { x(); }\n</script>\nif (a < b) { x(); }\n<style>\np { color: red; }\n</style>\np { color: red; }\n"),
        ("markdown", "x = 1\n```python\nx = 1\n```\n```ruby\nx = 1\n```\nx = 1\n"),
        ("vue", "<template>\n<div>{{ a }}</div>\n</template>\n<script>\nlet a = 1;\n</script>\nlet a = 1;\n"),
        ("javascript", "let t = `\nlet t = 1;\n${`\nlet t = 1;\n`}\n`;\nlet t = 1;\n"),
    ];

    /// The operations of each line of `code`, and whether the parser fell back to plain text.
    fn operations(syntax: &SyntaxReference, code: &str) -> (Vec<Vec<(usize, ScopeStackOp)>>, usize) {
        let mut parser = LineParser::new(Highlighter::global().syntaxes, syntax).expect("a parser");
        let lines = LinesWithEndings::from(code)
            .map(|line| {
                let mut ops = Vec::new();
                parser.parse_line(line, &mut ops).expect("a grammar that works");
                ops
            })
            .collect();
        (lines, parser.plain_lines())
    }

    /// The memo gives the operations, and byte for byte the HTML, that parsing every line
    /// gives: on every code block of the shared notes, in the order a build meets them (so
    /// lines recur across blocks, languages and states), and on lines chosen to recur in
    /// different states.
    #[test]
    fn the_line_memo_changes_no_output() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared");
        let mut blocks = blocks_under(root);
        let h = Highlighter::global();
        for (lang, code) in RECURRING_LINES {
            let syntax = h.syntax_for(lang).unwrap_or_else(|| panic!("no syntax for {lang}"));
            // Twice: the second time, every line is answered from the memo.
            for _ in 0..2 {
                blocks.push((format!("sample {lang}"), syntax, code.to_string()));
            }
        }
        let set = h.syntaxes;
        with_tables(set, |t| {
            t.memo = memo::LineMemo::default();
            t.shared = memo::SharedSide::new(Arc::new(memo::SharedMemo::new(memo::MEMO_BYTES)));
        });
        let mut lines = 0;
        for (file, syntax, code) in &blocks {
            let expected = memo::without(|| super::super::classed(set, syntax, code));
            assert_eq!(super::super::classed(set, syntax, code), expected, "{file} ({}):\n{code}", syntax.name);
            let expected = memo::without(|| operations(syntax, code));
            assert_eq!(operations(syntax, code), expected, "{file} ({}):\n{code}", syntax.name);
            lines += 2 * code.lines().count();
        }
        let hits = memo_hits(set);
        assert!(hits > lines / 3, "{hits} of {lines} lines from the memo");
    }

    /// A released thread lets its memo go and highlights as before afterwards.
    #[test]
    fn released_tables_are_made_again_with_the_same_output() {
        let h = Highlighter::global();
        let syntax = h.syntax_for("python").unwrap();
        let code = "def f(x):\n    return x + 1\n";
        let before = super::super::classed(h.syntaxes, syntax, code);
        assert!(memo_hits(h.syntaxes) == 0 && TABLES.with(|t| t.borrow().is_some()));
        super::super::classed(h.syntaxes, syntax, code);
        assert!(memo_hits(h.syntaxes) > 0, "the second time comes from the memo");
        release_thread_tables();
        assert!(TABLES.with(|t| t.borrow().is_none()), "the tables and memo are gone");
        assert_eq!(super::super::classed(h.syntaxes, syntax, code), before);
        assert_eq!(memo_hits(h.syntaxes), 0, "a new memo");
    }

    /// What a build does once every page is highlighted lets the shared memo go too.
    #[test]
    fn released_memory_frees_the_shared_memo() {
        // (Unit tests' tables have their own shared memos, so nothing else holds this one.)
        let memo = Arc::downgrade(&memo::shared());
        super::super::release_thread_memory();
        assert!(memo.upgrade().is_none(), "the shared memo is gone");
    }

    /// Lines this thread answered from a memo, its own or the shared one.
    fn memo_hits(set: &'static SyntaxSet) -> usize {
        with_tables(set, |t| t.memo.hits + t.shared.hits)
    }

    /// Code in states without captures (all of it goes to the shared memo), and code that
    /// enters heredocs and raw strings (whose lines stay in each thread's own memo).
    const SHAREABLE: &[(&str, &str)] = &[
        ("python", "def f(x):\n    if x:\n        return [i for i in x]\n    return None\n"),
        ("java", "class A {\n    int f(int x) {\n        return x + 1; // one\n    }\n}\n"),
        ("javascript", "const f = (a) => {\n  let s = `t ${a}`;\n  return s;\n};\n"),
        ("c", "int main(void) {\n    /* a\n       b */\n    return 0;\n}\n"),
    ];
    const WITH_CAPTURES: &[(&str, &str)] =
        &[("bash", "cat <<EOF\nx=$y\nEOF\necho done\n"), ("rust", "let a = r#\"\nraw\n\"#;\nlet b = 1;\n")];

    /// A line one thread parsed is answered to another thread from the shared memo, and both
    /// threads' HTML is the HTML without any memo.
    #[test]
    fn threads_share_the_line_memo() {
        let h = Highlighter::global();
        let set = h.syntaxes;
        let blocks: Vec<(&'static SyntaxReference, &str)> =
            SHAREABLE.iter().chain(WITH_CAPTURES).map(|(lang, code)| (h.syntax_for(lang).unwrap(), *code)).collect();
        let expected: Vec<String> =
            memo::without(|| blocks.iter().map(|(syntax, code)| super::super::classed(set, syntax, code)).collect());
        let shareable_lines: usize = SHAREABLE.iter().map(|(_, code)| code.lines().count()).sum();
        let shared = Arc::new(memo::SharedMemo::new(memo::MEMO_BYTES));
        // On a new thread, with `shared` as its shared memo: the HTML of every block, and the
        // lines of the shareable blocks it parsed and it took from the shared memo.
        let on_a_thread = || {
            let (blocks, shared) = (blocks.clone(), shared.clone());
            std::thread::spawn(move || {
                with_tables(set, |t| t.shared = memo::SharedSide::new(shared));
                let mut html = Vec::new();
                for (syntax, code) in &blocks[..SHAREABLE.len()] {
                    html.push(super::super::classed(set, syntax, code));
                }
                let counts = with_tables(set, |t| (t.parsed, t.shared.hits));
                for (syntax, code) in &blocks[SHAREABLE.len()..] {
                    html.push(super::super::classed(set, syntax, code));
                }
                (html, counts)
            })
            .join()
            .unwrap()
        };
        let (first, (parsed, _)) = on_a_thread();
        assert_eq!(first, expected);
        assert!(parsed > 0);
        let (second, (parsed, from_shared)) = on_a_thread();
        assert_eq!(second, expected);
        assert_eq!((parsed, from_shared), (0, shareable_lines), "the second thread parses nothing");
    }

    /// Under many distinct lines the shared memo stays within its bound, keeps the lines met
    /// last and lets the first ones go.
    #[test]
    fn the_shared_memo_stays_within_its_bound() {
        let h = Highlighter::global();
        let (set, rust) = (h.syntaxes, h.syntax_for("rust").unwrap());
        let bound = 256 << 10;
        let shared = Arc::new(memo::SharedMemo::new(bound));
        let block =
            |from: usize| (from..from + 100).map(|i| format!("let x{i} = f({i}).g(\"{i}\");\n")).collect::<String>();
        std::thread::spawn(move || {
            with_tables(set, |t| t.shared = memo::SharedSide::new(shared.clone()));
            let mut most = 0;
            for from in (0..20_000).step_by(100) {
                super::super::classed(set, rust, &block(from));
                most = most.max(shared.bytes());
            }
            assert!(most <= bound && most > bound / 2, "{most} bytes held, {bound} allowed");
            let parsed = |code: &str| {
                let before = with_tables(set, |t| t.parsed);
                super::super::classed(set, rust, code);
                with_tables(set, |t| t.parsed) - before
            };
            assert_eq!(parsed(&block(19_900)), 0, "the last lines are kept");
            assert_eq!(parsed(&block(0)), 100, "the first lines are gone");
        })
        .join()
        .unwrap();
    }

    /// The memo's key and the shared memo's comparison tell apart states that differ in any one
    /// part, including the parts
    /// that the corpora above do not make recur with the rest equal (an embedded language's
    /// `with_prototype`, where prototypes start, the first-line flag, captured text).
    #[test]
    fn states_that_differ_in_one_part_are_different_keys() {
        let h = Highlighter::global();
        let mut parser = LineParser::new(h.syntaxes, h.syntax_for("markdown").unwrap()).unwrap();
        for line in ["# a\n", "```python\n", "x = 1\n"] {
            parser.parse_line(line, &mut Vec::new()).unwrap();
        }
        let state = parser.state.state.clone();
        let at = state.stack.iter().position(|l| !l.with_prototypes.is_empty()).expect("an embedded language");
        let variants_of = |state: &State| {
            let mut variants = Vec::new();
            let mut other = state.clone();
            other.stack[at].with_prototypes.pop();
            variants.push(("with_prototypes", other));
            let mut other = state.clone();
            other.proto_starts.push(at);
            variants.push(("proto_starts", other));
            let mut other = state.clone();
            other.first_line = !other.first_line;
            variants.push(("first_line", other));
            let mut other = state.clone();
            other.stack[at].captures = Some(Rc::new((Region::new(), "```python\n".into())));
            variants.push(("captures", other));
            let mut other = state.clone();
            other.stack.pop();
            variants.push(("stack", other));
            variants
        };
        let variants = variants_of(&state);
        let hash = Snapshot::new(state.clone()).hash;
        assert!(state == state.clone());
        for (what, other) in &variants {
            assert!(state != *other, "{what}");
            assert_ne!(hash, Snapshot::new(other.clone()).hash, "{what}");
        }
        // The shared memo's form tells them apart too, in a state without captures (the form
        // of one with captures is refused).
        assert!(memo::Frozen::of(&Snapshot::new(state.clone())).is_none(), "the fence is captured");
        let mut bare = state.clone();
        bare.stack.iter_mut().for_each(|level| level.captures = None);
        let frozen = memo::Frozen::of(&Snapshot::new(bare.clone())).expect("a state without captures");
        assert!(frozen.is(&bare) && frozen.hash() == Snapshot::new(bare.clone()).hash);
        for (what, other) in variants_of(&bare) {
            assert!(!frozen.is(&other), "{what}");
        }
    }

    #[test]
    fn the_start_context_is_found_for_every_syntax() {
        let set = Highlighter::global().syntaxes;
        for syntax in set.syntaxes() {
            assert!(LineParser::new(set, syntax).is_some(), "{}", syntax.name);
        }
    }
}
