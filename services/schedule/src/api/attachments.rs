//! Files for homework and submissions: uploaded in chunks after a header,
//! checked (size, type, content, checksum) as they stream into the store,
//! and downloaded by whoever may read what they belong to.

use std::pin::Pin;

use futures_util::{Stream, StreamExt};
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, SchoolId, StudentId};
use otmetka_platform::{Error, Result};
use otmetka_proto::schedule::v1 as pb;
use pb::upload_attachment_request::Part;
use sha2::{Digest, Sha256};
use tonic::Streaming;
use uuid::Uuid;

use super::access::Action;
use super::input::Input;
use super::{ScheduleApi, convert, created_id, stored};
use crate::files::{self, FileKey, SNIFF_BYTES, Upload};
use crate::model::{Attachment, AttachmentId};
use crate::store::{self, Created, Owner, RequestKey, found};

/// Longest file name kept.
const MAX_FILE_NAME_CHARS: usize = 255;

pub type DownloadStream = Pin<
    Box<
        dyn Stream<Item = std::result::Result<pb::DownloadAttachmentResponse, tonic::Status>>
            + Send,
    >,
>;

/// What an upload has received so far.
struct Received {
    content_type: &'static str,
    declared: u64,
    size: u64,
    hasher: Sha256,
    head: Vec<u8>,
    sniffed: bool,
}

impl Received {
    /// Takes the next chunk, or refuses the upload.
    fn take(&mut self, chunk: &[u8]) -> Result<()> {
        self.size += chunk.len() as u64;
        if self.size > self.declared {
            return Err(Error::invalid(
                "header.size_bytes",
                format!(
                    "the file is larger than the {} bytes declared",
                    self.declared
                ),
            ));
        }
        self.hasher.update(chunk);
        if !self.sniffed {
            let wanted = SNIFF_BYTES - self.head.len();
            self.head
                .extend_from_slice(&chunk[..chunk.len().min(wanted)]);
            if self.head.len() == SNIFF_BYTES {
                self.sniff(false)?;
            }
        }
        Ok(())
    }

    /// The stream ended: everything declared must have come.
    fn finish(&mut self) -> Result<()> {
        if self.size != self.declared {
            return Err(Error::invalid(
                "header.size_bytes",
                format!("{} bytes were declared, {} sent", self.declared, self.size),
            ));
        }
        if !self.sniffed {
            self.sniff(true)?;
        }
        Ok(())
    }

    fn sniff(&mut self, whole: bool) -> Result<()> {
        self.sniffed = true;
        if files::content_fits(self.content_type, &self.head, whole) {
            Ok(())
        } else {
            Err(Error::invalid(
                "header.content_type",
                format!("the content is not {}", self.content_type),
            ))
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The chunks of an upload stream, checked as they pass.
fn checked<'a>(
    messages: &'a mut Streaming<pb::UploadAttachmentRequest>,
    received: &'a mut Received,
) -> Upload<'a> {
    let chunks = futures_util::stream::unfold(Some((messages, received)), |state| async move {
        let (messages, received) = state?;
        let next = match messages.message().await {
            Ok(Some(pb::UploadAttachmentRequest {
                part: Some(Part::Chunk(chunk)),
            })) => received.take(&chunk).map(|()| chunk),
            Ok(Some(_)) => Err(Error::invalid(
                "chunk",
                "only the first message is a header",
            )),
            Ok(None) => {
                return match received.finish() {
                    Ok(()) => None,
                    Err(error) => Some((Err(error), None)),
                };
            }
            Err(status) => Err(Error::from(status)),
        };
        match next {
            Ok(chunk) => Some((Ok(chunk), Some((messages, received)))),
            Err(error) => Some((Err(error), None)),
        }
    });
    Box::pin(chunks)
}

/// Staff of the school, and its students, may upload; guardians may not.
/// Returns the uploader.
async fn may_upload(api: &ScheduleApi, ctx: &CallContext, school_id: SchoolId) -> Result<PersonId> {
    let person = PersonId(ctx.person_id()?);
    if api
        .identity
        .school(ctx, Action::ReadRoster, school_id)
        .await
        .is_ok()
    {
        return Ok(person);
    }
    api.identity
        .student(
            ctx,
            school_id,
            StudentId(person.uuid()),
            crate::calendar::school_today(
                &api.clock,
                api.identity.timezone(ctx, &api.db, school_id).await?,
            ),
        )
        .await
        .map(|_| person)
        .map_err(|_| Error::not_found("school"))
}

pub async fn upload(
    api: &ScheduleApi,
    ctx: CallContext,
    mut messages: Streaming<pb::UploadAttachmentRequest>,
) -> Result<pb::UploadAttachmentResponse> {
    let header = match messages.message().await? {
        Some(pb::UploadAttachmentRequest {
            part: Some(Part::Header(header)),
        }) => header,
        _ => return Err(Error::invalid("header", "must be the first message")),
    };
    let mut input = Input::new();
    let school_id = input.id("header.school_id", &header.school_id);
    let file_name = input.name("header.file_name", &header.file_name);
    if file_name.chars().count() > MAX_FILE_NAME_CHARS || file_name.contains(['/', '\\']) {
        input.refuse(
            "header.file_name",
            format!("must be a name of at most {MAX_FILE_NAME_CHARS} characters, without / or \\"),
        );
    }
    let content_type = files::allowed_type(&header.content_type).unwrap_or_else(|| {
        input.refuse(
            "header.content_type",
            format!("must be one of: {}", files::allowed_types().join(", ")),
        );
        "application/octet-stream"
    });
    let max = api.attachments.max_bytes;
    if header.size_bytes <= 0 || header.size_bytes as u64 > max {
        input.refuse("header.size_bytes", format!("must be 1 to {max} bytes"));
    }
    let sha256 = header.sha256.trim().to_ascii_lowercase();
    if sha256.len() != 64 || !sha256.chars().all(|c| c.is_ascii_hexdigit()) {
        input.refuse("header.sha256", "must be a SHA-256 as 64 hex digits");
    }
    let key = if header.request_id.is_empty() {
        None
    } else if Uuid::parse_str(&header.request_id).is_err() {
        input.refuse("header.request_id", "must be a UUID");
        None
    } else {
        Some(RequestKey {
            actor_id: ctx.principal.id,
            request_id: header.request_id.clone(),
        })
    };
    input.finish()?;
    let uploader = may_upload(api, &ctx, school_id).await?;
    if let Some(key) = &key
        && let Some(earlier) = store::earlier_upload(&api.db, key, school_id).await?
    {
        let file = stored(store::get_attachment(&api.db, school_id, earlier).await?)?;
        return Ok(pb::UploadAttachmentResponse {
            attachment: Some(convert::attachment(&file)),
        });
    }

    let id = AttachmentId::generate();
    let file_key = FileKey { school_id, id };
    let mut received = Received {
        content_type,
        declared: header.size_bytes as u64,
        size: 0,
        hasher: Sha256::new(),
        head: Vec::with_capacity(SNIFF_BYTES),
        sniffed: false,
    };
    let size = api
        .files
        .put(file_key, checked(&mut messages, &mut received))
        .await?;
    let digest = hex(&received.hasher.finalize());
    if digest != sha256 {
        api.files.delete(file_key).await?;
        return Err(Error::invalid(
            "header.sha256",
            "does not match the content received",
        ));
    }
    let file = Attachment {
        id,
        school_id,
        file_name,
        content_type: content_type.to_owned(),
        size_bytes: size as i64,
        sha256: digest,
        uploaded_by: uploader,
        created_at: api.clock.now(),
        homework_id: None,
        submission_id: None,
    };
    let created = match store::insert_attachment(&api.db, &file, key.as_ref()).await {
        Ok(created) => created,
        Err(error) => {
            api.files.delete(file_key).await?;
            return Err(error);
        }
    };
    if created != Created::New {
        // A retry raced the first upload and lost: keep the first file only.
        api.files.delete(file_key).await?;
    }
    let file = stored(store::get_attachment(&api.db, school_id, created_id(created, id)).await?)?;
    tracing::info!(%school_id, attachment_id = %file.id, size = file.size_bytes, "file uploaded");
    Ok(pb::UploadAttachmentResponse {
        attachment: Some(convert::attachment(&file)),
    })
}

/// Whether the caller may read `file`: the uploader while it is
/// unattached, then whoever may read what it belongs to.
async fn may_read(api: &ScheduleApi, ctx: &CallContext, file: &Attachment) -> Result<()> {
    let owner = match (file.homework_id, file.submission_id) {
        (Some(homework), _) => Some(Owner::Homework(homework)),
        (None, Some(submission)) => Some(Owner::Submission(submission)),
        (None, None) => None,
    };
    let allowed = match owner {
        None => file.uploaded_by.uuid() == ctx.principal.id,
        Some(owner) => super::homework::may_read_owner(api, ctx, file.school_id, owner)
            .await
            .is_ok(),
    };
    if allowed {
        Ok(())
    } else {
        Err(Error::not_found("attachment"))
    }
}

pub async fn download(
    api: &ScheduleApi,
    ctx: CallContext,
    request: pb::DownloadAttachmentRequest,
) -> Result<DownloadStream> {
    let mut input = Input::new();
    let school_id = input.id("school_id", &request.school_id);
    let id = input.id("attachment_id", &request.attachment_id);
    if request.offset < 0 {
        input.refuse("offset", "must not be negative");
    }
    input.finish()?;
    let file = found(
        store::get_attachment(&api.db, school_id, id).await?,
        "attachment",
    )?;
    may_read(api, &ctx, &file).await?;
    if request.offset > file.size_bytes {
        return Err(Error::invalid(
            "offset",
            format!("must be at most the file's size, {}", file.size_bytes),
        ));
    }
    let bytes = api.files.get(file.key(), request.offset as u64).await?;
    let header = pb::DownloadAttachmentResponse {
        part: Some(pb::download_attachment_response::Part::Attachment(
            convert::attachment(&file),
        )),
    };
    let chunks = bytes.map(|chunk| match chunk {
        Ok(chunk) => Ok(pb::DownloadAttachmentResponse {
            part: Some(pb::download_attachment_response::Part::Chunk(chunk)),
        }),
        Err(error) => Err(tonic::Status::from(Error::Internal(error))),
    });
    Ok(Box::pin(
        futures_util::stream::once(async { Ok(header) }).chain(chunks),
    ))
}
