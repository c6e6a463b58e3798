//! The C ABI exercised from Rust: known-answer vectors from the spec, the panic boundary, NULL
//! checks, outputs untouched on failure. (The C programs in `tests/c/` cover it from C.)

use std::ffi::CStr;
use std::ptr;

use super::buf::*;
use super::codec::*;
use super::config::*;
use super::decode::*;
use super::result::*;
use super::*;

/// Spec known-answer vector: `{"a": 1}` signed by Flask with key `test key` at 1700000000.
const KAT_COOKIE: &[u8] = b"eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE";
const KAT_TIME: u64 = 1_700_000_000;

fn codec_with(preset: u32, keys: &[&[u8]]) -> *mut flask_cookie_codec {
    let mut config = ptr::null_mut();
    let mut codec = ptr::null_mut();
    let slices: Vec<flask_cookie_slice> = keys
        .iter()
        .map(|k| flask_cookie_slice {
            data: k.as_ptr(),
            len: k.len(),
        })
        .collect();
    unsafe {
        assert_eq!(
            flask_cookie_config_new(preset, &mut config),
            flask_cookie_result::Ok
        );
        assert_eq!(
            flask_cookie_config_set_keys(config, slices.as_ptr(), slices.len()),
            flask_cookie_result::Ok
        );
        assert_eq!(
            flask_cookie_codec_new(config, &mut codec),
            flask_cookie_result::Ok
        );
        flask_cookie_config_free(config);
    }
    codec
}

/// A zeroed buffer for an output parameter.
fn empty_buf() -> flask_cookie_buf {
    flask_cookie_buf {
        data: ptr::null_mut(),
        len: 0,
    }
}

fn last_error() -> String {
    let len = unsafe { flask_cookie_last_error(ptr::null_mut(), 0) };
    let mut buf = vec![0u8; len];
    assert_eq!(
        unsafe { flask_cookie_last_error(buf.as_mut_ptr(), buf.len()) },
        len
    );
    String::from_utf8(buf).unwrap()
}

fn take(buf: &mut flask_cookie_buf) -> Vec<u8> {
    let bytes = unsafe { std::slice::from_raw_parts(buf.data, buf.len) }.to_vec();
    unsafe { flask_cookie_buf_free(buf) };
    assert!(buf.data.is_null() && buf.len == 0);
    bytes
}

#[test]
fn result_values_are_the_documented_abi() {
    // The numbers are a contract with compiled C programs: never renumber.
    use flask_cookie_result as R;
    let expected = [
        (R::Ok, 0),
        (R::NullArgument, 1),
        (R::InvalidArgument, 2),
        (R::Panic, 3),
        (R::InvalidConfig, 4),
        (R::BadSignature, 100),
        (R::CookieTooLong, 101),
        (R::MalformedTimestamp, 200),
        (R::Expired, 300),
        (R::BadPayloadBase64, 400),
        (R::BadPayloadZlib, 401),
        (R::BadPayloadTooLarge, 402),
        (R::BadPayloadUtf8, 403),
        (R::BadPayloadJson, 404),
        (R::BadPayloadTag, 405),
        (R::DumpInvalidJson, 500),
        (R::DumpUnsupported, 501),
        (R::TimestampOutOfRange, 600),
        (R::KeyNotFound, 700),
        (R::WrongType, 701),
        (R::IntOutOfRange, 702),
        (R::StrNotUtf8, 703),
        (R::SessionNotADict, 800),
        (R::SessionNonTextKey, 801),
        (R::InvalidCookieSetting, 802),
        (R::SaveCookieError, 803),
        (R::BufferTooSmall, 900),
    ];
    assert_eq!(expected.len(), R::ALL.len());
    for (r, n) in expected {
        assert_eq!(r as u32, n, "{r:?}");
        let msg = unsafe { CStr::from_ptr(flask_cookie_result_message(n)) };
        assert!(!msg.to_bytes().is_empty(), "{r:?}");
    }
    let unknown = unsafe { CStr::from_ptr(flask_cookie_result_message(99)) };
    assert_eq!(unknown.to_str().unwrap(), "unknown result");
    let bad_sig: Vec<u32> = (0..1000)
        .filter(|&n| flask_cookie_result_is_bad_signature(n))
        .collect();
    assert_eq!(bad_sig, [100, 101, 200, 300]);
}

#[test]
fn version_number_is_the_crate_version() {
    let want = env!("CARGO_PKG_VERSION_MAJOR").parse::<u32>().unwrap() * 10000
        + env!("CARGO_PKG_VERSION_MINOR").parse::<u32>().unwrap() * 100
        + env!("CARGO_PKG_VERSION_PATCH").parse::<u32>().unwrap();
    assert_eq!(flask_cookie_version_number(), want);
    assert_eq!(FLASK_COOKIE_VERSION_NUMBER, want);
}

#[test]
fn version_matches_the_crate() {
    let v = unsafe { CStr::from_ptr(flask_cookie_version()) }
        .to_str()
        .unwrap();
    assert_eq!(v, env!("CARGO_PKG_VERSION"));
    let header = format!(
        "{FLASK_COOKIE_VERSION_MAJOR}.{FLASK_COOKIE_VERSION_MINOR}.{FLASK_COOKIE_VERSION_PATCH}"
    );
    assert_eq!(header, v);
}

#[test]
fn open_verify_dump_known_answer() {
    let codec = codec_with(0, &[b"test key"]);
    let mut json = empty_buf();
    let mut signed_at = 0;
    let r = unsafe {
        flask_cookie_open(
            codec,
            KAT_COOKIE.as_ptr(),
            KAT_COOKIE.len(),
            KAT_TIME,
            &mut json,
            &mut signed_at,
        )
    };
    assert_eq!(r, flask_cookie_result::Ok);
    assert_eq!(signed_at, KAT_TIME);
    let json = take(&mut json);
    assert_eq!(json, br#"{"a":1}"#);

    let mut signed_at = 0;
    let r = unsafe {
        flask_cookie_verify(
            codec,
            KAT_COOKIE.as_ptr(),
            KAT_COOKIE.len(),
            KAT_TIME,
            &mut signed_at,
        )
    };
    assert_eq!((r, signed_at), (flask_cookie_result::Ok, KAT_TIME));

    let mut out = empty_buf();
    let r = unsafe { flask_cookie_dump(codec, json.as_ptr(), json.len(), KAT_TIME, &mut out) };
    assert_eq!(r, flask_cookie_result::Ok);
    assert_eq!(take(&mut out), KAT_COOKIE);
    unsafe { flask_cookie_codec_free(codec) };
}

#[test]
fn failures_map_to_results_and_leave_outputs_alone() {
    let codec = codec_with(0, &[b"test key"]);
    let sentinel = 0xDEAD_BEEF_u64;
    let mut json = flask_cookie_buf {
        data: 0x1 as *mut u8,
        len: 7,
    };
    let mut signed_at = sentinel;
    let check = |cookie: &[u8],
                 now: u64,
                 want: flask_cookie_result,
                 json: &mut flask_cookie_buf,
                 signed_at: &mut u64| {
        let r = unsafe {
            flask_cookie_open(codec, cookie.as_ptr(), cookie.len(), now, json, signed_at)
        };
        assert_eq!(r, want, "{}", String::from_utf8_lossy(cookie));
        assert_eq!((json.data as usize, json.len, *signed_at), (1, 7, sentinel));
        let v =
            unsafe { flask_cookie_verify(codec, cookie.as_ptr(), cookie.len(), now, signed_at) };
        if flask_cookie_result_is_bad_signature(want as u32) {
            assert_eq!(v, want);
        }
    };
    // One day past Flask's 31 days: expired, with the age in the message.
    check(
        KAT_COOKIE,
        KAT_TIME + 2_678_401,
        flask_cookie_result::Expired,
        &mut json,
        &mut signed_at,
    );
    assert_eq!(
        last_error(),
        "signature expired: signature age 2678401 > 2678400 seconds"
    );
    // Signed in the future.
    check(
        KAT_COOKIE,
        KAT_TIME - 1,
        flask_cookie_result::Expired,
        &mut json,
        &mut signed_at,
    );
    // A changed payload breaks the signature.
    check(
        b"eyJhIjoyfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE",
        KAT_TIME,
        flask_cookie_result::BadSignature,
        &mut json,
        &mut signed_at,
    );
    check(
        b"no separator",
        KAT_TIME,
        flask_cookie_result::BadSignature,
        &mut json,
        &mut signed_at,
    );
    check(
        b"",
        KAT_TIME,
        flask_cookie_result::BadSignature,
        &mut json,
        &mut signed_at,
    );
    check(
        &vec![b'a'; 70_000],
        KAT_TIME,
        flask_cookie_result::CookieTooLong,
        &mut json,
        &mut signed_at,
    );
    unsafe { flask_cookie_codec_free(codec) };
}

#[test]
fn wrong_key_never_leaks_into_messages() {
    let codec = codec_with(0, &[b"hunter2-secret"]);
    let mut out = 0u64;
    let r = unsafe {
        flask_cookie_verify(
            codec,
            KAT_COOKIE.as_ptr(),
            KAT_COOKIE.len(),
            KAT_TIME,
            &mut out,
        )
    };
    assert_eq!(r, flask_cookie_result::BadSignature);
    let msg = last_error();
    assert!(!msg.contains("hunter") && !msg.contains("eyJ"), "{msg}");
    unsafe { flask_cookie_codec_free(codec) };
}

#[test]
fn null_and_invalid_arguments() {
    let codec = codec_with(0, &[b"test key"]);
    let mut json = empty_buf();
    unsafe {
        assert_eq!(
            flask_cookie_open(
                ptr::null(),
                KAT_COOKIE.as_ptr(),
                KAT_COOKIE.len(),
                0,
                &mut json,
                ptr::null_mut()
            ),
            flask_cookie_result::NullArgument
        );
        assert_eq!(last_error(), "argument `codec` is NULL");
        assert_eq!(
            flask_cookie_open(codec, ptr::null(), 5, 0, &mut json, ptr::null_mut()),
            flask_cookie_result::NullArgument
        );
        assert_eq!(
            flask_cookie_open(
                codec,
                KAT_COOKIE.as_ptr(),
                KAT_COOKIE.len(),
                0,
                ptr::null_mut(),
                ptr::null_mut()
            ),
            flask_cookie_result::NullArgument
        );
        // (NULL, 0) is the empty cookie: a bad signature, not a NULL argument.
        assert_eq!(
            flask_cookie_verify(codec, ptr::null(), 0, 0, ptr::null_mut()),
            flask_cookie_result::BadSignature
        );
        assert_eq!(
            flask_cookie_verify(codec, KAT_COOKIE.as_ptr(), usize::MAX, 0, ptr::null_mut()),
            flask_cookie_result::InvalidArgument
        );
        let mut config = ptr::null_mut();
        assert_eq!(
            flask_cookie_config_new(7, &mut config),
            flask_cookie_result::InvalidArgument
        );
        assert!(config.is_null());
        assert_eq!(
            flask_cookie_config_new(0, ptr::null_mut()),
            flask_cookie_result::NullArgument
        );
        assert_eq!(
            flask_cookie_config_new(0, &mut config),
            flask_cookie_result::Ok
        );
        assert_eq!(
            flask_cookie_config_set_digest(config, 3),
            flask_cookie_result::InvalidArgument
        );
        assert_eq!(
            flask_cookie_config_set_key_derivation(config, 4),
            flask_cookie_result::InvalidArgument
        );
        assert_eq!(
            flask_cookie_config_set_keys(config, ptr::null(), 1),
            flask_cookie_result::NullArgument
        );
        let mut new_codec = ptr::null_mut();
        // No key yet.
        assert_eq!(
            flask_cookie_codec_new(config, &mut new_codec),
            flask_cookie_result::InvalidConfig
        );
        assert_eq!(last_error(), "invalid configuration: no secret key given");
        let empty = [flask_cookie_slice {
            data: ptr::null(),
            len: 0,
        }];
        assert_eq!(
            flask_cookie_config_set_keys(config, empty.as_ptr(), 1),
            flask_cookie_result::Ok
        );
        assert_eq!(
            flask_cookie_codec_new(config, &mut new_codec),
            flask_cookie_result::InvalidConfig
        );
        assert!(new_codec.is_null());
        flask_cookie_config_free(config);
        flask_cookie_config_free(ptr::null_mut());
        flask_cookie_codec_free(ptr::null_mut());
        flask_cookie_buf_free(ptr::null_mut());
        flask_cookie_codec_free(codec);
    }
}

#[test]
fn panic_becomes_a_result() {
    let r = ffi_panic_boundary! { panic!("boom") };
    assert_eq!(r, flask_cookie_result::Panic);
    assert!(last_error().contains("panic"));
    let v: usize = ffi_panic_boundary_or!(42, panic!("boom"));
    assert_eq!(v, 42);
}

#[test]
fn decode_unverified_checks_nothing() {
    // The KAT cookie with its signature replaced: the payload still decodes.
    let cookie = b"eyJhIjoxfQ.ZVPxAA.not-checked";
    let mut json = empty_buf();
    let (mut ts, mut has_ts) = (0u64, false);
    let r = unsafe {
        flask_cookie_decode_unverified(
            cookie.as_ptr(),
            cookie.len(),
            &mut json,
            &mut ts,
            &mut has_ts,
        )
    };
    assert_eq!(r, flask_cookie_result::Ok);
    assert_eq!((ts, has_ts), (KAT_TIME, true));
    assert_eq!(take(&mut json), br#"{"a":1}"#);
}

#[test]
fn codec_is_shared_between_threads() {
    struct Shared(*mut flask_cookie_codec);
    // SAFETY (test): the codec is immutable and Sync; the pointer is only read.
    unsafe impl Sync for Shared {}
    let shared = Shared(codec_with(0, &[b"an older key", b"test key"]));
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                let codec = &shared;
                for _ in 0..200 {
                    let mut at = 0;
                    let r = unsafe {
                        flask_cookie_verify(
                            codec.0,
                            KAT_COOKIE.as_ptr(),
                            KAT_COOKIE.len(),
                            KAT_TIME,
                            &mut at,
                        )
                    };
                    assert_eq!((r, at), (flask_cookie_result::Ok, KAT_TIME));
                }
            });
        }
    });
    unsafe { flask_cookie_codec_free(shared.0) };
}

/// Input nested deeper than `max_depth` is refused while reading it: `DUMP_INVALID_JSON`, as the
/// header documents (not `DUMP_UNSUPPORTED`, which is for values that parse but cannot be
/// written).
#[test]
fn dump_too_deep_is_invalid_json() {
    let mut config = ptr::null_mut();
    let mut codec = ptr::null_mut();
    let key = flask_cookie_slice {
        data: b"test key".as_ptr(),
        len: 8,
    };
    let mut out = empty_buf();
    unsafe {
        assert_eq!(
            flask_cookie_config_new(0, &mut config),
            flask_cookie_result::Ok
        );
        assert_eq!(
            flask_cookie_config_set_keys(config, &key, 1),
            flask_cookie_result::Ok
        );
        assert_eq!(
            flask_cookie_config_set_limits(config, 0, 0, 3),
            flask_cookie_result::Ok
        );
        assert_eq!(
            flask_cookie_codec_new(config, &mut codec),
            flask_cookie_result::Ok
        );
        flask_cookie_config_free(config);
        let ok = br#"{"a":[[1]]}"#;
        assert_eq!(
            flask_cookie_dump(codec, ok.as_ptr(), ok.len(), KAT_TIME, &mut out),
            flask_cookie_result::Ok
        );
        flask_cookie_buf_free(&mut out);
        let deep = br#"{"a":[[[1]]]}"#;
        assert_eq!(
            flask_cookie_dump(codec, deep.as_ptr(), deep.len(), KAT_TIME, &mut out),
            flask_cookie_result::DumpInvalidJson
        );
        assert!(out.data.is_null());
        flask_cookie_codec_free(codec);
    }
}
