//! What a request carries (a JSON body, a query string, path segments),
//! read so that every mistake is a problem+json naming the field as the
//! client spelled it, never the gateway's own type names, and text that
//! holds control characters is refused before any service sees it.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use otmetka_platform::error::{Error, Result};
use otmetka_platform::text::TextRule;
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// A JSON body.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = request.headers().clone();
        let refuse = |error: Error| Problem::for_request(error, &headers).into_response();
        if !is_json(&headers) {
            return Err(refuse(Error::invalid(
                "content-type",
                "must be application/json",
            )));
        }
        // A body too large (413) or cut short: the bare status, which the
        // HTTP layer words as a problem.
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection: BytesRejection| rejection.status().into_response())?;
        decode_json(&bytes).map(Self).map_err(refuse)
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|kind| kind.to_str().ok())
        .and_then(|kind| kind.split(';').next())
        .is_some_and(|kind| {
            let kind = kind.trim().to_ascii_lowercase();
            kind == "application/json" || kind.ends_with("+json")
        })
}

/// Decodes a JSON body: syntax first, then control characters in any
/// string, then the shape, each failure naming where it is.
pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|error| {
        Error::invalid(
            "body",
            format!(
                "is not valid JSON (line {}, column {})",
                error.line(),
                error.column()
            ),
        )
    })?;
    refuse_control_characters(&value, &mut String::new())?;
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        shape_error(&path, &error.into_inner().to_string())
    })
}

/// Walks every string of a body; `path` is where the walk is, spelled as
/// the client would (`marks[2].comment`).
fn refuse_control_characters(value: &serde_json::Value, path: &mut String) -> Result<()> {
    match value {
        serde_json::Value::String(text) => check_text(field_or_body(path), text),
        serde_json::Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let checked = refuse_control_characters(item, path);
            path.truncate(len);
            checked
        }),
        serde_json::Value::Object(fields) => fields.iter().try_for_each(|(name, item)| {
            // A name at fault is refused under the object holding it.
            check_text(field_or_body(path), name)?;
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(name);
            let checked = refuse_control_characters(item, path);
            path.truncate(len);
            checked
        }),
        _ => Ok(()),
    }
}

fn field_or_body(path: &str) -> &str {
    if path.is_empty() { "body" } else { path }
}

/// The services' own rule for text, applied to every string before any
/// service sees it: line breaks and tabs have a meaning in a comment or a
/// homework text; no other control character has one anywhere, and
/// PostgreSQL text cannot hold U+0000 at all. Lengths are the services'.
pub fn check_text(field: &str, text: &str) -> Result<()> {
    TextRule::text(usize::MAX)
        .untrimmed()
        .parse(field, text)
        .map(|_| ())
}

/// A shape error, reworded for people who never saw the gateway's types:
/// `missing field `value`` at the top becomes `value: is required`.
fn shape_error(path: &str, message: &str) -> Error {
    let path = if path == "." { "" } else { path };
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        let field = if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        return Error::invalid(field, "is required");
    }
    Error::invalid(field_or_body(path), plain(message))
}

/// Replaces the names of Rust types in serde's messages with words.
fn plain(message: &str) -> String {
    let message = message.split(" at line ").next().unwrap_or(message);
    let Some((found, expected)) = message.rsplit_once(", expected ") else {
        return message.to_owned();
    };
    let expected = match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a non-negative integer",
        "i8" | "i16" | "i32" | "i64" | "isize" => "an integer",
        "f32" | "f64" => "a number",
        "a boolean" | "bool" => "true or false",
        "a string" | "string" => "a string",
        other if other.starts_with("struct ") || other.starts_with("a map") => "an object",
        other if other.starts_with("enum ") => "one of the documented values",
        other if other.starts_with("a sequence") || other.starts_with("a tuple") => "an array",
        other => other,
    };
    format!("{found}, expected {expected}")
}

/// A query string.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        decode_query(parts.uri.query().unwrap_or_default())
            .map(Self)
            .map_err(|error| Problem::for_request(error, &parts.headers))
    }
}

pub fn decode_query<T: DeserializeOwned>(query: &str) -> Result<T> {
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        // A refusal names the parameter; the query as a whole when the
        // name is empty or is itself at fault.
        check_text("query", &name)?;
        check_text(if name.is_empty() { "query" } else { &name }, &value)?;
    }
    let deserializer =
        serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        shape_error(&path, &error.into_inner().to_string())
    })
}

/// A form a page posted (`application/x-www-form-urlencoded`), read with
/// the same rules as a query string. The page decides how to show a
/// mistake, so the decoding's outcome is handed over, not refused here.
pub struct PageForm<T>(pub Result<T>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|kind| kind.to_str().ok())
            .and_then(|kind| kind.split(';').next())
            .is_some_and(|kind| {
                kind.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection: BytesRejection| rejection.status().into_response())?;
        if !is_form {
            return Ok(Self(Err(Error::invalid(
                "content-type",
                "must be application/x-www-form-urlencoded",
            ))));
        }
        let decoded = std::str::from_utf8(&bytes)
            .map_err(|_| Error::invalid("body", "must be UTF-8"))
            .and_then(decode_query);
        Ok(Self(decoded))
    }
}

/// Path segments.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(Problem::for_request(path_error(&rejection), &parts.headers)),
        }
    }
}

fn path_error(rejection: &PathRejection) -> Error {
    use axum::extract::path::ErrorKind;
    let PathRejection::FailedToDeserializePathParams(failed) = rejection else {
        return Error::Internal(anyhow::anyhow!("path parameters missing from the route"));
    };
    match failed.kind() {
        ErrorKind::InvalidUtf8InPathParam { key } => {
            Error::invalid(key.as_str(), "must be valid UTF-8")
        }
        ErrorKind::ParseErrorAtKey { key, .. } | ErrorKind::DeserializeError { key, .. } => {
            Error::invalid(key.as_str(), "is malformed")
        }
        _ => Error::invalid("path", "is malformed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Mark {
        value: String,
        weight: Option<u32>,
        lines: Option<Vec<Line>>,
    }

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Line {
        comment: String,
    }

    fn field_of(error: Error) -> (String, String) {
        match error {
            Error::InvalidArgument(violations) => (
                violations[0].field.clone(),
                violations[0].description.clone(),
            ),
            other => panic!("not a field error: {other}"),
        }
    }

    #[test]
    fn missing_fields_are_named() {
        let (field, detail) = field_of(decode_json::<Mark>(b"{}").unwrap_err());
        assert_eq!((field.as_str(), detail.as_str()), ("value", "is required"));
    }

    #[test]
    fn wrong_types_name_the_field_without_rust_types() {
        let (field, detail) =
            field_of(decode_json::<Mark>(br#"{"value":"5","weight":"x"}"#).unwrap_err());
        assert_eq!(field, "weight");
        assert!(detail.contains("a non-negative integer"), "{detail}");
        assert!(!detail.contains("u32"), "{detail}");
        let (field, _) =
            field_of(decode_json::<Mark>(br#"{"value":"5","lines":[{"comment":1}]}"#).unwrap_err());
        assert_eq!(field, "lines[0].comment");
    }

    #[test]
    fn control_characters_are_refused_where_they_are() {
        let (field, _) = field_of(
            decode_json::<Mark>(br#"{"value":"5","lines":[{"comment":"a\u0000b"}]}"#).unwrap_err(),
        );
        assert_eq!(field, "lines[0].comment");
        decode_json::<Mark>(br#"{"value":"5","lines":[{"comment":"two\nlines\ttab"}]}"#).unwrap();
        // Found by fuzzing: names were not checked, only values.
        let (field, _) = field_of(
            decode_json::<serde_json::Value>(br#"{"lines":[{"a\u007fb":"5"}]}"#).unwrap_err(),
        );
        assert_eq!(field, "lines[0]");
    }

    #[test]
    fn broken_json_is_a_body_error() {
        let (field, detail) = field_of(decode_json::<Mark>(b"{\"value\":").unwrap_err());
        assert_eq!(field, "body");
        assert!(detail.starts_with("is not valid JSON"), "{detail}");
    }

    #[test]
    fn query_values_are_checked_and_named() {
        #[allow(dead_code)]
        #[derive(Debug, Deserialize)]
        struct Page {
            page_size: Option<u32>,
        }
        let (field, detail) = field_of(decode_query::<Page>("page_size=lots").unwrap_err());
        assert_eq!(field, "page_size");
        assert!(!detail.contains("u32"), "{detail}");
        let (field, _) = field_of(decode_query::<Page>("page_size=%00").unwrap_err());
        assert_eq!(field, "page_size");
        assert_eq!(
            decode_query::<Page>("page_size=5").unwrap().page_size,
            Some(5)
        );
    }

    #[test]
    fn query_refusals_always_name_a_field() {
        // Found by fuzzing: a value without a name was refused under an
        // empty field, and a name's own control characters went through.
        type Any = std::collections::BTreeMap<String, String>;
        let (field, _) = field_of(decode_query::<Any>("=%01").unwrap_err());
        assert_eq!(field, "query");
        let (field, _) = field_of(decode_query::<Any>("a%00b=1").unwrap_err());
        assert_eq!(field, "query");
    }
}
