//! The words of the announcements pages.

use crate::web::i18n::texts;

texts! {
    /// News and announcements.
    AnnouncementTexts {
        announcements: "Объявления"
            / "Announcements",
        for_me: "Для меня"
            / "For me",
        written: "Написанные"
            / "Written",
        new_announcement: "Новое объявление"
            / "New announcement",
        none_received: "Объявлений пока нет. Здесь появятся новости школы и класса."
            / "No announcements yet. News of the school and the class will appear here.",
        none_written: "Вы ещё ничего не написали."
            / "You have not written anything yet.",
        earlier: "Более ранние"
            / "Earlier",
        back: "Ко всем объявлениям"
            / "All announcements",
        news: "Новость"
            / "News",
        announcement: "Объявление"
            / "Announcement",
        pinned: "Закреплено"
            / "Pinned",
        new_mark: "новое"
            / "new",
        draft: "Черновик"
            / "Draft",
        scheduled: "Будет опубликовано"
            / "To be published",
        published: "Опубликовано"
            / "Published",
        withdrawn: "Снято с публикации"
            / "Withdrawn",
        shown_until: "Показывается до"
            / "Shown until",
        audience: "Кому"
            / "To",
        whole_school: "Вся школа"
            / "The whole school",
        grade_suffix: "-е классы"
            / " grade",
        guardians: "родителям"
            / "parents",
        students: "ученикам"
            / "students",
        staff: "сотрудникам"
            / "staff",
        read_by: "Прочитали"
            / "Read by",
        families: "семьи"
            / "families",
        staff_read: "сотрудники"
            / "staff",
        of: "из"
            / "of",
        not_reached_yet: "Рассылается…"
            / "Being delivered…",
        publish_now: "Опубликовать"
            / "Publish",
        withdraw: "Снять с публикации"
            / "Withdraw",
        choose_school: "В какой школе?"
            / "Which school?",
        kind: "Вид"
            / "Kind",
        kind_announcement_hint: "придёт уведомление"
            / "everyone is notified",
        kind_news_hint: "только в ленте"
            / "in the feed only",
        to_whole_school: "Всей школе"
            / "The whole school",
        to_grades: "Параллелям"
            / "Grade levels",
        to_classes: "Классам"
            / "Classes",
        grade: "класс"
            / "grade",
        roles: "Кто получит"
            / "Who receives it",
        staff_hint: "только при объявлении всей школе"
            / "only for the whole school",
        title: "Заголовок"
            / "Title",
        body: "Текст"
            / "Text",
        pin: "Закрепить наверху"
            / "Pin to the top",
        when: "Когда опубликовать"
            / "When to publish",
        now: "Сейчас"
            / "Now",
        at_time: "В указанное время"
            / "At a set time",
        as_draft: "Сохранить черновик"
            / "Save as a draft",
        publish_at: "Время публикации"
            / "Publication time",
        expire_on: "Показывать до (необязательно)"
            / "Show until (optional)",
        save: "Сохранить"
            / "Save",
        no_classes: "Вы не ведёте ни одного класса: объявления пишут классные руководители и администрация школы."
            / "You have no class of your own: class teachers and the school's management write announcements.",
    }
}
