//! WCAG contrast for the highlight themes: every token colour readable (4.5:1, AA for text)
//! against the background it is shown on. The themes as shipped fall short (InspiredGitHub's
//! comments 2.72:1, constants 3.89:1; OneHalfDark's comments 2.86:1), so each colour below the
//! bar is moved the least that reaches it: mixed toward black on a light background, toward
//! white on a dark one, which keeps its hue.

/// WCAG AA for normal text.
pub(crate) const AA: f64 = 4.5;

/// The code block's background in each mode: `--code-bg` of the embedded `gongbu.css`.
pub(crate) fn code_background(dark: bool) -> Option<[u8; 3]> {
    let css = include_str!("../../static/gongbu.css");
    // The first `--code-bg` is the light one (`:root`), the next the dark one.
    let mut values = css.split("--code-bg:").skip(1).filter_map(|rest| parse_hex(rest.trim_start()));
    if dark {
        values.nth(1)
    } else {
        values.next()
    }
}

/// `#rrggbb` or `#rgb` at the start of `text`.
pub(crate) fn parse_hex(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#')?;
    let digits: String = hex.chars().take_while(char::is_ascii_hexdigit).collect();
    let byte = |s: &str| u8::from_str_radix(s, 16).ok();
    match digits.len() {
        6 => Some([byte(&digits[0..2])?, byte(&digits[2..4])?, byte(&digits[4..6])?]),
        3 => {
            let d: Vec<u8> = digits.chars().filter_map(|c| byte(&c.to_string())).map(|v| v * 17).collect();
            Some([*d.first()?, *d.get(1)?, *d.get(2)?])
        }
        _ => None,
    }
}

fn luminance(c: [u8; 3]) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

/// WCAG contrast ratio of two colours.
pub(crate) fn ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `colour` if it meets AA on `background`, else the nearest mix toward black or white (the
/// way away from the background) that does.
pub(crate) fn readable(colour: [u8; 3], background: [u8; 3]) -> [u8; 3] {
    if ratio(colour, background) >= AA {
        return colour;
    }
    let toward: f64 = if luminance(background) > 0.18 { 0.0 } else { 255.0 };
    for step in 1..=100 {
        let t = f64::from(step) / 100.0;
        let mixed = colour.map(|v| (f64::from(v) + (toward - f64::from(v)) * t).round() as u8);
        if ratio(mixed, background) >= AA {
            return mixed;
        }
    }
    colour
}

/// syntect's CSS for a theme with every `color` made readable on the background it is shown on:
/// the rule's own `background-color`, else `background` (the code block's).
pub(crate) fn readable_css(css: &str, background: [u8; 3]) -> String {
    let mut out = String::with_capacity(css.len());
    for (n, rule) in css.split('}').enumerate() {
        if n > 0 {
            out.push('}');
        }
        let Some((selectors, body)) = rule.split_once('{') else {
            out.push_str(rule);
            continue;
        };
        let decl = |name: &str| {
            body.split([';', '\n'])
                .filter_map(|d| d.split_once(':'))
                .find(|(p, _)| p.trim() == name)
                .and_then(|(_, v)| parse_hex(v.trim()))
        };
        let behind = decl("background-color").unwrap_or(background);
        out.push_str(selectors);
        out.push('{');
        let mut first = true;
        for line in body.split('\n') {
            if !first {
                out.push('\n');
            }
            first = false;
            match line.split_once(':').filter(|(p, _)| p.trim() == "color") {
                Some((p, v)) => match parse_hex(v.trim()) {
                    Some(c) => out.push_str(&format!("{p}: {};", hex(readable(c, behind)))),
                    None => out.push_str(line),
                },
                None => out.push_str(line),
            }
        }
    }
    out
}

pub(crate) fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_match_wcag() {
        assert!((ratio([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 0.01);
        assert!((ratio(parse_hex("#969896").unwrap(), parse_hex("#f6f8fa").unwrap()) - 2.72).abs() < 0.01);
        assert_eq!(parse_hex("#fff"), Some([255, 255, 255]));
    }

    #[test]
    fn readable_moves_only_colours_below_the_bar() {
        let bg = [0xf6, 0xf8, 0xfa];
        assert_eq!(readable([0x18, 0x36, 0x91], bg), [0x18, 0x36, 0x91]);
        let comment = readable([0x96, 0x98, 0x96], bg);
        assert!(ratio(comment, bg) >= AA && ratio(comment, bg) < AA + 0.3, "{}", hex(comment));
    }
}
