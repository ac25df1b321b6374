//! Deterministic generator of a synthetic Korean interview-notes corpus, shared by the
//! `gen-corpus` and `bench` binaries (each includes this file as `mod corpus`) and the library's
//! tests (as `generated_notes`).
//!
//! Every note is derived only from `(seed, note index)`, so the same arguments always
//! produce byte-identical files, and a note can link to another note's headings without
//! generating that note first (see [`NotePlan`]).

// Each binary uses a different subset of this module.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------------------

/// splitmix64: tiny, fast and good enough for text generation; no crate needed.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (modulo bias is irrelevant for n this small).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Independent stream per (seed, note, purpose), so notes don't depend on each other.
fn stream(seed: u64, index: usize, purpose: u64) -> Rng {
    let mut r = Rng::new(seed ^ (index as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93) ^ purpose << 56);
    r.next_u64();
    r
}

// ---------------------------------------------------------------------------------------
// Word pools
// ---------------------------------------------------------------------------------------

/// A topic folder. `dir` may contain `/`, spaces and Hangul on purpose.
pub struct Topic {
    pub dir: &'static str,
    pub title: &'static str,
    pub tags: &'static [&'static str],
    /// (Korean term, English, definition)
    pub terms: &'static [(&'static str, &'static str, &'static str)],
}

#[rustfmt::skip] // one table row per line reads better than rustfmt's layout
pub const TOPICS: [Topic; 8] = [
    Topic {
        dir: "Algorithm",
        title: "알고리즘",
        tags: &["algorithm", "코딩테스트", "정렬"],
        terms: &[
            ("이분 탐색", "Binary Search", "정렬된 배열에서 탐색 범위를 절반씩 줄여 원하는 값을 찾는 방법"),
            ("동적 계획법", "Dynamic Programming", "큰 문제를 작은 부분 문제로 나누고 그 결과를 저장해 재사용하는 기법"),
            ("퀵 정렬", "Quick Sort", "피벗을 기준으로 작은 값과 큰 값을 나누어 재귀적으로 정렬하는 알고리즘"),
            ("다익스트라", "Dijkstra", "음수 간선이 없는 그래프에서 한 정점으로부터의 최단 경로를 구하는 알고리즘"),
            ("너비 우선 탐색", "BFS", "시작 정점과 가까운 정점부터 큐를 이용해 차례대로 방문하는 탐색 방법"),
            ("비트마스크", "Bitmask", "정수의 각 비트를 집합의 원소 포함 여부로 사용하는 표현 방법"),
            ("메모이제이션", "Memoization", "이미 계산한 결과를 저장해 같은 입력에 대해 다시 계산하지 않는 기법"),
        ],
    },
    Topic {
        dir: "Computer Science/Network",
        title: "네트워크",
        tags: &["network", "tcp", "http"],
        terms: &[
            ("3-way 핸드셰이크", "3-way Handshake", "TCP 연결을 맺기 전에 SYN, SYN-ACK, ACK 세 번의 패킷을 주고받는 과정"),
            ("흐름 제어", "Flow Control", "수신 측이 처리할 수 있는 만큼만 송신 측이 데이터를 보내도록 조절하는 기법"),
            ("혼잡 제어", "Congestion Control", "네트워크의 혼잡 정도에 따라 송신 속도를 줄이거나 늘리는 기법"),
            ("로드 밸런서", "Load Balancer", "들어오는 요청을 여러 서버에 고르게 분산하는 장치 또는 소프트웨어"),
            ("쿠키", "Cookie", "서버가 클라이언트에 저장하도록 보내는 작은 상태 정보 조각"),
            ("대칭키 암호화", "Symmetric Key", "암호화와 복호화에 같은 키를 사용하는 암호화 방식"),
            ("도메인 네임 시스템", "DNS", "사람이 읽을 수 있는 도메인 이름을 IP 주소로 변환해 주는 분산 시스템"),
        ],
    },
    Topic {
        dir: "Computer Science/Database",
        title: "데이터베이스",
        tags: &["database", "sql", "트랜잭션"],
        terms: &[
            ("트랜잭션", "Transaction", "데이터베이스의 상태를 변화시키기 위해 수행하는 논리적인 작업 단위"),
            ("인덱스", "Index", "테이블의 검색 속도를 높이기 위해 별도로 관리하는 정렬된 자료 구조"),
            ("정규화", "Normalization", "데이터 중복을 줄이고 이상 현상을 막기 위해 릴레이션을 분해하는 과정"),
            ("격리 수준", "Isolation Level", "동시에 실행되는 트랜잭션이 서로의 변경 내용을 얼마나 볼 수 있는지 정한 단계"),
            ("교착 상태", "Deadlock", "두 트랜잭션이 서로가 가진 잠금을 기다리며 영원히 진행하지 못하는 상태"),
            ("레플리케이션", "Replication", "원본 데이터베이스의 변경 내용을 다른 서버에 복제해 두는 구성"),
            ("옵티마이저", "Optimizer", "SQL 문을 가장 효율적으로 실행할 계획을 세우는 데이터베이스 구성 요소"),
        ],
    },
    Topic {
        dir: "Computer Science/운영체제",
        title: "운영체제",
        tags: &["os", "운영체제", "process"],
        terms: &[
            ("프로세스", "Process", "실행 중인 프로그램으로, 독립된 메모리 공간을 할당받는 작업의 단위"),
            ("스레드", "Thread", "프로세스 내에서 실행되는 흐름의 단위로, 같은 프로세스의 자원을 공유"),
            ("컨텍스트 스위칭", "Context Switching", "CPU가 실행 중인 작업의 상태를 저장하고 다른 작업의 상태를 불러오는 과정"),
            ("세마포어", "Semaphore", "공유 자원에 동시에 접근할 수 있는 작업의 수를 제한하는 동기화 도구"),
            ("가상 메모리", "Virtual Memory", "물리 메모리보다 큰 주소 공간을 프로세스에 제공하는 메모리 관리 기법"),
            ("페이지 교체", "Page Replacement", "빈 프레임이 없을 때 어떤 페이지를 내보낼지 결정하는 정책"),
            ("코루틴", "Coroutine", "실행 상태를 저장한 뒤 중단하고 나중에 그 상태를 복원해 재개할 수 있는 서브 루틴"),
        ],
    },
    Topic {
        dir: "Data Structure",
        title: "자료구조",
        tags: &["data-structure", "자료구조"],
        terms: &[
            ("해시 테이블", "Hash Table", "키를 해시 함수로 변환한 위치에 값을 저장해 평균 상수 시간에 조회하는 구조"),
            ("힙", "Heap", "부모 노드가 자식 노드보다 항상 크거나 작은 완전 이진 트리"),
            ("연결 리스트", "Linked List", "각 노드가 다음 노드의 주소를 가지고 있어 순서대로 연결된 자료 구조"),
            ("트라이", "Trie", "문자열의 각 글자를 노드로 저장해 접두사 검색을 빠르게 하는 트리"),
            ("스택", "Stack", "가장 나중에 넣은 데이터를 가장 먼저 꺼내는 후입선출 구조"),
            ("큐", "Queue", "가장 먼저 넣은 데이터를 가장 먼저 꺼내는 선입선출 구조"),
            ("이진 탐색 트리", "Binary Search Tree", "왼쪽 서브 트리에는 작은 값, 오른쪽에는 큰 값을 두는 이진 트리"),
        ],
    },
    Topic {
        dir: "Design Pattern",
        title: "디자인 패턴",
        tags: &["design-pattern", "oop"],
        terms: &[
            ("싱글톤 패턴", "Singleton", "클래스의 인스턴스가 오직 하나만 생성되도록 보장하는 패턴"),
            ("전략 패턴", "Strategy", "알고리즘을 캡슐화해 실행 중에 교체할 수 있도록 하는 패턴"),
            ("옵저버 패턴", "Observer", "객체의 상태 변화를 관찰하는 다른 객체들에게 자동으로 알리는 패턴"),
            ("팩토리 메서드", "Factory Method", "객체 생성을 서브 클래스에 위임해 생성 로직을 분리하는 패턴"),
            ("의존성 주입", "Dependency Injection", "객체가 필요로 하는 의존 객체를 외부에서 넣어 주는 방식"),
            ("어댑터 패턴", "Adapter", "호환되지 않는 인터페이스를 가진 클래스를 함께 동작하도록 감싸는 패턴"),
        ],
    },
    Topic {
        dir: "Language/Java",
        title: "자바",
        tags: &["java", "jvm"],
        terms: &[
            ("가비지 컬렉션", "Garbage Collection", "더 이상 참조되지 않는 객체의 메모리를 자동으로 회수하는 기능"),
            ("자바 가상 머신", "JVM", "자바 바이트코드를 운영체제에 맞게 해석하고 실행하는 가상 머신"),
            ("제네릭", "Generic", "클래스나 메서드에서 사용할 타입을 외부에서 지정할 수 있게 하는 기능"),
            ("불변 객체", "Immutable Object", "생성된 이후 내부 상태를 바꿀 수 없는 객체"),
            ("오버로딩", "Overloading", "같은 이름의 메서드를 매개변수의 타입이나 개수를 달리해 여러 개 정의하는 것"),
            ("스트림", "Stream", "컬렉션의 요소를 선언적으로 처리할 수 있게 해 주는 자바 8의 API"),
        ],
    },
    Topic {
        dir: "Web",
        title: "웹",
        tags: &["web", "frontend", "브라우저"],
        terms: &[
            ("브라우저 렌더링", "Rendering", "HTML과 CSS를 해석해 화면에 픽셀로 그려 내는 과정"),
            ("이벤트 루프", "Event Loop", "콜 스택이 비었을 때 태스크 큐의 작업을 꺼내 실행하는 자바스크립트의 실행 모델"),
            ("교차 출처 리소스 공유", "CORS", "다른 출처의 리소스에 접근할 수 있도록 브라우저가 허용 여부를 확인하는 정책"),
            ("세션", "Session", "서버 측에 사용자의 상태를 저장하고 식별자만 클라이언트에 주는 방식"),
            ("JWT", "JSON Web Token", "인증 정보를 서명된 JSON 형태로 담아 전달하는 토큰 형식"),
            ("REST", "Representational State Transfer", "자원을 URI로 표현하고 HTTP 메서드로 상태를 주고받는 아키텍처 스타일"),
            ("서버 사이드 렌더링", "SSR", "서버에서 HTML을 완성해 브라우저에 보내는 렌더링 방식"),
        ],
    },
];

#[rustfmt::skip]
const NOUNS: &[&str] = &[
    "성능", "처리량", "지연 시간", "메모리 사용량", "동시성", "일관성", "가용성", "확장성", "안정성",
    "시간 복잡도", "공간 복잡도", "캐시 적중률", "오버헤드", "응답 시간", "자원", "요청", "데이터",
    "상태", "결과 값", "제어권", "호출 순서", "입력 크기", "보안", "유지보수성", "재사용성", "비용",
];

#[rustfmt::skip]
const VERBS: &[&str] = &[
    "관리", "처리", "보장", "분리", "공유", "최적화", "전달", "저장", "검증", "재사용", "제한", "측정",
];

#[rustfmt::skip]
const CONDITIONS: &[&str] = &[
    "요청이 한꺼번에 몰리는", "데이터의 크기가 매우 큰", "스레드가 많은", "네트워크가 불안정한",
    "메모리가 부족한", "입력이 이미 정렬된", "쓰기 작업이 많은", "읽기 작업이 대부분인",
];

const QUESTIONS: &[&str] = &[
    "{A}{와} {B}의 차이점을 설명해주세요.",
    "{A}{이} 무엇인지 설명하고, 실제로 사용해 본 경험이 있다면 말씀해주세요.",
    "{A}{을} 사용할 때의 장점과 단점을 각각 2가지씩 설명해주세요.",
    "{A}{이} 필요한 이유를 {N} 관점에서 설명해주세요.",
    "{C} 상황에서 {A}{을} 어떻게 적용할 수 있는지 설명해주세요.",
    "본인이 주로 사용하는 언어에서 {A}{을} 구현하는 방법을 설명해주세요.",
    "{A}{와} {B}{을} 함께 사용할 때 주의할 점은 무엇인가요?",
    "{A}의 동작 과정을 순서대로 설명해주세요.",
];

const SENTENCES: &[&str] = &[
    "{A}{은} {N}{을} {V}하기 위해 사용된다.",
    "{C} 경우에는 {A}의 {N}{이} 크게 달라질 수 있다.",
    "실무에서는 {A}{와} {B}{을} 함께 고려해서 {N}{을} {V}하는 구조를 설계한다.",
    "면접에서는 {A}의 {N}{와} {M}{을} 예시와 함께 설명하는 것이 좋다.",
    "{N} 관점에서 보면 {A}{은} {M}{을} 줄이는 대신 구현이 복잡해지는 트레이드오프가 있다.",
    "{A}{을} 잘못 사용하면 {N}{이} 떨어지고 {M}{을} {V}하기 어려워진다.",
    "즉, {A}{은} {B}보다 {N}{을} {V}하는 데 유리하지만 항상 정답은 아니다.",
    "{B}{와} 비교했을 때 {A}{은} {M} 측면에서 더 단순하다.",
    "결국 {N}{와} {M} 사이의 균형을 어떻게 맞출지가 핵심이다.",
    "{C} 환경을 가정하고 {A}의 동작을 직접 그려 보면 이해가 쉽다.",
];

const BULLET_LEADS: &[&str] = &["장점", "단점", "특징", "예시", "주의", "동작", "비교", "활용"];

const IDENTS: &[&str] = &[
    "user", "order", "cache", "queue", "node", "item", "buffer", "result", "worker", "request", "session", "count",
    "index", "total", "page", "event", "token", "graph", "visited", "memo",
];

const USERS: &[&str] = &["nittre", "jjenny", "baealex", "devkim", "hyun0", "seoyeon", "minsu", "codej"];

const HOSTS: &[&str] = &["velog.io", "inpa.tistory.com", "blex.me", "tistory", "github.com", "docs"];

const LANGS: &[&str] = &["bash", "python", "java", "javascript", "rust", "sql"];

/// Punctuation-heavy extra section titles, so the TOC also exercises GitHub's slug rule.
const EXTRA_SECTIONS: &[&str] = &[
    "정리 (Summary)",
    "참고: {A} & {B} 비교",
    "더 알아보기 - {A}/{B}",
    "Q&A 메모",
    "자주 나오는 꼬리 질문!",
    "{A} vs. {B}",
];

// ---------------------------------------------------------------------------------------
// Small text helpers
// ---------------------------------------------------------------------------------------

/// Picks the right Korean particle for `word` (e.g. 은/는) from its last syllable's batchim.
fn josa(word: &str, with_batchim: &'static str, without: &'static str) -> &'static str {
    match word.chars().next_back() {
        Some(c @ '가'..='힣') if (c as u32 - 0xAC00) % 28 != 0 => with_batchim,
        // Digits and Latin letters: read "no batchim" — good enough for synthetic text.
        _ => without,
    }
}

/// Fills `{A}`, `{B}`, `{N}`, `{M}`, `{V}`, `{C}` slots and the particles that follow them.
fn fill(template: &str, a: &str, b: &str, rng: &mut Rng) -> String {
    let n = *rng.pick(NOUNS);
    let mut m = *rng.pick(NOUNS);
    if m == n {
        m = NOUNS[(NOUNS.iter().position(|x| *x == n).unwrap() + 1) % NOUNS.len()];
    }
    let v = *rng.pick(VERBS);
    let c = *rng.pick(CONDITIONS);
    let mut out = String::with_capacity(template.len() * 2);
    let mut last = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').expect("template slot is closed");
        let slot = &rest[open + 1..close];
        let text: &str = match slot {
            "A" => a,
            "B" => b,
            "N" => n,
            "M" => m,
            "V" => v,
            "C" => c,
            "은" => josa(&last, "은", "는"),
            "이" => josa(&last, "이", "가"),
            "을" => josa(&last, "을", "를"),
            "와" => josa(&last, "과", "와"),
            other => panic!("unknown template slot {other}"),
        };
        out.push_str(text);
        last = text.to_string();
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// [`fill`] with a template picked at random from `pool`.
fn fill_pick(pool: &[&str], a: &str, b: &str, rng: &mut Rng) -> String {
    let template = *rng.pick(pool);
    fill(template, a, b, rng)
}

/// GitHub's heading anchor rule: lower-case, keep letters/numbers/`-`/`_`, spaces → `-`,
/// drop everything else.
pub fn github_slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// Percent-encodes everything but RFC 3986 unreserved bytes (how blogs encode Hangul slugs).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Corpus layout
// ---------------------------------------------------------------------------------------

/// What others need to know about a note without generating it.
pub struct NotePlan {
    pub index: usize,
    pub topic: usize,
    pub questions: usize,
    pub title: String,
}

impl NotePlan {
    pub fn new(seed: u64, index: usize) -> Self {
        let topic = index % TOPICS.len();
        let mut rng = stream(seed, index, 1);
        let questions = rng.range(5, 8);
        let t = &TOPICS[topic];
        let (a, _, _) = *rng.pick(t.terms);
        let title = match rng.below(3) {
            0 => format!("{} 면접 질문 정리 #{}", t.title, index + 1),
            1 => format!("{a} 핵심 정리 ({})", index + 1),
            _ => format!("[{}] {a}{} 관련 질문 {}선", t.title, josa(a, "과", "와"), questions),
        };
        NotePlan { index, topic, questions, title }
    }
}

/// Zero-padded file name; width grows with the corpus so names sort naturally.
pub fn note_file_name(index: usize, notes: usize) -> String {
    let width = notes.saturating_sub(1).to_string().len().max(4);
    format!("note-{index:0width$}.md")
}

/// Path of note `index` relative to the corpus root.
pub fn note_rel_path(index: usize, notes: usize) -> PathBuf {
    Path::new(TOPICS[index % TOPICS.len()].dir).join(note_file_name(index, notes))
}

/// Relative Markdown link from a note in topic `from` to a note in topic `to`; spaces are
/// `%20`-encoded (as GitHub does), Hangul is left raw.
fn relative_link(from: usize, to: usize, file: &str) -> String {
    let from: Vec<&str> = TOPICS[from].dir.split('/').collect();
    let to: Vec<&str> = TOPICS[to].dir.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.push(file);
    parts.join("/").replace(' ', "%20")
}

// ---------------------------------------------------------------------------------------
// Code blocks
// ---------------------------------------------------------------------------------------

/// Real-looking code of `lines` lines (10–30) in `lang`.
fn code_block(lang: &str, lines: usize, rng: &mut Rng) -> Vec<String> {
    let id = |rng: &mut Rng| *rng.pick(IDENTS);
    let mut out: Vec<String> = Vec::with_capacity(lines);
    // Header and footer are fixed per language; the body is filled up to `lines`.
    let (head, foot): (Vec<String>, Vec<String>) = match lang {
        "bash" => (
            vec!["#!/usr/bin/env bash".into(), "set -euo pipefail".into(), String::new()],
            vec!["echo \"done\"".into()],
        ),
        "python" => {
            let f = id(rng);
            (
                vec!["import asyncio".into(), String::new(), format!("async def handle_{f}({f}):")],
                vec![String::new(), "if __name__ == '__main__':".into(), format!("    asyncio.run(handle_{f}(None))")],
            )
        }
        "java" => {
            let f = id(rng);
            (
                vec![
                    "import java.util.*;".into(),
                    String::new(),
                    "public class Solution {".into(),
                    format!("    public static int {f}Count(int[] arr) {{"),
                ],
                vec!["        return arr.length;".into(), "    }".into(), "}".into()],
            )
        }
        "javascript" => {
            let f = id(rng);
            (
                vec![format!("async function load_{f}(url) {{")],
                vec!["  return result;".into(), "}".into(), String::new(), format!("load_{f}('/api/{f}');")],
            )
        }
        "rust" => {
            let f = id(rng);
            (
                vec![
                    "use std::collections::HashMap;".into(),
                    String::new(),
                    format!("fn count_{f}(xs: &[i64]) -> usize {{"),
                ],
                vec!["    memo.len()".into(), "}".into()],
            )
        }
        _ => {
            let t = id(rng);
            (
                vec![
                    format!("CREATE TABLE {t}s ("),
                    "    id BIGINT PRIMARY KEY,".into(),
                    "    created_at TIMESTAMP NOT NULL".into(),
                    ");".into(),
                    String::new(),
                ],
                vec!["ORDER BY t.id DESC".into(), "LIMIT 20;".into()],
            )
        }
    };
    out.extend(head);
    let body = lines.saturating_sub(out.len() + foot.len());
    let mut i = 0;
    while i < body {
        let a = id(rng);
        let b = id(rng);
        let k = rng.range(1, 99);
        let line = match lang {
            "bash" => match rng.below(5) {
                0 => format!("curl -s http://localhost:{}/{a}/{k} | jq '.{b}'", 8000 + k),
                1 => format!("ps aux | grep {a} | awk '{{print $2}}'"),
                2 => format!("# {a} 상태 확인"),
                3 => format!("netstat -an | grep {} || true", 3000 + k),
                _ => format!("ls -al /var/log/{a} | tail -n {k}"),
            },
            "python" => match rng.below(4) {
                0 => format!("    {a} = await asyncio.sleep(0.{k}, result={k})"),
                1 => format!("    # {b}의 결과 값을 기다린다"),
                2 => format!("    {a}_list = [{b} * 2 for {b} in range({k})]"),
                _ => format!("    print(f\"{a}: {{{a}}}\") if {a} else None"),
            },
            "java" => match rng.below(4) {
                0 => format!("        int {a} = arr.length > {k} ? arr[{k}] : 0;"),
                1 => format!("        // {b} 처리"),
                2 => format!("        List<Integer> {a}List = new ArrayList<>({k});"),
                _ => format!("        Map<String, Integer> {a}Map = new HashMap<>();"),
            },
            "javascript" => match rng.below(4) {
                0 => format!("  const {a} = await fetch(`${{url}}/{b}/{k}`);"),
                1 => format!("  // {a} 응답을 기다린다"),
                2 => format!("  const {b}s = {a}.items.filter((x) => x.{b} > {k});"),
                _ => format!("  console.log('{a}', {k});"),
            },
            "rust" => match rng.below(4) {
                0 => format!("    let {a}_{k}: i64 = xs.iter().filter(|x| **x > {k}).sum();"),
                1 => format!("    // {b} 개수를 센다"),
                2 => {
                    format!("    let mut memo: HashMap<i64, usize> = HashMap::with_capacity({k});")
                }
                _ => format!("    debug_assert!(xs.len() < {k}_000, \"{a} too large\");"),
            },
            _ => match rng.below(4) {
                0 => format!("SELECT t.id, t.{a}_id, COUNT(*) AS {b}_count FROM {a}s t"),
                1 => format!("-- {a} 조회 ({k})"),
                2 => format!("JOIN {b}s b ON b.{a}_id = t.id AND b.{b} > {k}"),
                _ => format!("WHERE t.created_at > NOW() - INTERVAL '{k} days'"),
            },
        };
        out.push(line);
        i += 1;
    }
    out.extend(foot);
    out
}

// ---------------------------------------------------------------------------------------
// Notes
// ---------------------------------------------------------------------------------------

/// Per-note statistics collected while generating.
#[derive(Default, Clone, Debug)]
pub struct Stats {
    pub notes: usize,
    pub readmes: usize,
    pub note_bytes: u64,
    pub note_lines: u64,
    pub total_bytes: u64,
    pub code_blocks: u64,
    pub unlabeled_blocks: u64,
    pub links: u64,
}

/// Generates note `index` of a corpus of `notes` notes. Returns (text, code blocks, unlabeled, links).
pub fn note_text(seed: u64, index: usize, notes: usize) -> (String, u64, u64, u64) {
    let plan = NotePlan::new(seed, index);
    let topic = &TOPICS[plan.topic];
    let mut rng = stream(seed, index, 2);
    let mut s = String::with_capacity(8 * 1024);
    let (mut blocks, mut unlabeled, mut links) = (0u64, 0u64, 0u64);

    // Title: front matter on some notes, an H1 on others, neither on the rest.
    let style = rng.below(100);
    if style < 35 {
        let _ = writeln!(s, "---\ntitle: \"{}\"", plan.title);
        let _ = writeln!(s, "date: 20{:02}-{:02}-{:02}", rng.range(19, 24), rng.range(1, 12), rng.range(1, 28));
        let _ = writeln!(s, "tags: [{}, 면접]\n---\n", topic.tags.join(", "));
    }
    if (20..80).contains(&style) {
        let _ = writeln!(s, "# {}\n", plan.title);
    }

    // Optional extra section after the questions, with a punctuation-heavy heading.
    let a = rng.pick(topic.terms).0;
    let mut b = rng.pick(topic.terms).0;
    if a == b {
        b = topic.terms[(topic.terms.iter().position(|t| t.0 == a).unwrap() + 1) % topic.terms.len()].0;
    }
    let extra = rng.chance(60).then(|| fill_pick(EXTRA_SECTIONS, a, b, &mut rng));
    let related = notes > 1 && rng.chance(55);

    // Hand-written table of contents pointing at this note's own headings.
    s.push_str("## 목차\n");
    for q in 1..=plan.questions {
        let _ = writeln!(s, "- [{q}번 문제](#{q}번-문제)");
    }
    if let Some(e) = &extra {
        let _ = writeln!(s, "- [{e}](#{})", github_slug(e));
    }
    if related {
        s.push_str("- [관련 노트](#관련-노트)\n");
    }
    s.push_str("\n<br/>\n\n");

    // 1–3 code blocks placed under distinct questions.
    let mut code_at = vec![false; plan.questions];
    for _ in 0..rng.range(1, 3) {
        let q = rng.below(plan.questions);
        code_at[q] = true;
    }
    // Keep the count in 1..=3 even when picks collide: collisions just mean fewer blocks.

    for (q, has_code) in code_at.iter().enumerate() {
        let terms = topic.terms;
        let (ka, ea, da) = *rng.pick(terms);
        let (mut kb, mut eb, mut db) = *rng.pick(terms);
        if kb == ka {
            (kb, eb, db) = terms[(terms.iter().position(|t| t.0 == ka).unwrap() + 1) % terms.len()];
        }
        let _ = writeln!(s, "## {}번 문제", q + 1);
        let _ = writeln!(s, "### Q. {}", fill_pick(QUESTIONS, ka, kb, &mut rng));
        if rng.chance(80) {
            let _ = write!(s, "> **'{ka}'**: {ea}, {da}");
            if rng.chance(30) {
                let _ = write!(s, "  \n> **'{kb}'**: {eb}, {db}");
            }
            s.push_str("\n\n");
        }
        if rng.chance(10) {
            let _ = writeln!(s, "▶ {}\n", rng.pick(&["Python", "Java", "JavaScript", "Rust"]));
        }
        for _ in 0..rng.range(2, 4) {
            let lead = rng.pick(BULLET_LEADS);
            let _ = write!(s, "- {lead}: {}", fill_pick(SENTENCES, ka, kb, &mut rng));
            if rng.chance(10) {
                let _ = write!(s, " {}", fill_pick(SENTENCES, kb, ka, &mut rng));
            }
            s.push('\n');
            if rng.chance(12) {
                let id = rng.pick(IDENTS);
                let _ = writeln!(s, "    - `{id}`: {}", fill_pick(SENTENCES, ka, kb, &mut rng));
            }
        }
        s.push('\n');
        if rng.chance(65) {
            s.push_str(&fill_pick(SENTENCES, ka, kb, &mut rng));
            if rng.chance(20) {
                s.push(' ');
                s.push_str(&fill_pick(SENTENCES, kb, ka, &mut rng));
            }
            s.push_str("\n\n");
        }
        if *has_code {
            let lang = *rng.pick(LANGS);
            let lines = rng.range(10, 30);
            let label = if rng.chance(30) {
                unlabeled += 1;
                ""
            } else {
                lang
            };
            let _ = writeln!(s, "```{label}");
            for line in code_block(lang, lines, &mut rng) {
                s.push_str(&line);
                s.push('\n');
            }
            s.push_str("```\n\n");
            blocks += 1;
        }
        if notes > 1 && rng.chance(20) {
            let (link, title) = link_to_other(seed, index, notes, &mut rng);
            let _ = writeln!(s, "자세한 내용은 [{title}]({link})을 참고.\n");
            links += 1;
        }
        if rng.chance(10) {
            let _ = writeln!(s, "@https://github.com/{}/{}-study\n", rng.pick(USERS), rng.pick(IDENTS));
        }
    }

    if let Some(e) = &extra {
        let _ = writeln!(s, "## {e}");
        for _ in 0..rng.range(1, 3) {
            let _ = writeln!(s, "- {}", fill_pick(SENTENCES, a, b, &mut rng));
        }
        s.push('\n');
    }
    if related {
        s.push_str("## 관련 노트\n");
        for _ in 0..rng.range(1, 3) {
            let (link, title) = link_to_other(seed, index, notes, &mut rng);
            let _ = writeln!(s, "- [{title}]({link})");
            links += 1;
        }
        s.push('\n');
    }

    s.push_str("<br/>\n\n");
    if rng.chance(50) {
        let _ = writeln!(
            s,
            "**★ {}번, {}번 문항 조금 더 상세히 알아보는 시간 가지기 ★**\n\n<br/>\n",
            rng.range(1, 2),
            rng.range(3, plan.questions)
        );
    }
    s.push_str("> **References**\n>\n");
    for _ in 0..rng.range(2, 4) {
        let phrase =
            fill_pick(&["{A}-Vs.-{B}", "{A}-{N}-정리", "{N}{와}-{A}-개념-정리", "{A}-면접-대비"], a, b, &mut rng)
                .replace(' ', "-");
        let user = rng.pick(USERS);
        let url = match *rng.pick(HOSTS) {
            "velog.io" => format!("https://velog.io/@{user}/{}", percent_encode(&phrase)),
            "inpa.tistory.com" => {
                format!("https://inpa.tistory.com/entry/{}", percent_encode(&phrase))
            }
            "blex.me" => format!("https://blex.me/@{user}/{}", percent_encode(&phrase)),
            "tistory" => format!("https://{user}.tistory.com/{}", rng.range(10, 999)),
            "github.com" => format!("https://github.com/{user}/{}", rng.pick(IDENTS)),
            _ => format!("https://docs.example.com/{}", percent_encode(&phrase)),
        };
        let _ = writeln!(s, "> @{url}  ");
    }
    (s, blocks, unlabeled, links)
}

/// A valid link (existing file, existing heading) to a different note.
fn link_to_other(seed: u64, index: usize, notes: usize, rng: &mut Rng) -> (String, String) {
    let mut j = rng.below(notes - 1);
    if j >= index {
        j += 1;
    }
    let target = NotePlan::new(seed, j);
    let from = index % TOPICS.len();
    let mut link = relative_link(from, target.topic, &note_file_name(j, notes));
    match rng.below(3) {
        0 => {}
        1 => link.push_str("#목차"),
        _ => {
            let _ = write!(link, "#{}번-문제", rng.range(1, target.questions));
        }
    }
    (link, target.title)
}

/// Topic index page listing its notes.
fn topic_readme(seed: u64, topic: usize, notes: usize) -> String {
    let t = &TOPICS[topic];
    let mut s = format!("# {}\n\n{} 관련 면접 질문을 정리한 노트 목록입니다.\n\n", t.title, t.title);
    for i in (topic..notes).step_by(TOPICS.len()) {
        let _ = writeln!(s, "- [{}]({})", NotePlan::new(seed, i).title, note_file_name(i, notes));
    }
    s
}

fn root_readme() -> String {
    let mut s = String::from("# 기술 면접 공부 노트\n\n");
    for t in &TOPICS {
        let _ = writeln!(s, "- [{}]({}/README.md)", t.title, t.dir.replace(' ', "%20"));
    }
    s
}

/// Writes the whole corpus into `out` (created if needed; must not already contain notes)
/// and returns statistics. Notes are generated on all cores; the output does not depend on
/// the thread count.
pub fn generate(notes: usize, seed: u64, out: &Path) -> io::Result<Stats> {
    let mut stats = Stats::default();
    for (ti, t) in TOPICS.iter().enumerate() {
        let dir = out.join(t.dir);
        fs::create_dir_all(&dir)?;
        let readme = topic_readme(seed, ti, notes);
        stats.total_bytes += readme.len() as u64;
        fs::write(dir.join("README.md"), readme)?;
        stats.readmes += 1;
    }
    let readme = root_readme();
    stats.total_bytes += readme.len() as u64;
    fs::write(out.join("README.md"), readme)?;
    stats.readmes += 1;

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let parts: Vec<io::Result<Stats>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut st = Stats::default();
                    for i in (t..notes).step_by(threads) {
                        let (text, blocks, unlabeled, links) = note_text(seed, i, notes);
                        fs::write(out.join(note_rel_path(i, notes)), &text)?;
                        st.notes += 1;
                        st.note_bytes += text.len() as u64;
                        st.note_lines += text.lines().count() as u64;
                        st.code_blocks += blocks;
                        st.unlabeled_blocks += unlabeled;
                        st.links += links;
                    }
                    Ok(st)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("generator thread panicked")).collect()
    });
    for part in parts {
        let p = part?;
        stats.notes += p.notes;
        stats.note_bytes += p.note_bytes;
        stats.note_lines += p.note_lines;
        stats.code_blocks += p.code_blocks;
        stats.unlabeled_blocks += p.unlabeled_blocks;
        stats.links += p.links;
    }
    stats.total_bytes += stats.note_bytes;
    Ok(stats)
}

impl Stats {
    /// One human-readable summary line block, shared by both binaries.
    pub fn summary(&self) -> String {
        let n = self.notes.max(1) as f64;
        format!(
            "{} notes + {} READMEs, {:.2} MiB total\n\
             avg note: {:.2} KB, {:.1} lines, {:.2} code blocks ({:.0}% unlabeled), {:.2} links to other notes",
            self.notes,
            self.readmes,
            self.total_bytes as f64 / (1024.0 * 1024.0),
            self.note_bytes as f64 / n / 1000.0,
            self.note_lines as f64 / n,
            self.code_blocks as f64 / n,
            100.0 * self.unlabeled_blocks as f64 / (self.code_blocks.max(1) as f64),
            self.links as f64 / n,
        )
    }
}
