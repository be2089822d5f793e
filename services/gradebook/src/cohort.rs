//! Which students of a journal a teacher's filter picks (pure): those whose
//! average is below a threshold, those who missed at least so many lessons,
//! or those who meet both conditions.
//!
//! The average compared is the one the journal shows, rounded by the
//! policy, so a student a teacher sees at 3,50 is never found below 3.5.
//! That average and the threshold are both decimals of at most
//! [`MAX_DECIMALS`] places held as their nearest doubles; such decimals lie
//! far further apart than doubles near 100 do, so comparing the doubles
//! orders them as the decimals themselves.

use otmetka_platform::error::Violations;
use otmetka_platform::text::quote;
use otmetka_platform::{Error, Result};

use crate::calc::MAX_DECIMALS;

/// More lessons than a subject has in a school year.
pub const MAX_ABSENCES: u32 = 1000;
/// Where a threshold may lie when the scale has no range of its own: the
/// 0–100 points of custom values.
const ANY_SCALE: (f64, f64) = (0.0, 100.0);

/// A student's figures in one journal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// As the journal shows it; `None` without marks that count.
    pub average: Option<f64>,
    /// Lessons missed so far, whatever the reason.
    pub absences: u32,
}

/// What a teacher asks for: one condition at least.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Filter {
    average_below: Option<f64>,
    absences_at_least: Option<u32>,
    /// Both conditions must hold, rather than either.
    match_all: bool,
}

impl Filter {
    /// Reads a filter as the request gives it (an empty threshold and an
    /// unset count are no condition), naming every field at fault.
    pub fn read(
        average_below: &str,
        absences_at_least: Option<i32>,
        match_all: bool,
    ) -> Result<Self> {
        let mut violations = Violations::new();
        if average_below.is_empty() && absences_at_least.is_none() {
            // Without a condition the filter would pick the whole class or
            // no one, depending on `match_all`: neither is a question.
            for field in ["average_below", "absences_at_least"] {
                violations.add(field, "give average_below, absences_at_least or both");
            }
        }
        let average_below = match average_below {
            "" => None,
            text => violations.check("average_below", decimal(text)),
        };
        let absences_at_least = absences_at_least.and_then(|count| {
            let count = u32::try_from(count)
                .ok()
                .filter(|count| (1..=MAX_ABSENCES).contains(count))
                .ok_or_else(|| format!("must be 1–{MAX_ABSENCES}, not {count}"));
            violations.check("absences_at_least", count)
        });
        violations.into_result()?;
        Ok(Self {
            average_below,
            absences_at_least,
            match_all,
        })
    }

    /// Refuses a threshold outside the scale's points (`range`, lowest and
    /// highest; `None` for a scale never averaged): at or below the lowest
    /// no student could be found.
    pub fn check_scale(&self, range: Option<(f64, f64)>) -> Result<()> {
        let Some(below) = self.average_below else {
            return Ok(());
        };
        let (low, high) = range.unwrap_or(ANY_SCALE);
        if low < below && below <= high {
            Ok(())
        } else {
            Err(Error::invalid(
                "average_below",
                format!("must be above {low} and at most {high} on this subject's scale"),
            ))
        }
    }

    pub fn matches(&self, standing: Standing) -> bool {
        let below = self
            .average_below
            .map(|below| standing.average.is_some_and(|average| average < below));
        let absent = self
            .absences_at_least
            .map(|least| standing.absences >= least);
        let mut given = [below, absent].into_iter().flatten();
        if self.match_all {
            given.all(|held| held)
        } else {
            given.any(|held| held)
        }
    }
}

/// "3.5" or "3,5": digits, then at most [`MAX_DECIMALS`] after a point or
/// a comma.
fn decimal(text: &str) -> Result<f64, String> {
    let refuse = || {
        format!(
            "{} is not a decimal such as 3.5 (at most {MAX_DECIMALS} decimals)",
            quote(text)
        )
    };
    let (whole, fraction) = text.split_once(['.', ',']).unwrap_or((text, "0"));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || fraction.len() > MAX_DECIMALS as usize {
        return Err(refuse());
    }
    format!("{whole}.{fraction}").parse().map_err(|_| refuse())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FIVE_POINT: Option<(f64, f64)> = Some((1.0, 5.0));

    fn fields(error: Error) -> Vec<String> {
        match error {
            Error::InvalidArgument(violations) => violations.into_iter().map(|v| v.field).collect(),
            other => panic!("not a field violation: {other:?}"),
        }
    }

    fn standing(average: Option<f64>, absences: u32) -> Standing {
        Standing { average, absences }
    }

    #[test]
    fn a_filter_needs_a_condition_and_names_what_is_wrong() {
        let none = Filter::read("", None, true).unwrap_err();
        assert_eq!(fields(none), ["average_below", "absences_at_least"]);
        for bad in ["3.", ".5", "3.1234567", "-1", "3,5,1", "три", " 3.5", "1e1"] {
            let refused = Filter::read(bad, None, false).unwrap_err();
            assert_eq!(fields(refused), ["average_below"], "{bad}");
        }
        for bad in [0, -1, 1001] {
            let refused = Filter::read("", Some(bad), false).unwrap_err();
            assert_eq!(fields(refused), ["absences_at_least"], "{bad}");
        }
        let both = Filter::read("x", Some(0), false).unwrap_err();
        assert_eq!(fields(both), ["average_below", "absences_at_least"]);
        assert!(Filter::read("3,5", Some(1000), true).is_ok());
        assert!(Filter::read("", Some(1), false).is_ok());
    }

    #[test]
    fn the_threshold_lies_on_the_subjects_scale() {
        let below = |text| Filter::read(text, None, false).unwrap();
        assert!(below("5").check_scale(FIVE_POINT).is_ok());
        assert!(below("1.01").check_scale(FIVE_POINT).is_ok());
        for outside in ["1", "0.5", "5.01", "10"] {
            let refused = below(outside).check_scale(FIVE_POINT).unwrap_err();
            assert_eq!(fields(refused), ["average_below"], "{outside}");
        }
        // A scale never averaged takes custom values' 0–100.
        assert!(below("100").check_scale(None).is_ok());
        assert!(below("0").check_scale(None).is_err());
        // Without a threshold there is nothing to check.
        let absences = Filter::read("", Some(3), false).unwrap();
        assert!(absences.check_scale(FIVE_POINT).is_ok());
    }

    #[test]
    fn each_condition_picks_by_its_own_figure() {
        let below = Filter::read("3.5", None, false).unwrap();
        assert!(below.matches(standing(Some(3.49), 0)));
        assert!(!below.matches(standing(Some(3.5), 9)));
        assert!(
            !below.matches(standing(None, 9)),
            "no average is not a low one"
        );
        let absent = Filter::read("", Some(2), false).unwrap();
        assert!(absent.matches(standing(None, 2)));
        assert!(!absent.matches(standing(Some(2.0), 1)));
        let any = Filter::read("3.5", Some(2), false).unwrap();
        let all = Filter::read("3.5", Some(2), true).unwrap();
        let low_and_present = standing(Some(3.0), 0);
        assert!(any.matches(low_and_present) && !all.matches(low_and_present));
        assert!(all.matches(standing(Some(3.0), 2)));
    }

    /// `units` millionths as a decimal: "3.500000".
    fn millionths(units: u32) -> String {
        format!("{}.{:06}", units / 1_000_000, units % 1_000_000)
    }

    /// A threshold in millionths on 0–100, a count of absences, and a
    /// student with an average (or none) and absences like it.
    fn figures() -> impl Strategy<Value = (u32, u32, Standing)> {
        let average = proptest::option::of(0u32..=100_000_000);
        (1u32..=100_000_000, 1u32..=30, average, 0u32..=30).prop_map(
            |(threshold, least, average, absences)| {
                let average = average.map(|units| f64::from(units) / 1e6);
                (threshold, least, standing(average, absences))
            },
        )
    }

    /// The filter of `threshold` millionths and `least` absences.
    fn filter(threshold: Option<u32>, least: Option<u32>, match_all: bool) -> Filter {
        let text = threshold.map_or(String::new(), millionths);
        let least = least.map(|n| i32::try_from(n).unwrap());
        Filter::read(&text, least, match_all).unwrap()
    }

    /// Which conditions a filter gives: the average's, the absences', both.
    fn given(which: u8, threshold: u32, least: u32) -> (Option<u32>, Option<u32>) {
        match which {
            0 => (Some(threshold), None),
            1 => (None, Some(least)),
            _ => (Some(threshold), Some(least)),
        }
    }

    proptest! {
        #[test]
        fn both_conditions_pick_those_each_condition_picks(
            (threshold, least, student) in figures(),
        ) {
            let by_average = filter(Some(threshold), None, false).matches(student);
            let by_absences = filter(None, Some(least), false).matches(student);
            let both = |all| filter(Some(threshold), Some(least), all).matches(student);
            prop_assert_eq!(both(true), by_average && by_absences);
            prop_assert_eq!(both(false), by_average || by_absences);
        }

        #[test]
        fn with_one_condition_match_all_changes_nothing(
            (threshold, least, student) in figures(),
            which in 0u8..2,
        ) {
            let (threshold, least) = given(which, threshold, least);
            prop_assert_eq!(
                filter(threshold, least, true).matches(student),
                filter(threshold, least, false).matches(student)
            );
        }

        #[test]
        fn no_average_is_never_below_a_threshold(
            (threshold, least, student) in figures(),
            match_all in any::<bool>(),
        ) {
            let unmarked = standing(None, student.absences);
            let by_absences = filter(None, Some(least), false).matches(unmarked);
            let both = filter(Some(threshold), Some(least), match_all).matches(unmarked);
            prop_assert!(!filter(Some(threshold), None, false).matches(unmarked));
            prop_assert_eq!(both, by_absences && !match_all);
        }

        #[test]
        fn looser_conditions_never_lose_a_student(
            (threshold, least, student) in figures(),
            which in 0u8..3,
            match_all in any::<bool>(),
            looser in 0u32..1_000_000,
        ) {
            let (threshold, least) = given(which, threshold, least);
            if filter(threshold, least, match_all).matches(student) {
                let higher = threshold.map(|units| (units + looser).min(100_000_000));
                let fewer = least.map(|n| n.saturating_sub(looser).max(1));
                prop_assert!(filter(higher, fewer, match_all).matches(student));
            }
        }

        #[test]
        fn doubles_compare_as_the_decimals_they_stand_for(
            average in 0u32..=100_000_000,
            decimals in 0u32..=MAX_DECIMALS,
            offset in -2i64..=2,
        ) {
            // The journal's rounded average at `decimals` places, made a
            // double as `calc` makes it, against thresholds a millionth or
            // two either side of it, and at it.
            let step = 10u32.pow(MAX_DECIMALS - decimals);
            let units = average / step;
            let shown = f64::from(units) / 10f64.powi(decimals as i32);
            let exact = i64::from(units * step);
            let threshold = (exact + offset).clamp(1, 100_000_000);
            let below = decimal(&millionths(threshold as u32)).unwrap();
            prop_assert_eq!(shown < below, exact < threshold);
        }
    }
}
