//! The words of the notification settings page.

use crate::views::{EmailMode, NotificationKind};
use crate::web::i18n::texts;

texts! {
    /// Notification settings.
    SettingsTexts {
        intro: "Что отмечать новым в приложении и что присылать на электронную почту."
            / "What counts as new in the app and what is e-mailed to you.",
        notifications: "Уведомления"
            / "Notifications",
        for_all_children: "Для всех детей"
            / "For all children",
        kind: "Уведомление"
            / "Notification",
        in_app: "В приложении"
            / "In the app",
        email: "На почту"
            / "By e-mail",
        in_app_hint: "Без отметки «В приложении» уведомление всё равно появится в списке, но сразу прочитанным."
            / "Without «In the app» a notification is still listed, already read.",
        email_unknown: "У школы нет адреса вашей электронной почты, поэтому письма пока не придут. Попросите школу добавить адрес или войдите через городской портал: мы возьмём подтверждённый адрес оттуда. Выбранное ниже сохранится и заработает, как только адрес появится."
            / "The school has no e-mail address for you, so no e-mail can reach you yet. Ask the school to add one, or sign in through the city portal, whose verified address is then taken. What you choose below is saved and takes effect once there is an address.",
        quiet_hours: "Тихие часы"
            / "Quiet hours",
        quiet_from: "с"
            / "from",
        quiet_to: "до"
            / "to",
        no_quiet_hours: "Без тихих часов"
            / "No quiet hours",
        quiet_hint: "Письма, которые пришлись бы на это время, придут, когда оно закончится. Время школы."
            / "E-mails due in this time are sent when it ends. In the school's time.",
        digest: "Сводка за день"
            / "Daily digest",
        digest_time: "Время отправки"
            / "Sent at",
        digest_hint: "Одно письмо со всеми уведомлениями «В сводке за день». Время школы."
            / "One e-mail with every notification set to «In the daily digest». In the school's time.",
        save: "Сохранить"
            / "Save",
        saved: "Сохранено"
            / "Saved",
        each_child: "Отдельно для каждого ребёнка"
            / "For each child separately",
        each_child_hint: "Сохраняются только отличия от настроек «Для всех детей»; остальное следует им."
            / "Only what differs from «For all children» is kept; the rest follows it.",
        separately_for: "Отдельно для ребёнка:"
            / "Separately for",
        differs: "есть отличия"
            / "differs",
        save_for_child: "Сохранить для ребёнка"
            / "Save for this child",
        email_off: "Не присылать"
            / "Don't send",
        email_at_once: "Сразу"
            / "At once",
        email_digest: "В сводке за день"
            / "In the daily digest",
        new_mark: "Новая оценка"
            / "New mark",
        mark_changed: "Оценка изменена"
            / "Mark changed",
        new_homework: "Домашнее задание"
            / "Homework",
        announcement: "Объявление"
            / "Announcement",
        new_message: "Новое сообщение"
            / "New message",
        meeting: "Собрание"
            / "Parent meeting",
        lesson_change: "Изменение в расписании"
            / "Timetable change",
        attendance: "Пропуск или опоздание"
            / "Absence or lateness",
        final_mark: "Итоговая оценка"
            / "Final mark",
    }
}

impl SettingsTexts {
    pub fn kind_name(&self, kind: NotificationKind) -> &'static str {
        match kind {
            NotificationKind::NewMark => self.new_mark,
            NotificationKind::MarkChanged => self.mark_changed,
            NotificationKind::NewHomework => self.new_homework,
            NotificationKind::Announcement => self.announcement,
            NotificationKind::NewMessage => self.new_message,
            NotificationKind::Meeting => self.meeting,
            NotificationKind::LessonChange => self.lesson_change,
            NotificationKind::Attendance => self.attendance,
            NotificationKind::FinalMark => self.final_mark,
        }
    }

    pub fn email_name(&self, mode: EmailMode) -> &'static str {
        match mode {
            EmailMode::Off => self.email_off,
            EmailMode::AtOnce => self.email_at_once,
            EmailMode::Digest => self.email_digest,
        }
    }
}
