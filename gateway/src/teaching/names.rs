//! What the teacher's views need beside ids: the school a teacher works in,
//! its day today, and the names of classes, groups, subjects and students.

use std::collections::HashMap;

use chrono::NaiveDate;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::schedule::v1 as schedule;

use crate::caller::{Caller, Params, required};
use crate::people::PersonName;

/// The school asked about, or the one that registered the caller: a
/// teacher of two schools names the other one.
pub async fn school_of(caller: &Caller, asked: Option<&str>) -> Result<String> {
    if let Some(asked) = asked {
        let mut params = Params::new();
        let school_id = params.id("school_id", Some(asked));
        params.finish()?;
        return Ok(school_id);
    }
    let message = identity::GetPersonRequest {
        id: caller.session.person_id.to_string(),
    };
    let me = caller
        .identity()
        .get_person(caller.request(message)?)
        .await?
        .into_inner()
        .person;
    Ok(required(me, "person")?.school_id)
}

/// The school's calendar day now, in its own time zone.
pub async fn today(caller: &Caller, school_id: &str) -> Result<NaiveDate> {
    let message = identity::GetSchoolRequest {
        id: school_id.to_owned(),
    };
    let school = caller
        .identity()
        .get_school(caller.request(message)?)
        .await?
        .into_inner()
        .school;
    let zone: chrono_tz::Tz = required(school, "school")?
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Europe::Moscow);
    Ok(caller.state.settings.clock.today_in(&zone))
}

/// "5А": how a school writes a class.
pub fn class_name(class: &identity::Class) -> String {
    format!("{}{}", class.grade_level, class.letter)
}

/// Names looked up once per page, whatever number of rows name them.
#[derive(Default)]
pub struct Directory {
    subjects: HashMap<String, String>,
    classes: HashMap<String, identity::Class>,
    groups: HashMap<String, String>,
}

impl Directory {
    /// The school's subjects by name.
    pub async fn of_school(caller: &Caller, school_id: &str) -> Result<Self> {
        let message = identity::GetSchoolDirectoryRequest {
            school_id: school_id.to_owned(),
        };
        let directory = caller
            .identity()
            .get_school_directory(caller.request(message)?)
            .await?
            .into_inner();
        Ok(Self {
            subjects: directory
                .subjects
                .into_iter()
                .map(|subject| (subject.id, subject.name))
                .collect(),
            ..Self::default()
        })
    }

    /// Learns a class (and its groups, when `groups`) unless known already.
    pub async fn learn_class(
        &mut self,
        caller: &Caller,
        class_id: &str,
        groups: bool,
    ) -> Result<&identity::Class> {
        if !self.classes.contains_key(class_id) {
            let message = identity::GetClassRequest {
                id: class_id.to_owned(),
            };
            let class = caller
                .identity()
                .get_class(caller.request(message)?)
                .await?
                .into_inner()
                .class;
            let class = required(class, "class")?;
            if groups {
                let message = identity::ListGroupsRequest {
                    class_id: class_id.to_owned(),
                    page_size: 100,
                    page_token: String::new(),
                };
                let listed = caller
                    .identity()
                    .list_groups(caller.request(message)?)
                    .await?
                    .into_inner()
                    .groups;
                self.groups
                    .extend(listed.into_iter().map(|group| (group.id, group.name)));
            }
            self.classes.insert(class_id.to_owned(), class);
        }
        self.classes
            .get(class_id)
            .ok_or_else(|| Error::not_found("class"))
    }

    pub fn subject(&self, id: &str) -> String {
        self.subjects.get(id).cloned().unwrap_or_default()
    }

    pub fn class(&self, id: &str) -> String {
        self.classes.get(id).map(class_name).unwrap_or_default()
    }

    pub fn group(&self, id: &str) -> String {
        self.groups.get(id).cloned().unwrap_or_default()
    }
}

/// The people of `ids` by name, in the order of `ids`: the class's roster
/// on `date` names most of them in one call; anyone who has left since is
/// looked up alone.
pub async fn students(
    caller: &Caller,
    class_id: &str,
    date: &str,
    ids: &[String],
) -> Result<Vec<PersonName>> {
    let mut known: HashMap<String, PersonName> = HashMap::new();
    let mut page_token = String::new();
    loop {
        let message = identity::ListClassStudentsRequest {
            class_id: class_id.to_owned(),
            date: date.to_owned(),
            page_size: 500,
            page_token,
        };
        let page = caller
            .identity()
            .list_class_students(caller.request(message)?)
            .await?
            .into_inner();
        known.extend(
            page.students
                .into_iter()
                .map(|person| (person.id.clone(), PersonName::from(person))),
        );
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    let mut names = Vec::with_capacity(ids.len());
    for id in ids {
        let name = match known.remove(id) {
            Some(name) => name,
            None => crate::people::person(caller, id).await?.into(),
        };
        names.push(name);
    }
    Ok(names)
}

/// Every lesson of a class matching `filter` from `from` to `to`, however
/// long the span: schedule answers at most 62 days a call.
pub async fn lessons_between(
    caller: &Caller,
    filter: schedule::ListLessonsRequest,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<schedule::Lesson>> {
    let mut lessons = Vec::new();
    let mut start = from;
    while start <= to {
        let end = (start + chrono::Days::new(61)).min(to);
        let mut page_token = String::new();
        loop {
            let message = schedule::ListLessonsRequest {
                from_date: start.to_string(),
                to_date: end.to_string(),
                page_size: 500,
                page_token,
                ..filter.clone()
            };
            let page = caller
                .schedule()
                .list_lessons(caller.request(message)?)
                .await?
                .into_inner();
            lessons.extend(page.lessons);
            if page.next_page_token.is_empty() {
                break;
            }
            page_token = page.next_page_token;
        }
        start = end + chrono::Days::new(1);
    }
    Ok(lessons)
}

/// The period of `grade` that holds `day` (not the whole year, when a
/// shorter one does), else the last one begun before it.
pub async fn period_on(
    caller: &Caller,
    school_id: &str,
    grade: i32,
    day: NaiveDate,
) -> Result<Option<schedule::ReportingPeriod>> {
    let message = schedule::ListReportingPeriodsRequest {
        school_id: school_id.to_owned(),
        grade_level: grade,
        page_size: 100,
        ..Default::default()
    };
    let periods = caller
        .schedule()
        .list_reporting_periods(caller.request(message)?)
        .await?
        .into_inner()
        .reporting_periods;
    let day = day.to_string();
    let year = schedule::ReportingPeriodKind::Year as i32;
    let (years, shorter): (Vec<_>, Vec<_>) = periods.into_iter().partition(|p| p.kind == year);
    let holding = |periods: &[schedule::ReportingPeriod]| {
        periods
            .iter()
            .find(|p| p.start_date <= day && day <= p.end_date)
            .cloned()
    };
    Ok(holding(&shorter)
        .or_else(|| holding(&years))
        .or_else(|| shorter.iter().rev().find(|p| p.start_date <= day).cloned()))
}
