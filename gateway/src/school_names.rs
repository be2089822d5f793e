//! The names of a school's classes and periods beside its staff and
//! subjects (`people::school_names`), read once per view, so that views
//! which carry ids carry the names people read.

use otmetka_platform::Result;
use otmetka_proto::identity::v1 as identity;

use crate::caller::Caller;
use crate::diary::{PeriodView, periods};
use crate::people::{SchoolNames, school_names};

pub struct RosterNames {
    pub school: SchoolNames,
    /// By grade level and letter.
    pub classes: Vec<ClassName>,
    /// By start date.
    pub periods: Vec<PeriodView>,
}

pub struct ClassName {
    pub id: String,
    /// "5А"
    pub name: String,
    pub grade_level: i32,
}

impl RosterNames {
    /// Identity's directory and classes and schedule's periods, read
    /// concurrently as the caller.
    pub async fn load(caller: &Caller, school_id: &str) -> Result<Self> {
        // Boxed: the three calls' states would make every caller's future large.
        let (school, classes, periods) = tokio::try_join!(
            Box::pin(school_names(caller, school_id)),
            Box::pin(classes(caller, school_id)),
            Box::pin(periods(caller, school_id.to_owned(), String::new(), 0)),
        )?;
        Ok(Self {
            school,
            classes,
            periods: periods.periods,
        })
    }

    /// "Соколова Елена Викторовна"; empty for nobody or someone no longer on staff.
    pub fn person(&self, id: &str) -> String {
        self.school.staff(id).to_owned()
    }

    pub fn subject(&self, id: &str) -> String {
        self.school.subject(id).to_owned()
    }

    pub fn class(&self, id: &str) -> String {
        self.classes
            .iter()
            .find(|class| class.id == id)
            .map(|class| class.name.clone())
            .unwrap_or_default()
    }

    pub fn period(&self, id: &str) -> String {
        self.periods
            .iter()
            .find(|period| period.id == id)
            .map(|period| period.name.clone())
            .unwrap_or_default()
    }
}

async fn classes(caller: &Caller, school_id: &str) -> Result<Vec<ClassName>> {
    let mut classes = Vec::new();
    let mut page_token = String::new();
    loop {
        let message = identity::ListClassesRequest {
            school_id: school_id.to_owned(),
            page_size: 500,
            page_token,
        };
        let page = caller
            .identity()
            .list_classes(caller.request(message)?)
            .await?
            .into_inner();
        classes.extend(page.classes.into_iter().map(|class| ClassName {
            name: format!("{}{}", class.grade_level, class.letter),
            grade_level: class.grade_level,
            id: class.id,
        }));
        if page.next_page_token.is_empty() || classes.len() >= 2000 {
            break;
        }
        page_token = page.next_page_token;
    }
    classes.sort_by(|a, b| (a.grade_level, &a.name).cmp(&(b.grade_level, &b.name)));
    Ok(classes)
}

/// The school's teaching assignments: who teaches what to which class.
pub async fn assignments(
    caller: &Caller,
    school_id: &str,
) -> Result<Vec<identity::TeachingAssignment>> {
    let mut assignments = Vec::new();
    let mut page_token = String::new();
    loop {
        let message = identity::ListTeachingAssignmentsRequest {
            school_id: school_id.to_owned(),
            page_size: 500,
            page_token,
            ..Default::default()
        };
        let page = caller
            .identity()
            .list_teaching_assignments(caller.request(message)?)
            .await?
            .into_inner();
        assignments.extend(page.teaching_assignments);
        if page.next_page_token.is_empty() || assignments.len() >= 10_000 {
            return Ok(assignments);
        }
        page_token = page.next_page_token;
    }
}
