//! Messaging's calls in the matrix: a thread the own guardian began with
//! the subject teacher about the student.

use otmetka_proto::messaging::v1 as messaging;

use super::*;

/// The thread the rows read and write.
pub(super) async fn fixture_thread(
    messaging: &mut MessagingServiceClient<Channel>,
    school: &str,
    guardian: &str,
    teacher: &str,
    student: &str,
) -> String {
    messaging
        .create_thread(with_token(
            guardian,
            messaging::CreateThreadRequest {
                school_id: school.into(),
                student_id: student.into(),
                subject: "Домашнее задание".into(),
                participant_ids: vec![teacher.into()],
                text: "Здравствуйте!".into(),
                request_id: String::new(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .thread
        .unwrap()
        .id
}

pub(super) async fn call_messaging(
    f: &mut Fixture,
    rpc: Rpc,
    who: Who,
    token: &str,
) -> Result<(), Code> {
    let m = &mut f.messaging.clone();
    let school_id = f.school.clone();
    let thread_id = f.thread.clone();
    match rpc {
        // To a teacher of the student about the student: the class teacher,
        // or, when the class teacher asks, the subject teacher.
        Rpc::CreateThread => {
            let teacher = if who == Who::ClassTeacher {
                f.subject_teacher.clone()
            } else {
                f.class_teacher.clone()
            };
            ok(m.create_thread(with_token(
                token,
                messaging::CreateThreadRequest {
                    school_id,
                    student_id: f.student.clone(),
                    subject: "Вопрос".into(),
                    participant_ids: vec![teacher],
                    text: "Добрый день".into(),
                    request_id: String::new(),
                },
            ))
            .await)
        }
        Rpc::GetThread => ok(m
            .get_thread(with_token(
                token,
                messaging::GetThreadRequest {
                    school_id,
                    id: thread_id,
                },
            ))
            .await),
        Rpc::ListThreads => ok(m
            .list_threads(with_token(token, messaging::ListThreadsRequest::default()))
            .await),
        Rpc::ArchiveThread => ok(m
            .archive_thread(with_token(
                token,
                messaging::ArchiveThreadRequest {
                    school_id,
                    thread_id,
                    archived: false,
                },
            ))
            .await),
        Rpc::CreateThreadMessage => ok(m
            .create_thread_message(with_token(
                token,
                messaging::CreateThreadMessageRequest {
                    school_id,
                    thread_id,
                    text: "Спасибо".into(),
                    request_id: String::new(),
                },
            ))
            .await),
        Rpc::ListThreadMessages => ok(m
            .list_thread_messages(with_token(
                token,
                messaging::ListThreadMessagesRequest {
                    school_id,
                    thread_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::MarkThreadRead => ok(m
            .mark_thread_read(with_token(
                token,
                messaging::MarkThreadReadRequest {
                    school_id,
                    thread_id,
                    message_id: String::new(),
                },
            ))
            .await),
        Rpc::GetUnreadCounts => ok(m
            .get_unread_counts(with_token(
                token,
                messaging::GetUnreadCountsRequest::default(),
            ))
            .await),
        Rpc::ListNotifications => ok(m
            .list_notifications(with_token(
                token,
                messaging::ListNotificationsRequest::default(),
            ))
            .await),
        Rpc::MarkNotificationsRead => ok(m
            .mark_notifications_read(with_token(
                token,
                messaging::MarkNotificationsReadRequest {
                    all: true,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::WatchNotifications => ok(m
            .watch_notifications(with_token(
                token,
                messaging::WatchNotificationsRequest::default(),
            ))
            .await),
        rpc => unreachable!("{rpc:?} is not messaging's"),
    }
}
