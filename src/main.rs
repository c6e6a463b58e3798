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
use std::io::{Read, Write};
use std::process::ExitCode;

use flask_cookie::{
    decode_unverified, Codec, CodecBuilder, Digest, Error, KeyDerivation, Limits, Preset, SecretKey,
};

const USAGE: &str = "\
usage: flask-cookie open   [OPTIONS] [--] COOKIE   verify and decode; print the session as JSON
       flask-cookie verify [OPTIONS] [--] COOKIE   verify signature and age only; print nothing
       flask-cookie dump   [OPTIONS]               read tagged JSON on stdin; print the cookie
       flask-cookie decode [--] COOKIE             print payload and timestamp, NOT verified

COOKIE may be - to read it from stdin (one trailing newline is ignored).

options:
  --secret-key KEY          the current key (SECRET_KEY); or --secret-key-file PATH,
                            or the environment variable FLASK_SECRET_KEY
  --secret-key-file PATH    read the key from a file (one trailing newline is ignored)
  --fallback-key KEY        an older key still accepted (SECRET_KEY_FALLBACKS);
                            repeatable, oldest first
  --salt SALT               default: cookie-session (itsdangerous preset: itsdangerous)
  --digest NAME             sha1 (default), sha256 or sha512
  --key-derivation NAME     hmac (default), django-concat, concat or none
  --max-age SECONDS|none    default: 2678400, Flask's 31 days (itsdangerous preset: none)
  --now UNIX_SECONDS        the time to check expiry against (default: the clock)
  --timestamp UNIX_SECONDS  dump: the signing time (default: the clock)
  --lenient                 decode the signature's base64 as Python does
  --preset flask|itsdangerous
                            flask (default): Flask's session cookie;
                            itsdangerous: URLSafeTimedSerializer's defaults

exit status: 0 valid; 1 bad signature or malformed cookie; 2 expired (too old or from the
future); 3 validly signed but undecodable payload; 64 usage error; 65 dump input that
cannot be dumped; 74 I/O error.
";

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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Command {
    Open,
    Verify,
    Dump,
    Decode,
}

/// The parsed command line.
struct Args {
    command: Command,
    secret_key: Option<SecretKey>,
    secret_key_file: Option<OsString>,
    fallback_keys: Vec<SecretKey>,
    salt: Option<Vec<u8>>,
    digest: Option<Digest>,
    derivation: Option<KeyDerivation>,
    /// `Some(None)`: `--max-age none`.
    max_age: Option<Option<u64>>,
    now: Option<u64>,
    timestamp: Option<u64>,
    lenient: bool,
    preset: Preset,
    cookie: Option<Vec<u8>>,
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

fn utf8(s: OsString, what: &str) -> Result<String, Failure> {
    s.into_string()
        .map_err(|_| Failure::usage(format!("{what} is not valid UTF-8")))
}

fn seconds(s: OsString, what: &str) -> Result<u64, Failure> {
    let s = utf8(s, what)?;
    s.parse::<u64>().map_err(|_| {
        Failure::usage(format!(
            "{what} must be a whole number of seconds, not {s:?}"
        ))
    })
}

fn parse_args(mut argv: impl Iterator<Item = OsString>) -> Result<Args, Failure> {
    let command = match argv.next().map(|c| c.into_string()) {
        Some(Ok(c)) => match c.as_str() {
            "open" => Command::Open,
            "verify" => Command::Verify,
            "dump" => Command::Dump,
            "decode" => Command::Decode,
            "--help" | "-h" | "help" => {
                return Err(Failure {
                    code: 0,
                    message: String::new(),
                })
            }
            "--version" | "-V" => {
                return Err(Failure {
                    code: 0,
                    message: format!("flask-cookie {}", env!("CARGO_PKG_VERSION")),
                })
            }
            _ => return Err(Failure::usage(format!("unknown command {c:?}"))),
        },
        _ => return Err(Failure::usage("a command is required")),
    };
    let mut args = Args {
        command,
        secret_key: None,
        secret_key_file: None,
        fallback_keys: Vec::new(),
        salt: None,
        digest: None,
        derivation: None,
        max_age: None,
        now: None,
        timestamp: None,
        lenient: false,
        preset: Preset::Flask,
        cookie: None,
    };
    let mut positional: Vec<OsString> = Vec::new();
    let mut only_positional = false;
    while let Some(arg) = argv.next() {
        let text = arg.to_str().map(str::to_owned);
        let is_option = !only_positional
            && text
                .as_deref()
                .is_some_and(|t| t.starts_with("--") || (t.starts_with('-') && t.len() > 1));
        if !is_option {
            positional.push(arg);
            continue;
        }
        let text = text.unwrap_or_default();
        if text == "--" {
            only_positional = true;
            continue;
        }
        let (name, inline) = match text.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(OsString::from(v))),
            None => (text.clone(), None),
        };
        let takes_value = !matches!(name.as_str(), "--lenient" | "--help" | "-h");
        if !takes_value && inline.is_some() {
            return Err(Failure::usage(format!("{name} takes no value")));
        }
        let mut value = || -> Result<OsString, Failure> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => argv
                    .next()
                    .ok_or_else(|| Failure::usage(format!("{name} needs a value"))),
            }
        };
        if args.command == Command::Decode && !matches!(name.as_str(), "--help" | "-h") {
            return Err(Failure::usage(format!(
                "decode takes no options (it checks nothing), not {name}"
            )));
        }
        match name.as_str() {
            "--help" | "-h" => {
                return Err(Failure {
                    code: 0,
                    message: String::new(),
                })
            }
            "--secret-key" => args.secret_key = Some(SecretKey::from(os_bytes(value()?))),
            "--secret-key-file" => args.secret_key_file = Some(value()?),
            "--fallback-key" => args.fallback_keys.push(SecretKey::from(os_bytes(value()?))),
            "--salt" => args.salt = Some(os_bytes(value()?)),
            "--digest" => {
                let v = utf8(value()?, "--digest")?;
                args.digest = Some(
                    v.parse()
                        .map_err(|e: flask_cookie::ConfigError| Failure::usage(e.to_string()))?,
                );
            }
            "--key-derivation" => {
                let v = utf8(value()?, "--key-derivation")?;
                args.derivation = Some(
                    v.parse()
                        .map_err(|e: flask_cookie::ConfigError| Failure::usage(e.to_string()))?,
                );
            }
            "--max-age" => {
                let v = value()?;
                args.max_age = Some(if v == "none" {
                    None
                } else {
                    Some(seconds(v, "--max-age")?)
                });
            }
            "--now" => args.now = Some(seconds(value()?, "--now")?),
            "--timestamp" => args.timestamp = Some(seconds(value()?, "--timestamp")?),
            "--lenient" => args.lenient = true,
            "--preset" => {
                let v = utf8(value()?, "--preset")?;
                args.preset = v
                    .parse()
                    .map_err(|e: flask_cookie::ConfigError| Failure::usage(e.to_string()))?;
            }
            _ => return Err(Failure::usage(format!("unknown option {name}"))),
        }
    }
    let wants_cookie = args.command != Command::Dump;
    match (wants_cookie, positional.len()) {
        (true, 1) => args.cookie = positional.pop().map(os_bytes),
        (true, 0) => return Err(Failure::usage("a COOKIE is required")),
        (true, _) => return Err(Failure::usage("only one COOKIE may be given")),
        (false, 0) => {}
        (false, _) => {
            return Err(Failure::usage(
                "dump takes no COOKIE; it reads tagged JSON on stdin",
            ))
        }
    }
    if args.command != Command::Dump && args.timestamp.is_some() {
        return Err(Failure::usage(
            "--timestamp is for dump; use --now to check expiry",
        ));
    }
    if args.command == Command::Dump && args.now.is_some() {
        return Err(Failure::usage(
            "--now is for open and verify; dump takes --timestamp",
        ));
    }
    Ok(args)
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

fn secret_key(args: &mut Args) -> Result<SecretKey, Failure> {
    match (args.secret_key.take(), args.secret_key_file.take()) {
        (Some(_), Some(_)) => Err(Failure::usage(
            "give --secret-key or --secret-key-file, not both",
        )),
        (Some(k), None) => Ok(k),
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

fn build_codec(args: &mut Args) -> Result<Codec, Failure> {
    let key = secret_key(args)?;
    let mut b: CodecBuilder = CodecBuilder::new(args.preset, key)
        .fallback_keys(std::mem::take(&mut args.fallback_keys))
        .lenient_base64(args.lenient);
    if let Some(salt) = &args.salt {
        b = b.salt(salt);
    }
    if let Some(d) = args.digest {
        b = b.digest(d);
    }
    if let Some(d) = args.derivation {
        b = b.key_derivation(d);
    }
    if let Some(m) = args.max_age {
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

fn cookie_arg(args: &mut Args) -> Result<Vec<u8>, Failure> {
    match args.cookie.take() {
        Some(c) if c == b"-" => Ok(strip_newline(read_stdin("the cookie")?)),
        Some(c) => Ok(c),
        None => Err(Failure::usage("a COOKIE is required")),
    }
}

fn run(mut args: Args) -> Result<(), Failure> {
    if args.command == Command::Decode {
        let cookie = cookie_arg(&mut args)?;
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
        return write_stdout(out.as_bytes());
    }
    let codec = build_codec(&mut args)?;
    match args.command {
        Command::Open => {
            let cookie = cookie_arg(&mut args)?;
            let now = args.now.unwrap_or_else(flask_cookie::timed::system_now);
            let opened = codec.open(&cookie, now)?;
            let mut json = codec
                .to_json_escaping_surrogates(&opened.value)
                .map_err(Error::from)?;
            json.push('\n');
            write_stdout(json.as_bytes())
        }
        Command::Verify => {
            let cookie = cookie_arg(&mut args)?;
            let now = args.now.unwrap_or_else(flask_cookie::timed::system_now);
            codec.verify(&cookie, now)?;
            Ok(())
        }
        Command::Dump => {
            let input = read_stdin("the JSON")?;
            let value = codec.from_json(&input).map_err(|e| Failure {
                code: EXIT_DATA,
                message: format!("stdin is not tagged JSON: {e}"),
            })?;
            let ts = args
                .timestamp
                .unwrap_or_else(flask_cookie::timed::system_now);
            let mut cookie = codec.dump(&value, ts)?;
            cookie.push('\n');
            write_stdout(cookie.as_bytes())
        }
        Command::Decode => Ok(()),
    }
}

fn main() -> ExitCode {
    let result = parse_args(std::env::args_os().skip(1)).and_then(run);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) if f.code == 0 => {
            if f.message.is_empty() {
                print!("{USAGE}");
            } else {
                println!("{}", f.message);
            }
            ExitCode::SUCCESS
        }
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
