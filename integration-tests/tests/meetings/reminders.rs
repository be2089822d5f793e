//! The reminder the day before: once per start, across a restart, not to
//! who declined, and again for a moved meeting.

use super::*;

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
