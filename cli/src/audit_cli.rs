//! `flask-cookie audit`: reads the wordlists and cookies, runs the library's search
//! ([`flask_cookie::audit`]) with a progress bar on a terminal, and prints the result.
//!
//! Found keys go to stdout only; stderr gets counts, file names and cookie positions, never a
//! key.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use flask_cookie::audit::{Auditor, Outcome, Settings, Wordlist};
use flask_cookie::{Digest, KeyDerivation, Preset};

use super::{os_bytes, read_stdin, strip_newline, write_stdout, Failure, SigningArgs};

/// The exit status when no key was found.
const EXIT_NOT_FOUND: u8 = 1;

/// The audit's settings from the signing options (the preset's defaults otherwise).
fn settings(signing: &SigningArgs) -> Settings {
    let (salt, digest, derivation): (&[u8], _, _) = match signing.preset.unwrap_or(Preset::Flask) {
        Preset::Itsdangerous => (b"itsdangerous", Digest::Sha1, KeyDerivation::DjangoConcat),
        _ => (b"cookie-session", Digest::Sha1, KeyDerivation::Hmac),
    };
    Settings {
        salt: signing.salt.clone().map_or_else(|| salt.to_vec(), os_bytes),
        digest: signing.digest.unwrap_or(digest),
        derivation: signing.key_derivation.unwrap_or(derivation),
    }
}

pub(super) fn run(
    signing: &SigningArgs,
    wordlists: Vec<OsString>,
    jobs: Option<usize>,
    json: bool,
    cookie_args: Vec<OsString>,
) -> Result<(), Failure> {
    let settings = settings(signing);
    let mut cookies: Vec<Vec<u8>> = Vec::new();
    for c in cookie_args {
        let c = os_bytes(c);
        if c == b"-" {
            let input = read_stdin("cookies")?;
            for line in input.split(|&b| b == b'\n') {
                let line = strip_newline(line.to_vec());
                let line = line.strip_suffix(b"\r").unwrap_or(&line).to_vec();
                if !line.is_empty() {
                    cookies.push(line);
                }
            }
        } else {
            cookies.push(c);
        }
    }
    if cookies.is_empty() {
        return Err(Failure::usage("no COOKIE to audit"));
    }
    let pairs: Vec<(&[u8], Settings)> = cookies
        .iter()
        .map(|c| (c.as_slice(), settings.clone()))
        .collect();
    let auditor =
        Auditor::new(&pairs).map_err(|(i, e)| Failure::usage(format!("cookie {}: {e}", i + 1)))?;

    let mut list = Wordlist::new();
    for path in &wordlists {
        let shown = std::path::Path::new(path).display().to_string();
        let text = std::fs::read(path)
            .map_err(|e| Failure::usage(format!("cannot read --wordlist {shown}: {e}")))?;
        list.add(&shown, &text);
    }
    for s in list.sources() {
        if s.malformed > 0 {
            let lines: Vec<String> = s
                .malformed_lines
                .iter()
                .map(|(n, why)| format!("line {n}: {why}"))
                .collect();
            eprintln!(
                "flask-cookie: {}: {} line(s) look like Python literals but are not \
                 (tried as plain bytes): {}{}",
                s.name,
                s.malformed,
                lines.join("; "),
                if s.malformed > lines.len() {
                    "; ..."
                } else {
                    ""
                }
            );
        }
    }

    let jobs = jobs
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1);
    let progress = AtomicU64::new(0);
    let started = Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let outcome: Outcome = std::thread::scope(|s| {
        let search = s.spawn(|| auditor.search(&list, jobs, &progress));
        if terminal {
            let bar = indicatif::ProgressBar::new(list.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {human_pos}/{human_len} keys, {rate}, ETA {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .with_key(
                    "rate",
                    |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.2} M keys/s", state.per_sec() / 1e6);
                    },
                ),
            );
            while !search.is_finished() {
                bar.set_position(progress.load(Ordering::Relaxed));
                std::thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        }
        search.join().unwrap_or_default()
    });
    let elapsed = started.elapsed().as_secs_f64();

    let out = if json {
        json_report(&outcome, &list, cookies.len(), elapsed, jobs)
    } else {
        text_report(&outcome, &list)
    };
    write_stdout(out.as_bytes())?;
    if terminal {
        eprintln!(
            "flask-cookie: tried {} of {} keys on {} cookie(s) in {:.2} s ({:.0} keys/s, {} thread(s))",
            outcome.tried,
            list.len(),
            cookies.len(),
            elapsed,
            outcome.tried as f64 / elapsed.max(1e-9),
            jobs
        );
    }
    if outcome.found.is_empty() {
        // stdout already says so: nothing more on stderr.
        Err(Failure {
            code: EXIT_NOT_FOUND,
            message: String::new(),
        })
    } else {
        Ok(())
    }
}

/// Python's `repr` of the key (as `str` when it is UTF-8, else as `bytes`), so that it can
/// be pasted into Python or a Flask-Unsign wordlist.
fn py_repr(key: &[u8]) -> String {
    let (prefix, text): (&str, Option<&str>) = match std::str::from_utf8(key) {
        Ok(t) => ("", Some(t)),
        Err(_) => ("b", None),
    };
    let has = |c: u8| key.contains(&c);
    let quote = if has(b'\'') && !has(b'"') { '"' } else { '\'' };
    let mut out = String::from(prefix);
    out.push(quote);
    let esc = |c: char, out: &mut String| match c {
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push(c),
    };
    match text {
        Some(t) => t.chars().for_each(|c| esc(c, &mut out)),
        None => key.iter().for_each(|&b| {
            if b >= 0x80 {
                out.push_str(&format!("\\x{b:02x}"));
            } else {
                esc(b as char, &mut out);
            }
        }),
    }
    out.push(quote);
    out
}

fn origin(list: &Wordlist, index: usize) -> String {
    match list.candidate(index) {
        Some(c) => match c.note {
            Some(note) => format!("{} #{}: {note}", c.source.name, c.line),
            None if c.source.first == 0 && c.source.count == 1 && index == 0 => {
                c.source.name.clone()
            }
            None => format!("{} line {}", c.source.name, c.line),
        },
        None => String::from("?"),
    }
}

fn cookie_list(cookies: &[usize]) -> String {
    let v: Vec<String> = cookies.iter().map(|c| (c + 1).to_string()).collect();
    v.join(", ")
}

fn text_report(outcome: &Outcome, list: &Wordlist) -> String {
    let mut out = String::new();
    for f in &outcome.found {
        out.push_str(&format!(
            "key found: {} ({}) signs cookie {}\n",
            py_repr(list.key(f.candidate)),
            origin(list, f.candidate),
            cookie_list(&f.cookies)
        ));
    }
    if !outcome.not_found.is_empty() {
        out.push_str(&format!(
            "no key found for cookie {} ({} keys tried)\n",
            cookie_list(&outcome.not_found),
            outcome.tried
        ));
    }
    out
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_report(
    outcome: &Outcome,
    list: &Wordlist,
    cookies: usize,
    elapsed: f64,
    jobs: usize,
) -> String {
    let mut out = String::from("{\"found\":[");
    for (n, f) in outcome.found.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        let key = list.key(f.candidate);
        out.push_str("{\"key\":");
        match std::str::from_utf8(key) {
            Ok(t) => json_string(t, &mut out),
            Err(_) => out.push_str("null"),
        }
        out.push_str(",\"key_hex\":\"");
        key.iter().for_each(|b| out.push_str(&format!("{b:02x}")));
        out.push_str("\",\"key_repr\":");
        json_string(&py_repr(key), &mut out);
        if let Some(c) = list.candidate(f.candidate) {
            out.push_str(",\"source\":");
            json_string(&c.source.name, &mut out);
            out.push_str(&format!(",\"line\":{}", c.line));
        }
        out.push_str(",\"cookies\":[");
        let idx: Vec<String> = f.cookies.iter().map(|c| c.to_string()).collect();
        out.push_str(&idx.join(","));
        out.push_str("]}");
    }
    out.push_str("],\"not_found\":[");
    let idx: Vec<String> = outcome.not_found.iter().map(|c| c.to_string()).collect();
    out.push_str(&idx.join(","));
    let malformed: usize = list.sources().iter().map(|s| s.malformed).sum();
    out.push_str(&format!(
        "],\"cookies\":{cookies},\"candidates\":{},\"tried\":{},\"malformed_lines\":{malformed},\"seconds\":{elapsed:.6},\"jobs\":{jobs}}}\n",
        list.len(),
        outcome.tried
    ));
    out
}
