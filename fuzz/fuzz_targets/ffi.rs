//! The C ABI entry points (the `flask-cookie-ffi` crate) with arbitrary bytes: a configuration drawn from the
//! input (preset, keys, salt, digest, derivation, max_age, lenient base64, JSON options,
//! limits), then `open`, `verify`, `decode_unverified` on arbitrary cookie bytes and `dump` of
//! arbitrary JSON, through the `extern "C"` functions.
//!
//! Checked: no call returns `PANIC` (a panic caught at the boundary is still a bug); results
//! are known codes with a message; outputs are written only on success; `open` succeeds exactly
//! when `verify` does and the payload decodes, with the same signing time; what `dump` writes,
//! `open` reads back to JSON that dumps to the same cookie; the last error is readable; every
//! buffer is freed (leaks are findings under the fuzzer's leak checker). Then the session API
//! (`session_round`) on the same input.
#![no_main]

use arbitrary::{Result, Unstructured};
use flask_cookie_ffi::buf::flask_cookie_buf_free;
use flask_cookie_ffi::codec::{
    flask_cookie_codec_free, flask_cookie_codec_new, flask_cookie_dump, flask_cookie_open,
    flask_cookie_verify,
};
use flask_cookie_ffi::config::*;
use flask_cookie_ffi::decode::flask_cookie_decode_unverified;
use flask_cookie_ffi::result::{
    flask_cookie_last_error, flask_cookie_result_is_bad_signature, flask_cookie_result_message,
};
use flask_cookie_ffi::session::*;
use flask_cookie_ffi::session_builder::*;
use flask_cookie_ffi::session_config::*;
use flask_cookie_ffi::{
    flask_cookie_buf, flask_cookie_codec, flask_cookie_config, flask_cookie_result as R,
    flask_cookie_slice,
};
use libfuzzer_sys::fuzz_target;

const SENTINEL: u64 = 0xDEAD_BEEF_DEAD_BEEF;

fn no_panic(r: R, what: &str) -> R {
    assert_ne!(r, R::Panic, "{what}: a panic reached the C boundary");
    let msg = flask_cookie_result_message(r as u32);
    assert!(!msg.is_null());
    if r != R::Ok {
        // The detailed message of this failure is readable, in part and whole.
        let n = unsafe { flask_cookie_last_error(std::ptr::null_mut(), 0) };
        let mut buf = vec![0u8; n.min(4096)];
        let m = unsafe { flask_cookie_last_error(buf.as_mut_ptr(), buf.len()) };
        assert_eq!(m, n, "{what}: last error length changed");
    }
    r
}

fn empty_buf() -> flask_cookie_buf {
    flask_cookie_buf {
        data: std::ptr::null_mut(),
        len: 0,
    }
}

fn take(buf: &mut flask_cookie_buf) -> Vec<u8> {
    assert!(!buf.data.is_null() || buf.len == 0);
    let v = if buf.data.is_null() {
        Vec::new()
    } else {
        unsafe { std::slice::from_raw_parts(buf.data, buf.len) }.to_vec()
    };
    unsafe { flask_cookie_buf_free(buf) };
    assert!(
        buf.data.is_null() && buf.len == 0,
        "buf_free resets the buffer"
    );
    v
}

/// A pointer for `bytes` that is NULL for an empty slice half the time (allowed by the ABI).
fn ptr(bytes: &[u8], null_if_empty: bool) -> *const u8 {
    if bytes.is_empty() && null_if_empty {
        std::ptr::null()
    } else {
        bytes.as_ptr()
    }
}

fn configure(u: &mut Unstructured<'_>) -> Result<Option<*mut flask_cookie_codec>> {
    let mut config: *mut flask_cookie_config = std::ptr::null_mut();
    let preset = u.int_in_range(0..=2u32)?; // 2 is out of range
    if no_panic(
        unsafe { flask_cookie_config_new(preset, &mut config) },
        "config_new",
    ) != R::Ok
    {
        assert!(config.is_null(), "output written on failure");
        return Ok(None);
    }
    let nkeys = u.int_in_range(0..=3usize)?;
    let keys: Vec<Vec<u8>> = (0..nkeys)
        .map(|i| {
            if i + 1 == nkeys && u.ratio(7, 8)? {
                Ok(b"test key".to_vec())
            } else {
                u.arbitrary::<Vec<u8>>()
            }
        })
        .collect::<Result<_>>()?;
    let slices: Vec<flask_cookie_slice> = keys
        .iter()
        .map(|k| flask_cookie_slice {
            data: k.as_ptr(),
            len: k.len(),
        })
        .collect();
    unsafe {
        no_panic(
            flask_cookie_config_set_keys(config, slices.as_ptr(), slices.len()),
            "keys",
        );
        if u.ratio(1, 4)? {
            let salt: Vec<u8> = u.arbitrary()?;
            let null = u.arbitrary()?;
            no_panic(
                flask_cookie_config_set_salt(config, ptr(&salt, null), salt.len()),
                "salt",
            );
        }
        if u.ratio(1, 4)? {
            no_panic(
                flask_cookie_config_set_digest(config, u.int_in_range(0..=3)?),
                "digest",
            );
        }
        if u.ratio(1, 4)? {
            let d = u.int_in_range(0..=4)?;
            no_panic(
                flask_cookie_config_set_key_derivation(config, d),
                "derivation",
            );
        }
        if u.ratio(1, 4)? {
            let m = if u.arbitrary()? {
                u64::MAX
            } else {
                u.arbitrary()?
            };
            no_panic(flask_cookie_config_set_max_age(config, m), "max_age");
        }
        no_panic(
            flask_cookie_config_set_lenient_base64(config, u.arbitrary()?),
            "lenient",
        );
        if u.ratio(1, 4)? {
            let (a, b, c) = (u.arbitrary()?, u.arbitrary()?, u.arbitrary()?);
            no_panic(flask_cookie_config_set_json(config, a, b, c), "json");
        }
        if u.ratio(1, 4)? {
            let l = (
                u.int_in_range(0..=100_000usize)?,
                u.int_in_range(0..=(2usize << 20))?,
                u.int_in_range(0..=1000usize)?,
            );
            no_panic(
                flask_cookie_config_set_limits(config, l.0, l.1, l.2),
                "limits",
            );
        }
    }
    let mut codec: *mut flask_cookie_codec = std::ptr::null_mut();
    let r = no_panic(
        unsafe { flask_cookie_codec_new(config, &mut codec) },
        "codec_new",
    );
    unsafe { flask_cookie_config_free(config) };
    if r != R::Ok {
        assert!(codec.is_null(), "output written on failure");
        return Ok(None);
    }
    Ok(Some(codec))
}

fn open(
    codec: *const flask_cookie_codec,
    cookie: &[u8],
    now: u64,
    null: bool,
) -> (R, Vec<u8>, u64) {
    let mut json = empty_buf();
    let mut signed_at = SENTINEL;
    let r = no_panic(
        unsafe {
            flask_cookie_open(
                codec,
                ptr(cookie, null),
                cookie.len(),
                now,
                &mut json,
                &mut signed_at,
            )
        },
        "open",
    );
    if r == R::Ok {
        (r, take(&mut json), signed_at)
    } else {
        assert!(
            json.data.is_null() && signed_at == SENTINEL,
            "open wrote outputs on failure"
        );
        (r, Vec::new(), signed_at)
    }
}

fn dump(codec: *const flask_cookie_codec, json: &[u8], ts: u64) -> (R, Vec<u8>) {
    let mut out = empty_buf();
    let r = no_panic(
        unsafe { flask_cookie_dump(codec, json.as_ptr(), json.len(), ts, &mut out) },
        "dump",
    );
    if r == R::Ok {
        (r, take(&mut out))
    } else {
        assert!(out.data.is_null(), "dump wrote its output on failure");
        (r, Vec::new())
    }
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let Some(codec) = configure(u)? else {
        return Ok(());
    };
    let now = if u.ratio(1, 8)? {
        u.arbitrary()?
    } else {
        1_700_000_060
    };
    let null = u.arbitrary()?;
    let json_in: Vec<u8> = u.arbitrary()?;
    let cookie = u.bytes(u.len())?.to_vec();

    // open and verify agree.
    let (r_open, json, signed_at) = open(codec, &cookie, now, null);
    let mut v_signed = SENTINEL;
    let r_verify = no_panic(
        unsafe { flask_cookie_verify(codec, ptr(&cookie, null), cookie.len(), now, &mut v_signed) },
        "verify",
    );
    let _ = flask_cookie_result_is_bad_signature(r_open as u32);
    match (r_open, r_verify) {
        (R::Ok, R::Ok) => assert_eq!(signed_at, v_signed),
        (R::Ok, other) => panic!("open ok, verify {other:?}"),
        (_, R::Ok) => assert!(
            (400..=405).contains(&(r_open as u32)) || r_open == R::DumpUnsupported,
            "verified, open failed with {r_open:?}"
        ),
        (a, b) => {
            assert_eq!(a, b, "open and verify disagree");
            assert_eq!(v_signed, SENTINEL, "verify wrote its output on failure");
        }
    }
    if r_open == R::Ok {
        // What open returns dumps, and that cookie opens to the same JSON.
        let (r, again) = dump(codec, &json, signed_at);
        if r == R::Ok {
            let (r2, json2, _) = open(codec, &again, signed_at, false);
            if r2 == R::Ok {
                assert_eq!(json2, json, "open(dump(open(c))) differs");
            }
        }
    }

    // decode_unverified on the same bytes.
    let mut out = empty_buf();
    let (mut ts, mut has) = (SENTINEL, true);
    let r = no_panic(
        unsafe {
            flask_cookie_decode_unverified(
                ptr(&cookie, null),
                cookie.len(),
                &mut out,
                &mut ts,
                &mut has,
            )
        },
        "decode_unverified",
    );
    if r == R::Ok {
        take(&mut out);
        assert!(has || ts == SENTINEL || ts == 0);
    } else {
        assert!(out.data.is_null(), "decode wrote its output on failure");
    }

    // dump of arbitrary JSON, then open.
    let (r, c) = dump(codec, &json_in, 1_700_000_000);
    if r == R::Ok {
        let (r2, _, s) = open(codec, &c, 1_700_000_000, false);
        if r2 == R::Ok {
            assert_eq!(s, 1_700_000_000);
        }
    }
    unsafe { flask_cookie_codec_free(codec) };
    Ok(())
}

/// The session API: settings, `Cookie` headers, operations and a saving time drawn from the
/// input. Checked: no `PANIC`; outputs written only on success; `save_into` gives `save`'s
/// bytes, or `BUFFER_TOO_SMALL` with their length; every handle and buffer freed.
fn session_round(u: &mut Unstructured<'_>) -> Result<()> {
    let key = b"test key";
    let slice = flask_cookie_slice {
        data: key.as_ptr(),
        len: key.len(),
    };
    let mut cfg: *mut flask_cookie_config = std::ptr::null_mut();
    let mut b: *mut flask_cookie_session_builder = std::ptr::null_mut();
    unsafe {
        assert_eq!(flask_cookie_config_new(0, &mut cfg), R::Ok);
        assert_eq!(flask_cookie_config_set_keys(cfg, &slice, 1), R::Ok);
        assert_eq!(flask_cookie_session_builder_new(cfg, &mut b), R::Ok);
        flask_cookie_config_free(cfg);
    }
    let texts: Vec<Vec<u8>> = (0..5)
        .map(|_| u.arbitrary::<Vec<u8>>())
        .collect::<Result<_>>()?;
    unsafe {
        if u.arbitrary()? {
            no_panic(
                flask_cookie_session_builder_set_cookie_name(b, texts[0].as_ptr(), texts[0].len()),
                "name",
            );
        }
        if u.arbitrary()? {
            no_panic(
                flask_cookie_session_builder_set_domain(b, texts[1].as_ptr(), texts[1].len()),
                "domain",
            );
        }
        if u.arbitrary()? {
            no_panic(
                flask_cookie_session_builder_set_samesite(b, texts[2].as_ptr(), texts[2].len()),
                "samesite",
            );
        }
        if u.arbitrary()? {
            no_panic(
                flask_cookie_session_builder_set_path(b, texts[3].as_ptr(), texts[3].len()),
                "path",
            );
        }
        no_panic(
            flask_cookie_session_builder_set_lifetime(b, u.arbitrary()?),
            "lifetime",
        );
        no_panic(
            flask_cookie_session_builder_set_refresh_each_request(b, u.arbitrary()?),
            "refresh",
        );
    }
    let mut config: *mut flask_cookie_session_config = std::ptr::null_mut();
    let r = no_panic(
        unsafe { flask_cookie_session_builder_build(b, &mut config) },
        "build",
    );
    unsafe { flask_cookie_session_builder_free(b) };
    if r != R::Ok {
        assert!(config.is_null(), "config written on failure");
        return Ok(());
    }
    let headers: Vec<Vec<u8>> = (0..u.int_in_range(0..=3usize)?)
        .map(|_| u.arbitrary())
        .collect::<Result<_>>()?;
    let hs: Vec<flask_cookie_slice> = headers
        .iter()
        .map(|h| flask_cookie_slice {
            data: h.as_ptr(),
            len: h.len(),
        })
        .collect();
    let now: u64 = u.int_in_range(0..=300_000_000_000u64)?;
    let mut state = 99u32;
    let mut s: *mut flask_cookie_session = std::ptr::null_mut();
    let r = no_panic(
        unsafe {
            flask_cookie_session_open(
                config,
                hs.as_ptr(),
                hs.len(),
                now,
                &mut state,
                &mut s,
                std::ptr::null_mut(),
            )
        },
        "open",
    );
    if r != R::Ok {
        assert!(s.is_null() && state == 99, "outputs written on failure");
        unsafe { flask_cookie_session_config_free(config) };
        return Ok(());
    }
    assert!(state <= 4);
    for _ in 0..u.int_in_range(0..=6usize)? {
        let k: Vec<u8> = u.arbitrary()?;
        let v: Vec<u8> = u.arbitrary()?;
        let mut buf = empty_buf();
        unsafe {
            match u.int_in_range(0..=7u8)? {
                0 => {
                    if no_panic(
                        flask_cookie_session_get_json(s, k.as_ptr(), k.len(), &mut buf),
                        "get_json",
                    ) == R::Ok
                    {
                        take(&mut buf);
                    } else {
                        assert!(buf.data.is_null());
                    }
                }
                1 => {
                    no_panic(
                        flask_cookie_session_set_json(s, k.as_ptr(), k.len(), v.as_ptr(), v.len()),
                        "set_json",
                    );
                }
                2 => {
                    no_panic(
                        flask_cookie_session_set_str(s, k.as_ptr(), k.len(), v.as_ptr(), v.len()),
                        "set_str",
                    );
                }
                3 => {
                    no_panic(
                        flask_cookie_session_set_int64(s, k.as_ptr(), k.len(), u.arbitrary()?),
                        "set_int64",
                    );
                }
                4 => {
                    no_panic(
                        flask_cookie_session_remove(s, k.as_ptr(), k.len(), std::ptr::null_mut()),
                        "remove",
                    );
                }
                5 => {
                    no_panic(flask_cookie_session_clear(s), "clear");
                }
                6 => {
                    no_panic(
                        flask_cookie_session_set_permanent(s, u.arbitrary()?),
                        "permanent",
                    );
                }
                _ => {
                    let mut out = 0i64;
                    no_panic(
                        flask_cookie_session_get_int64(s, k.as_ptr(), k.len(), &mut out),
                        "get_int64",
                    );
                }
            }
        }
    }
    let (mut action, mut vary) = (99u32, false);
    let mut header = empty_buf();
    let r = no_panic(
        unsafe { flask_cookie_session_save(config, s, now, &mut action, &mut header, &mut vary) },
        "save",
    );
    if r == R::Ok {
        let want = take(&mut header);
        assert!(action <= 2 && (action == 0) == want.is_empty());
        let cap = u.int_in_range(0..=want.len() + 1)?;
        let mut mem = vec![0u8; cap];
        let (mut a2, mut v2, mut len) = (99u32, !vary, 0usize);
        let r2 = no_panic(
            unsafe {
                flask_cookie_session_save_into(
                    config,
                    s,
                    now,
                    &mut a2,
                    mem.as_mut_ptr(),
                    cap,
                    &mut len,
                    &mut v2,
                )
            },
            "save_into",
        );
        assert_eq!(len, want.len());
        if cap >= want.len() {
            assert!(r2 == R::Ok && a2 == action && v2 == vary && mem[..len] == want[..]);
        } else {
            assert!(r2 == R::BufferTooSmall && a2 == 99 && v2 == !vary);
        }
    } else {
        assert!(
            header.data.is_null() && action == 99,
            "outputs written on failure"
        );
    }
    unsafe {
        flask_cookie_session_free(s);
        flask_cookie_session_config_free(config);
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    // Every result code has a message, known or not.
    if let Some(chunk) = data.get(..4) {
        let code = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        assert!(!flask_cookie_result_message(code).is_null());
    }
    let _ = run(&mut Unstructured::new(data));
    let _ = session_round(&mut Unstructured::new(data));
});
