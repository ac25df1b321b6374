//! Where a link written in a note really goes: other notes (`../Network/README.md#tcp`),
//! folders, assets and heading anchors, made to work the way they do on GitHub.

use crate::markdown::slug::github_slug;
use crate::model::{Note, PageRef, RepoLink, Repository, Resolved, Site};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};
use unicode_normalization::UnicodeNormalization;

/// Characters escaped in the path part of a generated href.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^')
    .add(b'[')
    .add(b']');

/// Percent-encode a site path for use in an href (borrowed when nothing needs encoding).
pub(crate) fn encode_path(path: &str) -> std::borrow::Cow<'_, str> {
    utf8_percent_encode(path, PATH).into()
}

/// `../` once per folder between a page and the site root.
pub(crate) fn root_prefix(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// Shortest relative path from the page at `from` to the site path `to`, both from the root:
/// `a/b/x.html` → `a/c/y.png` is `../c/y.png`; a page links to itself by its file name.
pub(crate) fn relative_path(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs.iter().zip(&to_parts[..to_parts.len() - 1]).take_while(|(a, b)| a == b).count();
    // The parts after the common folders are the end of `to` as it is.
    let rest = &to[to_parts[..common].iter().map(|p| p.len() + 1).sum::<usize>()..];
    let ups = from_dirs.len() - common;
    // Made at its length: grown from the `../`s it was copied again.
    let mut out = String::with_capacity(3 * ups + rest.len());
    for _ in 0..ups {
        out.push_str("../");
    }
    out.push_str(rest);
    out
}

/// Resolve `dest` as written in the note `from`. Links to the files of the notes' own
/// repository on GitHub (`repository`) go to their pages here when the site has them.
pub(crate) fn resolve(site: &Site, from: usize, dest: &str, repository: Option<&Repository>) -> Resolved {
    let plain = |href: &str, external: bool| Resolved { href: href.to_string(), external, problem: None, target: None };
    if dest.is_empty() {
        return plain(dest, false);
    }
    if has_scheme(dest) || dest.starts_with("//") {
        if let Some(local) =
            repository.and_then(|r| r.link(dest)).and_then(|link| resolve_repo_link(site, from, dest, link))
        {
            return local;
        }
        let lower = dest.to_ascii_lowercase();
        return plain(dest, lower.starts_with("http://") || lower.starts_with("https://") || dest.starts_with("//"));
    }
    let note = &site.notes[from];
    let (before_fragment, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let (path, query) = match before_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_fragment, None),
    };
    if path.is_empty() {
        return match fragment.map(|f| fragment_id(note, f)) {
            Some(Ok(id)) => plain(&format!("#{id}"), false),
            Some(Err(problem)) => {
                Resolved { href: dest.to_string(), external: false, problem: Some(problem), target: None }
            }
            None => plain(dest, false),
        };
    }
    let decoded = decode(path);
    let Some(target) = join(note.folder(), &decoded) else {
        return broken(dest, format!("link `{dest}` points outside the notes folder"), None);
    };
    resolve_in_site(site, from, dest, &target, decoded.ends_with('/'), query, fragment)
}

/// A link to the notes' repository on GitHub, made a link to the page here: the first of its
/// candidate paths that the site has (a missing anchor there is warned as for any link); None,
/// and the link stays external, when the site has none of them.
fn resolve_repo_link(site: &Site, from: usize, dest: &str, link: RepoLink) -> Option<Resolved> {
    let target: String =
        link.paths.iter().map(|p| p.nfc().collect::<String>()).find(|p| lookup(site, p, link.folder).is_some())?;
    Some(resolve_in_site(site, from, dest, &target, link.folder, None, link.fragment.as_deref()))
}

/// Resolve the site path `target` (from the notes folder, decoded) that the link `dest` of note
/// `from` names, with its query and fragment as written.
fn resolve_in_site(
    site: &Site,
    from: usize,
    dest: &str,
    target: &str,
    wants_folder: bool,
    query: Option<&str>,
    fragment: Option<&str>,
) -> Resolved {
    let note = &site.notes[from];
    let Some((page_or_asset, exact)) = lookup(site, target, wants_folder) else {
        return broken(dest, format!("broken link: `{dest}`: no such note or file"), Some(target.to_string()));
    };
    let mut problem = (!exact).then(|| format!("link `{dest}` matches a file only when letter case is ignored"));
    let target_path = match &page_or_asset {
        Found::Page(page) => site.url_of(*page),
        Found::Asset(asset) => asset.clone(),
    };
    let mut href = encode_path(&relative_path(&note.url, &target_path)).into_owned();
    if let Some(q) = query {
        href.push('?');
        href.push_str(q);
    }
    if let Some(f) = fragment {
        let id = match page_or_asset {
            Found::Page(PageRef::Note(n)) => fragment_id(&site.notes[n], f).unwrap_or_else(|p| {
                problem.get_or_insert(format!("link `{dest}`: {p}"));
                f.to_string()
            }),
            _ => f.to_string(),
        };
        href.push('#');
        href.push_str(&id);
    }
    let target = match page_or_asset {
        Found::Page(PageRef::Note(n)) => site.notes[n].source.clone(),
        Found::Page(page) => site.url_of(page),
        Found::Asset(asset) => asset,
    };
    Resolved { href, external: false, problem, target: Some(target) }
}

fn broken(dest: &str, problem: String, target: Option<String>) -> Resolved {
    Resolved { href: dest.to_string(), external: false, problem: Some(problem), target }
}

enum Found {
    Page(PageRef),
    Asset(String),
}

/// Find what a site path names: a note, a folder's page, an asset, or a note named without
/// its `.md` (or with the `.html` it is published as). The flag is false for a case-blind match.
fn lookup(site: &Site, target: &str, wants_folder: bool) -> Option<(Found, bool)> {
    let target = target.trim_end_matches('/');
    let note = |path: &str| site.find_note(path).map(|(n, exact)| (Found::Page(PageRef::Note(n)), exact));
    let section = |path: &str| site.find_section(path).map(|(s, exact)| (Found::Page(site.section_page(s)), exact));
    if wants_folder {
        return section(target);
    }
    let stem = target.strip_suffix(".html").unwrap_or(target);
    note(target)
        .or_else(|| section(target))
        .or_else(|| site.find_asset(target).map(|(a, exact)| (Found::Asset(a.to_string()), exact)))
        .or_else(|| note(&format!("{stem}.md")))
        .or_else(|| target.ends_with("index.html").then(|| section(crate::model::parent_of(target))).flatten())
}

/// The id on `note` that a `#fragment` means. GitHub matches ids exactly after decoding, and
/// people write fragments by hand with other letter case (`#Duck-Typing`) or as heading text.
fn fragment_id(note: &Note, fragment: &str) -> Result<String, String> {
    if fragment.is_empty() || note.has_id(fragment) {
        return Ok(fragment.to_string());
    }
    let decoded: String = decode(fragment);
    if note.has_id(&decoded) {
        return Ok(decoded);
    }
    let lower = decoded.to_lowercase();
    let slug = github_slug(&decoded);
    let all_ids = note.headings.iter().map(|h| h.id()).chain(note.extra_ids.iter().map(String::as_str));
    for id in all_ids {
        if id.to_lowercase() == lower || id == slug {
            return Ok(id.to_string());
        }
    }
    Err(format!("no heading `#{fragment}` in {}", note.source))
}

/// Percent-decoded and NFC-normalised, when the bytes are UTF-8.
fn decode(s: &str) -> String {
    let decoded = percent_decode_str(s).decode_utf8().map(|c| c.into_owned()).unwrap_or_else(|_| s.to_string());
    decoded.nfc().collect()
}

/// `folder` + relative `path` → normalised site path; None when it climbs above the root.
/// A leading `/` means the notes folder's root, as on GitHub.
fn join(folder: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> =
        if path.starts_with('/') { vec![] } else { folder.split('/').filter(|p| !p.is_empty()).collect() };
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else { return false };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Heading;

    fn note(source: &str, ids: &[&str]) -> Note {
        let is_index = source.ends_with("README.md");
        Note {
            source: source.into(),
            url: crate::model::note_url(source, is_index),
            title: source.into(),
            description: None,
            weight: None,
            body: Default::default(),
            preparation: None,
            lead: String::new(),
            body_line: 1,
            title_heading: None,
            headings: ids.iter().map(|id| Heading::new(2, id, id, 1)).collect(),
            extra_ids: vec![],
            is_index,
            title_written: true,
            letters: Default::default(),
            code_language: None,
            dates: Default::default(),
            links: vec![],
            study: Default::default(),
        }
    }

    fn site() -> Site {
        let notes = vec![
            note("README.md", &[]),
            note("Computer Science/Network/README.md", &["tcp", "udp"]),
            note("Language/Python.md", &["duck-typing", "1번-문제", "timsort--python의-내부-sort"]),
            note("Language/Java.md", &[]),
        ];
        let assets = vec!["Language/img/GC 구조.PNG".to_string(), "resources/slides.pdf".to_string()];
        Site::assemble(notes, assets, None, "notes")
    }

    fn href(from: usize, dest: &str) -> Resolved {
        resolve(&site(), from, dest, None)
    }

    #[test]
    fn relative_note_links_with_fragments() {
        let r = href(2, "../Computer%20Science/Network/README.md#tcp");
        assert_eq!(r.href, "../Computer%20Science/Network/index.html#tcp");
        assert_eq!(r.problem, None);
        assert_eq!(r.target.as_deref(), Some("Computer Science/Network/README.md"));
        assert_eq!(href(3, "Python.md#1번-문제").href, "Python.html#1번-문제");
        assert_eq!(href(0, "Language/Java.md").href, "Language/Java.html");
        assert_eq!(href(0, "./Computer Science/Network/").href, "Computer%20Science/Network/index.html");
        assert_eq!(href(0, "/Language/Java").href, "Language/Java.html");
    }

    #[test]
    fn relative_paths_are_shortest() {
        assert_eq!(relative_path("a/b/x.html", "a/c/y.png"), "../c/y.png");
        assert_eq!(relative_path("a/x.html", "a/y.html"), "y.html");
        assert_eq!(relative_path("x.html", "a/b/y.html"), "a/b/y.html");
        assert_eq!(relative_path("a/b/x.html", "y.html"), "../../y.html");
        assert_eq!(relative_path("a/x.html", "a/x.html"), "x.html");
    }

    #[test]
    fn fragments_match_like_github_and_more() {
        assert_eq!(href(2, "#Duck-Typing").href, "#duck-typing");
        assert_eq!(href(2, "#1%EB%B2%88-%EB%AC%B8%EC%A0%9C").href, "#1번-문제");
        assert_eq!(href(2, "#Timsort : Python의 내부 sort").href, "#timsort--python의-내부-sort");
        let missing = href(2, "#nope");
        assert!(missing.problem.unwrap().contains("#nope"));
        assert_eq!(missing.href, "#nope");
    }

    #[test]
    fn assets_keep_their_paths() {
        assert_eq!(href(2, "img/GC 구조.PNG").href, "img/GC%20%EA%B5%AC%EC%A1%B0.PNG");
        assert_eq!(href(0, "resources/slides.pdf").href, "resources/slides.pdf");
        let case_blind = href(0, "resources/SLIDES.pdf");
        assert_eq!(case_blind.href, "resources/slides.pdf");
        assert!(case_blind.problem.is_some());
    }

    #[test]
    fn broken_and_outside_links_warn_and_stay() {
        let r = href(3, "Moved.md");
        assert_eq!(r.href, "Moved.md");
        assert_eq!(
            r.target.as_deref(),
            Some("Language/Moved.md"),
            "kept so creating the note later re-renders this page"
        );
        assert!(r.problem.unwrap().contains("broken link"));
        assert!(href(0, "../../etc/passwd").problem.unwrap().contains("outside"));
        assert!(href(2, "Python.md#없는-제목").problem.is_some());
    }

    #[test]
    fn external_links_are_untouched() {
        let r = href(0, "https://velog.io/@a/%EB%B8%94");
        assert!(r.external);
        assert_eq!(r.href, "https://velog.io/@a/%EB%B8%94");
        let mail = href(0, "mailto:me@example.com");
        assert!(!mail.external);
        assert_eq!(mail.problem, None);
    }
}
