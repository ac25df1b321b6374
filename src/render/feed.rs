//! The Atom feed of notes (`atom.xml`): the notes whose front matter gives a `date` or
//! `updated`, newest first. Dates come only from front matter: reading git history would run
//! `git` in a cloned, untrusted folder (its config can name programs to run), and the build
//! time would make output differ between builds. A feed needs absolute addresses, so it is
//! written only for an absolute base URL.

use crate::model::Site;
use crate::text::push_escaped_html;

/// The feed's file at the site root.
pub(crate) const FEED: &str = "atom.xml";

/// Most entries a feed lists: readers fetch it often, so it stays small on a large site.
const MAX_ENTRIES: usize = 50;

/// Whether `site` gets a feed with `base_url` (absolute or ""): some note has a date.
pub(crate) fn has_feed(site: &Site, base_url: &str) -> bool {
    !base_url.is_empty() && site.notes.iter().any(|n| n.dates.published.is_some() || n.dates.updated.is_some())
}

/// `atom.xml` for `site` under the absolute `base_url`, with each entry's summary from
/// `description` (the note's, as its page's meta tags show it); None when there is no feed.
pub(crate) fn atom(site: &Site, base_url: &str, description: impl Fn(usize) -> String) -> Option<String> {
    if !has_feed(site, base_url) {
        return None;
    }
    // (updated, published, url, note): newest first, then by address so ties stay in one order.
    let mut entries: Vec<(&str, &str, &str, usize)> = site
        .notes
        .iter()
        .enumerate()
        .filter_map(|(n, note)| {
            let published = note.dates.published.as_deref().or(note.dates.updated.as_deref())?;
            let updated = note.dates.updated.as_deref().unwrap_or(published);
            Some((updated, published, note.url.as_str(), n))
        })
        .collect();
    entries.sort_by(|a, b| b.0.cmp(a.0).then_with(|| a.2.cmp(b.2)));
    entries.truncate(MAX_ENTRIES);
    // Text and attribute values escaped `&<>"'` (`push_escaped_html`): valid XML.
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str("  <title>");
    push_escaped_html(&mut xml, &site.title);
    xml.push_str("</title>\n  <id>");
    push_escaped_html(&mut xml, base_url);
    xml.push_str("</id>\n  <link href=\"");
    push_escaped_html(&mut xml, base_url);
    xml.push_str("\"/>\n  <link rel=\"self\" href=\"");
    push_escaped_html(&mut xml, &format!("{base_url}{FEED}"));
    xml.push_str("\"/>\n  <updated>");
    xml.push_str(entries.first().map_or("", |e| e.0));
    xml.push_str("</updated>\n  <generator>gongbu</generator>\n");
    for (updated, published, url, n) in entries {
        let address = format!("{base_url}{}", crate::enrich::links::encode_path(url));
        xml.push_str("  <entry>\n    <title>");
        push_escaped_html(&mut xml, &site.notes[n].title);
        xml.push_str("</title>\n    <id>");
        push_escaped_html(&mut xml, &address);
        xml.push_str("</id>\n    <link href=\"");
        push_escaped_html(&mut xml, &address);
        xml.push_str("\"/>\n    <published>");
        xml.push_str(published);
        xml.push_str("</published>\n    <updated>");
        xml.push_str(updated);
        xml.push_str("</updated>\n");
        let summary = description(n);
        if !summary.is_empty() {
            xml.push_str("    <summary>");
            push_escaped_html(&mut xml, &summary);
            xml.push_str("</summary>\n");
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    Some(xml)
}
