//! What a browser sends the gateway: the session cookie among the request's
//! cookies, JSON bodies and query strings.
//!
//! Input: one byte of flags (Secure cookies; the cookie's path), then text
//! used at once as the Cookie headers (one a line), a JSON body and a query
//! string.

use std::collections::BTreeMap;

use http::header::{COOKIE, HeaderMap, HeaderValue};
use otmetka_gateway::fuzzing::{
    SESSION_COOKIE, check_text, cookie_name, decode_json, decode_query, read_cookie,
};
use otmetka_platform::error::{Error, Result};
use serde::Deserialize;

/// The shapes of the gateway's bodies: strings, numbers, options, nested
/// objects and arrays, and an enum.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
struct Body {
    student_id: String,
    value: Option<String>,
    weight: Option<u8>,
    status: Option<Status>,
    #[serde(default)]
    lines: Vec<Line>,
    extra: Option<BTreeMap<String, serde_json::Value>>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Graded,
    Absent,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
struct Line {
    comment: String,
    points: f64,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
struct Query {
    class_id: Option<uuid::Uuid>,
    from: Option<String>,
    page_size: Option<i32>,
    page_token: Option<String>,
    all: Option<bool>,
}

/// Refusals of what a stranger sent name the field at fault.
fn check_refusal<T>(decoded: Result<T>) -> Option<T> {
    match decoded {
        Ok(value) => Some(value),
        Err(Error::InvalidArgument(violations)) => {
            assert!(!violations.is_empty());
            for violation in &violations {
                assert!(!violation.field.is_empty(), "{violation:?}");
                assert!(!violation.description.is_empty(), "{violation:?}");
            }
            None
        }
        Err(other) => panic!("not a field error: {other}"),
    }
}

fn strings(value: &serde_json::Value, found: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) => found.push(text.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|item| strings(item, found)),
        serde_json::Value::Object(fields) => fields.iter().for_each(|(name, item)| {
            found.push(name.clone());
            strings(item, found);
        }),
        _ => {}
    }
}

/// Checks the target's properties on one input; panics when one fails.
pub fn session_cookie(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let secure = flags & 1 != 0;
    let path = if flags & 2 != 0 { "/" } else { "/api/auth" };

    let mut headers = HeaderMap::new();
    for line in rest.split(|byte| *byte == b'\n') {
        if let Ok(value) = HeaderValue::from_bytes(line) {
            headers.append(COOKIE, value);
        }
    }
    let name = cookie_name(SESSION_COOKIE, path, secure);
    assert!(name.ends_with(SESSION_COOKIE));
    if let Some(value) = read_cookie(&headers, SESSION_COOKIE, path, secure) {
        // Only a cookie of that very name is read.
        assert!(headers.get_all(COOKIE).iter().any(|header| {
            header
                .as_bytes()
                .windows(name.len())
                .any(|w| w == name.as_bytes())
        }));
        let _ = value;
    }

    // A decoded body holds no control character other than line breaks
    // and tabs, wherever it is.
    if let Some(value) = check_refusal(decode_json::<serde_json::Value>(rest)) {
        let mut found = Vec::new();
        strings(&value, &mut found);
        assert!(found.iter().all(|text| check_text("body", text).is_ok()));
    }
    let _ = check_refusal(decode_json::<Body>(rest));
    let _ = check_refusal(decode_json::<Vec<Line>>(rest));

    let query = String::from_utf8_lossy(rest);
    if let Some(decoded) = check_refusal(decode_query::<Query>(&query)) {
        for text in [&decoded.from, &decoded.page_token].into_iter().flatten() {
            assert!(check_text("query", text).is_ok());
        }
    }
    let _ = check_refusal(decode_query::<BTreeMap<String, String>>(&query));
}
