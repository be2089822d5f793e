//! Whom a signed-in person may write to, about a student or among
//! colleagues: identity's answer, named for the form that offers them.

use axum::Json;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use otmetka_proto::identity::v1 as identity;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, Params};
use crate::extract::ApiQuery;
use crate::views::{PersonKind, StaffRole};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CorrespondentsQuery {
    #[param(required = true, format = Uuid)]
    pub school_id: Option<String>,
    /// The student the conversation would be about; colleagues when absent.
    #[param(format = Uuid)]
    pub student_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CorrespondentView {
    pub person_id: String,
    #[schema(example = "Петрова Анна Сергеевна")]
    pub display_name: String,
    /// How they would take part: the student, a guardian of the student, or staff.
    pub kind: PersonKind,
    /// Subjects they teach the student.
    pub subject_ids: Vec<String>,
    pub class_teacher: bool,
    /// Their staff roles in the school.
    pub roles: Vec<StaffRole>,
}

#[derive(Serialize, ToSchema)]
pub struct CorrespondentsView {
    /// For staff the student and guardians first, then the class teacher,
    /// the student's teachers and the rest of the staff; for a family the
    /// staff in that order, then the family; each group by name.
    pub correspondents: Vec<CorrespondentView>,
}

/// `GET /api/v1/correspondents?school_id=&student_id=`: whom the signed-in
/// person may write to, about a student or among colleagues.
#[utoipa::path(get, path = "/api/v1/correspondents", tag = "messages", params(CorrespondentsQuery),
    responses((status = 200, description = "The people", body = CorrespondentsView)))]
pub async fn list_correspondents(
    caller: Caller,
    ApiQuery(query): ApiQuery<CorrespondentsQuery>,
) -> impl IntoResponse {
    caller
        .answer(async { load_correspondents(&caller, &query).await.map(Json) })
        .await
}

pub async fn load_correspondents(
    caller: &Caller,
    query: &CorrespondentsQuery,
) -> Result<CorrespondentsView> {
    let mut params = Params::new();
    let school_id = params.id("school_id", query.school_id.as_deref());
    let student_id = params.optional_id("student_id", query.student_id.as_deref());
    params.finish()?;
    let reply = caller
        .identity()
        .list_correspondents(caller.request(identity::ListCorrespondentsRequest {
            school_id,
            student_id,
        })?)
        .await?
        .into_inner();
    Ok(CorrespondentsView {
        correspondents: reply
            .correspondents
            .into_iter()
            .map(|person| CorrespondentView {
                kind: PersonKind::from_proto(person.kind).unwrap_or(PersonKind::Staff),
                roles: person
                    .roles
                    .iter()
                    .filter_map(|role| StaffRole::from_proto(*role))
                    .collect(),
                person_id: person.person_id,
                display_name: person.display_name,
                subject_ids: person.subject_ids,
                class_teacher: person.class_teacher,
            })
            .collect(),
    })
}
