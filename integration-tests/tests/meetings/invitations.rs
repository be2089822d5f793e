//! Inviting and replying: who may plan a meeting for which class, each
//! guardian of the class invited and told once, what each reader lists, and
//! the replies counted for the organizer until the meeting is cancelled.

use super::*;

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
