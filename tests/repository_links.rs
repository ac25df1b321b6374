//! Links to the notes' own repository on GitHub (`…/blob/BRANCH/x.md#…`, `…/tree/BRANCH/dir`,
//! raw files) open the built pages: the repository comes from the git remote or `gongbu.toml`.

mod common;

use common::*;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn hrefs(page: &Path) -> Vec<String> {
    let doc = read(page);
    select(&doc, ".content a[href], .content img[src]")
        .iter()
        .map(|e| e.value().attr("href").or(e.value().attr("src")).unwrap().to_string())
        .collect()
}

/// A notes repository cloned from GitHub: its remote names it, and its notes link to each other
/// through GitHub URLs the way many READMEs do.
fn cloned_notes(root: &Path) {
    write(
        root,
        ".git/config",
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://github.com/Study-Group/CS-Notes.git\n",
    );
    write(
        root,
        "README.md",
        "# CS 노트\n\n\
         - [운영체제](https://github.com/study-group/cs-notes/tree/main/운영%20체제)\n\
         - [프로세스](https://github.com/Study-Group/CS-Notes/blob/main/%EC%9A%B4%EC%98%81%20%EC%B2%B4%EC%A0%9C/%ED%94%84%EB%A1%9C%EC%84%B8%EC%8A%A4.md#2-스케줄링)\n\
         - [브랜치에 /](https://github.com/Study-Group/CS-Notes/blob/feature/new-notes/network/tcp.md)\n\
         - [raw](https://raw.githubusercontent.com/Study-Group/CS-Notes/main/network/tcp.md)\n\
         - [이슈](https://github.com/Study-Group/CS-Notes/issues/3)\n\
         - [다른 저장소](https://github.com/someone/else/blob/main/network/tcp.md)\n\
         - [없는 파일](https://github.com/Study-Group/CS-Notes/blob/main/gone.md)\n\
         - [없는 제목](https://github.com/Study-Group/CS-Notes/blob/main/network/tcp.md#no-such-heading)\n\n\
         <img src=\"https://github.com/Study-Group/CS-Notes/blob/main/img/diagram.png?raw=true\" alt=\"그림\">\n",
    );
    write(root, "운영 체제/README.md", "# 운영 체제\n\n[처음으로](https://github.com/Study-Group/CS-Notes#readme)\n");
    write(root, "운영 체제/프로세스.md", "# 프로세스\n\n## 1. 개념\n\n## 2. 스케줄링\n");
    write(root, "network/tcp.md", "# TCP\n\n## 3-way handshake\n");
    std::fs::create_dir_all(root.join("img")).unwrap();
    std::fs::write(root.join("img/diagram.png"), b"\x89PNG\r\n\x1a\n").unwrap();
}

#[test]
fn links_to_the_notes_own_repository_open_the_built_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes");
    cloned_notes(&notes);
    let out = tmp.path().join("out");
    let stderr = build_ok(&notes, &out, &[]);

    assert_eq!(
        hrefs(&out.join("index.html")),
        [
            "운영%20체제/index.html",
            "운영%20체제/프로세스.html#2-스케줄링",
            "network/tcp.html",
            "network/tcp.html",
            "https://github.com/Study-Group/CS-Notes/issues/3",
            "https://github.com/someone/else/blob/main/network/tcp.md",
            "https://github.com/Study-Group/CS-Notes/blob/main/gone.md",
            "network/tcp.html#no-such-heading",
            "img/diagram.png",
        ]
    );
    assert_eq!(hrefs(&out.join("운영 체제/index.html")), ["../index.html"]);
    // A link that now lands in the site is checked like any other: its missing heading is warned.
    let warnings = warnings_by_file(&stderr);
    let readme = warnings.get("README.md").cloned().unwrap_or_default();
    assert_eq!(readme.len(), 1, "{stderr}");
    assert!(readme[0].contains("no-such-heading"), "{stderr}");
    // The pages they open are no longer listed as outside references.
    let doc = read(&out.join("index.html"));
    let references: Vec<String> =
        select(&doc, ".references a").iter().map(|a| a.value().attr("href").unwrap().to_string()).collect();
    assert!(references.iter().all(|r| !r.contains("/blob/main/network") || r.contains("someone")), "{references:?}");
}

#[test]
fn gongbu_toml_names_the_repository_and_where_the_notes_lie_in_it() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    write(
        &site,
        "gongbu.toml",
        "title = \"노트\"\nrepository = \"me/notes\"\nrepository_aliases = [\"old-me/notes\"]\n",
    );
    write(
        &site,
        "content/README.md",
        "# 노트\n\n[a](https://github.com/me/notes/blob/main/content/os/a.md)\n\
         [old](https://github.com/old-me/notes/blob/master/content/os/a.md)\n\
         [outside the notes](https://github.com/me/notes/blob/main/gongbu.toml)\n",
    );
    write(&site, "content/os/a.md", "# A\n");
    let out = tmp.path().join("out");
    build_ok(&site, &out, &[]);
    assert_eq!(
        hrefs(&out.join("index.html")),
        ["os/a.html", "os/a.html", "https://github.com/me/notes/blob/main/gongbu.toml"]
    );
}

#[test]
fn without_a_github_remote_links_stay_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes");
    cloned_notes(&notes);
    std::fs::remove_dir_all(notes.join(".git")).unwrap();
    let out = tmp.path().join("out");
    build_ok(&notes, &out, &[]);
    let hrefs = hrefs(&out.join("index.html"));
    assert!(hrefs[..4].iter().all(|h| h.starts_with("https://")), "{hrefs:?}");
}

/// The shared corpus is a clone of gyoogle/tech-interview-for-developer (renamed from
/// kim6394/…): with its remote, its home page links to its own pages instead of GitHub.
#[test]
fn the_shared_corpus_home_page_links_into_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes");
    copy_tree(&shared_dir().join("corpora/tech-interview-for-developer"), &notes);
    let out_plain = tmp.path().join("plain");
    build_ok(&notes, &out_plain, &[]);
    let dead_before = dead_links(&out_plain);
    write(
        &notes,
        ".git/config",
        "[remote \"origin\"]\n\turl = https://github.com/gyoogle/tech-interview-for-developer.git\n",
    );
    let out = tmp.path().join("out");
    let stderr = build_ok(&notes, &out, &[]);

    let to_repo_files = |hrefs: &[String]| {
        hrefs
            .iter()
            .filter(|h| {
                let h = h.to_ascii_lowercase();
                h.starts_with("https://github.com/gyoogle/tech-interview-for-developer/blob/")
                    || h.starts_with("https://github.com/gyoogle/tech-interview-for-developer/tree/")
            })
            .count()
    };
    let before = hrefs(&out_plain.join("index.html"));
    let after = hrefs(&out.join("index.html"));
    assert_eq!(before.len(), after.len());
    assert!(to_repo_files(&before) >= 150, "the home page links to its repository's files: {}", to_repo_files(&before));
    assert_eq!(to_repo_files(&after), 0, "every one opens a page of the site");
    // What now lands in the site is checked like any link: the one anchor that exists on
    // neither GitHub nor here (`Interview List.md#언어`) is a warning at its line.
    let new_dead: Vec<_> = dead_links(&out).into_iter().filter(|d| !dead_before.contains(d)).collect();
    assert_eq!(new_dead.len(), 1, "{new_dead:?}");
    assert!(stderr.contains("no heading `#언어` in Interview/Interview List.md"), "{stderr}");
}
