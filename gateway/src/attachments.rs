//! Files for homework: uploaded to schedule in chunks after the gateway has
//! read them whole (the header names their size and checksum), and
//! downloaded as schedule streams them, never shown in the browser.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use otmetka_platform::{Error, Result};
use otmetka_proto::schedule::v1 as schedule;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

use crate::caller::{Caller, Params, path_id, required};
use crate::diary::week::AttachmentView;
use crate::extract::{ApiPath, ApiQuery};

/// The largest file the gateway reads; schedule's own limit (20 MiB as
/// deployed) has the last word and names the file when it is smaller.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Schedule takes at most 1 MiB per message.
const CHUNK_BYTES: usize = 512 * 1024;

impl From<schedule::Attachment> for AttachmentView {
    fn from(file: schedule::Attachment) -> Self {
        Self {
            id: file.id,
            file_name: file.file_name,
            content_type: file.content_type,
            size_bytes: file.size_bytes,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The school the file is for.
    #[param(required = true, format = Uuid)]
    school_id: Option<String>,
    /// The file's name, e.g. "задача.pdf"; no '/' or '\\'.
    #[param(required = true, max_length = 200)]
    file_name: Option<String>,
}

/// `POST /api/v1/attachments`: stores a file, to be named by a homework.
#[utoipa::path(post, path = "/api/v1/attachments", tag = "homework",
    operation_id = "upload_attachment",
    params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The file itself; `Content-Type` names its type, one of schedule's allowed types (PDF, images, office documents, plain text). At most 20 MiB."),
    responses(
        (status = 201, description = "The stored file, unattached until a homework names it", body = AttachmentView),
        (status = 413, description = "The file is too large", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn upload(
    caller: Caller,
    ApiQuery(query): ApiQuery<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|kind| kind.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let answer = async {
        let mut params = Params::new();
        let school_id = params.id("school_id", query.school_id.as_deref());
        let file_name = params.text("file_name", query.file_name.as_deref(), 200);
        params.finish()?;
        let Ok(bytes) = axum::body::to_bytes(body, MAX_FILE_BYTES).await else {
            return Ok(StatusCode::PAYLOAD_TOO_LARGE.into_response());
        };
        let file = store(&caller, &school_id, &file_name, &content_type, bytes).await?;
        Ok((StatusCode::CREATED, axum::Json(file)).into_response())
    };
    caller.answer(answer).await
}

/// Uploads one file: the header with its size and checksum, then the bytes.
pub async fn store(
    caller: &Caller,
    school_id: &str,
    file_name: &str,
    content_type: &str,
    bytes: Bytes,
) -> Result<AttachmentView> {
    let header = schedule::UploadAttachmentHeader {
        school_id: school_id.to_owned(),
        file_name: file_name.to_owned(),
        content_type: content_type.to_owned(),
        size_bytes: bytes.len() as i64,
        sha256: Sha256::digest(&bytes)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect(),
        request_id: uuid::Uuid::now_v7().to_string(),
    };
    let mut parts = vec![schedule::UploadAttachmentRequest {
        part: Some(schedule::upload_attachment_request::Part::Header(header)),
    }];
    parts.extend(
        bytes
            .chunks(CHUNK_BYTES)
            .map(|chunk| schedule::UploadAttachmentRequest {
                part: Some(schedule::upload_attachment_request::Part::Chunk(
                    chunk.to_vec(),
                )),
            }),
    );
    let reply = caller
        .schedule()
        .upload_attachment(caller.request(futures_util::stream::iter(parts))?)
        .await
        .map_err(|status| {
            crate::caller::renamed(
                status.into(),
                &[
                    ("header.school_id", "school_id"),
                    ("header.file_name", "file_name"),
                    ("header.content_type", "content-type"),
                    ("header.size_bytes", "body"),
                    ("chunk", "body"),
                ],
            )
        })?;
    Ok(required(reply.into_inner().attachment, "attachment")?.into())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DownloadQuery {
    /// The school the file belongs to.
    #[param(required = true, format = Uuid)]
    school_id: Option<String>,
}

/// `GET /api/v1/attachments/{attachment_id}`: the file, as a download.
/// Whoever may read the homework or submission it belongs to.
#[utoipa::path(get, path = "/api/v1/attachments/{attachment_id}", tag = "homework",
    operation_id = "download_attachment",
    params(("attachment_id" = String, Path, format = Uuid, description = "The file"), DownloadQuery),
    responses((status = 200, description = "The file's bytes, with its own media type", content_type = "application/octet-stream", body = Vec<u8>)))]
pub async fn download(
    caller: Caller,
    ApiPath(attachment_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<DownloadQuery>,
) -> Response {
    caller
        .answer(async { fetch(&caller, &attachment_id, query.school_id.as_deref()).await })
        .await
}

/// The download for the route and the pages alike.
pub async fn fetch(
    caller: &Caller,
    attachment_id: &str,
    school_id: Option<&str>,
) -> Result<Response> {
    let attachment_id = path_id("attachment", attachment_id)?;
    let mut params = Params::new();
    let school_id = params.id("school_id", school_id);
    params.finish()?;
    let message = schedule::DownloadAttachmentRequest {
        school_id,
        attachment_id,
        offset: 0,
    };
    let mut stream = caller
        .schedule()
        .download_attachment(caller.request(message)?)
        .await?
        .into_inner();
    let first = stream.message().await?.and_then(|message| message.part);
    let Some(schedule::download_attachment_response::Part::Attachment(file)) = first else {
        return Err(Error::Internal(anyhow::anyhow!(
            "schedule sent no attachment header"
        )));
    };
    let body = Body::from_stream(stream.map(|message| {
        message.map(|message| match message.part {
            Some(schedule::download_attachment_response::Part::Chunk(bytes)) => Bytes::from(bytes),
            _ => Bytes::new(),
        })
    }));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    let kind = HeaderValue::from_str(&file.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, kind);
    if let Ok(length) = HeaderValue::from_str(&file.size_bytes.to_string()) {
        headers.insert(header::CONTENT_LENGTH, length);
    }
    if let Ok(disposition) = HeaderValue::from_str(&disposition(&file.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// `attachment` with the name twice: plain ASCII for old clients, and the
/// real name percent-encoded (RFC 6266).
fn disposition(file_name: &str) -> String {
    let plain: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_travel_in_both_forms() {
        assert_eq!(
            disposition("задача 1.pdf"),
            "attachment; filename=\"______ 1.pdf\"; filename*=UTF-8''%D0%B7%D0%B0%D0%B4%D0%B0%D1%87%D0%B0%201.pdf"
        );
        assert_eq!(
            disposition("a\"b.txt"),
            "attachment; filename=\"a_b.txt\"; filename*=UTF-8''a%22b.txt"
        );
    }
}
