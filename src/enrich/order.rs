//! The order of each folder's notes and sub-folders: the order their authors mean, read from
//! what the notes already say. Pure functions over the assembled site; `enrich::assemble`
//! stores their result in `Section::items`, which the navigation, the folder pages and
//! previous/next follow.
//!
//! Within a folder, entries come in this order (each rule only breaks the ties of the ones before):
//! 1. **`weight`** from the front matter, lowest first (a sub-folder's is its index note's);
//!    entries without one come after every entry with one.
//! 2. **The index notes' lists of links.** Most notes repositories write their reading order as
//!    a list of links in a folder's README (`- [프로세스](./process.md)`, `- [네트워크](./Network/)`).
//!    The notes and sub-folders the folder's index note links to come first, in the order of
//!    their first link; a link to a note deeper down counts for the sub-folder holding it; links
//!    in lists and tables count before links in prose. What the folder's own index note does not
//!    order, the index notes above it that link into the folder do, nearest first (a top README
//!    that is the table of contents of the whole repository orders every folder it lists). Links
//!    that leave the folder count for nothing here; the entries no list links to follow. Absolute links into the notes' own GitHub
//!    repository (`https://github.com/me/notes/blob/main/OS/process.md`) count as the relative
//!    link they stand for: the repository is the one whose links land on notes most often.
//! 3. **The number people write first** in the title (`1. 소개`, `2) 본론`, `[3] …`, `4장`,
//!    `제5장`, `Part 1-2`, `Chapter 3`, `Q4.`), else in the file or folder name (`01_intro`,
//!    `5) Algorithm`), compared as numbers part by part (`Part 1-2` < `Part 1-5` < `Part 1-10`);
//!    entries without a number come after.
//! 4. Notes before sub-folders; then names in natural order (`2번` before `10번`, letter case
//!    ignored), then byte order, so the order never depends on the order files were found.

use crate::enrich::links;
use crate::model::{file_name_of, file_stem, Item, Note, PageRef, Site};
use std::cmp::Ordering;
use std::collections::HashMap;

/// Every section's notes and sub-folders in reading order, indexed like `site.sections`.
/// `site` must have its sections (in any order) and lookups.
pub(crate) fn section_items(site: &Site) -> Vec<Vec<Item>> {
    let ranks = link_ranks(site);
    (0..site.sections.len())
        .map(|s| {
            let section = &site.sections[s];
            let entries =
                section.notes.iter().map(|&n| Item::Note(n)).chain(section.children.iter().map(|&c| Item::Folder(c)));
            let mut keyed: Vec<(Key, Item)> = entries.map(|item| (Key::of(site, s, item, &ranks), item)).collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            keyed.into_iter().map(|(_, item)| item).collect()
        })
        .collect()
}

/// Whether the note's edit can move entries of any folder: its weight, the number its title
/// starts with, or (for an index note) its links changed.
pub(crate) fn inputs_differ(old: &Note, new: &Note) -> bool {
    old.weight != new.weight
        || title_number(old) != title_number(new)
        || ((old.is_index || new.is_index) && old.links != new.links)
}

/// Where an entry sorts within its folder (see the module doc).
#[derive(Debug)]
struct Key<'a> {
    weight: Option<i64>,
    rank: Option<Rank>,
    number: Option<Vec<u64>>,
    folder: bool,
    name: &'a str,
}

impl<'a> Key<'a> {
    fn of(site: &'a Site, s: usize, item: Item, ranks: &HashMap<(usize, Item), Rank>) -> Key<'a> {
        let (note, name) = match item {
            Item::Note(n) => (Some(&site.notes[n]), file_stem(file_name_of(&site.notes[n].source))),
            Item::Folder(c) => {
                (site.sections[c].index_note.map(|i| &site.notes[i]), file_name_of(&site.sections[c].path))
            }
        };
        Key {
            weight: note.and_then(|n| n.weight),
            rank: ranks.get(&(s, item)).copied(),
            number: note.and_then(title_number).or_else(|| name_number(name)),
            folder: matches!(item, Item::Folder(_)),
            name,
        }
    }

    fn cmp(&self, other: &Key) -> Ordering {
        some_first(&self.weight, &other.weight)
            .then_with(|| some_first(&self.rank, &other.rank))
            .then_with(|| some_first(&self.number, &other.number))
            .then_with(|| self.folder.cmp(&other.folder))
            .then_with(|| natural_cmp(self.name, other.name))
            .then_with(|| self.name.cmp(other.name))
    }
}

/// `Some` values in their order, before every `None`.
fn some_first<T: Ord>(a: &Option<T>, b: &Option<T>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// An entry's place in the link lists ordering its folder: how many folders above the folder
/// the index note sits (its own index note: 0), then the link's place in that note's list.
type Rank = (usize, usize);

/// For each folder and entry an index note links to (rule 2 of the module doc), its best rank.
/// Linear in the index notes' links times the depth of the folders they link into.
fn link_ranks(site: &Site) -> HashMap<(usize, Item), Rank> {
    let repo = own_repo(site);
    let mut ranks: HashMap<(usize, Item), Rank> = HashMap::new();
    for (s, section) in site.sections.iter().enumerate() {
        let Some(index) = section.index_note else { continue };
        let links = &site.notes[index].links;
        let listed_first = links.iter().filter(|l| l.listed).chain(links.iter().filter(|l| !l.listed));
        for (place, link) in listed_first.enumerate() {
            let Some(target) = target(site, index, &link.dest, repo.as_deref()) else { continue };
            // From the entry linked up to the linking note's folder: each folder on the way
            // gets the entry that leads there. A target outside the folder ranks nothing.
            let mut steps = Vec::new();
            let (mut item, mut at) = match target {
                Item::Note(n) => (Item::Note(n), site.section_of(PageRef::Note(n))),
                Item::Folder(f) => match site.sections[f].parent {
                    Some(parent) if f != s => (Item::Folder(f), parent),
                    _ => continue,
                },
            };
            let inside = loop {
                steps.push((at, item));
                if at == s {
                    break true;
                }
                match site.sections[at].parent {
                    Some(parent) => (item, at) = (Item::Folder(at), parent),
                    None => break false,
                }
            };
            if !inside {
                continue;
            }
            // The last step is the linking note's own folder: 0 folders above.
            let last = steps.len() - 1;
            for (k, (folder, item)) in steps.into_iter().enumerate() {
                let rank = (last - k, place);
                ranks.entry((folder, item)).and_modify(|r| *r = (*r).min(rank)).or_insert(rank);
            }
        }
    }
    ranks
}

/// The note or folder a link written in note `from` leads to, if any. An index note stands
/// for its folder.
fn target(site: &Site, from: usize, dest: &str, repo: Option<&str>) -> Option<Item> {
    let local;
    let dest = match github_path(dest) {
        Some((name, path)) if Some(name.as_str()) == repo => {
            local = format!("/{path}");
            local.as_str()
        }
        Some(_) => return None,
        None => dest,
    };
    let resolved = links::resolve(site, from, dest, None);
    if resolved.external {
        return None;
    }
    let target = resolved.target?;
    if let Some(&n) = site.note_by_source.get(&target) {
        return Some(match site.notes[n].is_index {
            true => Item::Folder(site.section_of(PageRef::Note(n))),
            false => Item::Note(n),
        });
    }
    let folder = target.strip_suffix("index.html")?.trim_end_matches('/');
    site.section_by_path.get(folder).map(|&s| Item::Folder(s))
}

/// The notes' own GitHub repository (its name, lower case): of the repositories that index
/// notes link into with `github.com/OWNER/NAME/blob|tree/REF/PATH`, the one whose links land on
/// notes or folders of this site most often. Matched by name alone, so links written under a
/// fork's or a former owner's name count too.
fn own_repo(site: &Site) -> Option<String> {
    let mut landed: HashMap<String, usize> = HashMap::new();
    for section in &site.sections {
        let Some(index) = section.index_note else { continue };
        for link in &site.notes[index].links {
            if let Some((name, path)) = github_path(&link.dest) {
                if target(site, index, &format!("/{path}"), None).is_some() {
                    *landed.entry(name).or_default() += 1;
                }
            }
        }
    }
    landed.into_iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0))).map(|(name, _)| name)
}

/// `https://github.com/OWNER/NAME/blob/REF/PATH` (or `tree`) → (NAME in lower case, PATH with
/// its query and fragment).
fn github_path(dest: &str) -> Option<(String, &str)> {
    let rest = strip_prefix_ignoring_case(dest, "https://").or_else(|| strip_prefix_ignoring_case(dest, "http://"))?;
    let rest = strip_prefix_ignoring_case(rest, "www.").unwrap_or(rest);
    let rest = strip_prefix_ignoring_case(rest, "github.com/")?;
    let mut parts = rest.splitn(5, '/');
    let (_owner, name, kind, _ref, path) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    (kind == "blob" || kind == "tree").then(|| (name.to_lowercase(), path))
}

/// The number a note's written title starts with (see `order_number`); None for a title made
/// from the file name, whose number `name_number` reads.
fn title_number(note: &Note) -> Option<Vec<u64>> {
    note.title_written.then(|| order_number(&note.title)).flatten()
}

/// The number a file or folder name starts with: an order prefix as in titles, or any leading
/// number (`01 intro`, `2019 회고`), as a file list in natural order puts them first.
fn name_number(name: &str) -> Option<Vec<u64>> {
    order_number(name).or_else(|| numbers(name.trim_start()).map(|(n, _)| n))
}

/// Words that may stand before an order number (`Part 1-2`, `Chapter 3`, `Day 1`), in lower case.
const ORDER_WORDS: &[&str] = &[
    "chapter", "chap", "ch", "part", "section", "sec", "lesson", "lecture", "unit", "step", "day", "week", "module",
    "episode", "ep", "stage", "phase", "lab", "q", "파트", "챕터", "섹션", "스텝",
];

/// Korean counters after an order number (`1장`, `제2장`, `3강`, `2주차`, `1번`).
const COUNTERS: &[&str] = &["장", "강", "부", "편", "절", "회차", "회", "권", "주차", "일차", "단원", "단계", "번"];

/// The order number a title starts with, part by part: `1. 소개` → [1], `Part 1-2` → [1, 2],
/// `[2019.08.07] …` → [2019, 8, 7], `제2장` → [2]. A number that is only the start of the title's
/// words (`3 way handshake`, `2PC`, `404 에러`) is not an order number.
pub(crate) fn order_number(text: &str) -> Option<Vec<u64>> {
    let text = text.trim_start();
    if let Some(close) = [('[', ']'), ('(', ')')].iter().find(|(open, _)| text.starts_with(*open)).map(|p| p.1) {
        let (parts, rest) = numbers(text[1..].trim_start())?;
        return rest.trim_start().starts_with(close).then_some(parts);
    }
    if let Some(rest) = text.strip_prefix('제') {
        let (parts, rest) = numbers(rest.trim_start())?;
        return counter(rest.trim_start()).then_some(parts);
    }
    if let Some(rest) = after_order_word(text) {
        let (parts, rest) = numbers(rest)?;
        return rest.chars().next().is_none_or(|c| !c.is_alphanumeric()).then_some(parts);
    }
    let (parts, rest) = numbers(text)?;
    ends_order_number(rest, parts.len() > 1).then_some(parts)
}

/// What follows an order word and the space or dot after it, when the text starts with one.
fn after_order_word(text: &str) -> Option<&str> {
    ORDER_WORDS.iter().find_map(|word| {
        let rest = strip_prefix_ignoring_case(text, word)?;
        let rest = rest.strip_prefix('.').unwrap_or(rest).trim_start();
        rest.starts_with(|c: char| c.is_ascii_digit()).then_some(rest)
    })
}

/// `s` after `prefix`, whose ASCII letter case is ignored.
fn strip_prefix_ignoring_case<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    s.get(..prefix.len()).filter(|head| head.eq_ignore_ascii_case(prefix)).map(|_| &s[prefix.len()..])
}

/// Whether `rest`, after a leading number, makes it an order number: `1.` `1)` `1:` `1]`,
/// `1 - …`, `2-정렬` (but not `3-way`), `1장`, nothing at all, or a space after a number of
/// several parts (`1.2 개요`, not `3 way handshake`).
fn ends_order_number(rest: &str, several_parts: bool) -> bool {
    let mut chars = rest.chars();
    match chars.next() {
        None => true,
        Some('.' | ')' | ':' | ']' | '、' | '．' | '）') => true,
        Some('-' | '_' | '–' | '—') => chars.next().is_none_or(|c| !c.is_ascii_alphanumeric()),
        Some(c) if c.is_whitespace() => {
            let after = rest.trim_start();
            several_parts || after.is_empty() || after.starts_with(['-', '–', '—', ':', '.', ')']) || counter(after)
        }
        Some(_) => counter(rest),
    }
}

/// Whether `rest` starts with a Korean counter that ends a word (`1장 소개`, not `1부터`).
fn counter(rest: &str) -> bool {
    COUNTERS
        .iter()
        .any(|c| rest.strip_prefix(c).is_some_and(|after| after.chars().next().is_none_or(|ch| !ch.is_alphanumeric())))
}

/// The numbers at the start of `text`, joined by single `.`, `-` or `_` (`1-2`, `2019.08.07`),
/// and the text after them. Each part saturates rather than overflow.
fn numbers(text: &str) -> Option<(Vec<u64>, &str)> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let mut i = 0;
    loop {
        let start = i;
        let mut value: u64 = 0;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            value = value.saturating_mul(10).saturating_add(u64::from(bytes[i] - b'0'));
            i += 1;
        }
        if i == start {
            break;
        }
        parts.push(value);
        let joined = i + 1 < bytes.len() && matches!(bytes[i], b'.' | b'-' | b'_') && bytes[i + 1].is_ascii_digit();
        if !joined {
            break;
        }
        i += 1;
    }
    (!parts.is_empty()).then(|| (parts, &text[i..]))
}

/// Order names as people expect: `2번` before `10번`, letter case ignored.
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (a.peek().copied(), b.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let take = |it: &mut std::iter::Peekable<std::str::Chars>| {
                    let mut n = String::new();
                    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
                        n.push(c);
                        it.next();
                    }
                    n
                };
                let (na, nb) = (take(&mut a), take(&mut b));
                let (ta, tb) = (na.trim_start_matches('0'), nb.trim_start_matches('0'));
                let ord = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb));
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            (Some(x), Some(y)) => {
                let ord = x.to_lowercase().cmp(y.to_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                a.next();
                b.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::parse_note;

    fn site_of(files: &[(&str, &str)]) -> Site {
        let notes = files
            .iter()
            .filter_map(|(source, text)| {
                let is_index = file_name_of(source).eq_ignore_ascii_case("README.md");
                parse_note(source, text.as_bytes(), is_index).ok().flatten()
            })
            .collect();
        Site::assemble(notes, Vec::new(), None, "notes")
    }

    /// The entries of folder `path` as names: a note's file stem, a sub-folder's name and `/`.
    fn entries(site: &Site, path: &str) -> Vec<String> {
        let s = site.section_by_path[path];
        let name = |item: &Item| match *item {
            Item::Note(n) => file_stem(file_name_of(&site.notes[n].source)).to_string(),
            Item::Folder(f) => format!("{}/", file_name_of(&site.sections[f].path)),
        };
        site.sections[s].items.iter().map(name).collect()
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["10번.md", "2번.md", "b.md", "A.md", "1번.md"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["1번.md", "2번.md", "10번.md", "A.md", "b.md"]);
    }

    #[test]
    fn order_numbers_people_write() {
        for (text, parts) in [
            ("1. 프로세스", &[1][..]),
            ("2) 스레드", &[2]),
            ("  3.소개", &[3]),
            ("[4] 동기화", &[4]),
            ("(5) 교착 상태", &[5]),
            ("6장 메모리", &[6]),
            ("제7장 파일 시스템", &[7]),
            ("제 8 장", &[8]),
            ("9강", &[9]),
            ("2주차 정리", &[2]),
            ("1번 문제", &[1]),
            ("Part 1-2", &[1, 2]),
            ("part 1-10 이진 탐색", &[1, 10]),
            ("Chapter 3: Sorting", &[3]),
            ("Ch.4 Graphs", &[4]),
            ("Day1", &[1]),
            ("Q12. 인덱스란?", &[12]),
            ("1.2 개요", &[1, 2]),
            ("[2019.08.07] 이메일 공격", &[2019, 8, 7]),
            ("2-정렬", &[2]),
            ("3 - 해시", &[3]),
            ("10", &[10]),
            ("99999999999999999999999. 큰 수", &[u64::MAX]),
        ] {
            assert_eq!(order_number(text).as_deref(), Some(parts), "{text}");
        }
        for text in [
            "3 way handshake",
            "3-way handshake",
            "2PC",
            "404 에러 처리",
            "2019 삼성전자 비전캠프",
            "1부터 시작하기",
            "Array",
            "Check 1",
            "Parts 1",
            "[C] 포인터",
            "Step 1a",
            "",
            "제목",
        ] {
            assert_eq!(order_number(text), None, "{text}");
        }
        // File and folder names: any leading number counts, as in a file list.
        assert_eq!(name_number("01_intro"), Some(vec![1]));
        assert_eq!(name_number("2019 삼성전자 비전캠프"), Some(vec![2019]));
        assert_eq!(name_number("5) Algorithm"), Some(vec![5]));
        assert_eq!(name_number("Algorithm"), None);
    }

    #[test]
    fn numbers_in_titles_and_names_order_folders_and_notes() {
        let site = site_of(&[
            // Folders named without numbers whose READMEs' titles carry them.
            ("Algorithm/README.md", "# 5) Algorithm\n"),
            ("Database/README.md", "# 1) Database\n"),
            ("JAVA/README.md", "# 4) JAVA\n"),
            // Notes whose titles carry the order, whose names do not.
            ("Database/a.md", "# Part 1-5\n"),
            ("Database/b.md", "# Part 1-10\n"),
            ("Database/c.md", "# Part 1-2\n"),
            ("Database/부록.md", "# 부록\n"),
            // Names carry it (and the title, once written, does not).
            ("JAVA/10_stream.md", "# Stream\n"),
            ("JAVA/2_generic.md", "# Generic\n"),
            ("JAVA/01_intro.md", "# 소개\n"),
            ("JAVA/Appendix.md", ""),
            ("JAVA/3) Advanced/x.md", "# x\n"),
        ]);
        assert_eq!(entries(&site, ""), ["Database/", "JAVA/", "Algorithm/"]);
        assert_eq!(entries(&site, "Database"), ["c", "a", "b", "부록"]);
        assert_eq!(entries(&site, "JAVA"), ["01_intro", "2_generic", "3) Advanced/", "10_stream", "Appendix"]);
    }

    #[test]
    fn weight_comes_first_for_notes_and_folders() {
        let site = site_of(&[
            ("1. a.md", "# A\n"),
            ("2. b.md", "---\nweight: 2\n---\n# B\n"),
            ("3. c.md", "---\nweight: 1\n---\n# C\n"),
            ("z/README.md", "---\nweight: 1\n---\n# Z\n"),
            ("y/README.md", "# Y\n"),
        ]);
        assert_eq!(entries(&site, ""), ["3. c", "z/", "2. b", "1. a", "y/"]);
    }

    #[test]
    fn an_index_notes_list_of_links_orders_its_folder() {
        let site = site_of(&[
            (
                "OS/README.md",
                "# 운영체제\n\n먼저 [메모리](memory.md)를 보세요.\n\n\
                 ## 기초\n- [프로세스와 스레드](./process.md)\n- [동기화](sync.md#뮤텍스)\n\n\
                 ## 심화\n1. [가상 메모리](./Virtual%20Memory/README.md)\n   - [TLB](<Virtual Memory/tlb.md>)\n\
                 2. [파일 시스템](./FS/)\n3. [프로세스](process.md)\n4. [네트워크](../Network/tcp.md)\n\
                 5. [처음으로](README.md)\n6. [외부](https://example.com/os.md)\n\n\
                 | 주제 | 링크 |\n|---|---|\n| 스케줄링 | <a href=\"sched.md\">보기</a> |\n",
            ),
            ("OS/memory.md", "# 메모리\n"),
            ("OS/process.md", "# 프로세스와 스레드\n"),
            ("OS/sync.md", "# 동기화\n"),
            ("OS/sched.md", "# 스케줄링\n"),
            ("OS/1. deadlock.md", "# 교착 상태\n"),
            ("OS/aaa.md", "# 가나다\n"),
            ("OS/FS/README.md", "# 파일 시스템\n"),
            ("OS/Virtual Memory/README.md", "# 가상 메모리\n\n링크 없는 소개.\n"),
            ("OS/Virtual Memory/paging.md", "# 페이징\n"),
            ("OS/Virtual Memory/tlb.md", "# TLB\n"),
            ("OS/Zeta/z.md", "# z\n"),
            ("Network/tcp.md", "# TCP\n"),
        ]);
        // Listed links (lists, tables, raw HTML in a table) in order, then the one in prose,
        // then the rest: numbered, then by name, notes before folders.
        assert_eq!(
            entries(&site, "OS"),
            ["process", "sync", "Virtual Memory/", "FS/", "sched", "memory", "1. deadlock", "aaa", "Zeta/"]
        );
        // The links of the index note above order a folder whose own index note has none.
        assert_eq!(entries(&site, "OS/Virtual Memory"), ["tlb", "paging"]);
        // A link out of the folder orders nothing there (the top folder has no README).
        assert_eq!(entries(&site, ""), ["Network/", "OS/"]);
    }

    #[test]
    fn a_top_readme_orders_every_folder_it_lists_after_their_own_lists() {
        let site = site_of(&[
            (
                "README.md",
                "# 노트\n\n## 📌 Network\n- [TCP](Network/tcp.md)\n- [HTTP](./Network/http.md)\n\
                 ## 📌 Algorithm\n- [정렬](Algorithm/sort.md)\n- [탐색](Algorithm/search.md)\n- [DP](Algorithm/dp.md)\n",
            ),
            ("Algorithm/README.md", "# 알고리즘\n\n- [DP부터](dp.md)\n"),
            ("Algorithm/dp.md", "# DP\n"),
            ("Algorithm/search.md", "# 탐색\n"),
            ("Algorithm/sort.md", "# 정렬\n"),
            ("Algorithm/greedy.md", "# 그리디\n"),
            ("Network/http.md", "# HTTP\n"),
            ("Network/tcp.md", "# TCP\n"),
            ("Network/udp.md", "# UDP\n"),
        ]);
        assert_eq!(entries(&site, ""), ["Network/", "Algorithm/"]);
        assert_eq!(entries(&site, "Network"), ["tcp", "http", "udp"]);
        assert_eq!(entries(&site, "Algorithm"), ["dp", "sort", "search", "greedy"], "own list first");
        // Previous/next follow the same order, folders and notes interleaved as listed.
        let order: Vec<&str> = site.order.iter().map(|&p| site.title_of(p)).collect();
        assert_eq!(order, ["노트", "Network", "TCP", "HTTP", "UDP", "알고리즘", "DP", "정렬", "탐색", "그리디"]);
    }

    #[test]
    fn absolute_links_into_the_notes_own_github_repository_count() {
        let site = site_of(&[
            (
                "README.md",
                "# 노트\n\
                 - [B](https://github.com/someone/notes/blob/master/Web/b.md)\n\
                 - [Web 폴더](https://github.com/someone/notes/tree/master/Web)\n\
                 - [C, 옛 주소](https://github.com/old-owner/Notes/blob/main/Web/c%20note.md#제목)\n\
                 - [다른 저장소의 a](https://github.com/other/elsewhere/blob/master/Web/a.md)\n\
                 - [OS](https://github.com/someone/notes/blob/master/OS/README.md)\n",
            ),
            ("Web/a.md", "# a\n"),
            ("Web/b.md", "# b\n"),
            ("Web/c note.md", "# c\n"),
            ("Algorithm/x.md", "# x\n"),
            ("OS/README.md", "# OS\n"),
        ]);
        assert_eq!(entries(&site, ""), ["Web/", "OS/", "Algorithm/"]);
        assert_eq!(entries(&site, "Web"), ["b", "c note", "a"]);
        assert_eq!(github_path("https://github.com/o/r/blob/main/a/b.md#x"), Some(("r".into(), "a/b.md#x")));
        assert_eq!(github_path("https://github.com/o/r/issues/1"), None);
        assert_eq!(github_path("https://gitlab.com/o/r/blob/main/a.md"), None);
    }

    #[test]
    fn the_order_does_not_depend_on_the_order_notes_were_read() {
        let files = [
            ("README.md", "# 노트\n- [b](b.md)\n"),
            ("a.md", "# A\n"),
            ("b.md", "# B\n"),
            ("c.markdown", "# C\n"),
            ("01.md", "# one\n"),
            ("1.md", "# one too\n"),
            ("x/y.md", "# y\n"),
        ];
        let forward = site_of(&files);
        let mut reversed = files;
        reversed.reverse();
        let backward = site_of(&reversed);
        let titles = |site: &Site| site.order.iter().map(|&p| site.title_of(p).to_string()).collect::<Vec<_>>();
        assert_eq!(titles(&forward), titles(&backward));
        assert_eq!(titles(&forward), ["노트", "B", "one", "one too", "A", "C", "x", "y"]);
    }

    #[test]
    fn which_edits_can_move_entries() {
        let parse = |source: &str, text: &str| parse_note(source, text.as_bytes(), source.ends_with("README.md"));
        let note = |source: &str, text: &str| parse(source, text).unwrap().unwrap();
        let differ = |source: &str, a: &str, b: &str| inputs_differ(&note(source, a), &note(source, b));
        assert!(!differ("a.md", "# 제목\n본문\n", "# 제목\n다른 본문 [x](x.md)\n"), "body and a plain note's links");
        assert!(!differ("a.md", "# 1. 제목\n", "# 1. 다른 제목\n"), "same number");
        assert!(differ("a.md", "# 1. 제목\n", "# 2. 제목\n"));
        assert!(differ("a.md", "# 제목\n", "---\nweight: 3\n---\n# 제목\n"));
        assert!(differ("README.md", "- [a](a.md)\n- [b](b.md)\n", "- [b](b.md)\n- [a](a.md)\n"));
        assert!(!differ("README.md", "- [a](a.md)\n\n본문\n", "- [a](a.md)\n\n다른 본문\n"));
    }
}
