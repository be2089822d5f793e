//! Who the demo school's people are: names that read like a real school's.

/// The teachers of the full demo, in the order `demo_term::SUBJECTS` uses;
/// the first is the `teacher` login and 5А's class teacher, the second 5Б's.
pub(super) const TEACHERS: [(&str, &str, &str); 9] = [
    ("Иванова", "Мария", "Петровна"),
    ("Соколова", "Елена", "Викторовна"),
    ("Морозова", "Ольга", "Андреевна"),
    ("Кузнецов", "Дмитрий", "Олегович"),
    ("Николаев", "Андрей", "Сергеевич"),
    ("Фролова", "Наталья", "Ивановна"),
    ("Лебедев", "Игорь", "Павлович"),
    ("Захарова", "Анна", "Михайловна"),
    ("Егоров", "Павел", "Дмитриевич"),
];
pub(super) const DEPUTY: (&str, &str, &str) = ("Васильева", "Татьяна", "Николаевна");

/// Family names (masculine, feminine) and given names for generated pupils.
pub(super) const FAMILIES: [(&str, &str); 20] = [
    ("Орлов", "Орлова"),
    ("Лебедев", "Лебедева"),
    ("Козлов", "Козлова"),
    ("Новиков", "Новикова"),
    ("Морозов", "Морозова"),
    ("Павлов", "Павлова"),
    ("Семёнов", "Семёнова"),
    ("Голубев", "Голубева"),
    ("Виноградов", "Виноградова"),
    ("Богданов", "Богданова"),
    ("Воробьёв", "Воробьёва"),
    ("Фёдоров", "Фёдорова"),
    ("Михайлов", "Михайлова"),
    ("Беляев", "Беляева"),
    ("Тарасов", "Тарасова"),
    ("Белов", "Белова"),
    ("Комаров", "Комарова"),
    ("Киселёв", "Киселёва"),
    ("Макаров", "Макарова"),
    ("Андреев", "Андреева"),
];
pub(super) const BOYS: [&str; 10] = [
    "Александр",
    "Максим",
    "Михаил",
    "Даниил",
    "Матвей",
    "Кирилл",
    "Егор",
    "Никита",
    "Тимофей",
    "Роман",
];
pub(super) const GIRLS: [&str; 10] = [
    "София",
    "Анастасия",
    "Виктория",
    "Полина",
    "Алиса",
    "Ксения",
    "Дарья",
    "Вероника",
    "Варвара",
    "Ульяна",
];
/// Fathers' names as (patronymic of a son, of a daughter).
pub(super) const PATRONYMICS: [(&str, &str); 6] = [
    ("Сергеевич", "Сергеевна"),
    ("Андреевич", "Андреевна"),
    ("Дмитриевич", "Дмитриевна"),
    ("Олегович", "Олеговна"),
    ("Игоревич", "Игоревна"),
    ("Павлович", "Павловна"),
];
pub(super) const CLASS_SIZE: usize = 25;

/// The `index`-th generated pupil of class `class`: varied, the same every run.
pub(super) fn pupil(class: usize, index: usize) -> (String, String, String) {
    let (he, she) = FAMILIES[(index * 7 + class * 3) % FAMILIES.len()];
    let (son, daughter) = PATRONYMICS[(index + class) % PATRONYMICS.len()];
    if index.is_multiple_of(2) {
        (
            he.into(),
            BOYS[(index / 2 + class) % BOYS.len()].into(),
            son.into(),
        )
    } else {
        (
            she.into(),
            GIRLS[(index / 2 + class) % GIRLS.len()].into(),
            daughter.into(),
        )
    }
}

pub(super) const STUDENTS: [(&str, &str, &str); 5] = [
    ("Петров", "Иван", "Алексеевич"),
    ("Смирнова", "Анна", "Сергеевна"),
    ("Кузнецов", "Дмитрий", "Игоревич"),
    ("Волкова", "Мария", "Андреевна"),
    ("Соколов", "Артём", "Павлович"),
];
