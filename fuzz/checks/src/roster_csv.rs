//! Identity's roster import: a OneRoster CSV file read into rows, and the
//! rows' roles and class names read as identity keeps them.
//!
//! Input: one byte choosing the file (users, classes, enrollments), then
//! the file.

use otmetka_identity::fuzzing::{
    CLASS_COLUMNS, CLASSES, ClassRow, ENROLLMENT_COLUMNS, ENROLLMENTS, EnrollmentRow, Report,
    USER_COLUMNS, USERS, UserRow, class_name, person_kind, rows,
};

fn check_report(report: &Report, file: &str, rows: &[u64]) {
    for error in &report.errors {
        assert_eq!(error.file, file);
        assert!(!error.field.is_empty(), "{error:?}");
        assert!(!error.description.is_empty(), "{error:?}");
    }
    // Rows come after the header (line 1), in file order.
    assert!(rows.iter().all(|&line| line >= 2), "{rows:?}");
    assert!(rows.windows(2).all(|pair| pair[0] < pair[1]), "{rows:?}");
}

/// Checks the target's properties on one input; panics when one fails.
pub fn roster_csv(data: &[u8]) {
    let Some((&choice, content)) = data.split_first() else {
        return;
    };
    let mut report = Report::default();
    match choice % 3 {
        0 => {
            let users: Vec<(u64, UserRow)> = rows(USERS, content, &USER_COLUMNS, &mut report);
            for (_, user) in &users {
                if let Some((_, staff_role)) = person_kind(&user.role) {
                    let staff = matches!(
                        user.role.as_str(),
                        "teacher" | "administrator" | "principal"
                    );
                    assert_eq!(staff_role.is_some(), staff);
                }
            }
            let lines: Vec<u64> = users.iter().map(|(line, _)| *line).collect();
            check_report(&report, USERS, &lines);
        }
        1 => {
            let classes: Vec<(u64, ClassRow)> = rows(CLASSES, content, &CLASS_COLUMNS, &mut report);
            for (_, class) in &classes {
                match class_name(&class.title, &class.grades) {
                    Ok((grade, letter)) => {
                        assert!((0..=11).contains(&grade));
                        assert!(!letter.is_empty() && letter.chars().count() <= 8);
                        assert_eq!(letter, letter.to_uppercase());
                        assert_eq!(letter, letter.trim());
                    }
                    Err((field, message)) => {
                        assert!(field == "grades" || field == "title");
                        assert!(!message.is_empty());
                    }
                }
            }
            let lines: Vec<u64> = classes.iter().map(|(line, _)| *line).collect();
            check_report(&report, CLASSES, &lines);
        }
        _ => {
            let enrollments: Vec<(u64, EnrollmentRow)> =
                rows(ENROLLMENTS, content, &ENROLLMENT_COLUMNS, &mut report);
            let lines: Vec<u64> = enrollments.iter().map(|(line, _)| *line).collect();
            check_report(&report, ENROLLMENTS, &lines);
        }
    }
}
