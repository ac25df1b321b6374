//! Context from the note: an unlabeled block in a note whose other blocks are labelled `java`
//! (or whose title or folder says Java/자바) is most likely Java when it reads as Java at all.
//! C-style lines such as `for (int i = 0; i < n; i++)` are valid in Java, C, C++ and C# alike,
//! so the scorer alone cannot pick; the note can. The hint never makes code out of text (text
//! is rejected before it is consulted) and a block that clearly reads as another language keeps
//! that language.

use super::rules::{self, Lang, Scores, LANGS};
use super::Line;
use crate::highlight::{canonical_language, is_plain_label};

/// The language a note's code is in, from the fence labels of its blocks (the most frequent
/// code language wins; ties go to the first written) or else from a word of its title or
/// folder path (`[Java] Stream`, `Language/파이썬 기초`). Names are canonical (`java`, `cpp`).
pub fn note_language<'a>(labels: impl IntoIterator<Item = &'a str>, names: &[&str]) -> Option<&'static str> {
    let mut counts: Vec<(Lang, usize)> = Vec::new();
    for label in labels {
        let lower = label.trim().to_lowercase();
        if is_plain_label(&lower) {
            continue;
        }
        let Some(lang) = canonical_language(&lower).and_then(Lang::from_name) else {
            continue;
        };
        match counts.iter_mut().find(|(l, _)| *l == lang) {
            Some((_, n)) => *n += 1,
            None => counts.push((lang, 1)),
        }
    }
    let best = counts.iter().fold(None, |best: Option<(Lang, usize)>, &(l, n)| match best {
        Some((_, m)) if m >= n => best,
        _ => Some((l, n)),
    });
    if let Some((lang, _)) = best {
        return Some(lang.name());
    }
    names.iter().find_map(|name| named_language(name)).map(Lang::name)
}

/// A language named by a word of a title or path: `[C++] Vector`, `자바 스트림`, `Python/`.
fn named_language(text: &str) -> Option<Lang> {
    let lower = text.to_lowercase().replace("c++", " cpp ").replace("c#", " csharp ").replace("node.js", " nodejs ");
    // The last word naming a language is the nearest one: a file's, then its folder's.
    lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).rev().find_map(|word| {
        Some(match word {
            "java" | "자바" | "spring" | "jpa" => Lang::Java,
            "python" | "파이썬" | "django" | "numpy" | "pandas" => Lang::Python,
            "javascript" | "js" | "자바스크립트" | "nodejs" | "react" => Lang::JavaScript,
            "typescript" | "ts" | "타입스크립트" => Lang::TypeScript,
            "cpp" | "stl" => Lang::Cpp,
            "c" => Lang::C,
            "csharp" => Lang::CSharp,
            "kotlin" | "코틀린" => Lang::Kotlin,
            "go" | "golang" => Lang::Go,
            "rust" | "러스트" => Lang::Rust,
            "sql" | "mysql" | "postgresql" | "oracle" => Lang::Sql,
            "bash" | "shell" | "linux" | "리눅스" | "git" => Lang::Bash,
            _ => return None,
        })
    })
}

/// The guess with the note's language `hint` taken into account, given the scorer's `scores`
/// and its own pick `decided` (None when nothing cleared the bar).
pub(super) fn with_hint(hint: Lang, decided: Option<Lang>, scores: &Scores, lines: &[Line]) -> Option<Lang> {
    match decided {
        Some(lang) if lang == hint => Some(lang),
        // C read as C++ in a C++ note, JavaScript as TypeScript in a TypeScript note: the
        // scorer's pick inside a family or a shared syntax is a tie-break, the note knows better.
        // Unless the block shows the picked language's own marks (`printf`, `*p`, `#include`
        // in a Java note): then the hint's evidence falls well behind.
        Some(lang)
            if shares_syntax(lang, hint)
                && scores.get(hint) >= 0.75 * scores.get(lang)
                && fits(hint, scores, lines) =>
        {
            Some(hint)
        }
        Some(lang) => Some(lang),
        None if fits(hint, scores, lines) && !reads_as_other(hint, scores) => Some(hint),
        None => None,
    }
}

/// Languages whose everyday statements are written the same way.
fn shares_syntax(a: Lang, b: Lang) -> bool {
    const C_STYLE: [Lang; 4] = [Lang::Java, Lang::C, Lang::Cpp, Lang::CSharp];
    const JS: [Lang; 3] = [Lang::JavaScript, Lang::Jsx, Lang::TypeScript];
    a.family() == b.family() || (C_STYLE.contains(&a) && C_STYLE.contains(&b)) || (JS.contains(&a) && JS.contains(&b))
}

/// Another language has clearly more evidence than the hint (the scorer just could not settle
/// among the others, or had too little to pick it): the hint does not fit then. A language of
/// the same syntax needs less of a lead: its own marks (`Node*`, `printf`) are all it can show.
fn reads_as_other(hint: Lang, scores: &Scores) -> bool {
    let own = scores.get(hint);
    LANGS.iter().filter(|&&l| l != hint && l.family() != hint.family()).any(|&l| {
        let lead = if shares_syntax(l, hint) { 1.5 } else { 2.0 };
        scores.get(l) >= own + lead
    })
}

/// Whether the block can be written in `lang`: a cheap look at its tokens, brackets and first
/// words, strict enough that output (`[1, 2, 3]`, `Hello, World!`, `0 1 2`) does not pass.
fn fits(lang: Lang, scores: &Scores, lines: &[Line]) -> bool {
    if !balanced(lines) {
        return false;
    }
    match lang {
        Lang::Java | Lang::C | Lang::Cpp | Lang::CSharp | Lang::JavaScript | Lang::Jsx | Lang::TypeScript => {
            c_style(lines) || (lang == Lang::JavaScript && lines.iter().any(|l| is_member_chain(&l.code)))
        }
        Lang::Kotlin | Lang::Rust => c_style(lines) || lines.iter().any(|l| l.code.ends_with('}')),
        Lang::Go => {
            c_style(lines)
                || lines.iter().any(|l| {
                    let first = l.code.split_whitespace().next().unwrap_or("");
                    l.code.contains(":=") || matches!(first, "type" | "func" | "var" | "const" | "go" | "defer")
                })
        }
        Lang::Python => python_style(lines),
        Lang::Sql => lines.first().is_some_and(|l| sql_start(&l.code)),
        Lang::Bash => lines.iter().all(|l| shell_line(&l.code)),
        Lang::Json => json_shape(lines),
        _ => scores.get(lang) > 0.0,
    }
}

/// Brackets that open and close in order across the block (strings are already blanked).
fn balanced(lines: &[Line]) -> bool {
    let mut stack = Vec::new();
    for c in lines.iter().flat_map(|l| l.code.chars()) {
        match c {
            '(' | '[' | '{' => stack.push(c),
            ')' | ']' | '}' => {
                let open = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if stack.pop() != Some(open) {
                    return false;
                }
            }
            _ => {}
        }
    }
    stack.is_empty()
}

/// Statements of the C family: each line ends a statement (`;`), opens or closes a block, or
/// heads one (`for (…)`, `if (…) return;`), and some line holds an identifier.
fn c_style(lines: &[Line]) -> bool {
    let has_word = lines.iter().any(|l| l.code.chars().any(|c| c.is_ascii_alphabetic()));
    has_word
        && code_lines(lines).all(|l| {
            let c = l.code.as_str();
            c.ends_with([';', '{', '}', ','])
                || (c.ends_with(')') && (is_head(c) || c.contains("(") && !c.starts_with('(')))
                || (is_head(c) && c.contains('('))
                || c.starts_with("else")
                || c.starts_with('@')
                || c.ends_with(':') && (c.starts_with("case ") || c.starts_with("default"))
        })
}

/// Lines with code left once comments are removed (a comment-only line fits any language).
fn code_lines<'b, 'a>(lines: &'b [Line<'a>]) -> impl Iterator<Item = &'b Line<'a>> {
    lines.iter().filter(|l| !l.code.trim().is_empty())
}

/// `for (…)`, `if (…)`, `while (…)`: the head of a C-style statement.
fn is_head(c: &str) -> bool {
    let first = c.split(|ch: char| !ch.is_ascii_alphanumeric()).next().unwrap_or("");
    matches!(first, "for" | "if" | "while" | "switch" | "catch" | "synchronized")
        && c[first.len()..].trim_start().starts_with('(')
}

/// `items.filter(x => x.done).length`, `$(el).hide()`: a chain of member accesses and calls.
fn is_member_chain(c: &str) -> bool {
    c.contains('.') && c.contains('(') && !c.contains(' ') || (c.contains("=>") && c.contains('.'))
}

/// Python statements: no `;` or `{` line ends, and each line assigns, calls, indexes, opens a
/// block with `:` or starts with a keyword.
fn python_style(lines: &[Line]) -> bool {
    code_lines(lines).all(|l| {
        let c = l.code.as_str();
        let first = c.split(|ch: char| !ch.is_ascii_alphanumeric() && ch != '_').next().unwrap_or("");
        !c.ends_with([';', '{'])
            && (c.contains('=')
                || c.contains('(')
                || c.contains('[')
                || c.ends_with(':')
                || matches!(
                    first,
                    "return" | "import" | "from" | "pass" | "break" | "continue" | "raise" | "del" | "yield"
                ))
    }) && lines.iter().any(|l| l.code.chars().any(|c| c.is_ascii_alphabetic()))
}

/// A line that starts an SQL statement.
fn sql_start(c: &str) -> bool {
    let first = c.split_whitespace().next().unwrap_or("").trim_end_matches(';').to_ascii_uppercase();
    matches!(
        first.as_str(),
        "SELECT"
            | "INSERT"
            | "UPDATE"
            | "DELETE"
            | "CREATE"
            | "DROP"
            | "ALTER"
            | "GRANT"
            | "REVOKE"
            | "LOCK"
            | "UNLOCK"
            | "BEGIN"
            | "COMMIT"
            | "ROLLBACK"
            | "SET"
            | "SHOW"
            | "USE"
            | "TRUNCATE"
            | "EXPLAIN"
            | "WITH"
            | "START"
            | "DESC"
            | "SAVEPOINT"
            | "MERGE"
            | "CALL"
    )
}

/// A shell command line: a known command, a script path (`./run.sh`) or a prompt, with lower
/// case words and flags after it.
fn shell_line(c: &str) -> bool {
    let c = c.strip_prefix("$ ").unwrap_or(c);
    let first = c.split_whitespace().next().unwrap_or("");
    rules::is_shell_command(first) || first.starts_with("./") || first == "sudo"
}

/// A JSON value: the block opens with `{` or `[` and closes with its pair, and holds only
/// strings, numbers, literals, `:` and `,` between brackets.
fn json_shape(lines: &[Line]) -> bool {
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return false;
    };
    let open = first.code.starts_with('{') && last.code.ends_with('}')
        || first.code.starts_with('[') && last.code.ends_with(']');
    open && lines.iter().all(|l| {
        l.code
            .split(|c: char| "{}[]:,\" \t".contains(c))
            .filter(|w| !w.is_empty())
            .all(|w| w.parse::<f64>().is_ok() || matches!(w, "true" | "false" | "null"))
    })
}

#[cfg(test)]
mod tests {
    use super::super::{guess_language, guess_language_in};
    use super::*;

    /// C-style lines valid in Java, C and C++ alike are Java in a Java note; alone they stay
    /// what they were (plain).
    #[test]
    fn a_c_family_block_in_a_java_note_is_java() {
        for code in [
            "for (int i = 0; i < n; i++) {\n    sum += arr[i];\n}\n",
            "if (node == null) return 0;\n",
            "count++;\n",
            "static int gcd(int a, int b) {\n    return b == 0 ? a : gcd(b, a % b);\n}\n",
        ] {
            assert_eq!(guess_language_in(code, Some("java")), Some("java"), "{code}");
            assert_ne!(guess_language(code), Some("java"), "{code} was Java without the hint");
        }
        assert_eq!(guess_language("for (int i = 0; i < n; i++) {\n    sum += arr[i];\n}\n"), None);
    }

    #[test]
    fn other_languages_take_their_hint_when_the_block_fits() {
        let cases = [
            ("python", "x, y = y, x\n"),
            ("python", "nums = [3, 1, 2]\nnums.sort()\n"),
            ("go", "type Queue []int\n"),
            ("sql", "UNLOCK TABLES;\n"),
            ("json", "[1, 2, 3]\n"),
            ("kotlin", "users.forEach { println(it.name) }\n"),
            ("bash", "ls -al\n"),
        ];
        for (lang, code) in cases {
            assert_eq!(guess_language_in(code, Some(lang)), Some(lang), "{code}");
        }
    }

    /// The hint never makes code out of prose, output or pseudocode.
    #[test]
    fn text_in_a_java_note_stays_plain() {
        for code in [
            "객체를 생성하면 힙에 저장되고, 참조 변수는 스택에 저장된다.\n",
            "Hello, World!\n",
            "[1, 2, 3, 4, 5]\n",
            "0 1 2 3 4\n",
            "start -> A -> B -> end\n",
            "undefined\n",
            "for each neighbor w of v:\n    if w is not visited:\n        DFS(w)\n",
            "Exception in thread \"main\" java.lang.NullPointerException\n    at Main.main(Main.java:5)\n",
        ] {
            assert_eq!(guess_language_in(code, Some("java")), None, "{code}");
        }
        assert_eq!(guess_language_in("total 8\ndrwxr-xr-x  2 user user 4096 Jan  1 00:00 .\n", Some("bash")), None);
    }

    /// A block that clearly reads as another language keeps it: Python in a Java note, C with
    /// `printf` and pointers in a Java note (the corpus has such call-by-reference examples).
    #[test]
    fn a_block_that_reads_as_another_language_keeps_it() {
        let python = "def add(a, b):\n    return a + b\n";
        assert_eq!(guess_language_in(python, Some("java")), Some("python"));
        let c = "void func(int *n) {\n    *n = 20;\n}\n\nvoid main() {\n    int n = 10;\n    func(&n);\n    printf(\"%d\", n);\n}\n";
        assert_eq!(guess_language_in(c, Some("java")), Some("c"));
        assert_eq!(guess_language_in("SELECT * FROM users;\n", Some("python")), Some("sql"));
        let pointers = "// 노드를 찾는다\nNode* FindNode(Node* subtree, string name, int depth);\n";
        assert_ne!(guess_language_in(pointers, Some("java")), Some("java"));
    }

    /// Comment-only lines (Korean explanations between statements) fit any language.
    #[test]
    fn comment_lines_do_not_break_the_fit() {
        let code = "void insert(int x) {\n    heap[++size] = x;\n    // 마지막 노드에 x를 넣음\n    up(size);\n}\n";
        assert_eq!(guess_language_in(code, Some("java")), Some("java"));
        let code = "# 평균 구하기\ndf.groupby(['a'])['b'].mean()\n";
        assert_eq!(guess_language_in(code, Some("python")), Some("python"));
    }

    #[test]
    fn the_note_language_comes_from_labels_then_title_then_folder() {
        assert_eq!(note_language(["java", "JAVA", "python", "text"], &["Python 기초"]), Some("java"));
        assert_eq!(note_language(["py", "java"], &[]), Some("python"));
        assert_eq!(note_language(["text", "mermaid"], &["[C++] Vector Container", "Language/x.md"]), Some("cpp"));
        assert_eq!(note_language([], &["스택과 큐", "Language/자바/스택.md"]), Some("java"));
        assert_eq!(note_language([], &["Vue.js 시작하기"]), Some("javascript"));
        assert_eq!(note_language([], &["운영체제", "Computer Science/OS.md"]), None);
    }
}
