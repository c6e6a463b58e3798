//! The candidate keys: the empty key, the built-in defaults, then each wordlist in order.

use super::literal::{parse_line, Line, LiteralError};

/// Well-known default and example secret keys, each with where it comes from. Each is also
/// in Flask-Unsign's wordlist (`flask-unsign-wordlist` 2024.1, `all.txt`) unless noted; this
/// list is tried even without a wordlist.
pub const BUILTIN_KEYS: &[(&[u8], &str)] = &[
    // Flask's tutorial (flaskr, `app.config.from_mapping(SECRET_KEY="dev")`) and the
    // `flask` docs' config examples.
    (b"dev", "Flask tutorial (flaskr)"),
    // Flask's quickstart ("Sessions": `app.secret_key = b'_5#y2L"F4Q8z\n\xec]/'`).
    (b"_5#y2L\"F4Q8z\n\xec]/", "Flask quickstart"),
    // The quickstart of Flask 0.x: `app.secret_key = 'A0Zr98j/3yX R~XHH!jmN]LWX/,?RT'`.
    (b"A0Zr98j/3yX R~XHH!jmN]LWX/,?RT", "Flask 0.x quickstart"),
    // Flask 0.x flaskr tutorial: `SECRET_KEY = 'development key'`.
    (b"development key", "Flask 0.x tutorial (flaskr)"),
    // Miguel Grinberg's Flask Mega-Tutorial: `os.environ.get('SECRET_KEY') or
    // 'you-will-never-guess'`.
    (b"you-will-never-guess", "Flask Mega-Tutorial"),
    // Grinberg, "Flask Web Development": `'hard to guess string'`.
    (
        b"hard to guess string",
        "Flask Web Development (book); wordlist has it capitalized",
    ),
    // Apache Superset's default before 1.4.1 (CVE-2023-27524):
    // `SECRET_KEY = '\2\1thisismyscretkey\1\2\\e\\y\\y\\h'`. Not in Flask-Unsign's list.
    (
        b"\x02\x01thisismyscretkey\x01\x02\\e\\y\\y\\h",
        "Apache Superset < 1.4.1 default",
    ),
    // Apache Superset's default from 1.4.1 (CVE-2023-27524).
    (
        b"CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET",
        "Apache Superset >= 1.4.1 default",
    ),
    // Apache Superset's docs and Helm chart example (CVE-2023-27524 write-up).
    (b"thisISaSECRET_1234", "Apache Superset docs example"),
    // Apache Superset's docker-compose `.env` (CVE-2023-27524 write-up). Not in
    // Flask-Unsign's list.
    (b"TEST_NON_DEV_SECRET", "Apache Superset docker-compose"),
    // Apache Superset's `superset_config.py` template (CVE-2023-27524 write-up). Not in
    // Flask-Unsign's list.
    (
        b"YOUR_OWN_RANDOM_GENERATED_SECRET_KEY",
        "Apache Superset config template",
    ),
    // cookiecutter-flask's `.env.example` / settings default.
    (b"not-so-secret", "cookiecutter-flask"),
    // Real Python, "Flask by Example" config: `SECRET_KEY = 'this-really-needs-to-be-changed'`.
    (
        b"this-really-needs-to-be-changed",
        "Real Python Flask by Example",
    ),
    // Common placeholders in tutorials and templates (all in Flask-Unsign's list).
    (b"secret", "common placeholder"),
    (b"secret-key", "common placeholder"),
    (b"secret_key", "common placeholder"),
    (b"secretkey", "common placeholder"),
    (b"super-secret", "common placeholder"),
    (b"super-secret-key", "common placeholder"),
    (b"changeme", "common placeholder"),
    (b"development", "common placeholder"),
    (b"key", "common placeholder"),
    (b"password", "common placeholder"),
];

/// Where candidates come from: the empty key, the built-in list, or a wordlist.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Source {
    /// `"empty key"`, `"built-in"` or the name given to [`Wordlist::add`] (a file name).
    pub name: String,
    /// The index of its first candidate.
    pub first: usize,
    /// Its number of candidates.
    pub count: usize,
    /// Lines that looked like Python literals but are not (each still tried as plain bytes).
    pub malformed: usize,
    /// The first few of those: (line number from 1, why).
    pub malformed_lines: Vec<(usize, LiteralError)>,
}

/// A candidate key and where it comes from.
#[derive(Clone, Copy, Debug)]
pub struct Candidate<'a> {
    /// The key's bytes.
    pub key: &'a [u8],
    /// Its source.
    pub source: &'a Source,
    /// Its line in the source, from 1 (for the built-in list: its position).
    pub line: usize,
    /// For the built-in list: where the key comes from.
    pub note: Option<&'static str>,
}

/// The candidate keys, in the order they are tried, in one buffer.
#[derive(Clone)]
pub struct Wordlist {
    bytes: Vec<u8>,
    /// (end in `bytes`, line): the start is the previous entry's end.
    entries: Vec<(usize, usize)>,
    sources: Vec<Source>,
}

impl std::fmt::Debug for Wordlist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wordlist")
            .field("candidates", &self.entries.len())
            .field("sources", &self.sources.len())
            .finish_non_exhaustive()
    }
}

/// How many malformed lines a [`Source`] lists.
const MALFORMED_SHOWN: usize = 5;

impl Default for Wordlist {
    fn default() -> Wordlist {
        Wordlist::new()
    }
}

impl Wordlist {
    /// The empty key, then [`BUILTIN_KEYS`].
    pub fn new() -> Wordlist {
        let mut w = Wordlist {
            bytes: Vec::new(),
            entries: Vec::new(),
            sources: Vec::new(),
        };
        w.begin("empty key");
        w.push(b"", 1);
        w.begin("built-in");
        for (n, (key, _)) in BUILTIN_KEYS.iter().enumerate() {
            w.push(key, n + 1);
        }
        w
    }

    fn begin(&mut self, name: &str) {
        self.sources.push(Source {
            name: name.to_owned(),
            first: self.entries.len(),
            ..Source::default()
        });
    }

    fn push(&mut self, key: &[u8], line: usize) {
        self.bytes.extend_from_slice(key);
        self.entries.push((self.bytes.len(), line));
        if let Some(s) = self.sources.last_mut() {
            s.count += 1;
        }
    }

    /// Adds the lines of a wordlist (plain or Flask-Unsign's format, see
    /// [`super::parse_line`]); empty lines are skipped.
    pub fn add(&mut self, name: &str, text: &[u8]) {
        self.begin(name);
        // A final newline leaves an empty last piece: skipped as an empty line.
        for (i, line) in text.split(|&b| b == b'\n').enumerate() {
            let n = i + 1;
            match parse_line(line) {
                Line::Empty => {}
                Line::Plain(key) => self.push(key, n),
                Line::Literal(key) => self.push(&key, n),
                Line::Malformed(raw, why) => {
                    self.push(raw, n);
                    if let Some(s) = self.sources.last_mut() {
                        s.malformed += 1;
                        if s.malformed_lines.len() < MALFORMED_SHOWN {
                            s.malformed_lines.push((n, why));
                        }
                    }
                }
            }
        }
    }

    /// The number of candidates.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` with no candidates (never: the empty key is always there).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The sources, in order.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Candidate `index`'s key (empty when out of range).
    pub fn key(&self, index: usize) -> &[u8] {
        let start = match index.checked_sub(1) {
            Some(prev) => self.entries.get(prev).map_or(0, |e| e.0),
            None => 0,
        };
        let end = self.entries.get(index).map_or(start, |e| e.0);
        self.bytes.get(start..end).unwrap_or(&[])
    }

    /// Candidate `index` with its source.
    pub fn candidate(&self, index: usize) -> Option<Candidate<'_>> {
        let &(_, line) = self.entries.get(index)?;
        let si = self
            .sources
            .partition_point(|s| s.first <= index)
            .checked_sub(1)?;
        let source = self.sources.get(si)?;
        // Source 1 is the built-in list.
        let note = if si == 1 {
            BUILTIN_KEYS.get(line.checked_sub(1)?).map(|k| k.1)
        } else {
            None
        };
        Some(Candidate {
            key: self.key(index),
            source,
            line,
            note,
        })
    }
}
