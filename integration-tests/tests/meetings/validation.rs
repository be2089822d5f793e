//! Bad input refused with each field named, and nothing stored.

use super::*;

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
