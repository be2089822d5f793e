//! Weighted averages, the period mark a calculation policy suggests, the
//! explanation shown to teachers and families, and the what-if search
//! ("what would it take to get a 5?").
//!
//! Pure: no I/O, no clock, no panics on any input. The what-if search decides
//! every answer by calling [`average`] itself, so it always agrees with the
//! suggested mark a teacher sees.
//!
//! The arithmetic is exact. Points and thresholds are read to a millionth
//! (4.495 is 4 495 000 millionths, not the float just below it), sums are
//! integers, and the average is rounded from the exact fraction. So
//! (4.02 + 4.97) / 2 rounds half-up to 4.50, where rounding the float would
//! give 4.49. Points with more decimals (a third, say) are taken to the
//! nearest millionth.
//!
//! Which marks count (graded, not withdrawn) and how many points a value
//! such as "4-" is worth are the caller's decisions; this module does not
//! parse values.

use otmetka_platform::text::{TextRule, quote};
use std::fmt;

use otmetka_platform::error::FieldViolation;
use uuid::Uuid;

mod what_if;

pub use what_if::{Candidate, WhatIf, WhatIfError, WhatIfOption, what_if};

/// Points and thresholds beyond this magnitude are refused; real scales
/// top out at 100.
pub const MAX_POINTS: f64 = 1_000_000.0;
/// A rounding rule keeps at most this many decimals.
pub const MAX_DECIMALS: u32 = 6;
/// The what-if search never adds more marks than this, whatever it is asked.
pub const MAX_WHAT_IF_COUNT: u32 = 100;

/// Points are kept as integer millionths.
const POINT_DECIMALS: u32 = 6;

/// A mark that counts in an average. The caller has already left out
/// statuses that never count (exempt, absent, «точка») and withdrawn marks.
///
/// A mark whose points are not finite or exceed [`MAX_POINTS`], or whose
/// weight is 0, is not counted; the explanation says how many were left out.
#[derive(Debug, Clone, PartialEq)]
pub struct CountedMark {
    pub id: Uuid,
    /// As written in the journal, e.g. "4-".
    pub value: String,
    /// On the scale's numeric range, as the caller values it.
    pub points: f64,
    pub weight: u32,
}

/// How an average is rounded before thresholds apply. Spelled `half_up_2`,
/// `half_even_2`, `down_2` in policies. Halves and "down" are taken by
/// magnitude: −2.5 rounds half-up to −3 and down to −2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    HalfUp { decimals: u32 },
    HalfEven { decimals: u32 },
    Down { decimals: u32 },
}

impl Rounding {
    pub fn parse(text: &str) -> Result<Self, String> {
        let refuse = || {
            format!(
                "{} is not a rounding rule (half_up_N, half_even_N or down_N, \
                 N decimals 0–{MAX_DECIMALS})",
                quote(text)
            )
        };
        let (mode, digits) = text.rsplit_once('_').ok_or_else(refuse)?;
        let canonical = digits == "0" || !digits.starts_with('0');
        if digits.is_empty() || !canonical || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(refuse());
        }
        let decimals = digits
            .parse::<u32>()
            .ok()
            .filter(|d| *d <= MAX_DECIMALS)
            .ok_or_else(refuse)?;
        match mode {
            "half_up" => Ok(Rounding::HalfUp { decimals }),
            "half_even" => Ok(Rounding::HalfEven { decimals }),
            "down" => Ok(Rounding::Down { decimals }),
            _ => Err(refuse()),
        }
    }

    pub fn decimals(self) -> u32 {
        match self {
            Rounding::HalfUp { decimals }
            | Rounding::HalfEven { decimals }
            | Rounding::Down { decimals } => decimals,
        }
    }

    /// Decimals actually kept: a rule beyond [`MAX_DECIMALS`] fails
    /// validation and, if applied anyway, keeps [`MAX_DECIMALS`].
    fn kept(self) -> u32 {
        self.decimals().min(MAX_DECIMALS)
    }

    /// `numerator / denominator` (denominator > 0) in units of 10^-kept.
    fn apply(self, numerator: i128, denominator: i128) -> i128 {
        let scaled = numerator * 10i128.pow(self.kept());
        let (magnitude, divisor) = (scaled.unsigned_abs(), denominator.unsigned_abs());
        let (whole, rest) = (magnitude / divisor, magnitude % divisor);
        let up = match self {
            Rounding::HalfUp { .. } => 2 * rest >= divisor,
            Rounding::HalfEven { .. } => {
                2 * rest > divisor || (2 * rest == divisor && whole % 2 == 1)
            }
            Rounding::Down { .. } => false,
        };
        let rounded = (whole + u128::from(up)) as i128;
        if scaled < 0 { -rounded } else { rounded }
    }
}

impl fmt::Display for Rounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = match self {
            Rounding::HalfUp { .. } => "half_up",
            Rounding::HalfEven { .. } => "half_even",
            Rounding::Down { .. } => "down",
        };
        write!(f, "{mode}_{}", self.decimals())
    }
}

/// The mark suggested from `min_average` (after rounding) upwards.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub mark: String,
    pub min_average: f64,
}

/// A version of a school's rules for averages and suggested marks.
///
/// A policy that fails [`Policy::validate`] is still applied without
/// panicking: thresholds that are not finite never match.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// 0 for the built-in [`Policy::default_five_point`].
    pub version: i64,
    /// Best first, `min_average` strictly decreasing.
    pub thresholds: Vec<Threshold>,
    pub rounding: Rounding,
}

impl Policy {
    /// The common rule on the 5-point scale: "5" from 4.50, "4" from 3.50,
    /// "3" from 2.50, otherwise "2"; averages rounded half-up to hundredths.
    pub fn default_five_point() -> Self {
        let threshold = |mark: &str, min_average| Threshold {
            mark: mark.to_owned(),
            min_average,
        };
        Policy {
            version: 0,
            thresholds: vec![
                threshold("5", 4.5),
                threshold("4", 3.5),
                threshold("3", 2.5),
                threshold("2", 0.0),
            ],
            rounding: Rounding::HalfUp { decimals: 2 },
        }
    }

    /// Every problem at once, each naming the field (`thresholds`, `rounding`).
    pub fn validate(&self) -> Result<(), Vec<FieldViolation>> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, description: String| {
            problems.push(FieldViolation {
                field: field.to_owned(),
                description,
            })
        };
        if self.thresholds.is_empty() {
            problem("thresholds", "must name at least one mark".to_owned());
        }
        for (i, threshold) in self.thresholds.iter().enumerate() {
            let mark = &threshold.mark;
            if mark.trim().is_empty() {
                problem("thresholds", format!("threshold {} has no mark", i + 1));
            } else if let Err(why) = TextRule::line(20).read(mark) {
                problem(
                    "thresholds",
                    format!("the mark of threshold {} {why}", i + 1),
                );
            } else if self.thresholds[..i].iter().any(|t| t.mark == *mark) {
                problem("thresholds", format!("{} appears twice", quote(mark)));
            }
            let Some(min) = micro(threshold.min_average) else {
                problem(
                    "thresholds",
                    format!(
                        "{}: min_average must be a number within ±{MAX_POINTS}",
                        quote(mark)
                    ),
                );
                continue;
            };
            let previous = i.checked_sub(1).map(|p| &self.thresholds[p]);
            if let Some(previous) = previous
                && micro(previous.min_average).is_some_and(|p| p <= min)
            {
                problem(
                    "thresholds",
                    format!(
                        "{}: min_average must be below that of {} (best first)",
                        quote(mark),
                        quote(&previous.mark)
                    ),
                );
            }
        }
        if self.rounding.decimals() > MAX_DECIMALS {
            problem("rounding", format!("keeps at most {MAX_DECIMALS} decimals"));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// A weighted average and the mark it suggests.
#[derive(Debug, Clone, PartialEq)]
pub struct Average {
    /// Σ(points·weight) / Σweight; `None` without counted marks.
    pub average: Option<f64>,
    /// `average` under the policy's rounding; thresholds apply to this.
    pub rounded: Option<f64>,
    /// The first threshold (best first) the rounded average reaches.
    pub suggested: Option<String>,
    /// The marks counted, in the order given.
    pub mark_ids: Vec<Uuid>,
    /// In Russian, with a decimal comma.
    pub explanation: String,
    pub policy_version: i64,
}

/// The weighted average of `marks` and the mark `policy` suggests from it.
pub fn average(marks: &[CountedMark], policy: &Policy) -> Average {
    let mut sum = 0i128;
    let mut weights = 0i128;
    let mut terms = Vec::new();
    let mut mark_ids = Vec::new();
    for mark in marks {
        let Some(points) = micro(mark.points).filter(|_| mark.weight > 0) else {
            continue;
        };
        sum += points * i128::from(mark.weight);
        weights += i128::from(mark.weight);
        mark_ids.push(mark.id);
        let shown = decimal(points, POINT_DECIMALS, 0);
        terms.push(if mark.value.trim() == shown {
            format!("{shown}×{}", mark.weight)
        } else {
            format!("«{}» {shown}×{}", mark.value, mark.weight)
        });
    }
    let skipped = marks.len() - mark_ids.len();
    let mut explanation = String::new();
    let (mut average, mut rounded, mut suggested) = (None, None, None);
    if weights == 0 {
        explanation.push_str("Нет отметок, которые учитываются в среднем: балл не вычисляется.");
    } else {
        let denominator = weights * 10i128.pow(POINT_DECIMALS);
        let decimals = policy.rounding.kept();
        let units = policy.rounding.apply(sum, denominator);
        average = Some(sum as f64 / denominator as f64);
        rounded = Some(units as f64 / 10f64.powi(decimals as i32));
        explanation.push_str(&format!(
            "Средневзвешенный балл: ({}) / {weights} = {} / {weights} = {} → округление {}: {}. ",
            terms.join(" + "),
            decimal(sum, POINT_DECIMALS, 0),
            unrounded(sum, denominator, decimals),
            policy.rounding,
            decimal(units, decimals, decimals),
        ));
        let reached = units * 10i128.pow(POINT_DECIMALS - decimals);
        let index = policy
            .thresholds
            .iter()
            .position(|t| micro(t.min_average).is_some_and(|min| min <= reached));
        explanation.push_str(&rule(policy, index));
        suggested = index.map(|i| policy.thresholds[i].mark.clone());
    }
    if skipped > 0 {
        explanation.push_str(&format!(
            " Не учтено отметок с неверным баллом или нулевым весом: {skipped}."
        ));
    }
    explanation.push_str(&if policy.version == 0 {
        " Политика расчёта по умолчанию.".to_owned()
    } else {
        format!(" Политика расчёта, версия {}.", policy.version)
    });
    Average {
        average,
        rounded,
        suggested,
        mark_ids,
        explanation: explanation.trim_start().to_owned(),
        policy_version: policy.version,
    }
}

/// Points in millionths, if they are a number within ±[`MAX_POINTS`].
fn micro(points: f64) -> Option<i128> {
    let scaled = points * 10f64.powi(POINT_DECIMALS as i32);
    (points.is_finite() && points.abs() <= MAX_POINTS).then(|| scaled.round() as i128)
}

/// `units`·10^-decimals with a decimal comma, trailing zeros dropped down to
/// `min_decimals`.
fn decimal(units: i128, decimals: u32, min_decimals: u32) -> String {
    let scale = 10u128.pow(decimals);
    let magnitude = units.unsigned_abs();
    let sign = if units < 0 { "-" } else { "" };
    let mut fraction = format!("{:0width$}", magnitude % scale, width = decimals as usize);
    while fraction.len() > min_decimals as usize && fraction.ends_with('0') {
        fraction.pop();
    }
    let whole = magnitude / scale;
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole},{fraction}")
    }
}

/// The exact average to a few more decimals than the rounding keeps, with
/// "…" when it goes on.
fn unrounded(sum: i128, denominator: i128, decimals: u32) -> String {
    let shown = (decimals + 1).max(4);
    let scaled = sum * 10i128.pow(shown);
    let exact = scaled % denominator == 0;
    let text = decimal(scaled / denominator, shown, 0);
    if exact { text } else { format!("{text}…") }
}

fn threshold_text(threshold: &Threshold, decimals: u32) -> String {
    match micro(threshold.min_average) {
        Some(min) => decimal(min, POINT_DECIMALS, decimals),
        None => threshold.min_average.to_string(),
    }
}

/// Which threshold produced the suggestion, and the one above it.
fn rule(policy: &Policy, index: Option<usize>) -> String {
    let decimals = policy.rounding.kept();
    let from = |t: &Threshold| format!("«{}» — от {}", t.mark, threshold_text(t, decimals));
    match (index, policy.thresholds.last()) {
        (Some(i), _) => {
            let matched = &policy.thresholds[i];
            let better = i.checked_sub(1).map(|b| &policy.thresholds[b]);
            let better = better.map(|b| format!(", порог {}", from(b)));
            format!(
                "Порог {}{}: предлагается «{}».",
                from(matched),
                better.unwrap_or_default(),
                matched.mark
            )
        }
        (None, Some(lowest)) => format!(
            "Ниже порога «{}» (от {}): отметка не предлагается.",
            lowest.mark,
            threshold_text(lowest, decimals)
        ),
        (None, None) => "Порогов нет: отметка не предлагается.".to_owned(),
    }
}

fn rounded_text(result: &Average, policy: &Policy) -> String {
    let decimals = policy.rounding.kept() as usize;
    result
        .rounded
        .map(|r| format!("{r:.decimals$}").replace('.', ","))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
