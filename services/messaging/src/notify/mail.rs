//! Letters: one notification, or a person's day of them, as an e-mail in
//! Russian with an HTML and a plain-text part and a Message-ID fixed
//! before the first attempt.

use askama::Template;
use chrono::NaiveDate;
use lettre::Message;
use lettre::message::{Mailbox, MultiPart};
use otmetka_platform::time::russian_day_and_month;

use crate::model::Notification;

/// Where letters come from and what their links lead to.
#[derive(Debug, Clone)]
pub struct Letterhead {
    pub from: Mailbox,
    /// The web app's address, without a trailing slash.
    pub site_url: String,
}

impl Letterhead {
    /// The domain that names this sender's messages.
    fn domain(&self) -> &str {
        self.from.email.domain()
    }

    /// The Message-ID of the letter telling one notification: the same on
    /// every attempt, so a repeated send is recognisable as one message.
    pub fn message_id_of(&self, notification: &Notification) -> String {
        format!("<notification.{}@{}>", notification.id, self.domain())
    }

    /// A Message-ID for a new digest.
    pub fn new_digest_id(&self) -> String {
        format!("<digest.{}@{}>", uuid::Uuid::now_v7(), self.domain())
    }

    fn links(&self) -> (String, String) {
        (
            format!("{}/notifications", self.site_url),
            format!("{}/settings/notifications", self.site_url),
        )
    }
}

#[derive(Template)]
#[template(path = "mail/notification.txt")]
struct NotificationText<'a> {
    title: &'a str,
    body: &'a str,
    link: &'a str,
    settings_link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/notification.html")]
struct NotificationHtml<'a> {
    title: &'a str,
    body: &'a str,
    link: &'a str,
    settings_link: &'a str,
}

struct DigestItem<'a> {
    title: &'a str,
    body: &'a str,
}

#[derive(Template)]
#[template(path = "mail/digest.txt")]
struct DigestText<'a> {
    heading: &'a str,
    items: &'a [DigestItem<'a>],
    link: &'a str,
    settings_link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/digest.html")]
struct DigestHtml<'a> {
    heading: &'a str,
    items: &'a [DigestItem<'a>],
    link: &'a str,
    settings_link: &'a str,
}

/// A letter telling one notification.
pub fn single(
    letterhead: &Letterhead,
    to: Mailbox,
    notification: &Notification,
    message_id: &str,
) -> anyhow::Result<Message> {
    let (link, settings_link) = letterhead.links();
    let text = NotificationText {
        title: &notification.title,
        body: &notification.body,
        link: &link,
        settings_link: &settings_link,
    }
    .render()?;
    let html = NotificationHtml {
        title: &notification.title,
        body: &notification.body,
        link: &link,
        settings_link: &settings_link,
    }
    .render()?;
    letter(letterhead, to, &notification.title, message_id, text, html)
}

/// A letter gathering a person's notifications of `day` (school time).
pub fn digest(
    letterhead: &Letterhead,
    to: Mailbox,
    day: NaiveDate,
    notifications: &[&Notification],
    message_id: &str,
) -> anyhow::Result<Message> {
    let (link, settings_link) = letterhead.links();
    let heading = format!(
        "Сводка «Отметки» за {}: {}",
        russian_day_and_month(day),
        count_in_russian(notifications.len())
    );
    let items: Vec<DigestItem<'_>> = notifications
        .iter()
        .map(|notification| DigestItem {
            title: &notification.title,
            body: &notification.body,
        })
        .collect();
    let text = DigestText {
        heading: &heading,
        items: &items,
        link: &link,
        settings_link: &settings_link,
    }
    .render()?;
    let html = DigestHtml {
        heading: &heading,
        items: &items,
        link: &link,
        settings_link: &settings_link,
    }
    .render()?;
    letter(letterhead, to, &heading, message_id, text, html)
}

fn letter(
    letterhead: &Letterhead,
    to: Mailbox,
    subject: &str,
    message_id: &str,
    text: String,
    html: String,
) -> anyhow::Result<Message> {
    Ok(Message::builder()
        .from(letterhead.from.clone())
        .to(to)
        .subject(subject)
        .message_id(Some(message_id.to_owned()))
        .multipart(MultiPart::alternative_plain_html(text, html))?)
}

/// "1 уведомление", "3 уведомления", "5 уведомлений".
fn count_in_russian(count: usize) -> String {
    let word = match (count % 10, count % 100) {
        (1, n) if n != 11 => "уведомление",
        (2..=4, n) if !(12..=14).contains(&n) => "уведомления",
        _ => "уведомлений",
    };
    format!("{count} {word}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::hub::tests::notification_for;

    fn letterhead() -> Letterhead {
        Letterhead {
            from: "Отметка <noreply@otmetka.test>".parse().unwrap(),
            site_url: "https://dnevnik.example".into(),
        }
    }

    #[test]
    fn counts_read_as_russian_says_them() {
        let said: Vec<String> = [1, 2, 5, 11, 12, 21, 22, 25, 111, 104]
            .into_iter()
            .map(count_in_russian)
            .collect();
        assert_eq!(
            said,
            [
                "1 уведомление",
                "2 уведомления",
                "5 уведомлений",
                "11 уведомлений",
                "12 уведомлений",
                "21 уведомление",
                "22 уведомления",
                "25 уведомлений",
                "111 уведомлений",
                "104 уведомления"
            ]
        );
    }

    #[test]
    fn a_letter_has_a_plain_and_an_html_part_and_a_stable_message_id() {
        let notification = notification_for(otmetka_platform::ids::PersonId(uuid::Uuid::now_v7()));
        let letterhead = letterhead();
        let id = letterhead.message_id_of(&notification);
        assert_eq!(id, letterhead.message_id_of(&notification));
        assert!(id.ends_with("@otmetka.test>"), "{id}");
        let to: Mailbox = "parent@example.test".parse().unwrap();
        let message = single(&letterhead, to, &notification, &id).unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(raw.contains(&format!("Message-ID: {id}")), "{raw}");
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("text/plain; charset=utf-8"), "{raw}");
        assert!(raw.contains("text/html; charset=utf-8"), "{raw}");
    }

    #[test]
    fn the_html_part_escapes_what_people_wrote() {
        let html = NotificationHtml {
            title: "Собрание <b>7А</b>",
            body: "Кабинет 12 & актовый зал",
            link: "https://dnevnik.example/notifications",
            settings_link: "https://dnevnik.example/settings/notifications",
        }
        .render()
        .unwrap();
        assert!(
            html.contains("Собрание &#60;b&#62;7А&#60;/b&#62;") || html.contains("&lt;b&gt;"),
            "{html}"
        );
        assert!(!html.contains("<b>7А"), "{html}");
        let text = NotificationText {
            title: "Собрание <b>7А</b>",
            body: "",
            link: "l",
            settings_link: "s",
        }
        .render()
        .unwrap();
        assert!(
            text.starts_with("Собрание <b>7А</b>\n"),
            "plain text is not escaped: {text}"
        );
    }
}
