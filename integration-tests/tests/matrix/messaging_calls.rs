//! Messaging's calls in the matrix: a thread the own guardian began with
//! the subject teacher about the student, and an announcement of the class
//! teacher to the class.

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

/// A draft announcement to `class`, or published when `publish`.
fn to_class(school: &str, class: &str, publish: bool) -> messaging::CreateAnnouncementRequest {
    messaging::CreateAnnouncementRequest {
        announcement: Some(messaging::Announcement {
            school_id: school.into(),
            kind: messaging::AnnouncementKind::Announcement.into(),
            audience: Some(messaging::Audience {
                class_ids: vec![class.into()],
                ..Default::default()
            }),
            title: "Экскурсия".into(),
            body: "В пятницу класс едет в музей.".into(),
            state: if publish {
                messaging::AnnouncementState::Published
            } else {
                messaging::AnnouncementState::Draft
            }
            .into(),
            ..Default::default()
        }),
        request_id: String::new(),
    }
}

/// The announcement the rows read: published by the class teacher, once it
/// has reached the class's families.
pub(super) async fn fixture_announcement(
    messaging: &mut MessagingServiceClient<Channel>,
    school: &str,
    class: &str,
    class_teacher: &str,
) -> String {
    let id = messaging
        .create_announcement(with_token(class_teacher, to_class(school, class, true)))
        .await
        .unwrap()
        .into_inner()
        .announcement
        .unwrap()
        .id;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let seen = messaging
            .get_announcement(with_token(
                class_teacher,
                messaging::GetAnnouncementRequest {
                    school_id: school.into(),
                    id: id.clone(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .announcement
            .unwrap();
        if seen.reach.is_some_and(|reach| reach.families > 0) {
            return id;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never reached the class"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
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
        // A notification of nobody's: acknowledging it changes nothing.
        Rpc::AcknowledgeNotifications => ok(m
            .acknowledge_notifications(with_token(
                token,
                messaging::AcknowledgeNotificationsRequest {
                    channel: messaging::DeliveryChannel::InApp.into(),
                    notification_ids: vec![uuid::Uuid::now_v7().to_string()],
                    ..Default::default()
                },
            ))
            .await),
        Rpc::GetNotificationSettings => ok(m
            .get_notification_settings(with_token(
                token,
                messaging::GetNotificationSettingsRequest::default(),
            ))
            .await),
        Rpc::UpdateNotificationSettings => ok(m
            .update_notification_settings(with_token(
                token,
                messaging::UpdateNotificationSettingsRequest {
                    settings: Some(messaging::NotificationSettings::default()),
                },
            ))
            .await),
        Rpc::CreateAnnouncement => ok(m
            .create_announcement(with_token(token, to_class(&school_id, &f.class_5a, false)))
            .await),
        Rpc::GetAnnouncement => ok(m
            .get_announcement(with_token(
                token,
                messaging::GetAnnouncementRequest {
                    school_id,
                    id: f.announcement.clone(),
                },
            ))
            .await),
        Rpc::ListAnnouncements => ok(m
            .list_announcements(with_token(
                token,
                messaging::ListAnnouncementsRequest::default(),
            ))
            .await),
        Rpc::UpdateAnnouncement => ok(m
            .update_announcement(with_token(
                token,
                messaging::UpdateAnnouncementRequest {
                    announcement: Some(messaging::Announcement {
                        school_id,
                        id: f.announcement.clone(),
                        pinned: true,
                        ..Default::default()
                    }),
                    update_mask: Some(prost_types::FieldMask {
                        paths: vec!["pinned".into()],
                    }),
                },
            ))
            .await),
        Rpc::DeleteAnnouncement => {
            let draft = m
                .create_announcement(with_token(
                    &f.token(Who::ClassTeacher),
                    to_class(&school_id, &f.class_5a, false),
                ))
                .await
                .unwrap()
                .into_inner()
                .announcement
                .unwrap();
            ok(m.delete_announcement(with_token(
                token,
                messaging::DeleteAnnouncementRequest {
                    school_id,
                    id: draft.id,
                },
            ))
            .await)
        }
        Rpc::MarkAnnouncementsRead => ok(m
            .mark_announcements_read(with_token(
                token,
                messaging::MarkAnnouncementsReadRequest {
                    school_id,
                    announcement_ids: vec![f.announcement.clone()],
                },
            ))
            .await),
        rpc => unreachable!("{rpc:?} is not messaging's"),
    }
}
