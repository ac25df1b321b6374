//! Parsed notes of the last build (`NoteCache`): a note whose bytes, path, place (a folder's page
//! or not) and question patterns are all unchanged is taken as it was parsed, instead of being
//! parsed again. Its body is not stored: it is the end of the note's own text, cut where the
//! record says.

use super::{key_of, put_len, put_opt_str, put_str, utf8, Fields, Store};
use crate::diagnostics::Diagnostic;
use crate::model::{
    Dates, Found, Heading, Letters, Mark, Marked, Note, NoteStudy, Preparation, Question, QuestionKind, Term,
    WrittenLink,
};
use std::path::Path;

/// The note cache's file in the cache folder.
const NOTES_FILE: &str = "notes.bin";

/// Parsed notes of the last build, and those of this one.
pub struct NoteCache(Store);

impl NoteCache {
    /// No cache: every note is parsed, nothing is kept.
    pub fn none() -> NoteCache {
        NoteCache(Store::none(NOTES_FILE))
    }

    /// The note cache of `folder` (None: no cache), empty when its file is missing or unsound.
    pub fn open(folder: Option<&Path>) -> NoteCache {
        NoteCache(Store::open(folder, NOTES_FILE))
    }

    /// The note `parse` makes of `bytes`, taken from the cache when the same bytes were parsed
    /// in the same `context` (everything else the parse depends on: the note's path, whether it
    /// is a folder's page, the question patterns). Problems and drafts are not kept: they are
    /// found again.
    pub fn parse(
        &self,
        context: &[&[u8]],
        bytes: &[u8],
        parse: impl FnOnce() -> Result<Option<Note>, Diagnostic>,
    ) -> Result<Option<Note>, Diagnostic> {
        if !self.0.is_on() {
            return parse();
        }
        let mut parts = vec![&b"note"[..], bytes];
        parts.extend_from_slice(context);
        let key = key_of(&parts);
        if let Some(note) = self.0.take(key, |record| decode(record, bytes)) {
            return Ok(Some(note));
        }
        let parsed = parse()?;
        if let Some(note) = &parsed {
            if let Some(record) = encode(note, bytes) {
                self.0.put(key, record);
            }
        }
        Ok(parsed)
    }

    /// Notes taken from the cache, and notes parsed and kept, so far.
    pub fn counts(&self) -> (usize, usize) {
        self.0.counts()
    }

    /// Keep the notes this build used or parsed for the next build.
    pub fn save(self) -> std::io::Result<()> {
        self.0.save()
    }
}

/// The note's text as every parse reads it (`pipeline::parse_note_with`): UTF-8, controls
/// replaced. None for bytes that are not UTF-8 (never kept: such a note is an error).
fn cleaned(bytes: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    utf8(bytes).map(crate::text::without_controls)
}

/// A parsed note as bytes; the body as where it starts in the note's cleaned text. None when the
/// body is not the end of that text (then the note is not kept).
fn encode(note: &Note, bytes: &[u8]) -> Option<Vec<u8>> {
    // Every field by name: a field added to `Note` does not compile until it is kept here too.
    let Note {
        source,
        url,
        title,
        description,
        weight,
        body,
        preparation,
        lead,
        body_line,
        headings,
        title_heading,
        extra_ids,
        links,
        is_index,
        title_written,
        letters,
        code_language,
        study,
        dates,
    } = note;
    let text = cleaned(bytes)?;
    // A body let go (`model::Body::let_go`) is not here to check: such a note is not kept.
    if body.file().is_some() {
        return None;
    }
    let body_start = text.len().checked_sub(body.len()).filter(|&at| text.get(at..) == Some(&**body))?;
    let mut w = Vec::with_capacity(256);
    // Whether the bytes had no control to replace: then the next build need not look for them.
    w.push(u8::from(matches!(text, std::borrow::Cow::Borrowed(_))));
    put_len(&mut w, body_start);
    put_len(&mut w, text.len());
    put_str(&mut w, source);
    put_str(&mut w, url);
    put_str(&mut w, title);
    put_opt_str(&mut w, description.as_deref());
    match weight {
        None => w.push(0),
        Some(x) => {
            w.push(1);
            w.extend(x.to_le_bytes());
        }
    }
    put_str(&mut w, lead);
    put_len(&mut w, *body_line);
    put_len(&mut w, headings.len());
    for heading in headings {
        w.push(heading.level);
        put_str(&mut w, heading.id());
        put_str(&mut w, heading.text());
        put_len(&mut w, heading.line);
    }
    put_opt_len(&mut w, *title_heading);
    put_len(&mut w, extra_ids.len());
    extra_ids.iter().for_each(|id| put_str(&mut w, id));
    put_len(&mut w, links.len());
    for WrittenLink { dest, listed } in links {
        put_str(&mut w, dest);
        w.push(u8::from(*listed));
    }
    w.push(u8::from(*is_index));
    w.push(u8::from(*title_written));
    let Letters { hangul, all } = letters;
    put_len(&mut w, *hangul);
    put_len(&mut w, *all);
    put_opt_str(&mut w, *code_language);
    let NoteStudy { questions, terms } = study;
    put_len(&mut w, questions.len());
    for question in questions {
        match &question.kind {
            QuestionKind::Heading { index, close_level } => {
                w.push(0);
                put_len(&mut w, *index);
                w.push(*close_level);
            }
            QuestionKind::Details { offset } => {
                w.push(1);
                put_len(&mut w, *offset);
            }
        }
        put_str(&mut w, question.anchor(headings));
        put_str(&mut w, question.text(headings));
        put_opt_str(&mut w, question.label(headings));
        put_len(&mut w, question.line);
        // Where its words were found, so they are not looked for again.
        let Found { text, label } = question.found();
        put_opt_len(&mut w, text.map(|(start, _)| start as usize));
        put_opt_len(&mut w, text.map(|(_, end)| end as usize));
        put_opt_len(&mut w, label.map(|j| j as usize));
    }
    put_len(&mut w, terms.len());
    for term in terms {
        put_str(&mut w, term.term());
        put_str(&mut w, term.definition());
        put_len(&mut w, term.offset);
        put_str(&mut w, term.id());
        put_len(&mut w, term.line);
        w.push(u8::from(term.html_dt));
    }
    let Dates { published, updated } = dates;
    put_opt_str(&mut w, published.as_deref());
    put_opt_str(&mut w, updated.as_deref());
    put_preparation(&mut w, preparation.as_deref());
    Some(w)
}

/// What `markdown::prepare` made of the body: its rewritten text too (most notes have none).
fn put_preparation(w: &mut Vec<u8>, preparation: Option<&Preparation>) {
    let Some(Preparation { text, marks, problems, mdx, components }) = preparation else {
        w.push(0);
        return;
    };
    w.push(1);
    put_opt_str(w, text.as_deref());
    put_len(w, marks.len());
    for Mark { line, what, written } in marks {
        put_len(w, line.start);
        put_len(w, line.end);
        w.push(match what {
            Marked::Open => 0,
            Marked::Close => 1,
            Marked::LazyHtml => 2,
        });
        put_str(w, written);
    }
    put_len(w, problems.len());
    for (line, message) in problems {
        put_len(w, *line);
        put_str(w, message);
    }
    w.push(u8::from(*mdx));
    put_len(w, components.len());
    components.iter().for_each(|c| put_str(w, c));
}

/// `put_preparation` undone.
fn preparation(r: &mut Fields) -> Option<Option<Box<Preparation>>> {
    if !r.flag()? {
        return Some(None);
    }
    let text = r.opt_string()?;
    let mark = |r: &mut Fields| {
        let line = r.usize()?..r.usize()?;
        let what = match r.byte()? {
            0 => Marked::Open,
            1 => Marked::Close,
            2 => Marked::LazyHtml,
            _ => return None,
        };
        Some(Mark { line, what, written: r.string()? })
    };
    let marks = r.list(mark)?;
    let problems = r.list(|r| Some((r.usize()?, r.string()?)))?;
    let (mdx, components) = (r.flag()?, r.list(Fields::string)?);
    Some(Some(Box::new(Preparation { text, marks, problems, mdx, components })))
}

fn put_opt_len(w: &mut Vec<u8>, n: Option<usize>) {
    match n {
        None => w.push(0),
        Some(n) => {
            w.push(1);
            put_len(w, n);
        }
    }
}

/// `encode` undone, with the body cut from the note's `bytes`; None for a record it cannot have
/// made for these bytes.
fn decode(record: &[u8], bytes: &[u8]) -> Option<Note> {
    let mut r = Fields::new(record);
    let (raw, body_start, text_len) = (r.flag()?, r.usize()?, r.usize()?);
    // The same bytes have the same controls (none, when `raw`).
    let text = if raw { utf8(bytes)?.into() } else { cleaned(bytes)? };
    if text.len() != text_len {
        return None;
    }
    let body = crate::model::Body::new(text.get(body_start..)?, body_start);
    let opt_len = |r: &mut Fields| match r.flag()? {
        false => Some(None),
        true => r.usize().map(Some),
    };
    let weight = |r: &mut Fields| match r.flag()? {
        false => Some(None),
        true => Some(Some(i64::from_le_bytes(r.take(8)?.try_into().ok()?))),
    };
    let code_language = |r: &mut Fields| match r.flag()? {
        false => Some(None),
        // The language's own name, as the highlighter spells it (a name it does not know is
        // not taken).
        true => static_language(r.str()?).map(Some),
    };
    // Fields in the order `encode` wrote them (a struct literal is evaluated in the order
    // written); the headings first, which the questions are read against.
    let (source, url, title, description, weight) =
        (r.string()?, r.string()?, r.string()?, r.opt_string()?, weight(&mut r)?);
    let (lead, body_line) = (r.string()?, r.usize()?);
    let headings = r.list(|r| Some(Heading::new(r.byte()?, r.str()?, r.str()?, r.usize()?)))?;
    let question = |r: &mut Fields| {
        let kind = match r.byte()? {
            0 => QuestionKind::Heading { index: r.usize()?, close_level: r.byte()? },
            1 => QuestionKind::Details { offset: r.usize()? },
            _ => return None,
        };
        let (anchor, text) = (r.str()?, r.str()?);
        let label = match r.flag()? {
            false => None,
            true => Some(r.str()?),
        };
        let line = r.usize()?;
        let u32_of = |n: Option<usize>| n.and_then(|n| u32::try_from(n).ok());
        let (start, end, label_at) = (u32_of(opt_len(r)?), u32_of(opt_len(r)?), u32_of(opt_len(r)?));
        let found = Found { text: start.zip(end), label: label_at };
        Some(Question::found_before(kind, (anchor, text, label), line, &headings, found))
    };
    let term = |r: &mut Fields| {
        let (term, definition, offset, id) = (r.str()?, r.str()?, r.usize()?, r.str()?);
        Some(Term::new(term, definition, id, offset, r.usize()?, r.flag()?))
    };
    let note = Note {
        source,
        url,
        title,
        description,
        weight,
        body,
        lead,
        body_line,
        title_heading: opt_len(&mut r)?,
        extra_ids: r.list(Fields::string)?,
        links: r.list(|r| Some(WrittenLink { dest: r.string()?, listed: r.flag()? }))?,
        is_index: r.flag()?,
        title_written: r.flag()?,
        letters: Letters { hangul: r.usize()?, all: r.usize()? },
        code_language: code_language(&mut r)?,
        study: NoteStudy { questions: r.list(question)?, terms: r.list(term)? },
        dates: Dates { published: r.opt_string()?, updated: r.opt_string()? },
        preparation: preparation(&mut r)?,
        headings,
    };
    r.is_done().then_some(note)
}

/// The highlighter's own `&'static` name of the language `name` names, if it is one.
fn static_language(name: &str) -> Option<&'static str> {
    crate::highlight::note_language([name], &[]).filter(|&known| known == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::questions::Rules;
    use crate::pipeline::parse_note_with;

    /// Notes that exercise every field: front matter (title, description, weight, dates), a
    /// title heading, questions of both kinds, terms, raw HTML ids, footnotes, links, code of a
    /// language, control characters, a BOM and CRLF line ends.
    fn samples() -> Vec<(&'static str, String, bool)> {
        let mut notes = vec![
            ("a.md", "# 제목\n\n첫 문단.\n\n## Q. 왜?\n\n답.\n\n### 세부\n\n> **'코루틴'**: 가벼운 스레드\n".to_string(), false),
            (
                "b/README.md",
                "---\ntitle: 'B :memo:'\ndescription: 설명\nweight: -3\ndate: 2024-03-01\nupdated: 2024-03-02T09:30:00+09:00\n---\n- [x](./x.md)\n- [y](y.md#h)\n\n본문 [a](../a.md)\n"
                    .to_string(),
                true,
            ),
            (
                "c/code.md",
                "\u{feff}# Code\r\n\r\n```python\r\nx = 1\r\n```\r\n\r\n<details><summary>Q. 질문?</summary>\r\n\r\n답\r\n</details>\r\n"
                    .to_string(),
                false,
            ),
            (
                "d.md",
                "text\u{1}with\u{7f}controls[^1]\n\n<a id=\"raw\"></a>\n\n<dl><dt>용어</dt><dd>뜻</dd></dl>\n\n[^1]: note\n".to_string(),
                false,
            ),
            ("e.md", "+++\ntitle = \"TOML\"\n+++\n## 1번 문제\n\n### Q. 하나?\n\n- **load factor** : 비율\n".to_string(), false),
            // What `prepare` rewrites (kept with the note): an MDX import and component, a
            // callout, an HTML line after a list, an unclosed fence.
            (
                "f.mdx.md",
                "import A from './a';\n\n<Tabs>\n  본문\n</Tabs>\n\n:::tip 제목\n- 항목\n<br>\n:::\n\n:::note\n".to_string(),
                false,
            ),
        ];
        // And the sample site's notes.
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        for entry in walkdir::WalkDir::new(content).into_iter().flatten() {
            if entry.path().extension().is_some_and(|x| x == "md") {
                let is_index = entry.file_name() == "README.md";
                notes.push(("content.md", std::fs::read_to_string(entry.path()).unwrap(), is_index));
            }
        }
        assert!(notes.len() > 10);
        notes
    }

    #[test]
    fn a_kept_note_is_the_note_parsed() {
        let rules = Rules::new(&["^Q".to_string()]).unwrap();
        for (source, text, is_index) in samples() {
            let parsed = parse_note_with(source, text.as_bytes(), is_index, &rules).unwrap().unwrap();
            let record = encode(&parsed, text.as_bytes()).expect("the body is the end of the text");
            let kept = decode(&record, text.as_bytes()).expect("a record decodes");
            if source == "f.mdx.md" {
                let marks = parsed.preparation.as_ref().map_or(0, |p| p.marks.len());
                assert_eq!(marks, 3, "{:?}", parsed.preparation);
            }
            assert_eq!(format!("{kept:?}"), format!("{parsed:?}"), "{source}");
            // Every byte is read: a record cut short, or with a byte more, is refused.
            assert!(decode(&record[..record.len() - 1], text.as_bytes()).is_none());
            assert!(decode(&[record.as_slice(), &[0]].concat(), text.as_bytes()).is_none());
            // Bytes of another length (another text the key failed to tell apart) are refused.
            assert!(decode(&record, format!("{text} ").as_bytes()).is_none());
        }
    }

    #[test]
    fn where_a_question_was_found_is_taken_only_where_it_still_holds() {
        let rules = Rules::new(&["^Q".to_string()]).unwrap();
        let text = "# T\n\n## 1번 문제\n\n### Q. 하나?\n\n답\n\n## Q. 둘, Q. 둘?\n\n### 1번 문제\n\n### Q. 셋?\n";
        let note = parse_note_with("q.md", text.as_bytes(), false, &rules).unwrap().unwrap();
        let (questions, headings) = (&note.study.questions, &note.headings);
        assert!(
            questions.iter().any(|q| q.found().text.is_some()) && questions.iter().any(|q| q.found().label.is_some())
        );
        for q in questions {
            let (anchor, text, label) = (q.anchor(headings), q.text(headings), q.label(headings));
            let again = |found| Question::found_before(q.kind, (anchor, text, label), q.line, headings, found);
            assert_eq!(again(q.found()), *q, "what was found is taken");
            // Found elsewhere (a value the checks let through): what does not hold is looked for
            // again, and the question reads the same.
            let len = headings.len() as u32;
            for stale in [(0, 1), (1, 3), (0, 0), (u32::MAX - 1, u32::MAX)] {
                for label_at in [Some(0), Some(len - 1), Some(len), Some(u32::MAX), None] {
                    let taken = again(Found { text: Some(stale), label: label_at });
                    let read = (taken.anchor(headings), taken.text(headings), taken.label(headings));
                    assert_eq!(read, (anchor, text, label), "{stale:?} {label_at:?}");
                }
            }
        }
    }

    #[test]
    fn notes_are_taken_only_for_the_same_bytes_and_context() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join(super::super::DIR);
        let rules = Rules::default();
        let parse_in = |cache: &NoteCache, source: &str, text: &str, context: &[u8]| {
            cache.parse(&[source.as_bytes(), context], text.as_bytes(), || {
                parse_note_with(source, text.as_bytes(), false, &rules)
            })
        };
        let cold = NoteCache::open(Some(&folder));
        let first = parse_in(&cold, "a.md", "# A\n\ntext\n", b"x").unwrap().unwrap();
        assert!(parse_in(&cold, "draft.md", "---\ndraft: true\n---\n", b"x").unwrap().is_none());
        assert!(parse_in(&cold, "bad.md", "---\ntitle: [\n---\n", b"x").is_err());
        assert_eq!(cold.counts(), (0, 1), "drafts and problems are not kept");
        cold.save().unwrap();
        let warm = NoteCache::open(Some(&folder));
        let again = parse_in(&warm, "a.md", "# A\n\ntext\n", b"x").unwrap().unwrap();
        assert_eq!(format!("{again:?}"), format!("{first:?}"));
        assert_eq!(warm.counts(), (1, 0));
        let other = parse_in(&warm, "a.md", "# A\n\ntext!\n", b"x").unwrap().unwrap();
        assert_eq!(&*other.body, "# A\n\ntext!\n");
        parse_in(&warm, "a.md", "# A\n\ntext\n", b"y").unwrap();
        assert_eq!(warm.counts(), (1, 2), "other bytes or another context are parsed");
    }
}
