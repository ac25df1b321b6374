//! The render stage, per page: `body` turns a note's Markdown into HTML (anchors, highlighted
//! code, links resolved by `enrich::links`), `view` gathers what a page shows, and `Theme` runs
//! the Tera templates over it (their text read by `theme`: the site's own `templates/` over the
//! default theme embedded in the binary); `nav` writes the shared navigation tree.

pub(crate) mod autolink;
pub(crate) mod body;
pub(crate) mod feed;
pub(crate) mod href;
pub(crate) mod math;
pub mod nav;
pub(crate) mod study;
pub mod view;

use crate::diagnostics::Diagnostic;
use crate::text::push_escaped_html;
use crate::theme::TemplateSource;

/// `text` for a quoted attribute or element content, by pulldown-cmark's escaper (`&<>"'`).
/// Not `escape_href` for hrefs: they are already encoded as links resolve them, and it would
/// encode non-ASCII (a Korean path) and `'` again, changing the built pages.
fn escape(text: &str) -> String {
    tag_around("", text, "")
}

/// `before`, `text` escaped (as `escape` does), `after`, in a string made with room for them:
/// written with `format!`, such tags grew their string two or three times each.
fn tag_around(before: &str, text: &str, after: &str) -> String {
    let mut out = String::with_capacity(before.len() + text.len() + after.len() + 8);
    out.push_str(before);
    push_escaped_html(&mut out, text);
    out.push_str(after);
    out
}

/// What a page template renders from, as Tera's context.
pub(crate) trait ToTera {
    fn to_tera(&self) -> tera::TeraResult<tera::Context>;
}

impl ToTera for view::PageContext<'_> {
    fn to_tera(&self) -> tera::TeraResult<tera::Context> {
        view::PageContext::to_tera(self)
    }
}

/// Tera's `safe` filter without its copy: a string value is marked safe as it is (Tera's strings
/// are shared, so this copies nothing), where Tera's own allocates and copies it again, which
/// for `page.content` (tens of KB, once a page) cost 0.4% of a cold build (1k notes, `-j 1`:
/// 5,833.3 M -> 5,809.2 M instructions). Anything else becomes its text, as with Tera's.
fn safe(value: tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    match value.as_str() {
        Some(_) => value.mark_safe(),
        None => tera::Value::safe_string(&value.to_string()),
    }
}

/// Loaded templates, and where each came from for error messages.
pub struct Theme {
    tera: tera::Tera,
    origins: Vec<(String, String)>,
}

impl Theme {
    /// Parse the theme's templates (`theme::read_templates` gives the default theme's with the
    /// site's overrides).
    pub fn from_sources(sources: Vec<TemplateSource>) -> Result<Theme, Vec<Diagnostic>> {
        let origins: Vec<(String, String)> = sources.iter().map(|t| (t.name.clone(), t.shown.clone())).collect();
        let mut tera = tera::Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.register_filter("safe", safe);
        let pairs: Vec<(String, String)> = sources.into_iter().map(|t| (t.name, t.text)).collect();
        let theme = Theme { tera: tera::Tera::new(), origins };
        match tera.add_raw_templates(pairs) {
            Ok(()) => Ok(Theme { tera, ..theme }),
            Err(e) => Err(theme.diagnostics(&e)),
        }
    }

    /// Render `template` with a serialisable context.
    pub(crate) fn render<T: serde::Serialize>(&self, template: &str, context: &T) -> Result<String, Diagnostic> {
        let context = tera::Context::from_serialize(context).map_err(|e| self.diagnostic(&e))?;
        self.tera.render(template, &context).map_err(|e| self.diagnostic(&e))
    }

    /// `render` as bytes, for pages that go to the writer as they are: Tera writes only text,
    /// so the UTF-8 check of the whole page that `render` ends with (1.3% of a cold build) is
    /// skipped. `expected` is the room made for the page from the start.
    pub(crate) fn render_bytes<T: ToTera>(
        &self,
        template: &str,
        context: &T,
        expected: usize,
    ) -> Result<Vec<u8>, Diagnostic> {
        let context = context.to_tera().map_err(|e| self.diagnostic(&e))?;
        let mut page = Vec::with_capacity(expected);
        self.tera.render_to(template, &context, &mut page).map_err(|e| self.diagnostic(&e))?;
        Ok(page)
    }

    fn shown(&self, name: &str) -> String {
        self.origins.iter().find(|(n, _)| n == name).map_or(name.to_string(), |(_, s)| s.clone())
    }

    /// A Tera error as `file:line: message`, naming the template file the user can open.
    fn diagnostic(&self, error: &tera::Error) -> Diagnostic {
        match error.kind() {
            tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => Diagnostic::error(
                self.shown(report.filename()),
                report.span().start_line,
                format!("template error: {}", report.message()),
            ),
            other => Diagnostic::error("templates", 0, format!("template error: {other}")),
        }
    }

    /// Like `diagnostic`, but Tera reports all unknown filters/tests/functions of a template set
    /// as one text of `error: …` / `--> name:line:col` pairs: split it into one problem each.
    fn diagnostics(&self, error: &tera::Error) -> Vec<Diagnostic> {
        let tera::ErrorKind::Msg(text) = error.kind() else { return vec![self.diagnostic(error)] };
        let mut found = Vec::new();
        let mut message = None;
        for line in text.lines() {
            if let Some(m) = line.trim_start().strip_prefix("error: ") {
                message = Some(m.to_string());
            } else if let Some(place) = line.trim_start().strip_prefix("--> ") {
                let mut parts = place.rsplitn(3, ':');
                let (_col, line_no, name) = (parts.next(), parts.next(), parts.next());
                if let (Some(name), Some(line_no)) = (name, line_no.and_then(|l| l.parse().ok())) {
                    let m = message.take().unwrap_or_else(|| "invalid template".into());
                    found.push(Diagnostic::error(self.shown(name), line_no, format!("template error: {m}")));
                }
            }
        }
        if found.is_empty() {
            found.push(self.diagnostic(error));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(text: &str) -> Result<Theme, Vec<Diagnostic>> {
        let page = TemplateSource { name: "page.html".into(), shown: "templates/page.html".into(), text: text.into() };
        Theme::from_sources(vec![page])
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let errs = theme("<p>\n{{ page.title \n</p>").err().expect("must fail");
        assert_eq!(errs[0].file, "templates/page.html");
        assert!(errs[0].line >= 2, "{:?}", errs[0]);
    }

    #[test]
    fn unknown_filters_name_file_and_line() {
        let errs = theme("<p>\n{{ page.title | nosuch }}\n{{ x | other }}").err().expect("must fail");
        let shown: Vec<String> = errs.iter().map(|d| d.to_string()).collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(
            shown[0].starts_with("templates/page.html:2: error: template error: Unknown filter `nosuch`"),
            "{shown:?}"
        );
        assert!(shown[1].starts_with("templates/page.html:3:"), "{shown:?}");
    }

    #[test]
    fn undefined_variables_are_render_errors_with_lines() {
        let t = theme("ok\n{{ nope.x }}").expect("parses");
        let err = t.render("page.html", &serde_json_like()).unwrap_err();
        assert_eq!(err.file, "templates/page.html");
        assert_eq!(err.line, 2);
    }

    #[test]
    fn autoescapes_html() {
        #[derive(serde::Serialize)]
        struct C {
            t: &'static str,
        }
        let t = theme("{{ t }}").ok().unwrap();
        assert_eq!(t.render("page.html", &C { t: "<b>" }).unwrap(), "&lt;b&gt;");
    }

    /// Pages rendered as bytes are `render`'s text byte for byte (Hangul, escapes, a body
    /// larger than the room made for it), and fail with the same `file:line`.
    #[test]
    fn rendering_to_bytes_gives_the_text_render_gives() {
        #[derive(serde::Serialize)]
        struct C {
            t: String,
        }
        impl ToTera for C {
            fn to_tera(&self) -> tera::TeraResult<tera::Context> {
                tera::Context::from_serialize(self)
            }
        }
        let t = theme("<h1>제목 {{ t }}</h1>\n{{ t | safe }}").ok().unwrap();
        let c = C { t: "<b>공부 & \"x\"</b> ".repeat(300) };
        let text = t.render("page.html", &c).unwrap();
        for room in [0, 10, 1 << 16] {
            assert_eq!(t.render_bytes("page.html", &c, room).unwrap(), text.as_bytes(), "room {room}");
        }
        let t = theme("ok\n{{ nope.x }}").expect("parses");
        let err = t.render_bytes("page.html", &C { t: String::new() }, 0).unwrap_err();
        assert_eq!((err.file.as_str(), err.line), ("templates/page.html", 2));
    }

    /// Our `safe` gives what Tera's gives: strings unescaped, other values as their text.
    #[test]
    fn the_safe_filter_is_teras() {
        #[derive(serde::Serialize)]
        struct C {
            t: &'static str,
            long: String,
            n: f64,
            list: Vec<&'static str>,
        }
        let c = C { t: "<b>", long: "<i>본문 & x</i>".repeat(10), n: 1.5, list: vec!["<a>", "b"] };
        let text = "{{ t | safe }}|{{ long | safe }}|{{ n | safe }}|{{ list | safe }}|{{ t | safe | upper }}|{{ t | safe | length }}";
        let ours = theme(text).ok().unwrap().render("page.html", &c).unwrap();
        let mut tera = tera::Tera::new();
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_template("page.html", text).unwrap();
        let teras = tera.render("page.html", &tera::Context::from_serialize(&c).unwrap()).unwrap();
        assert_eq!(ours, teras);
        assert!(ours.starts_with("<b>|<i>본문 & x</i>"), "{ours}");
    }

    fn serde_json_like() -> std::collections::BTreeMap<String, String> {
        std::collections::BTreeMap::new()
    }
}
