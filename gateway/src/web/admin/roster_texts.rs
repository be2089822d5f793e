//! The words of the roster's own pages: loading OneRoster files, issuing
//! logins, a class's groups.

use crate::web::i18n::texts;

texts! {
    /// Loading a roster from OneRoster files.
    RosterTexts {
        roster: "Загрузка состава из OneRoster"
            / "Loading the roster from OneRoster",
        roster_hint: "Выгрузите из учётной системы школы файлы OneRoster 1.2: users.csv (ученики и сотрудники), classes.csv (классы) и enrollments.csv (кто в каком классе), в кодировке UTF-8. Повторная загрузка тех же файлов ничего не меняет; строки с ошибками не загружаются и перечислены ниже."
            / "Export OneRoster 1.2 files from the school's records system: users.csv (students and staff), classes.csv (classes) and enrollments.csv (who is in which class), in UTF-8. Loading the same files again changes nothing; rows with errors are not loaded and are listed below.",
        last_loaded: "Последняя загрузка"
            / "Last loaded",
        upload: "Файлы для загрузки"
            / "Files to load",
        files: "Файлы"
            / "Files",
        files_hint: "До трёх файлов .csv, вместе не больше 3 МБ."
            / "Up to three .csv files, at most 3 MB together.",
        validate_only: "Только проверить, ничего не записывая"
            / "Only check, write nothing",
        load: "Загрузить"
            / "Load",
        checked: "Проверка: вот что изменится при загрузке"
            / "Check: this is what loading would change",
        loaded: "Состав загружен"
            / "The roster is loaded",
        created: "создано"
            / "created",
        updated: "обновлено"
            / "updated",
        unchanged: "без изменений"
            / "unchanged",
        row_errors: "Строки с ошибками"
            / "Rows with errors",
        no_row_errors: "Ошибок нет."
            / "No errors.",
        line: "Строка"
            / "Line",
        column: "Столбец"
            / "Column",
    }
}

texts! {
    /// A school login issued to a member of staff or a student.
    LoginTexts {
        login_for: "Логин"
            / "Login",
        back_to_staff: "К сотрудникам"
            / "Back to the staff",
        back_to_student: "К ученику"
            / "Back to the student",
        issue: "Выдать логин и временный пароль"
            / "Issue a login and a temporary password",
        issue_hint: "Пароль придумает система и покажет один раз. Если у человека уже был логин, он заменится, а все его сеансы завершатся."
            / "The system makes up the password and shows it once. If the person had a login, it is replaced and all their sessions end.",
        login: "Логин"
            / "Login",
        login_hint: "От 3 до 64 букв, цифр, «.», «_» или «-», например ivanova.m; единый для всего города."
            / "3 to 64 letters, digits, '.', '_' or '-', such as ivanova.m; unique across the city.",
        issued: "Логин выдан"
            / "The login is issued",
        password: "Временный пароль"
            / "Temporary password",
        shown_once: "Передайте логин и пароль человеку лично. Пароль показан один раз: при первом входе его нужно будет сменить на свой."
            / "Hand the login and password to the person yourself. The password is shown this once: it must be replaced at the first sign-in.",
    }
}

texts! {
    /// A class's groups.
    GroupTexts {
        groups: "Группы"
            / "Groups",
        groups_hint: "Группа — часть класса, которая учится отдельно: например, подгруппа английского языка. В расписании и нагрузке можно указать группу вместо всего класса."
            / "A group is the part of a class taught separately, such as an English subgroup. The timetable and the teaching load may name a group instead of the whole class.",
        no_groups: "Групп пока нет."
            / "No groups yet.",
        nobody: "никого"
            / "nobody",
        new_group: "Новая группа"
            / "New group",
        name: "Название"
            / "Name",
        students: "Ученики группы"
            / "The group's students",
        create: "Создать группу"
            / "Create the group",
        name_taken: "Группа с таким названием в классе уже есть."
            / "The class already has a group of that name.",
    }
}
