//! The roster pull: a granted school's classes, groups, subjects, students
//! and teachers, read from identity (and academic years from schedule) on
//! the vendor's token, each item with the vendor's external id where it
//! mapped one.
//!
//! Lists identity pages itself pass its page tokens through. Groups and
//! students are kept per class there, so those lists walk the school's
//! classes in id order with a key of their own ("class_id\0item_id").

use std::collections::HashMap;

use chrono::NaiveDate;
use otmetka_platform::authz::{
    SCOPE_ATTENDANCE_WRITE, SCOPE_CHANGES_READ, SCOPE_MARKS_WRITE, SCOPE_ROSTER_READ,
};
use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::Page;
use otmetka_platform::time::{academic_year_start, optional_id, parse_date};
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::import::v1 as pb;
use otmetka_proto::schedule::v1 as schedule;
use uuid::Uuid;

use super::walk::{WHOLE_PAGE, across_classes, class_key, every_page, wanted};
use super::{ImportApi, roster_reader, scope};
use crate::model::EntityKind;
use crate::store::{self, Scope};

/// A vendor's external ids of some platform ids.
pub(super) struct Externals(HashMap<Uuid, String>);

impl Externals {
    pub(super) fn of(&self, id: &str) -> String {
        Uuid::parse_str(id)
            .ok()
            .and_then(|id| self.0.get(&id).cloned())
            .unwrap_or_default()
    }
}

/// The contract's grant scopes for a token's scopes. A grant is of the
/// whole school; what the vendor may do there is what its token carries.
fn grant_scopes(scopes: &[String]) -> Vec<i32> {
    scopes
        .iter()
        .filter_map(|scope| match scope.as_str() {
            SCOPE_ROSTER_READ => Some(pb::GrantScope::RosterRead),
            SCOPE_MARKS_WRITE => Some(pb::GrantScope::MarksWrite),
            SCOPE_ATTENDANCE_WRITE => Some(pb::GrantScope::AttendanceWrite),
            SCOPE_CHANGES_READ => Some(pb::GrantScope::ChangesRead),
            _ => None,
        })
        .map(Into::into)
        .collect()
}

fn class_name(class: &identity::Class) -> String {
    format!("{}{}", class.grade_level, class.letter)
}

/// Academic years of a school by their first calendar year, which is all a
/// class in identity knows of its year.
pub(super) struct Years(HashMap<i32, String>);

impl Years {
    fn id_of(&self, first_year: i32) -> String {
        self.0.get(&first_year).cloned().unwrap_or_default()
    }

    /// The first calendar year `academic_year_id` names; empty names the
    /// academic year of `today`.
    fn first_year(&self, academic_year_id: &str, today: NaiveDate) -> Result<i32> {
        if academic_year_id.is_empty() {
            return Ok(chrono::Datelike::year(&academic_year_start(today)));
        }
        self.0
            .iter()
            .find(|(_, id)| id.as_str() == academic_year_id)
            .map(|(year, _)| *year)
            .ok_or_else(|| {
                Error::invalid("academic_year_id", "must be an academic year of the school")
            })
    }
}

fn person(
    person: identity::Person,
    school_id: Uuid,
    externals: &Externals,
    class_id: String,
) -> pb::RosterPerson {
    pb::RosterPerson {
        external_id: externals.of(&person.id),
        id: person.id,
        school_id: school_id.to_string(),
        family_name: person.family_name,
        given_name: person.given_name,
        middle_name: person.middle_name,
        class_id,
        // Identity does not tell vendors people's logins.
        username: String::new(),
    }
}

impl ImportApi {
    pub(super) async fn externals<'a>(
        &self,
        scope: Scope,
        kind: EntityKind,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<Externals> {
        let ids: Vec<Uuid> = ids
            .into_iter()
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect();
        Ok(Externals(
            store::external_ids(&self.db, scope, kind, &ids).await?,
        ))
    }

    async fn years(&self, ctx: &CallContext, school_id: Uuid) -> Result<Years> {
        let years = every_page(|page_token| {
            let mut schedule = self.schedule.clone();
            let request = ctx.forward(schedule::ListAcademicYearsRequest {
                school_id: school_id.to_string(),
                page_size: WHOLE_PAGE,
                page_token,
            });
            async move {
                let reply = schedule.list_academic_years(request?).await?.into_inner();
                Ok((reply.academic_years, reply.next_page_token))
            }
        })
        .await?;
        Ok(Years(
            years
                .into_iter()
                .filter_map(|year| {
                    let start = parse_date("start_date", &year.start_date).ok()?;
                    Some((chrono::Datelike::year(&start), year.id))
                })
                .collect(),
        ))
    }

    /// The school's classes of an academic year, in id order.
    pub(super) async fn classes(
        &self,
        ctx: &CallContext,
        school_id: Uuid,
        first_year: Option<i32>,
    ) -> Result<Vec<identity::Class>> {
        let classes = every_page(|page_token| {
            let mut identity = self.identity.clone();
            let request = ctx.forward(identity::ListClassesRequest {
                school_id: school_id.to_string(),
                page_size: WHOLE_PAGE,
                page_token,
            });
            async move {
                let reply = identity.list_classes(request?).await?.into_inner();
                Ok((reply.classes, reply.next_page_token))
            }
        })
        .await?;
        Ok(classes
            .into_iter()
            .filter(|class| first_year.is_none_or(|year| class.academic_year == year))
            .collect())
    }

    /// The classes a per-class list walks: one class if asked for (it must
    /// be the school's), else the year's.
    pub(super) async fn walked_classes(
        &self,
        ctx: &CallContext,
        school_id: Uuid,
        academic_year_id: &str,
        class_id: &str,
    ) -> Result<(Vec<identity::Class>, Years)> {
        let class_id = optional_id("class_id", class_id)?;
        let years = self.years(ctx, school_id).await?;
        let first_year = match class_id {
            Some(_) => None,
            None => Some(years.first_year(academic_year_id, self.clock.today_utc())?),
        };
        let mut classes = self.classes(ctx, school_id, first_year).await?;
        if let Some(class_id) = class_id {
            classes.retain(|class| class.id == class_id.to_string());
            if classes.is_empty() {
                return Err(Error::not_found("class"));
            }
        }
        Ok((classes, years))
    }

    pub(super) async fn granted_schools(
        &self,
        ctx: CallContext,
        request: pb::ListGrantedSchoolsRequest,
    ) -> Result<pb::ListGrantedSchoolsResponse> {
        let vendor_id = roster_reader(&ctx)?;
        Page::parse(request.page_size, &request.page_token)?;
        let reply = self
            .identity
            .clone()
            .list_vendor_grants(ctx.forward(identity::ListVendorGrantsRequest {
                school_id: String::new(),
                page_size: request.page_size,
                page_token: request.page_token,
            })?)
            .await?
            .into_inner();
        let scopes = grant_scopes(ctx.principal.client_scopes.as_deref().unwrap_or_default());
        let mut schools = Vec::with_capacity(reply.grants.len());
        for grant in reply.grants {
            let school = grant.school.unwrap_or_default();
            let school_id = otmetka_platform::time::parse_id("school_id", &school.id)?;
            let scope = Scope {
                vendor_id,
                school_id,
            };
            let externals = self
                .externals(scope, EntityKind::School, [school.id.as_str()])
                .await?;
            schools.push(pb::GrantedSchool {
                external_id: externals.of(&school.id),
                school_id: school.id,
                name: school.name,
                time_zone: school.timezone,
                scopes: scopes.clone(),
                grant_time: grant.create_time,
                // Grants last until the school withdraws them.
                expire_time: None,
            });
        }
        Ok(pb::ListGrantedSchoolsResponse {
            schools,
            next_page_token: reply.next_page_token,
        })
    }

    pub(super) async fn roster_classes(
        &self,
        ctx: CallContext,
        request: pb::ListRosterClassesRequest,
    ) -> Result<pb::ListRosterClassesResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        Page::parse(request.page_size, &request.page_token)?;
        let reply = self
            .identity
            .clone()
            .list_classes(ctx.forward(identity::ListClassesRequest {
                school_id: request.school_id.clone(),
                page_size: request.page_size,
                page_token: request.page_token,
            })?)
            .await?
            .into_inner();
        let years = self.years(&ctx, scope.school_id).await?;
        let first_year = years.first_year(&request.academic_year_id, self.clock.today_utc())?;
        // A page may hold fewer classes than asked for, even none, while
        // more follow: other years' classes are left out of it.
        let classes: Vec<_> = reply
            .classes
            .into_iter()
            .filter(|class| class.academic_year == first_year)
            .collect();
        let externals = self
            .externals(
                scope,
                EntityKind::Class,
                classes.iter().map(|c| c.id.as_str()),
            )
            .await?;
        Ok(pb::ListRosterClassesResponse {
            classes: classes
                .into_iter()
                .map(|class| pb::RosterClass {
                    external_id: externals.of(&class.id),
                    academic_year_id: years.id_of(class.academic_year),
                    grade_level: class.grade_level,
                    name: class_name(&class),
                    letter: class.letter,
                    class_teacher_id: class.class_teacher_id,
                    school_id: class.school_id,
                    id: class.id,
                })
                .collect(),
            next_page_token: reply.next_page_token,
        })
    }

    pub(super) async fn roster_groups(
        &self,
        ctx: CallContext,
        request: pb::ListRosterGroupsRequest,
    ) -> Result<pb::ListRosterGroupsResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let (classes, years) = self
            .walked_classes(
                &ctx,
                scope.school_id,
                &request.academic_year_id,
                &request.class_id,
            )
            .await?;
        let mut groups = across_classes(
            &classes,
            page.after_pair()?,
            wanted(&page),
            |class, page_token, page_size| {
                let mut identity = self.identity.clone();
                let request = ctx.forward(identity::ListGroupsRequest {
                    class_id: class.id.clone(),
                    page_size,
                    page_token,
                });
                async move {
                    let reply = identity.list_groups(request?).await?.into_inner();
                    Ok((reply.groups, reply.next_page_token))
                }
            },
        )
        .await?;
        let next_page_token = page.finish(&mut groups, |(index, group)| {
            class_key(&classes[*index].id, &group.id)
        });
        let externals = self
            .externals(
                scope,
                EntityKind::Group,
                groups.iter().map(|(_, g)| g.id.as_str()),
            )
            .await?;
        Ok(pb::ListRosterGroupsResponse {
            groups: groups
                .into_iter()
                .map(|(index, group)| pb::RosterGroup {
                    external_id: externals.of(&group.id),
                    academic_year_id: years.id_of(classes[index].academic_year),
                    class_ids: vec![group.class_id],
                    // Identity keeps no subject on a group; its teaching
                    // assignments say what it is taught.
                    subject_id: String::new(),
                    school_id: group.school_id,
                    name: group.name,
                    id: group.id,
                })
                .collect(),
            next_page_token,
        })
    }

    pub(super) async fn roster_subjects(
        &self,
        ctx: CallContext,
        request: pb::ListRosterSubjectsRequest,
    ) -> Result<pb::ListRosterSubjectsResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        Page::parse(request.page_size, &request.page_token)?;
        let reply = self
            .identity
            .clone()
            .list_subjects(ctx.forward(identity::ListSubjectsRequest {
                school_id: request.school_id,
                page_size: request.page_size,
                page_token: request.page_token,
            })?)
            .await?
            .into_inner();
        let externals = self
            .externals(
                scope,
                EntityKind::Subject,
                reply.subjects.iter().map(|s| s.id.as_str()),
            )
            .await?;
        Ok(pb::ListRosterSubjectsResponse {
            subjects: reply
                .subjects
                .into_iter()
                .map(|subject| pb::RosterSubject {
                    external_id: externals.of(&subject.id),
                    school_id: subject.school_id,
                    name: subject.name,
                    code: String::new(),
                    id: subject.id,
                })
                .collect(),
            next_page_token: reply.next_page_token,
        })
    }

    pub(super) async fn roster_students(
        &self,
        ctx: CallContext,
        request: pb::ListRosterStudentsRequest,
    ) -> Result<pb::ListRosterStudentsResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let (classes, _) = self
            .walked_classes(&ctx, scope.school_id, "", &request.class_id)
            .await?;
        let mut students = across_classes(
            &classes,
            page.after_pair()?,
            wanted(&page),
            |class, page_token, page_size| {
                let mut identity = self.identity.clone();
                let request = ctx.forward(identity::ListClassStudentsRequest {
                    class_id: class.id.clone(),
                    date: String::new(),
                    page_size,
                    page_token,
                });
                async move {
                    let reply = identity.list_class_students(request?).await?.into_inner();
                    Ok((reply.students, reply.next_page_token))
                }
            },
        )
        .await?;
        let next_page_token = page.finish(&mut students, |(index, student)| {
            class_key(&classes[*index].id, &student.id)
        });
        let externals = self
            .externals(
                scope,
                EntityKind::Student,
                students.iter().map(|(_, s)| s.id.as_str()),
            )
            .await?;
        Ok(pb::ListRosterStudentsResponse {
            students: students
                .into_iter()
                .map(|(index, student)| {
                    person(
                        student,
                        scope.school_id,
                        &externals,
                        classes[index].id.clone(),
                    )
                })
                .collect(),
            next_page_token,
        })
    }

    pub(super) async fn roster_teachers(
        &self,
        ctx: CallContext,
        request: pb::ListRosterTeachersRequest,
    ) -> Result<pb::ListRosterTeachersResponse> {
        let scope = scope(&ctx, &request.school_id)?;
        Page::parse(request.page_size, &request.page_token)?;
        let reply = self
            .identity
            .clone()
            .list_persons(ctx.forward(identity::ListPersonsRequest {
                school_id: request.school_id,
                kind: identity::PersonKind::Staff.into(),
                name_query: String::new(),
                page_size: request.page_size,
                page_token: request.page_token,
            })?)
            .await?
            .into_inner();
        let externals = self
            .externals(
                scope,
                EntityKind::Teacher,
                reply.persons.iter().map(|p| p.id.as_str()),
            )
            .await?;
        Ok(pb::ListRosterTeachersResponse {
            teachers: reply
                .persons
                .into_iter()
                .map(|teacher| person(teacher, scope.school_id, &externals, String::new()))
                .collect(),
            next_page_token: reply.next_page_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_scopes_follow_the_token() {
        let scopes = ["roster.read", "changes.read", "identity.external_login"].map(String::from);
        assert_eq!(
            grant_scopes(&scopes),
            [
                i32::from(pb::GrantScope::RosterRead),
                i32::from(pb::GrantScope::ChangesRead)
            ]
        );
    }

    #[test]
    fn years_resolve_ids_and_refuse_strangers() {
        let years = Years(HashMap::from([(2026, "y2026".to_owned())]));
        let today = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
        assert_eq!(years.first_year("y2026", today).unwrap(), 2026);
        assert_eq!(years.first_year("", today).unwrap(), 2027);
        assert_eq!(years.id_of(2026), "y2026");
        assert_eq!(years.id_of(2025), "");
        assert!(matches!(
            years.first_year("other", today),
            Err(Error::InvalidArgument(v)) if v[0].field == "academic_year_id"
        ));
    }
}
