//! The school leadership's words.

use crate::web::i18n::texts;

texts! {
    /// What a deputy head or the director reads.
    LeadTexts {
        leadership: "Управление школой"
            / "School management",
        back_to_index: "← Управление школой"
            / "← School management",
        reopen_requests: "Запросы на открытие журнала"
            / "Requests to reopen a journal",
        reopen_requests_about: "Учителя просят открыть закрытый журнал класса по предмету за период."
            / "Teachers ask to reopen a closed journal of a class and subject for a period.",
        periods: "Отчётные периоды"
            / "Reporting periods",
        periods_about: "Закрыть период (журнал за его даты станет недоступен для изменений) или открыть снова."
            / "Close a period (its journal is locked) or reopen it.",
        journals: "Журналы школы"
            / "The school's journals",
        journals_about: "Все классы и предметы, только для чтения."
            / "Every class and subject, read-only.",
        pending: "Ожидают решения"
            / "Awaiting a decision",
        decided: "Решённые"
            / "Decided",
        no_pending: "Новых запросов нет."
            / "No new requests.",
        no_decided: "Решённых запросов пока нет."
            / "No decided requests yet.",
        teacher: "Учитель"
            / "Teacher",
        class: "Класс"
            / "Class",
        subject: "Предмет"
            / "Subject",
        period: "Период"
            / "Period",
        reason: "Причина"
            / "Reason",
        requested_at: "Запрошено"
            / "Requested",
        comment: "Комментарий к решению (необязательно)"
            / "Comment on the decision (optional)",
        approve: "Открыть журнал"
            / "Reopen the journal",
        refuse: "Отказать"
            / "Refuse",
        approved: "Одобрено"
            / "Approved",
        refused: "Отказано"
            / "Refused",
        decided_by: "Решение принял(а)"
            / "Decided by",
        dates: "Даты"
            / "Dates",
        state: "Состояние"
            / "State",
        open: "Открыт"
            / "Open",
        closed: "Закрыт"
            / "Closed",
        grades: "Параллели"
            / "Grade levels",
        close: "Закрыть период"
            / "Close the period",
        close_confirm: "Закрыть период? Журналы за его даты станут недоступны для изменений."
            / "Close the period? Journals for its dates will be locked.",
        reopen: "Открыть период снова"
            / "Reopen the period",
        reopen_reason: "Причина открытия (обязательно)"
            / "Why reopen it (required)",
        no_periods: "Отчётных периодов нет."
            / "No reporting periods.",
        academic_year: "Учебный год"
            / "Academic year",
        show: "Показать"
            / "Show",
        no_classes: "Нет классов с назначенными учителями."
            / "No classes with assigned teachers.",
        failed: "Не сохранено"
            / "Not saved",
        field_reason: "причина"
            / "reason",
        field_comment: "комментарий"
            / "comment",
        field_decision: "решение"
            / "decision",
        decided_already: "Запрос уже решён."
            / "The request was decided already.",
    }
}
