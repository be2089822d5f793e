//! Writing to the families of students a teacher picks from a journal by
//! their standing: gradebook finds the students (under the teacher's right
//! to read the journal), identity names the guardians the teacher may
//! write to, and messaging starts one thread per student.

use axum::Json;
use axum::response::IntoResponse;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as gradebook;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::JOURNAL_NAMES;
use crate::caller::{Caller, Params, renamed};
use crate::correspondents::{CorrespondentsQuery, load_correspondents};
use crate::extract::ApiJson;
use crate::teaching::names::Directory;
use crate::threads::{NewThreadBody, start_thread};
use crate::views::PersonKind;

/// At most this many families in one send.
const MAX_STUDENTS: usize = 100;

/// Students whose families are looked up or written to at once.
const AT_ONCE: usize = 8;

/// The journal, as `GET /api/v1/journal` names it.
#[derive(Deserialize, ToSchema, Default, Clone)]
pub struct JournalKey {
    #[schema(format = Uuid)]
    pub class_id: String,
    /// For a group's journal.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub group_id: String,
    #[schema(format = Uuid)]
    pub subject_id: String,
    #[schema(format = Uuid)]
    pub period_id: String,
}

impl JournalKey {
    /// The ids checked and named as the body names them, in gradebook's
    /// request for the journal.
    fn checked(&self, params: &mut Params) -> gradebook::GetJournalRequest {
        let group = Some(self.group_id.as_str()).filter(|id| !id.is_empty());
        gradebook::GetJournalRequest {
            class_id: params.id("class_id", Some(self.class_id.as_str())),
            group_id: params.optional_id("group_id", group),
            subject_id: params.id("subject_id", Some(self.subject_id.as_str())),
            reporting_period_id: params.id("period_id", Some(self.period_id.as_str())),
        }
    }
}

/// A journal and who in it to pick.
#[derive(Deserialize, ToSchema, Default, Clone)]
pub struct CohortBody {
    #[serde(flatten)]
    pub journal: JournalKey,
    /// Students whose average, as the journal shows it, is strictly below
    /// this decimal ("3.5" or "3,5"), within the subject's scale; a student
    /// without an average never is.
    #[serde(default)]
    #[schema(example = "3.5", max_length = 20)]
    pub average_below: String,
    /// Students who missed at least this many of the lessons held so far.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1000)]
    pub absences_at_least: Option<i32>,
    /// Both conditions; by default either one given. At least one of
    /// `average_below` and `absences_at_least` is required.
    #[serde(default)]
    pub match_all: bool,
}

/// Someone the message would reach.
#[derive(Serialize, ToSchema)]
pub struct RecipientView {
    pub person_id: String,
    #[schema(example = "Петрова Анна Сергеевна")]
    pub display_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct CohortStudentView {
    pub student_id: String,
    #[schema(example = "Алексеев Иван")]
    pub display_name: String,
    /// The average as the journal shows it; absent without marks that count.
    pub average: Option<f64>,
    /// Lessons missed of `lessons`.
    pub absences: i32,
    /// The journal's lessons held so far.
    pub lessons: i32,
    /// The guardians the caller may write to: those a message would reach.
    pub guardians: Vec<RecipientView>,
}

#[derive(Serialize, ToSchema)]
pub struct CohortView {
    pub school_id: String,
    /// The students found, in the journal's order.
    pub students: Vec<CohortStudentView>,
}

/// `POST /api/v1/journal/cohort`: the students of a journal picked by
/// average and absences, with the guardians a message would reach. Whoever
/// may read the journal.
#[utoipa::path(post, path = "/api/v1/journal/cohort", tag = "journal", request_body = CohortBody,
    responses((status = 200, description = "The students found", body = CohortView)))]
pub async fn preview_cohort(
    caller: Caller,
    ApiJson(body): ApiJson<CohortBody>,
) -> impl IntoResponse {
    caller
        .answer(async { load_cohort(&caller, &body).await.map(Json) })
        .await
}

pub async fn load_cohort(caller: &Caller, body: &CohortBody) -> Result<CohortView> {
    let mut params = Params::new();
    let journal = body.journal.checked(&mut params);
    params.finish()?;
    let message = gradebook::FindJournalStudentsRequest {
        class_id: journal.class_id,
        group_id: journal.group_id,
        subject_id: journal.subject_id,
        reporting_period_id: journal.reporting_period_id,
        average_below: body.average_below.trim().to_owned(),
        absences_at_least: body.absences_at_least,
        match_all: body.match_all,
    };
    let found = caller
        .gradebook()
        .find_journal_students(caller.request(message.clone())?)
        .await
        .map_err(|status| renamed(status.into(), JOURNAL_NAMES))?
        .into_inner()
        .students;
    let school_id = school_of(caller, &message.class_id).await?;
    let students = stream::iter(found)
        .map(|standing| {
            let school_id = &school_id;
            async move {
                let family = family(caller, school_id, &standing.student_id).await?;
                Ok::<_, Error>(CohortStudentView {
                    display_name: family.student_name,
                    average: standing.has_average.then_some(standing.average),
                    absences: standing.absences,
                    lessons: standing.lessons,
                    guardians: family.guardians,
                    student_id: standing.student_id,
                })
            }
        })
        .buffered(AT_ONCE)
        .try_collect()
        .await?;
    Ok(CohortView {
        school_id,
        students,
    })
}

async fn school_of(caller: &Caller, class_id: &str) -> Result<String> {
    let mut names = Directory::default();
    Ok(names
        .learn_class(caller, class_id, false)
        .await?
        .school_id
        .clone())
}

struct Family {
    student_name: String,
    guardians: Vec<RecipientView>,
}

/// The student's name and the guardians identity lets the caller write to.
async fn family(caller: &Caller, school_id: &str, student_id: &str) -> Result<Family> {
    let query = CorrespondentsQuery {
        school_id: Some(school_id.to_owned()),
        student_id: Some(student_id.to_owned()),
    };
    let mut family = Family {
        student_name: String::new(),
        guardians: Vec::new(),
    };
    for person in load_correspondents(caller, &query).await?.correspondents {
        match person.kind {
            PersonKind::Student if person.person_id == student_id => {
                family.student_name = person.display_name;
            }
            PersonKind::Guardian => family.guardians.push(RecipientView {
                person_id: person.person_id,
                display_name: person.display_name,
            }),
            _ => {}
        }
    }
    Ok(family)
}

#[derive(Deserialize, ToSchema, Default)]
pub struct CohortMessageBody {
    #[serde(flatten)]
    pub journal: JournalKey,
    /// The students whose families to write to (from the preview).
    #[schema(min_items = 1, max_items = 100)]
    pub student_ids: Vec<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub subject: String,
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
    /// A key of the client's choosing (UUID): sent again with it, nothing
    /// is started twice.
    #[schema(format = Uuid)]
    pub request_id: String,
}

/// What became of one family's message.
#[derive(Serialize, ToSchema)]
pub struct CohortSentView {
    pub student_id: String,
    pub display_name: String,
    /// The thread started; empty when refused.
    pub thread_id: String,
    /// Why nothing was sent: `no-guardians` (none the caller may write
    /// to), or the problem type's slug (`not-found`, `forbidden`,
    /// `failed-precondition`, `invalid-request`); empty when sent.
    pub refusal: String,
}

#[derive(Serialize, ToSchema)]
pub struct CohortSentListView {
    pub school_id: String,
    /// In the order of `student_ids`.
    pub students: Vec<CohortSentView>,
}

/// `POST /api/v1/journal/cohort/messages`: one thread per student with the
/// student's guardians, all with the same subject and text. A family the
/// caller may not write to is reported and the others are written to.
#[utoipa::path(post, path = "/api/v1/journal/cohort/messages", tag = "messages",
    request_body = CohortMessageBody,
    responses((status = 200, description = "Each student's thread or refusal", body = CohortSentListView)))]
pub async fn send_cohort(
    caller: Caller,
    ApiJson(body): ApiJson<CohortMessageBody>,
) -> impl IntoResponse {
    caller
        .answer(async { write_to_families(&caller, body).await.map(Json) })
        .await
}

pub async fn write_to_families(
    caller: &Caller,
    body: CohortMessageBody,
) -> Result<CohortSentListView> {
    let mut params = Params::new();
    let journal = body.journal.checked(&mut params);
    let subject = params.text("subject", Some(body.subject.as_str()), 200);
    let text = params.text("text", Some(body.text.as_str()), 10_000);
    let batch = params.id("request_id", Some(body.request_id.as_str()));
    if body.student_ids.is_empty() || body.student_ids.len() > MAX_STUDENTS {
        let why = format!("must name 1–{MAX_STUDENTS} students");
        params.refuse("student_ids", &why);
    }
    let student_ids: Vec<String> = body
        .student_ids
        .iter()
        .map(|id| params.id("student_ids", Some(id.as_str())))
        .collect();
    params.finish()?;
    // Reading the journal is the right to pick from it: whoever may not is
    // refused the whole send, and only its students are written about.
    let roster = caller
        .gradebook()
        .get_journal(caller.request(journal.clone())?)
        .await
        .map_err(|status| renamed(status.into(), JOURNAL_NAMES))?
        .into_inner()
        .student_ids;
    let school_id = school_of(caller, &journal.class_id).await?;
    let students = stream::iter(student_ids)
        .map(|student_id| {
            let (school_id, subject, text, batch) = (&school_id, &subject, &text, &batch);
            let in_journal = roster.contains(&student_id);
            async move {
                let mut sent = CohortSentView {
                    student_id,
                    display_name: String::new(),
                    thread_id: String::new(),
                    refusal: String::new(),
                };
                if !in_journal {
                    sent.refusal = "not-found".to_owned();
                    return Ok(sent);
                }
                let family = match family(caller, school_id, &sent.student_id).await {
                    Ok(family) => family,
                    Err(error) => {
                        sent.refusal = refusal(error)?;
                        return Ok(sent);
                    }
                };
                sent.display_name = family.student_name;
                if family.guardians.is_empty() {
                    sent.refusal = "no-guardians".to_owned();
                    return Ok(sent);
                }
                let thread = NewThreadBody {
                    school_id: school_id.clone(),
                    student_id: sent.student_id.clone(),
                    subject: subject.clone(),
                    participant_ids: family.guardians.into_iter().map(|g| g.person_id).collect(),
                    text: text.clone(),
                    request_id: request_id_for(batch, &sent.student_id),
                };
                match start_thread(caller, thread).await {
                    Ok(created) => sent.thread_id = created.thread.id,
                    Err(error) => sent.refusal = refusal(error)?,
                }
                Ok::<_, Error>(sent)
            }
        })
        .buffered(AT_ONCE)
        .try_collect()
        .await?;
    Ok(CohortSentListView {
        school_id,
        students,
    })
}

/// A family's refusal is reported beside the others' threads; a fault of
/// the services stops the send, which the same `request_id` then resumes.
fn refusal(error: Error) -> Result<String> {
    match error {
        Error::NotFound(_)
        | Error::PermissionDenied(_)
        | Error::FailedPrecondition(_)
        | Error::InvalidArgument(_) => Ok(crate::problem::describe(&error).1.to_owned()),
        other => Err(other),
    }
}

/// The key of one student's thread in a send: the same batch key gives the
/// same key, so a retried send finds the threads already started.
pub fn request_id_for(batch: &str, student_id: &str) -> String {
    let digest = Sha256::new()
        .chain_update(batch.as_bytes())
        .chain_update(b"/")
        .chain_update(student_id.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_student_has_a_key_of_its_own_that_a_retry_repeats() {
        let batch = "0190f6a2-6c1e-7c3a-9d7e-1a2b3c4d5e6f";
        let first = request_id_for(batch, "a");
        assert_eq!(first, request_id_for(batch, "a"));
        assert_ne!(first, request_id_for(batch, "b"));
        assert_eq!(uuid::Uuid::parse_str(&first).unwrap().get_version_num(), 8);
    }
}
