//! Values that parse what callers send: grade levels, times of day and a
//! bell schedule's slots.

use chrono::NaiveTime;
use otmetka_platform::text::quote;

/// Grade levels 1–11, kept sorted and without repeats. Stored as ",5,6," so
/// that a `LIKE '%,5,%'` finds one level on either backend.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GradeLevels(Vec<i32>);

impl GradeLevels {
    pub const RANGE: std::ops::RangeInclusive<i32> = 1..=11;

    pub fn parse(levels: &[i32]) -> Result<Self, String> {
        if let Some(bad) = levels.iter().find(|level| !Self::RANGE.contains(level)) {
            return Err(format!("grade level {bad} is not 1–11"));
        }
        let mut levels = levels.to_vec();
        levels.sort_unstable();
        levels.dedup();
        Ok(Self(levels))
    }

    pub fn from_column(column: &str) -> Self {
        Self(
            column
                .split(',')
                .filter_map(|part| part.parse().ok())
                .collect(),
        )
    }

    pub fn to_column(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let joined: Vec<String> = self.0.iter().map(i32::to_string).collect();
        format!(",{},", joined.join(","))
    }

    /// The pattern that finds rows holding `level`.
    pub fn like_pattern(level: i32) -> String {
        format!("%,{level},%")
    }

    pub fn levels(&self) -> &[i32] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, level: i32) -> bool {
        self.0.contains(&level)
    }
}

/// A school-local time of day, "HH:MM".
pub fn parse_time(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .ok()
        .filter(|_| text.len() == 5)
        .ok_or_else(|| format!("{} is not a time of day as HH:MM", quote(text)))
}

pub fn format_time(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

/// One lesson slot of a bell schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BellSlot {
    pub lesson_number: i32,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// The slots of a bell schedule: lesson numbers unique, each slot ending
/// after it starts, slots in lesson order not overlapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BellSlots(Vec<BellSlot>);

pub const MAX_LESSON_NUMBER: i32 = 20;

impl BellSlots {
    pub fn new(mut slots: Vec<BellSlot>) -> Result<Self, String> {
        if slots.is_empty() {
            return Err("must hold at least one slot".into());
        }
        slots.sort_by_key(|slot| slot.lesson_number);
        for slot in &slots {
            if !(0..=MAX_LESSON_NUMBER).contains(&slot.lesson_number) {
                return Err(format!(
                    "lesson number {} is not 0–{MAX_LESSON_NUMBER}",
                    slot.lesson_number
                ));
            }
            if slot.end <= slot.start {
                return Err(format!(
                    "lesson {} must end after it starts",
                    slot.lesson_number
                ));
            }
        }
        for pair in slots.windows(2) {
            if pair[0].lesson_number == pair[1].lesson_number {
                return Err(format!("lesson {} appears twice", pair[0].lesson_number));
            }
            if pair[1].start < pair[0].end {
                return Err(format!(
                    "lesson {} starts before lesson {} ends",
                    pair[1].lesson_number, pair[0].lesson_number
                ));
            }
        }
        Ok(Self(slots))
    }

    pub fn slot(&self, lesson_number: i32) -> Option<&BellSlot> {
        self.0
            .iter()
            .find(|slot| slot.lesson_number == lesson_number)
    }

    pub fn slots(&self) -> &[BellSlot] {
        &self.0
    }

    /// "1=08:30-09:15;2=09:25-10:10".
    pub fn to_column(&self) -> String {
        let slots: Vec<String> = self
            .0
            .iter()
            .map(|slot| {
                format!(
                    "{}={}-{}",
                    slot.lesson_number,
                    format_time(slot.start),
                    format_time(slot.end)
                )
            })
            .collect();
        slots.join(";")
    }

    /// Reads what [`BellSlots::to_column`] wrote.
    pub fn from_column(column: &str) -> anyhow::Result<Self> {
        let slots = column
            .split(';')
            .map(|slot| {
                let (number, times) = slot.split_once('=')?;
                let (start, end) = times.split_once('-')?;
                Some(BellSlot {
                    lesson_number: number.parse().ok()?,
                    start: parse_time(start).ok()?,
                    end: parse_time(end).ok()?,
                })
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| anyhow::anyhow!("unreadable bell slots {column:?}"))?;
        Self::new(slots).map_err(|error| anyhow::anyhow!("stored bell slots: {error}"))
    }
}
