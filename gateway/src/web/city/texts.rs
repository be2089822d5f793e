//! The city operator's words.

use crate::web::i18n::texts;

texts! {
    /// Schools, vendor clients and the signing key.
    CityTexts {
        title: "Город"
            / "City",
        schools: "Школы"
            / "Schools",
        no_schools: "Школ пока нет."
            / "No schools yet.",
        new_school: "Новая школа"
            / "New school",
        school_name: "Название"
            / "Name",
        timezone: "Часовой пояс (например, Europe/Moscow)"
            / "Timezone (e.g. Europe/Moscow)",
        create: "Создать"
            / "Create",
        vendors: "Поставщики (внешние системы)"
            / "Vendors (external systems)",
        no_vendors: "Поставщиков пока нет."
            / "No vendors yet.",
        vendor: "Поставщик"
            / "Vendor",
        client_id: "Идентификатор клиента"
            / "Client id",
        scopes: "Права"
            / "Scopes",
        state: "Состояние"
            / "State",
        active: "действует"
            / "active",
        revoked: "отозван"
            / "revoked",
        revoke: "Отозвать"
            / "Revoke",
        new_vendor: "Новый поставщик"
            / "New vendor",
        vendor_name: "Название поставщика"
            / "Vendor name",
        scope_roster: "читать состав классов (roster.read)"
            / "read the roster (roster.read)",
        scope_marks: "выставлять оценки (marks.write)"
            / "post marks (marks.write)",
        scope_attendance: "отмечать посещаемость (attendance.write)"
            / "record attendance (attendance.write)",
        scope_changes: "читать ленту изменений (changes.read)"
            / "follow the change feed (changes.read)",
        secret_title: "Секрет клиента создан"
            / "Client secret created",
        secret_warning: "Скопируйте секрет сейчас и передайте поставщику защищённым способом. Он показывается только один раз: после ухода со страницы его нельзя будет увидеть снова, только создать нового клиента."
            / "Copy the secret now and pass it to the vendor securely. It is shown only once: after you leave this page it cannot be seen again, only replaced by a new client.",
        secret_label: "Секрет"
            / "Secret",
        keys: "Ключ подписи токенов"
            / "Token signing key",
        keys_text: "Новый ключ начнёт подписывать токены после задержки публикации; прежние ключи выводятся из работы, когда истекут их токены. Ключи меняются и по расписанию."
            / "The new key starts signing after the publish delay; older keys retire once their tokens have expired. Keys also rotate on a schedule.",
        confirm_rotate: "Я понимаю, что ключ будет заменён"
            / "I understand the key will be replaced",
        rotate: "Сменить ключ"
            / "Rotate the key",
        rotated: "Новый ключ опубликован"
            / "A new key is published",
        activates: "начнёт подписывать"
            / "starts signing",
        must_confirm: "Подтвердите смену ключа."
            / "Confirm the rotation.",
        fix_fields: "Исправьте отмеченные поля."
            / "Please correct the marked fields.",
        school_exists: "Школа с таким названием уже есть."
            / "A school with this name exists.",
        trail: "Журнал действий города"
            / "The city's audit trail",
        trail_hint: "Последние 20 событий не по школам: входы операторов, школы, внешние системы, ключи подписи; время московское."
            / "The latest 20 events of no school: operators' sign-ins, schools, machine clients, signing keys; Moscow time.",
        no_trail: "Событий пока нет."
            / "No events yet.",
    }
}
