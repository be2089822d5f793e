//! The what-if search: the fewest further marks after which the suggested
//! mark is the target or better. It decides every answer by calling
//! [`average`] itself, so it always agrees with what a teacher sees.

use otmetka_platform::text::quote;
use std::fmt;

use otmetka_platform::error::FieldViolation;

use uuid::Uuid;

use super::{
    Average, CountedMark, MAX_WHAT_IF_COUNT, Policy, average, micro, rounded_text, threshold_text,
};

/// A value a teacher could give, with its points.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub value: String,
    pub points: f64,
}

/// `count` further marks of `value` with `weight`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatIfOption {
    pub value: String,
    pub weight: u32,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WhatIf {
    pub reachable: bool,
    /// The target or better is suggested already; `options` is then empty.
    pub already: bool,
    /// Fewest marks first: by total weight (count·weight), then count.
    pub options: Vec<WhatIfOption>,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WhatIfError {
    /// The target is not a mark of the policy's thresholds.
    UnknownTarget(String),
    InvalidPolicy(Vec<FieldViolation>),
}

impl fmt::Display for WhatIfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WhatIfError::UnknownTarget(target) => {
                write!(
                    f,
                    "{} is not a mark of the calculation policy",
                    quote(target)
                )
            }
            WhatIfError::InvalidPolicy(problems) => {
                write!(f, "invalid calculation policy:")?;
                for problem in problems {
                    write!(f, " {}: {};", problem.field, problem.description)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for WhatIfError {}

/// For each candidate value and weight, the fewest further marks (at most
/// `max_count`, itself at most [`MAX_WHAT_IF_COUNT`]) after which [`average`]
/// suggests `target` or better.
///
/// Every candidate is tried, not only those at or above the target's
/// threshold: with rounding, 4.499 can reach a "5" from 4.50 and 4.495
/// cannot. Duplicate values and weights are tried once; weight 0 and
/// candidates whose points are not counted are skipped. Options of equal
/// size keep the order of `candidates`, then `weights`.
pub fn what_if(
    marks: &[CountedMark],
    policy: &Policy,
    target: &str,
    candidates: &[Candidate],
    weights: &[u32],
    max_count: u32,
) -> Result<WhatIf, WhatIfError> {
    policy.validate().map_err(WhatIfError::InvalidPolicy)?;
    let position = |mark: &str| policy.thresholds.iter().position(|t| t.mark == mark);
    let target_index =
        position(target).ok_or_else(|| WhatIfError::UnknownTarget(target.to_owned()))?;
    let reaches = |result: &Average| {
        result
            .suggested
            .as_deref()
            .and_then(position)
            .is_some_and(|i| i <= target_index)
    };
    let aim = format!(
        "«{target}» (от {})",
        threshold_text(&policy.thresholds[target_index], policy.rounding.kept())
    );
    let now = average(marks, policy);
    if reaches(&now) {
        return Ok(WhatIf {
            reachable: true,
            already: true,
            options: Vec::new(),
            explanation: format!(
                "Сейчас {}: цель {aim} уже достигнута.",
                describe(&now, policy)
            ),
        });
    }
    let max_count = max_count.min(MAX_WHAT_IF_COUNT);
    let with = |candidate: &Candidate, weight: u32, count: u32| {
        let mut all = marks.to_vec();
        all.extend((0..count).map(|_| CountedMark {
            id: Uuid::nil(),
            value: candidate.value.clone(),
            points: candidate.points,
            weight,
        }));
        average(&all, policy)
    };
    // Each option with the candidate it came from, to explain the best one.
    let mut found: Vec<(WhatIfOption, &Candidate)> = Vec::new();
    let mut tried: Vec<&str> = Vec::new();
    for candidate in candidates {
        if micro(candidate.points).is_none() || tried.contains(&candidate.value.as_str()) {
            continue;
        }
        tried.push(&candidate.value);
        for (w, &weight) in weights.iter().enumerate() {
            if weight == 0 || weights[..w].contains(&weight) {
                continue;
            }
            let reached = |count| reaches(&with(candidate, weight, count));
            if let Some(count) = fewest(max_count, reached) {
                let value = candidate.value.clone();
                found.push((
                    WhatIfOption {
                        value,
                        weight,
                        count,
                    },
                    candidate,
                ));
            }
        }
    }
    found.sort_by_key(|(o, _)| (u64::from(o.count) * u64::from(o.weight), o.count));
    let now = describe(&now, policy);
    let Some((best, candidate)) = found.first() else {
        return Ok(WhatIf {
            reachable: false,
            already: false,
            options: Vec::new(),
            explanation: format!(
                "Сейчас {now}. Цель {aim} недостижима при числе новых отметок до {max_count}."
            ),
        });
    };
    let then = with(candidate, best.weight, best.count);
    let explanation = format!(
        "Сейчас {now}. Цель {aim}, самый короткий путь: ещё {} {} «{}» с весом {} — \
         средний балл станет {}. Вариантов: {}.",
        best.count,
        marks_word(best.count),
        best.value,
        best.weight,
        rounded_text(&then, policy),
        found.len(),
    );
    Ok(WhatIf {
        reachable: true,
        already: false,
        options: found.into_iter().map(|(option, _)| option).collect(),
        explanation,
    })
}

/// The smallest count in 1..=max for which `reached` holds, knowing it does
/// not hold for 0. Binary search is sound: each added mark moves the exact
/// average towards the candidate's points, rounding never reverses order,
/// and "this threshold or a better one" is "at least the lowest of them".
fn fewest(max: u32, reached: impl Fn(u32) -> bool) -> Option<u32> {
    if max == 0 || !reached(max) {
        return None;
    }
    let (mut fails, mut holds) = (0, max);
    while holds - fails > 1 {
        let middle = fails + (holds - fails) / 2;
        if reached(middle) {
            holds = middle;
        } else {
            fails = middle;
        }
    }
    Some(holds)
}

/// "средний балл 3,67, предлагается «4»", for what-if explanations.
fn describe(result: &Average, policy: &Policy) -> String {
    match (&result.rounded, &result.suggested) {
        (None, _) => "отметок нет".to_owned(),
        (Some(_), Some(mark)) => format!(
            "средний балл {}, предлагается «{mark}»",
            rounded_text(result, policy)
        ),
        (Some(_), None) => format!(
            "средний балл {}, отметка не предлагается",
            rounded_text(result, policy)
        ),
    }
}

/// «отметка» agreeing with a count: 1 отметка, 3 отметки, 5 отметок.
pub(super) fn marks_word(count: u32) -> &'static str {
    match (count % 10, count % 100) {
        (_, 11..=14) => "отметок",
        (1, _) => "отметка",
        (2..=4, _) => "отметки",
        _ => "отметок",
    }
}
