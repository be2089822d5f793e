//! Who hears about a student: identity's answer to `ListFamilies`, asked
//! on messaging's own client, for the notifier and for new messages; and
//! whom an announcement reaches or a meeting invites, its answer to
//! `ListAudience`; where the mailer writes to, its answer to `ListContacts`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveTime, Utc};
use otmetka_platform::Result;
use otmetka_platform::grpc::Deadline;
use otmetka_platform::grpc::context::outgoing;
use otmetka_platform::grpc::service_token::ServiceToken;
use otmetka_platform::ids::{PersonId, SchoolId, StudentId, SubjectId};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use tonic::transport::Channel;

use crate::model::{Audience, AudienceRole, News, NewsKind, ParticipantRole};
use crate::store::announcements::Recipient;

/// An absence not explained by this hour of its day (school time) is told.
const ABSENCES_TOLD_AT: NaiveTime = NaiveTime::from_hms_opt(10, 0, 0).expect("a time");
/// Students a page of an announcement's audience holds: each page is one
/// transaction of publication.
const AUDIENCE_PAGE: i32 = 500;
/// Where a school identity no longer knows is taken to be.
const DEFAULT_TIMEZONE: chrono_tz::Tz = chrono_tz::Europe::Moscow;

/// The most people one `ListContacts` names.
const CONTACTS_PER_CALL: usize = 500;

/// Where a person is written to.
pub struct Contact {
    pub display_name: String,
    pub email: Option<String>,
}

/// A student as notifications tell of them.
pub struct Family {
    pub student_name: String,
    pub guardians: Vec<PersonId>,
}

impl Family {
    /// Who hears about the student: the student, then the guardians.
    pub fn recipients(&self, student_id: StudentId) -> impl Iterator<Item = PersonId> + '_ {
        std::iter::once(PersonId(student_id.uuid())).chain(self.guardians.iter().copied())
    }
}

/// What identity says about some students, subjects and schools.
#[derive(Default)]
pub struct Facts {
    pub families: HashMap<StudentId, Family>,
    pub subjects: HashMap<SubjectId, String>,
    pub timezones: HashMap<SchoolId, chrono_tz::Tz>,
}

impl Facts {
    /// The school's timezone; Moscow for a school identity no longer knows.
    pub fn timezone(&self, school_id: SchoolId) -> chrono_tz::Tz {
        self.timezones
            .get(&school_id)
            .copied()
            .unwrap_or(DEFAULT_TIMEZONE)
    }

    /// When `news` may be told: an absence at 10:00 of its day in its
    /// school's time, the rest at once.
    pub fn due(&self, news: &News) -> Option<DateTime<Utc>> {
        let day = news.day.filter(|_| news.kind == NewsKind::Absent)?;
        let zone = self.timezone(news.school_id);
        day.and_time(ABSENCES_TOLD_AT)
            .and_local_timezone(zone)
            .earliest()
            .map(|due| due.with_timezone(&Utc))
    }
}

/// Sorted and without repeats, as text.
fn distinct<T: ToString>(ids: impl Iterator<Item = T>) -> Vec<String> {
    let mut ids: Vec<String> = ids.map(|id| id.to_string()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[derive(Clone)]
pub struct Directory {
    identity: IdentityServiceClient<Channel>,
    token: Arc<ServiceToken>,
    timeout: Duration,
}

impl Directory {
    pub fn new(
        identity: IdentityServiceClient<Channel>,
        token: Arc<ServiceToken>,
        timeout: Duration,
    ) -> Self {
        Self {
            identity,
            token,
            timeout,
        }
    }

    /// The families of `students`, the names of `subjects` and the
    /// timezones of `schools`: one question to identity.
    pub async fn facts(
        &self,
        students: impl Iterator<Item = StudentId>,
        subjects: impl Iterator<Item = SubjectId>,
        schools: impl Iterator<Item = SchoolId>,
    ) -> Result<Facts> {
        let token = self.token.get(&self.identity, self.timeout).await?;
        let deadline = Deadline(std::time::Instant::now() + self.timeout);
        let request = outgoing(
            identity::ListFamiliesRequest {
                student_ids: distinct(students),
                subject_ids: distinct(subjects),
                school_ids: distinct(schools),
            },
            &token,
            Some(deadline),
        )?;
        let answer = self
            .identity
            .clone()
            .list_families(request)
            .await?
            .into_inner();
        let families = answer
            .families
            .into_iter()
            .filter_map(|family| {
                let guardians = family
                    .guardians
                    .iter()
                    .filter_map(|guardian| guardian.person_id.parse().ok())
                    .collect();
                Some((
                    family.student_id.parse().ok()?,
                    Family {
                        student_name: family.student_display_name,
                        guardians,
                    },
                ))
            })
            .collect();
        let subjects = answer
            .subjects
            .into_iter()
            .filter_map(|subject| Some((subject.id.parse().ok()?, subject.name)))
            .collect();
        let timezones = answer
            .school_timezones
            .into_iter()
            .filter_map(|school| {
                Some((
                    school.school_id.parse().ok()?,
                    school.timezone.parse().ok()?,
                ))
            })
            .collect();
        Ok(Facts {
            families,
            subjects,
            timezones,
        })
    }

    /// The school's timezone, as identity knows it.
    pub async fn timezone(&self, school_id: SchoolId) -> Result<chrono_tz::Tz> {
        let facts = self
            .facts(
                std::iter::empty(),
                std::iter::empty(),
                std::iter::once(school_id),
            )
            .await?;
        Ok(facts.timezone(school_id))
    }

    /// The names and contact e-mails of `people`; those identity does not
    /// know, or knows disabled, are left out.
    pub async fn contacts(&self, people: &[PersonId]) -> Result<HashMap<PersonId, Contact>> {
        let token = self.token.get(&self.identity, self.timeout).await?;
        let mut contacts = HashMap::new();
        for chunk in people.chunks(CONTACTS_PER_CALL) {
            let deadline = Deadline(std::time::Instant::now() + self.timeout);
            let request = outgoing(
                identity::ListContactsRequest {
                    person_ids: distinct(chunk.iter()),
                },
                &token,
                Some(deadline),
            )?;
            let answer = self
                .identity
                .clone()
                .list_contacts(request)
                .await?
                .into_inner();
            contacts.extend(answer.contacts.into_iter().filter_map(|contact| {
                Some((
                    contact.person_id.parse().ok()?,
                    Contact {
                        display_name: contact.display_name,
                        email: Some(contact.email).filter(|email| !email.is_empty()),
                    },
                ))
            }));
        }
        Ok(contacts)
    }

    /// One page of the people an announcement reaches today, and the token
    /// of the next page (None on the last).
    pub async fn audience_page(
        &self,
        school_id: SchoolId,
        audience: &Audience,
        page_token: Option<&str>,
    ) -> Result<(Vec<Recipient>, Option<String>)> {
        let token = self.token.get(&self.identity, self.timeout).await?;
        let deadline = Deadline(std::time::Instant::now() + self.timeout);
        let roles = if audience.roles.0.is_empty() {
            &[AudienceRole::Guardians, AudienceRole::Students][..]
        } else {
            &audience.roles.0[..]
        };
        let request = outgoing(
            identity::ListAudienceRequest {
                school_id: school_id.to_string(),
                whole_school: audience.whole_school,
                grade_levels: audience.grade_levels.0.clone(),
                class_ids: distinct(audience.class_ids.0.iter()),
                group_ids: distinct(audience.group_ids.0.iter()),
                include_students: roles.contains(&AudienceRole::Students),
                include_guardians: roles.contains(&AudienceRole::Guardians),
                include_staff: roles.contains(&AudienceRole::Staff),
                page_size: AUDIENCE_PAGE,
                page_token: page_token.unwrap_or_default().to_owned(),
            },
            &token,
            Some(deadline),
        )?;
        let answer = self
            .identity
            .clone()
            .list_audience(request)
            .await?
            .into_inner();
        let recipients = answer
            .members
            .into_iter()
            .filter_map(|member| {
                let role = match member.kind() {
                    identity::PersonKind::Student => ParticipantRole::Student,
                    identity::PersonKind::Guardian => ParticipantRole::Guardian,
                    identity::PersonKind::Staff => ParticipantRole::Staff,
                    identity::PersonKind::Unspecified => return None,
                };
                let family = match role {
                    ParticipantRole::Staff => None,
                    _ => Some((
                        member.student_id.parse().ok()?,
                        member.class_id.parse().ok()?,
                    )),
                };
                Some(Recipient {
                    person_id: member.person_id.parse().ok()?,
                    role,
                    family,
                })
            })
            .collect();
        let next = Some(answer.next_page_token).filter(|token| !token.is_empty());
        Ok((recipients, next))
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::notify::texts::tests::news;

    #[test]
    fn an_absence_is_due_at_ten_in_its_schools_time_and_the_rest_at_once() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 2);
        let absence = news(NewsKind::Absent, "", day);
        let mut facts = Facts::default();
        let moscow_ten = "2026-12-02T07:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(facts.due(&absence), Some(moscow_ten), "Moscow when unknown");
        facts
            .timezones
            .insert(absence.school_id, chrono_tz::Asia::Vladivostok);
        let vladivostok_ten = "2026-12-02T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(facts.due(&absence), Some(vladivostok_ten));
        assert_eq!(facts.due(&news(NewsKind::Late, "5", day)), None);
        assert_eq!(facts.due(&news(NewsKind::NewMark, "5", day)), None);
    }
}
