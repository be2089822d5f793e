//! A mark's value read on each kind of scale, and a custom scale's own
//! values checked before it is stored.
//!
//! Input: one byte choosing the scale (kind, signs allowed), then text; on a
//! custom scale the lines after the first are the scale's values.

use otmetka_gradebook::fuzzing::{CustomValue, Scale, ScaleKind};

/// Checks the target's properties on one input; panics when one fails.
pub fn mark_value(data: &[u8]) {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);

    // A kind's name reads back as itself, and nothing else reads as a kind.
    if let Some(kind) = ScaleKind::parse(&text) {
        assert_eq!(kind.as_str(), text);
    }

    let kind = ScaleKind::ALL[usize::from(choice) % ScaleKind::ALL.len()];
    let mut lines = text.split('\n');
    let value = lines.next().unwrap_or_default();
    let custom: Vec<CustomValue> = if kind == ScaleKind::Custom {
        lines
            .enumerate()
            .map(|(index, value)| CustomValue {
                value: value.to_owned(),
                // Points off the range as well, for `validate` to refuse.
                points: (index as f64) * 13.0 - 10.0,
            })
            .collect()
    } else {
        Vec::new()
    };
    let scale = Scale {
        kind,
        modifiers: choice & 0x80 != 0,
        custom,
    };

    let stored = match scale.validate() {
        Ok(()) => true,
        Err((field, message)) => {
            assert!(!field.is_empty() && !message.is_empty());
            false
        }
    };
    if stored && kind == ScaleKind::Custom {
        // Every value of a stored custom scale is a mark on it, as itself.
        for allowed in &scale.custom {
            let graded = scale.grade(&allowed.value).expect("a scale's own value");
            assert_eq!(graded.value, allowed.value);
            assert_eq!(graded.points, Some(allowed.points));
        }
    }

    match scale.grade(value) {
        Ok(graded) => {
            // Only a custom scale `validate` refused may list an empty value.
            assert!(!graded.value.is_empty() || (kind == ScaleKind::Custom && !stored));
            // What is stored reads back the same.
            assert_eq!(scale.grade(&graded.value), Ok(graded.clone()));
            let within = |points: Option<f64>, low: f64, high: f64| {
                points.is_some_and(|p| p.fract() == 0.0 && (low..=high).contains(&p))
            };
            match kind {
                ScaleKind::FivePoint => {
                    assert!(within(graded.points, 1.0, 5.0));
                    if !scale.modifiers {
                        assert!(graded.value.chars().all(|c| c.is_ascii_digit()));
                    }
                }
                ScaleKind::TenPoint => assert!(within(graded.points, 1.0, 10.0)),
                ScaleKind::HundredPoint => assert!(within(graded.points, 0.0, 100.0)),
                ScaleKind::PassFail => assert_eq!(graded.points, None),
                ScaleKind::Custom => {
                    assert!(
                        scale
                            .custom
                            .iter()
                            .any(|allowed| allowed.value == graded.value)
                    );
                    if stored {
                        assert!(graded.points.is_some_and(|p| (0.0..=100.0).contains(&p)));
                    }
                }
            }
        }
        Err(message) => assert!(!message.is_empty()),
    }
    for (value, points) in scale.candidates() {
        if stored {
            assert_eq!(scale.grade(&value).map(|g| g.points), Ok(Some(points)));
        }
    }
}
