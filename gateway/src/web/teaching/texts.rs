//! The teacher's words.

use crate::web::i18n::texts;

texts! {
    /// The lessons of a day, the journal grid and the lesson page.
    TeachingTexts {
        my_lessons: "Мои уроки"
            / "My lessons",
        days: "Дни"
            / "Days",
        previous_day: "Предыдущий день"
            / "Previous day",
        next_day: "Следующий день"
            / "Next day",
        today: "Сегодня"
            / "Today",
        no_lessons: "Уроков нет"
            / "No lessons",
        lesson: "Урок"
            / "Lesson",
        room: "Кабинет"
            / "Room",
        topic: "Тема"
            / "Topic",
        no_topic: "Тема не указана"
            / "No topic yet",
        group: "группа"
            / "group",
        substituting: "вы заменяете"
            / "you substitute",
        cancelled: "Урок отменён"
            / "Lesson cancelled",
        my_journals: "Мои журналы"
            / "My journals",
        no_journals: "Вам пока не назначен ни один класс."
            / "No class is assigned to you yet.",
        no_period: "нет учебного периода"
            / "no reporting period",
        journal: "Журнал"
            / "Journal",
        student: "Ученик"
            / "Student",
        average: "Средний балл"
            / "Average",
        grid_label: "Журнал: таблица прокручивается по горизонтали"
            / "Journal: the table scrolls sideways",
        period_closed: "Период закрыт: изменить журнал можно только после его открытия завучем."
            / "The period is closed: the journal changes only once the deputy head reopens it.",
        no_students: "В классе нет учеников."
            / "The class has no students.",
        no_columns: "В этом периоде уроков нет."
            / "There are no lessons in this period.",
        how_to_enter: "Как ставить отметки с клавиатуры"
            / "Entering marks from the keyboard",
        how_to_enter_text: "Выберите клетку стрелками или клавишей Tab, наберите отметку (5, 4-, зачёт) или обозначение и нажмите Enter. Esc отменяет набор. Без JavaScript отметки ставятся на странице урока: ссылка в заголовке столбца."
            / "Move to a cell with the arrow keys or Tab, type a mark (5, 4-, зачёт) or a sign, and press Enter. Esc discards what you typed. Without JavaScript, marks are set on the lesson's page: follow the column's heading.",
        signs: "Обозначения"
            / "Signs",
        sign_pending: "точка: ученик должен ответить"
            / "dot: the student owes an answer",
        sign_not_submitted: "не сдал работу"
            / "did not hand in the work",
        sign_exempt: "освобождён"
            / "exempt",
        sign_absent: "отсутствовал на работе"
            / "absent from the work",
        type_it: "набрать"
            / "type",
        attendance_signs: "Посещаемость: Н — отсутствовал, Б — болел, УП — уважительная причина, ОП — опоздал."
            / "Attendance: Н absent, Б ill, УП excused, ОП late.",
        saved: "Сохранено"
            / "Saved",
        saving: "Сохраняется…"
            / "Saving…",
        save_failed: "Не сохранено"
            / "Not saved",
        back_to_lessons: "К моим урокам"
            / "Back to my lessons",
        to_journal: "Журнал класса"
            / "The class's journal",
        save_topic: "Сохранить тему"
            / "Save the topic",
        attendance: "Посещаемость"
            / "Attendance",
        save_attendance: "Сохранить посещаемость"
            / "Save attendance",
        present: "присутствовал"
            / "present",
        absent: "Н — отсутствовал"
            / "Н — absent",
        ill: "Б — болел"
            / "Б — ill",
        excused: "УП — уважительная причина"
            / "УП — excused",
        late: "ОП — опоздал"
            / "ОП — late",
        marks: "Отметки"
            / "Marks",
        save_marks: "Сохранить отметки"
            / "Save marks",
        marks_hint: "Пустые поля пропускаются. Можно набрать обозначение: . (точка), н, осв, отс."
            / "Empty fields are skipped. A sign may be typed: . (dot), н, осв, отс.",
        no_period_for_lesson: "Урок вне учебного периода: отметки и посещаемость не ведутся."
            / "The lesson is outside every reporting period: no marks or attendance.",
        fix_errors: "Исправьте отмеченные поля."
            / "Fix the fields marked below.",
        late_minutes: "минут опоздания"
            / "minutes late",
        homework: "Домашнее задание"
            / "Homework",
        no_homework: "Домашнего задания нет."
            / "No homework.",
        due_on: "к"
            / "due",
        due_here: "задано к этому уроку"
            / "due on this lesson",
        open_mark: "исправить или отменить"
            / "correct or withdraw",
        submissions: "Сданные работы"
            / "Handed-in work",
        no_answers: "Пока никто не сдал работу."
            / "Nobody has handed anything in yet.",
        answer_handed_in: "сдана, ждёт проверки"
            / "handed in, awaiting review",
        answer_returned: "возвращена на доработку"
            / "returned for rework",
        answer_marked: "оценена"
            / "marked",
        handed_in_late: "с опозданием"
            / "late",
        handed_in_at: "Сдана"
            / "Handed in",
        your_comment: "Ваш комментарий"
            / "Your comment",
        answer_mark: "Оценка"
            / "Mark",
        answer_comment: "Комментарий ученику"
            / "Comment for the student",
        mark_answer: "Оценить"
            / "Mark it",
        return_answer: "Вернуть на доработку"
            / "Return for rework",
        review_hint: "Оценка попадёт в журнал на урок, к которому было задание. Чтобы вернуть работу, напишите в комментарии, что исправить."
            / "The mark goes into the journal on the lesson the homework was due. To return the work, say in the comment what to fix.",
        mark_in_journal: "Оценка в журнале"
            / "The mark in the journal",
        back_to_lesson: "К уроку"
            / "Back to the lesson",
        set_homework: "Задать домашнее задание"
            / "Set homework",
        homework_text: "Задание"
            / "Task",
        due_lesson: "К какому уроку"
            / "Due on",
        no_next_lessons: "В ближайшие четыре недели уроков этого предмета нет: задание задать не к чему."
            / "There is no lesson of this subject in the next four weeks to set homework for.",
        submission_required: "Ученики сдают работу"
            / "Students hand in work",
        files: "Файлы"
            / "Files",
        files_hint: "PDF, изображения, документы, текст; до 20 МБ каждый."
            / "PDF, images, documents, text; up to 20 MB each.",
        mark_weight: "вес"
            / "weight",
        write_to_families: "Написать семьям…"
            / "Write to families…",
        finals: "Итоговые оценки"
            / "Final marks",
        finals_hint: "Средний балл и предлагаемая оценка посчитаны по правилам школы; итоговую выставляет учитель. Чтобы исправить выставленную, укажите причину."
            / "The average and the suggested mark follow the school's rules; the teacher sets the final mark. Changing one that is set needs a reason.",
        suggested: "предлагается"
            / "suggested",
        final_mark: "Итоговая"
            / "Final",
        not_set: "не выставлена"
            / "not set",
        reason_for_change: "Причина исправления"
            / "Reason for the change",
        set_final: "Выставить"
            / "Set",
        change_final: "Исправить"
            / "Change",
        ask_reopen: "Попросить открыть журнал"
            / "Ask to reopen the journal",
        ask_reopen_hint: "Завуч увидит запрос с причиной и решит, открыть ли журнал для исправлений."
            / "The deputy head sees the request with its reason and decides whether to reopen the journal.",
        reopen_reason: "Что нужно исправить и почему"
            / "What needs correcting, and why",
        send_request: "Отправить запрос"
            / "Send the request",
        reopen_pending: "Запросы, которые ждут решения:"
            / "Requests waiting for a decision:",
    }
}
