//! The web app's two languages: Russian first, English by choice or by the
//! browser's `Accept-Language`. Every word a page shows comes from a table
//! made by [`texts!`]: the common words here, each area's beside its pages.
//! Both languages of a word sit on neighbouring lines, and a table cannot
//! compile with a word missing in either.

use axum::http::HeaderMap;
use chrono::{Datelike, NaiveDate};

/// The cookie that keeps a person's choice of language.
pub const LANG_COOKIE: &str = "otmetka_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ru,
    En,
}

impl Lang {
    /// The person's choice if they made one, else the browser's first
    /// preference; Russian when neither says English.
    pub fn of(headers: &HeaderMap, secure_cookies: bool) -> Self {
        let chosen = crate::cookies::read(headers, LANG_COOKIE, "/", secure_cookies);
        match chosen.as_deref().and_then(Self::parse) {
            Some(lang) => lang,
            None if crate::problem::prefers_english(headers) => Self::En,
            None => Self::Ru,
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "ru" => Some(Self::Ru),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Ru => "ru",
            Self::En => "en",
        }
    }

    /// The other language, offered by the switch in every page's header.
    pub fn other(self) -> Self {
        match self {
            Self::Ru => Self::En,
            Self::En => Self::Ru,
        }
    }

    /// The language's own name, as the switch shows it.
    pub fn own_name(self) -> &'static str {
        match self {
            Self::Ru => "Русский",
            Self::En => "English",
        }
    }

    pub fn texts(self) -> &'static Texts {
        Texts::of(self)
    }

    /// "7 декабря 2026" / "7 December 2026".
    pub fn date(self, date: NaiveDate) -> String {
        let month = self.months_of()[date.month0() as usize];
        format!("{} {month} {}", date.day(), date.year())
    }

    /// "07.12.2026" / "07/12/2026": a day in a table or a list, where the
    /// words of [`Lang::date`] take too much room. What is not a
    /// "YYYY-MM-DD" day stays as it is.
    pub fn numeric_date(self, date: &str) -> String {
        let format = match self {
            Self::Ru => "%d.%m.%Y",
            Self::En => "%d/%m/%Y",
        };
        NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map(|day| day.format(format).to_string())
            .unwrap_or_else(|_| date.to_owned())
    }

    /// "7 декабря 2026, 14:05" in the school's own time.
    pub fn date_time(
        self,
        instant: chrono::DateTime<chrono::Utc>,
        timezone: chrono_tz::Tz,
    ) -> String {
        let local = instant.with_timezone(&timezone);
        format!(
            "{}, {}",
            self.date(local.date_naive()),
            local.format("%H:%M")
        )
    }

    /// "7–13 декабря 2026", "30 ноября – 6 декабря 2026",
    /// "29 декабря 2026 – 4 января 2027".
    pub fn date_range(self, first: NaiveDate, last: NaiveDate) -> String {
        let month = |date: NaiveDate| self.months_of()[date.month0() as usize];
        if first.year() != last.year() {
            format!("{} – {}", self.date(first), self.date(last))
        } else if first.month() != last.month() {
            format!(
                "{} {} – {} {} {}",
                first.day(),
                month(first),
                last.day(),
                month(last),
                last.year()
            )
        } else {
            format!(
                "{}–{} {} {}",
                first.day(),
                last.day(),
                month(last),
                last.year()
            )
        }
    }

    /// "понедельник, 7 декабря" / "Monday, 7 December".
    pub fn day_heading(self, date: NaiveDate) -> String {
        let weekday = self.weekdays()[date.weekday().num_days_from_monday() as usize];
        let month = self.months_of()[date.month0() as usize];
        format!("{weekday}, {} {month}", date.day())
    }

    /// Monday first, as a school's week runs: "понедельник" / "Monday".
    pub fn weekdays(self) -> [&'static str; 7] {
        match self {
            Self::Ru => [
                "понедельник",
                "вторник",
                "среда",
                "четверг",
                "пятница",
                "суббота",
                "воскресенье",
            ],
            Self::En => [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ],
        }
    }

    /// Month names as they follow a day number ("7 декабря").
    fn months_of(self) -> [&'static str; 12] {
        match self {
            Self::Ru => otmetka_platform::time::RUSSIAN_MONTHS_OF,
            Self::En => [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ],
        }
    }

    /// What a service said was wrong with a field, in this language: the
    /// services word their refusals in English for programs, so the common
    /// phrases are translated here and any other passes through as it is.
    pub fn field_message(self, description: &str) -> String {
        if self == Self::En {
            return description.to_owned();
        }
        let limit = |prefix: &str| {
            description
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(" characters"))
                .and_then(|count| count.parse::<u32>().ok())
        };
        if let Some(count) = limit("must be at most ") {
            return format!("не длиннее {count} символов");
        }
        if let Some(count) = limit("must be at least ") {
            return format!("не короче {count} символов");
        }
        match description {
            "is required" => "обязательное поле",
            "is taken" => "уже занят, выберите другой",
            "name at least one person" => "отметьте хотя бы одного",
            "set whole_school, or name grade levels, classes or groups (not both)" => {
                "выберите всю школу, параллели или классы"
            }
            "staff are reached only by a whole-school announcement" => {
                "сотрудникам пишут только объявления всей школе"
            }
            "must be after the time it is published" => "должно быть позже публикации",
            "is not a date and time" => "укажите дату и время",
            "name at least one class" => "отметьте хотя бы один класс",
            "must be in the future" => "должно быть в будущем",
            "must not be after the start" => "не позже начала собрания",
            "is required unless online_url is set" => {
                "укажите кабинет или ссылку на онлайн-встречу"
            }
            "must be an https:// link" => "нужна ссылка, начинающаяся с https://",
            "must be from 5 to 480 minutes" => "от 5 минут до 8 часов",
            "is not the current password" => "неверный пароль",
            "must be HH:MM" => "укажите время как ЧЧ:ММ",
            "must differ from the start; leave both empty for no quiet hours" => {
                "не может совпадать с началом; чтобы отключить тихие часы, отметьте «Без тихих часов»"
            }
            "must be one line" => "должно быть одной строкой",
            "must not contain control characters" => "не должно содержать служебных символов",
            "is not a valid, unused access code" => {
                "код не подошёл: проверьте его или попросите у школы новый"
            }
            other => other,
        }
        .to_owned()
    }

    /// A form field as the page labels it, for refusals that name the
    /// field the way the API does; a field the table lacks keeps its name.
    pub fn field_name(self, field: &str) -> String {
        if self == Self::En {
            return field.replace('_', " ");
        }
        match field {
            "text" => "текст",
            "comment" => "комментарий",
            "reason" => "причина",
            "value" => "оценка",
            "weight" => "вес",
            "topic" => "тема",
            "files" => "файлы",
            "due_lesson_id" => "срок сдачи",
            "status" => "отметка",
            "work_type_id" => "вид работы",
            "lesson_date" => "дата урока",
            "mark_id" => "оценка",
            "date" => "дата",
            "room" => "кабинет",
            "teacher_id" => "учитель",
            "login" => "логин",
            "password" => "пароль",
            "subject" => "тема",
            "participant_ids" => "получатели",
            "title" => "заголовок",
            "body" => "текст",
            "kind" => "вид",
            "audience" | "audience.roles" => "кому",
            "publish_at" => "время публикации",
            "expire_at" => "показывать до",
            "class_ids" => "классы",
            "agenda" => "повестка",
            "start_at" => "начало",
            "duration_minutes" => "продолжительность",
            "location" => "место",
            "online_url" => "ссылка",
            "reply_deadline" => "ответить до",
            "reply" => "ответ",
            "quiet_hours_start" => "начало тихих часов",
            "quiet_hours_end" => "конец тихих часов",
            "digest_time" => "время сводки",
            other => other,
        }
        .to_owned()
    }

    /// A decimal with two places, in the language's way: "4,57" / "4.57".
    pub fn decimal(self, value: f64) -> String {
        let text = format!("{value:.2}");
        match self {
            Self::Ru => text.replace('.', ","),
            Self::En => text,
        }
    }
}

/// A table of words in both languages: `name: "по-русски" / "in English",`.
/// `Table::of(lang)` gives the words of one language.
macro_rules! texts {
    ($(#[$doc:meta])* $table:ident { $($word:ident: $ru:literal / $en:literal,)+ }) => {
        $(#[$doc])*
        pub struct $table {
            $(pub $word: &'static str,)+
        }

        impl $table {
            pub fn of(lang: $crate::web::i18n::Lang) -> &'static Self {
                static RU: $table = $table { $($word: $ru,)+ };
                static EN: $table = $table { $($word: $en,)+ };
                match lang {
                    $crate::web::i18n::Lang::Ru => &RU,
                    $crate::web::i18n::Lang::En => &EN,
                }
            }
        }
    };
}
pub(crate) use texts;

texts! {
    /// The words every page may use: the frame, signing in, errors.
    Texts {
        app_name: "Отметка"
            / "Otmetka",
        skip_to_content: "Перейти к содержанию"
            / "Skip to content",
        sign_out: "Выйти"
            / "Sign out",
        my_account: "Учётная запись"
            / "My account",
        messages: "Сообщения"
            / "Messages",
        announcements: "Объявления"
            / "Announcements",
        meetings: "Собрания"
            / "Meetings",
        notifications: "Уведомления"
            / "Notifications",
        notification_settings: "Настройки уведомлений"
            / "Notification settings",
        new_notifications: "новых с открытия страницы"
            / "new since this page opened",
        sign_in: "Войти"
            / "Sign in",
        sign_in_title: "Вход в электронный дневник"
            / "Sign in to the school diary",
        sign_in_intro: "Логин и пароль выдаёт школа. Родители могут войти через городской портал."
            / "Your school gives you a login and password. Parents may sign in through the city portal.",
        login: "Логин"
            / "Login",
        password: "Пароль"
            / "Password",
        sign_in_with: "Войти через"
            / "Sign in with",
        or: "или"
            / "or",
        wrong_login: "Неверный логин или пароль."
            / "Wrong login or password.",
        too_many_attempts: "Слишком много попыток. Подождите немного и попробуйте снова."
            / "Too many attempts. Wait a little and try again.",
        not_found_title: "Страница не найдена"
            / "Page not found",
        not_found_text: "Такой страницы нет или у вас нет к ней доступа."
            / "There is no such page, or you have no access to it.",
        bad_request_title: "Неверный запрос"
            / "Bad request",
        unavailable_title: "Сервис временно недоступен"
            / "Temporarily unavailable",
        unavailable_text: "Попробуйте обновить страницу через минуту."
            / "Please reload the page in a minute.",
        error_title: "Что-то пошло не так"
            / "Something went wrong",
        error_text: "Мы уже знаем об ошибке. Попробуйте ещё раз позже."
            / "The error has been recorded. Please try again later.",
        go_home: "На главную"
            / "Home page",
    }
}

#[cfg(test)]
mod tests {
    use axum::http::header;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn russian_unless_english_is_asked_for() {
        assert_eq!(Lang::of(&headers(&[]), false), Lang::Ru);
        assert_eq!(
            Lang::of(&headers(&[("accept-language", "de-DE,en;q=0.8")]), false),
            Lang::Ru
        );
        assert_eq!(
            Lang::of(&headers(&[("accept-language", "en-GB,en;q=0.9")]), false),
            Lang::En
        );
    }

    #[test]
    fn a_chosen_language_beats_the_browser() {
        let chosen = headers(&[
            ("accept-language", "en-GB"),
            (header::COOKIE.as_str(), "otmetka_lang=ru"),
        ]);
        assert_eq!(Lang::of(&chosen, false), Lang::Ru);
        let nonsense = headers(&[
            ("accept-language", "en-GB"),
            (header::COOKIE.as_str(), "otmetka_lang=xx"),
        ]);
        assert_eq!(Lang::of(&nonsense, false), Lang::En);
    }

    #[test]
    fn common_refusals_read_in_russian() {
        assert_eq!(Lang::Ru.field_message("is required"), "обязательное поле");
        assert_eq!(
            Lang::Ru.field_message("must be at least 10 characters"),
            "не короче 10 символов"
        );
        assert_eq!(Lang::Ru.field_message("must be 1–10"), "must be 1–10");
        assert_eq!(
            Lang::Ru.field_message("must be in the future"),
            "должно быть в будущем"
        );
        assert_eq!(Lang::Ru.field_name("start_at"), "начало");
        assert_eq!(Lang::En.field_message("is required"), "is required");
    }

    #[test]
    fn dates_and_decimals_the_russian_way() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(Lang::Ru.date(day), "7 декабря 2026");
        assert_eq!(Lang::Ru.day_heading(day), "понедельник, 7 декабря");
        assert_eq!(Lang::En.day_heading(day), "Monday, 7 December");
        assert_eq!(Lang::Ru.decimal(4.5666), "4,57");
        assert_eq!(Lang::Ru.numeric_date("2026-12-07"), "07.12.2026");
        assert_eq!(Lang::En.numeric_date("2026-12-07"), "07/12/2026");
        let instant = chrono::DateTime::parse_from_rfc3339("2026-12-07T09:05:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            Lang::Ru.date_time(instant, chrono_tz::Asia::Yekaterinburg),
            "7 декабря 2026, 14:05"
        );
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let sunday = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert_eq!(
            Lang::Ru.date_range(monday, sunday),
            "30 ноября – 6 декабря 2026"
        );
        assert_eq!(
            Lang::Ru.date_range(day, day + chrono::Days::new(6)),
            "7–13 декабря 2026"
        );
        let new_year = NaiveDate::from_ymd_opt(2027, 1, 3).unwrap();
        assert_eq!(
            Lang::En.date_range(NaiveDate::from_ymd_opt(2026, 12, 28).unwrap(), new_year),
            "28 December 2026 – 3 January 2027"
        );
        assert_eq!(Lang::En.decimal(4.5), "4.50");
    }
}
