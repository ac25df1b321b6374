//! Building real notes nobody on the team wrote: the shared corpus and the seed note, as they are.

mod common;

use common::*;
use std::path::Path;

fn build_corpus() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("notes");
    copy_tree(&shared_dir().join("corpora/tech-interview-for-developer"), &src);
    let out = tmp.path().join("site");
    let stderr = build_ok(&src, &out, &[]);
    (tmp, out, stderr)
}

#[test]
fn corpus_every_internal_link_resolves_or_was_warned_about() {
    let (_tmp, out, stderr) = build_corpus();
    let dead = dead_links(&out);
    let warned = warnings_by_file(&stderr);
    for d in &dead {
        let source_stem = d.page.trim_end_matches(".html");
        let warned_here = warned.keys().any(|f| {
            let stem = f.trim_end_matches(".md");
            stem == source_stem
                || (source_stem.ends_with("index")
                    && stem.ends_with("README")
                    && stem.trim_end_matches("README") == source_stem.trim_end_matches("index"))
        });
        assert!(warned_here, "dead link without a warning: {d:?}\nwarnings: {stderr}");
    }
    let link_warnings = stderr.lines().filter(|l| l.contains("broken link") || l.contains("no heading")).count();
    assert_eq!(dead.len(), link_warnings, "each dead link is reported once\n{dead:#?}\n{stderr}");
}

#[test]
fn corpus_every_note_is_a_page_and_every_file_is_copied() {
    let (_tmp, out, _) = build_corpus();
    let corpus = shared_dir().join("corpora/tech-interview-for-developer");
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&corpus).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file()) {
        checked += 1;
        let rel = entry.path().strip_prefix(&corpus).unwrap();
        let name = rel.file_name().unwrap().to_string_lossy();
        let expected = if name == "README.md" {
            rel.with_file_name("index.html")
        } else if name.ends_with(".md") {
            rel.with_extension("html")
        } else {
            rel.to_path_buf()
        };
        assert!(out.join(&expected).is_file(), "{} should produce {}", rel.display(), expected.display());
    }
    assert!(checked > 190, "the corpus has its ~200 files, found {checked}");
}

#[test]
fn corpus_pages_have_toc_nav_and_lang() {
    let (_tmp, out, _) = build_corpus();
    let doc = read(&out.join("Algorithm/HeapSort.html"));
    assert_eq!(select(&doc, "html")[0].value().attr("lang"), Some("ko"));
    assert!(!select(&doc, "a[href^='#']").is_empty(), "TOC links to headings");
    assert!(!select(&doc, "script[src$='nav.js']").is_empty());
    let headings = select(&doc, "h4[id], h5[id]");
    assert!(headings.len() > 3, "headings keep their ids");
    assert!(
        select(&doc, "title")[0].text().collect::<String>().trim_start().starts_with("힙 소트(Heap Sort)"),
        "a lone leading h4 titles the note"
    );
    // Each heading's `#` link is made by gongbu.js from its id: none in the file, one per
    // heading once the scripts ran.
    assert!(select(&doc, "a.anchor").is_empty(), "no anchor markup in the page");
    let dom = common::browser::dom_after_scripts(&out.join("Algorithm/HeapSort.html"));
    let ids: Vec<&str> = headings.iter().map(|h| h.value().attr("id").unwrap()).collect();
    for id in ids {
        let h = select(&dom, &format!("[id='{id}']"));
        assert_eq!(h.len(), 1, "heading {id} after the scripts");
        let inner = h_doc(&h[0]);
        let links = select(&inner, &format!("a.anchor[href='#{id}'][aria-hidden=true][tabindex='-1']"));
        assert_eq!(links.len(), 1, "heading {id} has one anchor link: {}", h[0].html());
    }
}

fn h_doc(el: &scraper::ElementRef) -> scraper::Html {
    scraper::Html::parse_fragment(&el.html())
}

#[test]
fn seed_note_anchors_references_and_code() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("notes");
    std::fs::create_dir(&src).unwrap();
    std::fs::copy(shared_dir().join("seed/interview-notes.md"), src.join("interview-notes.md")).unwrap();
    let out = tmp.path().join("out");
    let stderr = build_ok(&src, &out, &["--strict"]);
    assert!(!stderr.contains("warning"), "{stderr}");
    let doc = read(&out.join("interview-notes.html"));
    for n in 1..=5 {
        assert_eq!(select(&doc, &format!("h2[id='{n}번-문제']")).len(), 1, "heading {n}번 문제");
    }
    assert!(dead_links(&out).is_empty(), "{:?}", dead_links(&out));
    let refs: Vec<String> = select(&doc, "a.ref").iter().map(|a| a.text().collect()).collect();
    assert!(refs.iter().any(|t| t.starts_with("velog.io/@nittre/블로킹-Vs.-논블로킹")), "{refs:?}");
    assert!(refs.iter().any(|t| t == "github.com/Jjenny-K/crowdfunding"), "{refs:?}");
    let body: String = doc.root_element().text().collect();
    assert!(!body.contains("@https://"), "reference markers are consumed");
}

#[test]
fn output_never_contains_the_source_build_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("notes");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("a.md"), "# A\n").unwrap();
    // Default output is PATH/public, which must not be read back as content on the next build.
    let out = src.join("public");
    build_ok(&src, &out, &[]);
    std::fs::write(out.join("stray.md"), "# stray\n").unwrap();
    build_ok(&src, &out, &[]);
    assert!(!out.join("public").exists());
    assert!(!out.join("stray.html").exists());
    assert!(Path::new(&out.join("a.html")).is_file());
}

#[test]
fn corpus_output_is_the_same_with_one_thread_and_many() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("notes");
    copy_tree(&shared_dir().join("corpora/tech-interview-for-developer"), &src);
    let (one, many) = (tmp.path().join("one"), tmp.path().join("many"));
    build_ok(&src, &one, &["-j", "1"]);
    build_ok(&src, &many, &["-j", "4"]);
    let (a, b) = (tree(&one), tree(&many));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(b[path] == *bytes, "{path} differs between -j 1 and -j 4");
    }
}
