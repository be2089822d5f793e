//! The words of the parent meetings pages.

use crate::web::i18n::texts;

texts! {
    /// Parent meetings.
    MeetingTexts {
        meetings: "Родительские собрания"
            / "Parent meetings",
        plan: "Запланировать собрание"
            / "Plan a meeting",
        new_meeting: "Новое собрание"
            / "New meeting",
        back: "Ко всем собраниям"
            / "All meetings",
        my_meetings: "Мои собрания"
            / "My meetings",
        school_meetings: "Собрания школы"
            / "The school's meetings",
        upcoming: "Предстоящие"
            / "Upcoming",
        past: "Прошедшие"
            / "Past",
        later: "Ещё собрания"
            / "More meetings",
        none_invited: "Приглашений на собрания пока нет. Когда классный руководитель назначит собрание, оно появится здесь."
            / "No meeting invitations yet. When the class teacher plans a meeting, it will appear here.",
        none_organized: "Собраний пока нет."
            / "No meetings yet.",
        not_for_students: "Приглашения на родительские собрания получают родители."
            / "Parents receive the invitations to parent meetings.",
        cancelled: "Отменено"
            / "Cancelled",
        reason: "Причина"
            / "Reason",
        when: "Когда"
            / "When",
        place: "Где"
            / "Where",
        join_online: "Ссылка на онлайн-встречу"
            / "Link to the online meeting",
        organizer: "Проводит"
            / "Held by",
        classes: "Классы"
            / "Classes",
        child: "Ребёнок"
            / "Child",
        agenda: "Повестка"
            / "Agenda",
        reply_until: "Ответить до"
            / "Reply by",
        replies_closed: "Ответы больше не принимаются."
            / "Replies are closed.",
        invitation: "Приглашение"
            / "Invitation",
        your_reply: "Ваш ответ"
            / "Your reply",
        no_reply_yet: "Вы ещё не ответили"
            / "You have not replied yet",
        accept: "Приду"
            / "I will come",
        decline: "Не смогу"
            / "I cannot come",
        tentative: "Пока не знаю"
            / "Not sure yet",
        comment: "Комментарий (необязательно)"
            / "Comment (optional)",
        reply_refused: "Ответ не принят: собрание отменено или ответы на него уже закрыты."
            / "The reply was not taken: the meeting was cancelled or its replies have closed.",
        replies: "Ответы"
            / "Replies",
        invited: "Приглашено"
            / "Invited",
        accepted: "Придут"
            / "Coming",
        declined: "Не смогут"
            / "Not coming",
        unsure: "Пока не знают"
            / "Not sure",
        no_reply: "Не ответили"
            / "No reply",
        inviting: "Приглашения рассылаются…"
            / "Sending the invitations…",
        nobody_invited: "Пока никто не приглашён."
            / "Nobody is invited yet.",
        more_families: "Следующие семьи"
            / "More families",
        change: "Перенести или сменить место"
            / "Change the time or place",
        change_hint: "Приглашённые семьи получат уведомление о новом времени или месте."
            / "The invited families will be notified of the new time or place.",
        save_changes: "Сохранить изменения"
            / "Save the changes",
        change_refused: "Собрание уже отменено или изменено — обновите страницу."
            / "The meeting was cancelled or changed meanwhile: reload the page.",
        cancel: "Отменить собрание"
            / "Cancel the meeting",
        cancel_reason: "Причина (её увидят родители)"
            / "Reason (the parents will see it)",
        cancel_hint: "Всем приглашённым придёт уведомление об отмене."
            / "Everyone invited will be notified of the cancellation.",
        choose_school: "В какой школе?"
            / "Which school?",
        title: "Заголовок"
            / "Title",
        agenda_field: "Повестка (необязательно)"
            / "Agenda (optional)",
        start: "Дата и время начала"
            / "Date and start time",
        school_time: "по времени школы"
            / "school time",
        duration: "Продолжительность"
            / "Duration",
        minutes: "мин"
            / "min",
        hours: "ч"
            / "h",
        location: "Место (кабинет)"
            / "Place (room)",
        online_url: "Ссылка на онлайн-встречу"
            / "Online meeting link",
        place_hint: "Укажите кабинет, ссылку или и то и другое."
            / "Give a room, a link, or both.",
        deadline: "Ответить до (необязательно)"
            / "Reply by (optional)",
        deadline_hint: "Без срока ответы принимаются до начала собрания."
            / "Without one, replies are taken until the meeting starts.",
        invite: "Запланировать и пригласить"
            / "Plan and invite",
        no_classes: "Собрания назначают классные руководители своим классам и администрация школы."
            / "Class teachers plan meetings for their classes, and the school's management for any.",
    }
}
