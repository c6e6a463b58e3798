//! `flask-cookie`: open, verify, dump and inspect Flask session cookies from a terminal.
//!
//! The interface (commands, options, output and exit status) is a contract: see `USAGE` and
//! the README.
// No panic on any input (as in the library).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

use std::ffi::OsString;

use clap::{Args, CommandFactory, Parser, Subcommand};

mod audit_cli;
use std::io::{Read, Write};
use std::process::ExitCode;

use flask_cookie::{
    decode_unverified, Codec, CodecBuilder, Digest, Error, KeyDerivation, Limits, Preset, SecretKey,
};

const EXIT_BAD_SIGNATURE: u8 = 1;
const EXIT_EXPIRED: u8 = 2;
const EXIT_BAD_PAYLOAD: u8 = 3;
const EXIT_USAGE: u8 = 64;
const EXIT_DATA: u8 = 65;
const EXIT_IO: u8 = 74;

/// A failure: the exit status and the one-line reason for stderr.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }

    fn io(what: &str, e: std::io::Error) -> Failure {
        Failure {
            code: EXIT_IO,
            message: format!("{what}: {e}"),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let code = match &e {
            Error::BadSignature(_) | Error::MalformedTimestamp(_) => EXIT_BAD_SIGNATURE,
            Error::Expired(_) => EXIT_EXPIRED,
            Error::BadPayload(_) | Error::TimestampOutOfRange(_) => EXIT_BAD_PAYLOAD,
            Error::Dump(_) => EXIT_DATA,
            _ => EXIT_USAGE,
        };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

/// What follows the `--help` of the commands that take a COOKIE.
const EXIT_HELP: &str = "\
COOKIE may be - to read it from stdin (one trailing newline is ignored).

Exit status: 0 valid; 1 bad signature or malformed cookie; 2 expired (too old or from the
future); 3 validly signed but undecodable payload; 64 usage error; 65 dump input that
cannot be dumped; 74 I/O error.";

/// What follows `dump --help`.
const DUMP_HELP: &str = "\
Exit status: 0 valid; 1 bad signature or malformed cookie; 2 expired (too old or from the
future); 3 validly signed but undecodable payload; 64 usage error; 65 dump input that
cannot be dumped; 74 I/O error.";

/// `flask-cookie`: the command line.
#[derive(Parser)]
#[command(
    name = "flask-cookie",
    version,
    about = "Open, verify and write Flask's signed session cookies, byte for byte as Flask does.",
    after_help = EXIT_HELP,
    subcommand_required = true,
    args_override_self = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify and decode a cookie; print the session as canonical tagged JSON.
    #[command(after_help = EXIT_HELP)]
    Open {
        #[command(flatten)]
        codec: CodecArgs,
        #[command(flatten)]
        now: NowArg,
        #[command(flatten)]
        cookie: CookieSource,
    },
    /// Verify a cookie's signature and age only; print nothing on success.
    #[command(after_help = EXIT_HELP)]
    Verify {
        #[command(flatten)]
        codec: CodecArgs,
        #[command(flatten)]
        now: NowArg,
        #[command(flatten)]
        cookie: CookieSource,
    },
    /// Read a session as tagged JSON on stdin (the session a view left, modified); print the
    /// Set-Cookie value Flask 3.1 would send for it (without "Set-Cookie: "), or the
    /// deletion of the cookie for an empty session. --max-age is not taken: the session's
    /// --lifetime is the max age.
    #[command(name = "set-cookie", after_help = DUMP_HELP)]
    SetCookie {
        #[command(flatten)]
        codec: CodecArgs,
        #[command(flatten)]
        session: SessionArgs,
        /// The response's time: the signing time, and what a permanent session's Expires
        /// counts from (default: the clock).
        #[arg(long, value_name = "UNIX_SECONDS", allow_hyphen_values = true, value_parser = seconds)]
        timestamp: Option<u64>,
    },
    /// Read a session as tagged JSON on stdin; print the cookie Flask would write.
    #[command(after_help = DUMP_HELP)]
    Dump {
        #[command(flatten)]
        codec: CodecArgs,
        /// The signing time (default: the clock).
        #[arg(long, value_name = "UNIX_SECONDS", allow_hyphen_values = true, value_parser = seconds)]
        timestamp: Option<u64>,
    },
    /// Print a cookie's payload JSON and timestamp, NOT verified (takes no options).
    #[command(after_help = EXIT_HELP)]
    Decode {
        /// The cookie, or - to read it from stdin.
        #[arg(value_name = "COOKIE")]
        cookie: OsString,
    },
    /// Audit secret keys: find which candidate keys sign the cookies (for apps you run).
    ///
    /// Tries the empty key, a built-in list of well-known default keys, then each --wordlist
    /// (plain lines, or Flask-Unsign's Python literals such as 'key' and b'\x00\xff'),
    /// against every COOKIE in one pass. No expiry check. Found keys go to stdout only.
    #[command(after_help = AUDIT_HELP)]
    Audit {
        #[command(flatten)]
        signing: SigningArgs,
        /// A wordlist: one candidate key a line; repeatable, tried in order.
        #[arg(long = "wordlist", value_name = "FILE", allow_hyphen_values = true)]
        wordlists: Vec<OsString>,
        /// Threads (default: all cores).
        #[arg(long, value_name = "N", value_parser = jobs)]
        jobs: Option<usize>,
        /// Print the result as one JSON object.
        #[arg(long)]
        json: bool,
        /// The cookies to audit; - reads them from stdin, one a line.
        #[arg(value_name = "COOKIE", required = true)]
        cookies: Vec<OsString>,
    },
    /// Print a completion script for SHELL on stdout (e.g. `flask-cookie completions bash >
    /// ~/.local/share/bash-completion/completions/flask-cookie`).
    Completions {
        /// The shell to write completions for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// What follows `audit --help`.
const AUDIT_HELP: &str = "\
Exit status: 0 a key was found (for at least one cookie); 1 none was; 64 usage error
(including a cookie that cannot be audited or an unreadable wordlist); 74 I/O error.";

fn jobs(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "must be a whole number of threads, 1 or more, not {s:?}"
        )),
    }
}

/// The options that shape the signature (no key): shared by every command that checks or
/// makes one.
#[derive(Args)]
struct SigningArgs {
    /// flask (default): Flask's session cookie; itsdangerous: URLSafeTimedSerializer's defaults.
    #[arg(long, value_name = "flask|itsdangerous", value_parser = config::<Preset>)]
    preset: Option<Preset>,
    /// Default: cookie-session (itsdangerous preset: itsdangerous).
    #[arg(long, value_name = "SALT", allow_hyphen_values = true)]
    salt: Option<OsString>,
    /// sha1 (default), sha256 or sha512.
    #[arg(long, value_name = "NAME", value_parser = config::<Digest>)]
    digest: Option<Digest>,
    /// hmac (default), django-concat, concat or none.
    #[arg(long, value_name = "NAME", value_parser = config::<KeyDerivation>)]
    key_derivation: Option<KeyDerivation>,
}

/// The codec options: the keys, the signing options, `--lenient` and `--max-age`, parsed in
/// one place for every command that builds a codec.
#[derive(Args)]
struct CodecArgs {
    /// The current key (SECRET_KEY); or --secret-key-file, or the environment variable
    /// FLASK_SECRET_KEY (prefer those two: command lines are visible to other users).
    #[arg(long, value_name = "KEY", allow_hyphen_values = true)]
    secret_key: Option<OsString>,
    /// Read the key from a file (one trailing newline is ignored).
    #[arg(long, value_name = "PATH", allow_hyphen_values = true)]
    secret_key_file: Option<OsString>,
    /// An older key still accepted (SECRET_KEY_FALLBACKS); repeatable, oldest first.
    #[arg(long = "fallback-key", value_name = "KEY", allow_hyphen_values = true)]
    fallback_keys: Vec<OsString>,
    #[command(flatten)]
    signing: SigningArgs,
    /// Decode the signature's base64 as Python does.
    #[arg(long)]
    lenient: bool,
    /// Default: 2678400, Flask's 31 days (itsdangerous preset: none).
    #[arg(long, value_name = "SECONDS|none", allow_hyphen_values = true, value_parser = max_age)]
    max_age: Option<MaxAge>,
}

/// Where `open` and `verify` get the cookie: the argument, or the request's Cookie headers.
#[derive(Args)]
struct CookieSource {
    /// The cookie, or - to read it from stdin.
    #[arg(
        value_name = "COOKIE",
        required_unless_present = "cookie_headers",
        conflicts_with = "cookie_headers"
    )]
    cookie: Option<OsString>,
    /// A Cookie request header's value (raw bytes); repeatable, in order. The cookie named
    /// --cookie-name is picked as Flask does (Werkzeug's parse_cookie: first occurrence wins,
    /// quoted values unescaped, several headers joined with ";").
    #[arg(
        long = "cookie-header",
        value_name = "HEADER",
        allow_hyphen_values = true
    )]
    cookie_headers: Vec<OsString>,
    /// With --cookie-header: the session cookie's name (SESSION_COOKIE_NAME; default: session).
    #[arg(long, value_name = "NAME")]
    cookie_name: Option<String>,
}

/// The session cookie's settings (Flask's SESSION_COOKIE_* and friends); absent = Flask's
/// default.
#[derive(Args)]
struct SessionArgs {
    /// SESSION_COOKIE_NAME.
    #[arg(long, value_name = "NAME", default_value = "session")]
    cookie_name: String,
    /// SESSION_COOKIE_DOMAIN (default: none; a port and leading dots are dropped).
    #[arg(long, value_name = "DOMAIN", allow_hyphen_values = true)]
    cookie_domain: Option<String>,
    /// SESSION_COOKIE_PATH (default: APPLICATION_ROOT).
    #[arg(long, value_name = "PATH", allow_hyphen_values = true)]
    cookie_path: Option<String>,
    /// APPLICATION_ROOT.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "/",
        allow_hyphen_values = true
    )]
    application_root: String,
    /// SESSION_COOKIE_HTTPONLY = False.
    #[arg(long)]
    no_httponly: bool,
    /// SESSION_COOKIE_SECURE = True.
    #[arg(long)]
    secure: bool,
    /// SESSION_COOKIE_SAMESITE: Strict, Lax or None, any case (default: none).
    #[arg(long, value_name = "VALUE")]
    samesite: Option<String>,
    /// SESSION_COOKIE_PARTITIONED = True (implies Secure).
    #[arg(long)]
    partitioned: bool,
    /// PERMANENT_SESSION_LIFETIME in seconds (default: 2678400, 31 days).
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    lifetime: Option<u64>,
    /// MAX_COOKIE_SIZE: warn on stderr above this many bytes (default: 4093; 0: never).
    #[arg(long, value_name = "BYTES")]
    max_cookie_size: Option<usize>,
}

/// `--now`, for the commands that check expiry.
#[derive(Args)]
struct NowArg {
    /// The time to check expiry against (default: the clock).
    #[arg(long, value_name = "UNIX_SECONDS", allow_hyphen_values = true, value_parser = seconds)]
    now: Option<u64>,
}

/// `--max-age`: `None` is `--max-age none`.
#[derive(Clone, Copy)]
struct MaxAge(Option<u64>);

/// A value parser for the library's `FromStr` settings (digest, derivation, preset): their
/// `ConfigError` is the message.
fn config<T: std::str::FromStr<Err = flask_cookie::ConfigError>>(s: &str) -> Result<T, String> {
    s.parse()
        .map_err(|e: flask_cookie::ConfigError| e.to_string())
}

fn seconds(s: &str) -> Result<u64, String> {
    s.parse::<u64>()
        .map_err(|_| format!("must be a whole number of seconds, not {s:?}"))
}

fn max_age(s: &str) -> Result<MaxAge, String> {
    if s == "none" {
        Ok(MaxAge(None))
    } else {
        seconds(s).map(|n| MaxAge(Some(n)))
    }
}

fn os_bytes(s: OsString) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        s.into_vec()
    }
    #[cfg(not(unix))]
    {
        s.to_string_lossy().into_owned().into_bytes()
    }
}

/// Strips one trailing `\n` or `\r\n`.
fn strip_newline(mut s: Vec<u8>) -> Vec<u8> {
    if s.last() == Some(&b'\n') {
        s.pop();
        if s.last() == Some(&b'\r') {
            s.pop();
        }
    }
    s
}

fn read_stdin(what: &str) -> Result<Vec<u8>, Failure> {
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .map_err(|e| Failure::io(&format!("reading {what} from stdin"), e))?;
    Ok(buf)
}

fn secret_key(args: &mut CodecArgs) -> Result<SecretKey, Failure> {
    match (args.secret_key.take(), args.secret_key_file.take()) {
        (Some(_), Some(_)) => Err(Failure::usage(
            "give --secret-key or --secret-key-file, not both",
        )),
        (Some(k), None) => Ok(SecretKey::from(os_bytes(k))),
        (None, Some(path)) => {
            let bytes = std::fs::read(&path).map_err(|e| {
                Failure::usage(format!(
                    "cannot read --secret-key-file {}: {e}",
                    std::path::Path::new(&path).display()
                ))
            })?;
            Ok(SecretKey::from(strip_newline(bytes)))
        }
        (None, None) => match std::env::var_os("FLASK_SECRET_KEY") {
            Some(k) => Ok(SecretKey::from(os_bytes(k))),
            None => Err(Failure::usage(
                "a secret key is required: --secret-key, --secret-key-file or FLASK_SECRET_KEY",
            )),
        },
    }
}

/// A builder with the signing options applied (no key yet: `key` is the only one).
fn builder(signing: &SigningArgs, key: SecretKey) -> CodecBuilder {
    let mut b = CodecBuilder::new(signing.preset.unwrap_or(Preset::Flask), key);
    if let Some(salt) = &signing.salt {
        b = b.salt(os_bytes(salt.clone()));
    }
    if let Some(d) = signing.digest {
        b = b.digest(d);
    }
    if let Some(d) = signing.key_derivation {
        b = b.key_derivation(d);
    }
    b
}

fn build_codec(mut args: CodecArgs) -> Result<Codec, Failure> {
    let key = secret_key(&mut args)?;
    let fallbacks: Vec<SecretKey> = args
        .fallback_keys
        .drain(..)
        .map(|k| SecretKey::from(os_bytes(k)))
        .collect();
    let mut b = builder(&args.signing, key)
        .fallback_keys(fallbacks)
        .lenient_base64(args.lenient);
    if let Some(MaxAge(m)) = args.max_age {
        b = b.max_age(m);
    }
    b.build()
        .map_err(|e| Failure::usage(format!("invalid configuration: {e}")))
}

fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Failure::io("writing to stdout", e))
}

/// The cookie `open` and `verify` check: the argument (or stdin), or the one Flask picks from
/// the Cookie headers.
fn cookie_from(source: CookieSource) -> Result<Vec<u8>, Failure> {
    if let Some(cookie) = source.cookie {
        if source.cookie_name.is_some() {
            return Err(Failure::usage("--cookie-name picks from --cookie-header"));
        }
        return cookie_arg(cookie);
    }
    let headers: Vec<Vec<u8>> = source.cookie_headers.into_iter().map(os_bytes).collect();
    let name = source.cookie_name.as_deref().unwrap_or("session");
    match flask_cookie::session::cookie_value(&headers, name) {
        // Flask's `if not val:` — no cookie, or an empty one: a new session.
        Some(v) if !v.is_empty() => Ok(v.into_bytes()),
        _ => Err(Failure {
            code: EXIT_BAD_SIGNATURE,
            message: format!(
                "no {name:?} cookie in the Cookie header (Flask starts a new, empty session)"
            ),
        }),
    }
}

/// `set-cookie`: Flask's `save_session` for a modified session holding the JSON on stdin.
fn set_cookie(
    mut codec: CodecArgs,
    session: SessionArgs,
    timestamp: Option<u64>,
) -> Result<(), Failure> {
    use flask_cookie::session::{save_session, Session, SessionConfig};
    if codec.max_age.is_some() {
        return Err(Failure::usage(
            "set-cookie takes --lifetime (PERMANENT_SESSION_LIFETIME), not --max-age",
        ));
    }
    let key = secret_key(&mut codec)?;
    let fallbacks: Vec<SecretKey> = codec
        .fallback_keys
        .drain(..)
        .map(|k| SecretKey::from(os_bytes(k)))
        .collect();
    let mut b = SessionConfig::builder(builder(&codec.signing, key).fallback_keys(fallbacks))
        .cookie_name(session.cookie_name)
        .domain(session.cookie_domain.as_deref())
        .path(session.cookie_path.as_deref())
        .application_root(session.application_root)
        .httponly(!session.no_httponly)
        .secure(session.secure)
        .samesite(session.samesite.as_deref())
        .partitioned(session.partitioned);
    if let Some(l) = session.lifetime {
        b = b.lifetime(l);
    }
    if let Some(m) = session.max_cookie_size {
        b = b.max_cookie_size(m);
    }
    let config = b
        .build()
        .map_err(|e| Failure::usage(format!("invalid configuration: {e}")))?;
    let input = read_stdin("the JSON")?;
    let value = config.codec().from_json(&input).map_err(|e| Failure {
        code: EXIT_DATA,
        message: format!("stdin is not tagged JSON: {e}"),
    })?;
    let dict = value.into_dict().map_err(|_| Failure {
        code: EXIT_DATA,
        message: "stdin is not a session: the top level must be a JSON object".to_owned(),
    })?;
    let mut s = Session::new();
    // The view set these keys: the session is modified (an empty one: cleared).
    s.clear();
    s.update(dict.into_entries());
    let now = timestamp.unwrap_or_else(flask_cookie::timed::system_now);
    let out = save_session(&config, &s, now).map_err(|e| Failure {
        code: EXIT_DATA,
        message: e.to_string(),
    })?;
    if let Some(w) = &out.too_large {
        eprintln!("flask-cookie: warning: {w}");
    }
    let mut header = out.set_cookie.unwrap_or_default();
    header.push('\n');
    write_stdout(header.as_bytes())
}

fn cookie_arg(cookie: OsString) -> Result<Vec<u8>, Failure> {
    let c = os_bytes(cookie);
    if c == b"-" {
        Ok(strip_newline(read_stdin("the cookie")?))
    } else {
        Ok(c)
    }
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Decode { cookie } => {
            let cookie = cookie_arg(cookie)?;
            let u = decode_unverified(&cookie, &Limits::default())?;
            let mut out = String::from(
                "UNVERIFIED: the signature was not checked; anyone can write this cookie.\n",
            );
            match u.timestamp {
                Some(ts) => {
                    let mut date = String::new();
                    if let Some(dt) = i64::try_from(ts)
                        .ok()
                        .and_then(flask_cookie::DateTime::from_unix)
                    {
                        flask_cookie::http_date::format(dt, &mut date);
                    }
                    out.push_str(&format!("timestamp: {ts} ({date})\n"));
                }
                None => out.push_str("timestamp: (malformed)\n"),
            }
            out.push_str("payload: ");
            out.push_str(&String::from_utf8_lossy(&u.json));
            out.push('\n');
            write_stdout(out.as_bytes())
        }
        Command::Open { codec, now, cookie } => {
            let codec = build_codec(codec)?;
            let cookie = cookie_from(cookie)?;
            let now = now.now.unwrap_or_else(flask_cookie::timed::system_now);
            let opened = codec.open(&cookie, now)?;
            let mut json = codec
                .to_json_escaping_surrogates(&opened.value)
                .map_err(Error::from)?;
            json.push('\n');
            write_stdout(json.as_bytes())
        }
        Command::Verify { codec, now, cookie } => {
            let codec = build_codec(codec)?;
            let cookie = cookie_from(cookie)?;
            let now = now.now.unwrap_or_else(flask_cookie::timed::system_now);
            codec.verify(&cookie, now)?;
            Ok(())
        }
        Command::Dump { codec, timestamp } => {
            let codec = build_codec(codec)?;
            let input = read_stdin("the JSON")?;
            let value = codec.from_json(&input).map_err(|e| Failure {
                code: EXIT_DATA,
                message: format!("stdin is not tagged JSON: {e}"),
            })?;
            let ts = timestamp.unwrap_or_else(flask_cookie::timed::system_now);
            let mut cookie = codec.dump(&value, ts)?;
            cookie.push('\n');
            write_stdout(cookie.as_bytes())
        }
        Command::SetCookie {
            codec,
            session,
            timestamp,
        } => set_cookie(codec, session, timestamp),
        Command::Audit {
            signing,
            wordlists,
            jobs,
            json,
            cookies,
        } => audit_cli::run(&signing, wordlists, jobs, json, cookies),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "flask-cookie", &mut out);
            write_stdout(&out)
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout with status 0; every other parse error is a usage
        // error: exit 64 (EX_USAGE), not clap's default 2, which means "expired" here.
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) if f.message.is_empty() => ExitCode::from(f.code),
        Err(f) => {
            let hint = if f.code == EXIT_USAGE {
                " (see flask-cookie --help)"
            } else {
                ""
            };
            eprintln!("flask-cookie: {}{hint}", f.message);
            ExitCode::from(f.code)
        }
    }
}
