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
        class_groups: "Группы класса"
            / "The class's groups",
        roster_files: "Загрузка состава (OneRoster)"
            / "Load the roster (OneRoster)",
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

texts! {
    /// The school's staff and its audit trail, in the administration.
    PeopleTexts {
        staff: "Сотрудники"
            / "Staff",
        staff_hint: "Сотрудники школы и их роли."
            / "The school's staff and their roles.",
        no_staff: "Сотрудников пока нет."
            / "No staff yet.",
        roles: "Роли"
            / "Roles",
        no_role: "нет ролей"
            / "no roles",
        disabled: "отключён"
            / "disabled",
        take_away: "Снять"
            / "Remove",
        give_role: "Дать роль"
            / "Give a role",
        role: "Роль"
            / "Role",
        new_staff: "Новый сотрудник"
            / "New member of staff",
        add: "Добавить"
            / "Add",
        audit: "Журнал действий"
            / "Audit trail",
        audit_hint: "Входы, коды доступа, родители, роли, поставщики и просмотры оценок учеников — новые сверху."
            / "Sign-ins, access codes, guardians, roles, vendors and reads of students' records, newest first.",
        address: "Адрес"
            / "Address",
        no_events: "Событий нет."
            / "No events.",
        every_kind: "Все события"
            / "Every event",
        kind: "Событие"
            / "Event",
        day: "День"
            / "Day",
        show: "Показать"
            / "Show",
        next_page: "Ранее →"
            / "Earlier →",
        first_page: "← К последним"
            / "← To the latest",
        unknown: "—"
            / "—",
        give_login: "Выдать логин"
            / "Issue a login",
        back_to_admin: "К администрированию"
            / "Back to the administration",
    }
}

texts! {
    /// What each kind of audit event means, as a sentence's verb.
    AuditKindTexts {
        login: "вход в систему"
            / "signed in",
        login_failed: "неудачная попытка входа"
            / "failed sign-in",
        password_changed: "смена пароля"
            / "changed the password",
        credentials_issued: "выдан логин и пароль"
            / "issued a login and password",
        access_code_issued: "выдан код доступа"
            / "issued an access code",
        access_code_revoked: "отозван код доступа"
            / "revoked an access code",
        access_code_redeemed: "родитель зарегистрировался по коду"
            / "a guardian signed up with a code",
        access_code_failed: "неверный код доступа"
            / "a wrong access code",
        guardian_linked: "родитель привязан к ученику"
            / "linked a guardian to a student",
        guardian_unlinked: "родитель отвязан от ученика"
            / "unlinked a guardian from a student",
        staff_role_granted: "сотруднику дана роль"
            / "gave a member of staff a role",
        staff_role_revoked: "у сотрудника снята роль"
            / "took a role from a member of staff",
        student_record_read: "просмотр оценок ученика"
            / "read a student's record",
        vendor_granted: "поставщику дневника открыт доступ"
            / "granted a diary vendor access",
        vendor_revoked: "у поставщика дневника закрыт доступ"
            / "withdrew a diary vendor's access",
        person_disabled: "учётная запись отключена"
            / "disabled an account",
        roster_imported: "загружен список учеников и классов"
            / "imported the roster",
        external_identity_linked: "привязан внешний вход (mos.ru и др.)"
            / "linked an external sign-in",
        session_ended: "сеанс завершён"
            / "ended a session",
        client_created: "зарегистрирована внешняя система"
            / "registered a machine client",
        client_revoked: "внешняя система отключена"
            / "revoked a machine client",
        school_created: "создана школа"
            / "created a school",
        school_updated: "изменены данные школы"
            / "changed a school",
        signing_key_rotated: "сменён ключ подписи"
            / "rotated the signing key",
    }
}

impl AuditKindTexts {
    /// The description of a kind identity records; the kind itself for one
    /// added since.
    pub fn describe<'a>(&self, kind: &'a str) -> &'a str {
        match kind {
            "login" => self.login,
            "login.failed" => self.login_failed,
            "password.changed" => self.password_changed,
            "credentials.issued" => self.credentials_issued,
            "access_code.issued" => self.access_code_issued,
            "access_code.revoked" => self.access_code_revoked,
            "access_code.redeemed" => self.access_code_redeemed,
            "access_code.failed" => self.access_code_failed,
            "guardian.linked" => self.guardian_linked,
            "guardian.unlinked" => self.guardian_unlinked,
            "staff_role.granted" => self.staff_role_granted,
            "staff_role.revoked" => self.staff_role_revoked,
            "student_record.read" => self.student_record_read,
            "vendor.granted" => self.vendor_granted,
            "vendor.revoked" => self.vendor_revoked,
            "person.disabled" => self.person_disabled,
            "roster.imported" => self.roster_imported,
            "external_identity.linked" => self.external_identity_linked,
            "session.ended" => self.session_ended,
            "client.created" => self.client_created,
            "client.revoked" => self.client_revoked,
            "school.created" => self.school_created,
            "school.updated" => self.school_updated,
            "signing_key.rotated" => self.signing_key_rotated,
            other => other,
        }
    }
}

texts! {
    /// Who teaches what: the school's teaching assignments.
    AssignmentTexts {
        assignments: "Нагрузка"
            / "Teaching load",
        assignments_hint: "Кто какой предмет ведёт в каком классе."
            / "Who teaches which subject to which class.",
        class: "Класс"
            / "Class",
        subject: "Предмет"
            / "Subject",
        group: "Группа"
            / "Group",
        whole_class: "весь класс"
            / "the whole class",
        teacher: "Учитель"
            / "Teacher",
        nobody: "—"
            / "—",
        no_classes_or_subjects: "Сначала нужны классы и предметы школы."
            / "The school needs classes and subjects first.",
        new_assignment: "Назначить учителя"
            / "Assign a teacher",
        assign: "Назначить"
            / "Assign",
        remove: "Снять"
            / "Remove",
        already_assigned: "Этот учитель уже ведёт этот предмет в этом классе."
            / "This teacher already teaches this subject to this class.",
    }
}

texts! {
    /// A student's guardians, in the administration.
    GuardianTexts {
        guardians: "Родители"
            / "Guardians",
        no_guardians: "Родители не привязаны."
            / "No guardians linked.",
        unlink: "Отвязать"
            / "Unlink",
        link_existing: "Привязать родителя, уже зарегистрированного в школе"
            / "Link a guardian the school already registered",
        guardian: "Родитель"
            / "Guardian",
        link: "Привязать"
            / "Link",
        no_other_guardians: "Других родителей в школе нет."
            / "The school has no other guardians.",
        register: "Зарегистрировать нового родителя и привязать"
            / "Register a new guardian and link them",
        already_linked: "Этот родитель уже привязан к ученику."
            / "This guardian is already linked to the student.",
    }
}

texts! {
    /// The diary vendors the school grants access to.
    VendorTexts {
        vendors: "Поставщики дневников"
            / "Diary vendors",
        vendors_hint: "Поставщики, которых зарегистрировал город. Открытый доступ позволяет системе поставщика работать с данными школы в пределах указанных прав."
            / "The vendors the city registered. A granted vendor's system may work with the school's records within the listed scopes.",
        no_vendors: "Город пока не зарегистрировал поставщиков."
            / "The city has registered no vendors yet.",
        scopes: "Права"
            / "Scopes",
        state: "Доступ"
            / "Access",
        granted: "открыт"
            / "granted",
        not_granted: "закрыт"
            / "not granted",
        grant: "Открыть доступ"
            / "Grant access",
        withdraw: "Закрыть доступ"
            / "Withdraw access",
        confirm_withdraw: "Я понимаю, что система поставщика сразу потеряет доступ к данным школы"
            / "I understand the vendor's system loses access to the school's records at once",
        must_confirm: "Подтвердите закрытие доступа."
            / "Confirm withdrawing the access.",
    }
}
