//! The family's words.

use crate::web::i18n::texts;

texts! {
    /// The diary and everything a guardian or student reads.
    FamilyTexts {
        diary: "Дневник"
            / "Diary",
        week_of: "Неделя"
            / "Week",
        previous_week: "Предыдущая неделя"
            / "Previous week",
        next_week: "Следующая неделя"
            / "Next week",
        this_week: "Текущая неделя"
            / "This week",
        choose_child: "Ребёнок"
            / "Child",
        no_lessons: "Уроков нет"
            / "No lessons",
        lesson: "Урок"
            / "Lesson",
        substitute: "замена"
            / "substitute",
        room: "Кабинет"
            / "Room",
        topic: "Тема"
            / "Topic",
        homework_due: "Задано к уроку"
            / "Due for this lesson",
        homework_set: "Задано на уроке"
            / "Set in this lesson",
        marks: "Оценки"
            / "Marks",
        mark_weight: "вес"
            / "weight",
        attendance: "Посещаемость"
            / "Attendance",
        cancelled: "Урок отменён"
            / "Lesson cancelled",
        new_mark: "новая"
            / "new",
        marks_unavailable: "Оценки сейчас недоступны; расписание показано полностью. Обновите страницу позже."
            / "Marks cannot be shown right now; the timetable is complete. Reload the page later.",
        homework: "Домашнее задание"
            / "Homework",
        due_by: "сдать к"
            / "due by",
        answer: "Ответ"
            / "Answer",
        answer_text: "Текст ответа"
            / "Answer",
        answer_files: "Файлы"
            / "Files",
        answer_files_hint: "До 20 файлов, каждый не больше 20 МБ: PDF, изображения, документы, текст."
            / "Up to 20 files of at most 20 MB each: PDF, images, documents, text.",
        answer_files_replace: "Новые файлы заменят сданные раньше; без новых файлов останутся прежние."
            / "New files replace those handed in before; without new files the old ones stay.",
        hand_in: "Сдать работу"
            / "Hand in",
        change_answer: "Изменить ответ"
            / "Change the answer",
        hand_in_again: "Сдать снова"
            / "Hand in again",
        handed_in_at: "Сдано"
            / "Handed in",
        handed_in_late: "с опозданием"
            / "late",
        teacher_comment: "Комментарий учителя"
            / "Teacher's comment",
        mark_for_answer: "Оценка за работу"
            / "Mark for this work",
        not_handed_in: "Работа ещё не сдана."
            / "Nothing handed in yet.",
        open_homework: "Открыть задание"
            / "Open the homework",
        submission_required: "нужно сдать"
            / "to hand in",
        submitted: "сдано"
            / "handed in",
        returned: "возвращено на доработку"
            / "returned for rework",
        marked: "проверено"
            / "marked",
        absent: "Н — отсутствовал"
            / "Absent",
        ill: "Б — болел"
            / "Ill",
        excused: "УП — уважительная причина"
            / "Excused",
        late: "ОП — опоздал"
            / "Late",
        mark: "Оценка"
            / "Mark",
        lesson_date: "Дата урока"
            / "Lesson date",
        posted_by: "Выставил(а)"
            / "Given by",
        posted_at: "Выставлена"
            / "Given on",
        weight: "Вес"
            / "Weight",
        comment: "Комментарий"
            / "Comment",
        seen_at: "Просмотрена"
            / "Seen on",
        mark_as_seen: "Отметить как просмотренную"
            / "Mark as seen",
        history: "История изменений"
            / "History of changes",
        reason: "Причина"
            / "Reason",
        posted: "выставлена"
            / "given",
        withdrawn: "отменена"
            / "withdrawn",
        back_to_lesson: "К уроку"
            / "Back to the lesson",
        back_to_lessons: "К моим урокам"
            / "Back to my lessons",
        correct_mark: "Исправить оценку"
            / "Correct the mark",
        new_value: "Новая оценка или знак"
            / "New mark or sign",
        change_reason: "Причина (видна семье в истории)"
            / "Reason (the family sees it in the history)",
        withdraw_mark: "Отменить оценку"
            / "Withdraw the mark",
        withdraw_hint: "Отменённая оценка не учитывается в среднем, но остаётся в истории."
            / "A withdrawn mark no longer counts in the average but stays in the history.",
        back_to_week: "К неделе"
            / "Back to the week",
        exempt: "освобождён"
            / "exempt",
        not_submitted: "не сдано"
            / "not handed in",
        absent_from_work: "отсутствовал(а)"
            / "absent",
        pending: "точка — оценка будет позже"
            / "pending («точка»)",
        no_changes: "Оценка не менялась."
            / "The mark has not been changed.",
        tab_week: "Неделя"
            / "Week",
        tab_subjects: "Оценки по предметам"
            / "Marks by subject",
        tab_subjects_short: "Предметы"
            / "Subjects",
        tab_finals: "Итоговые"
            / "Final marks",
        tab_attendance: "Посещаемость"
            / "Attendance",
        finals_caption: "Итоговые оценки за периоды и год"
            / "Final marks of the periods and the year",
        no_finals: "Итоговых оценок пока нет."
            / "No final marks yet.",
        subject: "Предмет"
            / "Subject",
        no_absences: "В этом периоде пропусков и опозданий нет."
            / "No absences or lateness in this period.",
        missed_in_period: "Пропуски за период (уроков)"
            / "Missed in the period (lessons)",
        absences_by_day: "Пропуски и опоздания по дням"
            / "Absences and lateness by day",
        minutes: "мин"
            / "min",
        diary_sections: "Разделы дневника"
            / "Diary sections",
        period: "Период"
            / "Period",
        show: "Показать"
            / "Show",
        average: "Средний балл"
            / "Average",
        suggested: "предлагается"
            / "suggested",
        how_counted: "Как посчитано"
            / "How it is counted",
        what_it_takes: "Что нужно, чтобы получить"
            / "What it takes to get",
        find_out: "Узнать"
            / "Find out",
        reachable_with: "Достаточно получить ещё:"
            / "It takes:",
        unreachable: "В этом периоде уже не получится."
            / "Not reachable in this period any more.",
        no_marks_in_period: "В этом периоде оценок пока нет."
            / "No marks in this period yet.",
        no_periods: "Периоды ещё не заданы школой."
            / "The school has not set its periods yet.",
        enter_code: "Ввести код доступа"
            / "Enter an access code",
        no_children: "К вашей учётной записи пока не привязан ни один ребёнок. Введите код доступа, который выдала школа."
            / "No child is linked to your account yet. Enter the access code your school gave you.",
    }
}
