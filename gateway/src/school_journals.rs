//! Every journal of a school: the classes and the subjects taught in each,
//! with their teachers, for the leadership to open any of them.

use std::collections::BTreeMap;

use axum::Json;
use axum::response::IntoResponse;
use otmetka_platform::Result;
use serde::Serialize;
use utoipa::ToSchema;

use crate::caller::{Caller, path_id};
use crate::extract::ApiPath;
use crate::school_names::{RosterNames, assignments};

/// One class's journal of one subject.
#[derive(Serialize, ToSchema)]
pub struct SchoolJournalView {
    pub class_id: String,
    /// "5А"
    pub class_name: String,
    pub subject_id: String,
    pub subject_name: String,
    /// Whoever teaches it, the whole class or a group.
    pub teachers: Vec<TeacherView>,
}

#[derive(Serialize, ToSchema)]
pub struct TeacherView {
    pub teacher_id: String,
    /// "Иванова Мария"
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct SchoolJournalsView {
    /// By class (grade level, letter), then subject name.
    pub journals: Vec<SchoolJournalView>,
}

/// `GET /api/v1/schools/{school_id}/journals`: the school's classes and
/// subjects as teaching assignments make them. Anyone who may read the
/// school's roster.
#[utoipa::path(get, path = "/api/v1/schools/{school_id}/journals", tag = "journal",
    params(("school_id" = String, Path, format = Uuid, description = "The school")),
    responses((status = 200, description = "The school's journals", body = SchoolJournalsView)))]
pub async fn school_journals(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
) -> impl IntoResponse {
    caller
        .answer(async { Ok(Json(load(&caller, &school_id).await?.0)) })
        .await
}

/// The journals, and the names read for them (the page shows the periods).
pub async fn load(caller: &Caller, school_id: &str) -> Result<(SchoolJournalsView, RosterNames)> {
    let school_id = path_id("school", school_id)?;
    let (names, assignments) = tokio::try_join!(
        Box::pin(RosterNames::load(caller, &school_id)),
        Box::pin(assignments(caller, &school_id))
    )?;
    let class_order = |id: &str| names.classes.iter().position(|class| class.id == id);
    let mut journals: BTreeMap<(Option<usize>, String, String, String), SchoolJournalView> =
        BTreeMap::new();
    for assignment in assignments {
        let subject_name = names.subject(&assignment.subject_id);
        let key = (
            class_order(&assignment.class_id),
            assignment.class_id.clone(),
            subject_name.clone(),
            assignment.subject_id.clone(),
        );
        let journal = journals.entry(key).or_insert_with(|| SchoolJournalView {
            class_name: names.class(&assignment.class_id),
            class_id: assignment.class_id.clone(),
            subject_id: assignment.subject_id.clone(),
            subject_name,
            teachers: Vec::new(),
        });
        if !journal
            .teachers
            .iter()
            .any(|teacher| teacher.teacher_id == assignment.teacher_id)
        {
            journal.teachers.push(TeacherView {
                name: names.person(&assignment.teacher_id),
                teacher_id: assignment.teacher_id,
            });
        }
    }
    let journals = journals.into_values().collect();
    Ok((SchoolJournalsView { journals }, names))
}
