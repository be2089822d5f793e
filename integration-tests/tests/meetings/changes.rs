//! An individual meeting and its changes: only the named students'
//! guardians are invited, whom it invites is fixed once they are, and a new
//! time or place is told once per change.

use super::*;

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
