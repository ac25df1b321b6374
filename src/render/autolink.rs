//! Bare URLs in text (`https://…`, `www.…`), bare e-mail addresses and the `@https://…`
//! reference lines notes use, found so they can become real links with readable,
//! percent-decoded text. The rules are GitHub's extended autolinks
//! (<https://github.github.com/gfm/#autolinks-extension->), with two choices for Korean prose:
//! a host name is ASCII, so `https://a.com에서` ends before `에서`, while a path keeps any
//! character but space (`…/entry/WEB-📚-CORS`, `…/wiki/프로세스`), as on GitHub; and `www.`
//! links get `https://`.

use percent_encoding::percent_decode_str;

/// A piece of a text run: plain text, a URL or an e-mail address found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Text(&'a str),
    /// `href` is what the link points at (`www.` gets `https://`); `marked` tells that the
    /// author wrote `@` before it, which is dropped from the text.
    Url {
        href: String,
        raw: &'a str,
        marked: bool,
    },
    /// `raw` is the address as written (with `mailto:` when written so); `href` a `mailto:` link.
    Email {
        href: String,
        raw: &'a str,
    },
}

/// Whether `text` may hold a URL or an e-mail address at all: each needs a `://` (after
/// `http` or `https`), an `@` or `www.`. Most text runs hold none of them (a colon alone, as in
/// `예시: …`, is common), and this looks with vector searches (`memchr`) where `split_urls`
/// walks every byte and allocates its list of pieces.
pub(crate) fn may_hold_link(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Each `:` and `w` looked at (few in Korean prose): a substring search set up per text cost
    // more than the look.
    let followed_by = |i: usize, rest: &[u8]| bytes[i + 1..].starts_with(rest);
    memchr::memchr(b'@', bytes).is_some()
        || memchr::memchr_iter(b':', bytes).any(|i| followed_by(i, b"//"))
        || memchr::memchr_iter(b'w', bytes).any(|i| followed_by(i, b"ww."))
}

/// Split `text` around the URLs and e-mail addresses in it. Text with neither comes back as
/// one piece.
pub(crate) fn split_urls(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest_start = 0;
    let mut search_from = 0;
    while let Some((start, end)) = next_url(text, search_from) {
        let marked = text[..start].ends_with('@') && at_marker_stands_alone(&text[..start - 1]);
        let text_end = if marked { start - 1 } else { start };
        if text_end > rest_start {
            split_emails(&text[rest_start..text_end], &mut pieces);
        }
        let raw = &text[start..end];
        let href = if raw.starts_with("www.") { format!("https://{raw}") } else { raw.to_string() };
        pieces.push(Piece::Url { href, raw, marked });
        rest_start = end;
        search_from = end;
    }
    if rest_start < text.len() || pieces.is_empty() {
        split_emails(&text[rest_start..], &mut pieces);
    }
    pieces
}

/// The `@` is a reference marker at the start of a line or after a space, not part of an address
/// like `user@https…` (which does not occur in practice but must not lose the user).
fn at_marker_stands_alone(before: &str) -> bool {
    before.chars().next_back().is_none_or(|c| c.is_whitespace() || c == '(' || c == '>' || c == ':')
}

/// Byte range of the next URL at or after `from`. One pass over the text: each candidate
/// start (`h` or `w`) is looked at once, and one not preceded by a word character cannot lie
/// inside a host name already scanned, so a paragraph of many URLs stays linear.
fn next_url(text: &str, from: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(i) = bytes.get(at..)?.iter().position(|&b| b == b'h' || b == b'w') {
        let start = at + i;
        let Some(prefix) =
            ["https://", "http://", "www."].into_iter().find(|p| bytes[start..].starts_with(p.as_bytes()))
        else {
            at = start + 1;
            continue;
        };
        at = start + prefix.len();
        let preceded_by_word =
            text[..start].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '/' || c == '.');
        if preceded_by_word {
            continue;
        }
        let host_start = if prefix == "www." { start } else { at };
        let end = url_end(text, start, prefix.len());
        let has_host = end > at && text[at..end].contains(|c: char| c.is_ascii_alphanumeric());
        if has_host && valid_domain(&text[host_start..end]) {
            return Some((start, end));
        }
    }
    None
}

/// GFM's valid domain, at the start of `url_rest`: letters, digits, `-`, `_` and `.`, with a
/// letter or digit, and no `_` in its last two labels.
fn valid_domain(url_rest: &str) -> bool {
    let end = url_rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'));
    let domain = url_rest[..end.unwrap_or(url_rest.len())].trim_end_matches('.');
    domain.contains(|c: char| c.is_ascii_alphanumeric()) && !domain.rsplit('.').take(2).any(|label| label.contains('_'))
}

/// End of a URL starting at `start`: GitHub's extended autolink path rules. Stops at
/// whitespace, control characters and `<`; trailing punctuation, an unbalanced `)` or `]`
/// and a trailing entity-like `&name;` are left out. Non-ASCII (Hangul, emoji) is taken only
/// in the path, so `https://a.com에서` stops before `에서`.
fn url_end(text: &str, start: usize, prefix_len: usize) -> usize {
    let mut end = start + prefix_len;
    let mut in_path = false;
    for (i, c) in text[start + prefix_len..].char_indices() {
        let ok = match c {
            c if c.is_whitespace() || c.is_control() => false,
            '<' => false,
            '/' | '?' | '#' => {
                in_path = true;
                true
            }
            c if c.is_ascii() => true,
            _ => in_path,
        };
        if !ok {
            break;
        }
        end = start + prefix_len + i + c.len_utf8();
    }
    // Trailing punctuation belongs to the sentence, not the address. Brackets are counted once,
    // so a URL ending in many `)` is still trimmed in linear time.
    let url = &text[start..end];
    let (open_parens, mut close_parens) = (url.matches('(').count(), url.matches(')').count());
    let (open_brackets, mut close_brackets) = (url.matches('[').count(), url.matches(']').count());
    while let Some(last) = text[start..end].chars().next_back() {
        match last {
            '?' | '!' | '.' | ',' | ':' | '*' | '_' | '~' | '\'' | '"' => end -= 1,
            ')' if close_parens > open_parens => {
                end -= 1;
                close_parens -= 1;
            }
            ']' if close_brackets > open_brackets => {
                end -= 1;
                close_brackets -= 1;
            }
            ';' => end = entity_start(&text[start..end - 1]).map_or(end - 1, |s| start + s),
            _ => break,
        }
    }
    end
}

/// Where `&name` (letters and digits) ends `text`, for a URL ending in an entity-like `&name;`.
fn entity_start(text: &str) -> Option<usize> {
    let name_start = text.rfind(|c: char| !c.is_ascii_alphanumeric()).map_or(0, |i| i + 1);
    (name_start < text.len() && text[..name_start].ends_with('&')).then(|| name_start - 1)
}

/// Bare e-mail addresses in `text` (GFM: `[A-Za-z0-9.+_-]+@` then a domain of labels with at
/// least one `.`, ending in a letter), pushed as pieces with the text around them.
/// Each `@` looks back only to the previous one, so many addresses stay linear.
fn split_emails<'a>(text: &'a str, pieces: &mut Vec<Piece<'a>>) {
    let mut copied = 0;
    let mut search = 0;
    while let Some(i) = text[search..].find('@') {
        let at = search + i;
        search = at + 1;
        // After the character that ends the local part, which may be Hangul (`연락a@b.com`).
        let local_start = text[copied..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '_')))
            .map_or(copied, |(j, c)| copied + j + c.len_utf8());
        let Some(domain_end) = email_domain_end(&text[at + 1..]).map(|n| at + 1 + n) else { continue };
        if local_start == at {
            continue;
        }
        let start = if text[copied..local_start].ends_with("mailto:") { local_start - 7 } else { local_start };
        if start > copied {
            pieces.push(Piece::Text(&text[copied..start]));
        }
        let raw = &text[start..domain_end];
        let address = &text[local_start..domain_end];
        pieces.push(Piece::Email { href: format!("mailto:{address}"), raw });
        copied = domain_end;
        search = domain_end;
    }
    if copied < text.len() || copied == 0 {
        pieces.push(Piece::Text(&text[copied..]));
    }
}

/// Length of a valid e-mail domain at the start of `text`, trailing `.` left out; None when
/// there is no `.` in it or it does not end in a letter (cmark-gfm's rule: `a.b-`, `a.b_` and
/// versions such as `react@18.2.0` are not addresses).
fn email_domain_end(text: &str) -> Option<usize> {
    let len = text.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))).unwrap_or(text.len());
    let domain = text[..len].trim_end_matches('.');
    let well_formed = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.contains("..")
        && domain.ends_with(|c: char| c.is_ascii_alphabetic())
        && domain.split('.').all(|label| !label.is_empty());
    well_formed.then_some(domain.len())
}

/// Readable form of a URL: percent-decoded where that gives UTF-8, scheme and trailing `/` dropped.
/// `https://velog.io/@a/%EB%B8%94` → `velog.io/@a/블`.
pub(crate) fn display_url(url: &str) -> String {
    let decoded = percent_decode_str(url).decode_utf8().map(|s| s.into_owned()).unwrap_or_else(|_| url.to_string());
    let shown = decoded.strip_prefix("https://").or_else(|| decoded.strip_prefix("http://")).unwrap_or(&decoded);
    shown.strip_suffix('/').unwrap_or(shown).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The URLs in `text` as written.
    fn urls(text: &str) -> Vec<String> {
        split_urls(text)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Url { raw, .. } => Some(raw.to_string()),
                _ => None,
            })
            .collect()
    }

    /// Every link in `text`, as its href.
    fn links(text: &str) -> Vec<String> {
        split_urls(text)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Url { href, .. } | Piece::Email { href, .. } => Some(href),
                Piece::Text(_) => None,
            })
            .collect()
    }

    /// The pieces put back together give the text: nothing is lost or doubled.
    fn round_trip(text: &str) -> String {
        split_urls(text)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => t.to_string(),
                Piece::Url { raw, marked, .. } => format!("{}{raw}", if marked { "@" } else { "" }),
                Piece::Email { raw, .. } => raw.to_string(),
            })
            .collect()
    }

    /// Text `may_hold_link` rules out is one text piece as `split_urls` reads it, and nothing
    /// with a link in it is ruled out, on random texts built from the pieces of links.
    #[test]
    fn text_ruled_out_has_no_link() {
        let pieces = [
            "a", " ", "가나", ".", "/", "w", "ww", "www", "www.", "h", "http", "https", ":", "//", "@", "x.com",
            "mailto:", "(", ")", "e",
        ];
        let mut next = crate::text::random_below(0x51_7CC1_B727_220A);
        let mut linked = 0;
        for round in 0..20_000 {
            let text: String = (0..next(24)).map(|_| pieces[next(pieces.len())]).collect();
            let split = split_urls(&text);
            let one_text = matches!(split.as_slice(), [Piece::Text(t)] if *t == text);
            linked += usize::from(!one_text);
            assert!(may_hold_link(&text) || one_text, "round {round}: {text:?} gave {split:?}");
        }
        assert!(linked > 1_000, "too few texts with links to tell: {linked}");
    }

    /// GFM's extended autolink examples (spec 0.29, examples 621–635, in our own words where
    /// they are prose), plus cases from real notes. `www.` gets `https://` here, not `http://`.
    #[test]
    fn gfm_extended_autolinks() {
        let table: &[(&str, &[&str])] = &[
            ("www.commonmark.org", &["https://www.commonmark.org"]),
            ("Visit www.commonmark.org/help for more information.", &["https://www.commonmark.org/help"]),
            ("Visit www.commonmark.org.", &["https://www.commonmark.org"]),
            ("Visit www.commonmark.org/a.b.", &["https://www.commonmark.org/a.b"]),
            ("www.google.com/search?q=Markup+(business)", &["https://www.google.com/search?q=Markup+(business)"]),
            ("www.google.com/search?q=Markup+(business)))", &["https://www.google.com/search?q=Markup+(business)"]),
            ("(www.google.com/search?q=Markup+(business))", &["https://www.google.com/search?q=Markup+(business)"]),
            ("(www.google.com/search?q=Markup+(business)", &["https://www.google.com/search?q=Markup+(business)"]),
            ("www.google.com/search?q=(business))+ok", &["https://www.google.com/search?q=(business))+ok"]),
            ("www.google.com/search?q=commonmark&hl=en", &["https://www.google.com/search?q=commonmark&hl=en"]),
            ("www.google.com/search?q=commonmark&hl;", &["https://www.google.com/search?q=commonmark"]),
            ("www.commonmark.org/he<lp", &["https://www.commonmark.org/he"]),
            ("http://commonmark.org", &["http://commonmark.org"]),
            (
                "(Visit https://encrypted.google.com/search?q=Markup+(business))",
                &["https://encrypted.google.com/search?q=Markup+(business)"],
            ),
            ("Anonymous FTP is available at ftp://foo.bar.baz.", &[]),
            ("foo@bar.baz", &["mailto:foo@bar.baz"]),
            ("hello@mail+xyz.example isn't valid, but hello+xyz@mail.example is.", &["mailto:hello+xyz@mail.example"]),
            ("a.b-c_d@a.b", &["mailto:a.b-c_d@a.b"]),
            ("a.b-c_d@a.b.", &["mailto:a.b-c_d@a.b"]),
            ("a.b-c_d@a.b-", &[]),
            ("a.b-c_d@a.b_", &[]),
            ("mailto:foo@bar.baz", &["mailto:foo@bar.baz"]),
            ("npm i react@18.2.0 와 image@2x.png", &["mailto:image@2x.png"]),
            ("www.a_b.example.com", &["https://www.a_b.example.com"]),
            ("www.example.a_b.com", &[]),
            ("http://localhost:8080/x", &["http://localhost:8080/x"]),
            ("www. 과 http:// 만", &[]),
            // The three bugs of issue #10.
            ("https://x.tistory.com/entry/WEB-📚-CORS-정리 참고", &["https://x.tistory.com/entry/WEB-📚-CORS-정리"]),
            ("[https://a.com/x]", &["https://a.com/x"]),
            ("[링크 https://a.com/x] 와 https://a.com/y[0]", &["https://a.com/x", "https://a.com/y[0]"]),
            ("문의: dev.kim@example.co.kr 으로", &["mailto:dev.kim@example.co.kr"]),
            ("메일은 kim@example.com에게", &["mailto:kim@example.com"]),
            // An address inside a URL is part of the URL; a reference marker is not an address.
            ("@https://velog.io/@nittre/글", &["https://velog.io/@nittre/글"]),
            ("https://a.com/\"q\"", &["https://a.com/\"q"]),
        ];
        for (text, want) in table {
            assert_eq!(links(text), *want, "{text}");
            assert_eq!(round_trip(text), *text, "{text}");
        }
    }

    #[test]
    fn reference_line_drops_the_marker() {
        let pieces = split_urls("@https://github.com/Jjenny-K/crowdfunding");
        assert_eq!(
            pieces,
            vec![Piece::Url {
                href: "https://github.com/Jjenny-K/crowdfunding".into(),
                raw: "https://github.com/Jjenny-K/crowdfunding",
                marked: true
            }]
        );
    }

    #[test]
    fn bare_urls_in_korean_prose() {
        assert_eq!(urls("자세한 건 https://a.com/x 참고."), ["https://a.com/x"]);
        assert_eq!(urls("(https://a.com/x_(y)) 참고"), ["https://a.com/x_(y)"]);
        assert_eq!(urls("https://a.com에서 봤다"), ["https://a.com"]);
        assert_eq!(urls("https://ko.wikipedia.org/wiki/프로세스 문서"), ["https://ko.wikipedia.org/wiki/프로세스"]);
        assert_eq!(urls("끝에 점 https://a.com/b."), ["https://a.com/b"]);
        assert_eq!(urls("www.example.com 과"), ["www.example.com"]);
        // An address right after Hangul starts after it (this once failed the build).
        assert_eq!(links("연락a@b.com 주세요"), ["mailto:a@b.com"]);
        assert_eq!(round_trip("연락a@b.com 주세요"), "연락a@b.com 주세요");
    }

    #[test]
    fn text_without_urls_is_one_piece() {
        assert_eq!(split_urls("평범한 문장"), vec![Piece::Text("평범한 문장")]);
        assert_eq!(urls("email me@host, or http:// alone"), Vec::<String>::new());
    }

    #[test]
    fn email_like_at_is_kept() {
        let pieces = split_urls("user@https://x.com");
        assert_eq!(pieces[0], Piece::Text("user@"));
    }

    #[test]
    fn display_decodes_hangul() {
        let url = "https://velog.io/@nittre/%EB%B8%94%EB%A1%9C%ED%82%B9-Vs.-%EB%85%BC%EB%B8%94%EB%A1%9C%ED%82%B9";
        assert_eq!(display_url(url), "velog.io/@nittre/블로킹-Vs.-논블로킹");
        assert_eq!(display_url("https://it-eldorado.tistory.com/"), "it-eldorado.tistory.com");
        assert_eq!(display_url("https://x.com/%FF"), "x.com/%FF");
    }

    /// Long runs of what starts a link (`@`, `www.`, `http://`, brackets) stay linear.
    #[test]
    fn pathological_runs_stay_linear() {
        let n = 50_000;
        let cases = [
            "a@".repeat(n),
            "a.b@".repeat(n),
            "@a.b".repeat(n),
            "www.".repeat(n),
            "http://".repeat(n),
            "x www.a".repeat(n),
            format!("https://a.com/{}", ")".repeat(n)),
            format!("https://a.com/{}", "&a;".repeat(n)),
            format!("https://a.com/{}", ".,:".repeat(n)),
        ];
        for text in cases {
            let start = std::time::Instant::now();
            assert_eq!(round_trip(&text), text);
            // Linear is well under a second even unoptimised; quadratic would take minutes.
            assert!(start.elapsed().as_secs() < 5, "{}…", &text[..20]);
        }
    }
}
