//! Which classes a token's one span carries, and the CSS that colours it.
//!
//! syntect writes a theme as CSS for nested spans, one per scope of the stack (`.hl-source.hl-css
//! .hl-support.hl-function` is a descendant selector); pages with one span per scope were three
//! times the size of their peers', and long scope-named class lists were most of what was left.
//! Here the cascade of each theme over those nested spans is worked out once per scope stack: for
//! each property (colour, weight, ...) the value that wins. That set of values is the token's look
//! in that theme, and a class names it: each distinct declaration block of the theme's rules is a
//! class (`l6` in the light theme, `d3` in the dark), and a look that is no one block (a keyword
//! in an italic comment) gets one class per declaration, numbered after the blocks. A span
//! carries its light class(es) and its dark class(es) (`<span class="l6 d3">`); the CSS gives
//! light classes only in light mode and dark classes only in dark mode, so neither theme's
//! colours leak into the other (light rules used to apply in dark mode too).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

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

/// One theme's classes: the looks they stand for (index `i` is class `{prefix}{base36(i)}`).
#[derive(Debug, Clone)]
pub(super) struct ThemeClasses {
    prefix: &'static str,
    looks: Vec<Look>,
}

/// Class-name prefixes of the light and the dark theme's looks.
const LIGHT: &str = "l";
const DARK: &str = "d";

impl ThemeClasses {
    /// The declaration blocks of `rules` in theme order, then each single declaration not
    /// already a block: the class list is fixed by the theme alone, so names never depend on
    /// which code a build meets (pages are byte-identical from build to build).
    fn new(prefix: &'static str, rules: &[Rule], props: &[Arc<str>]) -> ThemeClasses {
        let mut looks: Vec<Look> = Vec::new();
        let mut add = |look: Look| {
            if !look.is_empty() && !looks.contains(&look) {
                looks.push(look);
            }
        };
        for rule in rules {
            add(props
                .iter()
                .filter_map(|p| {
                    let value = rule.decls.iter().rev().find(|(q, _)| **q == **p)?;
                    Some((p.clone(), Arc::from(&*value.1)))
                })
                .collect());
        }
        for rule in rules {
            for (p, v) in &rule.decls {
                let p = props.iter().find(|q| ***q == **p).cloned().unwrap_or_else(|| Arc::from(&**p));
                add(vec![(p, Arc::from(&**v))]);
            }
        }
        ThemeClasses { prefix, looks }
    }

    fn name(&self, index: usize) -> String {
        format!("{}{}", self.prefix, base36(index))
    }

    /// The class names giving `look`: its block's, else one per declaration.
    fn names_for(&self, look: &Look, out: &mut Vec<String>) {
        if look.is_empty() {
            return;
        }
        if let Some(i) = self.looks.iter().position(|l| l == look) {
            out.push(self.name(i));
            return;
        }
        for decl in look {
            // Every declaration of the theme is a class of its own (see `new`).
            if let Some(i) = self.looks.iter().position(|l| l.len() == 1 && l[0] == *decl) {
                out.push(self.name(i));
            }
        }
    }

    /// One rule per class, each selector `{scope} pre .{class}`.
    fn css(&self, scope: &str) -> String {
        let mut out = String::new();
        for (i, look) in self.looks.iter().enumerate() {
            out.push_str(&format!("{scope} pre .{} {{ ", self.name(i)));
            for (p, v) in look {
                out.push_str(&format!("{p}: {v}; "));
            }
            out.push_str("}\n");
        }
        out
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

/// Both themes' classes, and the property order looks are written in.
#[derive(Debug, Clone)]
pub(super) struct Classes {
    props: Vec<Arc<str>>,
    light: ThemeClasses,
    dark: ThemeClasses,
}

impl Classes {
    pub(super) fn new(themes: &Themes) -> Classes {
        let props = properties(themes);
        Classes {
            light: ThemeClasses::new(LIGHT, &themes.light, &props),
            dark: ThemeClasses::new(DARK, &themes.dark, &props),
            props,
        }
    }
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
    by_stack: HashMap<Box<[Scope]>, SpanClass>,
}

impl Styler {
    pub(super) fn new(themes: &'static Themes, classes: &'static Classes) -> Styler {
        Styler { themes, classes, by_stack: HashMap::new() }
    }

    pub(super) fn class_for(&mut self, stack: &[Scope]) -> SpanClass {
        if let Some(found) = self.by_stack.get(stack) {
            return found.clone();
        }
        let decided = self.decide(stack);
        self.by_stack.insert(stack.into(), decided.clone());
        decided
    }

    fn decide(&self, stack: &[Scope]) -> SpanClass {
        let names: Vec<String> = stack.iter().map(|s| s.build_string()).collect();
        let atoms: Vec<Vec<&str>> = names.iter().map(|n| n.split('.').collect()).collect();
        let props = &self.classes.props;
        let light = look_nested(&self.themes.light, props, &atoms);
        let dark = look_nested(&self.themes.dark, props, &atoms);
        let painted = light.iter().chain(&dark).any(|(p, _)| matches!(&**p, "background-color" | "text-decoration"));
        let mut classes = Vec::new();
        self.classes.light.names_for(&light, &mut classes);
        self.classes.dark.names_for(&dark, &mut classes);
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

/// The stylesheet for the look classes: light classes only in light mode, dark classes only
/// in dark mode. Each theme's `scopes`: the selector that holds always, then the one that holds
/// under its `prefers-color-scheme` media query.
pub(super) fn classes_css(classes: &Classes, light_scopes: [&str; 2], dark_scopes: [&str; 2]) -> String {
    let mut css = String::with_capacity(8 * 1024);
    css.push_str(&classes.light.css(light_scopes[0]));
    css.push_str("@media (prefers-color-scheme: light) {\n");
    css.push_str(&classes.light.css(light_scopes[1]));
    css.push_str("}\n@media (prefers-color-scheme: dark) {\n");
    css.push_str(&classes.dark.css(dark_scopes[1]));
    css.push_str("}\n");
    css.push_str(&classes.dark.css(dark_scopes[0]));
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base36_counts_with_digits_then_letters() {
        let names: Vec<String> = [0, 9, 10, 35, 36, 71].into_iter().map(base36).collect();
        assert_eq!(names, ["0", "9", "a", "z", "10", "1z"]);
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
            let mut names = Vec::new();
            classes.light.names_for(&look_nested(&themes.light, &classes.props, &atoms), &mut names);
            classes.dark.names_for(&look_nested(&themes.dark, &classes.props, &atoms), &mut names);
            names.join(" ")
        };
        // Blocks l0 (comment), l1 (keyword), l2 (bold); singles l3 #111, l4 italic; d0.
        assert_eq!(look(&["comment.line"]), "l0");
        assert_eq!(look(&["source.python", "keyword.control"]), "l1 d0");
        assert_eq!(look(&["comment.block", "keyword.other"]), "l1 l4 d0");
        assert_eq!(look(&["source.js", "meta.block", "keyword"]), "l1 l2 d0");
        assert_eq!(look(&["source.python", "variable"]), "");
        let css = classes_css(
            &classes,
            ["[data-theme=light]", ":root:not([data-theme=dark])"],
            ["[data-theme=dark]", ":root:not([data-theme=light])"],
        );
        assert!(css.contains("[data-theme=light] pre .l4 { font-style: italic; }"), "{css}");
        assert!(css.contains(":root:not([data-theme=light]) pre .d0 { color: #333; }"), "{css}");
    }
}
