//! The words of the timetable pages: bells, the weekly timetable, holidays,
//! building lessons and substitutions.

use crate::web::i18n::texts;

texts! {
    /// What a deputy head reads while keeping the timetable.
    ScheduleTexts {
        bells: "Звонки"
            / "Bells",
        bells_about: "Расписания звонков: когда начинается и заканчивается каждый урок."
            / "Bell schedules: when each lesson begins and ends.",
        timetable: "Расписание"
            / "Timetable",
        timetable_about: "Недельное расписание класса: предмет, учитель и кабинет на каждый урок."
            / "A class's weekly timetable: subject, teacher and room of each lesson.",
        holidays: "Каникулы и праздники"
            / "Holidays and vacations",
        holidays_about: "Дни без уроков: каникулы, праздники и другие."
            / "Days without lessons: vacations, public holidays and others.",
        generation: "Построить уроки"
            / "Build lessons",
        generation_about: "Уроки по датам из расписания, звонков и каникул; оценки и ручные изменения сохраняются."
            / "Dated lessons from the timetable, bells and holidays; marks and manual changes are kept.",
        substitutions: "Замены"
            / "Substitutions",
        substitutions_about: "Уроки дня: замена учителя, отмена урока, другой кабинет."
            / "A day's lessons: a substitute teacher, cancelling a lesson, another room.",
        add_bells: "Добавить расписание звонков"
            / "Add a bell schedule",
        edit_bells: "Изменить расписание звонков"
            / "Edit the bell schedule",
        no_bells: "Расписаний звонков пока нет."
            / "No bell schedules yet.",
        default_bells: "Основное расписание школы"
            / "The school's default",
        name: "Название"
            / "Name",
        lesson: "Урок"
            / "Lesson",
        lesson_number: "Номер урока"
            / "Lesson number",
        starts: "Начало"
            / "Starts",
        ends: "Конец"
            / "Ends",
        slots_hint: "Оставьте пустыми уроки, которых нет."
            / "Leave the lessons there are not empty.",
        save: "Сохранить"
            / "Save",
        edit: "Изменить"
            / "Edit",
        delete: "Удалить"
            / "Delete",
        in_use: "Удалить нельзя: это расписание звонков используется в расписании уроков."
            / "It cannot be deleted: the timetable uses it.",
        clash: "Занято: в это время у класса, учителя или в кабинете уже есть урок."
            / "Taken: the class, the teacher or the room already has a lesson then.",
        class: "Класс"
            / "Class",
        group: "Группа"
            / "Group",
        whole_class: "Весь класс"
            / "The whole class",
        no_classes: "В школе нет классов."
            / "The school has no classes.",
        no_year: "Учебный год ещё не создан."
            / "No academic year yet.",
        weekday: "День недели"
            / "Day of the week",
        subject: "Предмет"
            / "Subject",
        teacher: "Учитель"
            / "Teacher",
        room: "Кабинет"
            / "Room",
        room_short: "каб."
            / "room",
        periodicity: "Недели"
            / "Weeks",
        every_week: "Каждую неделю"
            / "Every week",
        odd_weeks: "По нечётным неделям"
            / "Odd weeks",
        even_weeks: "По чётным неделям"
            / "Even weeks",
        from: "С"
            / "From",
        to: "По"
            / "To",
        dates_hint: "Пустые даты — весь учебный год."
            / "Empty dates mean the whole academic year.",
        bell_schedule: "Звонки"
            / "Bells",
        school_default: "Основное расписание звонков"
            / "The school's default bells",
        add_entry: "Добавить урок в расписание"
            / "Add a lesson to the timetable",
        edit_entry: "Изменить урок в расписании"
            / "Edit a timetable lesson",
        choose: "— выберите —"
            / "— choose —",
        add_holiday: "Добавить каникулы или праздник"
            / "Add a holiday",
        edit_holiday: "Изменить каникулы или праздник"
            / "Edit the holiday",
        no_holidays: "Дней без уроков пока нет."
            / "No days without lessons yet.",
        kind: "Вид"
            / "Kind",
        vacation: "Каникулы"
            / "Vacation",
        public_holiday: "Праздник"
            / "Public holiday",
        no_lessons: "Нет уроков (карантин, погода, мероприятие)"
            / "No lessons (quarantine, weather, an event)",
        grades: "Только для параллелей"
            / "Only for grades",
        grades_hint: "Через запятую, например 1, 2; пусто — вся школа."
            / "Separated by commas, such as 1, 2; empty for the whole school.",
        whole_school: "Вся школа"
            / "The whole school",
        academic_year: "Учебный год"
            / "Academic year",
        all_classes: "Все классы"
            / "All classes",
        dry_run: "Только посчитать, ничего не менять"
            / "Only count, change nothing",
        build: "Построить"
            / "Build",
        result: "Результат"
            / "Result",
        result_dry: "Результат проверки (ничего не изменено)"
            / "What would change (nothing changed)",
        created: "Создано уроков"
            / "Lessons created",
        updated: "Изменено по расписанию"
            / "Updated to follow the timetable",
        removed: "Удалено"
            / "Removed",
        unchanged: "Без изменений"
            / "Unchanged",
        orphaned: "Оставлено, потому что есть оценки, посещаемость или задания"
            / "Kept for their marks, attendance or homework",
        date: "Дата"
            / "Date",
        show: "Показать"
            / "Show",
        previous_day: "← Предыдущий день"
            / "← Previous day",
        next_day: "Следующий день →"
            / "Next day →",
        no_lessons_day: "В этот день уроков нет."
            / "No lessons that day.",
        cancelled: "Отменён"
            / "Cancelled",
        substitute: "Замена"
            / "Substitute",
        no_substitute: "— без замены —"
            / "— no substitute —",
        substitution_reason: "Причина замены"
            / "Why someone substitutes",
        cancel_reason: "Причина отмены"
            / "Why it is cancelled",
        set_substitute: "Назначить замену"
            / "Set the substitute",
        cancel_lesson: "Отменить урок"
            / "Cancel the lesson",
        restore_lesson: "Вернуть урок"
            / "Restore the lesson",
        change_room: "Сменить кабинет"
            / "Change the room",
        room_hint: "Пусто — плановый кабинет."
            / "Empty for the planned room.",
        planned: "по плану"
            / "planned",
        failed: "Не сохранено"
            / "Not saved",
        field_name: "название"
            / "name",
        field_slots: "уроки"
            / "lessons",
        field_class: "класс"
            / "class",
        field_group: "группа"
            / "group",
        field_weekday: "день недели"
            / "day of the week",
        field_lesson: "номер урока"
            / "lesson number",
        field_subject: "предмет"
            / "subject",
        field_teacher: "учитель"
            / "teacher",
        field_room: "кабинет"
            / "room",
        field_from: "начало"
            / "start",
        field_to: "конец"
            / "end",
        field_bells: "звонки"
            / "bells",
        field_kind: "вид"
            / "kind",
        field_grades: "параллели"
            / "grades",
        field_reason: "причина"
            / "reason",
        field_date: "дата"
            / "date",
        field_year: "учебный год"
            / "academic year",
    }
}

impl ScheduleTexts {
    /// A form field's name as the pages call it.
    pub fn field<'a>(&'static self, field: &'a str) -> &'a str {
        match field {
            "name" => self.field_name,
            "slots" => self.field_slots,
            "class_id" => self.field_class,
            "group_id" => self.field_group,
            "weekday" => self.field_weekday,
            "lesson_number" => self.field_lesson,
            "subject_id" => self.field_subject,
            "teacher_id" => self.field_teacher,
            "room" => self.field_room,
            "start_date" | "from" => self.field_from,
            "end_date" | "to" => self.field_to,
            "bell_schedule_id" => self.field_bells,
            "kind" => self.field_kind,
            "grade_levels" => self.field_grades,
            "reason" => self.field_reason,
            "date" => self.field_date,
            "academic_year_id" => self.field_year,
            other => other,
        }
    }
}
