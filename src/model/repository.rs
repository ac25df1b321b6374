//! The notes' own repository on GitHub, and the links that point at its files there
//! (`https://github.com/OWNER/REPO/blob/BRANCH/Network/TCP.md#3-way-handshake`): notes written
//! for reading on GitHub link to their neighbours that way, and in the built site those links
//! should open the generated page instead of leaving for GitHub.

/// A GitHub repository whose files are the notes: its names (the current one first, then names
/// it had before a rename or transfer, whose links GitHub still redirects) and where the notes
/// folder lies inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// `owner/name`, lower-cased (GitHub compares both without case).
    names: Vec<String>,
    /// The notes folder's path inside the repository (`content`), empty when it is the root.
    notes_prefix: String,
}

/// Where in the site a link to the repository's own files goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RepoLink {
    /// Candidate paths from the notes folder, percent-decoded; several when the branch
    /// name may hold `/` (`blob/feature/x/a.md`: branch `feature` with `x/a.md`, or `feature/x`
    /// with `a.md`), shortest branch first; `""` is the notes folder itself.
    pub(crate) paths: Vec<String>,
    /// The path named a folder (`tree/…`, or the front page).
    pub(crate) folder: bool,
    /// The `#fragment`, without `#`.
    pub(crate) fragment: Option<String>,
}

impl Repository {
    /// A repository from `owner/name` strings as written in `gongbu.toml` or taken from a git
    /// remote; None when the first is not `owner/name`. Invalid aliases are skipped.
    pub fn new<'a>(name: &str, aliases: impl IntoIterator<Item = &'a str>, notes_prefix: &str) -> Option<Repository> {
        let mut names = vec![owner_and_name(name)?];
        names.extend(aliases.into_iter().filter_map(owner_and_name));
        let notes_prefix = notes_prefix.trim_matches('/').to_string();
        Some(Repository { names, notes_prefix })
    }

    /// `owner/name` of the current name, as it is shown.
    pub fn name(&self) -> &str {
        &self.names[0]
    }

    /// The notes folder's path inside the repository, `""` at its root.
    pub(crate) fn notes_prefix(&self) -> &str {
        &self.notes_prefix
    }

    /// Where `url` goes in the site, when it points at a file, folder or the front page of this
    /// repository on GitHub (`github.com/…/blob|tree|raw/…`, `raw.githubusercontent.com/…`);
    /// None for anything else, its issues and wiki included, and for files outside the notes folder.
    pub(crate) fn link(&self, url: &str) -> Option<RepoLink> {
        let rest = strip_prefix_ignore_case(url, "https://").or_else(|| strip_prefix_ignore_case(url, "http://"))?;
        let (rest, fragment) = match rest.split_once('#') {
            Some((r, f)) => (r, Some(f.to_string())),
            None => (rest, None),
        };
        // `?raw=true` and `?plain=1` only change how GitHub shows the file.
        let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = host.to_ascii_lowercase();
        let mut parts = path.split('/');
        let owner = parts.next()?;
        let name = parts.next()?;
        let full = format!("{owner}/{}", name.strip_suffix(".git").unwrap_or(name)).to_ascii_lowercase();
        if !self.names.contains(&full) {
            return None;
        }
        let after: Vec<&str> = parts.collect();
        let (folder, branch_and_path): (bool, &[&str]) = match host.as_str() {
            "github.com" | "www.github.com" => match after.split_first() {
                None | Some((&"", [])) => return self.front_page(fragment),
                Some((&"blob" | &"raw", rest)) => (false, rest),
                Some((&"tree", rest)) => (true, rest),
                _ => return None,
            },
            "raw.githubusercontent.com" => match after.as_slice() {
                ["refs", "heads", rest @ ..] => (false, rest),
                rest => (false, rest),
            },
            _ => return None,
        };
        // Every split of the rest into a branch (at least one segment) and a path.
        let paths: Vec<String> = (1..=branch_and_path.len())
            .filter_map(|branch_len| self.inside_notes(&branch_and_path[branch_len..].join("/")))
            .filter(|p| folder || !p.is_empty())
            .collect();
        if paths.is_empty() {
            return None;
        }
        Some(RepoLink { paths, folder, fragment })
    }

    /// The repository's front page: the notes' home page, when the notes are the whole repository.
    fn front_page(&self, fragment: Option<String>) -> Option<RepoLink> {
        let paths = vec![self.inside_notes("")?];
        // `#readme` is GitHub's own anchor for the README under the file list.
        let fragment = fragment.filter(|f| !f.eq_ignore_ascii_case("readme"));
        Some(RepoLink { paths, folder: true, fragment })
    }

    /// `path` (percent-encoded, from the repository root) decoded and made relative to the notes
    /// folder; None outside it.
    fn inside_notes(&self, path: &str) -> Option<String> {
        let decoded = percent_encoding::percent_decode_str(path.trim_end_matches('/')).decode_utf8().ok()?;
        if self.notes_prefix.is_empty() {
            return Some(decoded.into_owned());
        }
        let rest = decoded.strip_prefix(self.notes_prefix.as_str())?;
        match rest.strip_prefix('/') {
            Some(inner) => Some(inner.to_string()),
            None if rest.is_empty() => Some(String::new()),
            None => None,
        }
    }
}

/// `owner/name` from how people write a repository: `owner/name`, a GitHub URL, or a git remote
/// (`git@github.com:owner/name.git`, `ssh://git@github.com/owner/name`); lower-cased.
fn owner_and_name(text: &str) -> Option<String> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let path =
        ["https://github.com/", "http://github.com/", "git@github.com:", "ssh://git@github.com/", "git://github.com/"]
            .iter()
            .find_map(|prefix| lower.strip_prefix(prefix))
            .unwrap_or(&lower);
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let (owner, name) = path.split_once('/')?;
    let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    (valid(owner) && valid(name) && lower.len() < 300).then(|| format!("{owner}/{name}"))
}

/// The GitHub repository that a git config's `origin` remote (or else its first remote) names,
/// as `owner/name`; None when there is none on github.com.
pub fn github_remote(git_config: &str) -> Option<String> {
    let mut section = String::new();
    let mut remotes: Vec<(bool, String)> = Vec::new();
    for line in git_config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.to_string();
        } else if let Some(value) = line.strip_prefix("url").map(str::trim_start).and_then(|l| l.strip_prefix('=')) {
            if section.starts_with("[remote ") {
                let is_origin = section == "[remote \"origin\"]";
                if let Some(repo) =
                    value.trim().to_ascii_lowercase().contains("github.com").then(|| owner_and_name(value))
                {
                    remotes.extend(repo.map(|r| (is_origin, r)));
                }
            }
        }
    }
    remotes.iter().find(|(origin, _)| *origin).or(remotes.first()).map(|(_, r)| r.clone())
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> Repository {
        Repository::new("Gyoogle/tech-interview-for-developer", ["kim6394/tech-interview-for-developer"], "").unwrap()
    }

    fn paths(url: &str) -> Option<(Vec<String>, bool, Option<String>)> {
        repo().link(url).map(|l| (l.paths, l.folder, l.fragment))
    }

    #[test]
    fn blob_tree_raw_and_front_page_links_map_into_the_notes() {
        let base = "https://github.com/gyoogle/tech-interview-for-developer";
        assert_eq!(
            paths(&format!("{base}/blob/master/Computer%20Science/Network/TCP.md#3-way")),
            Some((
                vec!["Computer Science/Network/TCP.md".into(), "Network/TCP.md".into(), "TCP.md".into()],
                false,
                Some("3-way".into())
            ))
        );
        let (p, folder, fragment) = paths(&format!("{base}/tree/master/Interview#기술-면접")).unwrap();
        assert_eq!((p[0].as_str(), folder, fragment.as_deref()), ("Interview", true, Some("기술-면접")));
        assert_eq!(paths(&format!("{base}/blob/master/resources/a.PNG?raw=true")).unwrap().0[0], "resources/a.PNG");
        assert_eq!(paths(&format!("{base}/raw/main/img/x.png")).unwrap().0[0], "img/x.png");
        assert_eq!(
            paths("https://raw.githubusercontent.com/gyoogle/tech-interview-for-developer/refs/heads/main/img/x.png")
                .unwrap()
                .0[0],
            "img/x.png"
        );
        assert_eq!(paths(base), Some((vec![String::new()], true, None)));
        assert_eq!(paths(&format!("{base}/#readme")), Some((vec![String::new()], true, None)));
        assert_eq!(paths(&format!("{base}/tree/master")), Some((vec![String::new()], true, None)));
        // Letter case of the owner and name, http, www, a renamed repository, `.git`.
        assert!(paths("http://www.github.com/GYOOGLE/Tech-Interview-For-Developer/blob/main/a.md").is_some());
        assert!(paths("https://github.com/kim6394/tech-interview-for-developer/blob/master/a.md").is_some());
        assert!(paths("https://github.com/gyoogle/tech-interview-for-developer.git").is_some());
    }

    #[test]
    fn other_pages_and_other_repositories_stay_on_github() {
        for url in [
            "https://github.com/gyoogle/tech-interview-for-developer/issues",
            "https://github.com/gyoogle/tech-interview-for-developer/graphs/contributors",
            "https://github.com/gyoogle/tech-interview-for-developer/blob/master",
            "https://github.com/gyoogle/other/blob/master/a.md",
            "https://github.com/gyoogle",
            "https://gitlab.com/gyoogle/tech-interview-for-developer/blob/master/a.md",
            "mailto:a@b.c",
            "",
        ] {
            assert_eq!(paths(url), None, "{url}");
        }
    }

    #[test]
    fn a_notes_folder_inside_the_repository_takes_its_prefix_off() {
        let repo = Repository::new("me/notes", [], "content/").unwrap();
        let link = repo.link("https://github.com/me/notes/blob/main/content/os/a.md").unwrap();
        assert_eq!(link.paths, ["os/a.md"]);
        assert_eq!(repo.link("https://github.com/me/notes/tree/main/content").unwrap().paths, [""]);
        assert_eq!(repo.link("https://github.com/me/notes/blob/main/README.md"), None, "outside the notes");
        assert_eq!(repo.link("https://github.com/me/notes/blob/main/contents/a.md"), None);
        assert_eq!(repo.link("https://github.com/me/notes"), None, "the front page is not a page of the notes");
    }

    #[test]
    fn remotes_are_read_from_git_config() {
        let config = "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/up/notes.git\n[remote \"origin\"]\n\turl = git@github.com:Me/My-Notes.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n";
        assert_eq!(github_remote(config).as_deref(), Some("me/my-notes"));
        assert_eq!(github_remote("[remote \"x\"]\nurl = ssh://git@github.com/a/b\n").as_deref(), Some("a/b"));
        assert_eq!(github_remote("[remote \"origin\"]\nurl = https://gitlab.com/a/b.git\n"), None);
        assert_eq!(github_remote("[core]\nurl = https://github.com/a/b\n"), None, "only remotes count");
        assert_eq!(Repository::new("not a repo", [], ""), None);
        assert_eq!(Repository::new("https://github.com/a/b/", [], "").unwrap().name(), "a/b");
    }
}
