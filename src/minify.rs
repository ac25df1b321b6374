//! Smaller output for `gongbu build` (never for `serve`, whose files stay readable): HTML pages,
//! and the default theme's CSS and JS, with what a reader sees or does left exactly as it was.
//!
//! Each minifier removes only what cannot matter and never rewrites a token:
//! - **HTML**: runs of whitespace in text become one character (a newline when the run had
//!   one, so line-break rules for CJK text see the same thing), whitespace between the tags of
//!   `<head>` goes, tags lose the blanks between attributes, comments go (not conditional or
//!   `<!--!` licence ones). Text inside `pre`, `textarea`, `listing`, MathML `annotation` and
//!   any element styled `white-space: pre…`/`break-spaces` inline is kept byte for byte, and so
//!   is every raw-text element (`script`, `style`, `title`, …). Attribute values keep their
//!   quotes: unquoting would save 2.6% of a page before compression and almost nothing after,
//!   and quoted output stays safe for any value and easy to search.
//! - **CSS**: comments (not `/*! … */`) and whitespace go; strings and `url(…)` are untouched; a
//!   blank stays wherever it could separate two tokens (`a :hover`, `calc(1px + 2px)`).
//! - **JS**: comments (not `/*! … */` or `@license`) and indentation go, and blanks next to
//!   punctuation that cannot join into another token (`a = b` → `a=b`, but `a - -b` and
//!   `1 .x` stay); line breaks are kept, so automatic semicolon insertion sees the same lines.
//!   Strings, template literals and regular expression literals (told from division by the
//!   token before them) are copied as they are.
//!
//! Why our own module and not a crate: `minify-html` 0.18, the maintained choice, pulls in
//! lightningcss and oxc (202 crates in its lock file against gongbu's 228), minutes of compile
//! time on a 2-core CI for the few hundred bytes per page that whitespace is; the other crates
//! either rewrite CSS and JS wholesale or are unmaintained. What gongbu writes is known, so a
//! conservative single pass with tests on tricky inputs is the smaller risk.

/// A theme file as a build publishes it: `.css` and `.js` files minified, others as they are
/// (and so are files that are not UTF-8).
pub fn asset(name: &str, bytes: &[u8]) -> Vec<u8> {
    let minifier: fn(&str) -> String = if name.ends_with(".css") {
        css
    } else if name.ends_with(".js") {
        js
    } else {
        return bytes.to_vec();
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => minifier(text).into_bytes(),
        Err(_) => bytes.to_vec(),
    }
}

/// A page with whatever cannot change how it shows or works removed (see the module doc).
/// Bytes in, bytes out: only ASCII bytes are dropped, so UTF-8 stays UTF-8, and pages (tens of
/// megabytes of Hangul on a large site) are not validated twice.
pub fn html(page: &[u8]) -> Vec<u8> {
    Html::new(page).run()
}

mod chunks;
#[cfg(test)]
mod plain;
#[cfg(test)]
mod tables;

/// HTML's whitespace (not Unicode's: a no-break space is text).
fn is_html_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// What the minifier needs to know of an element, worked out once per tag from its name.
mod kind {
    /// May stand in `<head>`: whitespace between such elements is never shown.
    pub const HEAD_ELEMENT: u8 = 1;
    /// Has no end tag.
    pub const VOID: u8 = 2;
    /// Its content is read as text until its end tag (`script`, `style`, `title`, …).
    pub const RAW_TEXT: u8 = 4;
    /// Its whitespace shows as written (or is read as written, as a formula's source is).
    pub const PRE_LIKE: u8 = 8;
    pub const HEAD: u8 = 16;
    pub const BODY: u8 = 32;
    /// Raw text with no end tag at all.
    pub const PLAINTEXT: u8 = 64;

    /// The elements of any kind, by lower-case name (all in letters).
    const NAMES: &[(&[u8], u8)] = &[
        (b"head", HEAD_ELEMENT | HEAD),
        (b"meta", HEAD_ELEMENT | VOID),
        (b"link", HEAD_ELEMENT | VOID),
        (b"base", HEAD_ELEMENT | VOID),
        (b"title", HEAD_ELEMENT | RAW_TEXT),
        (b"style", HEAD_ELEMENT | RAW_TEXT),
        (b"script", HEAD_ELEMENT | RAW_TEXT),
        (b"noscript", HEAD_ELEMENT | RAW_TEXT),
        (b"template", HEAD_ELEMENT),
        (b"body", BODY),
        (b"area", VOID),
        (b"br", VOID),
        (b"col", VOID),
        (b"embed", VOID),
        (b"hr", VOID),
        (b"img", VOID),
        (b"input", VOID),
        (b"param", VOID),
        (b"source", VOID),
        (b"track", VOID),
        (b"wbr", VOID),
        (b"textarea", RAW_TEXT),
        (b"xmp", RAW_TEXT),
        (b"iframe", RAW_TEXT),
        (b"noembed", RAW_TEXT),
        (b"noframes", RAW_TEXT),
        (b"plaintext", RAW_TEXT | PLAINTEXT),
        (b"pre", PRE_LIKE),
        (b"listing", PRE_LIKE),
        (b"annotation", PRE_LIKE),
    ];

    /// A name of up to eight bytes as a number, each byte `| 0x20`: that lower-cases letters
    /// and turns no other byte into a letter, so a name has the key of one of `NAMES` only if
    /// it is that name in any letter case.
    pub const fn key(name: &[u8]) -> u64 {
        let mut key = 0;
        let mut i = 0;
        while i < name.len() {
            key |= ((name[i] | 0x20) as u64) << (8 * i);
            i += 1;
        }
        key
    }

    /// Where a key sits in `BY_KEY`: a multiplicative hash, its multiplier picked so that no two
    /// of `NAMES` share a slot (building `BY_KEY` fails otherwise).
    const fn slot(key: u64) -> usize {
        (key.wrapping_mul(0xbc7e_577d_2cce_503b) >> 58) as usize
    }

    /// The names of up to eight bytes of `NAMES`, each as its key and kind in its slot: a
    /// tag's kind is one multiplication and one comparison away.
    const BY_KEY: [(u64, u8); 64] = {
        let mut table = [(0, 0); 64];
        let mut i = 0;
        while i < NAMES.len() {
            let (name, kind) = NAMES[i];
            if name.len() <= 8 {
                let key = key(name);
                assert!(table[slot(key)].0 == 0, "two names share a slot: pick another multiplier");
                table[slot(key)] = (key, kind);
            }
            i += 1;
        }
        table
    };

    /// The kind of a name of one to eight bytes by its `key`.
    pub fn of_key(key: u64) -> u8 {
        let (named, kind) = BY_KEY[slot(key)];
        if named == key {
            kind
        } else {
            0
        }
    }

    /// The kind of a tag name, in any letter case.
    pub fn of(name: &[u8]) -> u8 {
        match name.len() {
            0 => 0,
            1..=8 => of_key(key(name)),
            _ => NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map_or(0, |&(_, kind)| kind),
        }
    }
}

/// Byte classes the HTML scanner stops at, one table lookup per byte.
const SPACE: u8 = 1;
const LT: u8 = 2;
const SLASH: u8 = 4;
const GT: u8 = 8;
const EQUALS: u8 = 16;
const CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    table[b' ' as usize] = SPACE;
    table[b'\t' as usize] = SPACE;
    table[b'\n' as usize] = SPACE;
    table[b'\r' as usize] = SPACE;
    table[0x0c] = SPACE;
    table[b'<' as usize] = LT;
    table[b'/' as usize] = SLASH;
    table[b'>' as usize] = GT;
    table[b'=' as usize] = EQUALS;
    table
};

/// The first offset at or after `from` whose byte is in one of `classes`, or `b.len()`:
/// sixteen bytes a step while the page has them (`chunks::of_classes`), then byte by byte.
#[inline(always)]
fn next_of(b: &[u8], from: usize, classes: u8) -> usize {
    let at = match sixteen_at_a_time(from, |at| chunks::of_classes(b, at, classes)) {
        Ok(hit) => return hit,
        Err(at) => at,
    };
    b[at..].iter().position(|&c| CLASS[c as usize] & classes != 0).map_or(b.len(), |p| at + p)
}

/// The first offset at or after `from` that is not HTML whitespace, or `b.len()`.
fn skip_spaces(b: &[u8], from: usize) -> usize {
    b[from..].iter().position(|&c| CLASS[c as usize] != SPACE).map_or(b.len(), |p| from + p)
}

/// A tag name, lower-cased, in a fixed buffer (no name of interest is longer; a longer one
/// is empty and matches none of them).
#[derive(Clone, Copy, PartialEq)]
struct Name {
    bytes: [u8; 32],
    len: usize,
}

impl Name {
    fn of(raw: &[u8]) -> Name {
        let mut bytes = [0u8; 32];
        let len = if raw.len() > bytes.len() { 0 } else { raw.len() };
        for (to, from) in bytes.iter_mut().zip(&raw[..len]) {
            *to = from.to_ascii_lowercase();
        }
        Name { bytes, len }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Whether `written` (a name as in the page) is this name: `Name::of(written) == *self`.
    fn is_written(&self, written: &[u8]) -> bool {
        match written.len() > self.bytes.len() {
            true => self.len == 0,
            false => written.len() == self.len && written.eq_ignore_ascii_case(self.as_bytes()),
        }
    }
}

/// A run of whitespace not yet written, as the one byte it collapses to (`b' '`, or `b'\n'`
/// when it held a line break).
#[derive(Clone, Copy)]
enum Space {
    None,
    /// The run at `at..end` of the page: left as it is when it is that one byte already.
    At {
        at: usize,
        end: usize,
        s: u8,
    },
    /// A run whose bytes are passed over already (a dropped comment stood in it).
    Loose(u8),
}

/// The HTML minifier's state over one page. Nearly all of a page goes out as it is, so nothing
/// is copied while it stays so: `out` holds what the page up to `kept` gives, and the page from
/// `kept` on is copied in one piece when the next change is written (or at the end).
struct Html<'a> {
    b: &'a [u8],
    out: Vec<u8>,
    kept: usize,
    space: Space,
    /// From `<head>` to `<body>`, where whitespace between tags is never shown.
    in_head: bool,
    /// The element whose content is kept as written and how deep it is nested in itself.
    verbatim: Option<(Name, usize)>,
}

impl<'a> Html<'a> {
    fn new(b: &'a [u8]) -> Self {
        Html { b, out: Vec::with_capacity(b.len()), kept: 0, space: Space::None, in_head: false, verbatim: None }
    }

    fn run(mut self) -> Vec<u8> {
        let b = self.b;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c == b'<' {
                i = self.markup(i);
                continue;
            }
            if self.verbatim.is_none() && is_html_space(c) {
                let end = skip_spaces(b, i);
                self.blank(i, end);
                i = end;
                continue;
            }
            // Text ends the head (the parser would open the body).
            self.in_head = false;
            self.flush_space();
            i = match self.verbatim {
                Some(_) => first_hit(
                    b,
                    i + 1,
                    |at| chunks::equal_to(b, at, b'<'),
                    |word| zero_bytes(word ^ every(b'<')),
                    |c| c == b'<',
                ),
                None => text_end(b, i + 1),
            };
        }
        self.flush_space();
        self.keep_to(b.len());
        self.out
    }

    /// Copy the page from `kept` up to `to` as it is.
    fn keep_to(&mut self, to: usize) {
        self.out.extend_from_slice(&self.b[self.kept..to]);
        self.kept = to;
    }

    /// Leave `from..to` of the page out.
    fn skip(&mut self, from: usize, to: usize) {
        self.keep_to(from);
        self.kept = to;
    }

    /// A run of whitespace at `at..end`: one run with the one before it, if a dropped comment
    /// stood between them.
    fn blank(&mut self, at: usize, end: usize) {
        let s = if self.b[at..end].contains(&b'\n') { b'\n' } else { b' ' };
        self.space = match self.loosen() {
            None => Space::At { at, end, s },
            Some(before) => {
                self.skip(at, end);
                Space::Loose(if before == b'\n' { b'\n' } else { s })
            }
        };
    }

    /// The pending run's byte, with its bytes in the page passed over (it is written where the
    /// run is flushed).
    fn loosen(&mut self) -> Option<u8> {
        match self.space {
            Space::None => None,
            Space::At { at, end, s } => {
                self.skip(at, end);
                self.space = Space::Loose(s);
                Some(s)
            }
            Space::Loose(s) => Some(s),
        }
    }

    /// Write the pending run, if any (inline: at most tags and text there is none).
    #[inline(always)]
    fn flush_space(&mut self) {
        if !matches!(self.space, Space::None) {
            self.write_space();
        }
    }

    fn write_space(&mut self) {
        match std::mem::replace(&mut self.space, Space::None) {
            Space::None => {}
            Space::At { at, end, s } => {
                if end - at != 1 || self.b[at] != s {
                    self.skip(at, end);
                    self.out.push(s);
                }
            }
            Space::Loose(s) => self.out.push(s),
        }
    }

    fn drop_space(&mut self) {
        if let Space::At { at, end, .. } = std::mem::replace(&mut self.space, Space::None) {
            self.skip(at, end);
        }
    }

    /// Read the markup at `i` (a `<`): a comment, a tag, a doctype or text. Returns where
    /// reading goes on.
    fn markup(&mut self, i: usize) -> usize {
        let b = self.b;
        if b[i..].starts_with(b"<!--") {
            let end = comment_end(b, i);
            if self.verbatim.is_some() || keeps_comment(&b[i..end]) {
                self.flush_space();
            } else {
                // A dropped comment leaves the whitespace on both sides as one run.
                self.loosen();
                self.skip(i, end);
            }
            return end;
        }
        if let Some(end) = self.tag(i) {
            return end;
        }
        self.flush_space();
        if b.get(i + 1).is_some_and(|&n| n == b'!' || n == b'?') {
            // A doctype, CDATA or processing instruction: as written.
            return memchr::memchr(b'>', &b[i..]).map_or(b.len(), |p| i + p + 1);
        }
        // `<` that opens nothing is text.
        i + 1
    }

    /// Drop or write the pending run before a tag.
    fn settle_space(&mut self, drop: bool) {
        if drop {
            self.drop_space();
        } else {
            self.flush_space();
        }
    }

    /// Write a tag that is not as it should be, from just after its name at `name_end`, once
    /// the run before it is settled; as `write_tag_rest`. When the page ends inside it (it was
    /// text), nothing is written or settled.
    #[cold]
    fn rewrite_tag(&mut self, name_end: usize, drops_space: bool) -> Option<(usize, bool)> {
        let before = (self.out.len(), self.kept, self.space);
        self.settle_space(drops_space);
        self.keep_to(name_end);
        let Some((end, keeps_space)) = write_tag_rest(self.b, name_end, &mut self.out) else {
            (self.kept, self.space) = (before.1, before.2);
            self.out.truncate(before.0);
            return None;
        };
        self.kept = end;
        Some((end, keeps_space))
    }

    /// Read the tag at `i`, writing it without needless blanks, and track what it opens or
    /// closes. Returns where reading goes on, or None when `<` does not open a tag here (then
    /// nothing changed: it is text).
    fn tag(&mut self, i: usize) -> Option<usize> {
        let b = self.b;
        let end_tag = b.get(i + 1) == Some(&b'/');
        let name_at = if end_tag { i + 2 } else { i + 1 };
        if !b.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            return None;
        }
        let (name_end, kind) = read_name(b, name_at);
        let name = &b[name_at..name_end];
        // Whitespace before the head's tags (and the body's start) is never shown.
        let head_tag = end_tag || kind & (kind::HEAD_ELEMENT | kind::BODY) != 0;
        let drops_space = self.in_head && head_tag || kind & kind::HEAD != 0 && !end_tag;
        // Most tags are written as they should be: left as they are.
        let (end, keeps_space) = match as_written_end(b, name_end) {
            Some(read) => {
                self.settle_space(drops_space);
                read
            }
            None => self.rewrite_tag(name_end, drops_space)?,
        };
        if end_tag {
            if let Some((open, depth)) = &mut self.verbatim {
                if open.is_written(name) {
                    *depth -= 1;
                    if *depth == 0 {
                        self.verbatim = None;
                    }
                }
            }
            return Some(end);
        }
        if kind & kind::HEAD != 0 {
            self.in_head = true;
        } else if kind & kind::HEAD_ELEMENT == 0 {
            self.in_head = false;
        }
        // `<x/>` is read as an opening tag: right in HTML, and in SVG or MathML (where it closes
        // itself) it only keeps more as written than needed.
        if kind & kind::VOID != 0 {
            return Some(end);
        }
        if kind & kind::RAW_TEXT != 0 {
            // Its content goes out as it is, up to its end tag.
            let close = if kind & kind::PLAINTEXT != 0 { None } else { raw_text_end(b, end, name) };
            return Some(close.unwrap_or(b.len()));
        }
        match &mut self.verbatim {
            // Saturating: a name too long to tell starts at `usize::MAX` and never closes.
            Some((open, depth)) if open.is_written(name) => *depth = depth.saturating_add(1),
            Some(_) => {}
            // An element whose name is too long to tell from another keeps the rest as written.
            None if kind & kind::PRE_LIKE != 0 || keeps_space => {
                let name = Name::of(name);
                self.verbatim = Some((name, if name.len == 0 { usize::MAX } else { 1 }))
            }
            None => {}
        }
        Some(end)
    }
}

/// A tag's name from `at` (a letter): its end, and its kind. Most names are short: read as
/// one word, their end found and their kind looked up at once.
fn read_name(b: &[u8], at: usize) -> (usize, u8) {
    if let Some(eight) = b.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
        let word = u64::from_le_bytes(eight);
        let stops = at_most_space(word) | zero_bytes(word ^ every(b'/')) | zero_bytes(word ^ every(b'>'));
        let len = (stops.trailing_zeros() / 8) as usize;
        // A control byte other than whitespace is part of a name.
        if len < 8 && CLASS[b[at + len] as usize] & (SPACE | SLASH | GT) != 0 {
            let key = (word | every(0x20)) & ((1 << (8 * len)) - 1);
            return (at + len, kind::of_key(key));
        }
    }
    let end = next_of(b, at + 1, SPACE | SLASH | GT);
    (end, kind::of(&b[at..end]))
}

/// Where text from `from` on stops going out as it is: at `<`, or at whitespace other than
/// one space or line break between two bytes of text (which collapsing leaves as they are).
fn text_end(b: &[u8], mut from: usize) -> usize {
    loop {
        let at = first_hit(
            b,
            from,
            |at| chunks::text_stops(b, at),
            |word| at_most_space(word) | zero_bytes(word ^ every(b'<')),
            |c| c <= b' ' || c == b'<',
        );
        match b.get(at) {
            Some(b' ' | b'\n') if b.get(at + 1).is_some_and(|&n| n > b' ' && n != b'<') => from = at + 2,
            // Another control byte: text.
            Some(&c) if c != b'<' && !is_html_space(c) => from = at + 1,
            _ => return at,
        }
    }
}

/// One in each byte of a word.
const ONES: u64 = u64::from_ne_bytes([1; 8]);
/// The top bit of each byte of a word.
const HIGH: u64 = ONES << 7;

/// `byte` in each byte of a word.
const fn every(byte: u8) -> u64 {
    ONES * byte as u64
}

/// The top bit of each byte of `word` that is zero. Exact for every byte (the sum cannot carry
/// from one byte into the next), so the lowest one set is the first such byte.
fn zero_bytes(word: u64) -> u64 {
    !(((word & !HIGH) + !HIGH) | word) & HIGH
}

/// The top bit of each byte of `word` that is a space or below (a blank or a control byte).
fn at_most_space(word: u64) -> u64 {
    !(((word & !HIGH) + every(0x80 - 0x21)) | word) & HIGH
}

/// From `from`, sixteen bytes a step while `hits_at` has a mask of them (bit k for byte
/// `at + k`): `Ok` the first hit, or `Err` where the masks ran out (the caller goes on from
/// there by smaller steps).
#[inline(always)]
fn sixteen_at_a_time(from: usize, hits_at: impl Fn(usize) -> Option<u32>) -> Result<usize, usize> {
    let mut at = from;
    while let Some(found) = hits_at(at) {
        if found != 0 {
            return Ok(at + found.trailing_zeros() as usize);
        }
        at += 16;
    }
    Err(at)
}

/// The first offset at or after `from` whose byte `hits`, or `b.len()`: sixteen bytes a step
/// while `hits_at` has a mask of them (bit k for byte `at + k`; it may leave out bytes the caller
/// would step over anyway), then eight, `hits_in` marking the top bit of each byte of a word
/// (read little-endian) that hits. Most of a page is text and tags the minifier leaves as they
/// are, so it looks for what it changes.
#[inline(always)]
fn first_hit(
    b: &[u8],
    from: usize,
    hits_at: impl Fn(usize) -> Option<u32>,
    hits_in: impl Fn(u64) -> u64,
    hits: impl Fn(u8) -> bool,
) -> usize {
    let mut at = match sixteen_at_a_time(from, hits_at) {
        Ok(hit) => return hit,
        Err(at) => at,
    };
    while let Some(eight) = b.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
        let found = hits_in(u64::from_le_bytes(eight));
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    b.get(at..).and_then(|rest| rest.iter().position(|&c| hits(c))).map_or(b.len(), |p| at + p)
}

/// Write the rest of a tag, from `j` just after its name, without needless blanks: each
/// attribute after one space, values as written. Returns the tag's end and whether its inline
/// style keeps whitespace; None when the page ends inside it (part of it may be written then).
fn write_tag_rest(b: &[u8], mut j: usize, out: &mut Vec<u8>) -> Option<(usize, bool)> {
    let mut keeps_space = false;
    let mut last_unquoted = false;
    loop {
        let blank = j;
        j = skip_spaces(b, j);
        let had_blank = j > blank;
        match b.get(j) {
            None => return None,
            Some(b'>') => {
                out.push(b'>');
                return Some((j + 1, keeps_space));
            }
            Some(b'/') => {
                // `<a href=x />`: the blank keeps the slash out of the unquoted value.
                if had_blank && last_unquoted {
                    out.push(b' ');
                }
                out.push(b'/');
                j += 1;
                last_unquoted = false;
                continue;
            }
            Some(_) => {}
        }
        // An attribute: its name (which may start with `=`), then `= value` if any.
        let name_start = j;
        j = next_of(b, j + 1, SPACE | SLASH | GT | EQUALS);
        let attribute = &b[name_start..j];
        out.push(b' ');
        out.extend_from_slice(attribute);
        let mut k = skip_spaces(b, j);
        last_unquoted = false;
        if b.get(k) != Some(&b'=') {
            continue;
        }
        k = skip_spaces(b, k + 1);
        let value_start = k;
        match b.get(k) {
            None => return None,
            Some(&q) if q == b'"' || q == b'\'' => j = k + 1 + memchr::memchr(q, &b[k + 1..])? + 1,
            Some(b'>') => {
                // `a=>`: an empty value.
                j = k;
            }
            Some(_) => {
                j = next_of(b, k, SPACE | GT);
                last_unquoted = true;
            }
        }
        out.push(b'=');
        out.extend_from_slice(&b[value_start..j]);
        keeps_space |= styles_space(attribute, &b[value_start..j]);
    }
}

/// Whether an attribute is an inline style that keeps whitespace (`white-space: pre…` or
/// `break-spaces`).
fn styles_space(attribute: &[u8], value: &[u8]) -> bool {
    if !attribute.eq_ignore_ascii_case(b"style") {
        return false;
    }
    let value = String::from_utf8_lossy(value).to_ascii_lowercase();
    value.contains("white-space") && (value.contains("pre") || value.contains("break-spaces"))
}

/// The end of a tag whose rest, from `j` just after its name, the minifier would write as it
/// is: attributes each after one space, values right after their `=`, and `>` right after the
/// last one. With whether it keeps whitespace; None for any other tag.
fn as_written_end(b: &[u8], mut j: usize) -> Option<(usize, bool)> {
    let mut keeps_space = false;
    loop {
        match *b.get(j)? {
            b'>' => return Some((j + 1, keeps_space)),
            b' ' if b.get(j + 1).is_some_and(|&c| CLASS[c as usize] == 0) => {}
            _ => return None,
        }
        let name_start = j + 1;
        j = next_of(b, name_start + 1, SPACE | SLASH | GT | EQUALS);
        if b.get(j) != Some(&b'=') {
            continue;
        }
        let value_start = j + 1;
        j = match *b.get(value_start)? {
            // Values are mostly short (`class="k"`): looked for a word at a time, inline.
            quote @ (b'"' | b'\'') => {
                let close = first_hit(
                    b,
                    j + 2,
                    |at| chunks::equal_to(b, at, quote),
                    |word| zero_bytes(word ^ every(quote)),
                    |c| c == quote,
                );
                close.checked_add(1).filter(|&end| end <= b.len())?
            }
            // Unquoted (`class=k`, as the highlighter writes them): up to a blank or `>`.
            c if CLASS[c as usize] & (SPACE | GT) == 0 => next_of(b, value_start + 1, SPACE | GT),
            _ => return None,
        };
        let attribute = &b[name_start..value_start - 1];
        // `class` has as many letters as `style`: told apart here, without a call.
        if attribute.len() == b"style".len() && attribute[0] | 0x20 == b's' {
            keeps_space |= styles_space(attribute, &b[value_start..j]);
        }
    }
}

/// Where `needle` first occurs in `b` at or after `from`.
fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// The end (exclusive) of the comment starting at `i` (`<!--`), as the HTML parser reads it:
/// `<!-->` and `<!--->` are whole comments, and one left open runs to the end.
fn comment_end(b: &[u8], i: usize) -> usize {
    let body = i + 4;
    if b[body..].starts_with(b">") {
        return body + 1;
    }
    if b[body..].starts_with(b"->") {
        return body + 2;
    }
    let dashes = find(b, body, b"--").unwrap_or(b.len());
    let mut at = dashes;
    while at < b.len() {
        if b[at..].starts_with(b"-->") {
            return at + 3;
        }
        if b[at..].starts_with(b"--!>") {
            return at + 4;
        }
        at = find(b, at + 1, b"--").unwrap_or(b.len());
    }
    b.len()
}

/// Comments that mean something to someone: conditional comments and `<!--! licence -->`.
fn keeps_comment(comment: &[u8]) -> bool {
    comment.starts_with(b"<!--[if") || comment.starts_with(b"<!--<![endif]") || comment.starts_with(b"<!--!")
}

/// Where the end tag `</name` of a raw-text element opened before `from` starts, if it has one.
fn raw_text_end(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(lt) = find(b, at, b"</") {
        let after = lt + 2 + name.len();
        let matches = b.get(lt + 2..after).is_some_and(|n| n.eq_ignore_ascii_case(name));
        if matches && b.get(after).is_none_or(|&c| is_html_space(c) || c == b'/' || c == b'>') {
            return Some(lt);
        }
        at = lt + 2;
    }
    None
}

/// A style sheet without comments and needless whitespace (see the module doc).
pub fn css(text: &str) -> String {
    let b = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut space = false;
    let mut i = 0;
    // No blank is needed after or before these: they cannot join with what stands beside them
    // (a blank before `(` stays: `and (` is not the function `and(`).
    let separates = |last: u8, next: u8| {
        matches!(last, b'{' | b'}' | b';' | b',' | b'>' | b'(' | b':')
            || matches!(next, b'{' | b'}' | b';' | b',' | b'>' | b')')
    };
    while i < b.len() {
        let c = b[i];
        if b[i..].starts_with(b"/*") {
            let end = find(b, i + 2, b"*/").map_or(b.len(), |e| e + 2);
            if b[i..].starts_with(b"/*!") {
                write_css_space(&mut out, &mut space, c, separates);
                out.extend_from_slice(&b[i..end]);
            } else {
                // A comment separates tokens as a blank does.
                space = true;
            }
            i = end;
            continue;
        }
        if c.is_ascii_whitespace() {
            space = true;
            i += 1;
            continue;
        }
        write_css_space(&mut out, &mut space, c, separates);
        let end = if c == b'"' || c == b'\'' {
            quoted_end(b, i)
        } else if b[i..].len() >= 4
            && b[i..i + 4].eq_ignore_ascii_case(b"url(")
            && !out.last().is_some_and(|&p| p.is_ascii_alphanumeric() || p == b'-' || p == b'_')
        {
            css_url_end(b, i + 4)
        } else {
            if c == b'}' && out.last() == Some(&b';') {
                out.pop();
            }
            i + 1
        };
        out.extend_from_slice(&b[i..end]);
        i = end;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Write the pending blank before `next` unless punctuation on either side makes it needless.
fn write_css_space(out: &mut Vec<u8>, space: &mut bool, next: u8, separates: impl Fn(u8, u8) -> bool) {
    if std::mem::take(space) {
        if let Some(&last) = out.last() {
            if !separates(last, next) {
                out.push(b' ');
            }
        }
    }
}

/// The end (exclusive) of `url(` content starting at `from`: an unquoted address runs to its
/// `)`; a quoted one is left to the string rule (so this returns `from`).
fn css_url_end(b: &[u8], from: usize) -> usize {
    let mut j = from;
    while j < b.len() && b[j].is_ascii_whitespace() {
        j += 1;
    }
    if matches!(b.get(j), Some(b'"' | b'\'')) {
        return from;
    }
    while j < b.len() && b[j] != b')' {
        j += if b[j] == b'\\' { 2 } else { 1 };
    }
    (j + 1).min(b.len())
}

/// The end (exclusive) of the string starting at `i`: after its closing quote, or before the
/// line break that leaves it open.
fn quoted_end(b: &[u8], i: usize) -> usize {
    let quote = b[i];
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'\n' | b'\r' => return j,
            c if c == quote => return j + 1,
            _ => j += 1,
        }
    }
    b.len()
}

/// A script without comments and indentation (see the module doc).
pub fn js(text: &str) -> String {
    let b = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    // A blank not yet written: b' ', or b'\n' when it held a line break (kept for ASI).
    let mut space: Option<u8> = None;
    let mut before = Before::Start;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') {
            let run = if c == b'\n' || c == b'\r' { b'\n' } else { b' ' };
            space = Some(if space == Some(b'\n') { b'\n' } else { run });
            i += 1;
            continue;
        }
        if b[i..].starts_with(b"//") || b[i..].starts_with(b"/*") {
            let line = b[i + 1] == b'/';
            let end = if line {
                b[i..].iter().position(|&c| c == b'\n' || c == b'\r').map_or(b.len(), |p| p + i)
            } else {
                find(b, i + 2, b"*/").map_or(b.len(), |e| e + 2)
            };
            let comment = &b[i..end];
            if comment.starts_with(b"/*!") || find(comment, 0, b"@license").is_some() {
                write_js_space(&mut out, &mut space, c);
                out.extend_from_slice(comment);
                if line {
                    space = Some(b'\n');
                }
            } else {
                let breaks = comment.contains(&b'\n') || comment.contains(&b'\r');
                space = Some(if breaks || space == Some(b'\n') { b'\n' } else { b' ' });
            }
            i = end;
            continue;
        }
        write_js_space(&mut out, &mut space, c);
        let (end, next) = match c {
            b'"' | b'\'' => (quoted_end(b, i), Before::Value),
            b'`' => (template_end(b, i), Before::Value),
            b'/' if before.allows_regex() => match regex_end(b, i) {
                Some(end) => (end, Before::Value),
                None => (i + 1, Before::Punct(c)),
            },
            c if is_js_word(c) => {
                let mut j = i;
                while j < b.len() && is_js_word(b[j]) {
                    j += 1;
                }
                let property = out.last() == Some(&b'.') && !c.is_ascii_digit();
                let word = &b[i..j];
                let keyword = !property && REGEX_AFTER.iter().any(|k| k.as_bytes() == word);
                (j, if keyword { Before::Keyword } else { Before::Value })
            }
            _ => (i + 1, Before::Punct(c)),
        };
        out.extend_from_slice(&b[i..end]);
        before = next;
        i = end;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// What came before a `/` in a script, which tells a regular expression from a division.
#[derive(Clone, Copy)]
enum Before {
    Start,
    /// A name, number, string, template or regular expression: `/` divides it.
    Value,
    /// A keyword after which an expression starts (`return /x/`).
    Keyword,
    Punct(u8),
}

impl Before {
    fn allows_regex(self) -> bool {
        match self {
            Before::Start | Before::Keyword => true,
            Before::Value => false,
            Before::Punct(p) => !matches!(p, b')' | b']' | b'}'),
        }
    }
}

/// Keywords an expression (so a regular expression literal) may follow.
const REGEX_AFTER: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

/// Bytes of names, keywords and numbers (any non-ASCII byte: names may be in any script).
fn is_js_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

/// Write the pending blank before `next`: a line break always (ASI), a space unless
/// punctuation beside it cannot join into another token without it.
fn write_js_space(out: &mut Vec<u8>, space: &mut Option<u8>, next: u8) {
    // Next to these no blank is needed: what they would join with (`= =`, `? ?`, `: :`) is not
    // JavaScript. The blanks of `a - -b`, `a / /x/`, `a < !--b` and `1 .x` stay.
    let alone = |c: u8| matches!(c, b'{' | b'}' | b'(' | b')' | b'[' | b']' | b';' | b',' | b':' | b'=' | b'?');
    match (space.take(), out.last()) {
        (_, None) => {}
        (Some(b'\n'), Some(_)) => out.push(b'\n'),
        (Some(_), Some(&last)) => {
            if !(alone(last) || alone(next)) {
                out.push(b' ');
            }
        }
        (None, _) => {}
    }
}

/// The end (exclusive) of the template literal starting at `i`, over its `${…}` parts.
fn template_end(b: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'`' => return j + 1,
            b'$' if b.get(j + 1) == Some(&b'{') => j = code_block_end(b, j + 2),
            _ => j += 1,
        }
    }
    b.len()
}

/// The end (exclusive) of the code in `${…}` starting at `from`, after its closing brace.
fn code_block_end(b: &[u8], from: usize) -> usize {
    let mut depth = 1;
    let mut j = from;
    while j < b.len() {
        match b[j] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            b'"' | b'\'' => {
                j = quoted_end(b, j);
                continue;
            }
            b'`' => {
                j = template_end(b, j);
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    b.len()
}

/// The end (exclusive) of a regular expression literal at `i`, flags included; None when no
/// closing `/` comes before the line ends (then it was a division after all).
fn regex_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    let mut class = false;
    while j < b.len() {
        match b[j] {
            b'\n' | b'\r' => return None,
            b'\\' => j += 1,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => {
                j += 1;
                while j < b.len() && is_js_word(b[j]) {
                    j += 1;
                }
                return Some(j);
            }
            _ => {}
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(page: &str) -> String {
        String::from_utf8(super::html(page.as_bytes())).expect("UTF-8 in, UTF-8 out")
    }

    #[test]
    fn html_collapses_whitespace_in_text_keeping_a_line_break_as_one() {
        assert_eq!(html("<p>a   b\n\n   c</p>\n\n<p>d</p>"), "<p>a b\nc</p>\n<p>d</p>");
        // Inline elements separated by one space keep it.
        assert_eq!(html("<b>a</b> <i>b</i>"), "<b>a</b> <i>b</i>");
        assert_eq!(html("<b>a</b>  \t <i>b</i>"), "<b>a</b> <i>b</i>");
        // A no-break space is text, not whitespace.
        assert_eq!(html("a \u{a0} b"), "a \u{a0} b");
    }

    #[test]
    fn html_keeps_pre_textarea_script_and_style_as_written() {
        let pre = "<pre>\n\n  x  =  1\n</pre>";
        assert_eq!(html(pre), pre);
        // The leading newline after `<pre>` (which the parser drops) and a comment stay.
        let commented = "<pre><!-- c -->\n  a</pre>";
        assert_eq!(html(commented), commented);
        let nested = "<pre><pre>  a</pre>  b  </pre>  c";
        assert_eq!(html(nested), "<pre><pre>  a</pre>  b  </pre> c");
        let area = "<textarea>  a\n\n b <!-- not a comment --></textarea>";
        assert_eq!(html(area), area);
        let script = "<script>\n  var s = \"</scr\" + \"ipt>  \";  // x\n</script>";
        assert_eq!(html(script), script);
        // The script ends at the first `</script>`, as the browser's parser reads it.
        assert_eq!(html("<script>a  </script>  <p>  x</p>"), "<script>a  </script> <p> x</p>");
        let style = "<style>\n  a  {  color: red }\n</style>";
        assert_eq!(html(style), style);
        assert_eq!(html("<SCRIPT>  a </ScRiPt > b  c"), "<SCRIPT>  a </ScRiPt> b c");
    }

    #[test]
    fn html_keeps_elements_styled_white_space_pre_as_written() {
        let long = "<my-very-long-element-name-here-x style=\"white-space:pre\"> a  <x-another-long-element-name-here></x-another-long-element-name-here>  b";
        assert_eq!(html(long), long);
        // Nested in itself (names too long to tell all look alike), it still never closes.
        let nested = "<an-element-name-longer-than-any-known-x style=\"white-space:pre\"><an-element-name-longer-than-any-known-y>  a</an-element-name-longer-than-any-known-y></an-element-name-longer-than-any-known-x>  b";
        assert_eq!(html(nested), nested);
        let styled = "<div style=\"white-space: pre-wrap\">  a\n\n <div> b </div>  </div>  c";
        assert_eq!(html(styled), "<div style=\"white-space: pre-wrap\">  a\n\n <div> b </div>  </div> c");
        assert_eq!(
            html("<div style=\"white-space: nowrap\">  a  </div>"),
            "<div style=\"white-space: nowrap\"> a </div>"
        );
    }

    #[test]
    fn html_drops_comments_but_conditional_and_licence_ones() {
        assert_eq!(html("a <!-- x --> b"), "a b");
        assert_eq!(html("a<!-- x -->b"), "ab");
        assert_eq!(html("a <!--> b <!---> c"), "a b c");
        assert_eq!(html("a <!-- x --!> b"), "a b");
        assert_eq!(html("<!--[if IE]><p>x</p><![endif]-->"), "<!--[if IE]><p>x</p><![endif]-->");
        assert_eq!(html("<!--! MIT licence -->"), "<!--! MIT licence -->");
        assert_eq!(html("a <!-- never closed"), "a ");
    }

    #[test]
    fn html_tags_lose_blanks_between_attributes_and_keep_their_quotes() {
        assert_eq!(html("<a\n   class=\"x  y\"   href = 'b c'\n  >t</a >"), "<a class=\"x  y\" href='b c'>t</a>");
        assert_eq!(html("<input  disabled  value=a >"), "<input disabled value=a>");
        // The blank keeps the slash out of an unquoted value; a quoted one needs none.
        assert_eq!(html("<path d=M4 /><path d=\"M4\" />"), "<path d=M4 /><path d=\"M4\"/>");
        assert_eq!(html("<br />"), "<br/>");
        // Not tags: text as it is.
        assert_eq!(html("a < b  and  1<2"), "a < b and 1<2");
        assert_eq!(html("<!DOCTYPE html>\n<html>"), "<!DOCTYPE html>\n<html>");
        // A tag left open is text to the end.
        assert_eq!(html("a <b  c=\"d"), "a <b c=\"d");
    }

    #[test]
    fn html_drops_whitespace_between_the_heads_tags_only() {
        let page = "<html>\n<head>\n  <meta charset=\"utf-8\">\n  <title> T  x </title>\n</head>\n<body>\n  <p>a</p>\n</body>\n</html>\n";
        assert_eq!(
            html(page),
            "<html><head><meta charset=\"utf-8\"><title> T  x </title></head><body>\n<p>a</p>\n</body>\n</html>\n"
        );
    }

    /// The minifier against the two readings it replaced (`plain`, byte by byte, and `tables`,
    /// which copied every piece it read), on random pages made of every kind of piece it treats
    /// apart: each tag kind in any letter case, names short and long (read a word at a time),
    /// attributes quoted or not, inline styles that keep whitespace, comments, blanks alone and
    /// in runs, control bytes, text and stray `<`.
    #[test]
    fn html_gives_what_the_earlier_readings_give() {
        let pieces = [
            "<",
            ">",
            "/",
            "=",
            "\"",
            "'",
            " ",
            "  ",
            "\n",
            "\t",
            "\r",
            "\x0c",
            "\n\n ",
            "a",
            "가나다",
            "\u{a0}",
            "x y",
            "<!--",
            "-->",
            "--!>",
            "<!-- c -->",
            "<!--[if IE]>",
            "<!--! l -->",
            "<!DOCTYPE html>",
            "<?x?>",
            "<![CDATA[",
            "<head>",
            "</head>",
            "<HEAD >",
            "<body>",
            "</body>",
            "<meta charset=utf-8>",
            "<link rel=x/>",
            "<base>",
            "<title>",
            "</title>",
            "<style>",
            "</style >",
            "<script>",
            "</SCRIPT>",
            "</script",
            "<noscript>",
            "<template>",
            "</template>",
            "<textarea>",
            "</textarea>",
            "<xmp>",
            "<iframe>",
            "<noembed>",
            "<noframes>",
            "<plaintext>",
            "<pre>",
            "</pre>",
            "<PRE class=\"a\">",
            "<listing>",
            "</listing>",
            "<annotation>",
            "</annotation>",
            "<br>",
            "<br />",
            "<img src=a.png alt='b c'>",
            "<hr/>",
            "<input disabled value=a >",
            "<wbr>",
            "<area>",
            "<col>",
            "<embed>",
            "<param>",
            "<source>",
            "<track>",
            "<p>",
            "</p>",
            "<span class=\"x\">",
            "</span>",
            "<a href=x />",
            "<a\n  href = 'y' >",
            "</a >",
            "<div style=\"white-space: pre-wrap\">",
            "<div style='WHITE-SPACE:break-spaces'>",
            "<div style=white-space:nowrap>",
            "</div>",
            "<my-very-long-element-name-here-xyz-abc style=\"white-space:pre\">",
            "</my-very-long-element-name-here-xyz-abc>",
            "<x a=>",
            "<x =a>",
            "<x a = \"",
            "<b",
            "</",
            "<1>",
            "<svg><path d=M4 /></svg>",
            "<b\tc>",
            "<b c>",
            "<b  c>",
            "<b c=\"d\"e>",
            "<b c=\"d\" >",
            "<b c='d'\n>",
            "<b c=d>",
            "<b =c>",
            "<b c =\"d\">",
            "<b c=\"d\"/>",
            "<b <c>",
            "<b c=\"d>e\">",
            "<b style=\"white-space:pre\" c>",
            "<b STYLE='white-space:pre'>",
            "<b sTyle=white-space:pre-wrap>",
            "<b stylo=\"white-space:pre\">",
            "<span class=h>",
            "<span class=h >",
            "<b c=d e=\"f\">",
            "<b c=d/>",
            "<b c=d\n>",
            "<b c=/d>",
            "<b c= d>",
            "<b c=>",
            "<b c='d' e>",
            "<b\x01c>",
            "<span\x0bx>",
            "<b\x00>",
            "<PRE>",
            "<pre/>",
            "<Pre\t>",
            "<textarea/>",
            "<head/>",
            "</Pre>",
            "<sCrIpT>",
            "<TEMPLATE>",
            "<Noscript>",
            "<blockquote>",
            "</blockquote >",
            "<plaintexts>",
            "<annotations>",
            "<abcdefgh>",
            "<abcdefg>",
            "</abcdefgh>",
            "\x0b",
            "\x01",
            " \x0b ",
            "a\nb",
            "a \nb",
            " \n",
            "\n\n",
            "가나다라마바사 아자차카타 파하",
            "word word word word",
            "<!--x-->",
            "<!-- a -->\n",
        ];
        let mut next = crate::text::random_below(0x9E37_79B9_7F4A_7C15);
        for round in 0..40_000 {
            let page: String = (0..1 + next(60)).map(|_| pieces[next(pieces.len())]).collect();
            let minified = super::html(page.as_bytes());
            assert_eq!(minified, plain::Html::new(page.as_bytes()).run(), "round {round}, plain: {page:?}");
            assert_eq!(minified, tables::Html::new(page.as_bytes()).run(), "round {round}, tables: {page:?}");
        }
    }

    /// Real pages, built without minifying: the sample site's, and those of a folder of the
    /// shared corpus, the seed note and generated notes (`gen-corpus`). Each minifies to what
    /// both earlier readings give.
    #[test]
    fn html_of_real_pages_is_what_the_earlier_readings_give() {
        fn pages(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pages(&path, found);
                } else if path.extension().is_some_and(|e| e == "html") {
                    found.push(path);
                }
            }
        }
        fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
            std::fs::create_dir_all(to).unwrap();
            for entry in std::fs::read_dir(from).unwrap().flatten() {
                let (path, target) = (entry.path(), to.join(entry.file_name()));
                if path.is_dir() {
                    copy_tree(&path, &target);
                } else {
                    std::fs::copy(&path, &target).unwrap();
                }
            }
        }

        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let shared = repo.join("../shared");
        let tmp = tempfile::tempdir().unwrap();
        let notes = tmp.path().join("notes");
        copy_tree(&shared.join("corpora/tech-interview-for-developer"), &notes.join("corpus"));
        std::fs::copy(shared.join("seed/interview-notes.md"), notes.join("interview-notes.md")).unwrap();
        crate::generated_notes::generate(120, 26, &notes.join("generated")).unwrap();
        let mut found = Vec::new();
        for (root, out) in [(repo, tmp.path().join("sample")), (notes.as_path(), tmp.path().join("notes-out"))] {
            let overrides = crate::config::Overrides { output_dir: Some(out.clone()), ..Default::default() };
            let config = crate::config::Config::load(root, overrides).unwrap();
            assert!(!config.minify);
            // Warnings (the corpus's broken links) are fine: the pages are what is wanted.
            let _ = crate::pipeline::build(&config, false);
            pages(&out, &mut found);
        }
        assert!(found.len() > 300, "{} pages", found.len());
        for path in &found {
            let page = std::fs::read(path).unwrap();
            let minified = super::html(&page);
            assert!(minified.len() < page.len(), "{}: nothing to take out?", path.display());
            assert!(minified == plain::Html::new(&page).run(), "{}: not what the plain reading gives", path.display());
            assert!(minified == tables::Html::new(&page).run(), "{}: not what the tables give", path.display());
        }
    }

    #[test]
    fn html_is_idempotent_on_a_page() {
        let page = "<!DOCTYPE html>\n<html>\n<head>\n<title>t</title>\n</head>\n<body>\n  <p> a  <b>b</b> </p>\n<pre>\n x</pre>\n</body>\n</html>";
        assert_eq!(html(&html(page)), html(page));
    }

    #[test]
    fn css_drops_comments_and_whitespace_and_keeps_strings_and_urls() {
        let sheet = "/* theme */\na  >  b ,\nc:hover {\n  color: red ;\n  margin: 0 auto;\n}\n";
        assert_eq!(css(sheet), "a>b,c:hover{color:red;margin:0 auto}");
        assert_eq!(css("a::before { content: \"  /* x */  \" }"), "a::before{content:\"  /* x */  \"}");
        assert_eq!(css("a { background: url( a b/*c*/.png ) }"), "a{background:url( a b/*c*/.png )}");
        assert_eq!(css("a { background: url( \"x y.png\" ) }"), "a{background:url(\"x y.png\")}");
        // Blanks that separate tokens stay.
        assert_eq!(css("div :first-child { width: calc(1px + 2px) }"), "div :first-child{width:calc(1px + 2px)}");
        assert_eq!(css("a/**/b { }"), "a b{}");
        assert_eq!(css("/*! licence */\na{}"), "/*! licence */ a{}");
        // A blank before `(` may be needed (`and(` would be a function).
        assert_eq!(css("@media screen and (min-width: 1px) {}"), "@media screen and (min-width:1px){}");
        assert_eq!(
            css("@media (max-width: 600px) { a { b: c !important } }"),
            "@media (max-width:600px){a{b:c !important}}"
        );
    }

    #[test]
    fn js_drops_comments_and_indentation_and_keeps_line_breaks() {
        let script = "// top\n(function () {\n  var a = 1; // one\n  /* two\n     lines */\n  return a;\n})();\n";
        assert_eq!(js(script), "(function(){\nvar a=1;\nreturn a;\n})();");
        // A block comment with a line break is a line break for ASI.
        assert_eq!(js("a /*\n*/ b"), "a\nb");
        assert_eq!(js("a /* x */ b"), "a b");
        assert_eq!(js("/*! licence */\nx()"), "/*! licence */\nx()");
    }

    #[test]
    fn js_never_joins_tokens() {
        assert_eq!(js("a - -b"), "a - -b");
        assert_eq!(js("a + +b; c - --d"), "a + +b;c - --d");
        assert_eq!(js("1 .toString()"), "1 .toString()");
        assert_eq!(js("a < !--b"), "a < !--b");
        assert_eq!(js("x = a / b / c"), "x=a / b / c");
        assert_eq!(js("return typeof x"), "return typeof x");
    }

    #[test]
    fn js_keeps_strings_templates_and_regular_expressions() {
        assert_eq!(js("var s = \"</script> // not a comment\";"), "var s=\"</script> // not a comment\";");
        assert_eq!(js("var s = 'it\\'s  /* x */';"), "var s='it\\'s  /* x */';");
        assert_eq!(js("var r = /\\/*/g;  // c"), "var r=/\\/*/g;");
        assert_eq!(js("s.split(/\\s+/ ).filter( Boolean )"), "s.split(/\\s+/).filter(Boolean)");
        assert_eq!(js("x = /[/]//.source"), "x=/[/]//.source");
        assert_eq!(js("return /a b/.test(s)"), "return /a b/.test(s)");
        // A division is not a regular expression: the comment after it goes.
        assert_eq!(js("x = (a) / 2 // half / of it"), "x=(a)/ 2");
        let template = "var t = `a  // ${ b ? `c  /* ${ {d: 1}.d } */` : '}' }  e`;";
        assert_eq!(js(template), template.replace("var t = ", "var t="));
    }

    #[test]
    fn assets_are_minified_by_kind() {
        assert_eq!(asset("a.css", b"a { b: c; }"), b"a{b:c}");
        assert_eq!(asset("a.js", b"a = 1;\n  b = 2;"), b"a=1;\nb=2;");
        assert_eq!(asset("a.svg", b"<svg>  </svg>"), b"<svg>  </svg>");
        assert_eq!(asset("a.css", b"a { \xff }"), b"a { \xff }");
    }
}
