//! Callouts: GitHub alerts (`> [!NOTE]`, read by pulldown-cmark's GFM option as a blockquote
//! kind) and the `:::tip 제목` … `:::` admonitions of Docusaurus and VitePress (found by
//! `prepare`, which turns their fence lines into marked HTML comments). Both render the same
//! way: a labelled, styled box with an icon, its label in the site's words unless the author
//! gave a title. The styles are `static/gongbu.css`'s callout section.

use pulldown_cmark::BlockQuoteKind;

/// What a callout says about its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
    Info,
    Danger,
    /// VitePress's `::: details`: a folded box.
    Details,
}

impl Kind {
    /// The kind an admonition's name asks for (`:::note`, `::: danger`), in any letter case.
    pub(crate) fn from_name(name: &str) -> Option<Kind> {
        Some(match name.to_ascii_lowercase().as_str() {
            "note" => Kind::Note,
            "tip" => Kind::Tip,
            "important" => Kind::Important,
            "warning" => Kind::Warning,
            "caution" => Kind::Caution,
            "info" => Kind::Info,
            "danger" => Kind::Danger,
            "details" => Kind::Details,
            _ => return None,
        })
    }

    pub(crate) fn from_alert(kind: BlockQuoteKind) -> Kind {
        match kind {
            BlockQuoteKind::Note => Kind::Note,
            BlockQuoteKind::Tip => Kind::Tip,
            BlockQuoteKind::Important => Kind::Important,
            BlockQuoteKind::Warning => Kind::Warning,
            BlockQuoteKind::Caution => Kind::Caution,
        }
    }

    fn class(self) -> &'static str {
        match self {
            Kind::Note => "note",
            Kind::Tip => "tip",
            Kind::Important => "important",
            Kind::Warning => "warning",
            Kind::Caution => "caution",
            Kind::Info => "info",
            Kind::Danger => "danger",
            Kind::Details => "details",
        }
    }

    /// A 16×16 outline icon (drawn in `currentColor`), after GitHub's alert icons.
    fn icon(self) -> &'static str {
        match self {
            // a circled "i"
            Kind::Note | Kind::Info | Kind::Details => {
                r#"<circle cx="8" cy="8" r="6.5"/><path d="M8 7.2v4"/><circle cx="8" cy="4.9" r=".4" fill="currentColor"/>"#
            }
            // a light bulb
            Kind::Tip => {
                r#"<path d="M5.6 10.4C4.4 9.5 3.7 8.2 3.7 6.8a4.3 4.3 0 0 1 8.6 0c0 1.4-.7 2.7-1.9 3.6v1.4H5.6z"/><path d="M6 14.2h4"/>"#
            }
            // a speech bubble with "!"
            Kind::Important => {
                r#"<path d="M2 2.5h12v8.5H8.2L5 14v-3H2z"/><path d="M8 4.8v3"/><circle cx="8" cy="9.3" r=".4" fill="currentColor"/>"#
            }
            // a triangle with "!"
            Kind::Warning => {
                r#"<path d="M8 1.8 15 14H1z"/><path d="M8 6.2v3.6"/><circle cx="8" cy="11.8" r=".4" fill="currentColor"/>"#
            }
            // an octagon with "!"
            Kind::Caution | Kind::Danger => {
                r#"<path d="M5.3 1.5h5.4l3.8 3.8v5.4l-3.8 3.8H5.3l-3.8-3.8V5.3z"/><path d="M8 4.6v4"/><circle cx="8" cy="11" r=".4" fill="currentColor"/>"#
            }
        }
    }
}

/// The site's word for each kind (`Words`' `callout_*`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Labels<'a> {
    pub(crate) note: &'a str,
    pub(crate) tip: &'a str,
    pub(crate) important: &'a str,
    pub(crate) warning: &'a str,
    pub(crate) caution: &'a str,
    pub(crate) info: &'a str,
    pub(crate) danger: &'a str,
    pub(crate) details: &'a str,
}

impl<'a> Labels<'a> {
    fn of(&self, kind: Kind) -> &'a str {
        match kind {
            Kind::Note => self.note,
            Kind::Tip => self.tip,
            Kind::Important => self.important,
            Kind::Warning => self.warning,
            Kind::Caution => self.caution,
            Kind::Info => self.info,
            Kind::Danger => self.danger,
            Kind::Details => self.details,
        }
    }
}

/// A callout to open: its kind and the title its author gave, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Callout {
    pub(crate) kind: Kind,
    pub(crate) title: Option<String>,
}

/// The HTML that opens `callout`: the box and its title line. `escape` escapes text for HTML.
pub(crate) fn open_html(callout: &Callout, labels: &Labels, escape: impl Fn(&str) -> String) -> String {
    let kind = callout.kind;
    let title = escape(callout.title.as_deref().unwrap_or_else(|| labels.of(kind)));
    let class = kind.class();
    let icon = format!(
        r#"<svg class="callout-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round">{}</svg>"#,
        kind.icon()
    );
    if kind == Kind::Details {
        format!("<details class=\"callout callout-{class}\"><summary class=\"callout-title\">{icon}{title}</summary>\n")
    } else {
        format!("<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{icon}{title}</p>\n")
    }
}

/// The HTML that closes a callout of `kind`.
pub(crate) fn close_html(kind: Kind) -> &'static str {
    if kind == Kind::Details {
        "</details>\n"
    } else {
        "</div>\n"
    }
}

/// An admonition fence line (`:::note 제목`, `::: tip`, `:::info[제목]`, `:::`), without its
/// indentation: Some(None) for a closing line, Some(Some(callout)) for an opening one of a
/// known kind, None for anything else (an unknown name is left as the author wrote it).
pub(crate) fn fence(line: &str) -> Option<Option<Callout>> {
    let colons = line.bytes().take_while(|&b| b == b':').count();
    if colons < 3 {
        return None;
    }
    let rest = line[colons..].trim();
    if rest.is_empty() {
        return Some(None);
    }
    let name_end = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
    let kind = Kind::from_name(&rest[..name_end])?;
    let after = rest[name_end..].trim();
    // Docusaurus's `:::note[제목]`, VitePress's `::: tip 제목`; `{…}` attributes are dropped.
    let title = match after.strip_prefix('[') {
        Some(bracketed) => bracketed.rfind(']').map_or(bracketed, |end| &bracketed[..end]),
        None => after.split_once('{').map_or(after, |(before, _)| before),
    };
    let title = title.trim().trim_matches('"').trim();
    Some(Some(Callout { kind, title: (!title.is_empty()).then(|| title.to_string()) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fence_lines() {
        assert_eq!(fence(":::"), Some(None));
        assert_eq!(fence("::::  "), Some(None));
        assert_eq!(fence(":::note"), Some(Some(Callout { kind: Kind::Note, title: None })));
        assert_eq!(fence("::: TIP 알아두기"), Some(Some(Callout { kind: Kind::Tip, title: Some("알아두기".into()) })));
        assert_eq!(
            fence(":::danger[Take care]"),
            Some(Some(Callout { kind: Kind::Danger, title: Some("Take care".into()) }))
        );
        assert_eq!(fence(":::info {#id}"), Some(Some(Callout { kind: Kind::Info, title: None })));
        assert_eq!(fence(":::unknown x"), None);
        assert_eq!(fence("::"), None);
        assert_eq!(fence("a:::"), None);
    }
}
