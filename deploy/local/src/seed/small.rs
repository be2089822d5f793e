//! The small demo's marks (tests start many suites): two weeks of them.

use super::*;

/// The last `count` school days (Monday–Friday) before `today`, oldest first.
pub(super) fn recent_school_days(today: NaiveDate, count: usize) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = (1..)
        .filter_map(|back| today.checked_sub_days(Days::new(back)))
        .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
        .take(count)
        .collect();
    days.reverse();
    days
}

/// Two weeks of marks, varied but the same on every run.
pub(super) async fn post_marks(
    teacher: &Caller,
    students: &[String],
    subjects: &[String],
    first_day: NaiveDate,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    const VALUES: [&str; 9] = ["5", "4", "5", "3", "4", "5", "4-", "2", "5+"];
    const COMMENTS: [&str; 3] = ["", "Отличный ответ у доски", "Контрольная работа"];
    let mut posted = 0;
    let days = recent_school_days(today, 10)
        .into_iter()
        .filter(|day| *day >= first_day);
    for (day_index, day) in days.enumerate() {
        for (student_index, student_id) in students.iter().enumerate() {
            let turn = day_index * 7 + student_index * 3;
            if turn % 3 == 0 {
                continue;
            }
            let subject_id = &subjects[turn % subjects.len()];
            teacher
                .gradebook
                .clone()
                .create_mark(teacher.request(gradebook::CreateMarkRequest {
                    student_id: student_id.clone(),
                    subject_id: subject_id.clone(),
                    lesson_date: day.to_string(),
                    value: VALUES[turn % VALUES.len()].into(),
                    weight: if turn % 5 == 0 { 2 } else { 1 },
                    comment: COMMENTS[turn % COMMENTS.len()].into(),
                    request_id: format!("demo-{day}-{student_index}"),
                    ..Default::default()
                })?)
                .await?;
            posted += 1;
        }
    }
    Ok(posted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_days_skip_weekends_and_today() {
        let saturday = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let days = recent_school_days(saturday, 6);
        assert_eq!(days.len(), 6);
        assert!(
            days.iter()
                .all(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        );
        assert_eq!(
            *days.last().unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
        );
        assert!(days.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
