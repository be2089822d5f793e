//! The gRPC face of identity: parse and check the request, authorize it
//! with the shared policy, call the store, answer in contract form.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use otmetka_platform::authz::{Action, StaffRole};
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::context::client_address;
use otmetka_platform::grpc::{CallContext, Reply, handle};
use otmetka_platform::paging::Page;
use otmetka_platform::time::{optional_id, parse_date, parse_id};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as pb;
use otmetka_proto::identity::v1::identity_service_server::IdentityService;
use tonic::{Request, Response};
use uuid::Uuid;

use crate::access::{self, require_city_operator, require_school, require_student, school_today};
use crate::audit::{self, AuditEvent, AuditKind};
use crate::model::{
    Class, Guardianship, Membership, Person, PersonKind, School, Subject, TeachingAssignment,
};
use crate::{State, convert, store, tokens};

mod access_codes;
mod clients;

pub(crate) use clients::SERVICE as SERVICE_KIND;
mod credentials;
mod external;
mod people;

pub struct IdentityApi {
    state: Arc<State>,
}

impl IdentityApi {
    pub fn new(state: Arc<State>) -> Self {
        Self { state }
    }
}

/// A trimmed, non-empty text of at most `max` characters.
fn required_text(field: &str, text: &str, max: usize, violations: &mut Violations) -> String {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        violations.add(field, "is required");
    } else if trimmed.chars().count() > max {
        violations.add(field, format!("must be at most {max} characters"));
    }
    trimmed.to_owned()
}

/// Logins are case-insensitive: letters, digits, '.', '_' and '-'.
fn normalize_login(login: &str) -> Result<String, String> {
    let login = login.trim().to_lowercase();
    let valid_chars = login
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !(3..=64).contains(&login.chars().count()) || !valid_chars {
        return Err("must be 3–64 letters, digits, '.', '_' or '-'".into());
    }
    Ok(login)
}

/// The contract's person kind, if it names one.
fn person_kind(kind: i32) -> Option<PersonKind> {
    match pb::PersonKind::try_from(kind) {
        Ok(pb::PersonKind::Student) => Some(PersonKind::Student),
        Ok(pb::PersonKind::Guardian) => Some(PersonKind::Guardian),
        Ok(pb::PersonKind::Staff) => Some(PersonKind::Staff),
        _ => None,
    }
}

impl IdentityApi {
    /// The school and page of a list of the school's things, once the
    /// caller may `action` there.
    async fn school_page(
        &self,
        ctx: &CallContext,
        action: Action,
        school_id: &str,
        page_size: i32,
        page_token: &str,
    ) -> Result<(Uuid, Page)> {
        let school_id = parse_id("school_id", school_id)?;
        let page = Page::parse(page_size, page_token)?;
        require_school(&self.state.db, &ctx.principal, school_id, action).await?;
        Ok((school_id, page))
    }

    async fn create_school(
        &self,
        ctx: CallContext,
        request: pb::CreateSchoolRequest,
    ) -> Result<pb::CreateSchoolResponse> {
        let db = &self.state.db;
        require_city_operator(&ctx.principal)?;
        let mut violations = Violations::new();
        let name = required_text("name", &request.name, 200, &mut violations);
        if request.timezone.parse::<chrono_tz::Tz>().is_err() {
            violations.add("timezone", "must be an IANA timezone such as Europe/Moscow");
        }
        violations.into_result()?;
        let school = School {
            id: Uuid::now_v7(),
            name,
            timezone: request.timezone,
            created_at: Utc::now(),
        };
        store::insert_school(db, &school).await?;
        tracing::info!(school_id = %school.id, "school created");
        Ok(pb::CreateSchoolResponse {
            school: Some(convert::school(school)),
        })
    }

    async fn get_school(
        &self,
        ctx: CallContext,
        request: pb::GetSchoolRequest,
    ) -> Result<pb::GetSchoolResponse> {
        let id = parse_id("id", &request.id)?;
        require_school(&self.state.db, &ctx.principal, id, Action::ReadRoster).await?;
        let school = store::get_school(&self.state.db, id)
            .await?
            .ok_or_else(|| Error::not_found("school"))?;
        Ok(pb::GetSchoolResponse {
            school: Some(convert::school(school)),
        })
    }

    async fn list_schools(
        &self,
        ctx: CallContext,
        request: pb::ListSchoolsRequest,
    ) -> Result<pb::ListSchoolsResponse> {
        let page = Page::parse(request.page_size, &request.page_token)?;
        let member = (!ctx.principal.city_operator).then_some(ctx.principal.id);
        let mut schools =
            store::list_schools(&self.state.db, &page, request.name_query.trim(), member).await?;
        let next_page_token = page.finish(&mut schools, |school| school.id.to_string());
        Ok(pb::ListSchoolsResponse {
            schools: schools.into_iter().map(convert::school).collect(),
            next_page_token,
        })
    }

    async fn create_class(
        &self,
        ctx: CallContext,
        request: pb::CreateClassRequest,
    ) -> Result<pb::CreateClassResponse> {
        let db = &self.state.db;
        let school_id = parse_id("school_id", &request.school_id)?;
        require_school(db, &ctx.principal, school_id, Action::ManageRoster).await?;
        let mut violations = Violations::new();
        if !(0..=11).contains(&request.grade_level) {
            violations.add("grade_level", "must be 0–11");
        }
        let letter = required_text("letter", &request.letter, 8, &mut violations);
        if !(2000..=2100).contains(&request.academic_year) {
            violations.add(
                "academic_year",
                "must be the first calendar year of the academic year, e.g. 2026",
            );
        }
        let class_teacher_id = violations.check(
            "class_teacher_id",
            optional_id("class_teacher_id", &request.class_teacher_id).map_err(|e| e.to_string()),
        );
        violations.into_result()?;
        let class_teacher_id = class_teacher_id.flatten();
        if let Some(teacher) = class_teacher_id {
            self.require_staff(school_id, teacher, "class_teacher_id")
                .await?;
        }
        let class = Class {
            id: Uuid::now_v7(),
            school_id,
            grade_level: request.grade_level,
            letter: letter.to_uppercase(),
            academic_year: request.academic_year,
            class_teacher_id,
            created_at: Utc::now(),
        };
        store::insert_class(db, &class).await?;
        Ok(pb::CreateClassResponse {
            class: Some(convert::class(class)),
        })
    }

    /// Records what the caller did to `object_id` in a school.
    async fn audit(
        &self,
        ctx: &CallContext,
        kind: AuditKind,
        school_id: Uuid,
        object_id: Uuid,
    ) -> Result<()> {
        audit::record(
            &self.state.db,
            AuditEvent {
                kind,
                school_id: Some(school_id),
                actor_id: Some(ctx.principal.id),
                object_id: Some(object_id),
                source_address: ctx.client_address.clone(),
            },
        )
        .await
    }

    /// Checks that `person_id` holds a teacher role in the school, for a field.
    async fn require_staff(&self, school_id: Uuid, person_id: Uuid, field: &str) -> Result<()> {
        let roles = store::staff_roles(&self.state.db, person_id, school_id).await?;
        if roles.iter().any(|role| role == StaffRole::Teacher.as_str()) {
            Ok(())
        } else {
            Err(Error::invalid(field, "must be a teacher of this school"))
        }
    }

    async fn get_class(
        &self,
        ctx: CallContext,
        request: pb::GetClassRequest,
    ) -> Result<pb::GetClassResponse> {
        let id = parse_id("id", &request.id)?;
        let class = store::get_class(&self.state.db, id)
            .await?
            .ok_or_else(|| Error::not_found("class"))?;
        // Staff of the school, and the class's students and their guardians.
        access::require_class(
            &self.state.db,
            &ctx.principal,
            id,
            None,
            None,
            Action::ReadClass,
        )
        .await?;
        Ok(pb::GetClassResponse {
            class: Some(convert::class(class)),
        })
    }

    async fn list_classes(
        &self,
        ctx: CallContext,
        request: pb::ListClassesRequest,
    ) -> Result<pb::ListClassesResponse> {
        let (school_id, page) = self
            .school_page(
                &ctx,
                Action::ReadRoster,
                &request.school_id,
                request.page_size,
                &request.page_token,
            )
            .await?;
        let mut classes = store::list_classes(&self.state.db, school_id, &page).await?;
        let next_page_token = page.finish(&mut classes, |class| class.id.to_string());
        Ok(pb::ListClassesResponse {
            classes: classes.into_iter().map(convert::class).collect(),
            next_page_token,
        })
    }

    async fn create_subject(
        &self,
        ctx: CallContext,
        request: pb::CreateSubjectRequest,
    ) -> Result<pb::CreateSubjectResponse> {
        let school_id = parse_id("school_id", &request.school_id)?;
        require_school(
            &self.state.db,
            &ctx.principal,
            school_id,
            Action::ManageRoster,
        )
        .await?;
        let mut violations = Violations::new();
        let name = required_text("name", &request.name, 100, &mut violations);
        violations.into_result()?;
        let subject = Subject {
            id: Uuid::now_v7(),
            school_id,
            name,
        };
        store::insert_subject(&self.state.db, &subject).await?;
        Ok(pb::CreateSubjectResponse {
            subject: Some(convert::subject(subject)),
        })
    }

    async fn list_subjects(
        &self,
        ctx: CallContext,
        request: pb::ListSubjectsRequest,
    ) -> Result<pb::ListSubjectsResponse> {
        let (school_id, page) = self
            .school_page(
                &ctx,
                Action::ReadRoster,
                &request.school_id,
                request.page_size,
                &request.page_token,
            )
            .await?;
        let mut subjects = store::list_subjects(&self.state.db, school_id, &page).await?;
        let next_page_token = page.finish(&mut subjects, |subject| subject.id.to_string());
        Ok(pb::ListSubjectsResponse {
            subjects: subjects.into_iter().map(convert::subject).collect(),
            next_page_token,
        })
    }

    async fn get_school_directory(
        &self,
        ctx: CallContext,
        request: pb::GetSchoolDirectoryRequest,
    ) -> Result<pb::GetSchoolDirectoryResponse> {
        let db = &self.state.db;
        let school_id = parse_id("school_id", &request.school_id)?;
        require_school(db, &ctx.principal, school_id, Action::ReadSchool).await?;
        let staff = store::school_staff(db, school_id).await?;
        let subjects = store::school_subjects(db, school_id).await?;
        Ok(pb::GetSchoolDirectoryResponse {
            staff: staff
                .into_iter()
                .map(|person| pb::DirectoryEntry {
                    person_id: person.id.to_string(),
                    family_name: person.family_name,
                    given_name: person.given_name,
                    middle_name: person.middle_name,
                })
                .collect(),
            subjects: subjects.into_iter().map(convert::subject).collect(),
        })
    }

    async fn create_person(
        &self,
        ctx: CallContext,
        request: pb::CreatePersonRequest,
    ) -> Result<pb::CreatePersonResponse> {
        let school_id = parse_id("school_id", &request.school_id)?;
        require_school(
            &self.state.db,
            &ctx.principal,
            school_id,
            Action::ManageRoster,
        )
        .await?;
        let mut violations = Violations::new();
        let kind = person_kind(request.kind);
        if kind.is_none() {
            violations.add("kind", "must be student, guardian or staff");
        }
        let family_name = required_text("family_name", &request.family_name, 100, &mut violations);
        let given_name = required_text("given_name", &request.given_name, 100, &mut violations);
        let middle_name = request.middle_name.trim().to_owned();
        if middle_name.chars().count() > 100 {
            violations.add("middle_name", "must be at most 100 characters");
        }
        violations.into_result()?;
        let person = Person {
            id: Uuid::now_v7(),
            school_id: Some(school_id),
            kind: kind.map(PersonKind::as_str).unwrap_or_default().to_owned(),
            family_name,
            given_name,
            middle_name,
            disabled: false,
            created_at: Utc::now(),
        };
        store::insert_person(&self.state.db, &person).await?;
        Ok(pb::CreatePersonResponse {
            person: Some(convert::person(person)),
        })
    }

    async fn get_person(
        &self,
        ctx: CallContext,
        request: pb::GetPersonRequest,
    ) -> Result<pb::GetPersonResponse> {
        let db = &self.state.db;
        let id = parse_id("id", &request.id)?;
        let not_found = || Error::not_found("person");
        let person = store::get_person(db, id).await?.ok_or_else(not_found)?;
        if !self.may_see(&ctx, &person).await? {
            return Err(not_found());
        }
        Ok(pb::GetPersonResponse {
            person: Some(convert::person(person)),
        })
    }

    /// Whether the caller may see a person: themselves, their ward, anyone
    /// of a school whose roster they read, anyone for a city operator.
    async fn may_see(&self, ctx: &CallContext, person: &Person) -> Result<bool> {
        let db = &self.state.db;
        Ok(ctx.principal.id == person.id
            || ctx.principal.city_operator
            || store::is_guardian(db, ctx.principal.id, person.id).await?
            || match person.school_id {
                Some(school_id) => {
                    require_school(db, &ctx.principal, school_id, Action::ReadRoster)
                        .await
                        .is_ok()
                }
                None => false,
            })
    }

    async fn list_student_memberships(
        &self,
        ctx: CallContext,
        request: pb::ListStudentMembershipsRequest,
    ) -> Result<pb::ListStudentMembershipsResponse> {
        let db = &self.state.db;
        let student_id = parse_id("student_id", &request.student_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let not_found = || Error::not_found("student");
        let student = store::get_person(db, student_id)
            .await?
            .filter(|person| person.kind() == Some(PersonKind::Student))
            .ok_or_else(not_found)?;
        if !self.may_see(&ctx, &student).await? {
            return Err(not_found());
        }
        let mut rows = store::memberships_of(db, student_id, &page).await?;
        let next_page_token = page.finish(&mut rows, |row| {
            format!("{}\0{}", row.membership.start_date, row.id)
        });
        Ok(pb::ListStudentMembershipsResponse {
            memberships: rows
                .into_iter()
                .map(|row| convert::membership(row.id, row.membership))
                .collect(),
            next_page_token,
        })
    }

    async fn list_persons(
        &self,
        ctx: CallContext,
        request: pb::ListPersonsRequest,
    ) -> Result<pb::ListPersonsResponse> {
        let (school_id, page) = self
            .school_page(
                &ctx,
                Action::ReadRoster,
                &request.school_id,
                request.page_size,
                &request.page_token,
            )
            .await?;
        let kind = person_kind(request.kind);
        let mut rows = store::list_persons(
            &self.state.db,
            school_id,
            kind,
            request.name_query.trim(),
            &page,
        )
        .await?;
        let next_page_token =
            page.finish(&mut rows, |(name, person)| format!("{name}\0{}", person.id));
        Ok(pb::ListPersonsResponse {
            persons: rows
                .into_iter()
                .map(|(_, person)| convert::person(person))
                .collect(),
            next_page_token,
        })
    }

    /// A person of `kind` in a school the caller manages, for a request field.
    async fn managed_person(
        &self,
        ctx: &CallContext,
        field: &str,
        id: &str,
        kind: PersonKind,
    ) -> Result<Person> {
        let id = parse_id(field, id)?;
        let person = store::get_person(&self.state.db, id)
            .await?
            .filter(|person| person.kind() == Some(kind))
            .ok_or_else(|| {
                Error::invalid(
                    field,
                    format!("must be a {} of a school you manage", kind.as_str()),
                )
            })?;
        let school_id = person
            .school_id
            .ok_or_else(|| Error::invalid(field, "belongs to no school"))?;
        require_school(
            &self.state.db,
            &ctx.principal,
            school_id,
            Action::ManageRoster,
        )
        .await
        .map_err(|_| {
            Error::invalid(
                field,
                format!("must be a {} of a school you manage", kind.as_str()),
            )
        })?;
        Ok(person)
    }

    async fn enroll_student(
        &self,
        ctx: CallContext,
        request: pb::EnrollStudentRequest,
    ) -> Result<pb::EnrollStudentResponse> {
        let db = &self.state.db;
        let student = self
            .managed_person(&ctx, "student_id", &request.student_id, PersonKind::Student)
            .await?;
        let class_id = parse_id("class_id", &request.class_id)?;
        let start_date = parse_date("start_date", &request.start_date)?;
        let class = store::get_class(db, class_id)
            .await?
            .filter(|class| Some(class.school_id) == student.school_id)
            .ok_or_else(|| Error::invalid("class_id", "must be a class of the student's school"))?;
        let membership = Membership {
            student_id: student.id,
            class_id,
            school_id: class.school_id,
            start_date,
            end_date: None,
        };
        let id = store::enroll(db, &membership).await?;
        Ok(pb::EnrollStudentResponse {
            membership: Some(convert::membership(id, membership)),
        })
    }

    async fn list_class_students(
        &self,
        ctx: CallContext,
        request: pb::ListClassStudentsRequest,
    ) -> Result<pb::ListClassStudentsResponse> {
        let db = &self.state.db;
        let class_id = parse_id("class_id", &request.class_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let class = store::get_class(db, class_id)
            .await?
            .ok_or_else(|| Error::not_found("class"))?;
        require_school(db, &ctx.principal, class.school_id, Action::ReadRoster)
            .await
            .map_err(|_| Error::not_found("class"))?;
        let date = if request.date.is_empty() {
            school_today(db, class.school_id).await?
        } else {
            parse_date("date", &request.date)?
        };
        let mut students = store::class_students(db, class_id, date, &page).await?;
        let next_page_token = page.finish(&mut students, |student| student.id.to_string());
        Ok(pb::ListClassStudentsResponse {
            students: students.into_iter().map(convert::person).collect(),
            next_page_token,
        })
    }

    async fn list_class_memberships(
        &self,
        ctx: CallContext,
        request: pb::ListClassMembershipsRequest,
    ) -> Result<pb::ListClassMembershipsResponse> {
        let db = &self.state.db;
        let class_id = parse_id("class_id", &request.class_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let class = store::get_class(db, class_id)
            .await?
            .ok_or_else(|| Error::not_found("class"))?;
        require_school(db, &ctx.principal, class.school_id, Action::ReadRoster)
            .await
            .map_err(|_| Error::not_found("class"))?;
        let mut rows = store::class_memberships(db, class_id, &page).await?;
        let next_page_token = page.finish(&mut rows, |row| row.id.to_string());
        Ok(pb::ListClassMembershipsResponse {
            memberships: rows
                .into_iter()
                .map(|row| convert::membership(row.id, row.membership))
                .collect(),
            next_page_token,
        })
    }

    async fn link_guardian(
        &self,
        ctx: CallContext,
        request: pb::LinkGuardianRequest,
    ) -> Result<pb::LinkGuardianResponse> {
        let student = self
            .managed_person(&ctx, "student_id", &request.student_id, PersonKind::Student)
            .await?;
        let guardian_id = parse_id("guardian_id", &request.guardian_id)?;
        let guardian = store::get_person(&self.state.db, guardian_id)
            .await?
            .filter(|person| {
                person.kind() == Some(PersonKind::Guardian) && person.school_id == student.school_id
            })
            .ok_or_else(|| {
                Error::invalid(
                    "guardian_id",
                    "must be a guardian registered by the student's school",
                )
            })?;
        let link = Guardianship {
            guardian_id: guardian.id,
            student_id: student.id,
            school_id: student.school_id.unwrap_or_default(),
            created_at: Utc::now(),
        };
        store::link_guardian(&self.state.db, &link).await?;
        self.audit(
            &ctx,
            AuditKind::GuardianLinked,
            link.school_id,
            link.guardian_id,
        )
        .await?;
        Ok(pb::LinkGuardianResponse {
            guardianship: Some(convert::guardianship(link)),
        })
    }

    async fn unlink_guardian(
        &self,
        ctx: CallContext,
        request: pb::UnlinkGuardianRequest,
    ) -> Result<pb::UnlinkGuardianResponse> {
        let student = self
            .managed_person(&ctx, "student_id", &request.student_id, PersonKind::Student)
            .await?;
        let guardian_id = parse_id("guardian_id", &request.guardian_id)?;
        if !store::unlink_guardian(&self.state.db, guardian_id, student.id).await? {
            return Err(Error::not_found("guardianship"));
        }
        let school_id = student.school_id.unwrap_or_default();
        self.audit(&ctx, AuditKind::GuardianUnlinked, school_id, guardian_id)
            .await?;
        Ok(pb::UnlinkGuardianResponse {})
    }

    async fn list_guardianships(
        &self,
        ctx: CallContext,
        request: pb::ListGuardianshipsRequest,
    ) -> Result<pb::ListGuardianshipsResponse> {
        let guardian_id = parse_id("guardian_id", &request.guardian_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        if guardian_id != ctx.principal.id {
            let guardian = store::get_person(&self.state.db, guardian_id).await?;
            let school_id = guardian
                .and_then(|g| g.school_id)
                .ok_or_else(|| Error::not_found("guardian"))?;
            require_school(
                &self.state.db,
                &ctx.principal,
                school_id,
                Action::ReadRoster,
            )
            .await
            .map_err(|_| Error::not_found("guardian"))?;
        }
        let mut links = store::guardianships_of(&self.state.db, guardian_id, &page).await?;
        let next_page_token = page.finish(&mut links, |link| link.student_id.to_string());
        Ok(pb::ListGuardianshipsResponse {
            guardianships: links.into_iter().map(convert::guardianship).collect(),
            next_page_token,
        })
    }

    async fn grant_staff_role(
        &self,
        ctx: CallContext,
        request: pb::GrantStaffRoleRequest,
    ) -> Result<pb::GrantStaffRoleResponse> {
        self.change_staff_role(
            ctx,
            &request.person_id,
            &request.school_id,
            request.role,
            true,
        )
        .await?;
        Ok(pb::GrantStaffRoleResponse {})
    }

    async fn revoke_staff_role(
        &self,
        ctx: CallContext,
        request: pb::RevokeStaffRoleRequest,
    ) -> Result<pb::RevokeStaffRoleResponse> {
        self.change_staff_role(
            ctx,
            &request.person_id,
            &request.school_id,
            request.role,
            false,
        )
        .await?;
        Ok(pb::RevokeStaffRoleResponse {})
    }

    async fn change_staff_role(
        &self,
        ctx: CallContext,
        person_id: &str,
        school_id: &str,
        role: i32,
        grant: bool,
    ) -> Result<()> {
        let school_id = parse_id("school_id", school_id)?;
        require_school(
            &self.state.db,
            &ctx.principal,
            school_id,
            Action::ManageRoster,
        )
        .await?;
        let person = self
            .managed_person(&ctx, "person_id", person_id, PersonKind::Staff)
            .await?;
        if person.school_id != Some(school_id) {
            return Err(Error::invalid(
                "person_id",
                "must be staff registered by this school",
            ));
        }
        let role = match pb::StaffRole::try_from(role) {
            Ok(pb::StaffRole::Teacher) => StaffRole::Teacher,
            Ok(pb::StaffRole::DeputyHead) => StaffRole::DeputyHead,
            Ok(pb::StaffRole::Director) => StaffRole::Director,
            Ok(pb::StaffRole::SchoolAdmin) => StaffRole::SchoolAdmin,
            _ => return Err(Error::invalid("role", "must be a staff role")),
        };
        if grant {
            store::grant_staff_role(&self.state.db, person.id, school_id, role.as_str()).await?;
        } else {
            store::revoke_staff_role(&self.state.db, person.id, school_id, role.as_str()).await?;
        }
        let kind = if grant {
            AuditKind::StaffRoleGranted
        } else {
            AuditKind::StaffRoleRevoked
        };
        self.audit(&ctx, kind, school_id, person.id).await?;
        Ok(())
    }

    async fn create_teaching_assignment(
        &self,
        ctx: CallContext,
        request: pb::CreateTeachingAssignmentRequest,
    ) -> Result<pb::CreateTeachingAssignmentResponse> {
        let db = &self.state.db;
        let class_id = parse_id("class_id", &request.class_id)?;
        let class = store::get_class(db, class_id)
            .await?
            .ok_or_else(|| Error::not_found("class"))?;
        require_school(db, &ctx.principal, class.school_id, Action::ManageRoster)
            .await
            .map_err(|_| Error::not_found("class"))?;
        let group_id = optional_id("group_id", &request.group_id)?;
        if let Some(group_id) = group_id
            && store::group_class(db, group_id).await? != Some(class_id)
        {
            return Err(Error::invalid("group_id", "must be a group of the class"));
        }
        let teacher_id = parse_id("teacher_id", &request.teacher_id)?;
        self.require_staff(class.school_id, teacher_id, "teacher_id")
            .await?;
        let subject_id = parse_id("subject_id", &request.subject_id)?;
        store::get_subject(db, subject_id)
            .await?
            .filter(|subject| subject.school_id == class.school_id)
            .ok_or_else(|| {
                Error::invalid("subject_id", "must be a subject of the class's school")
            })?;
        let assignment = TeachingAssignment {
            id: Uuid::now_v7(),
            school_id: class.school_id,
            teacher_id,
            class_id,
            subject_id,
            group_id,
        };
        store::insert_assignment(db, &assignment).await?;
        Ok(pb::CreateTeachingAssignmentResponse {
            teaching_assignment: Some(convert::assignment(assignment)),
        })
    }

    async fn list_teaching_assignments(
        &self,
        ctx: CallContext,
        request: pb::ListTeachingAssignmentsRequest,
    ) -> Result<pb::ListTeachingAssignmentsResponse> {
        let (school_id, page) = self
            .school_page(
                &ctx,
                Action::ReadRoster,
                &request.school_id,
                request.page_size,
                &request.page_token,
            )
            .await?;
        let class_id = optional_id("class_id", &request.class_id)?;
        let teacher_id = optional_id("teacher_id", &request.teacher_id)?;
        let mut rows =
            store::list_assignments(&self.state.db, school_id, class_id, teacher_id, &page).await?;
        let next_page_token = page.finish(&mut rows, |row| row.id.to_string());
        Ok(pb::ListTeachingAssignmentsResponse {
            teaching_assignments: rows.into_iter().map(convert::assignment).collect(),
            next_page_token,
        })
    }

    async fn delete_teaching_assignment(
        &self,
        ctx: CallContext,
        request: pb::DeleteTeachingAssignmentRequest,
    ) -> Result<pb::DeleteTeachingAssignmentResponse> {
        let id = parse_id("id", &request.id)?;
        let not_found = || Error::not_found("teaching assignment");
        let assignment = store::get_assignment(&self.state.db, id)
            .await?
            .ok_or_else(not_found)?;
        require_school(
            &self.state.db,
            &ctx.principal,
            assignment.school_id,
            Action::ManageRoster,
        )
        .await
        .map_err(|_| not_found())?;
        store::delete_assignment(&self.state.db, id).await?;
        Ok(pb::DeleteTeachingAssignmentResponse {})
    }

    async fn rotate_signing_key(
        &self,
        ctx: CallContext,
        _request: pb::RotateSigningKeyRequest,
    ) -> Result<pb::RotateSigningKeyResponse> {
        require_city_operator(&ctx.principal)?;
        let now = chrono::Utc::now();
        let key = tokens::Keys::rotate(&self.state.db, now, self.state.settings.key_publish_delay)
            .await?;
        self.state.keys.reload(&self.state.db, now).await?;
        Ok(pb::RotateSigningKeyResponse {
            kid: key.kid.clone(),
            activate_time: Some(otmetka_platform::time::to_timestamp(key.activation())),
        })
    }

    async fn check_access(
        &self,
        ctx: CallContext,
        request: pb::CheckAccessRequest,
    ) -> Result<pb::CheckAccessResponse> {
        let date = if request.date.is_empty() {
            None
        } else {
            Some(parse_date("date", &request.date)?)
        };
        let subject = || parse_id("subject_id", &request.subject_id);
        let action = match pb::Action::try_from(request.action) {
            Ok(pb::Action::ReadStudentRecord) => Action::ReadStudentRecord,
            Ok(pb::Action::WriteMark) => Action::WriteMark {
                subject_id: subject()?,
            },
            Ok(pb::Action::WriteAttendance) => Action::WriteAttendance {
                subject_id: subject()?,
            },
            Ok(pb::Action::ReadSchool) => Action::ReadSchool,
            Ok(pb::Action::ReadRoster) => Action::ReadRoster,
            Ok(pb::Action::ManageSchedule) => Action::ManageSchedule,
            Ok(pb::Action::ClosePeriod) => Action::ClosePeriod,
            Ok(pb::Action::TeachClass) => Action::TeachClass {
                subject_id: subject()?,
            },
            Ok(pb::Action::ReadClass) => Action::ReadClass,
            Ok(pb::Action::ActAsFamily) => Action::ActAsFamily,
            Ok(pb::Action::ReadSchoolRecords) => Action::ReadSchoolRecords,
            Ok(pb::Action::Unspecified) | Err(_) => {
                return Err(Error::invalid("action", "must be a known action"));
            }
        };
        match action {
            Action::ReadStudentRecord
            | Action::WriteMark { .. }
            | Action::WriteAttendance { .. }
            | Action::ActAsFamily => {
                self.check_student_access(&ctx, &request.student_id, date, action)
                    .await
            }
            Action::TeachClass { .. } | Action::ReadClass => {
                let class_id = parse_id("class_id", &request.class_id)?;
                let group_id = optional_id("group_id", &request.group_id)?;
                let school_id = access::require_class(
                    &self.state.db,
                    &ctx.principal,
                    class_id,
                    group_id,
                    date,
                    action,
                )
                .await?;
                Ok(pb::CheckAccessResponse {
                    school_id: school_id.to_string(),
                    class_id: class_id.to_string(),
                    group_ids: Vec::new(),
                })
            }
            _ => {
                let school_id = parse_id("school_id", &request.school_id)?;
                access::require_school(&self.state.db, &ctx.principal, school_id, action).await?;
                Ok(pb::CheckAccessResponse {
                    school_id: school_id.to_string(),
                    ..Default::default()
                })
            }
        }
    }

    async fn check_student_access(
        &self,
        ctx: &CallContext,
        student_id: &str,
        date: Option<NaiveDate>,
        action: Action,
    ) -> Result<pb::CheckAccessResponse> {
        let student_id = parse_id("student_id", student_id)?;
        let access =
            require_student(&self.state.db, &ctx.principal, student_id, date, action).await?;
        if action == Action::ReadStudentRecord && access.via_staff {
            self.audit(
                ctx,
                AuditKind::StudentRecordRead,
                access.school_id,
                student_id,
            )
            .await?;
        }
        let Some(membership) = access.membership else {
            return Ok(pb::CheckAccessResponse {
                school_id: access.school_id.to_string(),
                ..Default::default()
            });
        };
        let group_ids = store::student_groups(&self.state.db, student_id, membership.class_id)
            .await?
            .iter()
            .map(Uuid::to_string)
            .collect();
        Ok(pb::CheckAccessResponse {
            school_id: access.school_id.to_string(),
            class_id: membership.class_id.to_string(),
            group_ids,
        })
    }
}

#[tonic::async_trait]
impl IdentityService for IdentityApi {
    async fn create_school(
        &self,
        request: Request<pb::CreateSchoolRequest>,
    ) -> Reply<pb::CreateSchoolResponse> {
        handle(request, |ctx, message| self.create_school(ctx, message)).await
    }
    async fn get_school(
        &self,
        request: Request<pb::GetSchoolRequest>,
    ) -> Reply<pb::GetSchoolResponse> {
        handle(request, |ctx, message| self.get_school(ctx, message)).await
    }
    async fn list_schools(
        &self,
        request: Request<pb::ListSchoolsRequest>,
    ) -> Reply<pb::ListSchoolsResponse> {
        handle(request, |ctx, message| self.list_schools(ctx, message)).await
    }
    async fn create_class(
        &self,
        request: Request<pb::CreateClassRequest>,
    ) -> Reply<pb::CreateClassResponse> {
        handle(request, |ctx, message| self.create_class(ctx, message)).await
    }
    async fn get_class(
        &self,
        request: Request<pb::GetClassRequest>,
    ) -> Reply<pb::GetClassResponse> {
        handle(request, |ctx, message| self.get_class(ctx, message)).await
    }
    async fn list_classes(
        &self,
        request: Request<pb::ListClassesRequest>,
    ) -> Reply<pb::ListClassesResponse> {
        handle(request, |ctx, message| self.list_classes(ctx, message)).await
    }
    async fn create_subject(
        &self,
        request: Request<pb::CreateSubjectRequest>,
    ) -> Reply<pb::CreateSubjectResponse> {
        handle(request, |ctx, message| self.create_subject(ctx, message)).await
    }
    async fn list_subjects(
        &self,
        request: Request<pb::ListSubjectsRequest>,
    ) -> Reply<pb::ListSubjectsResponse> {
        handle(request, |ctx, message| self.list_subjects(ctx, message)).await
    }
    async fn get_school_directory(
        &self,
        request: Request<pb::GetSchoolDirectoryRequest>,
    ) -> Reply<pb::GetSchoolDirectoryResponse> {
        handle(request, |ctx, message| {
            self.get_school_directory(ctx, message)
        })
        .await
    }
    async fn create_person(
        &self,
        request: Request<pb::CreatePersonRequest>,
    ) -> Reply<pb::CreatePersonResponse> {
        handle(request, |ctx, message| self.create_person(ctx, message)).await
    }
    async fn get_person(
        &self,
        request: Request<pb::GetPersonRequest>,
    ) -> Reply<pb::GetPersonResponse> {
        handle(request, |ctx, message| self.get_person(ctx, message)).await
    }
    async fn list_student_memberships(
        &self,
        request: Request<pb::ListStudentMembershipsRequest>,
    ) -> Reply<pb::ListStudentMembershipsResponse> {
        handle(request, |ctx, message| {
            self.list_student_memberships(ctx, message)
        })
        .await
    }
    async fn list_persons(
        &self,
        request: Request<pb::ListPersonsRequest>,
    ) -> Reply<pb::ListPersonsResponse> {
        handle(request, |ctx, message| self.list_persons(ctx, message)).await
    }
    async fn enroll_student(
        &self,
        request: Request<pb::EnrollStudentRequest>,
    ) -> Reply<pb::EnrollStudentResponse> {
        handle(request, |ctx, message| self.enroll_student(ctx, message)).await
    }
    async fn list_class_students(
        &self,
        request: Request<pb::ListClassStudentsRequest>,
    ) -> Reply<pb::ListClassStudentsResponse> {
        handle(request, |ctx, message| {
            self.list_class_students(ctx, message)
        })
        .await
    }
    async fn list_class_memberships(
        &self,
        request: Request<pb::ListClassMembershipsRequest>,
    ) -> Reply<pb::ListClassMembershipsResponse> {
        handle(request, |ctx, message| {
            self.list_class_memberships(ctx, message)
        })
        .await
    }
    async fn link_guardian(
        &self,
        request: Request<pb::LinkGuardianRequest>,
    ) -> Reply<pb::LinkGuardianResponse> {
        handle(request, |ctx, message| self.link_guardian(ctx, message)).await
    }
    async fn unlink_guardian(
        &self,
        request: Request<pb::UnlinkGuardianRequest>,
    ) -> Reply<pb::UnlinkGuardianResponse> {
        handle(request, |ctx, message| self.unlink_guardian(ctx, message)).await
    }
    async fn list_guardianships(
        &self,
        request: Request<pb::ListGuardianshipsRequest>,
    ) -> Reply<pb::ListGuardianshipsResponse> {
        handle(request, |ctx, message| {
            self.list_guardianships(ctx, message)
        })
        .await
    }
    async fn grant_staff_role(
        &self,
        request: Request<pb::GrantStaffRoleRequest>,
    ) -> Reply<pb::GrantStaffRoleResponse> {
        handle(request, |ctx, message| self.grant_staff_role(ctx, message)).await
    }
    async fn revoke_staff_role(
        &self,
        request: Request<pb::RevokeStaffRoleRequest>,
    ) -> Reply<pb::RevokeStaffRoleResponse> {
        handle(request, |ctx, message| self.revoke_staff_role(ctx, message)).await
    }
    async fn create_teaching_assignment(
        &self,
        request: Request<pb::CreateTeachingAssignmentRequest>,
    ) -> Reply<pb::CreateTeachingAssignmentResponse> {
        handle(request, |ctx, message| {
            self.create_teaching_assignment(ctx, message)
        })
        .await
    }
    async fn list_teaching_assignments(
        &self,
        request: Request<pb::ListTeachingAssignmentsRequest>,
    ) -> Reply<pb::ListTeachingAssignmentsResponse> {
        handle(request, |ctx, message| {
            self.list_teaching_assignments(ctx, message)
        })
        .await
    }
    async fn delete_teaching_assignment(
        &self,
        request: Request<pb::DeleteTeachingAssignmentRequest>,
    ) -> Reply<pb::DeleteTeachingAssignmentResponse> {
        handle(request, |ctx, message| {
            self.delete_teaching_assignment(ctx, message)
        })
        .await
    }
    async fn set_credentials(
        &self,
        request: Request<pb::SetCredentialsRequest>,
    ) -> Reply<pb::SetCredentialsResponse> {
        handle(request, |ctx, message| self.set_credentials(ctx, message)).await
    }
    async fn login(&self, request: Request<pb::LoginRequest>) -> Reply<pb::LoginResponse> {
        let source = client_address(&request);
        Ok(Response::new(
            self.login(request.into_inner(), source).await?,
        ))
    }
    async fn change_password(
        &self,
        request: Request<pb::ChangePasswordRequest>,
    ) -> Reply<pb::ChangePasswordResponse> {
        handle(request, |ctx, message| self.change_password(ctx, message)).await
    }
    async fn issue_access_code(
        &self,
        request: Request<pb::IssueAccessCodeRequest>,
    ) -> Reply<pb::IssueAccessCodeResponse> {
        handle(request, |ctx, message| self.issue_access_code(ctx, message)).await
    }
    async fn list_access_codes(
        &self,
        request: Request<pb::ListAccessCodesRequest>,
    ) -> Reply<pb::ListAccessCodesResponse> {
        handle(request, |ctx, message| self.list_access_codes(ctx, message)).await
    }
    async fn revoke_access_code(
        &self,
        request: Request<pb::RevokeAccessCodeRequest>,
    ) -> Reply<pb::RevokeAccessCodeResponse> {
        handle(request, |ctx, message| {
            self.revoke_access_code(ctx, message)
        })
        .await
    }
    async fn redeem_access_code(
        &self,
        request: Request<pb::RedeemAccessCodeRequest>,
    ) -> Reply<pb::RedeemAccessCodeResponse> {
        handle(request, |ctx, message| {
            self.redeem_access_code(ctx, message)
        })
        .await
    }
    async fn list_audit_events(
        &self,
        request: Request<pb::ListAuditEventsRequest>,
    ) -> Reply<pb::ListAuditEventsResponse> {
        handle(request, |ctx, message| self.list_audit_events(ctx, message)).await
    }
    async fn login_with_external_identity(
        &self,
        request: Request<pb::LoginWithExternalIdentityRequest>,
    ) -> Reply<pb::LoginWithExternalIdentityResponse> {
        handle(request, |ctx, message| {
            self.login_with_external_identity(ctx, message)
        })
        .await
    }
    async fn register_external_guardian(
        &self,
        request: Request<pb::RegisterExternalGuardianRequest>,
    ) -> Reply<pb::RegisterExternalGuardianResponse> {
        handle(request, |ctx, message| {
            self.register_external_guardian(ctx, message)
        })
        .await
    }
    async fn update_person(
        &self,
        request: Request<pb::UpdatePersonRequest>,
    ) -> Reply<pb::UpdatePersonResponse> {
        handle(request, |ctx, message| self.update_person(ctx, message)).await
    }
    async fn list_session_revocations(
        &self,
        request: Request<pb::ListSessionRevocationsRequest>,
    ) -> Reply<pb::ListSessionRevocationsResponse> {
        handle(request, |ctx, message| {
            self.list_session_revocations(ctx, message)
        })
        .await
    }
    async fn link_external_identity(
        &self,
        request: Request<pb::LinkExternalIdentityRequest>,
    ) -> Reply<pb::LinkExternalIdentityResponse> {
        handle(request, |ctx, message| {
            self.link_external_identity(ctx, message)
        })
        .await
    }
    async fn update_school(
        &self,
        request: Request<pb::UpdateSchoolRequest>,
    ) -> Reply<pb::UpdateSchoolResponse> {
        handle(request, |ctx, message| self.update_school(ctx, message)).await
    }
    async fn create_group(
        &self,
        request: Request<pb::CreateGroupRequest>,
    ) -> Reply<pb::CreateGroupResponse> {
        handle(request, |ctx, message| self.create_group(ctx, message)).await
    }
    async fn list_groups(
        &self,
        request: Request<pb::ListGroupsRequest>,
    ) -> Reply<pb::ListGroupsResponse> {
        handle(request, |ctx, message| self.list_groups(ctx, message)).await
    }
    async fn import_roster(
        &self,
        request: Request<pb::ImportRosterRequest>,
    ) -> Reply<pb::ImportRosterResponse> {
        handle(request, |ctx, message| self.import_roster(ctx, message)).await
    }
    async fn register_guardian(
        &self,
        request: Request<pb::RegisterGuardianRequest>,
    ) -> Reply<pb::RegisterGuardianResponse> {
        let source = client_address(&request);
        Ok(Response::new(
            self.register_guardian(request.into_inner(), source).await?,
        ))
    }
    async fn create_client(
        &self,
        request: Request<pb::CreateClientRequest>,
    ) -> Reply<pb::CreateClientResponse> {
        handle(request, |ctx, message| self.create_client(ctx, message)).await
    }
    async fn list_clients(
        &self,
        request: Request<pb::ListClientsRequest>,
    ) -> Reply<pb::ListClientsResponse> {
        handle(request, |ctx, message| self.list_clients(ctx, message)).await
    }
    async fn revoke_client(
        &self,
        request: Request<pb::RevokeClientRequest>,
    ) -> Reply<pb::RevokeClientResponse> {
        handle(request, |ctx, message| self.revoke_client(ctx, message)).await
    }
    async fn get_client_token(
        &self,
        request: Request<pb::GetClientTokenRequest>,
    ) -> Reply<pb::GetClientTokenResponse> {
        let source = client_address(&request);
        Ok(Response::new(
            self.get_client_token(request.into_inner(), source).await?,
        ))
    }
    async fn grant_vendor_access(
        &self,
        request: Request<pb::GrantVendorAccessRequest>,
    ) -> Reply<pb::GrantVendorAccessResponse> {
        handle(request, |ctx, message| {
            self.grant_vendor_access(ctx, message)
        })
        .await
    }
    async fn revoke_vendor_access(
        &self,
        request: Request<pb::RevokeVendorAccessRequest>,
    ) -> Reply<pb::RevokeVendorAccessResponse> {
        handle(request, |ctx, message| {
            self.revoke_vendor_access(ctx, message)
        })
        .await
    }
    async fn list_vendor_grants(
        &self,
        request: Request<pb::ListVendorGrantsRequest>,
    ) -> Reply<pb::ListVendorGrantsResponse> {
        handle(request, |ctx, message| {
            self.list_vendor_grants(ctx, message)
        })
        .await
    }
    async fn refresh_access_token(
        &self,
        request: Request<pb::RefreshAccessTokenRequest>,
    ) -> Reply<pb::RefreshAccessTokenResponse> {
        Ok(Response::new(
            self.refresh_access_token(request.into_inner()).await?,
        ))
    }
    async fn revoke_refresh_token(
        &self,
        request: Request<pb::RevokeRefreshTokenRequest>,
    ) -> Reply<pb::RevokeRefreshTokenResponse> {
        let source = client_address(&request);
        let hash = tokens::hash_refresh_token(&request.into_inner().refresh_token);
        let db = &self.state.db;
        let now = Utc::now();
        // A live token ending is a session ending: audited, with its owner.
        if let Some(person_id) = store::refresh_token_owner(db, &hash, now).await? {
            store::revoke_refresh_token(db, &hash, now).await?;
            let school_id = store::get_person(db, person_id)
                .await?
                .and_then(|person| person.school_id);
            let event = AuditEvent {
                kind: AuditKind::SessionEnded,
                school_id,
                actor_id: Some(person_id),
                object_id: Some(person_id),
                source_address: source,
            };
            audit::record(db, event).await?;
        }
        Ok(Response::new(pb::RevokeRefreshTokenResponse {}))
    }
    async fn rotate_signing_key(
        &self,
        request: Request<pb::RotateSigningKeyRequest>,
    ) -> Reply<pb::RotateSigningKeyResponse> {
        handle(request, |ctx, message| {
            self.rotate_signing_key(ctx, message)
        })
        .await
    }
    async fn get_jwks(&self, _request: Request<pb::GetJwksRequest>) -> Reply<pb::GetJwksResponse> {
        Ok(Response::new(pb::GetJwksResponse {
            jwks_json: self.state.keys.jwks_json().await,
        }))
    }
    async fn check_access(
        &self,
        request: Request<pb::CheckAccessRequest>,
    ) -> Reply<pb::CheckAccessResponse> {
        handle(request, |ctx, message| self.check_access(ctx, message)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_case_insensitive_and_restricted() {
        assert_eq!(normalize_login(" Ivanova.M ").unwrap(), "ivanova.m");
        assert_eq!(normalize_login("Учитель-1").unwrap(), "учитель-1");
        for bad in ["ab", "has space", "semi;colon", &"x".repeat(65)] {
            assert!(normalize_login(bad).is_err(), "{bad}");
        }
    }
}
