//! The demo's calendar and timetable: quarters and vacations, bells, and
//! two classes' weeks that never need one teacher twice at once.

use super::*;

/// Subjects of the fifth grade and who teaches each (indices into the
/// school's teachers). English has one teacher per group.
pub const SUBJECTS: [(&str, &[usize]); 12] = [
    ("Математика", &[0]),
    ("Русский язык", &[1]),
    ("Литература", &[1]),
    ("Английский язык", &[2, 3]),
    ("История", &[4]),
    ("Биология", &[5]),
    ("География", &[5]),
    ("Физическая культура", &[6]),
    ("Музыка", &[7]),
    ("Изобразительное искусство", &[7]),
    ("Технология", &[8]),
    ("Информатика", &[8]),
];
pub(super) const MATHS: usize = 0;
pub(super) const RUSSIAN: usize = 1;
pub(super) const LITERATURE: usize = 2;
pub(super) const ENGLISH: usize = 3;
pub(super) const HISTORY: usize = 4;
pub(super) const BIOLOGY: usize = 5;
pub(super) const GEOGRAPHY: usize = 6;
pub(super) const PE: usize = 7;
pub(super) const MUSIC: usize = 8;
pub(super) const ART: usize = 9;
pub(super) const TECHNOLOGY: usize = 10;
pub(super) const COMPUTING: usize = 11;

/// A slot of the week: the subject, and on odd weeks another one instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Slot {
    pub(super) subject: usize,
    pub(super) odd_weeks: Option<usize>,
}

pub(super) const fn every(subject: usize) -> Slot {
    Slot {
        subject,
        odd_weeks: None,
    }
}

/// 5А's week, Monday to Friday; 5Б takes the same lessons in an order that
/// keeps every teacher in one room at a time.
pub(super) const WEEK: [&[Slot]; 5] = [
    &[
        every(RUSSIAN),
        every(MATHS),
        every(ENGLISH),
        every(HISTORY),
        every(PE),
        every(LITERATURE),
    ],
    &[
        every(MATHS),
        every(RUSSIAN),
        every(BIOLOGY),
        every(ENGLISH),
        every(MUSIC),
    ],
    &[
        every(MATHS),
        every(RUSSIAN),
        every(LITERATURE),
        every(GEOGRAPHY),
        every(PE),
        every(ART),
    ],
    &[
        every(MATHS),
        every(RUSSIAN),
        every(ENGLISH),
        every(HISTORY),
        Slot {
            subject: TECHNOLOGY,
            odd_weeks: Some(COMPUTING),
        },
    ],
    &[
        every(MATHS),
        every(RUSSIAN),
        every(LITERATURE),
        every(TECHNOLOGY),
        every(PE),
    ],
];

pub(super) const BELLS: [(&str, &str); 6] = [
    ("08:30", "09:15"),
    ("09:25", "10:10"),
    ("10:30", "11:15"),
    ("11:35", "12:20"),
    ("12:30", "13:15"),
    ("13:25", "14:10"),
];

pub(super) fn teachers_of(slot: Slot) -> Vec<usize> {
    let mut teachers = SUBJECTS[slot.subject].1.to_vec();
    if let Some(odd) = slot.odd_weeks {
        teachers.extend_from_slice(SUBJECTS[odd].1);
    }
    teachers
}

/// An order of `day` in which no teacher has a lesson at the same number
/// as in `taken` (the other class's day), found by backtracking.
pub(super) fn clash_free_order(day: &[Slot], taken: &[Slot]) -> Option<Vec<Slot>> {
    fn place(left: &mut Vec<Slot>, order: &mut Vec<Slot>, taken: &[Slot]) -> bool {
        if left.is_empty() {
            return true;
        }
        let busy: Vec<usize> = taken
            .get(order.len())
            .map(|s| teachers_of(*s))
            .unwrap_or_default();
        for index in 0..left.len() {
            let slot = left[index];
            if teachers_of(slot).iter().any(|t| busy.contains(t)) {
                continue;
            }
            left.remove(index);
            order.push(slot);
            if place(left, order, taken) {
                return true;
            }
            order.pop();
            left.insert(index, slot);
        }
        false
    }
    // Rotated by one first, so that the two classes' days differ visibly.
    let mut left: Vec<Slot> = day
        .iter()
        .cycle()
        .skip(1)
        .take(day.len())
        .copied()
        .collect();
    let mut order = Vec::new();
    place(&mut left, &mut order, taken).then_some(order)
}

/// The two classes' weeks: 5А's as written, 5Б's reordered.
pub(super) fn weeks() -> [Vec<Vec<Slot>>; 2] {
    let first: Vec<Vec<Slot>> = WEEK.iter().map(|day| day.to_vec()).collect();
    let second = first
        .iter()
        .map(|day| clash_free_order(day, day).expect("a clash-free order exists"))
        .collect();
    [first, second]
}

/// A span of days, both ends included.
pub(super) type Span = (NaiveDate, NaiveDate);

/// The quarters of a grade-5 year starting on 1 September of `year`, and the
/// vacations between them.
pub(super) fn quarters(year: i32) -> ([Span; 4], [(&'static str, NaiveDate, NaiveDate); 3]) {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
    (
        [
            (date(year, 9, 1), date(year, 10, 24)),
            (date(year, 11, 3), date(year, 12, 27)),
            (date(year + 1, 1, 12), date(year + 1, 3, 21)),
            (date(year + 1, 3, 30), date(year + 1, 5, 26)),
        ],
        [
            ("Осенние каникулы", date(year, 10, 25), date(year, 11, 2)),
            ("Зимние каникулы", date(year, 12, 28), date(year + 1, 1, 11)),
            (
                "Весенние каникулы",
                date(year + 1, 3, 22),
                date(year + 1, 3, 29),
            ),
        ],
    )
}

pub(super) const NUMERALS: [&str; 4] = ["I", "II", "III", "IV"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_classes_never_share_a_teacher_at_the_same_time() {
        let [first, second] = weeks();
        for (a, b) in first.iter().zip(&second) {
            let mut sorted_a: Vec<usize> = a.iter().map(|s| s.subject).collect();
            let mut sorted_b: Vec<usize> = b.iter().map(|s| s.subject).collect();
            sorted_a.sort_unstable();
            sorted_b.sort_unstable();
            assert_eq!(sorted_a, sorted_b, "the same lessons, in another order");
            for (x, y) in a.iter().zip(b) {
                assert!(
                    !teachers_of(*x).iter().any(|t| teachers_of(*y).contains(t)),
                    "{x:?} and {y:?} share a teacher"
                );
            }
        }
        let lessons: usize = first.iter().map(Vec::len).sum();
        assert_eq!(lessons, 27);
    }

    #[test]
    fn quarters_and_vacations_follow_each_other() {
        let (terms, vacations) = quarters(2026);
        for (index, (_, start, end)) in vacations.iter().enumerate() {
            assert_eq!(*start, terms[index].1 + Days::new(1));
            assert_eq!(*end + Days::new(1), terms[index + 1].0);
        }
    }
}
