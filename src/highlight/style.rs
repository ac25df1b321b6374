//! Which classes a token's one span carries, and the CSS that colours it.
//!
//! syntect writes a theme as CSS for nested spans, one per scope of the stack (`.hl-source.hl-css
//! .hl-support.hl-function` is a descendant selector); pages with one span per scope were three
//! times the size of their peers'. Here the page's cascade over those nested spans is worked out
//! once per scope stack, in every colour mode the page has: for each property (colour, weight,
//! ...) the rule that decides it. A token's span carries the classes of those deciding rules,
//! merged into one list, and the CSS carries the same rules with each selector flattened to one
//! compound (`.hl-source.hl-css.hl-support.hl-function`, as specific as before, in the same
//! order). Before a class list is used, the flattened cascade over it is checked to give every
//! property exactly what the nested cascade gave; where it would not (rules that count nesting
//! depth, such as JSON's per-level colours), the stack gets an extra class naming its look,
//! `hl-look-N`, whose rules follow the theme's.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use syntect::parsing::Scope;

use super::CLASS_PREFIX;

/// One theme rule as syntect writes it: each selector a chain of compounds (descendant
/// combinators between them), each compound a set of scope atoms (`hl-` dropped).
#[derive(Debug, Clone)]
pub(super) struct Rule {
    selectors: Vec<Vec<Vec<Box<str>>>>,
    /// `(property, value)` in the order written.
    decls: Vec<(Box<str>, Box<str>)>,
}

/// The two themes' rules, parsed from syntect's CSS for them.
#[derive(Debug, Clone)]
pub(super) struct Themes {
    pub(super) light: Vec<Rule>,
    pub(super) dark: Vec<Rule>,
}

/// Colour modes a page can be in, by what they add to a dark rule's specificity: none (light,
/// dark rules off), `[data-theme=dark]` (+1), `:root:not([data-theme=light])` under the dark
/// media query (+2). Light rules are always on, so in dark mode they compete with dark ones.
const MODES: [Option<u32>; 3] = [None, Some(1), Some(2)];

/// What one property resolves to for a token: its value and the rule (index into the mode's
/// rule list), selector and element (index into the stack) that set it; None when no rule does (the page's code colour shows).
type Decided = Option<(Rc<str>, usize, usize, usize)>;

/// A rule as the cascade sees it in one mode.
struct Active<'a> {
    rule: &'a Rule,
    /// Specificity offset: 0 for light rules, the mode's bonus for dark ones.
    bonus: u32,
}

fn active(themes: &Themes, mode: Option<u32>) -> Vec<Active<'_>> {
    let mut rules: Vec<Active> = themes.light.iter().map(|rule| Active { rule, bonus: 0 }).collect();
    if let Some(bonus) = mode {
        rules.extend(themes.dark.iter().map(|rule| Active { rule, bonus }));
    }
    rules
}

/// Property names any rule sets, in first-seen order.
fn properties(themes: &Themes) -> Vec<Box<str>> {
    let mut props: Vec<Box<str>> = Vec::new();
    for rule in themes.light.iter().chain(&themes.dark) {
        for (p, _) in &rule.decls {
            if !props.contains(p) {
                props.push(p.clone());
            }
        }
    }
    props
}

fn compound_matches(compound: &[Box<str>], atoms: &[&str]) -> bool {
    compound.iter().all(|c| atoms.contains(&&**c))
}

/// Does `selector` match element `i` of the nested spans `stack` (outermost first)?
/// Descendant chains match greedily from the right, which is exact for them.
fn matches_nested(selector: &[Vec<Box<str>>], stack: &[Vec<&str>], i: usize) -> bool {
    let Some((last, ancestors)) = selector.split_last() else {
        return false;
    };
    if !compound_matches(last, &stack[i]) {
        return false;
    }
    let mut below = i;
    for compound in ancestors.iter().rev() {
        match (0..below).rev().find(|&k| compound_matches(compound, &stack[k])) {
            Some(k) => below = k,
            None => return false,
        }
    }
    true
}

fn specificity(selector: &[Vec<Box<str>>]) -> u32 {
    selector.iter().map(|c| c.len() as u32).sum()
}

/// The highest-priority declaration of `prop` among rules whose selector `matches`: specificity
/// first, then the later rule (and the later selector in it is no different: same rule).
fn winner(
    rules: &[Active],
    prop: &str,
    mut matches: impl FnMut(&[Vec<Box<str>>]) -> bool,
) -> Option<(Rc<str>, usize, usize)> {
    let mut best: Option<(u32, usize, usize, &str)> = None;
    for (r, active) in rules.iter().enumerate() {
        let Some(value) = active.rule.decls.iter().rev().find(|(p, _)| &**p == prop).map(|(_, v)| &**v) else {
            continue;
        };
        for (s, selector) in active.rule.selectors.iter().enumerate() {
            if !matches(selector) {
                continue;
            }
            let spec = specificity(selector) + active.bonus;
            if best.is_none_or(|(b, ..)| spec >= b) {
                best = Some((spec, r, s, value));
            }
        }
    }
    best.map(|(_, r, s, v)| (Rc::from(v), r, s))
}

/// Each property's deciding rule for the nested spans of `stack`: the innermost element that
/// any rule sets it on decides (inheritance, or painting over the parent for backgrounds).
fn cascade_nested(rules: &[Active], props: &[Box<str>], stack: &[Vec<&str>]) -> Vec<Decided> {
    props
        .iter()
        .map(|prop| {
            (0..stack.len())
                .rev()
                .find_map(|i| winner(rules, prop, |sel| matches_nested(sel, stack, i)).map(|(v, r, s)| (v, r, s, i)))
        })
        .collect()
}

/// Each property's value on one span with `classes`, under the flattened rules.
fn cascade_flat(rules: &[Active], props: &[Box<str>], classes: &[&str]) -> Vec<Option<Rc<str>>> {
    props
        .iter()
        .map(|prop| {
            winner(rules, prop, |sel| sel.iter().flatten().all(|atom| classes.contains(&&**atom))).map(|(v, ..)| v)
        })
        .collect()
}

/// What one stack needs: the opening tags of its span (None: no span), how many spans they
/// open, and whether its whitespace may go bare.
#[derive(Debug, Clone)]
pub(super) struct SpanClass {
    pub(super) open: Option<Rc<str>>,
    pub(super) depth: usize,
    pub(super) bare_whitespace: bool,
    /// The spans give what nested spans gave (always so for the shipped themes; tests check).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) exact: bool,
}

/// Per thread: the class decisions by scope stack.
pub(super) struct Styler {
    themes: &'static Themes,
    props: Vec<Box<str>>,
    by_stack: HashMap<Box<[Scope]>, SpanClass>,
}

impl Styler {
    pub(super) fn new(themes: &'static Themes) -> Styler {
        Styler { themes, props: properties(themes), by_stack: HashMap::new() }
    }

    pub(super) fn class_for(&mut self, stack: &[Scope]) -> SpanClass {
        if let Some(found) = self.by_stack.get(stack) {
            return found.clone();
        }
        let decided = self.decide(stack);
        self.by_stack.insert(stack.into(), decided.clone());
        decided
    }

    /// One span with the deciding rules' classes when that gives every property in every mode
    /// what the nested spans gave; otherwise one span per element that decides something (an
    /// inner rule must beat a more specific outer one, which only nesting expresses).
    fn decide(&self, stack: &[Scope]) -> SpanClass {
        let names: Vec<String> = stack.iter().map(|s| s.build_string()).collect();
        let atoms: Vec<Vec<&str>> = names.iter().map(|n| n.split('.').collect()).collect();
        // Classes by the element whose rules decide, outermost first.
        let mut groups: Vec<(usize, Vec<&str>)> = Vec::new();
        let mut nested = Vec::with_capacity(MODES.len());
        let mut painted = false;
        for mode in MODES {
            let rules = active(self.themes, mode);
            let decided = cascade_nested(&rules, &self.props, &atoms);
            for (p, d) in decided.iter().enumerate() {
                let Some((_, r, s, i)) = d else { continue };
                if matches!(&*self.props[p], "background-color" | "text-decoration") {
                    painted = true;
                }
                let at = match groups.iter().position(|(e, _)| e >= i) {
                    Some(g) if groups[g].0 == *i => g,
                    Some(g) => {
                        groups.insert(g, (*i, Vec::new()));
                        g
                    }
                    None => {
                        groups.push((*i, Vec::new()));
                        groups.len() - 1
                    }
                };
                for atom in rules[*r].rule.selectors[*s].iter().flatten() {
                    if !groups[at].1.contains(&&**atom) {
                        groups[at].1.push(atom);
                    }
                }
            }
            nested.push(decided.into_iter().map(|d| d.map(|(v, ..)| v)).collect::<Vec<_>>());
        }
        if groups.is_empty() {
            return SpanClass { open: None, depth: 0, bare_whitespace: true, exact: true };
        }
        let mut merged: Vec<&str> = Vec::new();
        for atom in groups.iter().flat_map(|(_, g)| g) {
            if !merged.contains(atom) {
                merged.push(atom);
            }
        }
        let (spans, exact) = if self.gives(std::slice::from_ref(&merged), &nested) {
            (vec![merged], true)
        } else {
            let spans: Vec<Vec<&str>> = groups.into_iter().map(|(_, g)| g).collect();
            let exact = self.gives(&spans, &nested);
            (spans, exact)
        };
        let mut open = String::new();
        for span in &spans {
            open.push_str("<span class=\"");
            for (k, atom) in span.iter().enumerate() {
                if k > 0 {
                    open.push(' ');
                }
                open.push_str(CLASS_PREFIX);
                open.push_str(atom);
            }
            open.push_str("\">");
        }
        SpanClass { open: Some(Rc::from(open)), depth: spans.len(), bare_whitespace: !painted, exact }
    }

    /// Do nested `spans` (outermost first) under the flattened rules give `want` in every mode?
    fn gives(&self, spans: &[Vec<&str>], want: &[Vec<Option<Rc<str>>>]) -> bool {
        MODES.iter().zip(want).all(|(&mode, want)| {
            let rules = active(self.themes, mode);
            let each: Vec<Vec<Option<Rc<str>>>> =
                spans.iter().map(|classes| cascade_flat(&rules, &self.props, classes)).collect();
            (0..self.props.len()).all(|p| each.iter().rev().find_map(|v| v[p].clone()) == want[p])
        })
    }

    /// Stacks decided so far whose spans do not give the nested cascade's values (tests).
    #[cfg(test)]
    pub(super) fn inexact(&self) -> Vec<String> {
        self.by_stack.iter().filter(|(_, c)| !c.exact).map(|(stack, c)| format!("{stack:?} -> {:?}", c.open)).collect()
    }
}

thread_local! {
    pub(super) static STYLER: RefCell<Option<Styler>> = const { RefCell::new(None) };
}

/// Parse syntect's theme CSS into rules (its comments already stripped).
pub(super) fn parse_rules(css: &str) -> Vec<Rule> {
    let mut rules = Vec::new();
    for rule in css.split('}') {
        let Some((selectors, body)) = rule.split_once('{') else {
            continue;
        };
        let decls: Vec<(Box<str>, Box<str>)> = body
            .split([';', '\n'])
            .filter_map(|d| d.split_once(':'))
            .map(|(p, v)| (p.trim().into(), v.trim().into()))
            .filter(|(p, v): &(Box<str>, Box<str>)| !p.is_empty() && !v.is_empty())
            .collect();
        if decls.is_empty() {
            continue;
        }
        let selectors: Vec<Vec<Vec<Box<str>>>> = selectors
            .split(',')
            .map(|sel| {
                sel.split_whitespace()
                    .map(|compound| {
                        compound
                            .split('.')
                            .filter(|c| !c.is_empty())
                            .map(|c| c.strip_prefix(CLASS_PREFIX).unwrap_or(c).into())
                            .collect()
                    })
                    .collect()
            })
            .filter(|s: &Vec<Vec<Box<str>>>| !s.is_empty())
            .collect();
        if !selectors.is_empty() {
            rules.push(Rule { selectors, decls });
        }
    }
    rules
}

/// `rules` as CSS for one span per token: each selector flattened to one compound (atoms in
/// order, repeats kept so specificity stays), every selector prefixed by `scope` when given.
pub(super) fn flat_css(rules: &[Rule], scope: Option<&str>) -> String {
    let mut out = String::new();
    for rule in rules {
        let mut seen: Vec<String> = Vec::new();
        for selector in &rule.selectors {
            let mut flat = String::new();
            for atom in selector.iter().flatten() {
                flat.push('.');
                flat.push_str(CLASS_PREFIX);
                flat.push_str(atom);
            }
            if !seen.contains(&flat) {
                seen.push(flat);
            }
        }
        let selectors: Vec<String> =
            seen.iter().map(|s| scope.map_or_else(|| s.clone(), |scope| format!("{scope} {s}"))).collect();
        out.push_str(&selectors.join(", "));
        out.push_str(" { ");
        for (p, v) in &rule.decls {
            out.push_str(&format!("{p}: {v}; "));
        }
        out.push_str("}\n");
    }
    out
}
