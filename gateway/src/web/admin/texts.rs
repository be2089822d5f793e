//! The words of the staff start page, the school's administration and the
//! printed access-code cards.

use crate::web::i18n::texts;

texts! {
    /// Where a member of staff starts: the areas their roles open.
    StaffTexts {
        your_work: "Ваши разделы"
            / "Your areas",
        teaching: "Журнал учителя"
            / "Teacher's journal",
        leadership: "Руководство школы"
            / "School leadership",
        administration: "Администрирование школы"
            / "School administration",
        city: "Городские настройки: школы и поставщики"
            / "City settings: schools and vendors",
        no_roles: "У вас пока нет ролей ни в одной школе. Обратитесь к администратору школы."
            / "You hold no role in any school yet. Ask your school's administrator.",
        role_teacher: "учитель"
            / "teacher",
        role_deputy_head: "завуч"
            / "deputy head",
        role_director: "директор"
            / "director",
        role_school_admin: "администратор"
            / "administrator",
    }
}

texts! {
    /// The school's administration: classes, students, access codes.
    AdminTexts {
        title: "Администрирование"
            / "Administration",
        classes: "Классы"
            / "Classes",
        no_classes: "Классов пока нет."
            / "No classes yet.",
        year: "Учебный год"
            / "Academic year",
        new_class: "Новый класс"
            / "New class",
        grade_level: "Параллель (1–11)"
            / "Grade (1–11)",
        letter: "Буква"
            / "Letter",
        academic_year: "Учебный год начинается в (год)"
            / "Academic year starts in (year)",
        create: "Создать"
            / "Create",
        codes_summary: "Коды доступа для родителей"
            / "Access codes for guardians",
        codes_active: "действуют"
            / "active",
        codes_redeemed: "использованы"
            / "used",
        students: "Ученики"
            / "Students",
        student: "Ученик"
            / "Student",
        code_state: "Код доступа"
            / "Access code",
        no_students: "В классе пока нет учеников."
            / "No students in the class yet.",
        state_none: "не выдан"
            / "not issued",
        state_active: "выдан, ждёт регистрации"
            / "issued, awaiting sign-up",
        state_redeemed: "использован — родитель зарегистрирован"
            / "used: a guardian signed up",
        revoke: "Отозвать код"
            / "Revoke code",
        enrol: "Зачислить ученика"
            / "Enrol a student",
        family_name: "Фамилия"
            / "Family name",
        given_name: "Имя"
            / "Given name",
        middle_name: "Отчество (если есть)"
            / "Patronymic (if any)",
        start_date: "Дата зачисления"
            / "First day in the class",
        issue_codes: "Выдать коды всем ученикам и распечатать"
            / "Issue codes to every student and print",
        issue_codes_hint: "Каждый новый код показывается только один раз: распечатайте лист сразу. Прежние неиспользованные коды продолжают действовать, пока их не отзовут."
            / "Each new code is shown only once: print the sheet right away. Earlier unused codes stay valid until revoked.",
        back_to_school: "К классам школы"
            / "Back to the school's classes",
        back_to_class: "К классу"
            / "Back to the class",
        fix_fields: "Исправьте отмеченные поля."
            / "Please correct the marked fields.",
        already_exists: "Такой класс уже есть."
            / "This class already exists.",
        cannot_change: "Изменение не выполнено: состояние изменилось. Обновите страницу."
            / "Not changed: something changed meanwhile. Reload the page.",
        sheet_title: "Коды доступа"
            / "Access codes",
        print: "Печать: Ctrl+P (⌘P на Mac)"
            / "Print: Ctrl+P (⌘P on a Mac)",
        card_for: "Для родителей ученика"
            / "For the guardians of",
        class_label: "Класс"
            / "Class",
        code_label: "Код"
            / "Code",
        address_label: "Адрес"
            / "Address",
        card_instruction: "Откройте адрес, выберите регистрацию по коду, введите код и придумайте логин и пароль. Код действует один раз; если он потерян, школа выдаст новый."
            / "Open the address, choose signing up with a code, enter the code and choose a login and password. The code works once; if it is lost, the school will issue a new one.",
        valid_until: "Действует до"
            / "Valid until",
        no_codes_issued: "В классе нет учеников: коды не выданы."
            / "The class has no students: no codes were issued.",
    }
}
