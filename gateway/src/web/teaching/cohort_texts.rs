//! The words of the page that writes to the families of chosen students.

use crate::web::i18n::texts;

texts! {
    /// Picking a journal's students by standing and writing to their families.
    CohortTexts {
        heading: "Написать семьям"
            / "Write to families",
        hint: "Выберите учеников по среднему баллу и пропускам: каждой семье уйдёт отдельное сообщение."
            / "Pick students by average and absences: each family gets a message of its own.",
        filter: "Кого выбрать"
            / "Whom to pick",
        average_below: "Средний балл ниже"
            / "Average below",
        absences_at_least: "Пропусков не меньше"
            / "Absences at least",
        match_all: "Оба условия сразу"
            / "Both conditions at once",
        show: "Показать"
            / "Show",
        nobody_found: "Таких учеников нет."
            / "No student matches.",
        student: "Ученик"
            / "Student",
        average: "Средний балл"
            / "Average",
        absences: "Пропуски"
            / "Absences",
        of_lessons: "из"
            / "of",
        guardians: "Родители"
            / "Guardians",
        no_guardians: "нет родителей, которым можно написать"
            / "no guardians you may write to",
        write: "Писать"
            / "Write",
        message: "Сообщение"
            / "Message",
        subject: "Тема"
            / "Subject",
        text: "Текст"
            / "Text",
        send: "Отправить"
            / "Send",
        sent_to: "Отправлено семьям"
            / "Sent to families",
        not_sent: "Не отправлено"
            / "Not sent",
        refused: "семье этого ученика написать нельзя"
            / "this student's family cannot be written to",
        again: "Выбрать других учеников"
            / "Pick other students",
    }
}
