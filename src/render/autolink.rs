//! Bare URLs in text (`https://…`, `www.…`) and the `@https://…` reference lines notes use,
//! found so they can become real links with readable, percent-decoded text.

use percent_encoding::percent_decode_str;

/// A piece of a text run: plain text or a URL found in it.
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
}

/// Split `text` around the URLs in it. Text with no URL comes back as one piece.
pub(crate) fn split_urls(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest_start = 0;
    let mut search_from = 0;
    while let Some((start, end)) = next_url(text, search_from) {
        let marked = text[..start].ends_with('@') && at_marker_stands_alone(&text[..start - 1]);
        let text_end = if marked { start - 1 } else { start };
        if text_end > rest_start {
            pieces.push(Piece::Text(&text[rest_start..text_end]));
        }
        let raw = &text[start..end];
        let href = if raw.starts_with("www.") { format!("https://{raw}") } else { raw.to_string() };
        pieces.push(Piece::Url { href, raw, marked });
        rest_start = end;
        search_from = end;
    }
    if rest_start < text.len() || pieces.is_empty() {
        pieces.push(Piece::Text(&text[rest_start..]));
    }
    pieces
}

/// The `@` is a reference marker at the start of a line or after a space, not part of an address
/// like `user@https…` (which does not occur in practice but must not lose the user).
fn at_marker_stands_alone(before: &str) -> bool {
    before.chars().next_back().is_none_or(|c| c.is_whitespace() || c == '(' || c == '>' || c == ':')
}

/// Byte range of the next URL at or after `from`. One pass over the text: each candidate
/// start (`h` or `w`) is looked at once, so a paragraph of many URLs stays linear.
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
        let end = url_end(text, start, prefix.len());
        let has_host = end > at && text[at..end].contains(|c: char| c.is_ascii_alphanumeric());
        if has_host {
            return Some((start, end));
        }
    }
    None
}

/// End of a URL starting at `start`: GitHub's extended autolink rules, roughly. Stops at
/// whitespace and `<`; trailing punctuation and an unbalanced `)` are left out. Non-ASCII
/// (raw Hangul) is taken only in the path, so `https://a.com에서` stops before `에서`.
fn url_end(text: &str, start: usize, prefix_len: usize) -> usize {
    let mut end = start + prefix_len;
    let mut in_path = false;
    for (i, c) in text[start + prefix_len..].char_indices() {
        let ok = match c {
            c if c.is_whitespace() => false,
            '<' | '>' | '"' | '`' | '\u{3000}' => false,
            '/' | '?' | '#' => {
                in_path = true;
                true
            }
            c if c.is_ascii() => !c.is_ascii_control(),
            _ => in_path && c.is_alphanumeric(),
        };
        if !ok {
            break;
        }
        end = start + prefix_len + i + c.len_utf8();
    }
    // Trailing punctuation belongs to the sentence, not the address. Parentheses are counted
    // once, so a URL ending in many `)` is still trimmed in linear time.
    let opens = text[start..end].matches('(').count();
    let mut closes = text[start..end].matches(')').count();
    while let Some(last) = text[start..end].chars().next_back() {
        let unbalanced_paren = last == ')' && closes > opens;
        if matches!(last, '.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '_' | '~') || unbalanced_paren {
            end -= last.len_utf8();
            if last == ')' {
                closes -= 1;
            }
        } else {
            break;
        }
    }
    end
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

    fn urls(text: &str) -> Vec<String> {
        split_urls(text)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Url { raw, .. } => Some(raw.to_string()),
                Piece::Text(_) => None,
            })
            .collect()
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
}
