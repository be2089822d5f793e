//! News and announcements over real gRPC: who may announce to whom
//! (identity's policy), an announcement reaching exactly the families of
//! its audience once, with one notification each, read marks counted per
//! family, scheduling, withdrawal, and the field named in every refusal.

use std::time::Duration;

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{SchoolBuilder, violated_fields, with_token};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::messaging::v1 as pb;
use otmetka_proto::messaging::v1::messaging_service_client::MessagingServiceClient;
use prost_types::Timestamp;
use tonic::Code;
use tonic::transport::Channel;

/// How long publication may take before a test gives up; it takes well
/// under a second while the suite runs.
const PATIENCE: Duration = Duration::from_secs(30);

/// Before the sandbox's day, and long after it.
const YESTERDAY: Timestamp = Timestamp {
    seconds: 1_764_590_400, // 2025-12-01T12:00:00Z
    nanos: 0,
};
const NEXT_YEAR: Timestamp = Timestamp {
    seconds: 1_830_340_800, // 2028-01-01T12:00:00Z
    nanos: 0,
};

struct Person {
    id: String,
    token: String,
}

/// Classes 5А and 6Б with their class teachers, a deputy head; in 5А a
/// student with two guardians and a second student with one; in 6Б a
/// student with one guardian.
struct School {
    messaging: MessagingServiceClient<Channel>,
    builder: SchoolBuilder,
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
    stranger_mother: Person,
}

impl School {
    async fn new(sandbox: &Sandbox) -> Self {
        let mut builder = SchoolBuilder::new(sandbox, "Школа объявлений")
            .await
            .expect("a school");
        let id = builder.school_id.clone();
        let teacher_5a = builder
            .staff("Классная", identity::StaffRole::Teacher)
            .await;
        let teacher_6b = builder.staff("Другая", identity::StaffRole::Teacher).await;
        let deputy_head = builder
            .staff("Завуч", identity::StaffRole::DeputyHead)
            .await;
        let class_5a = builder.class(5, "А", &teacher_5a).await;
        let class_6b = builder.class(6, "Б", &teacher_6b).await;
        let student = builder.student_in(&class_5a, "Ученик").await;
        let mother = builder.guardian_of(&student, "Мама").await;
        let father = builder.guardian_of(&student, "Папа").await;
        let neighbour = builder.student_in(&class_5a, "Соседов").await;
        let neighbour_mother = builder.guardian_of(&neighbour, "Соседова").await;
        let stranger = builder.student_in(&class_6b, "Чужой").await;
        let stranger_mother = builder.guardian_of(&stranger, "Чужая").await;
        let mut people = Vec::new();
        for (person, login) in [
            (teacher_5a, "ann-teacher-5a"),
            (teacher_6b, "ann-teacher-6b"),
            (deputy_head, "ann-deputy"),
            (student, "ann-student"),
            (mother, "ann-mother"),
            (father, "ann-father"),
            (neighbour, "ann-neighbour"),
            (neighbour_mother, "ann-neighbour-mother"),
            (stranger_mother, "ann-stranger-mother"),
        ] {
            let token = builder.token_of(&person, login).await;
            people.push(Person { id: person, token });
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
            stranger_mother: next(),
            builder,
        }
    }

    /// An announcement to `audience`, published now, unless changed.
    fn draft(&self, audience: pb::Audience) -> pb::Announcement {
        pb::Announcement {
            school_id: self.id.clone(),
            kind: pb::AnnouncementKind::Announcement.into(),
            audience: Some(audience),
            title: "Родительское собрание".into(),
            body: "Собрание в четверг в 18:00, кабинет 12.\nПриходите все.".into(),
            state: pb::AnnouncementState::Published.into(),
            ..Default::default()
        }
    }

    fn classes(&self, class_ids: &[&str]) -> pb::Audience {
        pb::Audience {
            class_ids: class_ids.iter().map(|id| (*id).to_owned()).collect(),
            ..Default::default()
        }
    }

    async fn create(
        &self,
        author: &Person,
        announcement: pb::Announcement,
    ) -> Result<pb::Announcement, tonic::Status> {
        let request = pb::CreateAnnouncementRequest {
            announcement: Some(announcement),
            request_id: String::new(),
        };
        Ok(self
            .messaging
            .clone()
            .create_announcement(with_token(&author.token, request))
            .await?
            .into_inner()
            .announcement
            .expect("the announcement"))
    }

    async fn get(&self, reader: &Person, id: &str) -> Result<pb::Announcement, tonic::Status> {
        let request = pb::GetAnnouncementRequest {
            school_id: self.id.clone(),
            id: id.into(),
        };
        Ok(self
            .messaging
            .clone()
            .get_announcement(with_token(&reader.token, request))
            .await?
            .into_inner()
            .announcement
            .expect("the announcement"))
    }

    /// The ids of what reached `reader` and is shown now.
    async fn received(&self, reader: &Person) -> Vec<String> {
        let request = pb::ListAnnouncementsRequest::default();
        self.messaging
            .clone()
            .list_announcements(with_token(&reader.token, request))
            .await
            .expect("one's own announcements")
            .into_inner()
            .announcements
            .into_iter()
            .map(|announcement| announcement.id)
            .collect()
    }

    /// `reader`'s notifications of announcements, by what they are about.
    async fn notified(&self, reader: &Person) -> Vec<String> {
        let request = pb::ListNotificationsRequest {
            person_id: reader.id.clone(),
            kinds: vec![pb::NotificationKind::Announcement.into()],
            page_size: 100,
            ..Default::default()
        };
        self.messaging
            .clone()
            .list_notifications(with_token(&reader.token, request))
            .await
            .expect("one's own notifications")
            .into_inner()
            .notifications
            .into_iter()
            .map(|notification| notification.resource_id)
            .collect()
    }

    async fn mark_read(&self, reader: &Person, id: &str) {
        let request = pb::MarkAnnouncementsReadRequest {
            school_id: self.id.clone(),
            announcement_ids: vec![id.into()],
        };
        self.messaging
            .clone()
            .mark_announcements_read(with_token(&reader.token, request))
            .await
            .expect("marked read");
    }

    /// The announcement as `author` sees it once it has reached everyone.
    async fn reached(&self, author: &Person, id: &str) -> pb::AnnouncementReach {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let found = self
                .get(author, id)
                .await
                .expect("the author's announcement");
            if let Some(reach) = found.reach
                && (reach.families > 0 || reach.staff > 0)
            {
                return reach;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "never reached anyone"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn unread_announcements(&self, reader: &Person) -> i32 {
        self.messaging
            .clone()
            .get_unread_counts(with_token(
                &reader.token,
                pb::GetUnreadCountsRequest::default(),
            ))
            .await
            .expect("counts")
            .into_inner()
            .unread_announcements
    }
}

#[tokio::test]
async fn a_class_announcement_reaches_its_families_once_and_counts_who_read_it() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let school = School::new(&sandbox).await;
    let created = school
        .create(
            &school.teacher_5a,
            school.draft(school.classes(&[&school.class_5a])),
        )
        .await
        .expect("the class teacher announces to the class");
    let id = created.id.clone();
    let reach = school.reached(&school.teacher_5a, &id).await;
    assert_eq!(
        (reach.families, reach.families_read, reach.staff),
        (2, 0, 0)
    );

    for family in [
        &school.student,
        &school.mother,
        &school.father,
        &school.neighbour,
        &school.neighbour_mother,
    ] {
        assert_eq!(school.received(family).await, vec![id.clone()]);
        assert_eq!(
            school.notified(family).await,
            vec![id.clone()],
            "one notification each"
        );
        let seen = school.get(family, &id).await.expect("reached");
        assert!(
            seen.reach.is_none(),
            "families do not see how far it reached"
        );
    }
    // Another class's family and its class teacher neither see nor learn of it.
    assert!(school.received(&school.stranger_mother).await.is_empty());
    assert!(school.notified(&school.stranger_mother).await.is_empty());
    for outsider in [&school.stranger_mother, &school.teacher_6b] {
        let refused = school.get(outsider, &id).await.unwrap_err();
        assert_eq!(refused.code(), Code::NotFound);
    }
    let managed = school
        .get(&school.deputy_head, &id)
        .await
        .expect("management reads it");
    assert_eq!(managed.reach.map(|reach| reach.families), Some(2));

    // A family has read it when its student or any guardian has.
    assert_eq!(school.unread_announcements(&school.mother).await, 1);
    school.mark_read(&school.mother, &id).await;
    school.mark_read(&school.father, &id).await;
    assert_eq!(school.unread_announcements(&school.mother).await, 0);
    assert!(school.get(&school.mother, &id).await.unwrap().read);
    let reach = school
        .get(&school.teacher_5a, &id)
        .await
        .unwrap()
        .reach
        .unwrap();
    assert_eq!((reach.families, reach.families_read), (2, 1));
    // Reading an announcement that did not reach you marks nothing.
    school.mark_read(&school.stranger_mother, &id).await;
    school.mark_read(&school.neighbour, &id).await;
    let reach = school
        .get(&school.teacher_5a, &id)
        .await
        .unwrap()
        .reach
        .unwrap();
    assert_eq!((reach.families, reach.families_read), (2, 2));
}

#[tokio::test]
async fn who_may_announce_to_whom() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut school = School::new(&sandbox).await;
    let to_5a = school.draft(school.classes(&[&school.class_5a]));
    let whole_school = school.draft(pb::Audience {
        whole_school: true,
        roles: vec![pb::AudienceRole::Staff.into()],
        ..Default::default()
    });
    // Another class's teacher, a guardian and a student are refused what
    // the class teacher and the deputy head may do.
    for refused in [&school.teacher_6b, &school.mother, &school.student] {
        let status = school.create(refused, to_5a.clone()).await.unwrap_err();
        assert_eq!(status.code(), Code::NotFound, "{status:?}");
    }
    school
        .create(&school.teacher_5a, to_5a.clone())
        .await
        .expect("class teacher");
    school
        .create(&school.deputy_head, to_5a)
        .await
        .expect("deputy head");
    let status = school
        .create(&school.teacher_5a, whole_school.clone())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    let to_staff = school
        .create(&school.deputy_head, whole_school)
        .await
        .expect("management announces to the whole school");
    let reach = school.reached(&school.deputy_head, &to_staff.id).await;
    assert_eq!(
        (reach.families, reach.staff),
        (0, 3),
        "the school's three staff"
    );
    assert_eq!(
        school.received(&school.teacher_6b).await,
        vec![to_staff.id.clone()]
    );
    assert!(!school.received(&school.mother).await.contains(&to_staff.id));

    // A group of 5А reaches its students' families only; a grade level its classes.
    let group = school
        .builder
        .identity
        .create_group(with_token(
            &school.builder.city,
            identity::CreateGroupRequest {
                class_id: school.class_5a.clone(),
                name: "Хор".into(),
                student_ids: vec![school.neighbour.id.clone()],
            },
        ))
        .await
        .expect("a group")
        .into_inner()
        .group
        .expect("a group")
        .id;
    let to_group = pb::Audience {
        group_ids: vec![group],
        ..Default::default()
    };
    let refused = school
        .create(&school.teacher_6b, school.draft(to_group.clone()))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::NotFound);
    let choir = school
        .create(&school.teacher_5a, school.draft(to_group))
        .await
        .expect("the class teacher announces to a group of the class");
    let sixth = school
        .create(
            &school.deputy_head,
            school.draft(pb::Audience {
                grade_levels: vec![6],
                ..Default::default()
            }),
        )
        .await
        .expect("a grade level");
    assert_eq!(
        school.reached(&school.teacher_5a, &choir.id).await.families,
        1
    );
    assert_eq!(
        school
            .reached(&school.deputy_head, &sixth.id)
            .await
            .families,
        1
    );
    let neighbours = school.received(&school.neighbour_mother).await;
    assert!(neighbours.contains(&choir.id) && !neighbours.contains(&sixth.id));
    let strangers = school.received(&school.stranger_mother).await;
    assert!(strangers.contains(&sixth.id) && !strangers.contains(&choir.id));
    assert!(!school.received(&school.mother).await.contains(&choir.id));

    // Filtered by class: what reached the class's families.
    let in_6b = school
        .messaging
        .clone()
        .list_announcements(with_token(
            &school.deputy_head.token,
            pb::ListAnnouncementsRequest {
                school_id: school.id.clone(),
                class_id: school.class_6b.clone(),
                include_unpublished: true,
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .announcements;
    assert_eq!(
        in_6b.iter().map(|a| a.id.clone()).collect::<Vec<_>>(),
        vec![sixth.id.clone()]
    );
}

#[tokio::test]
async fn bad_announcements_name_their_fields() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let school = School::new(&sandbox).await;
    let mut bad = school.draft(pb::Audience {
        whole_school: true,
        class_ids: vec![school.class_5a.clone()],
        ..Default::default()
    });
    bad.title = " ".into();
    bad.kind = pb::AnnouncementKind::Unspecified.into();
    bad.expire_time = Some(YESTERDAY);
    let status = school.create(&school.deputy_head, bad).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        violated_fields(&status),
        vec![
            "announcement.title",
            "announcement.kind",
            "announcement.audience",
            "announcement.expire_time",
        ]
    );
    let staff_of_a_class = school.draft(pb::Audience {
        class_ids: vec![school.class_5a.clone()],
        roles: vec![pb::AudienceRole::Staff.into()],
        ..Default::default()
    });
    let status = school
        .create(&school.deputy_head, staff_of_a_class)
        .await
        .unwrap_err();
    assert_eq!(
        violated_fields(&status),
        vec!["announcement.audience.roles"]
    );
    assert!(
        school.received(&school.mother).await.is_empty(),
        "nothing was stored"
    );
}

#[tokio::test]
async fn scheduled_news_waits_for_its_time_and_a_withdrawal_takes_it_back() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let school = School::new(&sandbox).await;
    let mut scheduled = school.draft(school.classes(&[&school.class_5a]));
    scheduled.publish_time = Some(NEXT_YEAR);
    let request = pb::CreateAnnouncementRequest {
        announcement: Some(scheduled),
        request_id: "0193a3c4-0000-7000-8000-00000000a001".into(),
    };
    let mut created = Vec::new();
    for _ in 0..2 {
        created.push(
            school
                .messaging
                .clone()
                .create_announcement(with_token(&school.teacher_5a.token, request.clone()))
                .await
                .expect("created")
                .into_inner()
                .announcement
                .unwrap()
                .id,
        );
    }
    assert_eq!(created[0], created[1], "a retry finds the first");
    let id = created[0].clone();
    assert!(school.received(&school.mother).await.is_empty());
    assert_eq!(
        school.get(&school.mother, &id).await.unwrap_err().code(),
        Code::NotFound
    );
    assert!(
        school
            .get(&school.teacher_5a, &id)
            .await
            .unwrap()
            .reach
            .is_none()
    );

    // Brought forward, it is published at once.
    let update = |announcement: pb::Announcement, paths: &[&str]| pb::UpdateAnnouncementRequest {
        announcement: Some(announcement),
        update_mask: Some(prost_types::FieldMask {
            paths: paths.iter().map(|path| (*path).to_owned()).collect(),
        }),
    };
    let now = pb::Announcement {
        school_id: school.id.clone(),
        id: id.clone(),
        publish_time: Some(YESTERDAY),
        ..Default::default()
    };
    let refused = school
        .messaging
        .clone()
        .update_announcement(with_token(
            &school.father.token,
            update(now.clone(), &["publish_time"]),
        ))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::NotFound, "a reader cannot edit it");
    school
        .messaging
        .clone()
        .update_announcement(with_token(
            &school.teacher_5a.token,
            update(now.clone(), &["publish_time"]),
        ))
        .await
        .expect("brought forward");
    assert_eq!(school.reached(&school.teacher_5a, &id).await.families, 2);
    assert_eq!(school.received(&school.mother).await, vec![id.clone()]);
    assert_eq!(school.notified(&school.mother).await, vec![id.clone()]);

    // Once published, whom it reached cannot change; its words can.
    let status = school
        .messaging
        .clone()
        .update_announcement(with_token(
            &school.teacher_5a.token,
            update(now, &["audience"]),
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    let corrected = pb::Announcement {
        school_id: school.id.clone(),
        id: id.clone(),
        title: "Собрание переносится".into(),
        ..Default::default()
    };
    school
        .messaging
        .clone()
        .update_announcement(with_token(
            &school.teacher_5a.token,
            update(corrected, &["title"]),
        ))
        .await
        .expect("corrected");
    assert_eq!(
        school.get(&school.mother, &id).await.unwrap().title,
        "Собрание переносится"
    );

    let withdraw = pb::DeleteAnnouncementRequest {
        school_id: school.id.clone(),
        id: id.clone(),
    };
    let refused = school
        .messaging
        .clone()
        .delete_announcement(with_token(&school.mother.token, withdraw.clone()))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::NotFound);
    school
        .messaging
        .clone()
        .delete_announcement(with_token(&school.teacher_5a.token, withdraw))
        .await
        .expect("withdrawn");
    assert!(school.received(&school.mother).await.is_empty());
    assert!(
        school.notified(&school.mother).await.is_empty(),
        "its notifications go too"
    );
    let kept = school
        .get(&school.teacher_5a, &id)
        .await
        .expect("the author keeps it");
    assert_eq!(kept.state(), pb::AnnouncementState::Withdrawn);

    // News reaches the feed without notifying.
    let mut news = school.draft(school.classes(&[&school.class_5a]));
    news.kind = pb::AnnouncementKind::News.into();
    let news = school.create(&school.teacher_5a, news).await.unwrap();
    school.reached(&school.teacher_5a, &news.id).await;
    assert_eq!(school.received(&school.father).await, vec![news.id]);
    assert!(school.notified(&school.father).await.is_empty());
}
