//! `gongbu.toml`, defaults and command-line overrides, resolved once into an immutable `Config`.

use crate::model::{github_remote, Letters, Repository};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file whose presence makes a folder a site root (theme, content folder, words).
pub const CONFIG_FILE: &str = "gongbu.toml";

/// Everything a build needs to know, fixed before the first note is read.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder gongbu was pointed at.
    pub root: PathBuf,
    /// Where the notes are: `root/content` for a site root, `root` itself for a plain folder.
    pub content_dir: PathBuf,
    /// Where the site is written: `--output`, else `root/public`.
    pub output_dir: PathBuf,
    /// Theme overrides (site roots only; the folders may not exist yet); the embedded default
    /// theme fills the rest.
    pub(crate) templates_dir: Option<PathBuf>,
    pub(crate) static_dir: Option<PathBuf>,
    /// None: taken from the root index note, else the folder name.
    pub(crate) title: Option<String>,
    pub(crate) description: String,
    /// `language` of `gongbu.toml`; None: told from the notes (`Config::language`).
    pub(crate) lang: Option<String>,
    /// Public address of the site, for the sitemap; pages link relatively and need none.
    pub(crate) base_url: String,
    /// `[words]` of `gongbu.toml`, checked: each replaces one of the language's words.
    word_overrides: toml::Table,
    pub(crate) strict: bool,
    /// Theme CSS/JS also under content-hashed names, which pages load: `gongbu build` asks for
    /// them; `serve` keeps the plain names, which it rewrites in place as the files change.
    pub(crate) hashed_assets: bool,
    /// Pages and the theme's CSS/JS minified (`gongbu build` unless `--no-minify`); `serve`
    /// keeps its files readable.
    pub(crate) minify: bool,
    /// The notes' own repository on GitHub (`repository` of `gongbu.toml`, else the root's git
    /// remote): links to its files there open the built pages instead.
    pub(crate) repository: Option<Repository>,
    /// `[study] question_patterns`: headings matching one of them are questions (Oniguruma
    /// syntax, checked when the config is loaded).
    pub(crate) question_patterns: Vec<String>,
    /// `[search] enabled`: the full-text search index, the header's search box and the search
    /// page (on unless turned off; the index is about a fifth of a site's output).
    pub(crate) search: bool,
    /// `[study] anki`: the Anki export `quiz/anki.csv` (on unless turned off; it holds every
    /// answer again, about a fifth of a site's output).
    pub(crate) anki: bool,
    /// The build cache's folder (`cache::folder_beside` the output) with `--cache`; None without.
    pub cache_dir: Option<PathBuf>,
}

/// The site's language and words, as `Config::language` decided them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Language {
    /// `<html lang>`: `ko`, `en`, or what `gongbu.toml` says.
    pub(crate) code: String,
    /// The site's words in that language, with `[words]` over them.
    pub(crate) words: Words,
    /// Why this language, for the build summary: `gongbu.toml`, or the share of Hangul.
    pub(crate) why: String,
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "language: {} ({})", self.code, self.why)
    }
}

/// Notes whose prose is at least this share Hangul (per mille of letters) get a Korean site.
/// Korean notes mix in many English terms (`TCP`, `HashMap`) and stay well above it; an English
/// notes folder with a few Korean words stays well below.
const KOREAN_FROM_PER_MILLE: usize = 150;

/// The site's own words, in the notes' language.
#[derive(Debug, Clone, PartialEq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Words {
    pub(crate) toc: String,
    pub(crate) prev: String,
    pub(crate) next: String,
    pub(crate) search: String,
    /// The sidebar's box that filters the notes by title (not the full-text search).
    pub(crate) filter: String,
    /// Search found nothing.
    pub(crate) search_none: String,
    /// The link from the search box's results to the search page.
    pub(crate) search_all: String,
    /// How many pages a search found; `{n}` is the number.
    pub(crate) search_count: String,
    pub(crate) references: String,
    pub(crate) home: String,
    pub(crate) sections: String,
    pub(crate) notes: String,
    pub(crate) theme: String,
    pub(crate) copy: String,
    pub(crate) copied: String,
    pub(crate) menu: String,
    pub(crate) not_found: String,
    pub(crate) back_home: String,
    pub(crate) on_this_page: String,
    pub(crate) anchor: String,
    /// Labels of callouts (`> [!NOTE]`, `:::tip`) with no title of their own.
    pub(crate) callout_note: String,
    pub(crate) callout_tip: String,
    pub(crate) callout_important: String,
    pub(crate) callout_warning: String,
    pub(crate) callout_caution: String,
    pub(crate) callout_info: String,
    pub(crate) callout_danger: String,
    pub(crate) callout_details: String,
    pub(crate) skip: String,
    pub(crate) breadcrumbs: String,
    // Study mode (`render::study`, `static/study.js`).
    pub(crate) study_mode: String,
    pub(crate) show_answer: String,
    pub(crate) hide_answer: String,
    pub(crate) show_all: String,
    pub(crate) knew_it: String,
    pub(crate) review_again: String,
    pub(crate) quiz: String,
    pub(crate) glossary: String,
    pub(crate) questions: String,
    pub(crate) due: String,
    pub(crate) all_questions: String,
    pub(crate) no_questions: String,
    pub(crate) no_terms: String,
    pub(crate) no_references: String,
    pub(crate) done: String,
    pub(crate) progress: String,
    pub(crate) reset: String,
    pub(crate) reset_confirm: String,
    pub(crate) export: String,
    pub(crate) import: String,
    pub(crate) anki: String,
    pub(crate) defined_in: String,
    pub(crate) also_in: String,
    pub(crate) whole_site: String,
    pub(crate) next_question: String,
    pub(crate) remaining: String,
    /// Accessible names of a task list's ticked and open boxes.
    pub(crate) task_done: String,
    pub(crate) task_todo: String,
    /// The reader's controls: back to top, the keyboard shortcuts overlay and its lines, the
    /// link to a note's source in its repository.
    pub(crate) back_to_top: String,
    pub(crate) shortcuts: String,
    pub(crate) close: String,
    pub(crate) edit_page: String,
}

impl Words {
    /// Built-in words for a language; Korean unless English is asked for.
    fn for_lang(lang: &str) -> Words {
        let w = |s: &str| s.to_string();
        if lang.starts_with("en") {
            Words {
                toc: w("Contents"),
                prev: w("Previous"),
                next: w("Next"),
                search: w("Search"),
                filter: w("Filter note titles"),
                search_none: w("No results"),
                search_all: w("All results"),
                search_count: w("{n} results"),
                references: w("References"),
                home: w("Home"),
                sections: w("Sections"),
                notes: w("Notes"),
                theme: w("Toggle theme"),
                copy: w("Copy"),
                copied: w("Copied"),
                menu: w("Menu"),
                not_found: w("Page not found"),
                back_home: w("Back to home"),
                on_this_page: w("On this page"),
                anchor: w("Link to this heading"),
                callout_note: w("Note"),
                callout_tip: w("Tip"),
                callout_important: w("Important"),
                callout_warning: w("Warning"),
                callout_caution: w("Caution"),
                callout_info: w("Info"),
                callout_danger: w("Danger"),
                callout_details: w("Details"),
                skip: w("Skip to content"),
                breadcrumbs: w("Breadcrumbs"),
                study_mode: w("Study mode"),
                show_answer: w("Show answer"),
                hide_answer: w("Hide answer"),
                show_all: w("Show all answers"),
                knew_it: w("Knew it"),
                review_again: w("Review again"),
                quiz: w("Quiz"),
                glossary: w("Glossary"),
                questions: w("questions"),
                due: w("Due for review"),
                all_questions: w("All questions"),
                no_questions: w("No questions here"),
                no_terms: w("No terms here"),
                no_references: w("No references here"),
                done: w("Nothing is due right now"),
                progress: w("Progress"),
                reset: w("Reset progress"),
                reset_confirm: w("Erase all study progress of this site?"),
                export: w("Export progress"),
                import: w("Import progress"),
                anki: w("CSV for Anki"),
                defined_in: w("defined in"),
                also_in: w("also in"),
                whole_site: w("Whole site"),
                next_question: w("Next question"),
                remaining: w("Left"),
                task_done: w("Done"),
                task_todo: w("To do"),
                back_to_top: w("Back to top"),
                shortcuts: w("Keyboard shortcuts"),
                close: w("Close"),
                edit_page: w("Edit this page"),
            }
        } else {
            Words {
                toc: w("목차"),
                prev: w("이전"),
                next: w("다음"),
                search: w("검색"),
                filter: w("노트 제목 필터"),
                search_none: w("결과 없음"),
                search_all: w("모든 결과 보기"),
                search_count: w("결과 {n}개"),
                references: w("참고 자료"),
                home: w("홈"),
                sections: w("섹션"),
                notes: w("노트"),
                theme: w("테마 전환"),
                copy: w("복사"),
                copied: w("복사됨"),
                menu: w("메뉴"),
                not_found: w("페이지를 찾을 수 없습니다"),
                back_home: w("홈으로"),
                on_this_page: w("이 페이지"),
                anchor: w("이 제목으로 연결"),
                callout_note: w("참고"),
                callout_tip: w("팁"),
                callout_important: w("중요"),
                callout_warning: w("경고"),
                callout_caution: w("주의"),
                callout_info: w("정보"),
                callout_danger: w("위험"),
                callout_details: w("자세히"),
                skip: w("본문으로 건너뛰기"),
                breadcrumbs: w("위치"),
                study_mode: w("학습 모드"),
                show_answer: w("정답 보기"),
                hide_answer: w("정답 숨기기"),
                show_all: w("모든 정답 보기"),
                knew_it: w("알았음"),
                review_again: w("다시 보기"),
                quiz: w("퀴즈"),
                glossary: w("용어집"),
                questions: w("문제"),
                due: w("복습할 문제"),
                all_questions: w("모든 문제"),
                no_questions: w("문제가 없습니다"),
                no_terms: w("용어가 없습니다"),
                no_references: w("참고 자료가 없습니다"),
                done: w("오늘 복습할 문제를 모두 풀었습니다"),
                progress: w("진행"),
                reset: w("기록 초기화"),
                reset_confirm: w("이 사이트의 학습 기록을 모두 지울까요?"),
                export: w("기록 내보내기"),
                import: w("기록 가져오기"),
                anki: w("Anki용 CSV"),
                defined_in: w("정의"),
                also_in: w("다른 노트"),
                whole_site: w("전체"),
                next_question: w("다음 문제"),
                remaining: w("남은 문제"),
                task_done: w("완료"),
                task_todo: w("할 일"),
                back_to_top: w("맨 위로"),
                shortcuts: w("단축키"),
                close: w("닫기"),
                edit_page: w("이 페이지 편집"),
            }
        }
    }
}

impl Default for Words {
    fn default() -> Self {
        Words::for_lang("ko")
    }
}

/// `gongbu.toml` as written; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ConfigFile {
    title: Option<String>,
    description: Option<String>,
    language: Option<String>,
    base_url: Option<String>,
    content_dir: Option<String>,
    repository: Option<String>,
    repository_aliases: Vec<String>,
    words: Option<toml::Table>,
    study: StudyFile,
    search: SearchFile,
}

/// `[study]` of `gongbu.toml`.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct StudyFile {
    question_patterns: Vec<String>,
    anki: bool,
}

impl Default for StudyFile {
    fn default() -> Self {
        StudyFile { question_patterns: Vec::new(), anki: true }
    }
}

/// `[search]` of `gongbu.toml`.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SearchFile {
    enabled: bool,
}

impl Default for SearchFile {
    fn default() -> Self {
        SearchFile { enabled: true }
    }
}

/// What the command line may override.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--output`: replaces the configured output folder.
    pub output_dir: Option<PathBuf>,
    /// `--base-url`: replaces `base_url` of `gongbu.toml` (for the sitemap).
    pub base_url: Option<String>,
    /// `--strict`: warnings fail the build.
    pub strict: bool,
    /// Theme CSS/JS under content-hashed names (`gongbu build`; see `Config::hashed_assets`).
    pub hashed_assets: bool,
    /// Minified pages and theme CSS/JS (`gongbu build`; see `Config::minify`).
    pub minify: bool,
    /// `--cache`: read and write the build cache.
    pub cache: bool,
}

/// Why no `Config` could be made; shown to the user as `file[:line]: message`.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `gongbu.toml` exists but could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The `gongbu.toml` path as shown.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// `gongbu.toml` is not valid TOML, has an unknown or mistyped key, or puts the notes outside the root.
    #[error("{path}:{line}: {message}")]
    Parse {
        /// The `gongbu.toml` path as shown.
        path: String,
        /// 1-based line of the problem; 0 when the parser gives no position.
        line: usize,
        /// What is wrong, from the TOML parser.
        message: String,
    },
    /// The folder gongbu was pointed at does not exist (or is not a folder).
    #[error("{0}: no such folder")]
    MissingRoot(String),
}

impl Config {
    /// Resolve the configuration for the folder `root`: a site root when it holds
    /// `gongbu.toml`, otherwise a plain folder of notes with every default.
    pub fn load(root: &Path, mut overrides: Overrides) -> Result<Config, ConfigError> {
        if !root.is_dir() {
            return Err(ConfigError::MissingRoot(root.display().to_string()));
        }
        // Absolute from here on: paths reported by the file watcher are absolute, and a
        // relative `./content` would never be recognised as their folder.
        let root = &crate::paths::canonical(root);
        overrides.output_dir = overrides.output_dir.map(|dir| std::path::absolute(&dir).unwrap_or(dir));
        let config_path = root.join(CONFIG_FILE);
        let text = if config_path.is_file() {
            Some(
                std::fs::read_to_string(&config_path)
                    .map_err(|source| ConfigError::Read { path: config_path.display().to_string(), source })?,
            )
        } else {
            None
        };
        let mut config = Config::from_parts(root, text.as_deref(), overrides)
            .map_err(|(line, message)| ConfigError::Parse { path: config_path.display().to_string(), line, message })?;
        if config.repository.is_none() {
            config.repository = git_config(root)
                .and_then(|text| github_remote(&text))
                .and_then(|name| Repository::new(&name, [], &notes_prefix(root, &config.content_dir)));
        }
        Ok(config)
    }

    /// Pure part of `load`: `file` is the text of `gongbu.toml`, if there is one.
    /// Errors are `(line, message)`.
    pub fn from_parts(root: &Path, file: Option<&str>, overrides: Overrides) -> Result<Config, (usize, String)> {
        let is_site = file.is_some();
        let parsed: ConfigFile = match file {
            Some(text) => toml::from_str(text).map_err(|e| {
                let line = e.span().map_or(0, |s| text[..s.start].matches('\n').count() + 1);
                (line, e.message().to_string())
            })?,
            None => ConfigFile::default(),
        };
        let lang = parsed.language;
        let word_overrides = parsed.words.unwrap_or_default();
        // Checked now, so a bad `[words]` fails before any note is read.
        with_overrides(Words::default(), &word_overrides)?;
        let written = parsed.content_dir.clone();
        let content_dir = match (is_site, parsed.content_dir) {
            (_, Some(dir)) => root.join(dir),
            (true, None) if root.join("content").is_dir() => root.join("content"),
            _ => root.to_path_buf(),
        };
        // Notes are published: a notes folder that reaches out of the site root (an absolute
        // `content_dir`, `..`, a symlink) would publish whatever it points at.
        if !crate::paths::lies_inside(&content_dir, root) {
            let line = file
                .and_then(|t| t.lines().position(|l| l.trim_start().starts_with("content_dir")))
                .map_or(0, |i| i + 1);
            let named =
                written.map_or_else(|| "the notes folder content/".to_string(), |dir| format!("content_dir = {dir:?}"));
            let real = crate::paths::real_path(&content_dir);
            return Err((
                line,
                format!(
                    "{named} resolves to {}, outside the site root {}; the notes folder must lie inside the site root",
                    real.display(),
                    root.display()
                ),
            ));
        }
        for pattern in &parsed.study.question_patterns {
            if let Err(e) = onig::Regex::new(pattern) {
                let line = file
                    .and_then(|t| t.lines().position(|l| l.trim_start().starts_with("question_patterns")))
                    .map_or(0, |i| i + 1);
                return Err((line, format!("[study] question_patterns: {pattern:?} is not a valid pattern: {e}")));
            }
        }
        let base_url = overrides.base_url.or(parsed.base_url).unwrap_or_else(|| "/".to_string());
        let repository = match parsed.repository {
            Some(name) => {
                let aliases = parsed.repository_aliases.iter().map(String::as_str);
                let repository = Repository::new(&name, aliases, &notes_prefix(root, &content_dir));
                let line = file.and_then(|t| t.lines().position(|l| l.trim_start().starts_with("repository")));
                let message = format!("repository = {name:?} is not a GitHub repository (write \"owner/name\")");
                Some(repository.ok_or((line.map_or(0, |i| i + 1), message))?)
            }
            None => None,
        };
        let output_dir = overrides.output_dir.unwrap_or_else(|| root.join("public"));
        Ok(Config {
            root: root.to_path_buf(),
            cache_dir: overrides.cache.then(|| crate::cache::folder_beside(&output_dir)),
            output_dir,
            templates_dir: is_site.then(|| root.join("templates")),
            static_dir: is_site.then(|| root.join("static")),
            content_dir,
            title: parsed.title,
            description: parsed.description.unwrap_or_default(),
            lang,
            base_url: normalise_base_url(&base_url),
            word_overrides,
            strict: overrides.strict,
            hashed_assets: overrides.hashed_assets,
            minify: overrides.minify,
            repository,
            question_patterns: parsed.study.question_patterns,
            search: parsed.search.enabled,
            anki: parsed.study.anki,
        })
    }

    /// The site root's own files, which are never notes even when the notes folder is the site
    /// root itself (no `content/`): `gongbu.toml` and the theme folders `templates/` and
    /// `static/`. None for a plain folder of notes.
    pub(crate) fn own_files(&self) -> Vec<PathBuf> {
        let config_file = self.templates_dir.as_ref().map(|_| self.root.join(CONFIG_FILE));
        [config_file, self.templates_dir.clone(), self.static_dir.clone()].into_iter().flatten().collect()
    }

    /// Whether `path` is one of `own_files` or lies in one of them.
    pub(crate) fn is_own_file(&self, path: &Path) -> bool {
        self.own_files().iter().any(|own| path.starts_with(own))
    }

    /// The site's language: `language` of `gongbu.toml` when set, else Korean when enough of the
    /// notes' letters (`letters`, summed over every note's prose) are Hangul, else English.
    pub(crate) fn language(&self, letters: Letters) -> Language {
        let per_mille = (letters.hangul * 1000).checked_div(letters.all);
        let (code, why) = match (&self.lang, per_mille) {
            (Some(code), _) => (code.clone(), "gongbu.toml".to_string()),
            (None, None) => ("ko".to_string(), "the default: the notes have no text".to_string()),
            (None, Some(share)) => {
                let code = if share >= KOREAN_FROM_PER_MILLE { "ko" } else { "en" };
                (code.to_string(), format!("detected: {}% Hangul", (share + 5) / 10))
            }
        };
        // Checked in `from_parts`; the fallback is never taken.
        let words = with_overrides(Words::for_lang(&code), &self.word_overrides).unwrap_or_default();
        Language { code, words, why }
    }
}

/// `words` with `[words]` over them; an unknown key or a value that is not a string is an error.
fn with_overrides(words: Words, table: &toml::Table) -> Result<Words, (usize, String)> {
    if table.is_empty() {
        return Ok(words);
    }
    // Start from the language's words so a partial table only replaces what it names.
    let mut merged = toml::Table::try_from(&words).map_err(|e| (0, e.to_string()))?;
    for (key, value) in table {
        if !merged.contains_key(key) {
            return Err((0, format!("unknown word `{key}` in [words]")));
        }
        merged.insert(key.clone(), value.clone());
    }
    merged.try_into().map_err(|e: toml::de::Error| (0, format!("[words]: {}", e.message())))
}

/// The notes folder's path inside the repository at `root` (`content`, or empty).
fn notes_prefix(root: &Path, content_dir: &Path) -> String {
    content_dir.strip_prefix(root).map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default()
}

/// The text of `root/.git/config` when the root is a git checkout: read only through a real
/// `.git` folder and a regular file, never through a symlink (a cloned repository is not trusted).
fn git_config(root: &Path) -> Option<String> {
    let git = root.join(".git");
    let config = git.join("config");
    let real_dir = std::fs::symlink_metadata(&git).ok()?.is_dir();
    let regular = std::fs::symlink_metadata(&config).ok()?;
    if !real_dir || !regular.is_file() || regular.len() > 1 << 20 {
        return None;
    }
    std::fs::read_to_string(config).ok()
}

/// Base URLs always end with one `/`, so page paths can be appended.
fn normalise_base_url(url: &str) -> String {
    format!("{}/", url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(text: &str) -> Result<Config, (usize, String)> {
        Config::from_parts(Path::new("/nonexistent-site"), Some(text), Overrides::default())
    }

    #[test]
    fn loaded_paths_are_absolute() {
        let c = Config::load(Path::new("."), Overrides::default()).unwrap();
        assert!(c.root.is_absolute() && c.content_dir.is_absolute() && c.output_dir.is_absolute(), "{c:?}");
        assert!(c.content_dir.ends_with("content"), "this repository is a site root");
    }

    #[test]
    fn plain_folder_defaults_to_korean() {
        let c = Config::from_parts(Path::new("/notes"), None, Overrides::default()).unwrap();
        let language = c.language(Letters::default());
        assert_eq!((language.code.as_str(), language.words.toc.as_str()), ("ko", "목차"));
        assert_eq!(c.content_dir, Path::new("/notes"));
        assert_eq!(c.output_dir, Path::new("/notes/public"));
        assert_eq!(c.base_url, "/");
    }

    #[test]
    fn english_words_and_partial_override() {
        let c = site("language = \"en\"\n[words]\ntoc = \"Index\"\n").unwrap();
        let words = c.language(Letters { hangul: 900, all: 1000 }).words;
        assert_eq!(words.toc, "Index");
        assert_eq!(words.prev, "Previous");
    }

    #[test]
    fn the_language_is_told_from_the_share_of_hangul_unless_set() {
        let plain = Config::from_parts(Path::new("/notes"), None, Overrides::default()).unwrap();
        let decide = |c: &Config, hangul, all| {
            let l = c.language(Letters { hangul, all });
            (l.code, l.words.toc, l.why)
        };
        assert_eq!(decide(&plain, 20, 1000), ("en".into(), "Contents".into(), "detected: 2% Hangul".into()));
        assert_eq!(decide(&plain, 149, 1000).0, "en");
        assert_eq!(decide(&plain, 150, 1000).0, "ko");
        assert_eq!(decide(&plain, 610, 1000), ("ko".into(), "목차".into(), "detected: 61% Hangul".into()));
        assert_eq!(decide(&plain, 0, 0).0, "ko", "no text: Korean, the default");
        let set = site("language = \"ko\"\n[words]\nprev = \"앞\"\n").unwrap();
        let language = set.language(Letters { hangul: 0, all: 1000 });
        assert_eq!(language.to_string(), "language: ko (gongbu.toml)");
        assert_eq!((language.words.prev.as_str(), language.words.next.as_str()), ("앞", "다음"));
        // `[words]` applies over a detected language's words too.
        let words = site("[words]\nprev = \"Back\"\n").unwrap().language(Letters { hangul: 0, all: 9 }).words;
        assert_eq!((words.prev.as_str(), words.next.as_str()), ("Back", "Next"));
    }

    #[test]
    fn unknown_word_is_an_error() {
        let err = site("[words]\ntocc = \"x\"\n").unwrap_err();
        assert!(err.1.contains("tocc"));
    }

    #[test]
    fn syntax_error_has_a_line() {
        let err = site("title = \"a\"\nlanguage = \n").unwrap_err();
        assert_eq!(err.0, 2);
    }

    #[test]
    fn content_dir_outside_the_root_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("notes/sub")).unwrap();
        std::fs::create_dir(tmp.path().join("elsewhere")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("elsewhere"), root.join("link")).unwrap();
        let with = |dir: &str| {
            Config::from_parts(&root, Some(&format!("title = \"t\"\ncontent_dir = {dir:?}\n")), Overrides::default())
        };
        for dir in ["../elsewhere", "/etc", "link", "notes/../../elsewhere", "link/new", "missing/../../elsewhere"] {
            let (line, message) = with(dir).expect_err(dir);
            assert_eq!(line, 2, "{dir}: {message}");
            assert!(message.contains("outside the site root"), "{dir}: {message}");
        }
        for dir in ["notes", "notes/sub", "notes/../notes", ".", "not-yet"] {
            assert!(with(dir).is_ok(), "{dir}");
        }
        std::os::unix::fs::symlink(tmp.path().join("elsewhere"), root.join("content")).unwrap();
        let (_, message) = Config::from_parts(&root, Some("title = \"t\"\n"), Overrides::default()).unwrap_err();
        assert!(
            message.starts_with("the notes folder content/ resolves to ") && message.contains("outside the site root"),
            "{message}"
        );
    }

    #[test]
    fn repository_comes_from_the_config_else_the_git_remote() {
        let c = site("repository = \"Me/Notes\"\nrepository_aliases = [\"old/notes\"]\n").unwrap();
        let repo = c.repository.unwrap();
        assert_eq!(repo.name(), "me/notes");
        assert!(repo.link("https://github.com/old/notes/blob/main/a.md").is_some());
        let (line, message) = site("title = \"t\"\nrepository = \"nope\"\n").unwrap_err();
        assert_eq!(line, 2, "{message}");

        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/config"), "[remote \"origin\"]\n\turl = git@github.com:me/notes.git\n").unwrap();
        let c = Config::load(root, Overrides::default()).unwrap();
        assert_eq!(c.repository.map(|r| r.name().to_string()).as_deref(), Some("me/notes"));
        std::fs::write(root.join(CONFIG_FILE), "repository = \"me/other\"\n").unwrap();
        let c = Config::load(root, Overrides::default()).unwrap();
        assert_eq!(c.repository.map(|r| r.name().to_string()).as_deref(), Some("me/other"), "gongbu.toml wins");

        // A `.git` that is a symlink is not followed.
        let other = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(root.join(".git"), other.path().join(".git")).unwrap();
        assert_eq!(Config::load(other.path(), Overrides::default()).unwrap().repository, None);
    }

    #[test]
    fn study_question_patterns_are_checked_with_their_line() {
        let c = site("[study]\nquestion_patterns = [\"^문제 \\\\d+\"]\n").unwrap();
        assert_eq!(c.question_patterns, ["^문제 \\d+"]);
        let (line, message) = site("title = \"t\"\n[study]\nquestion_patterns = [\"(\"]\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(message.contains("not a valid pattern"), "{message}");
        assert!(site("[study]\npatterns = []\n").is_err(), "unknown keys are refused");
    }

    #[test]
    fn search_and_the_anki_export_are_on_unless_turned_off() {
        let on = site("title = \"t\"\n").unwrap();
        assert!(on.search && on.anki);
        let plain = Config::from_parts(Path::new("/n"), None, Overrides::default()).unwrap();
        assert!(plain.search && plain.anki, "a plain folder has every feature");
        let off = site("[search]\nenabled = false\n[study]\nanki = false\n").unwrap();
        assert!(!off.search && !off.anki);
        let (line, message) = site("title = \"t\"\n[search]\nenabled = \"no\"\n").unwrap_err();
        assert_eq!(line, 3, "{message}");
        assert!(site("[search]\nindex = false\n").is_err(), "unknown keys are refused");
    }

    #[test]
    fn cli_base_url_wins_and_is_normalised() {
        let overrides = Overrides { base_url: Some("https://me.github.io/notes".into()), ..Default::default() };
        let c = Config::from_parts(Path::new("/n"), Some("base_url = \"/x\""), overrides).unwrap();
        assert_eq!(c.base_url, "https://me.github.io/notes/");
    }
}
