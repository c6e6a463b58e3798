//! The C ABI entry points (the `flask-cookie-ffi` crate) with arbitrary bytes: a configuration drawn from the
//! input (preset, keys, salt, digest, derivation, max_age, lenient base64, JSON options,
//! limits), then `open`, `verify`, `decode_unverified` on arbitrary cookie bytes and `dump` of
//! arbitrary JSON, through the `extern "C"` functions.
//!
//! Checked: no call returns `PANIC` (a panic caught at the boundary is still a bug); results
//! are known codes with a message; outputs are written only on success; `open` succeeds exactly
//! when `verify` does and the payload decodes, with the same signing time; what `dump` writes,
//! `open` reads back to JSON that dumps to the same cookie; the last error is readable; every
//! buffer is freed (leaks are findings under the fuzzer's leak checker).
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

fuzz_target!(|data: &[u8]| {
    // Every result code has a message, known or not.
    if let Some(chunk) = data.get(..4) {
        let code = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        assert!(!flask_cookie_result_message(code).is_null());
    }
    let _ = run(&mut Unstructured::new(data));
});
