//! Reads gradebook's change feed for what families hear about: new,
//! corrected and withdrawn marks, absences and lateness, final marks. Each
//! becomes pending news in the transaction that moves the cursor, so a
//! change is kept exactly once; the notifier tells each recipient.

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use otmetka_platform::db::Tx;
use otmetka_platform::feed::{ApplyChange, ChangeEnvelope, ChangeType, EntityType, Refusal};
use otmetka_platform::ids::{SchoolId, StudentId, SubjectId};
use otmetka_platform::time::parse_date;
use otmetka_proto::gradebook::v1 as gradebook;
use prost::Message;
use tokio::sync::Notify;

use crate::model::{News, NewsKind};
use crate::store;

/// The consumer's name: its cursor's key and its metrics' label.
pub const CONSUMER: &str = "messaging.journal-news";
/// The service whose changes these are: with the event key, news's key.
const SOURCE: &str = "gradebook";

/// What families hear about in gradebook's changes.
pub struct JournalNews {
    /// Older changes are history, not news: a first start on a long feed,
    /// or a return from a long outage, does not flood families.
    pub horizon: Duration,
    /// Woken when news is kept, so the notifier need not wait for its poll.
    pub kept: Arc<Notify>,
}

/// What a change says, before it is stored.
struct Said {
    event: String,
    student_id: String,
    subject_id: String,
    kind: NewsKind,
    detail: String,
    day: String,
}

fn mark_detail(mark: &gradebook::Mark) -> String {
    match mark.status() {
        gradebook::MarkStatus::Exempt => "«осв.»".into(),
        gradebook::MarkStatus::NotSubmitted => "«не сдано»".into(),
        gradebook::MarkStatus::Absent => "«н»".into(),
        gradebook::MarkStatus::Pending => "«точка»".into(),
        gradebook::MarkStatus::Graded | gradebook::MarkStatus::Unspecified => mark.value.clone(),
    }
}

/// The news in `change`, if families hear of it; its event key names the
/// record and what it became, so the same news is never told twice.
fn said(change: &ChangeEnvelope) -> Result<Option<Said>, Refusal> {
    let unreadable = || Refusal::Park(format!("{} is unreadable", change.entity_id));
    let payload = change.payload.as_slice();
    match change.entity_type() {
        EntityType::Mark => {
            let mark = gradebook::Mark::decode(payload).map_err(|_| unreadable())?;
            if mark.student_id.is_empty() {
                // A deletion without its record says nothing a family can read.
                return Ok(None);
            }
            let withdrawn =
                change.change_type() == ChangeType::Deleted || mark.delete_time.is_some();
            let kind = if withdrawn {
                NewsKind::MarkWithdrawn
            } else if mark.revision <= 1 {
                NewsKind::NewMark
            } else {
                NewsKind::MarkChanged
            };
            Ok(Some(Said {
                event: format!("mark/{}/{}", mark.id, mark.revision),
                detail: if withdrawn {
                    String::new()
                } else {
                    mark_detail(&mark)
                },
                student_id: mark.student_id,
                subject_id: mark.subject_id,
                kind,
                day: mark.lesson_date,
            }))
        }
        EntityType::Attendance => {
            let record = gradebook::AttendanceRecord::decode(payload).map_err(|_| unreadable())?;
            let (kind, detail) = match record.kind() {
                gradebook::AttendanceKind::Absent => (NewsKind::Absent, String::new()),
                gradebook::AttendanceKind::Late => {
                    (NewsKind::Late, record.late_minutes.max(0).to_string())
                }
                // Present, or absent for a reason the school knows: no news.
                _ => return Ok(None),
            };
            Ok(Some(Said {
                event: format!("attendance/{}/{}", change.entity_id, kind.as_str()),
                student_id: record.student_id,
                subject_id: record.subject_id,
                kind,
                detail,
                day: record.lesson_date,
            }))
        }
        EntityType::FinalMark => {
            let final_mark = gradebook::FinalMark::decode(payload).map_err(|_| unreadable())?;
            if final_mark.value.is_empty() || change.change_type() == ChangeType::Deleted {
                return Ok(None);
            }
            Ok(Some(Said {
                event: format!("final_mark/{}/{}", final_mark.id, final_mark.value),
                student_id: final_mark.student_id,
                subject_id: final_mark.subject_id,
                kind: NewsKind::FinalMark,
                detail: final_mark.value,
                day: String::new(),
            }))
        }
        _ => Ok(None),
    }
}

/// The absence a change of an attendance record explains, by its news
/// key: anything but "absent" (present, ill, excused, late, or the record
/// gone) is an explanation.
fn explained_absence(change: &ChangeEnvelope) -> Option<String> {
    if change.entity_type() != EntityType::Attendance {
        return None;
    }
    let record = gradebook::AttendanceRecord::decode(change.payload.as_slice()).ok();
    let still_absent = change.change_type() != ChangeType::Deleted
        && record
            .as_ref()
            .is_some_and(|record| record.kind() == gradebook::AttendanceKind::Absent);
    (!still_absent).then(|| {
        format!(
            "attendance/{}/{}",
            change.entity_id,
            NewsKind::Absent.as_str()
        )
    })
}

impl ApplyChange for JournalNews {
    async fn apply(&self, tx: &mut Tx, change: &ChangeEnvelope) -> Result<(), Refusal> {
        // An absence explained before it was told is no news any more,
        // however old the explanation.
        if let Some(absence) = explained_absence(change) {
            store::news::withdraw(tx, SOURCE, &absence).await?;
        }
        // Gradebook dates its changes on the system clock.
        let now = Utc::now();
        if !super::fresh(change, self.horizon, now) {
            return Ok(());
        }
        let Some(said) = said(change)? else {
            return Ok(());
        };
        let park = |what: &str| Refusal::Park(format!("{} names no {what}", change.cursor));
        let school_id: SchoolId = change.school_id.parse().map_err(|_| park("school"))?;
        let student_id: StudentId = said.student_id.parse().map_err(|_| park("student"))?;
        let subject_id = if said.subject_id.is_empty() {
            None
        } else {
            Some(
                said.subject_id
                    .parse::<SubjectId>()
                    .map_err(|_| park("subject"))?,
            )
        };
        let day: Option<NaiveDate> = if said.day.is_empty() {
            None
        } else {
            Some(parse_date("day", &said.day).map_err(|_| park("day"))?)
        };
        let news = News {
            source_service: SOURCE.into(),
            source_event_id: said.event,
            school_id,
            student_id,
            subject_id,
            kind: said.kind,
            detail: said.detail,
            day,
            resource_type: otmetka_platform::feed::entity_name(change.entity_type()),
            resource_id: change.entity_id.clone(),
            created_at: now,
        };
        store::news::keep(tx, &news).await?;
        self.kept.notify_one();
        Ok(())
    }
}
