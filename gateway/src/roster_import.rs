//! A school's roster loaded from OneRoster 1.2 CSV files (users.csv,
//! classes.csv, enrollments.csv), as school IT departments export them:
//! good rows load, bad ones come back by file, line and column, and
//! loading the same files again changes nothing.

use axum::Json;
use axum::body::Body;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, path_id};
use crate::extract::{ApiPath, ApiQuery};
use crate::multipart::{FilePart, FormLimits, read_form};

/// Identity reads at most 4 MiB a message; the files travel in one.
pub const ROSTER_FILES: FormLimits = FormLimits {
    file_bytes: 3 * 1024 * 1024,
    form_bytes: 3 * 1024 * 1024 + 64 * 1024,
    files: 3,
};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RosterImportQuery {
    /// Check and count without writing.
    #[serde(default)]
    pub validate_only: bool,
}

/// A refused row.
#[derive(Serialize, ToSchema)]
pub struct RosterRowErrorView {
    #[schema(example = "users.csv")]
    pub file: String,
    /// The line in the file; the header is line 1.
    pub line: i64,
    /// The column, as the file names it.
    pub field: String,
    pub description: String,
}

/// What a load did (or, checking only, would do).
#[derive(Serialize, ToSchema)]
pub struct RosterImportView {
    pub validate_only: bool,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub errors: Vec<RosterRowErrorView>,
}

/// `POST /api/v1/schools/{school_id}/roster-imports`: loads the files of
/// a multipart form (each in a part named `files`, by its OneRoster name).
/// School administrators.
#[utoipa::path(post, path = "/api/v1/schools/{school_id}/roster-imports", tag = "roster",
    params(("school_id" = String, Path, format = Uuid, description = "The school"), RosterImportQuery),
    request_body(content = Vec<u8>, content_type = "multipart/form-data",
        description = "Up to three parts named `files`: `users.csv`, `classes.csv`, `enrollments.csv` (UTF-8), at most 3 MiB together."),
    responses((status = 200, description = "What was loaded, and each refused row", body = RosterImportView)))]
pub async fn import_roster(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<RosterImportQuery>,
    headers: HeaderMap,
    body: Body,
) -> impl IntoResponse {
    caller
        .answer(async {
            let form = read_form(&headers, body, &ROSTER_FILES).await?;
            load_roster(&caller, &school_id, form.files, query.validate_only)
                .await
                .map(Json)
        })
        .await
}

/// Loads roster files for the route and the administration's page alike.
pub async fn load_roster(
    caller: &Caller,
    school_id: &str,
    files: Vec<FilePart>,
    validate_only: bool,
) -> Result<RosterImportView> {
    let school_id = path_id("school", school_id)?;
    if files.is_empty() {
        return Err(Error::invalid(
            "files",
            "choose users.csv, classes.csv, enrollments.csv or some of them",
        ));
    }
    let message = identity::ImportRosterRequest {
        school_id,
        files: files
            .into_iter()
            .map(|file| identity::RosterFile {
                name: file.file_name,
                content: file.bytes.to_vec(),
            })
            .collect(),
        validate_only,
    };
    let report = caller
        .identity()
        .import_roster(caller.request(message)?)
        .await?
        .into_inner();
    Ok(RosterImportView {
        validate_only,
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        errors: report
            .errors
            .into_iter()
            .map(|error| RosterRowErrorView {
                file: error.file,
                line: error.line,
                field: error.field,
                description: error.description,
            })
            .collect(),
    })
}
