//! The web app's two languages: Russian first, English by choice or by the
//! browser's `Accept-Language`. Every word a page shows comes from [`Texts`],
//! so a template cannot show a string that has no translation.

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
        match self {
            Self::Ru => &RU,
            Self::En => &EN,
        }
    }

    /// "7 декабря 2026" / "7 December 2026".
    pub fn date(self, date: NaiveDate) -> String {
        let month = self.texts().months_of[date.month0() as usize];
        format!("{} {month} {}", date.day(), date.year())
    }

    /// "понедельник, 7 декабря" / "Monday, 7 December".
    pub fn day_heading(self, date: NaiveDate) -> String {
        let texts = self.texts();
        let weekday = texts.weekdays[date.weekday().num_days_from_monday() as usize];
        let month = texts.months_of[date.month0() as usize];
        format!("{weekday}, {} {month}", date.day())
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

/// Every word of the web app, in one language.
pub struct Texts {
    pub app_name: &'static str,
    pub skip_to_content: &'static str,
    pub main_menu: &'static str,
    pub switch_language: &'static str,
    pub sign_out: &'static str,
    pub sign_in: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_intro: &'static str,
    pub login: &'static str,
    pub password: &'static str,
    pub sign_in_with: &'static str,
    pub or: &'static str,
    pub have_access_code: &'static str,
    pub wrong_login: &'static str,
    pub too_many_attempts: &'static str,
    pub form_has_errors: &'static str,
    pub diary: &'static str,
    pub week_of: &'static str,
    pub previous_week: &'static str,
    pub next_week: &'static str,
    pub this_week: &'static str,
    pub choose_child: &'static str,
    pub show: &'static str,
    pub no_lessons: &'static str,
    pub lesson: &'static str,
    pub subject: &'static str,
    pub teacher: &'static str,
    pub substitute: &'static str,
    pub room: &'static str,
    pub topic: &'static str,
    pub homework: &'static str,
    pub homework_due: &'static str,
    pub homework_set: &'static str,
    pub marks: &'static str,
    pub mark_weight: &'static str,
    pub attendance: &'static str,
    pub cancelled: &'static str,
    pub new_mark: &'static str,
    pub marks_unavailable: &'static str,
    pub submission_required: &'static str,
    pub submitted: &'static str,
    pub returned: &'static str,
    pub marked: &'static str,
    pub absent: &'static str,
    pub ill: &'static str,
    pub excused: &'static str,
    pub late: &'static str,
    pub no_children: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub bad_request_title: &'static str,
    pub forbidden_title: &'static str,
    pub unavailable_title: &'static str,
    pub unavailable_text: &'static str,
    pub error_title: &'static str,
    pub error_text: &'static str,
    pub go_home: &'static str,
    pub weekdays: [&'static str; 7],
    /// Month names as they follow a day number ("7 декабря").
    pub months_of: [&'static str; 12],
}

pub static RU: Texts = Texts {
    app_name: "Отметка",
    skip_to_content: "Перейти к содержанию",
    main_menu: "Главное меню",
    switch_language: "Язык",
    sign_out: "Выйти",
    sign_in: "Войти",
    sign_in_title: "Вход в электронный дневник",
    sign_in_intro: "Логин и пароль выдаёт школа. Родители могут войти через городской портал.",
    login: "Логин",
    password: "Пароль",
    sign_in_with: "Войти через",
    or: "или",
    have_access_code: "У меня есть код доступа от школы",
    wrong_login: "Неверный логин или пароль.",
    too_many_attempts: "Слишком много попыток. Подождите немного и попробуйте снова.",
    form_has_errors: "Проверьте поля формы:",
    diary: "Дневник",
    week_of: "Неделя",
    previous_week: "Предыдущая неделя",
    next_week: "Следующая неделя",
    this_week: "Текущая неделя",
    choose_child: "Ребёнок",
    show: "Показать",
    no_lessons: "Уроков нет",
    lesson: "Урок",
    subject: "Предмет",
    teacher: "Учитель",
    substitute: "замена",
    room: "Кабинет",
    topic: "Тема",
    homework: "Домашнее задание",
    homework_due: "Задано к уроку",
    homework_set: "Задано на уроке",
    marks: "Оценки",
    mark_weight: "вес",
    attendance: "Посещаемость",
    cancelled: "Урок отменён",
    new_mark: "новая",
    marks_unavailable: "Оценки сейчас недоступны; расписание показано полностью. Обновите страницу позже.",
    submission_required: "нужно сдать",
    submitted: "сдано",
    returned: "возвращено на доработку",
    marked: "проверено",
    absent: "Н — отсутствовал",
    ill: "Б — болел",
    excused: "УП — уважительная причина",
    late: "ОП — опоздал",
    no_children: "К вашей учётной записи пока не привязан ни один ребёнок. Введите код доступа, который выдала школа.",
    not_found_title: "Страница не найдена",
    not_found_text: "Такой страницы нет или у вас нет к ней доступа.",
    bad_request_title: "Неверный запрос",
    forbidden_title: "Доступ запрещён",
    unavailable_title: "Сервис временно недоступен",
    unavailable_text: "Попробуйте обновить страницу через минуту.",
    error_title: "Что-то пошло не так",
    error_text: "Мы уже знаем об ошибке. Попробуйте ещё раз позже.",
    go_home: "На главную",
    weekdays: [
        "понедельник",
        "вторник",
        "среда",
        "четверг",
        "пятница",
        "суббота",
        "воскресенье",
    ],
    months_of: [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ],
};

pub static EN: Texts = Texts {
    app_name: "Otmetka",
    skip_to_content: "Skip to content",
    main_menu: "Main menu",
    switch_language: "Language",
    sign_out: "Sign out",
    sign_in: "Sign in",
    sign_in_title: "Sign in to the school diary",
    sign_in_intro: "Your school gives you a login and password. Parents may sign in through the city portal.",
    login: "Login",
    password: "Password",
    sign_in_with: "Sign in with",
    or: "or",
    have_access_code: "I have an access code from the school",
    wrong_login: "Wrong login or password.",
    too_many_attempts: "Too many attempts. Wait a little and try again.",
    form_has_errors: "Please check these fields:",
    diary: "Diary",
    week_of: "Week",
    previous_week: "Previous week",
    next_week: "Next week",
    this_week: "This week",
    choose_child: "Child",
    show: "Show",
    no_lessons: "No lessons",
    lesson: "Lesson",
    subject: "Subject",
    teacher: "Teacher",
    substitute: "substitute",
    room: "Room",
    topic: "Topic",
    homework: "Homework",
    homework_due: "Due for this lesson",
    homework_set: "Set in this lesson",
    marks: "Marks",
    mark_weight: "weight",
    attendance: "Attendance",
    cancelled: "Lesson cancelled",
    new_mark: "new",
    marks_unavailable: "Marks cannot be shown right now; the timetable is complete. Reload the page later.",
    submission_required: "to hand in",
    submitted: "handed in",
    returned: "returned for rework",
    marked: "marked",
    absent: "Absent",
    ill: "Ill",
    excused: "Excused",
    late: "Late",
    no_children: "No child is linked to your account yet. Enter the access code your school gave you.",
    not_found_title: "Page not found",
    not_found_text: "There is no such page, or you have no access to it.",
    bad_request_title: "Bad request",
    forbidden_title: "Access denied",
    unavailable_title: "Temporarily unavailable",
    unavailable_text: "Please reload the page in a minute.",
    error_title: "Something went wrong",
    error_text: "The error has been recorded. Please try again later.",
    go_home: "Home page",
    weekdays: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    months_of: [
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
};

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
    fn dates_and_decimals_the_russian_way() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(Lang::Ru.date(day), "7 декабря 2026");
        assert_eq!(Lang::Ru.day_heading(day), "понедельник, 7 декабря");
        assert_eq!(Lang::En.day_heading(day), "Monday, 7 December");
        assert_eq!(Lang::Ru.decimal(4.5666), "4,57");
        assert_eq!(Lang::En.decimal(4.5), "4.50");
    }
}
