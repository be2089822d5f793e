//! The words of the messages pages.

use crate::web::i18n::texts;

texts! {
    /// Personal messages.
    MessageTexts {
        messages: "Сообщения"
            / "Messages",
        archive: "Архив"
            / "Archive",
        inbox: "Входящие"
            / "Inbox",
        write: "Написать"
            / "Write",
        no_threads: "Сообщений пока нет."
            / "No messages yet.",
        no_archived: "В архиве пусто."
            / "The archive is empty.",
        unread: "непрочитанных"
            / "unread",
        earlier: "Более ранние"
            / "Earlier",
        with: "Участники"
            / "With",
        about: "Об ученике"
            / "About",
        you: "Вы"
            / "You",
        reply: "Ответить"
            / "Reply",
        send: "Отправить"
            / "Send",
        your_message: "Сообщение"
            / "Message",
        to_archive: "В архив"
            / "Archive",
        from_archive: "Вернуть из архива"
            / "Move back to the inbox",
        archived_note: "Переписка в архиве; новое сообщение вернёт её во входящие."
            / "This conversation is archived; a new message brings it back.",
        new_thread: "Новое сообщение"
            / "New message",
        choose_child: "О ком вы хотите написать?"
            / "Who is the message about?",
        choose_context: "Кому вы хотите написать?"
            / "Whom do you want to write to?",
        colleagues: "Коллегам"
            / "Colleagues",
        family_of_student: "Ученику и родителям: выберите класс"
            / "A student and their family: choose a class",
        choose_student: "Выберите ученика"
            / "Choose a student",
        recipients: "Получатели"
            / "Recipients",
        recipients_hint: "Отметьте одного или нескольких."
            / "Tick one or more.",
        nobody: "Здесь некому написать."
            / "There is nobody to write to here.",
        subject: "Тема"
            / "Subject",
        student_kind: "ученик"
            / "student",
        guardian_kind: "родитель"
            / "parent",
        class_teacher: "классный руководитель"
            / "class teacher",
        deputy_head: "заместитель директора"
            / "deputy head",
        director: "директор"
            / "director",
        school_admin: "администратор школы"
            / "school administrator",
        teacher: "учитель"
            / "teacher",
        back_to_messages: "Ко всем сообщениям"
            / "All messages",
        notifications: "Уведомления"
            / "Notifications",
        no_notifications: "Уведомлений пока нет. Здесь появятся новые оценки, пропуски, итоговые оценки и сообщения."
            / "No notifications yet. New marks, absences, final marks and messages will appear here.",
        mark_all_read: "Отметить все прочитанными"
            / "Mark all as read",
        new_notification: "новое"
            / "new",
    }
}
