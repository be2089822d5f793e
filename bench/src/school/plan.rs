//! The school on paper: its curriculum, every class's week, who teaches
//! what, and its people's names. No calls here, only the plan the builder
//! follows.

/// One weekly hour of the curriculum: a subject every week, or two subjects
/// sharing a slot on odd and even weeks.
#[derive(Debug, Clone, Copy)]
pub(super) enum Hour {
    Every(usize),
    Alternating { odd: usize, even: usize },
}

/// Subjects and their weekly hours: 34 every week, plus one slot shared by
/// two subjects on odd and even weeks — 35 lessons a week for every class.
pub(super) const SUBJECTS: [(&str, usize); 16] = [
    ("Русский язык", 5),
    ("Литература", 3),
    ("Математика", 5),
    ("Английский язык", 3),
    ("История", 2),
    ("Обществознание", 1),
    ("География", 2),
    ("Биология", 2),
    ("Физика", 2),
    ("Химия", 2),
    ("Информатика", 1),
    ("Физическая культура", 3),
    ("Музыка", 1),
    ("Технология", 2),
    ("Изобразительное искусство", 0),
    ("Основы безопасности", 0),
];
const ODD_SUBJECT: usize = 14;
const EVEN_SUBJECT: usize = 15;
pub(super) const DAYS: usize = 5;
pub(super) const LESSONS_PER_DAY: usize = 7;
const SLOTS: usize = DAYS * LESSONS_PER_DAY;
/// Most hours a week one teacher takes.
const TEACHER_LOAD: usize = 27;
const FAMILY_NAMES: [&str; 24] = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
];
const GIVEN_NAMES: [&str; 16] = [
    "Александр",
    "Мария",
    "Дмитрий",
    "Анна",
    "Максим",
    "София",
    "Артём",
    "Виктория",
    "Михаил",
    "Полина",
    "Иван",
    "Алиса",
    "Кирилл",
    "Ева",
    "Егор",
    "Варвара",
];

/// The 35 weekly hours in the order a class's week is filled (slot `k` is
/// day `k % 5`, lesson `k / 5 + 1`): subjects taken round-robin so that
/// no subject piles up on one day.
pub(super) fn curriculum() -> Vec<Hour> {
    let mut left: Vec<usize> = SUBJECTS.iter().map(|(_, hours)| *hours).collect();
    let mut hours = Vec::with_capacity(SLOTS);
    let mut alternating_placed = false;
    while hours.len() < SLOTS {
        for (subject, remaining) in left.iter_mut().enumerate() {
            if *remaining > 0 {
                *remaining -= 1;
                hours.push(Hour::Every(subject));
            }
        }
        if !alternating_placed {
            hours.push(Hour::Alternating {
                odd: ODD_SUBJECT,
                even: EVEN_SUBJECT,
            });
            alternating_placed = true;
        }
    }
    hours.truncate(SLOTS);
    hours
}

/// A class's week: the curriculum rotated by the class's number, so that
/// classes have different days and the teachers can be spread clash-free.
pub(super) fn week_of_class(curriculum: &[Hour], class: usize) -> Vec<Hour> {
    (0..SLOTS)
        .map(|slot| curriculum[(slot + class) % SLOTS])
        .collect()
}

/// Who teaches what: for every subject, teachers taken greedily so that no
/// teacher has two classes in one slot or more than a full load.
pub(super) struct Staffing {
    /// `(subject, slots taken)` of each teacher.
    pub(super) teachers: Vec<(usize, Vec<bool>)>,
    /// `[class][subject]` → teacher index.
    pub(super) of_class: Vec<Vec<usize>>,
}

pub(super) fn staff(weeks: &[Vec<Hour>]) -> Staffing {
    let mut teachers: Vec<(usize, Vec<bool>)> = Vec::new();
    let mut of_class = vec![vec![usize::MAX; SUBJECTS.len()]; weeks.len()];
    for (subject, _) in SUBJECTS.iter().enumerate() {
        for (class, week) in weeks.iter().enumerate() {
            let slots: Vec<usize> = (0..SLOTS)
                .filter(|&slot| match week[slot] {
                    Hour::Every(s) => s == subject,
                    Hour::Alternating { odd, even } => odd == subject || even == subject,
                })
                .collect();
            if slots.is_empty() {
                continue;
            }
            let found = teachers.iter().position(|(taught, busy)| {
                *taught == subject
                    && busy.iter().filter(|taken| **taken).count() + slots.len() <= TEACHER_LOAD
                    && slots.iter().all(|&slot| !busy[slot])
            });
            let teacher = found.unwrap_or_else(|| {
                teachers.push((subject, vec![false; SLOTS]));
                teachers.len() - 1
            });
            for &slot in &slots {
                teachers[teacher].1[slot] = true;
            }
            of_class[class][subject] = teacher;
        }
    }
    Staffing { teachers, of_class }
}

pub(super) fn name(index: usize) -> (&'static str, &'static str) {
    (
        FAMILY_NAMES[index % FAMILY_NAMES.len()],
        GIVEN_NAMES[(index / FAMILY_NAMES.len() + index) % GIVEN_NAMES.len()],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_35_lessons_and_no_teacher_is_in_two_places() {
        let curriculum = curriculum();
        assert_eq!(curriculum.len(), SLOTS);
        let weeks: Vec<Vec<Hour>> = (0..40)
            .map(|class| week_of_class(&curriculum, class))
            .collect();
        let staffing = staff(&weeks);
        for slot in 0..SLOTS {
            let mut seen = std::collections::HashSet::new();
            for (class, week) in weeks.iter().enumerate() {
                let subjects = match week[slot] {
                    Hour::Every(subject) => vec![subject],
                    Hour::Alternating { odd, even } => vec![odd, even],
                };
                for subject in subjects {
                    assert!(seen.insert(staffing.of_class[class][subject]));
                }
            }
        }
        assert!(staffing.teachers.len() < 120);
    }
}
