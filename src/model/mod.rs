//! The document model the stages pass along: notes and their headings (from the parse stage),
//! the site around them (`Site`, from `enrich::assemble`), resolved links (`Resolved`, from
//! `enrich::links`) and what a page lists (`TocEntry`, `Reference`), with the rules for output
//! paths. Plain data: no template, I/O or parser types, and no stage of its own.

mod names;
mod packed;
mod repository;
mod site;

use crate::text::is_hangul;
pub(crate) use names::display_name;
use packed::Packed;
pub(crate) use packed::TextPool;
pub(crate) use repository::RepoLink;
pub use repository::{github_remote, Repository};
pub use site::Site;

/// How many letters a note's prose has, and how many of them are Hangul: the site's language
/// is told from the sum over all notes (`config::Config::language`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Letters {
    /// Hangul syllables and jamo.
    pub hangul: usize,
    /// Every letter, Hangul included.
    pub all: usize,
}

impl Letters {
    /// Add the letters of `text`. Every text of every note passes through here, nearly all of it
    /// ASCII and Hangul syllables: those are counted from the bytes in passes the compiler
    /// vectorises, and only a text with some other character is read character by character.
    pub(crate) fn count(&mut self, text: &str) {
        let bytes = text.as_bytes();
        // A byte of 0xC0 or more starts a character outside ASCII; one below 0x80 is a whole one.
        // Counted 128 bytes at a time in bytes, which the compiler turns into vector additions.
        let (mut ascii_letters, mut others) = (0, 0);
        for chunk in bytes.chunks(128) {
            let (mut letters, mut starts) = (0u8, 0u8);
            for &b in chunk {
                letters += u8::from(b.is_ascii_alphabetic());
                starts += u8::from(b >= 0xC0);
            }
            ascii_letters += usize::from(letters);
            others += usize::from(starts);
        }
        if others == 0 {
            self.all += ascii_letters;
            return;
        }
        // Hangul syllables (U+AC00..=U+D7A3) are EA B0 80 ..= ED 9E A3 in UTF-8. A character
        // outside ASCII has two bytes or more, so `n - 2` does not underflow.
        let n = bytes.len();
        let (firsts, seconds, thirds) = (&bytes[..n - 2], &bytes[1..n - 1], &bytes[2..]);
        let mut syllables = 0;
        for ((b0s, b1s), b2s) in firsts.chunks(128).zip(seconds.chunks(128)).zip(thirds.chunks(128)) {
            let mut found = 0u8;
            for ((&b0, &b1), &b2) in b0s.iter().zip(b1s).zip(b2s) {
                let from = (b0 == 0xEA) & (b1 >= 0xB0);
                let middle = (b0 == 0xEB) | (b0 == 0xEC);
                let to = (b0 == 0xED) & ((b1 < 0x9E) | ((b1 == 0x9E) & (b2 <= 0xA3)));
                found += u8::from(from | middle | to);
            }
            syllables += usize::from(found);
        }
        if syllables == others {
            self.all += ascii_letters + syllables;
            self.hangul += syllables;
            return;
        }
        self.count_by_characters(text);
    }

    /// `count` read character by character.
    fn count_by_characters(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_ascii() {
                self.all += usize::from(c.is_ascii_alphabetic());
            } else if is_hangul(c) {
                self.hangul += 1;
                self.all += 1;
            } else if c.is_alphabetic() {
                self.all += 1;
            }
        }
    }

    pub(crate) fn add(self, other: Letters) -> Letters {
        Letters { hangul: self.hangul + other.hangul, all: self.all + other.all }
    }
}

/// A heading of a note, with the id GitHub would give it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Heading {
    pub(crate) level: u8,
    pub(crate) line: usize,
    /// The id, then the plain text (markup removed).
    strs: Packed<2>,
}

impl Heading {
    pub(crate) fn new(level: u8, id: &str, text: &str, line: usize) -> Heading {
        Heading { level, line, strs: Packed::new([id, text]) }
    }

    pub(crate) fn id(&self) -> &str {
        self.strs.get(0)
    }

    /// Plain text, markup removed.
    pub(crate) fn text(&self) -> &str {
        self.strs.get(1)
    }
}

/// One Markdown file, read and outlined but not yet rendered.
#[derive(Debug, Clone, Hash)]
pub struct Note {
    /// Source path from the notes folder (`Algorithm/Binary Search.md`).
    pub(crate) source: String,
    /// Output path from the site root, not percent-encoded (`Algorithm/Binary Search.html`).
    pub(crate) url: String,
    pub(crate) title: String,
    /// `description` of the front matter; parsed and kept, but no page shows it yet.
    pub description: Option<String>,
    pub(crate) weight: Option<i64>,
    /// Markdown after the front matter (a build lets it go: see `Body`).
    pub(crate) body: Body,
    /// What `markdown::prepare` made of `body` when it rewrote a line or found a problem
    /// (None: the parser reads the body as written): kept, so a note is prepared once.
    pub(crate) preparation: Option<Box<Preparation>>,
    /// Text of the first paragraph with some (`markdown::outline`), which describes the page
    /// when the front matter does not.
    pub(crate) lead: String,
    /// Line of the file on which `body` starts.
    pub(crate) body_line: usize,
    pub(crate) headings: Vec<Heading>,
    /// The heading that is the note's title: left out of its table of contents.
    pub(crate) title_heading: Option<usize>,
    /// Other link targets on the page: ids and names in raw HTML, footnote labels.
    pub(crate) extra_ids: Vec<String>,
    /// An index note's links, in source order: its list of links is its folder's reading order
    /// (`enrich::order`). Empty for other notes, whose links order nothing.
    pub(crate) links: Vec<WrittenLink>,
    /// `README.md` or `index.md`: the page of its folder.
    pub(crate) is_index: bool,
    /// The title comes from front matter or an H1, not from the file or folder name.
    pub(crate) title_written: bool,
    /// Letters of the body's prose, for the site's language.
    pub(crate) letters: Letters,
    /// The language the note's code is in (its blocks' labels, else its title or folder), a
    /// hint for guessing its unlabeled blocks (`highlight::note_language`).
    pub(crate) code_language: Option<&'static str>,
    /// Study questions and glossary terms found in the note (`markdown::questions`, `markdown::terms`).
    pub(crate) study: NoteStudy,
    /// When the note was written and last changed, from its front matter (RFC 3339).
    pub(crate) dates: Dates,
}

/// A note's Markdown after its front matter. Bodies are most of what a site holds, and only its
/// page's rendering reads one: a build lets each go once its note is read (`let_go`) and reads it
/// again from the file to render the page (`pipeline`), checked against the length and checksum
/// kept here. A body hashes by where it is in its file's text and those, so a note hashes alike
/// with its text or without.
#[derive(Debug, Clone, Default)]
pub(crate) struct Body {
    text: String,
    /// Where the text was read from, once it was let go.
    file: Option<std::path::PathBuf>,
    /// Byte offset of the text in its file's text (control characters removed), its length and CRC-32.
    offset: usize,
    len: usize,
    crc: u32,
}

impl Body {
    /// The body `text`, found at byte `offset` of its file's text.
    pub(crate) fn new(text: &str, offset: usize) -> Body {
        Body { text: text.to_string(), file: None, offset, len: text.len(), crc: crc32fast::hash(text.as_bytes()) }
    }

    /// Let the text go; it is read again from `file` when needed.
    pub(crate) fn let_go(&mut self, file: std::path::PathBuf) {
        self.text = String::new();
        self.file = Some(file);
    }

    /// The file to read the text from again, when it was let go.
    pub(crate) fn file(&self) -> Option<&std::path::Path> {
        self.file.as_deref()
    }

    /// The body again from its file's text (control characters removed), if it is unchanged
    /// there: a body runs from its offset to the end of the text.
    pub(crate) fn found_in(&self, text: &[u8]) -> Option<Body> {
        let again = text.get(self.offset..).filter(|a| a.len() == self.len && crc32fast::hash(a) == self.crc)?;
        Some(Body::new(simdutf8::basic::from_utf8(again).ok()?, self.offset))
    }
}

impl std::ops::Deref for Body {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl std::hash::Hash for Body {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.offset, self.len, self.crc).hash(state);
    }
}

impl From<&str> for Body {
    fn from(text: &str) -> Body {
        Body::new(text, 0)
    }
}

/// A note's body as the Markdown parser reads it, when `markdown::prepare` rewrote it (callout
/// fences, MDX, raw HTML lines after lists) or found problems in it. Its offsets are those of
/// the text parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct Preparation {
    /// The text parsed, when it is not the body as written.
    pub(crate) text: Option<String>,
    /// Lines of the text parsed that the renderer writes differently, in order.
    pub(crate) marks: Vec<Mark>,
    /// Problems to report: the line (0-based, in the body) and the message.
    pub(crate) problems: Vec<(usize, String)>,
    /// The note is MDX (it starts with `import`/`export` statements).
    pub(crate) mdx: bool,
    /// JSX components named in `problems`, in order.
    pub(crate) components: Vec<String>,
}

/// A body read as written, with nothing to report.
static AS_WRITTEN: Preparation =
    Preparation { text: None, marks: Vec::new(), problems: Vec::new(), mdx: false, components: Vec::new() };

impl Preparation {
    /// What the line holding byte `offset` of the text parsed is, if it is marked.
    pub(crate) fn mark_at(&self, offset: usize) -> Option<&Mark> {
        let i = self.marks.partition_point(|m| m.line.start <= offset).checked_sub(1)?;
        let mark = &self.marks[i];
        (offset < mark.line.end.max(mark.line.start + 1)).then_some(mark)
    }
}

/// A marked line: its byte range in the text parsed, what it is, and the line as the note has
/// it (without indentation).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Mark {
    pub(crate) line: std::ops::Range<usize>,
    pub(crate) what: Marked,
    pub(crate) written: String,
}

/// What a marked line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Marked {
    /// An admonition's opening fence (`written` names its kind and title).
    Open,
    /// An admonition's closing fence.
    Close,
    /// A raw HTML line given a prefix that makes it an HTML block (`markdown::prepare`).
    LazyHtml,
}

/// What study mode knows of one note before it is rendered: its questions and the terms it defines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct NoteStudy {
    pub(crate) questions: Vec<Question>,
    pub(crate) terms: Vec<Term>,
}

/// A question found in a note: a question heading (its answer runs to the next heading of
/// `close_level` or higher) or a `<details>` block (its answer is the block after `<summary>`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Question {
    pub(crate) kind: QuestionKind,
    pub(crate) line: usize,
    /// The anchor and the text. A heading question's are found in its heading: nearly every
    /// question is one, and a site keeps them all until its last page is written.
    words: QuestionWords,
    label: Label,
}

/// Where a question's anchor and text are.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum QuestionWords {
    /// The anchor is the question heading's id, and the text these bytes of its text.
    InHeading {
        start: u32,
        end: u32,
    },
    Own(Packed<2>),
}

/// Where a question's label is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Label {
    None,
    /// The text, trimmed, of the heading of this index.
    Heading(u32),
    Own(Box<str>),
}

impl Question {
    /// A question of a note with these `headings`: what they hold is not held again.
    pub(crate) fn new(
        kind: QuestionKind,
        anchor: &str,
        text: &str,
        label: Option<&str>,
        line: usize,
        headings: &[Heading],
    ) -> Question {
        Question::found_before(kind, (anchor, text, label), line, headings, Found::default())
    }

    /// Where `new` found the question's words in its note's headings (the build cache keeps it
    /// with the note, so a note read from the cache is not searched again).
    pub(crate) fn found(&self) -> Found {
        let text = match self.words {
            QuestionWords::InHeading { start, end } => Some((start, end)),
            QuestionWords::Own(_) => None,
        };
        let label = match self.label {
            Label::Heading(j) => Some(j),
            Label::None | Label::Own(_) => None,
        };
        Found { text, label }
    }

    /// `new` of the question's anchor, text and label (`words`), taking what an earlier `new`
    /// found (`found`) where it still holds for these `headings`, and looking for the rest as
    /// `new` does.
    pub(crate) fn found_before(
        kind: QuestionKind,
        (anchor, text, label): (&str, &str, Option<&str>),
        line: usize,
        headings: &[Heading],
        found: Found,
    ) -> Question {
        let heading = match kind {
            QuestionKind::Heading { index, .. } => headings.get(index).filter(|h| h.id() == anchor),
            QuestionKind::Details { .. } => None,
        };
        let range = heading.and_then(|h| {
            let known = found.text.filter(|&(start, end)| h.text().get(start as usize..end as usize) == Some(text));
            known.or_else(|| {
                // Most question texts are their heading's text, or its end after `Q.`.
                let heading = h.text().as_bytes();
                let start = if heading.starts_with(text.as_bytes()) { 0 } else { h.text().find(text)? };
                Some((u32::try_from(start).ok()?, u32::try_from(start + text.len()).ok()?))
            })
        });
        let words = match range {
            Some((start, end)) => QuestionWords::InHeading { start, end },
            None => QuestionWords::Own(Packed::new([anchor, text])),
        };
        let label = match label {
            None => Label::None,
            Some(label) => {
                let is_label = |h: &Heading| h.text().trim() == label;
                let known = found.label.filter(|&j| headings.get(j as usize).is_some_and(is_label));
                match known.map(Ok).or_else(|| headings.iter().position(is_label).map(u32::try_from)) {
                    Some(Ok(j)) => Label::Heading(j),
                    _ => Label::Own(label.into()),
                }
            }
        };
        Question { kind, line, words, label }
    }

    /// The question's heading among its note's `headings`.
    fn heading<'a>(&self, headings: &'a [Heading]) -> Option<&'a Heading> {
        match self.kind {
            QuestionKind::Heading { index, .. } => headings.get(index),
            QuestionKind::Details { .. } => None,
        }
    }

    /// The page anchor: the heading's id, or the id given to the `<details>` block. With the
    /// note's URL it makes the question's stable id (`Algorithm/Sort.html#q-…`). `headings`
    /// are its note's, as for the text and label.
    pub(crate) fn anchor<'a>(&'a self, headings: &'a [Heading]) -> &'a str {
        match &self.words {
            QuestionWords::Own(words) => words.get(0),
            QuestionWords::InHeading { .. } => self.heading(headings).map_or("", Heading::id),
        }
    }

    /// The question as a reader sees it (`Q.` prefix removed).
    pub(crate) fn text<'a>(&'a self, headings: &'a [Heading]) -> &'a str {
        match &self.words {
            QuestionWords::Own(words) => words.get(1),
            QuestionWords::InHeading { start, end } => {
                let text = self.heading(headings).map_or("", Heading::text);
                text.get(*start as usize..*end as usize).unwrap_or("")
            }
        }
    }

    /// A label the notes give it (`1번 문제`), if any.
    pub(crate) fn label<'a>(&'a self, headings: &'a [Heading]) -> Option<&'a str> {
        match &self.label {
            Label::None => None,
            Label::Heading(j) => Some(headings.get(*j as usize).map_or("", |h| h.text().trim())),
            Label::Own(label) => Some(label),
        }
    }
}

/// Where `Question::new` found a question's words: its text's bytes in its heading's text, and
/// the heading that is its label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) text: Option<(u32, u32)>,
    pub(crate) label: Option<u32>,
}

/// Where a question sits in its note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum QuestionKind {
    /// Index into `Note::headings`; the answer ends at the next heading of level `close_level`
    /// or higher (the enclosing `## N번 문제` heading's level when the question is its only one).
    Heading { index: usize, close_level: u8 },
    /// Byte offset in `Note::body` of the block's `<details`.
    Details { offset: usize },
}

/// A glossary term defined in a note (`> **'코루틴'**: …`, `- **load factor** : …`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Term {
    /// The term, its definition and its id (see their methods).
    strs: Packed<3>,
    /// Byte offset in `Note::body` of the `**` that opens the term: the render stage gives
    /// that `<strong>` the anchor `id`.
    pub(crate) offset: usize,
    pub(crate) line: usize,
    /// Written as an HTML `<dt>` (the offset is its `<dt`), not as bold Markdown.
    pub(crate) html_dt: bool,
}

impl Term {
    pub(crate) fn new(term: &str, definition: &str, id: &str, offset: usize, line: usize, html_dt: bool) -> Term {
        Term { strs: Packed::new([term, definition, id]), offset, line, html_dt }
    }

    pub(crate) fn term(&self) -> &str {
        self.strs.get(0)
    }

    /// The definition as plain text.
    pub(crate) fn definition(&self) -> &str {
        self.strs.get(1)
    }

    pub(crate) fn id(&self) -> &str {
        self.strs.get(2)
    }
}

/// A note's `date` and `updated` from its front matter, as RFC 3339; the feed's dates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Dates {
    pub(crate) published: Option<String>,
    pub(crate) updated: Option<String>,
}

impl Note {
    /// Keep one copy of each text of its headings, questions and terms in `pool`, shared with
    /// every note that has the same.
    pub(crate) fn share_texts(&mut self, pool: &mut TextPool) {
        self.headings.iter_mut().for_each(|h| h.strs.share(pool));
        for q in &mut self.study.questions {
            if let QuestionWords::Own(words) = &mut q.words {
                words.share(pool);
            }
        }
        self.study.terms.iter_mut().for_each(|t| t.strs.share(pool));
    }

    /// Whether `#id` lands somewhere on this page.
    pub(crate) fn has_id(&self, id: &str) -> bool {
        self.headings.iter().any(|h| h.id() == id) || self.extra_ids.iter().any(|x| x == id)
    }

    /// The note's body as the Markdown parser reads it (`preparation`).
    pub(crate) fn parsed_text(&self) -> &str {
        self.preparation.as_ref().and_then(|p| p.text.as_deref()).unwrap_or(&self.body)
    }

    /// What `markdown::prepare` made of the body.
    pub(crate) fn preparation(&self) -> &Preparation {
        self.preparation.as_deref().unwrap_or(&AS_WRITTEN)
    }

    /// Folder of the source, `""` at the top.
    pub(crate) fn folder(&self) -> &str {
        parent_of(&self.source)
    }
}

/// A link as written in a note's Markdown or raw HTML, before it is resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct WrittenLink {
    /// The destination exactly as written (`./Network/README.md`, `https://…`).
    pub(crate) dest: String,
    /// Written in a list item or a table cell: part of a list of links, such as a table of
    /// contents, rather than a passing mention in prose.
    pub(crate) listed: bool,
}

/// A folder of notes. Index 0 of `Site::sections` is the top-level folder.
#[derive(Debug, Clone, Default)]
pub(crate) struct Section {
    /// Folder path from the notes folder, `""` for the top.
    pub(crate) path: String,
    pub(crate) title: String,
    /// The note that is this folder's page, if the folder has a README.md/index.md.
    pub(crate) index_note: Option<usize>,
    /// Other notes of the folder in reading order.
    pub(crate) notes: Vec<usize>,
    /// Sub-folders in reading order.
    pub(crate) children: Vec<usize>,
    /// The folder's notes and sub-folders together in reading order (`enrich::order`): the
    /// navigation and previous/next follow it; `notes` and `children` keep its order.
    pub(crate) items: Vec<Item>,
    pub(crate) parent: Option<usize>,
}

impl Section {
    /// Output path of the folder's page.
    pub(crate) fn url(&self) -> String {
        if self.path.is_empty() {
            "index.html".to_string()
        } else {
            format!("{}/index.html", self.path)
        }
    }
}

/// One entry of a folder: a note or a sub-folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Item {
    /// Index into `Site::notes`.
    Note(usize),
    /// Index into `Site::sections`.
    Folder(usize),
}

/// A page of the finished site: a note, or a folder page generated for a folder without an index note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageRef {
    /// Index into `Site::notes`.
    Note(usize),
    /// Index into `Site::sections`: the generated page of a folder without an index note.
    Section(usize),
}

/// Whether a note file is its folder's page: `README.md`, as on GitHub, else `index.md` when
/// the folder has no `README.md` (letter case ignored). Beside a README, `index.md` is an
/// ordinary note (see `note_url`).
pub(crate) fn is_index_note(source: &str, folder_has_readme: bool) -> bool {
    let name = file_name_of(source);
    is_readme(name) || (is_index_md(name) && !folder_has_readme)
}

/// `README.md`, any letter case.
pub(crate) fn is_readme(source: &str) -> bool {
    file_name_of(source).eq_ignore_ascii_case("readme.md")
}

pub(crate) fn is_index_md(source: &str) -> bool {
    file_name_of(source).eq_ignore_ascii_case("index.md")
}

/// Output path of a note: beside its source, `.md` → `.html`; a folder's index note →
/// `index.html`. An `index.md` that is not its folder's page (a README is) keeps its whole name,
/// `index.md.html`: `index.html` is the folder's page, and no other note's page can be named so.
pub(crate) fn note_url(source: &str, is_index: bool) -> String {
    let folder = parent_of(source);
    let file = if is_index {
        "index.html".to_string()
    } else if is_index_md(source) {
        format!("{}.html", file_name_of(source))
    } else {
        let name = file_name_of(source);
        let stem = name.rfind('.').map_or(name, |i| &name[..i]);
        format!("{stem}.html")
    };
    if folder.is_empty() {
        file
    } else {
        format!("{folder}/{file}")
    }
}

/// Output paths gongbu writes itself (`pipeline::write_shared`, `write::MARKER`), with what each
/// is for messages. No note or asset may land on one, nor under `static/` (the theme's files).
pub(crate) const RESERVED_OUTPUTS: &[(&str, &str)] = &[
    ("nav.js", "the site's navigation"),
    ("quiz/index.html", "the quiz page"),
    ("quiz/questions.js", "the quiz's questions"),
    ("quiz/anki.csv", "the Anki export"),
    ("glossary/index.html", "the glossary page"),
    ("references/index.html", "the references page"),
    ("404.html", "the not-found page"),
    ("search/index.html", "the search page"),
    ("sitemap.xml", "the sitemap"),
    ("atom.xml", "the feed"),
    (".nojekyll", "the GitHub Pages marker"),
    (".gongbu-output", "gongbu's output marker"),
];

/// Files a static host or a crawler reads at the site's root (GitHub Pages' custom domain,
/// Netlify's redirects and headers, `robots.txt`). A site root keeps them in `static/`, with the
/// theme's files, and they are published at the output's root. gongbu writes a `robots.txt` of its
/// own only when the site has none.
pub(crate) const HOSTING_FILES: &[&str] = &["CNAME", "_redirects", "_headers", "robots.txt"];

/// The folder of the theme's files in the output.
const RESERVED_FOLDER: &str = "static/";

/// What gongbu writes at output path `path` itself, if anything. Letter case is ignored: on
/// macOS, Windows and GitHub Pages `NAV.js` would replace `nav.js`.
pub(crate) fn reserved_output(path: &str) -> Option<&'static str> {
    let folded = fold_case(path);
    if folded.starts_with(RESERVED_FOLDER) {
        return Some("the theme's files");
    }
    RESERVED_OUTPUTS.iter().find(|(name, _)| *name == folded).map(|(_, what)| *what)
}

/// The form of an output path under which two paths collide on a case-insensitive host.
pub(crate) fn fold_case(path: &str) -> String {
    path.to_lowercase()
}

/// `a/b/c.md` → `a/b`; `c.md` → ``.
pub(crate) fn parent_of(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// `Binary Search.md` → `Binary Search`.
pub(crate) fn file_stem(name: &str) -> &str {
    name.rfind('.').map_or(name, |i| &name[..i])
}

/// Last path component: `a/b/c.md` → `c.md`.
pub(crate) fn file_name_of(path: &str) -> &str {
    path.rfind('/').map_or(path, |i| &path[i + 1..])
}

/// A link written in a note, after `enrich::links` resolved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub(crate) href: String,
    /// An `http(s)` link: listed among the page's references.
    pub(crate) external: bool,
    /// Why the link may not work, for a warning at the link's line.
    pub(crate) problem: Option<String>,
    /// The site path the link aims at, found or not (None for external and same-page links):
    /// a rebuild re-renders the pages aiming at a path when what is there changes.
    pub(crate) target: Option<String>,
}

/// One line of a page's generated table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct TocEntry {
    /// The question number (1-based) when the heading is one of the page's study questions.
    pub question: Option<usize>,
    /// 1 for the page's top heading level.
    pub depth: u8,
    /// The heading's id, the `#fragment` the entry links to.
    pub id: String,
    /// The heading's plain text, markup removed.
    pub title: String,
}

/// An external link of a page, for its References section.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Reference {
    /// The external address the link goes to.
    pub href: String,
    /// Percent-decoded, without the scheme.
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counting from the bytes gives what reading every character gives, on random texts of
    /// ASCII, the first and last Hangul syllables and their neighbours, jamo and other letters.
    #[test]
    fn letters_counted_from_bytes_are_those_counted_by_characters() {
        let pieces = [
            "a", "Z", "1", " ", ".", "\n", "가", "힣", "각", "한", "\u{ABFF}", "\u{D7A4}", "\u{D7B0}", "\u{D7FB}",
            "\u{A000}", "\u{AFFF}", "\u{B000}", "\u{CFFF}", "\u{D000}", "\u{D79F}", "ᄀ", "ㄱ", "é", "中", "😀", "·",
        ];
        let mut next = crate::text::random_below(0x3C6E_F372_FE94_F82B);
        let mut mixed = 0;
        for round in 0..20_000 {
            let text: String = (0..next(12)).map(|_| pieces[next(pieces.len())]).collect();
            let (mut fast, mut plain) = (Letters::default(), Letters::default());
            fast.count(&text);
            plain.count_by_characters(&text);
            assert_eq!(fast, plain, "round {round}: {text:?}");
            mixed += usize::from(fast.hangul > 0 && fast.all > fast.hangul);
        }
        assert!(mixed > 1_000, "too few texts with Hangul and other letters: {mixed}");
        // Hangul only, the case counted from the bytes alone.
        let mut only = Letters::default();
        only.count("가힣 한글 ab");
        assert_eq!(only, Letters { hangul: 4, all: 6 });
    }

    /// `Letters::count` as each character says, by a reading of its own (not the fallback
    /// `count_by_characters`, which the test above holds the byte counting to).
    fn letters_of(text: &str) -> Letters {
        let mut letters = Letters::default();
        for c in text.chars() {
            letters.all += usize::from(c.is_alphabetic() || is_hangul(c));
            letters.hangul += usize::from(is_hangul(c));
        }
        letters
    }

    #[test]
    fn letters_are_counted_as_each_character_says() {
        let mut counted = Letters::default();
        counted.count("Hash 맵은 O(1)! ㄱㅏ ᄀ é中 3.14 🎉");
        assert_eq!(counted, Letters { hangul: 5, all: 12 });
        // Random mixes of ASCII, Hangul, other letters and other characters.
        const PIECES: &[&str] =
            &["a", "Z", " ", "1", "!", "\n", "가", "힣", "ㅎ", "ᄀ", "é", "中", "ß", "🎉", "·", "\u{d7b0}", "\u{3130}"];
        let mut random = crate::text::random_below(25);
        for _ in 0..2000 {
            let text: String = (0..random(12)).map(|_| PIECES[random(PIECES.len())]).collect();
            let mut counted = Letters::default();
            counted.count(&text);
            assert_eq!(counted, letters_of(&text), "{text:?}");
        }
    }

    #[test]
    fn a_readme_is_the_folder_page_and_an_index_md_beside_it_is_a_note() {
        assert!(is_index_note("net/README.md", true));
        assert!(is_index_note("net/readme.md", true));
        assert!(!is_index_note("net/index.md", true));
        assert!(is_index_note("net/index.md", false));
        assert!(!is_index_note("net/tcp.md", false));
        assert_eq!(note_url("net/index.md", false), "net/index.md.html");
        assert_eq!(note_url("Index.md", false), "Index.md.html");
        assert_eq!(note_url("net/index.md", true), "net/index.html");
        assert_eq!(note_url("net/README.md", true), "net/index.html");
        assert_eq!(note_url("net/tcp.md", false), "net/tcp.html");
    }

    #[test]
    fn headings_questions_and_terms_give_back_their_strings() {
        let h = Heading::new(2, "1번-문제", "1번 문제", 7);
        assert_eq!((h.level, h.id(), h.text(), h.line), (2, "1번-문제", "1번 문제", 7));
        let headings = [Heading::new(2, "1번-문제", " 1번 문제", 3), Heading::new(3, "q-tcp란", "Q. TCP란?", 4)];
        let kind = QuestionKind::Heading { index: 1, close_level: 2 };
        let q = Question::new(kind, "q-tcp란", "TCP란?", Some("1번 문제"), 4, &headings);
        let read = |q: &Question| {
            (q.anchor(&headings).to_string(), q.text(&headings).to_string(), q.label(&headings).map(str::to_string))
        };
        assert_eq!(read(&q), ("q-tcp란".into(), "TCP란?".into(), Some("1번 문제".into())));
        assert_eq!(
            (q.words.clone(), q.label.clone()),
            (QuestionWords::InHeading { start: 3, end: 10 }, Label::Heading(0))
        );
        // Words its headings do not hold are the question's own.
        let own = Question::new(kind, "q-other", "TCP란?", Some("2번 문제"), 4, &headings);
        assert_eq!(read(&own), ("q-other".into(), "TCP란?".into(), Some("2번 문제".into())));
        let details = Question::new(QuestionKind::Details { offset: 0 }, "q-tcp란", "TCP란?", None, 9, &headings);
        assert_eq!(read(&details), ("q-tcp란".into(), "TCP란?".into(), None));
        assert!(matches!(details.words, QuestionWords::Own(_)));
        let empty_label = Question::new(kind, "q-tcp란", "TCP란?", Some(""), 4, &headings);
        assert_eq!(empty_label.label(&headings), Some(""));
        assert_ne!(empty_label, q);
        let t = Term::new("코루틴", "중단했다 이어서 실행할 수 있는 함수", "term-코루틴", 40, 12, true);
        assert_eq!(
            (t.term(), t.definition(), t.id()),
            ("코루틴", "중단했다 이어서 실행할 수 있는 함수", "term-코루틴")
        );
        assert_eq!((t.offset, t.line, t.html_dt), (40, 12, true));
    }

    #[test]
    fn reserved_outputs_ignore_letter_case() {
        assert_eq!(reserved_output("nav.js"), Some("the site's navigation"));
        assert_eq!(reserved_output("NAV.JS"), Some("the site's navigation"));
        assert_eq!(reserved_output("404.html"), Some("the not-found page"));
        assert_eq!(reserved_output("Static/x.png"), Some("the theme's files"));
        assert_eq!(reserved_output("a/nav.js"), None);
        assert_eq!(reserved_output("static.html"), None);
    }
}
