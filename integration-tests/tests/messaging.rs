//! Threads between families and staff over real gRPC: who may write to
//! whom (decided by identity), read marks, archive, idempotent retries,
//! and a guardian's part ending with the guardianship.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{SchoolBuilder, violated_fields, with_token};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::messaging::v1 as pb;
use otmetka_proto::messaging::v1::messaging_service_client::MessagingServiceClient;
use tonic::Code;
use tonic::transport::Channel;

/// A class 5А with its class teacher, a mathematics teacher, a teacher of
/// another class, a deputy head, two students and their guardians.
struct School {
    builder: SchoolBuilder,
    messaging: MessagingServiceClient<Channel>,
    id: String,
    class_teacher: Person,
    maths_teacher: Person,
    other_teacher: Person,
    deputy_head: Person,
    student: Person,
    guardian: Person,
    second_guardian: Person,
    other_student: Person,
    other_guardian: Person,
}

struct Person {
    id: String,
    token: String,
}

impl School {
    async fn new(sandbox: &Sandbox) -> Self {
        let mut builder = SchoolBuilder::new(sandbox, "Школа переписки")
            .await
            .expect("a school");
        let id = builder.school_id.clone();
        let class_teacher = builder
            .staff("Классная", identity::StaffRole::Teacher)
            .await;
        let maths_teacher = builder
            .staff("Математик", identity::StaffRole::Teacher)
            .await;
        let other_teacher = builder.staff("Чужой", identity::StaffRole::Teacher).await;
        let deputy_head = builder
            .staff("Завуч", identity::StaffRole::DeputyHead)
            .await;
        let class = builder.class(5, "А", &class_teacher).await;
        let other_class = builder.class(6, "Б", &other_teacher).await;
        let maths = builder.subject("Математика").await;
        builder.teach(&maths_teacher, &class, &maths).await;
        builder.teach(&other_teacher, &other_class, &maths).await;
        let student = builder.student_in(&class, "Ученик").await;
        let guardian = builder.guardian_of(&student, "Мама").await;
        let second_guardian = builder.guardian_of(&student, "Папа").await;
        let other_student = builder.student_in(&class, "Соседов").await;
        let other_guardian = builder.guardian_of(&other_student, "Соседова").await;
        let mut people = Vec::new();
        for (id, login) in [
            (class_teacher, "msg-class-teacher"),
            (maths_teacher, "msg-maths"),
            (other_teacher, "msg-other-teacher"),
            (deputy_head, "msg-deputy"),
            (student, "msg-student"),
            (guardian, "msg-mother"),
            (second_guardian, "msg-father"),
            (other_student, "msg-other-student"),
            (other_guardian, "msg-other-mother"),
        ] {
            let token = builder.token_of(&id, login).await;
            people.push(Person { id, token });
        }
        let mut people = people.into_iter();
        let mut next = || people.next().expect("a person");
        Self {
            messaging: MessagingServiceClient::new(
                sandbox.channel("messaging").await.expect("a channel"),
            ),
            id,
            class_teacher: next(),
            maths_teacher: next(),
            other_teacher: next(),
            deputy_head: next(),
            student: next(),
            guardian: next(),
            second_guardian: next(),
            other_student: next(),
            other_guardian: next(),
            builder,
        }
    }

    /// `from` starts a thread with `to`, about `student` if given.
    async fn start(
        &self,
        from: &Person,
        to: &[&Person],
        student: Option<&Person>,
        request_id: &str,
    ) -> Result<pb::CreateThreadResponse, tonic::Status> {
        let request = pb::CreateThreadRequest {
            school_id: self.id.clone(),
            student_id: student.map(|s| s.id.clone()).unwrap_or_default(),
            subject: "Контрольная по математике".into(),
            participant_ids: to.iter().map(|p| p.id.clone()).collect(),
            text: "Здравствуйте! Можно ли переписать контрольную?".into(),
            request_id: request_id.into(),
        };
        let mut client = self.messaging.clone();
        client
            .create_thread(with_token(&from.token, request))
            .await
            .map(tonic::Response::into_inner)
    }

    async fn get(&self, who: &Person, thread: &str) -> Result<pb::Thread, tonic::Status> {
        let request = pb::GetThreadRequest {
            school_id: self.id.clone(),
            id: thread.into(),
        };
        let mut client = self.messaging.clone();
        Ok(client
            .get_thread(with_token(&who.token, request))
            .await?
            .into_inner()
            .thread
            .expect("a thread"))
    }

    async fn list(&self, who: &Person, include_archived: bool) -> Vec<pb::Thread> {
        let request = pb::ListThreadsRequest {
            school_id: self.id.clone(),
            include_archived,
            ..Default::default()
        };
        let mut client = self.messaging.clone();
        client
            .list_threads(with_token(&who.token, request))
            .await
            .expect("threads")
            .into_inner()
            .threads
    }

    /// The texts of `who`'s notifications of new messages, newest first.
    async fn notices(&self, who: &Person) -> Vec<(String, String)> {
        let request = pb::ListNotificationsRequest {
            kinds: vec![pb::NotificationKind::NewMessage.into()],
            ..Default::default()
        };
        let mut client = self.messaging.clone();
        client
            .list_notifications(with_token(&who.token, request))
            .await
            .expect("notifications")
            .into_inner()
            .notifications
            .into_iter()
            .map(|n| (n.title, n.body))
            .collect()
    }

    async fn post(&self, who: &Person, thread: &str, text: &str, request_id: &str) -> String {
        let request = pb::CreateThreadMessageRequest {
            school_id: self.id.clone(),
            thread_id: thread.into(),
            text: text.into(),
            request_id: request_id.into(),
        };
        let mut client = self.messaging.clone();
        client
            .create_thread_message(with_token(&who.token, request))
            .await
            .expect("a message")
            .into_inner()
            .message
            .expect("a message")
            .id
    }

    async fn unread(&self, who: &Person) -> pb::GetUnreadCountsResponse {
        let request = pb::GetUnreadCountsRequest {
            school_id: self.id.clone(),
        };
        let mut client = self.messaging.clone();
        client
            .get_unread_counts(with_token(&who.token, request))
            .await
            .expect("counts")
            .into_inner()
    }
}

const UUID_A: &str = "0190f5a4-0000-7000-8000-00000000000a";
const UUID_B: &str = "0190f5a4-0000-7000-8000-00000000000b";

#[tokio::test]
async fn who_may_write_to_whom() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let school = School::new(&sandbox).await;
    let s = &school;
    let (guardian, student) = (&s.guardian, &s.student);
    // Each refusal is paired with the same call from someone allowed.
    let cases: Vec<(&str, &Person, &Person, Option<&Person>, bool)> = vec![
        (
            "guardian → maths teacher of the child",
            guardian,
            &s.maths_teacher,
            Some(student),
            true,
        ),
        (
            "guardian → class teacher",
            guardian,
            &s.class_teacher,
            Some(student),
            true,
        ),
        (
            "guardian → deputy head",
            guardian,
            &s.deputy_head,
            Some(student),
            true,
        ),
        (
            "guardian → teacher of another class",
            guardian,
            &s.other_teacher,
            Some(student),
            false,
        ),
        (
            "guardian → the other guardian",
            guardian,
            &s.second_guardian,
            Some(student),
            true,
        ),
        (
            "guardian → another family",
            guardian,
            &s.other_guardian,
            Some(student),
            false,
        ),
        (
            "guardian → teacher, about another child",
            guardian,
            &s.maths_teacher,
            Some(&s.other_student),
            false,
        ),
        (
            "guardian → teacher, about no child",
            guardian,
            &s.maths_teacher,
            None,
            false,
        ),
        (
            "student → maths teacher",
            student,
            &s.maths_teacher,
            Some(student),
            true,
        ),
        (
            "student → other student's guardian",
            student,
            &s.other_guardian,
            Some(student),
            false,
        ),
        (
            "maths teacher → guardian",
            &s.maths_teacher,
            guardian,
            Some(student),
            true,
        ),
        (
            "other teacher → guardian",
            &s.other_teacher,
            guardian,
            Some(student),
            false,
        ),
        (
            "deputy head → guardian",
            &s.deputy_head,
            guardian,
            Some(student),
            true,
        ),
        (
            "teacher → teacher",
            &s.other_teacher,
            &s.maths_teacher,
            None,
            true,
        ),
        (
            "teacher → guardian as to staff",
            &s.maths_teacher,
            guardian,
            None,
            false,
        ),
    ];
    let messaging = s.messaging.clone();
    for (name, from, to, about, allowed) in cases {
        let mut client = messaging.clone();
        let request = pb::CreateThreadRequest {
            school_id: s.id.clone(),
            student_id: about.map(|p| p.id.clone()).unwrap_or_default(),
            subject: "Вопрос".into(),
            participant_ids: vec![to.id.clone()],
            text: "Добрый день".into(),
            request_id: String::new(),
        };
        let answer = client.create_thread(with_token(&from.token, request)).await;
        match (allowed, answer) {
            (true, Ok(reply)) => {
                let thread = reply.into_inner().thread.expect("a thread");
                assert_eq!(thread.participants.len(), 2, "{name}");
                assert_eq!(thread.participants[1].person_id, to.id, "{name}");
                assert!(!thread.participants[1].display_name.is_empty(), "{name}");
            }
            (false, Err(status)) => {
                assert_eq!(status.code(), Code::NotFound, "{name}: {status:?}");
                assert!(status.message().contains("participant_ids[0]"), "{name}");
            }
            (allowed, answer) => panic!("{name}: expected allowed={allowed}, got {answer:?}"),
        }
    }

    // The people a guardian may write to about the child, as the form
    // offers them: the class teacher, the child's teachers and the
    // school's management, then the family.
    let mut identity_client = school.builder.identity.clone();
    let offered = identity_client
        .list_correspondents(with_token(
            &school.guardian.token,
            identity::ListCorrespondentsRequest {
                school_id: school.id.clone(),
                student_id: school.student.id.clone(),
            },
        ))
        .await
        .expect("correspondents")
        .into_inner()
        .correspondents;
    let offered: Vec<&str> = offered.iter().map(|c| c.person_id.as_str()).collect();
    assert_eq!(
        offered,
        [
            school.class_teacher.id.as_str(),
            &school.maths_teacher.id,
            &school.deputy_head.id,
            &school.student.id,
            &school.second_guardian.id,
        ]
    );
    // The family of another child learns nothing of this one.
    let refused = identity_client
        .list_correspondents(with_token(
            &school.other_guardian.token,
            identity::ListCorrespondentsRequest {
                school_id: school.id.clone(),
                student_id: school.student.id.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::NotFound);

    // Roles are as identity named them.
    let thread = school
        .start(
            &school.guardian,
            &[&school.maths_teacher],
            Some(&school.student),
            "",
        )
        .await
        .expect("a thread")
        .thread
        .expect("a thread");
    let roles: Vec<i32> = thread.participants.iter().map(|p| p.role).collect();
    assert_eq!(
        roles,
        [
            pb::ParticipantRole::Guardian as i32,
            pb::ParticipantRole::Staff as i32
        ]
    );
    assert_eq!(thread.student_id, school.student.id);

    // Bad input names its field.
    let mut refused = school.messaging.clone();
    let status = refused
        .create_thread(with_token(
            &school.guardian.token,
            pb::CreateThreadRequest {
                school_id: school.id.clone(),
                student_id: school.student.id.clone(),
                subject: "   ".into(),
                participant_ids: vec![school.guardian.id.clone(), school.guardian.id.clone()],
                text: String::new(),
                request_id: String::new(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(
        violated_fields(&status),
        [
            "subject",
            "text",
            "participant_ids[0]",
            "participant_ids[1]"
        ]
    );
    sandbox.stop().await.expect("stop");
}

#[tokio::test]
async fn a_conversation_between_a_family_and_a_teacher() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut s = School::new(&sandbox).await;

    // A retry with the same key makes nothing new.
    let first = s
        .start(
            &s.guardian,
            &[&s.maths_teacher, &s.second_guardian],
            Some(&s.student),
            UUID_A,
        )
        .await
        .expect("a thread");
    let again = s
        .start(
            &s.guardian,
            &[&s.maths_teacher, &s.second_guardian],
            Some(&s.student),
            UUID_A,
        )
        .await
        .expect("the same thread");
    let thread_id = first.thread.expect("a thread").id;
    assert_eq!(again.thread.expect("a thread").id, thread_id);
    assert_eq!(s.list(&s.maths_teacher, false).await.len(), 1);
    // Each other participant is notified once; the author is not.
    let notices = s.notices(&s.maths_teacher).await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].0, "Новое сообщение — Контрольная по математике");
    assert!(
        notices[0]
            .1
            .ends_with(": Здравствуйте! Можно ли переписать контрольную?"),
        "{notices:?}"
    );
    assert_eq!(s.notices(&s.second_guardian).await.len(), 1);
    assert_eq!(s.notices(&s.guardian).await, []);

    // The teacher has one unread message; nobody outside the thread sees it.
    let teacher_view = s.get(&s.maths_teacher, &thread_id).await.expect("a thread");
    assert_eq!(teacher_view.unread_count, 1);
    assert_eq!(s.unread(&s.maths_teacher).await.unread_messages, 1);
    assert_eq!(
        s.get(&s.other_teacher, &thread_id)
            .await
            .unwrap_err()
            .code(),
        Code::NotFound
    );
    assert_eq!(
        s.get(&s.other_guardian, &thread_id)
            .await
            .unwrap_err()
            .code(),
        Code::NotFound
    );

    // The teacher answers twice (the second a retried request); the
    // guardian has one new message, and reading it clears the count.
    let reply = s
        .post(&s.maths_teacher, &thread_id, "Да, в четверг.", UUID_B)
        .await;
    let retried = s
        .post(&s.maths_teacher, &thread_id, "Да, в четверг.", UUID_B)
        .await;
    assert_eq!(reply, retried);
    assert_eq!(
        s.notices(&s.guardian).await.len(),
        1,
        "a retry notifies no one again"
    );
    assert_eq!(s.unread(&s.maths_teacher).await.unread_messages, 0);
    let counts = s.unread(&s.guardian).await;
    assert_eq!((counts.unread_messages, counts.unread_threads), (1, 1));
    let mut client = s.messaging.clone();
    let read = client
        .mark_thread_read(with_token(
            &s.guardian.token,
            pb::MarkThreadReadRequest {
                school_id: s.id.clone(),
                thread_id: thread_id.clone(),
                message_id: String::new(),
            },
        ))
        .await
        .expect("read")
        .into_inner()
        .thread
        .expect("a thread");
    assert_eq!(read.unread_count, 0);
    assert_eq!(read.participants[0].last_read_message_id, reply);
    assert_eq!(s.unread(&s.guardian).await.unread_messages, 0);

    // Messages come newest first, a page at a time.
    s.post(&s.guardian, &thread_id, "Спасибо!", "").await;
    let page = |token: &str| pb::ListThreadMessagesRequest {
        school_id: s.id.clone(),
        thread_id: thread_id.clone(),
        page_size: 2,
        page_token: token.into(),
    };
    let first_page = client
        .list_thread_messages(with_token(&s.second_guardian.token, page("")))
        .await
        .expect("messages")
        .into_inner();
    let texts: Vec<&str> = first_page
        .messages
        .iter()
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(texts, ["Спасибо!", "Да, в четверг."]);
    let second_page = client
        .list_thread_messages(with_token(
            &s.second_guardian.token,
            page(&first_page.next_page_token),
        ))
        .await
        .expect("messages")
        .into_inner();
    assert_eq!(second_page.messages.len(), 1);
    assert!(second_page.next_page_token.is_empty());

    // Archived, the thread leaves the teacher's list until a new message.
    client
        .archive_thread(with_token(
            &s.maths_teacher.token,
            pb::ArchiveThreadRequest {
                school_id: s.id.clone(),
                thread_id: thread_id.clone(),
                archived: true,
            },
        ))
        .await
        .expect("archived");
    assert!(s.list(&s.maths_teacher, false).await.is_empty());
    assert_eq!(s.list(&s.maths_teacher, true).await.len(), 1);
    assert_eq!(s.list(&s.guardian, false).await.len(), 1);
    s.post(&s.guardian, &thread_id, "И ещё вопрос.", "").await;
    assert_eq!(s.list(&s.maths_teacher, false).await.len(), 1);

    // The father's guardianship ends: the thread is gone for him, and
    // stays for the mother and the teacher.
    s.builder
        .identity
        .unlink_guardian(with_token(
            &s.builder.city,
            identity::UnlinkGuardianRequest {
                guardian_id: s.second_guardian.id.clone(),
                student_id: s.student.id.clone(),
            },
        ))
        .await
        .expect("unlinked");
    assert_eq!(
        s.get(&s.second_guardian, &thread_id)
            .await
            .unwrap_err()
            .code(),
        Code::NotFound
    );
    assert!(s.list(&s.second_guardian, false).await.is_empty());
    // Nor is what he had not read counted for him any more.
    s.post(
        &s.maths_teacher,
        &thread_id,
        "Для всех: контрольная в пятницу.",
        "",
    )
    .await;
    assert_eq!(s.unread(&s.second_guardian).await.unread_messages, 0);
    assert!(s.unread(&s.guardian).await.unread_messages > 0);
    let told = |notices: Vec<(String, String)>| {
        notices
            .iter()
            .any(|(_, body)| body.ends_with("контрольная в пятницу."))
    };
    assert!(told(s.notices(&s.guardian).await), "the mother hears of it");
    assert!(
        !told(s.notices(&s.second_guardian).await),
        "the father no longer hears of the thread"
    );
    s.get(&s.guardian, &thread_id)
        .await
        .expect("the mother reads it");
    s.get(&s.maths_teacher, &thread_id)
        .await
        .expect("the teacher reads it");
    sandbox.stop().await.expect("stop");
}
