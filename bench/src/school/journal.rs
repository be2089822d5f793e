//! The journal of the term so far, kept by the teachers.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::Context;
use futures_util::{StreamExt, TryStreamExt, stream};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::schedule::v1 as schedule;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::roster::Roster;
use super::{Caller, Family, PASSWORD, Services, Shape, all};
use crate::progress;

/// Has the teachers mark and take attendance in `lessons`; returns how many
/// marks and attendance records they posted.
pub(super) async fn keep(
    services: &Services,
    admin: &Caller,
    school_id: &str,
    shape: &Shape,
    roster: &Roster,
    enrolled: &[(usize, Family)],
    lessons: &[schedule::Lesson],
) -> anyhow::Result<(usize, usize)> {
    let n = shape.concurrency;
    let Roster {
        teacher_ids,
        class_ids,
        ..
    } = roster;
    let mut gb = services.gradebook.clone();
    gb.update_journal_settings(admin.request(gradebook::UpdateJournalSettingsRequest {
        settings: Some(gradebook::JournalSettings {
            school_id: school_id.to_owned(),
            edit_window_days: 365,
            vendors_override_teachers: false,
        }),
    }))
    .await?;
    let teacher_index: HashMap<&str, usize> = teacher_ids
        .iter()
        .enumerate()
        .map(|(index, id)| (id.as_str(), index))
        .collect();
    let teachers = all((0..teacher_ids.len()).collect(), n, |index| {
        let identity = services.identity.clone();
        async move { Caller::sign_in(&identity, &format!("bench-teacher-{index}"), PASSWORD).await }
    })
    .await?;
    let class_index: HashMap<&str, usize> = class_ids
        .iter()
        .enumerate()
        .map(|(index, id)| (id.as_str(), index))
        .collect();
    let mut roster: Vec<Vec<&str>> = vec![Vec::new(); shape.classes];
    for (class, family) in enrolled {
        roster[*class].push(family.student_id.as_str());
    }
    let mut rng = StdRng::seed_from_u64(57);
    let mut records = Vec::new();
    for lesson in lessons {
        let class = class_index[lesson.class_id.as_str()];
        let teacher = teacher_index[lesson.teacher_id.as_str()];
        for student in &roster[class] {
            let roll: f64 = rng.random();
            if roll < shape.absence_share {
                let kind = match rng.random_range(0..3) {
                    0 => gradebook::AttendanceKind::Absent,
                    1 => gradebook::AttendanceKind::Ill,
                    _ => gradebook::AttendanceKind::Late,
                };
                records.push(Record::Attendance {
                    teacher,
                    record: gradebook::AttendanceRecord {
                        student_id: (*student).into(),
                        lesson_id: lesson.id.clone(),
                        subject_id: lesson.subject_id.clone(),
                        lesson_date: lesson.date.clone(),
                        kind: kind.into(),
                        late_minutes: if kind == gradebook::AttendanceKind::Late {
                            rng.random_range(3..20)
                        } else {
                            0
                        },
                        ..Default::default()
                    },
                });
            } else if roll < shape.absence_share + shape.mark_share {
                const VALUES: [&str; 10] = ["5", "5", "5", "4", "4", "4", "4", "3", "3", "2"];
                records.push(Record::Mark {
                    teacher,
                    mark: gradebook::CreateMarkRequest {
                        student_id: (*student).into(),
                        subject_id: lesson.subject_id.clone(),
                        lesson_date: lesson.date.clone(),
                        lesson_id: lesson.id.clone(),
                        value: VALUES[rng.random_range(0..VALUES.len())].into(),
                        weight: if rng.random_range(0..8) == 0 { 2 } else { 1 },
                        ..Default::default()
                    },
                });
            }
        }
    }
    let marks = records
        .iter()
        .filter(|record| matches!(record, Record::Mark { .. }))
        .count();
    let attendance = records.len() - marks;
    let started = Instant::now();
    let teachers = &teachers;
    stream::iter(records.into_iter().map(|record| {
        let mut gradebook = services.gradebook.clone();
        async move {
            match record {
                Record::Mark { teacher, mark } => {
                    gradebook
                        .create_mark(teachers[teacher].request(mark))
                        .await
                        .context("posting a mark")?;
                }
                Record::Attendance { teacher, record } => {
                    gradebook
                        .set_attendance(teachers[teacher].request(
                            gradebook::SetAttendanceRequest {
                                record: Some(record),
                            },
                        ))
                        .await
                        .context("recording attendance")?;
                }
            }
            anyhow::Ok(())
        }
    }))
    .buffer_unordered(n)
    .try_for_each(|()| async { Ok(()) })
    .await?;
    let took = started.elapsed();
    progress(&format!(
        "{marks} marks and {attendance} attendance records posted by the teachers in {:.0} s ({:.0}/s)",
        took.as_secs_f64(),
        (marks + attendance) as f64 / took.as_secs_f64()
    ));
    Ok((marks, attendance))
}

enum Record {
    Mark {
        teacher: usize,
        mark: gradebook::CreateMarkRequest,
    },
    Attendance {
        teacher: usize,
        record: gradebook::AttendanceRecord,
    },
}
