//! Which classes a token's one span carries, and the CSS that colours it.
//!
//! syntect writes a theme as CSS for nested spans, one per scope of the stack (`.hl-source.hl-css
//! .hl-support.hl-function` is a descendant selector); pages with one span per scope were three
//! times the size of their peers', and long scope-named class lists were most of what was left.
//! Here the cascade of each theme over those nested spans is worked out once per scope stack: for
//! each property (colour, weight, ...) the value that wins. That set of values is the token's look
//! in that theme. The looks a class can name are fixed by the themes: their rules' distinct
//! declaration blocks. One class names a pair of them, light and dark (`<span class=h>`: bold
//! #a71d5d in light mode, #c678dd in dark), so a span carries one short class; a look that is no
//! one block (a keyword in an italic comment) takes one class per declaration instead (`l-0`,
//! `d-0`: numbered after the blocks). The CSS gives light looks only in light mode and dark looks
//! only in dark mode, so neither theme's colours leak into the other (light rules used to apply
//! in dark mode too).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use rustc_hash::FxHasher;
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

/// A look: `(property, value)` for each property a theme sets on a token, in `properties` order.
type Look = Vec<(Arc<str>, Arc<str>)>;

/// One theme's looks: its rules' distinct declaration blocks in theme order (`blocks` of them),
/// then each single declaration not already a block (for looks that mix two blocks).
#[derive(Debug, Clone)]
pub(super) struct ThemeLooks {
    /// Prefix of the single-declaration classes (`l-0`, `d-0`, …).
    prefix: &'static str,
    looks: Vec<Look>,
    blocks: usize,
}

/// A token's look in one theme, as classes can give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// One block (index into `looks`), or no look at all (None).
    Block(Option<usize>),
    /// A mix: one single-declaration class per declaration (see `ThemeLooks::singles`).
    Mixed,
}

impl ThemeLooks {
    fn new(prefix: &'static str, rules: &[Rule], props: &[Arc<str>]) -> ThemeLooks {
        let mut looks: Vec<Look> = Vec::new();
        let add = |looks: &mut Vec<Look>, look: Look| {
            if !look.is_empty() && !looks.contains(&look) {
                looks.push(look);
            }
        };
        for rule in rules {
            add(
                &mut looks,
                props
                    .iter()
                    .filter_map(|p| {
                        let value = rule.decls.iter().rev().find(|(q, _)| **q == **p)?;
                        Some((p.clone(), Arc::from(&*value.1)))
                    })
                    .collect(),
            );
        }
        let blocks = looks.len();
        for rule in rules {
            for (p, v) in &rule.decls {
                let p = props.iter().find(|q| ***q == **p).cloned().unwrap_or_else(|| Arc::from(&**p));
                add(&mut looks, vec![(p, Arc::from(&**v))]);
            }
        }
        ThemeLooks { prefix, looks, blocks }
    }

    fn part(&self, look: &Look) -> Part {
        if look.is_empty() {
            return Part::Block(None);
        }
        match self.looks[..self.blocks].iter().position(|l| l == look) {
            Some(i) => Part::Block(Some(i)),
            None => Part::Mixed,
        }
    }

    /// Class name of the look at `index`, a single declaration (`index >= blocks`).
    fn single_name(&self, index: usize) -> String {
        format!("{}-{}", self.prefix, base36(index - self.blocks))
    }
}

/// The classes: one per pair of looks (light block or none, dark block or none), named
/// `a`…`z`, then `a0`…; plus the single-declaration classes for mixed looks.
#[derive(Debug, Clone)]
pub(super) struct Classes {
    props: Vec<Arc<str>>,
    light: ThemeLooks,
    dark: ThemeLooks,
    /// Every pair but (none, none), the pairs the themes' own selectors give first, so that the
    /// common looks get the one-letter names. Fixed by the themes alone: names never depend on
    /// which code a build meets (pages are byte-identical from build to build).
    pairs: Vec<(Option<usize>, Option<usize>)>,
}

impl Classes {
    pub(super) fn new(themes: &Themes) -> Classes {
        let props = properties(themes);
        let light = ThemeLooks::new("l", &themes.light, &props);
        let dark = ThemeLooks::new("d", &themes.dark, &props);
        let mut pairs = Vec::new();
        for rule in themes.light.iter().chain(&themes.dark) {
            for selector in &rule.selectors {
                // The selector's compounds as the nested spans it is written for.
                let stack: Vec<Vec<&str>> = selector.iter().map(|c| c.iter().map(|a| &**a).collect()).collect();
                let parts = (
                    light.part(&look_nested(&themes.light, &props, &stack)),
                    dark.part(&look_nested(&themes.dark, &props, &stack)),
                );
                if let (Part::Block(l), Part::Block(d)) = parts {
                    if (l, d) != (None, None) && !pairs.contains(&(l, d)) {
                        pairs.push((l, d));
                    }
                }
            }
        }
        let lights = (0..light.blocks).map(Some).chain([None]);
        for l in lights {
            for d in (0..dark.blocks).map(Some).chain([None]) {
                if (l, d) != (None, None) && !pairs.contains(&(l, d)) {
                    pairs.push((l, d));
                }
            }
        }
        Classes { props, light, dark, pairs }
    }

    fn pair_name(&self, l: Option<usize>, d: Option<usize>) -> Option<String> {
        self.pairs.iter().position(|&p| p == (l, d)).map(pair_name)
    }

    /// The classes of a token that looks `light` and `dark`.
    fn names(&self, light: &Look, dark: &Look) -> Vec<String> {
        let mut out = Vec::new();
        match (self.light.part(light), self.dark.part(dark)) {
            (Part::Block(l), Part::Block(d)) => out.extend(self.pair_name(l, d)),
            (l, d) => {
                match l {
                    Part::Block(l) => out.extend(l.and_then(|l| self.pair_name(Some(l), None))),
                    Part::Mixed => self.singles(light, false, &mut out),
                }
                match d {
                    Part::Block(d) => out.extend(d.and_then(|d| self.pair_name(None, Some(d)))),
                    Part::Mixed => self.singles(dark, true, &mut out),
                }
            }
        }
        out
    }

    /// The classes giving a mixed `look` of one theme, one per declaration: every declaration
    /// of the theme is a look of its own (see `ThemeLooks::new`), a block's when it is one.
    fn singles(&self, look: &Look, dark: bool, out: &mut Vec<String>) {
        let looks = if dark { &self.dark } else { &self.light };
        for decl in look {
            match looks.looks.iter().position(|l| l.len() == 1 && l[0] == *decl) {
                Some(i) if i < looks.blocks => {
                    out.extend(if dark { self.pair_name(None, Some(i)) } else { self.pair_name(Some(i), None) })
                }
                Some(i) => out.push(looks.single_name(i)),
                None => {}
            }
        }
    }

    /// One theme's rules: per block, every pair class holding it (`:is(.a, .b, …)`), then the
    /// single declarations, each selector under `scope`.
    fn css(&self, scope: &str, dark: bool) -> String {
        let looks = if dark { &self.dark } else { &self.light };
        let mut out = String::new();
        for (i, look) in looks.looks.iter().enumerate() {
            let names: Vec<String> = if i < looks.blocks {
                let holding = |p: &&(Option<usize>, Option<usize>)| if dark { p.1 == Some(i) } else { p.0 == Some(i) };
                self.pairs
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| holding(p))
                    .map(|(k, _)| format!(".{}", pair_name(k)))
                    .collect()
            } else {
                vec![format!(".{}", looks.single_name(i))]
            };
            match names.as_slice() {
                [one] => out.push_str(&format!("{scope} pre {one} {{ ")),
                more => out.push_str(&format!("{scope} pre :is({}) {{ ", more.join(", "))),
            }
            for (p, v) in look {
                out.push_str(&format!("{p}: {v}; "));
            }
            out.push_str("}\n");
        }
        out
    }
}

/// `a`…`z`, then `a0`…`z0`, `a1`…: a letter first, as a CSS class selector needs.
fn pair_name(index: usize) -> String {
    let letter = char::from(b'a' + (index % 26) as u8);
    match index / 26 {
        0 => letter.to_string(),
        n => format!("{letter}{}", base36(n - 1)),
    }
}

fn base36(mut n: usize) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[n % 36]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Property names any rule sets, in first-seen order.
fn properties(themes: &Themes) -> Vec<Arc<str>> {
    let mut props: Vec<Arc<str>> = Vec::new();
    for rule in themes.light.iter().chain(&themes.dark) {
        for (p, _) in &rule.decls {
            if !props.iter().any(|q| **q == **p) {
                props.push(Arc::from(&**p));
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

fn specificity(selector: &[Vec<Box<str>>]) -> usize {
    selector.iter().map(Vec::len).sum()
}

/// The value of `prop` on element `i` of `stack` from the rules themselves (not inherited):
/// the most specific matching selector's, the later rule on a tie.
fn winner<'r>(rules: &'r [Rule], prop: &str, stack: &[Vec<&str>], i: usize) -> Option<&'r str> {
    let mut best: Option<(usize, &str)> = None;
    for rule in rules {
        let Some((_, value)) = rule.decls.iter().rev().find(|(p, _)| &**p == prop) else {
            continue;
        };
        for selector in &rule.selectors {
            let spec = specificity(selector);
            if best.is_none_or(|(b, _)| spec >= b) && matches_nested(selector, stack, i) {
                best = Some((spec, value));
            }
        }
    }
    best.map(|(_, v)| v)
}

/// The look of the innermost of the nested spans `stack` under one theme's `rules`: for each
/// property, the innermost element that a rule sets it on decides (inheritance, or painting
/// over the parent for backgrounds).
fn look_nested(rules: &[Rule], props: &[Arc<str>], stack: &[Vec<&str>]) -> Look {
    props
        .iter()
        .filter_map(|prop| {
            let value = (0..stack.len()).rev().find_map(|i| winner(rules, prop, stack, i))?;
            Some((prop.clone(), Arc::from(value)))
        })
        .collect()
}

/// What one stack needs: the opening tag of its span (None: no span), and whether its
/// whitespace may go bare.
#[derive(Debug, Clone)]
pub(super) struct SpanClass {
    pub(super) open: Option<Arc<str>>,
    pub(super) bare_whitespace: bool,
}

/// Per thread: the class decisions by scope stack.
pub(super) struct Styler {
    themes: &'static Themes,
    classes: &'static Classes,
    /// Looked up for every run of text: hashed with Fx, not SipHash (the keys are ours). Each
    /// stack's place in `decided`.
    by_stack: HashMap<Box<[Scope]>, usize, BuildHasherDefault<FxHasher>>,
    decided: Vec<SpanClass>,
}

impl Styler {
    pub(super) fn new(themes: &'static Themes, classes: &'static Classes) -> Styler {
        Styler { themes, classes, by_stack: HashMap::default(), decided: Vec::new() }
    }

    /// Borrowed, not cloned: a clone per run of text cost two atomic counts on its tag.
    pub(super) fn class_for(&mut self, stack: &[Scope]) -> &SpanClass {
        if let Some(&at) = self.by_stack.get(stack) {
            return &self.decided[at];
        }
        let decided = self.decide(stack);
        self.by_stack.insert(stack.into(), self.decided.len());
        self.decided.push(decided);
        &self.decided[self.decided.len() - 1]
    }

    fn decide(&self, stack: &[Scope]) -> SpanClass {
        let names: Vec<String> = stack.iter().map(|s| s.build_string()).collect();
        let atoms: Vec<Vec<&str>> = names.iter().map(|n| n.split('.').collect()).collect();
        let props = &self.classes.props;
        let light = look_nested(&self.themes.light, props, &atoms);
        let dark = look_nested(&self.themes.dark, props, &atoms);
        let painted = light.iter().chain(&dark).any(|(p, _)| matches!(&**p, "background-color" | "text-decoration"));
        let classes = self.classes.names(&light, &dark);
        let open = match classes.as_slice() {
            [] => None,
            // One class needs no quotes.
            [one] => Some(Arc::from(format!("<span class={one}>"))),
            more => Some(Arc::from(format!("<span class=\"{}\">", more.join(" ")))),
        };
        SpanClass { open, bare_whitespace: !painted }
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

/// The stylesheet for the classes: light looks only in light mode, dark looks only in dark
/// mode. Each theme's `scopes`: the selector that holds always, then the one that holds under
/// its `prefers-color-scheme` media query.
pub(super) fn classes_css(classes: &Classes, light_scopes: [&str; 2], dark_scopes: [&str; 2]) -> String {
    let mut css = String::with_capacity(16 * 1024);
    css.push_str(&classes.css(light_scopes[0], false));
    css.push_str("@media (prefers-color-scheme: light) {\n");
    css.push_str(&classes.css(light_scopes[1], false));
    css.push_str("}\n@media (prefers-color-scheme: dark) {\n");
    css.push_str(&classes.css(dark_scopes[1], true));
    css.push_str("}\n");
    css.push_str(&classes.css(dark_scopes[0], true));
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_count_up_and_start_with_a_letter() {
        let names: Vec<String> = [0, 9, 10, 35, 36, 71].into_iter().map(base36).collect();
        assert_eq!(names, ["0", "9", "a", "z", "10", "1z"]);
        let pairs: Vec<String> = [0, 25, 26, 51, 52, 26 * 37].into_iter().map(pair_name).collect();
        assert_eq!(pairs, ["a", "z", "a0", "z0", "a1", "a10"]);
    }

    fn rules(css: &str) -> Vec<Rule> {
        parse_rules(css)
    }

    /// A look that is one rule's block gets that block's class; a look mixed from two rules
    /// (a keyword inside an italic comment) one class per declaration; an unstyled token none.
    #[test]
    fn a_look_is_one_block_or_its_declarations() {
        let light = rules(
            ".hl-comment { color: #111; font-style: italic; }\n.hl-keyword { color: #222; }\n\
             .hl-source.hl-js .hl-keyword { font-weight: bold; }",
        );
        let themes = Themes { light, dark: rules(".hl-keyword { color: #333; }") };
        let classes = Classes::new(&themes);
        let look = |stack: &[&str]| {
            let atoms: Vec<Vec<&str>> = stack.iter().map(|s| s.split('.').collect()).collect();
            let light = look_nested(&themes.light, &classes.props, &atoms);
            classes.names(&light, &look_nested(&themes.dark, &classes.props, &atoms)).join(" ")
        };
        // Light blocks 0 (comment), 1 (keyword), 2 (bold), singles l-0 #111, l-1 italic; dark
        // block 0. Pairs the selectors give first: a (0, none), b (1, 0); then c (0, 0), d (1,
        // none), e (2, 0), f (2, none), g (none, 0).
        assert_eq!(look(&["comment.line"]), "a");
        assert_eq!(look(&["source.python", "keyword.control"]), "b");
        assert_eq!(look(&["comment.block", "keyword.other"]), "d l-1 g");
        assert_eq!(look(&["source.js", "meta.block", "keyword"]), "d f g");
        assert_eq!(look(&["source.python", "variable"]), "");
        let css = classes_css(
            &classes,
            ["[data-theme=light]", ":root:not([data-theme=dark])"],
            ["[data-theme=dark]", ":root:not([data-theme=light])"],
        );
        assert!(css.contains("[data-theme=light] pre .l-1 { font-style: italic; }"), "{css}");
        assert!(css.contains(":root:not([data-theme=light]) pre :is(.b, .c, .e, .g) { color: #333; }"), "{css}");
    }
}
