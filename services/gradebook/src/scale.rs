//! Grading scales: which values a mark may take in a subject, and what each
//! value counts for in an average.
//!
//! Points live on the scale's own range (1–5, 1–10, 0–100; custom scales
//! give each value its points on 0–100). A «4+» or «4−» counts as 4: the sign
//! is the teacher's nuance, not a different mark, which is how schools read
//! the paper journal too. Pass/fail values never count in an average.

use otmetka_platform::text::{TextRule, quote};
use serde::{Deserialize, Serialize};

/// The kinds of scale a school may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleKind {
    FivePoint,
    TenPoint,
    HundredPoint,
    PassFail,
    Custom,
}

impl ScaleKind {
    pub const ALL: [ScaleKind; 5] = [
        ScaleKind::FivePoint,
        ScaleKind::TenPoint,
        ScaleKind::HundredPoint,
        ScaleKind::PassFail,
        ScaleKind::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ScaleKind::FivePoint => "five_point",
            ScaleKind::TenPoint => "ten_point",
            ScaleKind::HundredPoint => "hundred_point",
            ScaleKind::PassFail => "pass_fail",
            ScaleKind::Custom => "custom",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// A kind as stored: its name, read once where the row is.
impl TryFrom<String> for ScaleKind {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| format!("{} is not a scale kind", quote(&text)))
    }
}

/// One value of a custom scale with its points on 0–100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomValue {
    pub value: String,
    pub points: f64,
}

/// A scale as a subject uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub kind: ScaleKind,
    /// Whether «+» and «−» may follow a 5-point value.
    pub modifiers: bool,
    /// The values of a custom scale, best first.
    pub custom: Vec<CustomValue>,
}

pub const PASS: &str = "зачёт";
pub const FAIL: &str = "незачёт";

/// A value accepted on a scale: as the journal shows it, and what it counts for.
#[derive(Debug, Clone, PartialEq)]
pub struct Graded {
    pub value: String,
    /// `None` for values that never count in an average (pass/fail).
    pub points: Option<f64>,
}

impl Scale {
    /// The scale of a subject nobody configured: 5-point, signs allowed.
    pub fn default_five_point() -> Self {
        Self {
            kind: ScaleKind::FivePoint,
            modifiers: true,
            custom: Vec::new(),
        }
    }

    /// Reads `text` as a value on this scale.
    pub fn grade(&self, text: &str) -> Result<Graded, String> {
        let text = text.trim();
        match self.kind {
            ScaleKind::FivePoint => self.five_point(text),
            ScaleKind::TenPoint => whole_number(text, 1, 10),
            ScaleKind::HundredPoint => whole_number(text, 0, 100),
            ScaleKind::PassFail => {
                // «ё» is often typed as «е»: compare both spelled with «е».
                let lower = text.to_lowercase().replace('ё', "е");
                match lower.as_str() {
                    "зачет" | "pass" => Ok(Graded {
                        value: PASS.into(),
                        points: None,
                    }),
                    "незачет" | "fail" => Ok(Graded {
                        value: FAIL.into(),
                        points: None,
                    }),
                    _ => Err(format!(
                        "{} is not a value of a pass/fail subject («{PASS}» or «{FAIL}»)",
                        quote(text)
                    )),
                }
            }
            ScaleKind::Custom => self
                .custom
                .iter()
                .find(|allowed| allowed.value == text)
                .map(|allowed| Graded {
                    value: allowed.value.clone(),
                    points: Some(allowed.points),
                })
                .ok_or_else(|| {
                    let allowed: Vec<&str> = self.custom.iter().map(|v| v.value.as_str()).collect();
                    format!(
                        "{} is not on this scale ({})",
                        quote(text),
                        allowed.join(", ")
                    )
                }),
        }
    }

    fn five_point(&self, text: &str) -> Result<Graded, String> {
        let refuse = || {
            if self.modifiers {
                format!(
                    "{} is not a mark on the 5-point scale (1–5, optionally with + or -)",
                    quote(text)
                )
            } else {
                format!(
                    "{} is not a mark on the 5-point scale (1–5; this subject takes no + or -)",
                    quote(text)
                )
            }
        };
        let mut chars = text.chars();
        let points = chars
            .next()
            .and_then(|c| c.to_digit(10))
            .filter(|points| (1..=5).contains(points))
            .ok_or_else(refuse)?;
        let sign = match chars.as_str() {
            "" => "",
            "+" if self.modifiers => "+",
            "-" | "−" if self.modifiers => "-",
            _ => return Err(refuse()),
        };
        Ok(Graded {
            value: format!("{points}{sign}"),
            points: Some(f64::from(points)),
        })
    }

    /// Checks a scale before it is stored, naming the field at fault.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if self.modifiers && self.kind != ScaleKind::FivePoint {
            return Err((
                "allow_modifiers",
                "only the 5-point scale takes + and -".into(),
            ));
        }
        match self.kind {
            ScaleKind::Custom => {
                if self.custom.is_empty() || self.custom.len() > 20 {
                    return Err(("values", "a custom scale needs 1–20 values".into()));
                }
                for (index, value) in self.custom.iter().enumerate() {
                    let text = value.value.trim();
                    let rule = TextRule::line(20).required().untrimmed();
                    if rule.read(&value.value).is_err() || text != value.value {
                        return Err((
                            "values",
                            format!(
                                "value {} must be 1–20 characters on one line, without surrounding spaces or control characters",
                                index + 1
                            ),
                        ));
                    }
                    if !(0.0..=100.0).contains(&value.points) {
                        return Err(("values", format!("points of {text:?} must be 0–100")));
                    }
                    if self.custom[..index].iter().any(|v| v.value == value.value) {
                        return Err(("values", format!("{} appears twice", quote(text))));
                    }
                }
                Ok(())
            }
            _ if !self.custom.is_empty() => {
                Err(("values", "only a custom scale lists its values".into()))
            }
            _ => Ok(()),
        }
    }

    /// The lowest and highest points a value counts for; `None` for a scale
    /// whose values never count. Custom values are given on 0–100.
    pub fn points_range(&self) -> Option<(f64, f64)> {
        match self.kind {
            ScaleKind::FivePoint => Some((1.0, 5.0)),
            ScaleKind::TenPoint => Some((1.0, 10.0)),
            ScaleKind::HundredPoint | ScaleKind::Custom => Some((0.0, 100.0)),
            ScaleKind::PassFail => None,
        }
    }

    /// The values a teacher could give, best first, with their points: what a
    /// what-if may suggest.
    pub fn candidates(&self) -> Vec<(String, f64)> {
        match self.kind {
            ScaleKind::FivePoint => (2..=5)
                .rev()
                .map(|p| (p.to_string(), f64::from(p)))
                .collect(),
            ScaleKind::TenPoint => (1..=10)
                .rev()
                .map(|p| (p.to_string(), f64::from(p)))
                .collect(),
            ScaleKind::HundredPoint => [100, 90, 80, 70, 60, 50]
                .into_iter()
                .map(|p| (p.to_string(), f64::from(p)))
                .collect(),
            ScaleKind::PassFail => Vec::new(),
            ScaleKind::Custom => self
                .custom
                .iter()
                .map(|v| (v.value.clone(), v.points))
                .collect(),
        }
    }
}

fn whole_number(text: &str, min: u32, max: u32) -> Result<Graded, String> {
    // Printing back must give the same text: no "07", "+7" or " 7".
    text.parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n) && n.to_string() == text)
        .map(|n| Graded {
            value: n.to_string(),
            points: Some(f64::from(n)),
        })
        .ok_or_else(|| format!("{} is not a whole number {min}–{max}", quote(text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn scale(kind: ScaleKind, modifiers: bool) -> Scale {
        Scale {
            kind,
            modifiers,
            custom: Vec::new(),
        }
    }

    #[test]
    fn five_point_values_with_and_without_signs() {
        let signed = scale(ScaleKind::FivePoint, true);
        assert_eq!(signed.grade("4−").unwrap().value, "4-");
        assert_eq!(signed.grade(" 3+ ").unwrap().points, Some(3.0));
        let plain = scale(ScaleKind::FivePoint, false);
        assert_eq!(plain.grade("5").unwrap().points, Some(5.0));
        let refused = plain.grade("4+").unwrap_err();
        assert!(refused.contains("no + or -"), "{refused}");
        for bad in ["", "0", "6", "55", "5++", "+5", "пять", "4.5"] {
            assert!(signed.grade(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn numeric_scales_take_whole_numbers_in_range() {
        let ten = scale(ScaleKind::TenPoint, false);
        assert_eq!(ten.grade("10").unwrap().points, Some(10.0));
        for bad in ["0", "11", "07", "+7", "7.5", "-1"] {
            assert!(ten.grade(bad).is_err(), "{bad}");
        }
        let hundred = scale(ScaleKind::HundredPoint, false);
        assert_eq!(hundred.grade("0").unwrap().points, Some(0.0));
        assert_eq!(hundred.grade("87").unwrap().value, "87");
        assert!(hundred.grade("101").is_err());
    }

    #[test]
    fn pass_fail_takes_words_and_never_counts() {
        let pass_fail = scale(ScaleKind::PassFail, false);
        let pass = pass_fail.grade("Зачет").unwrap();
        assert_eq!((pass.value.as_str(), pass.points), (PASS, None));
        assert_eq!(pass_fail.grade("fail").unwrap().value, FAIL);
        assert!(pass_fail.grade("5").is_err());
        // Found by fuzzing: «незачёт» itself, however spelled, was refused,
        // so a stored fail did not read back.
        for text in [FAIL, "незачет", "Незачёт", "НЕЗАЧЕТ", PASS, "ЗАЧЁТ"]
        {
            let graded = pass_fail.grade(text).unwrap();
            assert_eq!(pass_fail.grade(&graded.value), Ok(graded));
        }
        assert_eq!(pass_fail.grade("незачёт").unwrap().value, FAIL);
    }

    #[test]
    fn custom_scales_know_their_values() {
        let custom = Scale {
            kind: ScaleKind::Custom,
            modifiers: false,
            custom: vec![
                CustomValue {
                    value: "отл".into(),
                    points: 100.0,
                },
                CustomValue {
                    value: "хор".into(),
                    points: 75.0,
                },
            ],
        };
        assert!(custom.validate().is_ok());
        assert_eq!(custom.grade("хор").unwrap().points, Some(75.0));
        assert!(custom.grade("удовл").unwrap_err().contains("отл, хор"));
        let mut twice = custom.clone();
        twice.custom.push(twice.custom[0].clone());
        assert_eq!(twice.validate().unwrap_err().0, "values");
    }

    #[test]
    fn only_five_point_scales_take_signs() {
        assert_eq!(
            scale(ScaleKind::TenPoint, true).validate().unwrap_err().0,
            "allow_modifiers"
        );
        assert_eq!(
            scale(ScaleKind::Custom, false).validate().unwrap_err().0,
            "values"
        );
    }

    proptest! {
        #[test]
        fn every_value_counts_within_the_scales_range(text in "[0-9]{1,3}[+-]?", kind in 0usize..4) {
            let scale = scale(ScaleKind::ALL[kind], kind == 0);
            let points = scale.grade(&text).ok().and_then(|graded| graded.points);
            if let (Some(points), Some((low, high))) = (points, scale.points_range()) {
                prop_assert!(low <= points && points <= high, "{} outside {}–{}", points, low, high);
            }
        }

        #[test]
        fn whatever_is_accepted_reads_back_the_same(text in "\\PC{0,5}", kind in 0usize..4) {
            let scale = scale(ScaleKind::ALL[kind], kind == 0);
            if let Ok(graded) = scale.grade(&text) {
                prop_assert_eq!(scale.grade(&graded.value), Ok(graded));
            }
        }
    }
}
