//! The scorer's evidence as a table: each row of `RULES` is a feature of one line (a keyword
//! at its start, a token anywhere, a shape a small function recognises) and the weights it adds
//! to languages. A new language feature is a new row in its language's group. Evidence that
//! needs the whole block (markup, CSS, SQL, JSON, YAML, Dockerfile) is tallied per line and weighed in
//! `block_evidence`.
//!
//! Adding a rule: pick the `Feature` that says it (combine with `All`/`Any`/`Not`; write a
//! `Custom` function only for a shape text matching cannot express, a `Shape` when the shape
//! needs a text), add the row to its language's group, then run
//! `cargo run --release --bin guess-accuracy -- --misses` and `cargo test --test language_guess`
//! to see what it wins and what it breaks.
//!
//! Speed: a line runs only the rows its texts allow (`Rows`), an `Any` or `Count` of many
//! parts first checks that one of its texts occurs, and the shapes asked of every line
//! (`sql_keywords`, `f_string`, `typed_declaration`) look at bytes before words. Measured on
//! the 1,000-note build (-j 1): 5,630.8 M -> 5,542.0 M instructions, the scorer 191 M -> 121 M.
//! Then the loop checks a row's texts only in the words of `Found` that hold them (`Sparse`),
//! with a few smaller cuts (`ByteSet::of`, `Needles`' buckets, the shebang cache in
//! `Highlighter`, the text test's words by bytes): 5,520.3 M -> 5,497.9 M.

use std::sync::OnceLock;

use super::needles::{set_bits, Found, Needles};
use super::Line;

/// Languages the scorer can pick. Order inside a family is the tie-break order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Lang {
    Python,
    Java,
    C,
    Cpp,
    CSharp,
    JavaScript,
    Jsx,
    TypeScript,
    Html,
    Xml,
    Css,
    Sql,
    Bash,
    Yaml,
    Json,
    Kotlin,
    Go,
    Rust,
    Dockerfile,
}

pub(super) const LANGS: [Lang; 19] = [
    Lang::Python,
    Lang::Java,
    Lang::C,
    Lang::Cpp,
    Lang::CSharp,
    Lang::JavaScript,
    Lang::Jsx,
    Lang::TypeScript,
    Lang::Html,
    Lang::Xml,
    Lang::Css,
    Lang::Sql,
    Lang::Bash,
    Lang::Yaml,
    Lang::Json,
    Lang::Kotlin,
    Lang::Go,
    Lang::Rust,
    Lang::Dockerfile,
];

impl Lang {
    pub(super) fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::Java => "java",
            Lang::C => "c",
            Lang::Cpp => "cpp",
            Lang::CSharp => "csharp",
            Lang::JavaScript => "javascript",
            Lang::Jsx => "jsx",
            Lang::TypeScript => "typescript",
            Lang::Html => "html",
            Lang::Xml => "xml",
            Lang::Css => "css",
            Lang::Sql => "sql",
            Lang::Bash => "bash",
            Lang::Yaml => "yaml",
            Lang::Json => "json",
            Lang::Kotlin => "kotlin",
            Lang::Go => "go",
            Lang::Rust => "rust",
            Lang::Dockerfile => "dockerfile",
        }
    }

    /// The language of a canonical name (`java`, `cpp`); None for a language the scorer
    /// does not pick.
    pub(super) fn from_name(name: &str) -> Option<Lang> {
        LANGS.iter().copied().find(|l| l.name() == name)
    }

    /// Languages of one family share most features; the margin is measured against the best
    /// language of another family, and the family member is picked by its own markers.
    pub(super) fn family(self) -> u8 {
        match self {
            Lang::C | Lang::Cpp => 1,
            Lang::JavaScript | Lang::Jsx | Lang::TypeScript => 2,
            Lang::Html | Lang::Xml => 3,
            Lang::Java | Lang::CSharp => 4,
            _ => 10 + self as u8,
        }
    }
}

/// Per-block tallies that are not a language's score yet: markup, CSS, SQL and JSON evidence
/// only counts once the whole block is seen (`block_evidence`).
#[derive(Clone, Copy)]
enum Tally {
    /// Lines opening with a tag (1.5 each), shared by HTML, XML and JSX.
    Markup,
    HtmlOnly,
    XmlOnly,
    JsxOnly,
    CssSelectors,
    CssProps,
    /// More than zero once a line starts like an SQL statement.
    SqlStatement,
    SqlWords,
    JsonKeys,
    /// Lines that are neither a JSON key, a bracket nor a bare value.
    JsonOther,
}

const TALLIES: usize = Tally::JsonOther as usize + 1;

/// Where a rule's weight goes.
#[derive(Clone, Copy)]
enum To {
    L(Lang),
    /// Java, C, C++ and C# alike (declarations, `;`, braces).
    CLike,
    /// JavaScript, JSX and TypeScript alike.
    Js,
    T(Tally),
}

use Lang::*;
use To::{CLike, Js, L, T};

/// Scores per language, plus the block-level tallies.
#[derive(Default)]
pub(super) struct Scores {
    langs: [f32; LANGS.len()],
    tally: [f32; TALLIES],
}

impl Scores {
    fn add(&mut self, lang: Lang, w: f32) {
        self.langs[lang as usize] += w;
    }
    pub(super) fn get(&self, lang: Lang) -> f32 {
        self.langs[lang as usize]
    }
    fn tally(&self, t: Tally) -> f32 {
        self.tally[t as usize]
    }
    fn apply(&mut self, to: To, w: f32) {
        match to {
            L(lang) => self.add(lang, w),
            CLike => {
                for l in [Java, C, Cpp, CSharp] {
                    self.add(l, w);
                }
            }
            Js => {
                for l in [JavaScript, Jsx, TypeScript] {
                    self.add(l, w);
                }
            }
            T(t) => self.tally[t as usize] += w,
        }
    }
}

/// What the rules look at: one line, with what many rules ask computed once.
pub(super) struct Ctx<'a> {
    /// The trimmed line as written.
    t: &'a str,
    /// The line without comments, string contents blanked (see `Line`).
    c: &'a str,
    /// `first_word(c)`.
    fw: &'a str,
    trailing_hash: bool,
    /// `leading_tag` and friends: what kind of markup tag opens the line.
    tag: Option<TagKind>,
    /// The line as a shell command (`shell_command`).
    shell: Option<ShellCommand>,
    /// The bytes of `c` and of `t`, to skip searches that cannot match.
    c_bytes: ByteSet,
    t_bytes: ByteSet,
    /// The table's texts that occur in `c` and in `t` (see `Test`), and in either.
    c_texts: Found,
    t_texts: Found,
    texts: Found,
    /// `call_statement(c)`, which four rows ask.
    call: bool,
}

/// Which ASCII bytes a line holds. A needle with a byte the line lacks cannot occur in it: this
/// settles most of the table's substring tests without running a search.
#[derive(Clone, Copy)]
struct ByteSet(u128);

impl ByteSet {
    fn of(s: &str) -> Self {
        // Two 64-bit halves: a shift of a `u128` costs several instructions a byte.
        let (mut low, mut high) = (0u64, 0u64);
        for b in s.bytes() {
            if b < 64 {
                low |= 1 << b;
            } else if b < 128 {
                high |= 1 << (b - 64);
            }
        }
        ByteSet(u128::from(high) << 64 | u128::from(low))
    }
    /// False only when `needle` surely does not occur (non-ASCII bytes are not tracked).
    fn may_contain(self, needle: &str) -> bool {
        needle.bytes().all(|b| !b.is_ascii() || self.0 & (1 << b) != 0)
    }
    fn has_upper(self) -> bool {
        const UPPER: u128 = ((1 << 26) - 1) << b'A';
        self.0 & UPPER != 0
    }
}

/// A test on one line. Text features look at the code (comments removed, strings blanked)
/// unless named `Raw…`; a feature holds with strength 1, or with a count (`Count`, `Amount`).
enum Feature {
    /// The code contains this text.
    Contains(&'static str),
    /// The code contains one of these texts.
    ContainsAny(&'static [&'static str]),
    /// The code or the raw line contains this text (for markers inside strings, like `'react'`).
    Mentions(&'static str),
    /// The raw line contains this text.
    RawContains(&'static str),
    StartsWith(&'static str),
    RawStartsWith(&'static str),
    EndsWith(&'static str),
    /// The whole code of the line is one of these.
    IsOneOf(&'static [&'static str]),
    /// The code starts with this identifier (`if` in `if (`, not in `ifdef`).
    StartsWord(&'static str),
    StartsWordAny(&'static [&'static str]),
    /// This identifier occurs anywhere in the code.
    Word(&'static str),
    /// The first word (`first_word`) is one of these.
    FirstWordIn(&'static [&'static str]),
    /// A `# comment` follows code on this line.
    TrailingHash,
    All(&'static [Feature]),
    Any(&'static [Feature]),
    Not(&'static Feature),
    /// Strength = how many of these hold, at most the cap.
    Count(&'static [Feature], u8),
    /// The second feature's strength, where the first holds.
    Gated(&'static Feature, &'static Feature),
    /// A shape plain text matching cannot say; the function holds the code.
    Custom(fn(&Ctx) -> bool),
    /// A `Custom` shape that cannot hold unless one of these texts occurs in the code (the
    /// scorer skips it on lines without them; a wrong text here makes the oracle test fail).
    Shape(&'static [&'static str], fn(&Ctx) -> bool),
    /// Strength computed by a function (0 = does not hold).
    Amount(fn(&Ctx) -> f32),
}

use Feature::*;

impl Feature {
    fn holds(&self, x: &Ctx) -> bool {
        match self {
            Contains(s) => x.c_bytes.may_contain(s) && x.c.contains(s),
            ContainsAny(list) => list.iter().any(|s| x.c_bytes.may_contain(s) && x.c.contains(s)),
            Mentions(s) => {
                (x.c_bytes.may_contain(s) && x.c.contains(s)) || (x.t_bytes.may_contain(s) && x.t.contains(s))
            }
            RawContains(s) => x.t_bytes.may_contain(s) && x.t.contains(s),
            StartsWith(s) => x.c.starts_with(s),
            RawStartsWith(s) => x.t.starts_with(s),
            EndsWith(s) => x.c.ends_with(s),
            IsOneOf(list) => list.contains(&x.c),
            StartsWord(w) => starts_word(x.c, w),
            StartsWordAny(list) => list.iter().any(|w| starts_word(x.c, w)),
            Word(w) => x.c_bytes.may_contain(w) && has_word(x.c, w),
            FirstWordIn(list) => list.contains(&x.fw),
            TrailingHash => x.trailing_hash,
            All(fs) => fs.iter().all(|f| f.holds(x)),
            Any(fs) => fs.iter().any(|f| f.holds(x)),
            Not(f) => !f.holds(x),
            Custom(f) | Shape(_, f) => f(x),
            Count(..) | Amount(_) | Gated(..) => self.strength(x) != 0.0,
        }
    }

    fn strength(&self, x: &Ctx) -> f32 {
        match self {
            Count(fs, cap) => fs.iter().filter(|f| f.holds(x)).count().min(*cap as usize) as f32,
            Amount(f) => f(x),
            Gated(gate, f) => {
                if gate.holds(x) {
                    f.strength(x)
                } else {
                    0.0
                }
            }
            _ => {
                if self.holds(x) {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }
}

/// One row: when `when` holds on a line, each target gets its weight (times the strength).
/// Weights: 4-5 near-certain marker, 2-3 typical construct, <1 weak hint, negative = evidence
/// against. Rows run in table order; a score is a float sum, so moving rows can change it in
/// the last bit: a refactor that must keep every guess keeps the order.
struct Rule {
    when: Feature,
    add: &'static [(To, f32)],
}

const fn rule(when: Feature, add: &'static [(To, f32)]) -> Rule {
    Rule { when, add }
}

/// Lines that hold nothing but a comment.
const COMMENT_RULES: &[Rule] = &[
    // A whole-line `#` comment: Python or shell.
    rule(RawStartsWith("# "), &[(L(Python), 0.7), (L(Bash), 0.5)]),
];

const ENDS_SEMI: Feature = EndsWith(";");
const PY_BLOCK: Feature = All(&[EndsWith(":"), Not(&EndsWith("::"))]);
const CALL: Feature = Shape(&["("], |x| x.call);
const C_TYPE_FIRST: Feature = Shape(C_TYPES, c_type_first);

/// Every line of code is scored by these rows, in this order. (Kept one row per line where it
/// fits: `rustfmt::skip`, because the formatter would spread each target list over many lines.)
#[rustfmt::skip]
const RULES: &[Rule] = &[
    // --- Punctuation common to brace languages.
    rule(ENDS_SEMI, &[(CLike, 0.4), (Js, 0.3), (L(Python), -1.0), (L(Kotlin), -0.5), (L(Go), -0.5)]),
    rule(
        Any(&[EndsWith("{"), IsOneOf(&["}", "};"])]),
        &[(CLike, 0.3), (Js, 0.3), (L(Kotlin), 0.3), (L(Go), 0.3), (L(Rust), 0.3), (L(Python), -0.5)],
    ),
    // --- Python
    rule(
        All(&[
            Any(&[StartsWord("def"), StartsWith("async def ")]),
            Any(&[PY_BLOCK, Contains(") ->")]),
        ]),
        &[(L(Python), 4.0)],
    ),
    rule(All(&[StartsWord("class"), PY_BLOCK]), &[(L(Python), 3.0)]),
    rule(All(&[PY_BLOCK, StartsWordAny(&["elif", "except"])]), &[(L(Python), 3.0)]),
    rule(
        All(&[PY_BLOCK, StartsWordAny(&["finally", "try", "with", "while", "if", "else"])]),
        &[(L(Python), 2.0)],
    ),
    // `for x in xs:`; pseudocode's `for each v of G:` is not Python.
    rule(All(&[PY_BLOCK, StartsWord("for"), Contains(" in ")]), &[(L(Python), 2.0)]),
    rule(All(&[PY_BLOCK, StartsWord("with"), Contains(" as ")]), &[(L(Python), 1.0)]),
    rule(Shape(&[" for "], |x| comprehension(x.c)), &[(L(Python), 2.5)]),
    rule(Shape(&["lambda"], |x| python_lambda(x.c)), &[(L(Python), 1.5)]),
    rule(
        ContainsAny(&[
            "sys.stdin", "list(map(", "map(int", "int(input(", "input().", "enumerate(", "range(len(", "isinstance(",
            ".items()", "f.read", "self,",
        ]),
        &[(L(Python), 2.0)],
    ),
    rule(
        ContainsAny(&[
            "heapq.", "itertools.", "collections.", "os.path", "math.", "random.", "np.", "pd.", "plt.", "asyncio.",
            "deque(", "defaultdict(", "Counter(", "sys.",
        ]),
        &[(L(Python), 1.5)],
    ),
    rule(Shape(&[" = "], |x| plain_assignment(x.c)), &[(L(Python), 0.7)]),
    rule(ContainsAny(&[".split()", ".strip()", ".lower()", ".upper()", " is True", " is None", " is not "]), &[(L(Python), 1.5)]),
    rule(All(&[StartsWith("assert "), Not(&ENDS_SEMI)]), &[(L(Python), 1.0)]),
    rule(
        Any(&[StartsWith("yield from "), All(&[StartsWith("raise "), Not(&ENDS_SEMI)]), Custom(|x| f_string(x.t))]),
        &[(L(Python), 2.0)],
    ),
    // `a if cond else b`
    rule(
        All(&[Contains(" if "), Contains(" else "), Not(&ContainsAny(&["{", "?", ";"])), Not(&PY_BLOCK)]),
        &[(L(Python), 2.5)],
    ),
    rule(All(&[StartsWith("print("), Not(&ENDS_SEMI)]), &[(L(Python), 0.5)]),
    rule(All(&[StartsWith("from "), Contains(" import ")]), &[(L(Python), 3.0)]),
    rule(
        All(&[
            StartsWith("import "),
            Not(&ENDS_SEMI),
            Not(&Contains(" from ")),
            Not(&ContainsAny(&["\"", "'", "{"])),
        ]),
        &[(L(Python), 1.5), (L(Kotlin), 0.5)],
    ),
    rule(ContainsAny(&["__name__", "__init__", "(self", "self."]), &[(L(Python), 2.0)]),
    rule(RawStartsWith(">>> "), &[(L(Python), 2.0)]),
    rule(All(&[Contains("print("), Not(&ENDS_SEMI)]), &[(L(Python), 1.0)]),
    rule(Word("None"), &[(L(Python), 0.5)]),
    rule(Word("True"), &[(L(Python), 0.5)]),
    rule(Word("False"), &[(L(Python), 0.5)]),
    rule(Word("lambda"), &[(L(Python), 0.5)]),
    rule(Word("elif"), &[(L(Python), 0.5)]),
    rule(Word("len"), &[(L(Python), 0.5)]),
    rule(Word("range"), &[(L(Python), 0.5)]),
    rule(Word("nonlocal"), &[(L(Python), 0.5)]),
    rule(CALL, &[(L(Python), 0.7), (Js, 0.3)]),
    rule(All(&[CALL, Shape(&["="], |x| keyword_arguments(x.c))]), &[(L(Python), 2.0)]),
    rule(All(&[TrailingHash, CALL]), &[(L(Python), 1.5)]),
    rule(TrailingHash, &[(L(Python), 1.0), (L(Bash), 0.5)]),
    // --- Java / C# / shared C-like declarations
    rule(ContainsAny(&["System.out.print", "System.err.print"]), &[(L(Java), 5.0)]),
    // A member declaration: modifier(s) then a type.
    rule(
        Shape(&["public", "private", "protected"], |x| member_declaration(x) == Some(true)),
        &[(L(Java), 3.0), (L(CSharp), 3.0), (L(TypeScript), 0.5), (L(Kotlin), 0.5)],
    ),
    rule(
        Shape(&["public", "private", "protected"], |x| member_declaration(x) == Some(false)),
        &[(L(Java), 2.0), (L(CSharp), 2.0), (L(TypeScript), 0.5), (L(Kotlin), 0.5)],
    ),
    rule(
        All(&[
            Any(&[
                StartsWith("import java"),
                StartsWith("import org."),
                StartsWith("import com."),
                StartsWith("import static "),
            ]),
            ENDS_SEMI,
        ]),
        &[(L(Java), 4.0)],
    ),
    rule(All(&[StartsWord("package"), ENDS_SEMI]), &[(L(Java), 4.0)]),
    rule(Shape(&["@"], annotation), &[(L(Java), 2.0), (L(Kotlin), 1.0)]),
    rule(Word("static"), &[(L(Java), 0.7), (L(CSharp), 0.7), (L(C), 0.5), (L(Cpp), 0.5)]),
    // Java's class names, on a line with code punctuation (`Thread-0 start` is output).
    rule(
        Gated(&ContainsAny(&["(", ")", "{", "}", ";", "=", "<", "."]), &Count(
            &[
                Word("String"),
                Word("boolean"),
                Word("Integer"),
                Word("ArrayList"),
                Word("HashMap"),
                Word("extends"),
                Word("implements"),
                Word("throws"),
                Word("instanceof"),
                Word("synchronized"),
                Word("final"),
                Word("Override"),
                Word("Runnable"),
                Word("Thread"),
                Word("Optional"),
                Word("Stream"),
                Word("Collectors"),
                Word("Arrays"),
                Word("Scanner"),
                Word("LinkedList"),
                Word("Exception"),
                Word("super"),
            ],
            2,
        )),
        &[(L(Java), 1.5)],
    ),
    rule(Contains(".equals("), &[(L(Java), 1.0)]),
    rule(All(&[StartsWith("final "), ENDS_SEMI]), &[(L(Java), 1.5)]),
    rule(Contains("Exception("), &[(L(Java), 1.5), (L(CSharp), 1.0)]),
    rule(ContainsAny(&["assertEquals(", "assertThat(", "assertTrue("]), &[(L(Java), 2.0)]),
    rule(
        Any(&[Shape(&["[]"], |x| typed_array(x.c)), All(&[Contains("new "), Contains("["), ENDS_SEMI])]),
        &[(L(Java), 1.5), (L(CSharp), 1.5)],
    ),
    rule(Shape(&["new "], new_capitalised), &[(L(Java), 1.0), (L(CSharp), 1.0), (Js, 0.8), (L(Cpp), 0.3)]),
    rule(C_TYPE_FIRST, &[(CLike, 1.0)]),
    rule(All(&[C_TYPE_FIRST, FirstWordIn(&["char", "unsigned"])]), &[(L(C), 0.5), (L(Cpp), 0.5)]),
    // The type is capitalised: a line without an upper-case letter is not asked.
    rule(Custom(|x| x.c_bytes.has_upper() && typed_declaration(x.c)), &[(L(Java), 2.0), (L(CSharp), 2.0), (L(Cpp), 0.3)]),
    rule(Shape(&["<"], |x| capitalized_generic(x.c)), &[(L(Java), 1.5), (L(CSharp), 1.5)]),
    rule(
        ContainsAny(&["Integer.", "Arrays.", "Collections.", "Character.", "Objects."]),
        &[(L(Java), 1.5)],
    ),
    // Lower-case booleans: not C (which has none without stdbool), not Python.
    rule(Any(&[Word("true"), Word("false")]), &[(L(Java), 0.3), (L(Cpp), 0.3), (Js, 0.3)]),
    rule(ContainsAny(&["java.", "javax."]), &[(L(Java), 3.0)]),
    rule(
        ContainsAny(&[
            ".charAt(", ".equals(", "Integer.parseInt", "String.valueOf", ".getOrDefault(", ".isEmpty()",
            ".printStackTrace()", ".toCharArray()", ".length()",
        ]),
        &[(L(Java), 1.5)],
    ),
    rule(
        Any(&[
            StartsWith("synchronized ("),
            ContainsAny(&[
                "System.currentTimeMillis", "System.nanoTime", "System.in", "System.exit", "System.arraycopy",
            ]),
        ]),
        &[(L(Java), 2.5)],
    ),
    // JavaScript and Kotlin bindings: not Java or C#.
    rule(StartsWordAny(&["let", "const", "val"]), &[(L(Java), -1.0), (L(CSharp), -1.0)]),
    // `int m = Math.max(a, b);`: a typed declaration around JavaScript's `Math`.
    rule(All(&[C_TYPE_FIRST, Contains("Math.")]), &[(L(Java), 1.5), (L(CSharp), 0.5)]),
    rule(Contains(" -> "), &[(L(Java), 0.5)]),
    rule(ContainsAny(&["using System", "Console.Write", "{ get; set; }"]), &[(L(CSharp), 5.0)]),
    rule(Contains("foreach ("), &[(L(CSharp), 2.0)]),
    // --- C / C++
    rule(
        All(&[StartsWith("#include"), ContainsAny(&[".h>", ".h\""])]),
        &[(L(C), 3.0), (L(Cpp), 1.5)],
    ),
    rule(
        All(&[StartsWith("#include"), Not(&ContainsAny(&[".h>", ".h\""]))]),
        &[(L(Cpp), 5.0)],
    ),
    rule(
        Any(&[StartsWith("#define"), StartsWith("#ifndef"), StartsWith("#pragma")]),
        &[(L(C), 2.0), (L(Cpp), 1.5)],
    ),
    rule(
        ContainsAny(&[
            "printf(", "scanf(", "malloc(", "calloc(", "realloc(", "free(", "sizeof(", "strcpy(",
            "strlen(", "memset(", "puts(", "fgets(", "pthread_", "fork()", "exit(", "getchar(", "fopen(",
            "fclose(", "fprintf(",
        ]),
        &[(L(C), 2.0), (L(Cpp), 1.0)],
    ),
    rule(Contains("(void)"), &[(L(C), 2.0)]),
    rule(Word("struct"), &[(L(C), 1.5), (L(Cpp), 0.5), (L(Go), 0.5), (L(Rust), 0.5)]),
    rule(Word("NULL"), &[(L(C), 1.5), (L(Cpp), 0.5)]),
    rule(Word("unsigned"), &[(L(C), 1.0), (L(Cpp), 1.0)]),
    // C++ reaches members through `this->`; `this.` is Java or JavaScript.
    rule(Contains("this."), &[(L(C), -1.0), (L(Cpp), -1.0)]),
    rule(Shape(&["->"], |x| arrow_deref(x.c)), &[(L(C), 2.0), (L(Cpp), 2.0)]),
    // `f(&x)`, `scanf("%d", &n)`: passing an address.
    rule(Shape(&["(&", ", &"], |x| address_argument(x.c)), &[(L(C), 1.0), (L(Cpp), 1.0)]),
    rule(Shape(&["*"], |x| pointer_declaration(x.c)), &[(L(C), 1.5), (L(Cpp), 1.5)]),
    // A function defined without access modifier: C style (Java methods carry one).
    rule(
        All(&[
            FirstWordIn(C_TYPES),
            Not(&Contains("=")),
            Any(&[EndsWith("{"), EndsWith(")")]),
            Contains("("),
        ]),
        &[(L(C), 1.0), (L(Cpp), 1.0)],
    ),
    rule(Contains("int main("), &[(L(C), 2.0), (L(Cpp), 2.0)]),
    rule(
        Count(
            &[
                Contains("std::"),
                Contains("using namespace"),
                Contains("template<"),
                Contains("template <"),
                Contains("nullptr"),
                Contains("vector<"),
                Contains("::iterator"),
                Contains("const&"),
                Contains("ios::"),
                Contains("pair<"),
                ContainsAny(&["map<", "set<", "queue<", "stack<", "unordered_", "<string>"]),
                ContainsAny(&["<int>", "<char>", "<long long>", "<double>", "greater<", "less<"]),
                Word("cout"),
                Word("cin"),
                Word("endl"),
                Word("virtual"),
                Word("namespace"),
                All(&[FirstWordIn(&["string", "auto", "delete"]), Contains(" "), Not(&Contains(" from "))]),
            ],
            2,
        ),
        &[(L(Cpp), 3.0)],
    ),
    rule(IsOneOf(&["public:", "private:", "protected:"]), &[(L(Cpp), 3.0)]),
    rule(
        All(&[Contains("::"), Not(&Contains("std::"))]),
        &[(L(Cpp), 0.7), (L(Rust), 0.7), (L(Java), 0.3)],
    ),
    // --- JavaScript family
    rule(Contains("console."), &[(Js, 4.0)]),
    rule(Word("function"), &[(Js, 2.5)]),
    rule(
        All(&[StartsWordAny(&["const", "let"]), Contains("="), Not(&StartsWith("const val "))]),
        &[(Js, 3.0), (L(Rust), 0.5)],
    ),
    rule(StartsWith("constructor("), &[(Js, 2.0)]),
    rule(
        ContainsAny(&[
            "localStorage.", "sessionStorage.", "Array.from(", "Array.isArray(", "Object.keys(", "Object.entries(",
            "Object.assign(", "Object.freeze(", "Object.defineProperty(",
        ]),
        &[(Js, 2.0)],
    ),
    // Spread and rest: `[...a]`, `{ ...b }`, `(...args)`.
    rule(Shape(&["..."], |x| spread(x.c)), &[(Js, 1.5)]),
    // A call with an object literal: `new Vue({`, `$.ajax({`.
    rule(EndsWith("({"), &[(Js, 1.0)]),
    rule(ContainsAny(&["express.", "app.use("]), &[(Js, 2.0)]),
    rule(Any(&[Shape(&["$("], jquery), Contains("this.#")]), &[(Js, 2.0)]),
    rule(
        // `const`/`let` lines never start with `var`: the two rows cannot both hold.
        All(&[StartsWord("var"), Contains("=")]),
        &[(Js, 3.0), (L(Kotlin), 0.5), (L(CSharp), 0.5), (L(Java), 0.3)],
    ),
    rule(Shape(&[":"], |x| object_property(x.c)), &[(Js, 0.5)]),
    rule(Contains("=>"), &[(Js, 2.0), (L(CSharp), 0.5)]),
    rule(ContainsAny(&["===", "!=="]), &[(Js, 3.0)]),
    rule(
        ContainsAny(&[
            "document.",
            "window.",
            "require(",
            "module.exports",
            "process.env",
            "JSON.",
            "Promise",
            ".then(",
            "setTimeout(",
            "addEventListener",
            "undefined",
            "prototype",
        ]),
        &[(Js, 2.0)],
    ),
    rule(All(&[ContainsAny(&["async ", "await "]), Not(&Contains("async def "))]), &[(Js, 2.0)]),
    rule(
        Any(&[
            All(&[StartsWith("export "), Not(&Custom(|x| shell_assignment(&x.c["export ".len()..])))]),
            All(&[StartsWith("import "), Any(&[Contains(" from "), EndsWith("'"), EndsWith("';")])]),
        ]),
        &[(Js, 3.0)],
    ),
    rule(All(&[RawContains("`"), RawContains("${")]), &[(Js, 2.0)]),
    rule(All(&[Word("this"), Contains("this.")]), &[(Js, 1.0), (L(Java), 0.5)]),
    rule(ContainsAny(&[": function", ":function"]), &[(Js, 2.0)]),
    rule(
        Count(
            &[
                Mentions("className="),
                Mentions("React."),
                Mentions("ReactDOM"),
                Mentions("'react'"),
                Mentions("useState"),
                Mentions("useEffect"),
                Mentions("render()"),
                Mentions("props."),
                Mentions("<>"),
                Mentions("</>"),
                Mentions("return <"),
                Mentions("(<"),
                Mentions("={"),
            ],
            2,
        ),
        &[(T(Tally::JsxOnly), 3.0)],
    ),
    rule(Shape(&["<"], |x| component_tag(x.c)), &[(T(Tally::JsxOnly), 2.0)]),
    rule(Contains(": string"), &[(L(TypeScript), 1.5)]),
    rule(Contains(": number"), &[(L(TypeScript), 1.5)]),
    rule(Contains(": boolean"), &[(L(TypeScript), 1.5)]),
    rule(Contains(": any"), &[(L(TypeScript), 1.5)]),
    rule(Contains(": void"), &[(L(TypeScript), 1.5)]),
    rule(
        All(&[
            StartsWordAny(&["interface", "type", "enum", "readonly", "declare", "namespace"]),
            Any(&[Contains("="), EndsWith("{")]),
            Not(&ContainsAny(&[" struct", " interface {"])),
        ]),
        &[(L(TypeScript), 1.5)],
    ),
    // `type Status = …`, `const xs: User[] = []`, `function f<T>(a: T): T {`.
    rule(All(&[StartsWord("type"), Contains(" = ")]), &[(L(TypeScript), 1.0)]),
    rule(
        All(&[StartsWordAny(&["const", "let"]), Custom(|x| annotated_binding(x.c))]),
        &[(L(TypeScript), 2.0)],
    ),
    rule(All(&[Word("function"), ContainsAny(&["): ", ">("])]), &[(L(TypeScript), 2.0)]),
    rule(
        ContainsAny(&["<number", "number>", "<boolean", "boolean>", "<void>", "<any>", "<unknown>", "string, number"]),
        &[(L(TypeScript), 2.0)],
    ),
    // --- Markup (HTML, XML, JSX share the tag lines; see `block_evidence`)
    rule(Shape(&["<"], |x| x.tag.is_some()), &[(T(Tally::Markup), 1.5)]),
    rule(Shape(&["<"], |x| x.tag == Some(TagKind::Html)), &[(T(Tally::HtmlOnly), 1.0)]),
    rule(Shape(&["<"], |x| x.tag == Some(TagKind::Xml)), &[(T(Tally::XmlOnly), 1.0)]),
    rule(
        All(&[Shape(&["<"], |x| x.tag.is_some()), Any(&[StartsWith("<?xml"), Contains("xmlns")])]),
        &[(T(Tally::XmlOnly), 3.0)],
    ),
    // --- CSS
    rule(Shape(&["{"], |x| css_selector(x.c)), &[(T(Tally::CssSelectors), 1.0)]),
    rule(Shape(&[";"], |x| css_property(x.c)), &[(T(Tally::CssProps), 1.5)]),
    rule(Shape(&["{"], |x| css_one_line_rule(x.c)), &[(T(Tally::CssSelectors), 1.0), (T(Tally::CssProps), 1.5)]),
    // --- SQL
    rule(Custom(sql_statement), &[(T(Tally::SqlStatement), 1.0), (T(Tally::SqlWords), 2.0)]),
    rule(Amount(sql_keywords), &[(T(Tally::SqlWords), 1.0)]),
    rule(ContainsAny(&["dbms_output", "VARCHAR"]), &[(T(Tally::SqlWords), 2.0)]),
    // --- Shell
    rule(RawStartsWith("$ "), &[(L(Bash), 3.0)]),
    rule(Custom(|x| x.shell.is_some_and(|cmd| cmd.tool)), &[(L(Bash), 3.0)]),
    rule(Custom(|x| x.shell.is_some_and(|cmd| !cmd.tool)), &[(L(Bash), 2.0)]),
    rule(Custom(|x| x.shell.is_some_and(|cmd| cmd.flag)), &[(L(Bash), 0.5)]),
    rule(Shape(&["="], |x| shell_assignment(x.c)), &[(L(Bash), 1.5)]),
    rule(
        All(&[StartsWith("export "), Custom(|x| shell_assignment(&x.c["export ".len()..]))]),
        &[(L(Bash), 3.0)],
    ),
    rule(
        Any(&[
            All(&[Contains("$("), Not(&Shape(&["$("], jquery))]),
            StartsWith("if ["),
            IsOneOf(&["fi", "done", "esac", "then", "do"]),
            EndsWith("; then"),
            EndsWith("; do"),
        ]),
        &[(L(Bash), 2.0)],
    ),
    rule(ContainsAny(&[" | grep", " 2>&1", "> /dev/null"]), &[(L(Bash), 1.5)]),
    // --- JSON (YAML is judged on the whole block: `YamlLines`)
    rule(Shape(&["\""], |x| json_key_line(x.c)), &[(T(Tally::JsonKeys), 1.0)]),
    rule(Shape(&["{\""], |x| json_object_line(x.c)), &[(T(Tally::JsonKeys), 1.0)]),
    rule(
        All(&[
            Not(&Custom(|x| json_key_line(x.c))),
            Not(&Custom(|x| json_object_line(x.c))),
            Not(&Custom(|x| matches!(x.c.trim_end_matches(','), "{" | "}" | "[" | "]" | "},"))),
            Not(&Custom(|x| json_value_line(x.c))),
        ]),
        &[(T(Tally::JsonOther), 1.0)],
    ),
    // --- Kotlin
    rule(Any(&[StartsWord("fun"), Contains(" fun ")]), &[(L(Kotlin), 4.0)]),
    rule(All(&[StartsWordAny(&["val", "var"]), Not(&ENDS_SEMI)]), &[(L(Kotlin), 1.5)]),
    rule(
        Any(&[
            StartsWith("data class"),
            Contains("companion object"),
            All(&[Contains("println("), Not(&Contains("System.")), Not(&Contains("fmt."))]),
        ]),
        &[(L(Kotlin), 1.5)],
    ),
    rule(
        Any(&[StartsWith("data class "), Contains("companion object"), StartsWith("lateinit var ")]),
        &[(L(Kotlin), 2.5)],
    ),
    rule(All(&[StartsWord("val"), Not(&ENDS_SEMI), Contains(" = ")]), &[(L(Kotlin), 1.0)]),
    rule(StartsWith("const val "), &[(L(Kotlin), 3.0)]),
    rule(
        Any(&[
            Contains(" by lazy"),
            All(&[StartsWordAny(&["private", "protected", "internal", "override"]), ContainsAny(&[" val ", " var "])]),
        ]),
        &[(L(Kotlin), 3.0)],
    ),
    rule(StartsWith("println("), &[(L(Kotlin), 1.0)]),
    // C++11 has `enum class` too, closed with `;`.
    rule(All(&[StartsWith("enum class "), Not(&ENDS_SEMI)]), &[(L(Kotlin), 2.5)]),
    rule(
        Any(&[All(&[StartsWord("object"), EndsWith("{")]), All(&[StartsWith("when ("), EndsWith("{")])]),
        &[(L(Kotlin), 2.5)],
    ),
    rule(Contains(" ?: "), &[(L(Kotlin), 2.0)]),
    rule(ContainsAny(&["{ it ", "{ it.", "(it)"]), &[(L(Kotlin), 1.5)]),
    rule(ContainsAny(&["listOf", "mapOf", "arrayOf", "setOf", "emptyList("]), &[(L(Kotlin), 2.0)]),
    rule(All(&[StartsWith("for ("), ContainsAny(&[" until ", " downTo ", ".."])]), &[(L(Kotlin), 2.5)]),
    // --- Go
    rule(Any(&[IsOneOf(&["package main"]), Contains("fmt.")]), &[(L(Go), 4.0)]),
    rule(StartsWord("func"), &[(L(Go), 3.0), (L(Java), -1.0)]),
    rule(Contains(":="), &[(L(Go), 1.0), (T(Tally::SqlWords), 0.5)]),
    rule(Shape(&[" := "], |x| short_variable_declaration(x.c)), &[(L(Go), 1.0)]),
    rule(
        Any(&[
            All(&[StartsWord("type"), ContainsAny(&[" struct {", " interface {"])]),
            StartsWith("if err != nil"),
            Contains(":= range "),
        ]),
        &[(L(Go), 4.0)],
    ),
    rule(Any(&[IsOneOf(&["import ("]), StartsWith("defer "), Mentions("json:\"")]), &[(L(Go), 3.0)]),
    rule(Shape(&["go "], |x| go_statement(x.c)), &[(L(Go), 2.5)]),
    rule(Shape(&["var"], |x| go_var(x.c)), &[(L(Go), 1.5), (L(Kotlin), -1.5)]),
    // `mu.Lock()`: an exported (capitalised) method called without a semicolon.
    rule(All(&[CALL, Shape(&["."], |x| capitalised_method(x.c))]), &[(L(Go), 1.5)]),
    // --- Rust
    rule(
        Any(&[
            StartsWord("fn"),
            StartsWith("pub fn "),
            Contains("let mut "),
            StartsWith("impl "),
            Contains("println!"),
            StartsWith("use std::"),
        ]),
        &[(L(Rust), 4.0)],
    ),
    // `let n: i64 = …`, `-> usize`, `vec![…]`, `xs.iter()`: Rust's types, macros and iterators.
    rule(
        Any(&[
            All(&[StartsWord("let"), Custom(|x| x.c.split_whitespace().nth(2).is_some_and(rust_type))]),
            Shape(&["-> "], |x| x.c.split_once("-> ").is_some_and(|(_, ty)| rust_type(ty.trim_end_matches(['{', ' '])))),
            Shape(&["!(", "![", "!{"], |x| rust_macro(x.c)),
        ]),
        &[(L(Rust), 2.5)],
    ),
    rule(ContainsAny(&[".iter()", ".unwrap()", "&mut ", "Some(", "Ok(", "&str", "&self"]), &[(L(Rust), 1.5)]),
];

/// Line-level evidence from `RULES`, then the whole-block evidence.
pub(super) fn score(lines: &[Line]) -> Scores {
    let program = Program::get();
    score_with(lines, program, |s, table, x| program.apply(s, table, x))
}

/// `score` with the rows of a table applied to a line by `apply`: the compiled `Program`, or
/// (in tests) the features run as written.
fn score_with(lines: &[Line], program: &Program, apply: impl Fn(&mut Scores, Table, &Ctx)) -> Scores {
    let mut s = Scores::default();
    let mut yaml = YamlLines::default();
    let mut docker = DockerLines::default();
    for line in lines {
        let c = line.code.as_str();
        if c.is_empty() {
            let t_texts = program.needles.in_raw(line.raw);
            let x = Ctx {
                t: line.raw,
                c,
                fw: "",
                trailing_hash: line.trailing_hash,
                tag: None,
                shell: None,
                c_bytes: ByteSet(0),
                t_bytes: ByteSet::of(line.raw),
                c_texts: Found::default(),
                t_texts,
                texts: t_texts,
                call: false,
            };
            apply(&mut s, Table::Comment, &x);
            continue;
        }
        let (c_texts, t_texts) = (program.needles.in_code(c), program.needles.in_raw(line.raw));
        let x = Ctx {
            t: line.raw,
            c,
            fw: first_word(c),
            trailing_hash: line.trailing_hash,
            tag: markup_tag(c),
            shell: shell_command(line.raw, c),
            c_bytes: ByteSet::of(c),
            t_bytes: ByteSet::of(line.raw),
            c_texts,
            t_texts,
            texts: c_texts.union(&t_texts),
            call: call_statement(c),
        };
        apply(&mut s, Table::Main, &x);
        yaml.line(line);
        docker.line(&x);
    }
    block_evidence(&mut s, &yaml, lines.len());
    s.add(Dockerfile, docker.score());
    s
}

/// Which table of rows a line is scored by: `COMMENT_RULES` for a line that is only a comment.
#[derive(Clone, Copy)]
enum Table {
    Comment,
    Main,
}

/// The rule tables as the scorer runs them, built once: each row's feature as a `Test`, and
/// the texts it cannot hold without.
struct Program {
    needles: Needles,
    comment: Rows,
    main: Rows,
}

/// The rows of one table, and which of them a line can need to run: the rows that need no
/// text, and by text the rows that need it (a row with texts in `all` is filed under the first;
/// one with only `one_of` under each of them). A line's candidates are the first set and the
/// sets of its texts: most rows need a text most lines lack, and are not even looked at.
struct Rows {
    rows: Vec<Row>,
    always: RowSet,
    by_text: Vec<RowSet>,
}

/// A set of rows by number, in table order.
#[derive(Clone, Copy, Default)]
struct RowSet([u64; ROW_WORDS]);

/// Rows a table may hold: 64 per word.
const ROW_WORDS: usize = 3;

impl RowSet {
    fn insert(&mut self, row: usize) {
        self.0[row / 64] |= 1 << (row % 64);
    }
    fn union_with(&mut self, other: &RowSet) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }
    /// The rows, lowest first.
    fn rows(&self) -> impl Iterator<Item = usize> + '_ {
        set_bits(&self.0)
    }
}

impl Rows {
    /// The rows, each filed under the texts its `Need` names.
    fn new(rows: Vec<(Need, Row)>) -> Rows {
        assert!(rows.len() <= ROW_WORDS * 64, "more than {} rows in a guess table", ROW_WORDS * 64);
        let mut always = RowSet::default();
        let mut by_text: Vec<RowSet> = Vec::new();
        let mut file = |id: u16, row: usize| {
            let id = usize::from(id);
            if by_text.len() <= id {
                by_text.resize(id + 1, RowSet::default());
            }
            by_text[id].insert(row);
        };
        for (i, (need, _)) in rows.iter().enumerate() {
            match need.all.first() {
                Some(id) => file(id, i),
                None if need.one_of.is_empty() => always.insert(i),
                None => need.one_of.ids().for_each(|id| file(id, i)),
            }
        }
        Rows { rows: rows.into_iter().map(|(_, row)| row).collect(), always, by_text }
    }

    /// The rows whose texts `texts` may hold: every row whose `Need` is met is among them.
    fn candidates(&self, texts: &Found) -> RowSet {
        let mut set = self.always;
        for id in texts.ids() {
            if let Some(rows) = self.by_text.get(usize::from(id)) {
                set.union_with(rows);
            }
        }
        set
    }
}

struct Row {
    /// The row's `Need` (all of, one of) as the loop checks it.
    check: (Sparse, Sparse),
    test: Test,
    add: &'static [(To, f32)],
}

/// A set of texts by its nonzero words only: a row's texts sit in one or two of `Found`'s eight
/// words, and checking those alone is what the per-line loop over rows costs.
struct Sparse(Vec<(usize, u64)>);

impl Sparse {
    fn of(set: &Found) -> Sparse {
        Sparse(set.nonzero_words().collect())
    }
    /// Every text of the set is in `texts`.
    fn all_in(&self, texts: &Found) -> bool {
        self.0.iter().all(|&(i, w)| texts.word(i) & w == w)
    }
    /// Some text of the set is in `texts`.
    fn any_in(&self, texts: &Found) -> bool {
        self.0.iter().any(|&(i, w)| texts.word(i) & w != 0)
    }
}

impl Program {
    fn get() -> &'static Program {
        static PROGRAM: OnceLock<Program> = OnceLock::new();
        PROGRAM.get_or_init(|| {
            let mut needles = Needles::default();
            let mut compile = |rules: &'static [Rule]| {
                let row = |r: &'static Rule| {
                    let need = Need::of(&r.when, &mut needles);
                    let row = Row {
                        check: (Sparse::of(&need.all), Sparse::of(&need.one_of)),
                        test: Test::of(&r.when, &mut needles),
                        add: r.add,
                    };
                    (need, row)
                };
                rules.iter().map(row).collect()
            };
            let comment = Rows::new(compile(COMMENT_RULES));
            let main = Rows::new(compile(RULES));
            needles.finish();
            Program { needles, comment, main }
        })
    }

    /// Each row of `table` in order (a score is a float sum: the order fixes its last bit).
    fn apply(&self, s: &mut Scores, table: Table, x: &Ctx) {
        let rows = match table {
            Table::Comment => &self.comment,
            Table::Main => &self.main,
        };
        for i in rows.candidates(&x.c_texts).rows() {
            let Row { check: (all, one_of), test, add } = &rows.rows[i];
            // The row's `Need` is met: all of `all`, and one of `one_of` if it has any.
            if !all.all_in(&x.c_texts) || !(one_of.0.is_empty() || one_of.any_in(&x.c_texts)) {
                continue;
            }
            let strength = test.strength(x);
            if strength != 0.0 {
                for &(to, w) in *add {
                    s.apply(to, w * strength);
                }
            }
        }
    }
}

/// The texts of the code a feature cannot hold without: all of `all`, and one of `one_of`
/// (when it has any). Most rows of the table need a text most lines lack: they are skipped
/// without running.
#[derive(Clone, Copy, Default)]
struct Need {
    all: Found,
    one_of: Found,
}

impl Need {
    fn of(feature: &'static Feature, needles: &mut Needles) -> Need {
        let mut text = |s: &'static str| needles.add(s, true, false);
        match feature {
            // Each of these holds only where its text occurs in the code.
            Contains(s) | StartsWith(s) | EndsWith(s) | StartsWord(s) | Word(s) => {
                let mut all = Found::default();
                all.insert(text(s));
                Need { all, one_of: Found::default() }
            }
            ContainsAny(list) | IsOneOf(list) | StartsWordAny(list) | FirstWordIn(list) | Shape(list, _) => {
                let mut one_of = Found::default();
                for s in *list {
                    one_of.insert(text(s));
                }
                Need { all: Found::default(), one_of }
            }
            All(fs) => fs.iter().fold(Need::default(), |need, f| {
                let more = Need::of(f, needles);
                let one_of = if need.one_of.is_empty() { more.one_of } else { need.one_of };
                Need { all: need.all.union(&more.all), one_of }
            }),
            Gated(gate, f) => {
                let (gate, f) = (Need::of(gate, needles), Need::of(f, needles));
                Need {
                    all: gate.all.union(&f.all),
                    one_of: if gate.one_of.is_empty() { f.one_of } else { gate.one_of },
                }
            }
            // Holds (a count above zero) only where one of its parts holds: where one text
            // that part needs occurs.
            Any(fs) | Count(fs, _) => {
                let mut one_of = Found::default();
                for f in *fs {
                    let part = Need::of(f, needles);
                    match part.all.first() {
                        Some(id) => one_of.insert(id),
                        None if !part.one_of.is_empty() => one_of = one_of.union(&part.one_of),
                        None => return Need::default(),
                    }
                }
                Need { all: Found::default(), one_of }
            }
            _ => Need::default(),
        }
    }
}

/// A `Feature` as the scorer runs it: each text it searches for is looked up by number in the
/// texts found in the line in one pass (`Ctx::c_texts`, `Needles`); every other leaf runs as
/// written.
enum Test {
    /// `Contains`, and each text of `ContainsAny`.
    Code(u16),
    /// `RawContains`.
    Raw(u16),
    /// `Mentions`: in the code or the raw line.
    Either(u16),
    /// `Word`: the text occurs, and as a whole identifier.
    Word(u16, &'static str),
    Leaf(&'static Feature),
    All(Vec<Test>),
    /// With the texts (code or raw) one of which every part needs, when it is worth a look:
    /// a line with none of them is answered without trying each part.
    Any(Vec<Test>, Option<Sparse>),
    Not(Box<Test>),
    Count(Vec<Test>, u8, Option<Sparse>),
    Gated(Box<Test>, Box<Test>),
}

/// Parts from which an `Any` or `Count` first checks its texts (fewer are tried as fast).
const MASKED_PARTS: usize = 4;

impl Test {
    fn of(feature: &'static Feature, needles: &mut Needles) -> Test {
        let mut parts = |fs: &'static [Feature]| -> (Vec<Test>, Option<Sparse>) {
            let tests: Vec<Test> = fs.iter().map(|f| Test::of(f, needles)).collect();
            let mask = if tests.len() >= MASKED_PARTS { Test::texts_of_any(&tests, fs, needles) } else { None };
            (tests, mask.as_ref().map(Sparse::of))
        };
        match feature {
            All(fs) => Test::All(parts(fs).0),
            Any(fs) => {
                let (tests, mask) = parts(fs);
                Test::Any(tests, mask)
            }
            Count(fs, cap) => {
                let (tests, mask) = parts(fs);
                Test::Count(tests, *cap, mask)
            }
            Not(f) => Test::Not(Box::new(Test::of(f, needles))),
            Gated(gate, f) => Test::Gated(Box::new(Test::of(gate, needles)), Box::new(Test::of(f, needles))),
            Contains(s) => Test::Code(needles.add(s, true, false)),
            ContainsAny(list) => {
                let tests: Vec<Test> = list.iter().map(|s| Test::Code(needles.add(s, true, false))).collect();
                let mask = Test::code_texts(&tests);
                Test::Any(tests, (list.len() >= MASKED_PARTS).then(|| Sparse::of(&mask)))
            }
            RawContains(s) => Test::Raw(needles.add(s, false, true)),
            Mentions(s) => Test::Either(needles.add(s, true, true)),
            Word(w) => Test::Word(needles.add(w, true, false), w),
            _ => Test::Leaf(feature),
        }
    }

    fn holds(&self, x: &Ctx) -> bool {
        match self {
            Test::Code(id) => x.c_texts.has(*id),
            Test::Raw(id) => x.t_texts.has(*id),
            Test::Either(id) => x.c_texts.has(*id) || x.t_texts.has(*id),
            Test::Word(id, w) => x.c_texts.has(*id) && has_word(x.c, w),
            Test::Leaf(f) => f.holds(x),
            Test::All(ts) => ts.iter().all(|t| t.holds(x)),
            Test::Any(ts, mask) => mask.as_ref().is_none_or(|m| m.any_in(&x.texts)) && ts.iter().any(|t| t.holds(x)),
            Test::Not(t) => !t.holds(x),
            Test::Count(..) | Test::Gated(..) => self.strength(x) != 0.0,
        }
    }

    /// The texts of the code tests among `tests` (a `ContainsAny`'s parts).
    fn code_texts(tests: &[Test]) -> Found {
        let mut set = Found::default();
        for test in tests {
            if let Test::Code(id) = test {
                set.insert(*id);
            }
        }
        set
    }

    /// Texts one of which occurs in the code or the raw line wherever one of `tests` (compiled
    /// from `features`) holds; None when a part can hold without any text.
    fn texts_of_any(tests: &[Test], features: &'static [Feature], needles: &mut Needles) -> Option<Found> {
        let mut mask = Found::default();
        for (test, feature) in tests.iter().zip(features) {
            mask = mask.union(&test.texts_needed(feature, needles)?);
        }
        Some(mask)
    }

    /// Texts one of which occurs (in the code, or the raw line for `Raw`/`Either`) wherever this
    /// test, compiled from `feature`, holds; None when it can hold without any.
    fn texts_needed(&self, feature: &'static Feature, needles: &mut Needles) -> Option<Found> {
        let one = |id: u16| {
            let mut set = Found::default();
            set.insert(id);
            Some(set)
        };
        match (self, feature) {
            (Test::Code(id) | Test::Raw(id) | Test::Either(id) | Test::Word(id, _), _) => one(*id),
            (Test::Any(tests, _), Any(fs)) => Test::texts_of_any(tests, fs, needles),
            (Test::Any(tests, _), ContainsAny(_)) => Some(Test::code_texts(tests)),
            (Test::Count(tests, _, _), Count(fs, _)) => Test::texts_of_any(tests, fs, needles),
            (Test::All(tests), All(fs)) => tests.iter().zip(*fs).find_map(|(t, f)| t.texts_needed(f, needles)),
            (Test::Gated(gate, _), Gated(g, _)) => gate.texts_needed(g, needles),
            (Test::Leaf(_), f) => {
                let need = Need::of(f, needles);
                match need.all.first() {
                    Some(id) => one(id),
                    None => (!need.one_of.is_empty()).then_some(need.one_of),
                }
            }
            _ => None,
        }
    }

    /// As `Feature::strength`.
    fn strength(&self, x: &Ctx) -> f32 {
        match self {
            Test::Count(_, _, Some(mask)) if !mask.any_in(&x.texts) => 0.0,
            Test::Count(ts, cap, _) => ts.iter().filter(|t| t.holds(x)).count().min(*cap as usize) as f32,
            Test::Gated(gate, t) => {
                if gate.holds(x) {
                    t.strength(x)
                } else {
                    0.0
                }
            }
            Test::Leaf(f) => f.strength(x),
            _ => {
                if self.holds(x) {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }
}

/// The features run as written, row by row: the oracle `Program` must agree with.
#[cfg(test)]
fn apply_as_written(s: &mut Scores, table: Table, x: &Ctx) {
    let rules = match table {
        Table::Comment => COMMENT_RULES,
        Table::Main => RULES,
    };
    for rule in rules {
        let strength = match rule.when {
            Count(..) | Amount(_) | Gated(..) => rule.when.strength(x),
            ref when => {
                if when.holds(x) {
                    1.0
                } else {
                    continue;
                }
            }
        };
        if strength != 0.0 {
            for &(to, w) in rule.add {
                s.apply(to, w * strength);
            }
        }
    }
}

/// Evidence only the whole block gives: tags count for JSX only with JavaScript around them,
/// CSS needs both selectors and properties, SQL needs a statement, JSON needs only keys.
fn block_evidence(s: &mut Scores, yaml: &YamlLines, lines: usize) {
    let markup = s.tally(Tally::Markup);
    let jsx_only = s.tally(Tally::JsxOnly);
    // React hooks alone (`useState<number>(0)`) are not JSX: markup or two kinds of hint are.
    if jsx_only >= 2.0 && s.get(JavaScript) >= 2.0 && (markup > 0.0 || jsx_only >= 5.0) {
        s.add(Jsx, jsx_only + markup);
    }
    s.add(Html, markup + s.tally(Tally::HtmlOnly));
    s.add(Xml, markup + s.tally(Tally::XmlOnly));
    if markup > 0.0 && jsx_only < 2.0 {
        // Tags without JSX evidence: JavaScript-looking lines are likely inline script.
        s.add(JavaScript, -markup / 2.0);
    }
    let (selectors, props) = (s.tally(Tally::CssSelectors), s.tally(Tally::CssProps));
    if selectors > 0.0 && props > 0.0 {
        s.add(Css, props + 1.5 * selectors);
    }
    if s.tally(Tally::SqlStatement) > 0.0 {
        s.add(Sql, s.tally(Tally::SqlWords));
    }
    s.add(Yaml, yaml.score(lines));
    let keys = s.tally(Tally::JsonKeys);
    if keys > 0.0 && s.tally(Tally::JsonOther) == 0.0 {
        s.add(Json, 2.0 + 2.0 * keys);
    }
}

// ---------------------------------------------------------------------------------------------
// Shapes the `Custom` rows ask about.

/// `int x`, `const char* s`: a line opening with a C type (`const` only before another type).
fn c_type_first(x: &Ctx) -> bool {
    C_TYPES.contains(&x.fw)
        && (x.fw != "const" || C_TYPES.iter().any(|t| x.c["const".len()..].trim_start().starts_with(t)))
}

/// `public static int f(`: Some(typed) for a member declaration (an access modifier, not a
/// `public:` label), typed when a type follows the modifiers.
fn member_declaration(x: &Ctx) -> Option<bool> {
    let c = x.c;
    if !["public", "private", "protected"].iter().any(|k| starts_word(c, k)) || c.ends_with(':') {
        return None;
    }
    let ty = c
        .split_whitespace()
        .find(|w| !matches!(*w, "public" | "private" | "protected" | "static" | "final" | "abstract"));
    if ty.is_some_and(|w| matches!(w, "val" | "var" | "fun" | "suspend" | "override" | "data")) {
        return None; // Kotlin
    }
    Some(ty.is_some_and(|w| {
        C_TYPES.contains(&w)
            || matches!(w, "boolean" | "class" | "interface" | "enum" | "record")
            || w.starts_with(|ch: char| ch.is_ascii_uppercase())
    }))
}

/// `@Override`, `@Test`: an annotation at line start.
fn annotation(x: &Ctx) -> bool {
    x.c.strip_prefix('@').is_some_and(|rest| rest.starts_with(|ch: char| ch.is_ascii_uppercase()))
}

/// `new Node(`: a constructor call on a capitalised class.
fn new_capitalised(x: &Ctx) -> bool {
    x.c.contains("new ") && x.c.split("new ").nth(1).is_some_and(|r| r.starts_with(|ch: char| ch.is_ascii_uppercase()))
}

/// What kind of tag opens a markup line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TagKind {
    /// An HTML element, or `<!DOCTYPE html`.
    Html,
    /// Any other element name.
    Xml,
    /// `<!…` or `<?xml…` that says nothing more.
    Declaration,
}

fn markup_tag(c: &str) -> Option<TagKind> {
    match leading_tag(c) {
        Some(tag) if HTML_TAGS.contains(&tag.to_ascii_lowercase().as_str()) => Some(TagKind::Html),
        Some(_) => Some(TagKind::Xml),
        None if c.starts_with("<!") || c.starts_with("<?xml") => {
            if c.to_ascii_lowercase().starts_with("<!doctype html") {
                Some(TagKind::Html)
            } else {
                Some(TagKind::Declaration)
            }
        }
        None => None,
    }
}

/// `SELECT …`, or a lower-case statement that reads like one (`insert into`).
fn sql_statement(x: &Ctx) -> bool {
    let first = x.fw;
    if !SQL_STATEMENTS.iter().any(|k| first.eq_ignore_ascii_case(k)) {
        return false;
    }
    if first.chars().all(|ch| ch.is_ascii_uppercase()) {
        return true;
    }
    let lower = x.c.to_ascii_lowercase();
    [" from ", " into ", " table ", " set ", " where ", " values"].iter().any(|w| lower.contains(w))
}

/// Upper-case SQL keywords on the line: 0.7 each, at most 2.5.
fn sql_keywords(x: &Ctx) -> f32 {
    if !x.c_bytes.has_upper() {
        return 0.0; // Every keyword is upper case.
    }
    // Words are runs of identifier chars (ASCII, so bytes split them alike); only a short
    // all-capital word can be a keyword, and only those are looked up.
    let kw =
        x.c.as_bytes()
            .split(|&b| !is_ident_char(char::from(b)))
            .filter(|w| could_be_sql_keyword(w))
            .filter(|w| SQL_KEYWORDS.iter().chain(SQL_STATEMENTS).any(|k| k.as_bytes() == *w))
            .count();
    (0.7 * kw as f32).min(2.5)
}

/// Every SQL keyword and statement is 2 to 10 capitals (and digits: `VARCHAR2`).
fn could_be_sql_keyword(w: &[u8]) -> bool {
    (2..=10).contains(&w.len())
        && w[0].is_ascii_uppercase()
        && w.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A line read as a shell command.
#[derive(Clone, Copy)]
struct ShellCommand {
    /// A package manager or similar tool with arguments: stronger evidence than `ls`.
    tool: bool,
    /// Has a ` -flag`.
    flag: bool,
}

/// `git commit -m x`, `$ npm install`: a known command, not used like a variable or a call.
fn shell_command(raw: &str, c: &str) -> Option<ShellCommand> {
    let cmd_line = raw.strip_prefix("$ ").unwrap_or(c);
    let cmd = first_word(cmd_line);
    let after = &cmd_line[cmd.len()..];
    // Cheapest tests first (all are pure: the order does not change the answer).
    let is_command = (after.is_empty() || after.starts_with(' '))
        && !cmd_line.ends_with([';', '{', '(', ',', ':'])
        && SHELL_COMMANDS.contains(&cmd)
        && !cmd_line.contains(" = ")
        && !cmd_line.contains("=>")
        && !after.trim_start().starts_with(['=', '('])
        && !(cmd == "export"
            && (after.contains("default")
                || after.contains("const")
                || after.contains("function")
                || after.contains("class")))
        && !(cmd == "go" && (after.trim().is_empty() || after.contains('(')));
    if !is_command {
        return None;
    }
    let tools = [
        "git", "npm", "yarn", "docker", "kubectl", "apt", "apt-get", "brew", "pip", "pip3", "sudo", "npx", "cargo",
        "mvn", "vue",
    ];
    Some(ShellCommand { tool: tools.contains(&cmd) && !after.trim().is_empty(), flag: after.contains(" -") })
}

/// `Type name =`, `Type<T> name;`, `Type name(`: a declaration with a capitalised type, the
/// shape of Java/C# code.
fn typed_declaration(c: &str) -> bool {
    let mut parts = c.split_whitespace();
    let (Some(ty), Some(name)) = (parts.next(), parts.next()) else {
        return false;
    };
    let ty_ok = ty.starts_with(|ch: char| ch.is_ascii_uppercase())
        && ty.chars().all(|ch| is_ident_char(ch) || matches!(ch, '<' | '>' | ',' | '[' | ']' | '?'))
        && ty.chars().any(|ch| ch.is_ascii_lowercase());
    let name_ok = name.starts_with(|ch: char| ch.is_ascii_lowercase() || ch == '_');
    // Identifier chars are ASCII: one byte each.
    let rest = name.trim_start_matches(is_ident_char);
    let follow = parts.next().unwrap_or("");
    ty_ok
        && name_ok
        && (rest.starts_with([';', '(', '='])
            || follow.starts_with('=')
            || (rest.is_empty() && follow.is_empty() && c.ends_with(';')))
}

/// `key: value,` inside an object literal.
fn object_property(c: &str) -> bool {
    let Some((key, value)) = c.split_once(':') else {
        return false;
    };
    !key.is_empty() && key.chars().all(is_ident_char) && value.starts_with(' ') && c.ends_with(',')
}

/// `obj.method(args)` or `f(args)` as a whole line, without a semicolon.
fn call_statement(c: &str) -> bool {
    let Some(open) = c.find('(') else {
        return false;
    };
    let callee = &c[..open];
    !callee.is_empty()
        && callee.chars().all(|ch| is_ident_char(ch) || ch == '.')
        && !callee.starts_with('.')
        && c.ends_with(')')
        && !["if", "for", "while", "switch", "return"].contains(&callee)
}

/// `int[] a`, `String[][] grid`: array types written Java/C# style.
fn typed_array(c: &str) -> bool {
    c.match_indices("[]").any(|(i, _)| {
        let word = c[..i].rsplit(|ch: char| !is_ident_char(ch)).next().unwrap_or("");
        let is_type = C_TYPES.contains(&word)
            || matches!(word, "boolean" | "byte" | "String" | "Object")
            || word.starts_with(|ch: char| ch.is_ascii_uppercase());
        is_type && !word.is_empty() && c[i..].trim_start_matches("[]").starts_with(' ')
    })
}

/// `List<String>`, `Map<Integer, Node>`: generics over capitalised class types.
fn capitalized_generic(c: &str) -> bool {
    c.match_indices('<').any(|(i, _)| {
        c[..i].ends_with(|ch: char| ch.is_ascii_alphabetic())
            && c[..i]
                .rsplit(|ch: char| !is_ident_char(ch))
                .next()
                .is_some_and(|w| w.starts_with(|ch: char| ch.is_ascii_uppercase()))
            && c[i + 1..].starts_with(|ch: char| ch.is_ascii_uppercase())
    })
}

/// `f(x=1, y=2)`: keyword arguments, written without spaces around `=`.
fn keyword_arguments(c: &str) -> bool {
    let Some(args) = c.split_once('(').map(|(_, a)| a) else {
        return false;
    };
    args.split(',').any(|arg| {
        let arg = arg.trim();
        arg.split_once('=')
            .is_some_and(|(k, v)| !k.is_empty() && k.chars().all(is_ident_char) && !v.is_empty() && !v.starts_with('='))
    })
}

/// `a->b` without spaces: C/C++ member access through a pointer.
fn arrow_deref(c: &str) -> bool {
    c.match_indices("->").any(|(i, _)| {
        let before = c[..i].chars().next_back();
        let after = c[i + 2..].chars().next();
        // `d->d.getName()` is a Java lambda, not a dereference.
        let field = c[i + 2..].trim_start_matches(is_ident_char);
        before.is_some_and(|ch| is_ident_char(ch) || ch == ')' || ch == ']')
            && after.is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_')
            && !field.starts_with('.')
    })
}

/// `int *p`, `char* s`, `Node** head`, `struct Node *next`.
fn pointer_declaration(c: &str) -> bool {
    c.match_indices('*').any(|(i, _)| {
        let before = c[..i].trim_end();
        // The identifier just before `*`; trimmed by chars, so Hangul before it is no problem
        // (a byte offset `+ 1` past it is not a char boundary).
        let word = &before[before.trim_end_matches(is_ident_char).len()..];
        let after = c[i..].trim_start_matches('*').trim_start();
        let is_type = C_TYPES.contains(&word)
            || word == "FILE"
            || (word.starts_with(|ch: char| ch.is_ascii_uppercase())
                && word.len() > 1
                && word.chars().any(|ch| ch.is_ascii_lowercase()));
        is_type && after.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '_' || ch == ')')
    })
}

/// A JSX component tag: `<Columns />`, `<MainPage/>`, `<Fragment>`.
fn component_tag(c: &str) -> bool {
    c.match_indices('<').any(|(i, _)| {
        let rest = &c[i + 1..];
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name: String = rest.chars().take_while(|ch| ch.is_ascii_alphanumeric()).collect();
        name.starts_with(|ch: char| ch.is_ascii_uppercase())
            && name.chars().any(|ch| ch.is_ascii_lowercase())
            && rest[name.len()..].trim_start().starts_with(['>', '/'])
            && !c[..i].ends_with(|ch: char| is_ident_char(ch))
    })
}

fn css_selector(c: &str) -> bool {
    let Some(sel) = c.strip_suffix('{') else {
        return false;
    };
    let sel = sel.trim();
    if sel.is_empty() || sel.contains(['(', '=', ';', '"']) && !sel.starts_with('@') {
        return false;
    }
    sel.split(',').map(str::trim).all(|part| {
        let head = part.split([' ', ':', '>', '.', '#']).next().unwrap_or("");
        // `from`, `to` and `50%` are the selectors inside `@keyframes`.
        part.starts_with(['.', '#', '*', ':', '@'])
            || HTML_TAGS.contains(&head)
            || matches!(part, "from" | "to")
            || part.strip_suffix('%').is_some_and(|n| !n.is_empty() && n.chars().all(|ch| ch.is_ascii_digit()))
    })
}

/// `color: red;`, `font-size: 14px;`
fn css_property(c: &str) -> bool {
    let Some((prop, value)) = c.split_once(':') else {
        return false;
    };
    !prop.is_empty()
        && prop.trim_end().chars().all(|ch| ch.is_ascii_lowercase() || ch == '-')
        && !prop.ends_with(' ')
        && c.ends_with(';')
        && !value.trim().is_empty()
}

/// `NAME=value` with no spaces around `=`.
fn shell_assignment(c: &str) -> bool {
    let Some((name, value)) = c.split_once('=') else {
        return false;
    };
    !name.is_empty()
        && !value.is_empty()
        && !value.starts_with(['=', ' '])
        && name.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_')
        && name.starts_with(|ch: char| ch.is_ascii_uppercase())
}

fn json_key_line(c: &str) -> bool {
    let Some(rest) = c.strip_prefix('"') else {
        return false;
    };
    let Some(end) = rest.find('"') else {
        return false;
    };
    rest[end + 1..].trim_start().starts_with(':')
}

fn json_value_line(c: &str) -> bool {
    let v = c.trim_end_matches(',');
    // `f64` parses only from a digit, a sign, a dot, `inf` or `nan`.
    let may_be_number = v
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'i' | b'I' | b'n' | b'N'));
    v.starts_with('"') && v.ends_with('"')
        || (may_be_number && v.parse::<f64>().is_ok())
        || matches!(v, "true" | "false" | "null")
}

/// YAML: `key: value` and `- item` lines, some nesting, nothing that ends like code.
#[derive(Default)]
struct YamlLines {
    keys: usize,
    open_keys: usize,
    items: usize,
    nested: usize,
    codeish: usize,
    doc_start: bool,
}

impl YamlLines {
    fn line(&mut self, line: &Line) {
        let c = line.code.as_str();
        if c == "---" {
            self.doc_start = true;
            return;
        }
        if c.ends_with([';', '{', '}', ',', '(', ')']) || c.contains(" = ") {
            self.codeish += 1;
            return;
        }
        if let Some(item) = c.strip_prefix("- ") {
            if !item.trim().is_empty() {
                self.items += 1;
                return;
            }
        }
        let Some((key, value)) = c.split_once(':') else {
            self.codeish += 1;
            return;
        };
        let key_ok = key.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '_' || ch == '"' || ch == '\'')
            && key.chars().all(|ch| is_ident_char(ch) || matches!(ch, '-' | '.' | '"' | '\''));
        if !key_ok || !(value.is_empty() || value.starts_with(' ')) {
            self.codeish += 1;
            return;
        }
        self.keys += 1;
        if value.trim().is_empty() {
            self.open_keys += 1;
        }
        if line.indent > 0 {
            self.nested += 1;
        }
    }

    fn score(&self, lines: usize) -> f32 {
        let yamlish = self.keys + self.items;
        let structured = self.open_keys > 0 && (self.nested > 0 || self.items > 0);
        if self.keys >= 2 && structured && yamlish * 10 >= lines * 8 && self.codeish * 10 <= lines {
            1.0 + yamlish as f32 + if self.doc_start { 1.0 } else { 0.0 }
        } else {
            0.0
        }
    }
}

/// Dockerfile: every line an instruction (`FROM`, `RUN`, `COPY`...), one of them `FROM image`.
/// SQL's `FROM table` lines sit among `SELECT`/`WHERE`, which are not instructions.
#[derive(Default)]
struct DockerLines {
    instructions: usize,
    from: bool,
    other: usize,
}

impl DockerLines {
    fn line(&mut self, x: &Ctx) {
        const INSTRUCTIONS: &[&str] = &[
            "FROM",
            "RUN",
            "COPY",
            "ADD",
            "WORKDIR",
            "EXPOSE",
            "CMD",
            "ENTRYPOINT",
            "ENV",
            "ARG",
            "LABEL",
            "USER",
            "VOLUME",
            "HEALTHCHECK",
            "SHELL",
            "ONBUILD",
            "STOPSIGNAL",
            "MAINTAINER",
        ];
        // `fw` is a prefix of `c` (ident characters only), so this slice is on a char boundary.
        let after = &x.c[x.fw.len()..];
        let rest = after.trim_start();
        let upper_word = |w: &str| w.len() > 1 && w != "AS" && w.chars().all(|ch| ch.is_ascii_uppercase());
        if x.fw == "FROM"
            && !rest.is_empty()
            && rest.split_whitespace().count() <= 3
            && !rest.split_whitespace().any(upper_word)
        {
            self.from = true;
            self.instructions += 1;
        } else if INSTRUCTIONS.contains(&x.fw) && after.starts_with(' ') && !rest.is_empty() {
            self.instructions += 1;
        } else if !x.c.is_empty() && !x.c.ends_with('\\') {
            self.other += 1;
        }
    }

    fn score(&self) -> f32 {
        if self.from && self.instructions >= 2 && self.other == 0 {
            1.0 + 1.5 * self.instructions as f32
        } else {
            0.0
        }
    }
}

/// `$('#id')`, `$(this)`, `$(document)`: jQuery, not the shell's command substitution.
fn jquery(x: &Ctx) -> bool {
    x.c.match_indices("$(").any(|(i, _)| {
        let rest = &x.c[i + 2..];
        rest.starts_with(['\'', '"']) || ["this)", "document)", "window)"].iter().any(|w| rest.starts_with(w))
    })
}

/// `mu.Lock()`, `wg.Done()`: a call of a capitalised method on a lower-case receiver.
fn capitalised_method(c: &str) -> bool {
    let callee = c.split('(').next().unwrap_or("");
    callee.rsplit_once('.').is_some_and(|(recv, method)| {
        recv.starts_with(|ch: char| ch.is_ascii_lowercase())
            && method.starts_with(|ch: char| ch.is_ascii_uppercase())
            && method.chars().any(|ch| ch.is_ascii_lowercase())
    })
}

/// `i64`, `usize`, `&str`, `Vec<u8>`, `Option<T>`: a type only Rust writes this way.
fn rust_type(ty: &str) -> bool {
    let ty = ty.trim_start_matches(['&', '(']).trim_start_matches("mut ").trim_end_matches([';', '=', ',', ')']);
    let head = ty.split(['<', ';', ' ']).next().unwrap_or("");
    matches!(
        head,
        "i8" | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "f32"
            | "f64"
            | "str"
            | "Vec"
            | "Option"
            | "Result"
            | "HashMap"
            | "HashSet"
            | "Box"
            | "Rc"
            | "Arc"
    )
}

/// `vec![1, 2]`, `debug_assert!(x)`, `format!("…")`: a macro call.
fn rust_macro(c: &str) -> bool {
    ["!(", "![", "!{"].iter().any(|p| {
        c.match_indices(p).any(|(i, _)| {
            let name = &c[..i];
            let word = &name[name.trim_end_matches(|ch: char| ch.is_ascii_lowercase() || ch == '_').len()..];
            word.len() >= 2 && !name[..name.len() - word.len()].ends_with(|ch: char| is_ident_char(ch) || ch == '.')
        })
    })
}

/// `f"{name}"`, `f'…'`: a formatted string literal.
fn f_string(raw: &str) -> bool {
    // By bytes: the char before `f` is an identifier char only when it is one ASCII byte.
    let b = raw.as_bytes();
    b.windows(2).enumerate().any(|(i, pair)| {
        pair[0] == b'f' && matches!(pair[1], b'"' | b'\'') && (i == 0 || !is_ident_char(char::from(b[i - 1])))
    })
}

/// `[...a]`, `{ ...b }`, `f(...args)`; not the `{ ... }` of an elided body.
fn spread(c: &str) -> bool {
    c.match_indices("...").any(|(i, _)| {
        let before = c[..i].trim_end_matches(' ');
        before.ends_with(['[', '{', '(', ','])
            && c[i + 3..].starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '_')
    })
}

/// `res = requests.get(url)`: a bare assignment, no declaration keyword, no semicolon.
fn plain_assignment(c: &str) -> bool {
    c.split_once(" = ").is_some_and(|(name, value)| {
        // A call or attribute on the right: `name = "x"` alone could be TOML or INI.
        value.contains(['(', '.'])
            && !value.starts_with(['"', '\''])
            && !c.ends_with([';', '{', ','])
            && name.starts_with(|ch: char| ch.is_ascii_lowercase() || ch == '_')
            && name.chars().all(|ch| is_ident_char(ch) || matches!(ch, '.' | ',' | ' ' | '[' | ']'))
            && !name.contains("  ")
            && name.split_whitespace().count() <= 3
            && !matches!(first_word(name), "let" | "const" | "var" | "val" | "int" | "long" | "char" | "auto")
    })
}

/// `f(&x)`, `g(a, &b)`: an argument passed by address.
fn address_argument(c: &str) -> bool {
    ["(&", ", &"].iter().any(|p| {
        c.match_indices(p).any(|(i, _)| c[i + p.len()..].starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '_'))
    })
}

/// `[x * x for x in xs]`, `{k: v for k, v in d.items()}`.
fn comprehension(c: &str) -> bool {
    c.contains(['[', '{', '(']) && c.contains(" for ") && c.contains(" in ") && !c.contains(';')
}

/// `lambda w: len(w)`, `lambda a, b: a + b`.
fn python_lambda(c: &str) -> bool {
    c.match_indices("lambda").any(|(i, _)| {
        let before_ok = c[..i].chars().next_back().is_none_or(|ch| !is_ident_char(ch));
        let rest = &c[i + "lambda".len()..];
        before_ok
            && rest
                .split_once(':')
                .is_some_and(|(params, _)| params.chars().all(|ch| is_ident_char(ch) || matches!(ch, ' ' | ',' | '*')))
    })
}

/// `const users: User[] = []`: a binding with a type annotation.
fn annotated_binding(c: &str) -> bool {
    let mut words = c.split_whitespace();
    words.next();
    words.next().is_some_and(|name| {
        name.strip_suffix(':').is_some_and(|n| !n.is_empty() && n.chars().all(is_ident_char))
            && words.next().is_some_and(|ty| {
                ty.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '[' || ch == '{') && !rust_type(ty)
            })
    })
}

/// `sel { prop: value; }` on one line.
fn css_one_line_rule(c: &str) -> bool {
    let Some((sel, body)) = c.split_once('{') else {
        return false;
    };
    let Some(body) = body.trim().strip_suffix('}') else {
        return false;
    };
    let body = body.trim();
    !body.is_empty()
        && css_selector(&format!("{}{{", sel.trim_end()))
        && body.split_terminator(';').all(|decl| css_property(&format!("{};", decl.trim())))
}

/// `{"id": 1, "name": "kim"}` (strings blanked): a whole JSON object on one line.
fn json_object_line(c: &str) -> bool {
    let v = c.trim_end_matches(',');
    v.starts_with("{\"") && v.ends_with('}') && json_key_line(&v[1..])
}

/// `x := 1`, `a, b := f()`: Go's short variable declaration opening the line.
fn short_variable_declaration(c: &str) -> bool {
    c.split_once(" := ").is_some_and(|(names, value)| {
        !value.is_empty()
            && names.split(',').all(|n| {
                let n = n.trim();
                !n.is_empty() && n.chars().all(is_ident_char)
            })
    })
}

/// `go worker(&wg)`, `go func() { … }()`: starting a goroutine.
fn go_statement(c: &str) -> bool {
    c.strip_prefix("go ").is_some_and(|rest| {
        let callee = rest.split('(').next().unwrap_or("");
        rest.contains('(') && !callee.is_empty() && callee.chars().all(|ch| is_ident_char(ch) || ch == '.')
    })
}

/// `var wg sync.WaitGroup`, `var count int`: a declaration with the type after the name.
fn go_var(c: &str) -> bool {
    let mut words = c.split_whitespace();
    words.next() == Some("var")
        && words.next().is_some_and(|n| n.chars().all(is_ident_char))
        && words.next().is_some_and(|ty| {
            ty.starts_with(|ch: char| ch.is_ascii_lowercase() || ch == '[' || ch == '*')
                && ty.chars().all(|ch| is_ident_char(ch) || matches!(ch, '.' | '[' | ']' | '*'))
        })
        && words.next().is_none()
}

/// A word that opens code lines: a keyword of the table's languages or a known command.
/// A command a shell line starts with (`ls`, `git`, `docker`).
pub(super) fn is_shell_command(word: &str) -> bool {
    SHELL_COMMANDS.contains(&word)
}

pub(super) fn is_keyword_or_command(word: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "import", "from", "return", "raise", "yield", "del", "pass", "package", "else", "defer", "using", "select",
        "insert", "update", "delete", "create", "drop", "alter", "grant", "with", "use", "show", "let", "var", "val",
        "const", "print", "make", "break", "continue", "await", "async", "throw", "new", "typeof", "assert", "global",
        "goto", "case", "default", "public", "private", "static", "int", "void", "char", "fun", "func", "type",
    ];
    KEYWORDS.contains(&word) || SHELL_COMMANDS.contains(&word)
}

// ---------------------------------------------------------------------------------------------
// Words and word lists

fn starts_word(s: &str, w: &str) -> bool {
    s.starts_with(w) && !s[w.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// `w` occurs as a whole identifier somewhere in `s`.
fn has_word(s: &str, w: &str) -> bool {
    let mut from = 0;
    while let Some(pos) = s[from..].find(w) {
        let start = from + pos;
        let end = start + w.len();
        let before_ok = s[..start].chars().next_back().is_none_or(|c| !is_ident_char(c));
        let after_ok = s[end..].chars().next().is_none_or(|c| !is_ident_char(c));
        if before_ok && after_ok {
            return true;
        }
        from = end;
    }
    false
}

fn first_word(s: &str) -> &str {
    let end = s.find(|c: char| !(is_ident_char(c) || c == '-' || c == '.' || c == '/' || c == '+')).unwrap_or(s.len());
    &s[..end]
}

const C_TYPES: &[&str] = &["int", "long", "double", "float", "char", "void", "short", "unsigned", "signed", "const"];

const SHELL_COMMANDS: &[&str] = &[
    "git",
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "node",
    "cd",
    "ls",
    "mkdir",
    "rm",
    "rmdir",
    "cp",
    "mv",
    "touch",
    "cat",
    "echo",
    "sudo",
    "apt",
    "apt-get",
    "yum",
    "dnf",
    "brew",
    "pip",
    "pip3",
    "curl",
    "wget",
    "chmod",
    "chown",
    "docker",
    "docker-compose",
    "kubectl",
    "ssh",
    "scp",
    "tar",
    "unzip",
    "grep",
    "ps",
    "kill",
    "nohup",
    "source",
    "export",
    "systemctl",
    "service",
    "vi",
    "vim",
    "nano",
    "gcc",
    "g++",
    "javac",
    "mvn",
    "gradle",
    "./gradlew",
    "./mvnw",
    "vue",
    "ng",
    "pwd",
    "whoami",
    "sed",
    "awk",
    "head",
    "tail",
    "which",
    "netstat",
    "lsof",
    "crontab",
    "ln",
    "df",
    "du",
    "top",
    "jps",
    "cargo",
    "rustup",
    "go",
    "java",
    "python",
    "python3",
    "pm2",
    "nginx",
    "su",
    "useradd",
    "passwd",
    "chgrp",
    "printenv",
    "env",
    "alias",
    "history",
    "man",
    "find",
    "xargs",
    "jest",
];

const SQL_STATEMENTS: &[&str] = &[
    "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "DECLARE", "BEGIN", "EXEC", "GRANT", "REVOKE",
    "TRUNCATE", "MERGE", "COMMIT", "ROLLBACK", "WITH", "SHOW", "EXPLAIN", "SET",
];

const SQL_KEYWORDS: &[&str] = &[
    "FROM",
    "WHERE",
    "INTO",
    "VALUES",
    "SET",
    "TABLE",
    "JOIN",
    "INNER",
    "OUTER",
    "LEFT",
    "RIGHT",
    "GROUP",
    "ORDER",
    "BY",
    "HAVING",
    "UNION",
    "PROCEDURE",
    "FUNCTION",
    "END",
    "VARCHAR",
    "VARCHAR2",
    "INTEGER",
    "PRIMARY",
    "FOREIGN",
    "REFERENCES",
    "DISTINCT",
    "LIMIT",
    "INDEX",
    "VIEW",
    "TRIGGER",
    "CONSTRAINT",
    "REPLACE",
    "NUMBER",
    "IS",
    "AS",
    "ON",
    "AND",
    "OR",
    "NOT",
    "NULL",
];

const HTML_TAGS: &[&str] = &[
    "html", "head", "body", "div", "span", "p", "a", "ul", "ol", "li", "table", "tr", "td", "th", "thead", "tbody",
    "input", "button", "form", "h1", "h2", "h3", "h4", "h5", "h6", "img", "br", "script", "style", "meta", "link",
    "title", "section", "header", "footer", "nav", "main", "label", "select", "option", "textarea", "iframe", "strong",
    "em", "b", "i", "pre", "code", "article", "aside", "canvas", "video", "audio", "hr",
];

/// Name of the tag opening `s` (`<div class=..>` → `div`, `</p>` → `p`), if `s` starts with one.
pub(super) fn leading_tag(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("</").or_else(|| s.strip_prefix('<'))?;
    let end =
        rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':' || c == '.')).unwrap_or(rest.len());
    let name = &rest[..end];
    let next = rest[end..].chars().next();
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    matches!(next, None | Some(' ' | '>' | '/' | '\t')).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_set_never_rules_out_a_real_match() {
        let lines = ["", "가나다 a->b 가", "std::vector<int> v; // 벡터", "SELECT * FROM t", "x.then(가)"];
        let needles = ["", "a", "->", "vector<", "SELECT", "then(", "xyz", "FROM t", "Q", "가"];
        for line in lines {
            let set = ByteSet::of(line);
            for needle in needles {
                if line.contains(needle) {
                    assert!(set.may_contain(needle), "{line:?} {needle:?}");
                }
            }
            assert!(set.may_contain(line));
        }
        assert!(!ByteSet::of("abc").may_contain("abd"));
        assert!(!ByteSet::of("select").has_upper());
        assert!(ByteSet::of("seLect").has_upper());
    }

    #[test]
    fn every_sql_keyword_has_the_shape_looked_up() {
        for k in SQL_KEYWORDS.iter().chain(SQL_STATEMENTS) {
            assert!(could_be_sql_keyword(k.as_bytes()), "{k}");
        }
    }

    /// Every float of the scores, bit for bit.
    fn bits(s: &Scores) -> Vec<u32> {
        s.langs.iter().chain(&s.tally).map(|f| f.to_bits()).collect()
    }

    /// The compiled `Program` scores a block exactly as the features run as written: on every
    /// block of the guess evaluation sets, on each of their lines alone, and on random lines
    /// pieced together from their words, the table's texts and the symbols the rules look at.
    #[test]
    fn program_scores_as_the_features_are_written() {
        let program = Program::get();
        let same = |code: &str| {
            let lines = super::super::split_lines(code);
            let compiled = score(&lines);
            let written = score_with(&lines, program, apply_as_written);
            assert_eq!(bits(&compiled), bits(&written), "{code:?}");
        };
        let sets = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/guess");
        let mut pieces: Vec<String> = Vec::new();
        let mut blocks = 0;
        for set in std::fs::read_dir(&sets).unwrap() {
            for file in std::fs::read_dir(set.unwrap().path()).unwrap() {
                let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
                for block in text.split("----8<----") {
                    same(block);
                    blocks += 1;
                }
                for line in text.lines() {
                    same(line);
                    pieces.extend(line.split_whitespace().map(str::to_string));
                }
            }
        }
        assert!(blocks > 500 && pieces.len() > 5000, "{blocks} blocks, {} words", pieces.len());
        let symbols = [
            "(", ")", "{", "}", "[", "]", ";", ":", "::", "=", " = ", "->", "=>", "<", ">", "</", "\"", "'", "`", "${",
            "#", "# ", "//", "/*", "*/", "<!--", "-->", "-- ", "$ ", "$(", "@", "*", "&", ",", ".", "...", "!(", "가",
            "노드", "\\", "\t", "  ",
        ];
        pieces.extend(program.needles.texts().iter().map(|t| t.to_string()));
        let mut random = crate::text::random_below(0x5eed_6e55);
        for _ in 0..3000 {
            let mut block = String::new();
            for _ in 0..1 + random(4) {
                for _ in 0..1 + random(10) {
                    match random(3) {
                        0 => block.push_str(symbols[random(symbols.len())]),
                        _ => block.push_str(&pieces[random(pieces.len())]),
                    }
                    block.push_str(["", " ", ""][random(3)]);
                }
                block.push('\n');
            }
            same(&block);
        }
    }
}
