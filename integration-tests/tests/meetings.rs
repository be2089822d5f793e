//! Parent meetings over real gRPC: who may plan one for which class
//! (identity's policy), the invitations reaching exactly the guardians of
//! its classes or named students, once each with one notification,
//! replies counted for the organizer, changes and cancellation told once,
//! the reminder the day before (not to who declined), and the field named
//! in every refusal.

use std::time::Duration;

use chrono::Days;
use otmetka_integration_tests::school::{
    PERSON_PASSWORD, SchoolBuilder, sign_in, violated_fields, with_token,
};
use otmetka_integration_tests::{Options, SANDBOX_TODAY, Sandbox};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::messaging::v1 as pb;
use otmetka_proto::messaging::v1::messaging_service_client::MessagingServiceClient;
use prost_types::{FieldMask, Timestamp};
use tonic::Code;
use tonic::transport::Channel;

/// How long inviting may take before a test gives up; it takes well under
/// a second while the suite runs.
const PATIENCE: Duration = Duration::from_secs(30);

/// `hour`:00 UTC, `days` after the sandbox's day (whose clock starts at
/// noon UTC); the school keeps Yekaterinburg time, five hours ahead.
fn at(days: u64, hour: u32) -> Timestamp {
    let time = (SANDBOX_TODAY + Days::new(days))
        .and_hms_opt(hour, 0, 0)
        .expect("a time")
        .and_utc();
    Timestamp {
        seconds: time.timestamp(),
        nanos: 0,
    }
}

struct Person {
    id: String,
    login: &'static str,
    token: String,
}

/// Classes 5А and 6Б with their class teachers, a deputy head; in 5А a
/// student with two guardians and a second student with one; in 6Б a
/// student with one guardian.
struct School {
    messaging: MessagingServiceClient<Channel>,
    id: String,
    class_5a: String,
    class_6b: String,
    teacher_5a: Person,
    teacher_6b: Person,
    deputy_head: Person,
    student: Person,
    mother: Person,
    father: Person,
    neighbour: Person,
    neighbour_mother: Person,
    stranger: Person,
    stranger_mother: Person,
}

impl School {
    async fn new(sandbox: &Sandbox) -> Self {
        let mut b = SchoolBuilder::new(sandbox, "Школа собраний")
            .await
            .expect("a school");
        let id = b.school_id.clone();
        // Not Moscow, which is also where a school of no known timezone is.
        let yekaterinburg = identity::UpdateSchoolRequest {
            school: Some(identity::School {
                id: id.clone(),
                timezone: "Asia/Yekaterinburg".into(),
                ..Default::default()
            }),
            update_mask: Some(FieldMask {
                paths: vec!["timezone".into()],
            }),
        };
        b.identity
            .update_school(with_token(&b.city, yekaterinburg))
            .await
            .expect("the school's timezone");
        let teacher_5a = b.staff("Классная", identity::StaffRole::Teacher).await;
        let teacher_6b = b.staff("Другая", identity::StaffRole::Teacher).await;
        let deputy_head = b.staff("Завуч", identity::StaffRole::DeputyHead).await;
        let class_5a = b.class(5, "А", &teacher_5a).await;
        let class_6b = b.class(6, "Б", &teacher_6b).await;
        let student = b.student_in(&class_5a, "Ученик").await;
        let mother = b.guardian_of(&student, "Мама").await;
        let father = b.guardian_of(&student, "Папа").await;
        let neighbour = b.student_in(&class_5a, "Соседов").await;
        let neighbour_mother = b.guardian_of(&neighbour, "Соседова").await;
        let stranger = b.student_in(&class_6b, "Чужой").await;
        let stranger_mother = b.guardian_of(&stranger, "Чужая").await;
        let mut people = Vec::new();
        for (person, login) in [
            (teacher_5a, "mtg-teacher-5a"),
            (teacher_6b, "mtg-teacher-6b"),
            (deputy_head, "mtg-deputy"),
            (student, "mtg-student"),
            (mother, "mtg-mother"),
            (father, "mtg-father"),
            (neighbour, "mtg-neighbour"),
            (neighbour_mother, "mtg-neighbour-mother"),
            (stranger, "mtg-stranger"),
            (stranger_mother, "mtg-stranger-mother"),
        ] {
            let token = b.token_of(&person, login).await;
            people.push(Person {
                id: person,
                login,
                token,
            });
        }
        let mut people = people.into_iter();
        let mut next = || people.next().expect("a person");
        Self {
            messaging: MessagingServiceClient::new(
                sandbox.channel("messaging").await.expect("a channel"),
            ),
            id,
            class_5a,
            class_6b,
            teacher_5a: next(),
            teacher_6b: next(),
            deputy_head: next(),
            student: next(),
            mother: next(),
            father: next(),
            neighbour: next(),
            neighbour_mother: next(),
            stranger: next(),
            stranger_mother: next(),
        }
    }

    /// After a restart: a new channel, and everyone signed in afresh.
    async fn reconnect(&mut self, sandbox: &Sandbox) {
        self.messaging = MessagingServiceClient::new(sandbox.channel("messaging").await.unwrap());
        let mut identity = identity::identity_service_client::IdentityServiceClient::new(
            sandbox.channel("identity").await.unwrap(),
        );
        for person in [
            &mut self.teacher_5a,
            &mut self.mother,
            &mut self.father,
            &mut self.neighbour_mother,
        ] {
            person.token = sign_in(&mut identity, person.login, PERSON_PASSWORD).await;
        }
    }

    /// A meeting of `class_ids` starting at `start`, in room 12.
    fn draft(&self, class_ids: &[&str], start: Timestamp) -> pb::ParentMeeting {
        pb::ParentMeeting {
            school_id: self.id.clone(),
            class_ids: class_ids.iter().map(|id| (*id).to_owned()).collect(),
            title: "Итоги четверти".into(),
            description: "Оценки, экскурсия, дежурства.".into(),
            start_time: Some(start),
            location: "Кабинет 12".into(),
            ..Default::default()
        }
    }

    async fn create(
        &self,
        organizer: &Person,
        meeting: pb::ParentMeeting,
    ) -> Result<pb::ParentMeeting, tonic::Status> {
        let request = pb::CreateParentMeetingRequest {
            meeting: Some(meeting),
            request_id: String::new(),
        };
        Ok(self
            .messaging
            .clone()
            .create_parent_meeting(with_token(&organizer.token, request))
            .await?
            .into_inner()
            .meeting
            .expect("the meeting"))
    }

    async fn get(&self, reader: &Person, id: &str) -> Result<pb::ParentMeeting, tonic::Status> {
        let request = pb::GetParentMeetingRequest {
            school_id: self.id.clone(),
            id: id.into(),
        };
        Ok(self
            .messaging
            .clone()
            .get_parent_meeting(with_token(&reader.token, request))
            .await?
            .into_inner()
            .meeting
            .expect("the meeting"))
    }

    async fn update(
        &self,
        editor: &Person,
        meeting: pb::ParentMeeting,
        paths: &[&str],
    ) -> Result<pb::ParentMeeting, tonic::Status> {
        let request = pb::UpdateParentMeetingRequest {
            meeting: Some(pb::ParentMeeting {
                school_id: self.id.clone(),
                ..meeting
            }),
            update_mask: Some(FieldMask {
                paths: paths.iter().map(|path| (*path).to_owned()).collect(),
            }),
        };
        Ok(self
            .messaging
            .clone()
            .update_parent_meeting(with_token(&editor.token, request))
            .await?
            .into_inner()
            .meeting
            .expect("the meeting"))
    }

    async fn cancel(
        &self,
        editor: &Person,
        id: &str,
        reason: &str,
    ) -> Result<pb::ParentMeeting, tonic::Status> {
        let request = pb::CancelParentMeetingRequest {
            school_id: self.id.clone(),
            id: id.into(),
            reason: reason.into(),
        };
        Ok(self
            .messaging
            .clone()
            .cancel_parent_meeting(with_token(&editor.token, request))
            .await?
            .into_inner()
            .meeting
            .expect("the meeting"))
    }

    /// The meetings `reader` lists: invited to, or of the school.
    async fn listed(&self, reader: &Person, request: pb::ListParentMeetingsRequest) -> Vec<String> {
        self.messaging
            .clone()
            .list_parent_meetings(with_token(&reader.token, request))
            .await
            .expect("a list")
            .into_inner()
            .meetings
            .into_iter()
            .map(|meeting| meeting.id)
            .collect()
    }

    /// The invitations of a meeting `reader` may see, or with an empty
    /// `meeting_id` their own.
    async fn invitations(
        &self,
        reader: &Person,
        meeting_id: &str,
        reply: pb::InvitationReply,
    ) -> Result<Vec<pb::MeetingInvitation>, tonic::Status> {
        let request = pb::ListMeetingInvitationsRequest {
            school_id: self.id.clone(),
            meeting_id: meeting_id.into(),
            reply: reply.into(),
            ..Default::default()
        };
        Ok(self
            .messaging
            .clone()
            .list_meeting_invitations(with_token(&reader.token, request))
            .await?
            .into_inner()
            .invitations)
    }

    /// `guardian`'s one invitation to the meeting.
    async fn invitation_of(&self, guardian: &Person, meeting_id: &str) -> String {
        let own = self
            .invitations(guardian, meeting_id, pb::InvitationReply::Unspecified)
            .await
            .expect("one's own invitations");
        assert_eq!(own.len(), 1, "{own:#?}");
        own[0].id.clone()
    }

    async fn reply(
        &self,
        guardian: &Person,
        invitation_id: &str,
        reply: pb::InvitationReply,
        comment: &str,
    ) -> Result<pb::MeetingInvitation, tonic::Status> {
        let request = pb::ReplyMeetingInvitationRequest {
            school_id: self.id.clone(),
            invitation_id: invitation_id.into(),
            reply: reply.into(),
            comment: comment.into(),
        };
        Ok(self
            .messaging
            .clone()
            .reply_meeting_invitation(with_token(&guardian.token, request))
            .await?
            .into_inner()
            .invitation
            .expect("the invitation"))
    }

    /// The meeting as its organizer sees it once `count` invitations are
    /// out (a page of invitations is written at once).
    async fn invited(&self, organizer: &Person, id: &str, count: i32) -> pb::ParentMeeting {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let found = self.get(organizer, id).await.expect("the organizer's");
            let invited = found.reply_counts.expect("the organizer's totals").invited;
            if invited > 0 {
                assert_eq!(invited, count, "invited");
                return found;
            }
            assert!(tokio::time::Instant::now() < deadline, "nobody invited");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `person`'s notifications of the meeting `id`, oldest first.
    async fn told(&self, person: &Person, id: &str) -> Vec<pb::Notification> {
        let request = pb::ListNotificationsRequest {
            person_id: person.id.clone(),
            kinds: vec![pb::NotificationKind::Meeting.into()],
            page_size: 100,
            ..Default::default()
        };
        let mut told: Vec<_> = self
            .messaging
            .clone()
            .list_notifications(with_token(&person.token, request))
            .await
            .expect("one's own notifications")
            .into_inner()
            .notifications
            .into_iter()
            .filter(|notification| notification.resource_id == id)
            .collect();
        told.reverse();
        told
    }

    /// The titles of `person`'s notifications of the meeting once there
    /// are `count` of them.
    async fn told_titles(&self, person: &Person, id: &str, count: usize) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let told = self.told(person, id).await;
            if told.len() >= count || tokio::time::Instant::now() > deadline {
                return told.into_iter().map(|n| n.title).collect();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn pending(&self, person: &Person) -> i32 {
        self.messaging
            .clone()
            .get_unread_counts(with_token(
                &person.token,
                pb::GetUnreadCountsRequest::default(),
            ))
            .await
            .expect("counts")
            .into_inner()
            .pending_invitations
    }
}

fn totals(meeting: &pb::ParentMeeting) -> (i32, i32, i32, i32, i32) {
    let counts = meeting.reply_counts.expect("totals");
    (
        counts.invited,
        counts.accepted,
        counts.declined,
        counts.tentative,
        counts.no_reply,
    )
}

#[tokio::test]
async fn a_class_teacher_invites_the_families_of_their_class_once() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let school = School::new(&sandbox).await;
    let to_5a = school.draft(&[&school.class_5a], at(7, 15));
    // Another class's teacher, a guardian and a student are refused what
    // the class teacher and the deputy head may do.
    for refused in [&school.teacher_6b, &school.mother, &school.student] {
        let status = school.create(refused, to_5a.clone()).await.unwrap_err();
        assert_eq!(status.code(), Code::NotFound, "{status:?}");
    }
    let meeting = school
        .create(&school.teacher_5a, to_5a.clone())
        .await
        .expect("the class teacher plans a meeting of the class");
    assert_eq!(meeting.state(), pb::ParentMeetingState::Scheduled);
    assert_eq!(meeting.organizer_id, school.teacher_5a.id);
    assert_eq!(meeting.duration.map(|d| d.seconds), Some(3600), "an hour");
    let later = pb::CreateParentMeetingRequest {
        meeting: Some(school.draft(&[&school.class_5a], at(8, 15))),
        request_id: "0193a3c4-0000-7000-8000-00000000b001".into(),
    };
    let mut deputy_made = Vec::new();
    for _ in 0..2 {
        deputy_made.push(
            school
                .messaging
                .clone()
                .create_parent_meeting(with_token(&school.deputy_head.token, later.clone()))
                .await
                .expect("the deputy head plans one too")
                .into_inner()
                .meeting
                .unwrap()
                .id,
        );
    }
    assert_eq!(deputy_made[0], deputy_made[1], "a retry finds the first");
    let later = deputy_made[0].clone();

    // Each guardian of each student of 5А: one invitation, one notification.
    let found = school.invited(&school.teacher_5a, &meeting.id, 3).await;
    assert_eq!(totals(&found), (3, 0, 0, 0, 3));
    let mut pairs: Vec<_> = school
        .invitations(
            &school.teacher_5a,
            &meeting.id,
            pb::InvitationReply::Unspecified,
        )
        .await
        .expect("the organizer reads the invitations")
        .into_iter()
        .map(|invitation| (invitation.guardian_id, invitation.student_id))
        .collect();
    pairs.sort();
    let mut expected = vec![
        (school.mother.id.clone(), school.student.id.clone()),
        (school.father.id.clone(), school.student.id.clone()),
        (
            school.neighbour_mother.id.clone(),
            school.neighbour.id.clone(),
        ),
    ];
    expected.sort();
    assert_eq!(pairs, expected);
    for guardian in [&school.mother, &school.father, &school.neighbour_mother] {
        let told = school.told(guardian, &meeting.id).await;
        assert_eq!(told.len(), 1, "one notification each: {told:#?}");
        assert_eq!(told[0].title, "Родительское собрание — Итоги четверти");
        assert_eq!(
            told[0].body, "9 декабря, 20:00, Кабинет 12",
            "the school's time"
        );
        let seen = school.get(guardian, &meeting.id).await.expect("invited");
        assert!(seen.reply_counts.is_none(), "only the organizer counts");
    }
    // Another class's family, its teacher and the student neither see nor
    // hear of it; the management sees it with its totals.
    school.invited(&school.deputy_head, &later, 3).await;
    for outsider in [&school.stranger_mother, &school.teacher_6b, &school.student] {
        let refused = school.get(outsider, &meeting.id).await.unwrap_err();
        assert_eq!(refused.code(), Code::NotFound, "{refused:?}");
    }
    assert!(
        school
            .told(&school.stranger_mother, &meeting.id)
            .await
            .is_empty()
    );
    assert!(
        school
            .told(&school.stranger_mother, &later)
            .await
            .is_empty()
    );
    let managed = school.get(&school.deputy_head, &meeting.id).await.unwrap();
    assert_eq!(totals(&managed).0, 3);

    // The invited list theirs, soonest first; organizers theirs, the
    // management the school's.
    let invited_only = pb::ListParentMeetingsRequest {
        invited_only: true,
        ..Default::default()
    };
    assert_eq!(
        school.listed(&school.father, invited_only.clone()).await,
        vec![meeting.id.clone(), later.clone()]
    );
    let from_day_eight = pb::ListParentMeetingsRequest {
        start_after: Some(at(8, 0)),
        ..invited_only.clone()
    };
    assert_eq!(
        school.listed(&school.father, from_day_eight).await,
        vec![later.clone()]
    );
    assert!(
        school
            .listed(&school.stranger_mother, invited_only)
            .await
            .is_empty()
    );
    let of_school = |class_id: &str| pb::ListParentMeetingsRequest {
        school_id: school.id.clone(),
        class_id: class_id.into(),
        page_size: 1,
        ..Default::default()
    };
    assert_eq!(
        school.listed(&school.teacher_5a, of_school("")).await,
        vec![meeting.id.clone()]
    );
    let first_page = school
        .messaging
        .clone()
        .list_parent_meetings(with_token(&school.deputy_head.token, of_school("")))
        .await
        .unwrap()
        .into_inner();
    let second_page = school
        .listed(
            &school.deputy_head,
            pb::ListParentMeetingsRequest {
                page_token: first_page.next_page_token,
                ..of_school("")
            },
        )
        .await;
    assert_eq!(first_page.meetings[0].id, meeting.id);
    assert_eq!(
        second_page,
        vec![later.clone()],
        "the school's, page by page"
    );
    assert!(
        school
            .listed(&school.teacher_6b, of_school(""))
            .await
            .is_empty()
    );
    assert!(
        school
            .listed(&school.deputy_head, of_school(&school.class_6b))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn guardians_reply_and_the_organizer_counts_the_replies() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let school = School::new(&sandbox).await;
    let meeting = school
        .create(
            &school.teacher_5a,
            school.draft(&[&school.class_5a], at(7, 15)),
        )
        .await
        .unwrap();
    let id = meeting.id.clone();
    school.invited(&school.teacher_5a, &id, 3).await;
    assert_eq!(school.pending(&school.mother).await, 1);
    let mothers = school.invitation_of(&school.mother, "").await;
    let fathers = school.invitation_of(&school.father, &id).await;
    let neighbours = school.invitation_of(&school.neighbour_mother, &id).await;

    // Only the invited guardian answers their invitation.
    for stranger in [&school.father, &school.teacher_5a, &school.stranger_mother] {
        let refused = school
            .reply(stranger, &mothers, pb::InvitationReply::Accepted, "")
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Code::NotFound, "{refused:?}");
    }
    let accepted = school
        .reply(
            &school.mother,
            &mothers,
            pb::InvitationReply::Accepted,
            "Приду с опозданием",
        )
        .await
        .expect("the mother accepts");
    assert_eq!(accepted.reply(), pb::InvitationReply::Accepted);
    assert!(accepted.reply_time.is_some());
    school
        .reply(&school.father, &fathers, pb::InvitationReply::Declined, "")
        .await
        .expect("the father declines");
    assert_eq!(school.pending(&school.mother).await, 0);
    assert_eq!(school.pending(&school.neighbour_mother).await, 1);

    // The organizer sees who answered what.
    let seen = school.get(&school.teacher_5a, &id).await.unwrap();
    assert_eq!(totals(&seen), (3, 1, 1, 0, 1));
    let accepted = school
        .invitations(&school.teacher_5a, &id, pb::InvitationReply::Accepted)
        .await
        .unwrap();
    assert_eq!(accepted.len(), 1);
    assert_eq!(
        (
            accepted[0].guardian_id.as_str(),
            accepted[0].reply_comment.as_str()
        ),
        (school.mother.id.as_str(), "Приду с опозданием")
    );
    // A guardian reads their own invitations of it; an outsider none.
    let own = school
        .invitations(&school.father, &id, pb::InvitationReply::Unspecified)
        .await
        .unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].reply(), pb::InvitationReply::Declined);
    let refused = school
        .invitations(
            &school.stranger_mother,
            &id,
            pb::InvitationReply::Unspecified,
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::NotFound);

    // A later reply replaces the earlier one.
    school
        .reply(&school.mother, &mothers, pb::InvitationReply::Tentative, "")
        .await
        .unwrap();
    let seen = school.get(&school.deputy_head, &id).await.unwrap();
    assert_eq!(totals(&seen), (3, 0, 1, 1, 1));

    // Cancelled, it is told once to each invitee, and takes no more replies.
    let refused = school.cancel(&school.mother, &id, "").await.unwrap_err();
    assert_eq!(refused.code(), Code::NotFound);
    for _ in 0..2 {
        let cancelled = school
            .cancel(&school.teacher_5a, &id, "Карантин")
            .await
            .expect("cancelled, again and again");
        assert_eq!(cancelled.state(), pb::ParentMeetingState::Cancelled);
        assert_eq!(cancelled.cancel_reason, "Карантин");
    }
    for guardian in [&school.mother, &school.father, &school.neighbour_mother] {
        let told = school.told(guardian, &id).await;
        assert_eq!(
            told.iter().map(|n| n.title.as_str()).collect::<Vec<_>>(),
            [
                "Родительское собрание — Итоги четверти",
                "Собрание отменено — Итоги четверти"
            ]
        );
        assert_eq!(told[1].body, "9 декабря, 20:00. Причина: Карантин");
    }
    let refused = school
        .reply(
            &school.neighbour_mother,
            &neighbours,
            pb::InvitationReply::Accepted,
            "",
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert_eq!(school.pending(&school.neighbour_mother).await, 0);
    let refused = school
        .update(
            &school.teacher_5a,
            pb::ParentMeeting {
                id: id.clone(),
                title: "Снова".into(),
                ..Default::default()
            },
            &["title"],
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition);
}

#[tokio::test]
async fn an_individual_meeting_invites_only_its_students_guardians() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let school = School::new(&sandbox).await;
    let mut individual = school.draft(&[&school.class_5a], at(7, 15));
    for (students, field) in [
        (vec![school.stranger.id.clone()], "meeting.student_ids[0]"),
        (
            vec![school.neighbour.id.clone(), school.stranger.id.clone()],
            "meeting.student_ids[1]",
        ),
    ] {
        individual.student_ids = students;
        let refused = school
            .create(&school.teacher_5a, individual.clone())
            .await
            .unwrap_err();
        assert_eq!(violated_fields(&refused), vec![field], "not in 5А");
    }
    individual.student_ids = vec![school.neighbour.id.clone()];
    let meeting = school
        .create(&school.teacher_5a, individual)
        .await
        .expect("a meeting with one family");
    let id = meeting.id.clone();
    school.invited(&school.teacher_5a, &id, 1).await;
    let seen = school.get(&school.neighbour_mother, &id).await.unwrap();
    assert_eq!(seen.student_ids, vec![school.neighbour.id.clone()]);
    for other in [&school.mother, &school.father] {
        assert_eq!(
            school.get(other, &id).await.unwrap_err().code(),
            Code::NotFound
        );
        assert!(school.told(other, &id).await.is_empty());
    }

    // Whom it invites is fixed once invitations are out: this version does
    // not withdraw them.
    let refused = school
        .update(
            &school.teacher_5a,
            pb::ParentMeeting {
                id: id.clone(),
                student_ids: vec![school.student.id.clone()],
                ..Default::default()
            },
            &["student_ids"],
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition, "{refused:?}");

    // Words change silently; a new time or place is told, once per change.
    let renamed = school
        .update(
            &school.teacher_5a,
            pb::ParentMeeting {
                id: id.clone(),
                title: "Поведение".into(),
                ..Default::default()
            },
            &["title"],
        )
        .await
        .expect("renamed");
    assert_eq!(renamed.title, "Поведение");
    let moved = pb::ParentMeeting {
        id: id.clone(),
        start_time: Some(at(7, 14)),
        location: String::new(),
        online_url: "https://meet.example.ru/5a".into(),
        ..Default::default()
    };
    let refused = school
        .update(&school.neighbour_mother, moved.clone(), &["start_time"])
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::NotFound, "an invitee does not edit");
    school
        .update(
            &school.deputy_head,
            moved,
            &["start_time", "location", "online_url"],
        )
        .await
        .expect("the management moves it online, an hour earlier");
    let told = school.told_titles(&school.neighbour_mother, &id, 2).await;
    assert_eq!(
        told,
        [
            "Родительское собрание — Итоги четверти",
            "Собрание изменено — Поведение"
        ]
    );
    let change = &school.told(&school.neighbour_mother, &id).await[1];
    assert_eq!(change.body, "Теперь 9 декабря, 19:00, онлайн");
    assert!(school.told(&school.mother, &id).await.is_empty());
}

#[tokio::test]
async fn bad_meetings_name_their_fields() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let school = School::new(&sandbox).await;
    let mut bad = school.draft(&[], at(0, 0));
    bad.title = " ".into();
    bad.duration = Some(prost_types::Duration {
        seconds: 60,
        nanos: 0,
    });
    bad.location = String::new();
    bad.online_url = "http://meet.example.ru".into();
    bad.reply_deadline = Some(at(1, 0));
    let status = school.create(&school.deputy_head, bad).await.unwrap_err();
    assert_eq!(
        violated_fields(&status),
        vec![
            "meeting.class_ids",
            "meeting.title",
            "meeting.start_time",
            "meeting.duration",
            "meeting.online_url",
            "meeting.location",
            "meeting.reply_deadline",
        ]
    );
    let classes: Vec<String> = (0..11).map(|_| school.class_5a.clone()).collect();
    let mut bad = school.draft(&[&school.class_5a, &school.class_5a], at(7, 15));
    bad.start_time = None;
    bad.reply_deadline = Some(at(0, 11));
    let status = school
        .create(&school.deputy_head, bad.clone())
        .await
        .unwrap_err();
    assert_eq!(
        violated_fields(&status),
        vec![
            "meeting.class_ids[1]",
            "meeting.start_time",
            "meeting.reply_deadline"
        ]
    );
    bad.class_ids = classes;
    bad.start_time = Some(at(7, 15));
    bad.reply_deadline = None;
    let status = school.create(&school.deputy_head, bad).await.unwrap_err();
    assert_eq!(violated_fields(&status), vec!["meeting.class_ids"]);
    // A class the caller may not invite is named, as absent.
    let status = school
        .create(
            &school.teacher_5a,
            school.draft(&[&school.class_5a, &school.class_6b], at(7, 15)),
        )
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert!(
        status.message().contains("meeting.class_ids[1]"),
        "{status:?}"
    );
    let listed = pb::ListParentMeetingsRequest {
        school_id: school.id.clone(),
        ..Default::default()
    };
    assert!(
        school.listed(&school.deputy_head, listed).await.is_empty(),
        "nothing was stored"
    );

    let meeting = school
        .create(
            &school.teacher_5a,
            school.draft(&[&school.class_5a], at(7, 15)),
        )
        .await
        .unwrap();
    let status = school
        .update(
            &school.teacher_5a,
            pb::ParentMeeting {
                id: meeting.id.clone(),
                start_time: Some(at(0, 0)),
                ..Default::default()
            },
            &["start_time", "organizer_id"],
        )
        .await
        .unwrap_err();
    assert_eq!(
        violated_fields(&status),
        vec!["meeting.start_time", "update_mask"]
    );
    school.invited(&school.teacher_5a, &meeting.id, 3).await;
    let invitation = school.invitation_of(&school.mother, &meeting.id).await;
    let status = school
        .reply(
            &school.mother,
            &invitation,
            pb::InvitationReply::Unspecified,
            &"я".repeat(1001),
        )
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&status), vec!["reply", "comment"]);
}

#[tokio::test]
async fn the_day_before_invitees_are_reminded_once_but_not_who_declined() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut school = School::new(&sandbox).await;
    let (invitation, reminder) = (
        "Родительское собрание — Итоги четверти",
        "Напоминание о собрании — Итоги четверти",
    );
    // Tomorrow at 11:00 UTC is less than a day ahead of the sandbox's noon:
    // the reminder follows the invitation at once.
    let tomorrow = school
        .create(
            &school.teacher_5a,
            school.draft(&[&school.class_5a], at(1, 11)),
        )
        .await
        .unwrap();
    // The day after is more than a day ahead; replies close tomorrow at 10:00.
    let mut later = school.draft(&[&school.class_5a], at(2, 11));
    later.reply_deadline = Some(at(1, 10));
    let later = school.create(&school.teacher_5a, later).await.unwrap();
    for guardian in [&school.mother, &school.father, &school.neighbour_mother] {
        assert_eq!(
            school.told_titles(guardian, &tomorrow.id, 2).await,
            [invitation, reminder]
        );
    }
    school.invited(&school.teacher_5a, &later.id, 3).await;
    let mothers = school.invitation_of(&school.mother, &later.id).await;
    let fathers = school.invitation_of(&school.father, &later.id).await;
    let neighbours = school
        .invitation_of(&school.neighbour_mother, &later.id)
        .await;
    school
        .reply(&school.mother, &mothers, pb::InvitationReply::Declined, "")
        .await
        .unwrap();
    school
        .reply(&school.father, &fathers, pb::InvitationReply::Accepted, "")
        .await
        .unwrap();
    for guardian in [&school.mother, &school.father, &school.neighbour_mother] {
        assert_eq!(
            school.told_titles(guardian, &later.id, 1).await,
            [invitation]
        );
    }

    // A day later (tomorrow's noon) the later meeting is a day away: who
    // has not declined is reminded, once, also across a restart.
    let next_day = Options {
        today: Some(SANDBOX_TODAY + Days::new(1)),
        ..Options::default()
    };
    let sandbox = sandbox.restart_with(next_day).await.expect("a restart");
    school.reconnect(&sandbox).await;
    for guardian in [&school.father, &school.neighbour_mother] {
        assert_eq!(
            school.told_titles(guardian, &later.id, 2).await,
            [invitation, reminder]
        );
    }
    assert_eq!(
        school.told_titles(&school.mother, &later.id, 1).await,
        [invitation],
        "who declined is not reminded"
    );
    for guardian in [&school.mother, &school.father, &school.neighbour_mother] {
        assert_eq!(
            school.told(guardian, &tomorrow.id).await.len(),
            2,
            "reminded once"
        );
    }
    // Replies closed at 10:00.
    let refused = school
        .reply(
            &school.neighbour_mother,
            &neighbours,
            pb::InvitationReply::Accepted,
            "",
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition, "{refused:?}");

    // Moved to this evening, it is told as a change and reminded of again.
    school
        .update(
            &school.teacher_5a,
            pb::ParentMeeting {
                id: later.id.clone(),
                start_time: Some(at(1, 16)),
                ..Default::default()
            },
            &["start_time"],
        )
        .await
        .expect("moved");
    assert_eq!(
        school.told_titles(&school.father, &later.id, 4).await,
        [
            invitation,
            reminder,
            "Собрание изменено — Итоги четверти",
            reminder
        ]
    );
    assert_eq!(
        school.told(&school.father, &later.id).await[3].body,
        "3 декабря, 21:00, Кабинет 12"
    );
    let mother_told = school.told_titles(&school.mother, &later.id, 2).await;
    assert_eq!(
        mother_told,
        [invitation, "Собрание изменено — Итоги четверти"]
    );
}
