//! What schedule asks identity: access decisions (`CheckAccess`, always on
//! the caller's own token, so identity's one policy decides), the roster
//! facts a timetable names, and schools' timezones.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use otmetka_platform::db::Db;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::grpc::access::{self, AccessClient};
use otmetka_platform::ids::{ClassId, GroupId, PersonId, SchoolId, StudentId, SubjectId};
use otmetka_platform::memo::Memo;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use tonic::transport::Channel;

use crate::store;

pub use identity::Action;

/// How long a school's timezone is trusted before identity is asked again.
const TIMEZONE_TTL: Duration = Duration::from_secs(600);
/// How long a school's directory (staff and subject names) is reused.
const DIRECTORY_TTL: Duration = Duration::from_secs(60);
/// About how many schools' facts one replica keeps.
const SCHOOLS_KEPT: usize = 10_000;

/// The names a diary shows: staff by person id, subjects by id.
#[derive(Debug, Default)]
pub struct SchoolNames {
    pub staff: HashMap<PersonId, String>,
    pub subjects: HashMap<SubjectId, String>,
}

/// Where a student is on a day.
#[derive(Debug, Clone)]
pub struct StudentPlace {
    pub class_id: ClassId,
    pub group_ids: Vec<GroupId>,
}

/// A class as the timetable needs it.
#[derive(Debug, Clone, Copy)]
pub struct ClassFacts {
    pub grade_level: i32,
}

#[derive(Clone)]
pub struct Identity {
    client: IdentityServiceClient<Channel>,
    access: AccessClient,
    timezones: Memo<SchoolId, Tz>,
    directories: Memo<SchoolId, Arc<SchoolNames>>,
}

impl Identity {
    pub fn new(client: IdentityServiceClient<Channel>) -> Self {
        Self {
            access: AccessClient::new(client.clone()),
            client,
            timezones: Memo::new(TIMEZONE_TTL, SCHOOLS_KEPT),
            directories: Memo::new(DIRECTORY_TTL, SCHOOLS_KEPT),
        }
    }

    /// Asks identity; a refusal is `None`, other failures are errors.
    async fn ask(
        &self,
        ctx: &CallContext,
        request: identity::CheckAccessRequest,
    ) -> Result<Option<identity::CheckAccessResponse>> {
        self.access.check(ctx, request).await
    }

    /// Whether the caller may take `action` on the school. A caller who may
    /// not even read the school learns nothing of it (NOT_FOUND); one who
    /// may read it is told plainly that this is not theirs to do.
    pub async fn school(
        &self,
        ctx: &CallContext,
        action: Action,
        school_id: SchoolId,
    ) -> Result<()> {
        let question = |action: Action| identity::CheckAccessRequest {
            action: action.into(),
            school_id: school_id.to_string(),
            ..Default::default()
        };
        let answer = self.ask(ctx, question(action)).await?;
        if answer.is_some_and(|answer| answer.school_id == school_id.to_string()) {
            return Ok(());
        }
        if action != Action::ReadSchool
            && self
                .ask(ctx, question(Action::ReadSchool))
                .await?
                .is_some_and(|answer| answer.school_id == school_id.to_string())
        {
            return Err(Error::PermissionDenied(
                "this is not yours to change in this school".into(),
            ));
        }
        Err(Error::not_found("school"))
    }

    /// Whether the caller may take a class `action` (on a group of the
    /// class, in a subject, on a day); a refusal is "`what` not found".
    #[allow(clippy::too_many_arguments)]
    pub async fn class(
        &self,
        ctx: &CallContext,
        action: Action,
        school_id: SchoolId,
        class_id: ClassId,
        group_id: Option<GroupId>,
        subject_id: Option<SubjectId>,
        date: Option<NaiveDate>,
        what: &str,
    ) -> Result<()> {
        let answer = self
            .ask(
                ctx,
                identity::CheckAccessRequest {
                    action: action.into(),
                    school_id: school_id.to_string(),
                    class_id: class_id.to_string(),
                    group_id: group_id.map(|id| id.to_string()).unwrap_or_default(),
                    subject_id: subject_id.map(|id| id.to_string()).unwrap_or_default(),
                    date: date.map(|date| date.to_string()).unwrap_or_default(),
                    ..Default::default()
                },
            )
            .await?;
        match answer {
            Some(answer) if answer.school_id == school_id.to_string() => Ok(()),
            _ => Err(Error::not_found(what)),
        }
    }

    /// Whether the caller may read the student's diary on `date`, and where
    /// the student is then.
    pub async fn student(
        &self,
        ctx: &CallContext,
        school_id: SchoolId,
        student_id: StudentId,
        date: NaiveDate,
    ) -> Result<StudentPlace> {
        let (found_in, place) = self.student_anywhere(ctx, student_id, Some(date)).await?;
        if found_in == school_id {
            Ok(place)
        } else {
            Err(Error::not_found("student"))
        }
    }

    /// Whether the caller may read the student's record on `date` (the
    /// school's today when `None`), and where the student is then: their
    /// school, class and groups.
    pub async fn student_anywhere(
        &self,
        ctx: &CallContext,
        student_id: StudentId,
        date: Option<NaiveDate>,
    ) -> Result<(SchoolId, StudentPlace)> {
        let answer = self
            .ask(
                ctx,
                identity::CheckAccessRequest {
                    action: Action::ReadStudentRecord.into(),
                    student_id: student_id.to_string(),
                    date: date.map(|date| date.to_string()).unwrap_or_default(),
                    ..Default::default()
                },
            )
            .await?
            .ok_or_else(|| Error::not_found("student"))?;
        let place = access::StudentPlace::of(&answer)?;
        let class_id = place
            .class_id
            .ok_or_else(|| Error::FailedPrecondition("the student is in no class then".into()))?;
        Ok((
            SchoolId(place.school_id),
            StudentPlace {
                class_id: ClassId(class_id),
                group_ids: place.group_ids.into_iter().map(GroupId).collect(),
            },
        ))
    }

    /// The class, checked to be the school's, and (when named) its group.
    /// Unknown ids are the caller's mistake, named by field.
    pub async fn class_facts(
        &self,
        ctx: &CallContext,
        school_id: SchoolId,
        class_id: ClassId,
        group_id: Option<GroupId>,
    ) -> Result<ClassFacts> {
        let class = self
            .client
            .clone()
            .get_class(ctx.forward(identity::GetClassRequest {
                id: class_id.to_string(),
            })?)
            .await
            .map_err(not_found_as_invalid(
                "class_id",
                "no such class in this school",
            ))?
            .into_inner()
            .class
            .filter(|class| class.school_id == school_id.to_string())
            .ok_or_else(|| Error::invalid("class_id", "no such class in this school"))?;
        if let Some(group_id) = group_id {
            let groups = self
                .client
                .clone()
                .list_groups(ctx.forward(identity::ListGroupsRequest {
                    class_id: class_id.to_string(),
                    page_size: 500,
                    page_token: String::new(),
                })?)
                .await
                .map_err(Error::from)?
                .into_inner()
                .groups;
            if !groups.iter().any(|group| group.id == group_id.to_string()) {
                return Err(Error::invalid("group_id", "no such group in this class"));
            }
        }
        Ok(ClassFacts {
            grade_level: class.grade_level,
        })
    }

    /// Refuses a `field` that names no staff member.
    pub async fn require_staff(
        &self,
        ctx: &CallContext,
        field: &str,
        person_id: PersonId,
    ) -> Result<()> {
        let person = self
            .client
            .clone()
            .get_person(ctx.forward(identity::GetPersonRequest {
                id: person_id.to_string(),
            })?)
            .await
            .map_err(not_found_as_invalid(field, "no such staff member"))?
            .into_inner()
            .person;
        match person {
            Some(person)
                if person.kind == identity::PersonKind::Staff as i32 && !person.disabled =>
            {
                Ok(())
            }
            _ => Err(Error::invalid(field, "no such staff member")),
        }
    }

    /// Refuses a subject the school does not teach.
    pub async fn require_subject(
        &self,
        ctx: &CallContext,
        school_id: SchoolId,
        subject_id: SubjectId,
    ) -> Result<()> {
        let mut page_token = String::new();
        loop {
            let page = self
                .client
                .clone()
                .list_subjects(ctx.forward(identity::ListSubjectsRequest {
                    school_id: school_id.to_string(),
                    page_size: 500,
                    page_token,
                })?)
                .await
                .map_err(Error::from)?
                .into_inner();
            if page.subjects.iter().any(|s| s.id == subject_id.to_string()) {
                return Ok(());
            }
            if page.next_page_token.is_empty() {
                return Err(Error::invalid(
                    "subject_id",
                    "no such subject in this school",
                ));
            }
            page_token = page.next_page_token;
        }
    }

    /// The school's timezone: remembered for a while, asked of identity
    /// (with the caller's token) when stale, and kept in the database for
    /// callers identity would not tell (students and guardians may not read
    /// the roster). Only a school that nobody with roster rights has worked
    /// on yet has none; then its days are UTC days.
    pub async fn timezone(&self, ctx: &CallContext, db: &Db, school_id: SchoolId) -> Result<Tz> {
        if let Some(timezone) = self.timezones.get(&school_id) {
            return Ok(timezone);
        }
        let asked = self
            .client
            .clone()
            .get_school(ctx.forward(identity::GetSchoolRequest {
                id: school_id.to_string(),
            })?)
            .await;
        let name = match asked {
            Ok(answer) => {
                let name = answer.into_inner().school.map(|school| school.timezone);
                if let Some(name) = &name {
                    store::save_school_timezone(db, school_id, name, Utc::now()).await?;
                }
                name
            }
            Err(status)
                if matches!(
                    status.code(),
                    tonic::Code::NotFound | tonic::Code::PermissionDenied
                ) =>
            {
                store::school_timezone(db, school_id).await?
            }
            Err(status) => return Err(status.into()),
        };
        let timezone = match name {
            Some(name) => name.parse::<Tz>().map_err(|_| {
                Error::Internal(anyhow::anyhow!(
                    "school {school_id} has an unknown timezone {name:?}"
                ))
            })?,
            None => Tz::UTC,
        };
        self.timezones.insert(school_id, timezone);
        Ok(timezone)
    }

    /// The school's staff and subject names, asked of identity (with the
    /// caller's token: anyone linked to the school may) at most once a
    /// minute per school and replica.
    pub async fn directory(
        &self,
        ctx: &CallContext,
        school_id: SchoolId,
    ) -> Result<Arc<SchoolNames>> {
        if let Some(names) = self.directories.get(&school_id) {
            return Ok(names);
        }
        let answer = self
            .client
            .clone()
            .get_school_directory(ctx.forward(identity::GetSchoolDirectoryRequest {
                school_id: school_id.to_string(),
            })?)
            .await?
            .into_inner();
        let full_name = |entry: &identity::DirectoryEntry| {
            [&entry.family_name, &entry.given_name, &entry.middle_name]
                .into_iter()
                .filter(|part| !part.is_empty())
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let names = Arc::new(SchoolNames {
            staff: answer
                .staff
                .iter()
                .filter_map(|entry| Some((entry.person_id.parse().ok()?, full_name(entry))))
                .collect(),
            subjects: answer
                .subjects
                .iter()
                .filter_map(|subject| Some((subject.id.parse().ok()?, subject.name.clone())))
                .collect(),
        });
        self.directories.insert(school_id, names.clone());
        Ok(names)
    }
}

/// Maps identity's "not found" for a named id to the caller's bad input.
fn not_found_as_invalid<'a>(
    field: &'a str,
    description: &'static str,
) -> impl FnOnce(tonic::Status) -> Error + 'a {
    move |status| match status.code() {
        tonic::Code::NotFound | tonic::Code::InvalidArgument => Error::invalid(field, description),
        _ => status.into(),
    }
}
