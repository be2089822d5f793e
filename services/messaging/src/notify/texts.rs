//! What a notification says, in Russian: the interface's first language,
//! and the one e-mails are written in.

use chrono::NaiveDateTime;
use otmetka_platform::text::first_line;
use otmetka_platform::time::russian_day_and_month;

use crate::model::{ClassNews, ClassNewsKind, News, NewsKind, NotificationKind};

/// The notification's kind, title and body for `news` about a student
/// named `student`, in a subject named `subject` (empty when unknown).
pub fn told(news: &News, student: &str, subject: &str) -> (NotificationKind, String, String) {
    let detail = news.detail.as_str();
    let (kind, what) = match news.kind {
        NewsKind::NewMark => (NotificationKind::NewMark, format!("Новая оценка {detail}")),
        NewsKind::MarkChanged => (
            NotificationKind::MarkChanged,
            format!("Оценка исправлена на {detail}"),
        ),
        NewsKind::MarkWithdrawn => (NotificationKind::MarkChanged, "Оценка отменена".into()),
        NewsKind::Absent => (NotificationKind::Attendance, "Пропуск урока".into()),
        NewsKind::Late => (
            NotificationKind::Attendance,
            match detail {
                "" | "0" => "Опоздание на урок".into(),
                minutes => format!("Опоздание на {minutes} мин"),
            },
        ),
        NewsKind::FinalMark => (
            NotificationKind::FinalMark,
            format!("Итоговая оценка {detail}"),
        ),
    };
    let title = if subject.is_empty() {
        what
    } else {
        format!("{what} — {subject}")
    };
    let body = match news.day {
        Some(day) => format!("{student}, урок {}", russian_day_and_month(day)),
        None => student.to_owned(),
    };
    (kind, title, body)
}

/// The title and body of a new message in a thread about `subject`,
/// from `author`: the thread's subject, then who wrote what, the first
/// line cut to fit.
pub fn new_message(subject: &str, author: &str, text: &str) -> (String, String) {
    const MAX_CHARS: usize = 200;
    (
        format!("Новое сообщение — {subject}"),
        format!("{author}: {}", first_line(text, MAX_CHARS)),
    )
}

/// The title and body of an announcement's notification: its title, then
/// the first line of what it says.
pub fn announcement(title: &str, body: &str) -> (String, String) {
    const MAX_CHARS: usize = 200;
    (format!("Объявление — {title}"), first_line(body, MAX_CHARS))
}

/// The notification's kind, title and body for news about a class, in a
/// subject named `subject` (empty when unknown).
pub fn class_news(news: &ClassNews, subject: &str) -> (NotificationKind, String, String) {
    let day = news.day.map(russian_day_and_month);
    let lesson = match (&day, news.lesson_number) {
        (Some(day), Some(number)) => format!("{day}, {number}-й урок"),
        (Some(day), None) => day.clone(),
        (None, _) => String::new(),
    };
    let (kind, what, body) = match news.kind {
        ClassNewsKind::NewHomework => (
            NotificationKind::NewHomework,
            "Домашнее задание",
            match day {
                Some(day) => format!("К {day}: {}", news.detail),
                None => news.detail.clone(),
            },
        ),
        ClassNewsKind::LessonCancelled => (NotificationKind::LessonChange, "Урок отменён", lesson),
        ClassNewsKind::Substitution => (NotificationKind::LessonChange, "Замена учителя", lesson),
        ClassNewsKind::RoomChanged => (
            NotificationKind::LessonChange,
            "Урок в другом кабинете",
            format!("{lesson}, кабинет {}", news.detail),
        ),
    };
    let title = if subject.is_empty() {
        what.to_owned()
    } else {
        format!("{what} — {subject}")
    };
    (kind, title, body)
}

/// What a meeting's invitees are told of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingNews<'a> {
    Invitation,
    /// Its time or place changed.
    Change,
    /// It is a day away (or less, for a meeting planned late).
    Reminder,
    Cancellation {
        reason: &'a str,
    },
}

/// The title and body of a notification of a meeting titled `title`
/// starting at `start` (school time) at `location`: what happened, then
/// when and where.
pub fn meeting(
    news: MeetingNews<'_>,
    title: &str,
    start: NaiveDateTime,
    location: &str,
) -> (String, String) {
    let when = format!(
        "{}, {}",
        russian_day_and_month(start.date()),
        start.format("%H:%M")
    );
    // A meeting without a room is held online.
    let place = if location.is_empty() {
        "онлайн"
    } else {
        location
    };
    match news {
        MeetingNews::Invitation => (
            format!("Родительское собрание — {title}"),
            format!("{when}, {place}"),
        ),
        MeetingNews::Change => (
            format!("Собрание изменено — {title}"),
            format!("Теперь {when}, {place}"),
        ),
        MeetingNews::Reminder => (
            format!("Напоминание о собрании — {title}"),
            format!("{when}, {place}"),
        ),
        MeetingNews::Cancellation { reason } => (
            format!("Собрание отменено — {title}"),
            if reason.is_empty() {
                when
            } else {
                format!("{when}. Причина: {reason}")
            },
        ),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::{NaiveDate, Utc};
    use otmetka_platform::ids::{SchoolId, StudentId};
    use uuid::Uuid;

    use super::*;

    pub(crate) fn news(kind: NewsKind, detail: &str, day: Option<NaiveDate>) -> News {
        News {
            source_service: "gradebook".into(),
            source_event_id: "mark/x/1".into(),
            school_id: SchoolId(Uuid::now_v7()),
            student_id: StudentId(Uuid::now_v7()),
            subject_id: None,
            kind,
            detail: detail.into(),
            day,
            resource_type: "mark".into(),
            resource_id: "x".into(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_new_mark_names_value_subject_child_and_day() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 2);
        let (kind, title, body) =
            told(&news(NewsKind::NewMark, "5", day), "Петров Иван", "Алгебра");
        assert_eq!(kind, NotificationKind::NewMark);
        assert_eq!(title, "Новая оценка 5 — Алгебра");
        assert_eq!(body, "Петров Иван, урок 2 декабря");
    }

    #[test]
    fn a_new_message_names_the_thread_the_author_and_its_first_line() {
        let (title, body) = new_message("Контрольная", "Иванова Мария", "\n  Добрый день!\nВторая");
        assert_eq!(title, "Новое сообщение — Контрольная");
        assert_eq!(body, "Иванова Мария: Добрый день!");
        let (_, long) = new_message("Тема", "А", &"я".repeat(500));
        assert_eq!(long.chars().count(), "А: ".chars().count() + 200);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn corrections_withdrawals_and_attendance_read_as_such() {
        let told = |kind, detail| told(&news(kind, detail, None), "Петров Иван", "");
        assert_eq!(told(NewsKind::MarkChanged, "4").1, "Оценка исправлена на 4");
        assert_eq!(
            told(NewsKind::MarkWithdrawn, "").0,
            NotificationKind::MarkChanged
        );
        assert_eq!(told(NewsKind::Late, "10").1, "Опоздание на 10 мин");
        assert_eq!(told(NewsKind::Late, "0").1, "Опоздание на урок");
        assert_eq!(told(NewsKind::Absent, "").0, NotificationKind::Attendance);
        assert_eq!(told(NewsKind::FinalMark, "5").1, "Итоговая оценка 5");
        assert_eq!(told(NewsKind::NewMark, "5").2, "Петров Иван");
    }

    #[test]
    fn a_meeting_is_told_with_its_day_hour_and_place() {
        let start = NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(14, 5, 0)
            .unwrap();
        assert_eq!(
            meeting(
                MeetingNews::Invitation,
                "Итоги четверти",
                start,
                "Кабинет 12"
            ),
            (
                "Родительское собрание — Итоги четверти".to_owned(),
                "3 декабря, 14:05, Кабинет 12".to_owned()
            )
        );
        assert_eq!(
            meeting(MeetingNews::Change, "Итоги", start, "").1,
            "Теперь 3 декабря, 14:05, онлайн"
        );
        assert_eq!(
            meeting(MeetingNews::Reminder, "Итоги", start, "Актовый зал").0,
            "Напоминание о собрании — Итоги"
        );
        let cancelled = MeetingNews::Cancellation {
            reason: "Карантин"
        };
        assert_eq!(
            meeting(cancelled, "Итоги", start, "Зал"),
            (
                "Собрание отменено — Итоги".to_owned(),
                "3 декабря, 14:05. Причина: Карантин".to_owned()
            )
        );
        let without_reason = MeetingNews::Cancellation { reason: "" };
        assert_eq!(
            meeting(without_reason, "Итоги", start, "Зал").1,
            "3 декабря, 14:05"
        );
    }
}
