use super::*;
use proptest::prelude::*;

use super::what_if::marks_word;

fn marks(list: &[(&str, f64, u32)]) -> Vec<CountedMark> {
    list.iter()
        .enumerate()
        .map(|(i, (value, points, weight))| CountedMark {
            id: Uuid::from_u128(i as u128 + 1),
            value: (*value).to_owned(),
            points: *points,
            weight: *weight,
        })
        .collect()
}

fn five_point(version: i64, rounding: &str) -> Policy {
    Policy {
        version,
        rounding: Rounding::parse(rounding).unwrap(),
        ..Policy::default_five_point()
    }
}

fn candidates(list: &[(&str, f64)]) -> Vec<Candidate> {
    list.iter()
        .map(|(value, points)| Candidate {
            value: (*value).to_owned(),
            points: *points,
        })
        .collect()
}

fn option(value: &str, weight: u32, count: u32) -> WhatIfOption {
    WhatIfOption {
        value: value.to_owned(),
        weight,
        count,
    }
}

fn suggested(list: &[(&str, f64, u32)], rounding: &str) -> (Option<f64>, Option<String>) {
    let result = average(&marks(list), &five_point(1, rounding));
    (result.rounded, result.suggested)
}

#[test]
fn a_single_mark_is_its_own_average() {
    let result = average(&marks(&[("5", 5.0, 1)]), &Policy::default_five_point());
    assert_eq!(result.average, Some(5.0));
    assert_eq!(result.rounded, Some(5.0));
    assert_eq!(result.suggested.as_deref(), Some("5"));
    assert_eq!(result.mark_ids, vec![Uuid::from_u128(1)]);
    assert_eq!(result.policy_version, 0);
    assert_eq!(
        result.explanation,
        "Средневзвешенный балл: (5×1) / 1 = 5 / 1 = 5 → округление half_up_2: 5,00. \
         Порог «5» — от 4,50: предлагается «5». Политика расчёта по умолчанию."
    );
}

#[test]
fn weights_count_each_mark_that_many_times() {
    let result = average(
        &marks(&[("5", 5.0, 2), ("4", 4.0, 1), ("3", 3.0, 1)]),
        &five_point(3, "half_up_2"),
    );
    assert_eq!(result.average, Some(4.25));
    assert_eq!(result.suggested.as_deref(), Some("4"));
    assert_eq!(result.policy_version, 3);
    assert_eq!(
        result.explanation,
        "Средневзвешенный балл: (5×2 + 4×1 + 3×1) / 4 = 17 / 4 = 4,25 → округление \
         half_up_2: 4,25. Порог «4» — от 3,50, порог «5» — от 4,50: предлагается «4». \
         Политика расчёта, версия 3."
    );
}

#[test]
fn the_explanation_names_values_that_are_not_their_points() {
    let result = average(
        &marks(&[("4-", 3.75, 1), ("5", 5.0, 2), ("3", 3.0, 1)]),
        &five_point(2, "half_up_2"),
    );
    assert_eq!(
        result.explanation,
        "Средневзвешенный балл: («4-» 3,75×1 + 5×2 + 3×1) / 4 = 16,75 / 4 = 4,1875 → \
         округление half_up_2: 4,19. Порог «4» — от 3,50, порог «5» — от 4,50: \
         предлагается «4». Политика расчёта, версия 2."
    );
}

#[test]
fn an_average_that_goes_on_is_shown_cut_with_an_ellipsis() {
    let result = average(
        &marks(&[("4", 4.0, 1), ("4", 4.0, 1), ("3", 3.0, 1)]),
        &five_point(1, "half_up_2"),
    );
    assert!(
        result
            .explanation
            .contains("= 11 / 3 = 3,6666… → округление half_up_2: 3,67."),
        "{}",
        result.explanation
    );
}

#[test]
fn rounding_comes_before_thresholds() {
    // (4.02 + 4.97) / 2 = 4.495 exactly, which in floats comes out below it.
    assert_eq!(((4.02_f64 + 4.97) / 2.0 * 100.0).round(), 449.0);
    let just_half = [("4.02", 4.02, 1), ("4.97", 4.97, 1)];
    assert_eq!(
        suggested(&just_half, "half_up_2"),
        (Some(4.5), Some("5".into()))
    );
    assert_eq!(
        suggested(&just_half, "half_even_2"),
        (Some(4.5), Some("5".into()))
    );
    assert_eq!(
        suggested(&just_half, "down_2"),
        (Some(4.49), Some("4".into()))
    );

    let half = [("5", 5.0, 1), ("4", 4.0, 1)];
    assert_eq!(suggested(&half, "down_2"), (Some(4.5), Some("5".into())));

    let almost = [("3.4999", 3.4999, 1)];
    assert_eq!(
        suggested(&almost, "half_up_2"),
        (Some(3.5), Some("4".into()))
    );
    assert_eq!(suggested(&almost, "down_2"), (Some(3.49), Some("3".into())));

    let below_half = [("3.49", 3.49, 1), ("3.499998", 3.499998, 1)];
    assert_eq!(
        suggested(&below_half, "half_up_2"),
        (Some(3.49), Some("3".into()))
    );
}

#[test]
fn half_even_rounds_ties_to_the_even_digit() {
    let tie = [("4.97", 4.97, 1), ("4", 4.0, 1)]; // 4.485
    assert_eq!(suggested(&tie, "half_up_2").0, Some(4.49));
    assert_eq!(suggested(&tie, "half_even_2").0, Some(4.48));
    assert_eq!(suggested(&tie, "down_2").0, Some(4.48));

    let two_and_a_half = [("3", 3.0, 1), ("2", 2.0, 1)];
    assert_eq!(
        suggested(&two_and_a_half, "half_up_0"),
        (Some(3.0), Some("3".into()))
    );
    assert_eq!(
        suggested(&two_and_a_half, "half_even_0"),
        (Some(2.0), Some("2".into()))
    );
    let three_and_a_half = [("4", 4.0, 1), ("3", 3.0, 1)];
    assert_eq!(suggested(&three_and_a_half, "half_even_0").0, Some(4.0));
}

#[test]
fn rounding_takes_halves_and_down_by_magnitude() {
    let half_up = Rounding::HalfUp { decimals: 0 };
    let down = Rounding::Down { decimals: 0 };
    assert_eq!(half_up.apply(-5, 2), -3);
    assert_eq!(half_up.apply(5, 2), 3);
    assert_eq!(down.apply(-5, 2), -2);
    assert_eq!(Rounding::HalfEven { decimals: 0 }.apply(-5, 2), -2);
}

#[test]
fn without_marks_nothing_is_suggested() {
    let result = average(&[], &Policy::default_five_point());
    assert_eq!(result.average, None);
    assert_eq!(result.rounded, None);
    assert_eq!(result.suggested, None);
    assert!(result.mark_ids.is_empty());
    assert_eq!(
        result.explanation,
        "Нет отметок, которые учитываются в среднем: балл не вычисляется. \
         Политика расчёта по умолчанию."
    );
}

#[test]
fn marks_without_sensible_points_or_weight_are_left_out_and_said_so() {
    let list = [
        ("5", 5.0, 1),
        ("?", f64::NAN, 1),
        ("?", f64::INFINITY, 1),
        ("2", 2.0, 0),
        ("?", 1e300, 1),
    ];
    let result = average(&marks(&list), &Policy::default_five_point());
    assert_eq!(result.average, Some(5.0));
    assert_eq!(result.mark_ids, vec![Uuid::from_u128(1)]);
    assert!(result.explanation.ends_with(
        "Не учтено отметок с неверным баллом или нулевым весом: 4. \
         Политика расчёта по умолчанию."
    ));

    let none = average(&marks(&list[1..]), &Policy::default_five_point());
    assert_eq!(none.suggested, None);
    assert_eq!(
        none.explanation,
        "Нет отметок, которые учитываются в среднем: балл не вычисляется. \
         Не учтено отметок с неверным баллом или нулевым весом: 4. \
         Политика расчёта по умолчанию."
    );
}

#[test]
fn below_every_threshold_no_mark_is_suggested() {
    let mut policy = five_point(4, "half_up_2");
    policy.thresholds.pop();
    let result = average(&marks(&[("2", 2.0, 1)]), &policy);
    assert_eq!(result.suggested, None);
    assert!(
        result
            .explanation
            .contains("Ниже порога «3» (от 2,50): отметка не предлагается."),
        "{}",
        result.explanation
    );
    let empty = Policy {
        thresholds: Vec::new(),
        ..policy
    };
    let result = average(&marks(&[("5", 5.0, 1)]), &empty);
    assert_eq!(result.suggested, None);
    assert!(result.explanation.contains("Порогов нет"));
}

#[test]
fn rounding_rules_parse_and_print_back() {
    for text in ["half_up_2", "half_even_0", "down_6", "half_up_0"] {
        assert_eq!(Rounding::parse(text).unwrap().to_string(), text);
    }
    assert_eq!(
        Rounding::parse("half_even_3"),
        Ok(Rounding::HalfEven { decimals: 3 })
    );
    for bad in [
        "",
        "half_up",
        "half_up_",
        "half_up_-1",
        "half_up_+2",
        "half_up_02",
        "half_up_7",
        "half_up_99999999999",
        "HALF_UP_2",
        "round_2",
        "half_up_2 ",
        "up_2",
        "half_2",
    ] {
        let problem = Rounding::parse(bad).unwrap_err();
        assert!(problem.contains("rounding rule"), "{bad}: {problem}");
    }
}

fn problems(policy: &Policy) -> Vec<(String, String)> {
    match policy.validate() {
        Ok(()) => Vec::new(),
        Err(problems) => problems
            .into_iter()
            .map(|p| (p.field, p.description))
            .collect(),
    }
}

#[test]
fn the_default_policy_is_valid() {
    assert_eq!(Policy::default_five_point().validate(), Ok(()));
}

#[test]
fn policy_validation_names_the_field() {
    let threshold = |mark: &str, min_average| Threshold {
        mark: mark.to_owned(),
        min_average,
    };
    let with = |thresholds| Policy {
        thresholds,
        ..Policy::default_five_point()
    };
    let cases = [
        (with(vec![]), "must name at least one mark"),
        (
            with(vec![threshold("5", 3.5), threshold("4", 4.5)]),
            "\"4\": min_average must be below that of \"5\" (best first)",
        ),
        (
            with(vec![threshold("5", 4.5), threshold("4", 4.5)]),
            "\"4\": min_average must be below that of \"5\" (best first)",
        ),
        (
            with(vec![threshold("5", f64::NAN)]),
            "\"5\": min_average must be a number within ±1000000",
        ),
        (
            with(vec![threshold("5", f64::NEG_INFINITY)]),
            "\"5\": min_average must be a number within ±1000000",
        ),
        (
            with(vec![threshold("5", 4.5), threshold("5", 3.5)]),
            "\"5\" appears twice",
        ),
        (
            with(vec![threshold("5", 4.5), threshold(" ", 3.5)]),
            "threshold 2 has no mark",
        ),
    ];
    for (policy, description) in cases {
        assert_eq!(
            problems(&policy),
            vec![("thresholds".to_owned(), description.to_owned())]
        );
    }
    let precise = Policy {
        rounding: Rounding::Down { decimals: 7 },
        ..Policy::default_five_point()
    };
    assert_eq!(
        problems(&precise),
        vec![("rounding".to_owned(), "keeps at most 6 decimals".to_owned())]
    );
}

#[test]
fn what_if_finds_the_fewest_marks_for_each_weight() {
    let current = marks(&[("4", 4.0, 1), ("4", 4.0, 1), ("3", 3.0, 1)]);
    let offered = candidates(&[("5", 5.0), ("4", 4.0)]);
    let policy = five_point(3, "half_up_2");
    let answer = what_if(&current, &policy, "5", &offered, &[1, 2], 10).unwrap();
    // (11 + 5·5) / 8 = 4.5; (11 + 10·3) / 9 = 4.56 while (11 + 10·2) / 7 = 4.43.
    assert_eq!(answer.options, vec![option("5", 1, 5), option("5", 2, 3)]);
    assert!(answer.reachable);
    assert!(!answer.already);
    assert_eq!(
        answer.explanation,
        "Сейчас средний балл 3,67, предлагается «4». Цель «5» (от 4,50), самый короткий \
         путь: ещё 5 отметок «5» с весом 1 — средний балл станет 4,50. Вариантов: 2."
    );

    let fewer = what_if(&current, &policy, "5", &offered, &[1, 2], 4).unwrap();
    assert_eq!(fewer.options, vec![option("5", 2, 3)]);
    assert!(fewer.explanation.contains("ещё 3 отметки «5» с весом 2"));
}

#[test]
fn what_if_says_when_the_target_is_out_of_reach() {
    let current = marks(&[("4", 4.0, 1), ("4", 4.0, 1), ("3", 3.0, 1)]);
    let offered = candidates(&[("5", 5.0), ("4", 4.0)]);
    let answer = what_if(
        &current,
        &five_point(3, "half_up_2"),
        "5",
        &offered,
        &[1, 2],
        2,
    );
    let answer = answer.unwrap();
    assert!(!answer.reachable);
    assert!(!answer.already);
    assert!(answer.options.is_empty());
    assert_eq!(
        answer.explanation,
        "Сейчас средний балл 3,67, предлагается «4». Цель «5» (от 4,50) недостижима при \
         числе новых отметок до 2."
    );
}

#[test]
fn what_if_says_when_the_target_is_already_reached() {
    let current = marks(&[("5", 5.0, 1), ("5", 5.0, 1)]);
    let offered = candidates(&[("5", 5.0)]);
    for target in ["5", "4"] {
        let answer = what_if(
            &current,
            &five_point(3, "half_up_2"),
            target,
            &offered,
            &[1],
            5,
        );
        let answer = answer.unwrap();
        assert!(answer.reachable && answer.already);
        assert!(answer.options.is_empty());
    }
    let answer = what_if(
        &current,
        &five_point(3, "half_up_2"),
        "4",
        &offered,
        &[1],
        5,
    );
    assert_eq!(
        answer.unwrap().explanation,
        "Сейчас средний балл 5,00, предлагается «5»: цель «4» (от 3,50) уже достигнута."
    );
}

#[test]
fn what_if_refuses_a_target_or_policy_it_cannot_use() {
    let offered = candidates(&[("5", 5.0)]);
    let policy = Policy::default_five_point();
    assert_eq!(
        what_if(&[], &policy, "6", &offered, &[1], 5),
        Err(WhatIfError::UnknownTarget("6".to_owned()))
    );
    let broken = Policy {
        thresholds: Vec::new(),
        ..policy
    };
    let refused = what_if(&[], &broken, "5", &offered, &[1], 5).unwrap_err();
    assert!(matches!(&refused, WhatIfError::InvalidPolicy(p) if p[0].field == "thresholds"));
    assert_eq!(
        refused.to_string(),
        "invalid calculation policy: thresholds: must name at least one mark;"
    );
}

#[test]
fn what_if_follows_rounding_not_the_bare_threshold() {
    // 4.499 is below the "5" threshold yet pulls the average to 4.495,
    // which rounds to 4.50; 4.495 itself can only approach 4.495.
    let current = marks(&[("4.49", 4.49, 1)]);
    let offered = candidates(&[("4.495", 4.495), ("4.499", 4.499)]);
    let answer = what_if(
        &current,
        &five_point(1, "half_up_2"),
        "5",
        &offered,
        &[1],
        50,
    );
    assert_eq!(answer.unwrap().options, vec![option("4.499", 1, 2)]);
}

#[test]
fn what_if_tries_each_value_and_weight_once() {
    let offered = candidates(&[("5", f64::NAN), ("5", 5.0), ("5", 4.0), ("x", f64::NAN)]);
    let answer = what_if(
        &[],
        &Policy::default_five_point(),
        "5",
        &offered,
        &[2, 1, 1, 0],
        5,
    );
    assert_eq!(
        answer.unwrap().options,
        vec![option("5", 1, 1), option("5", 2, 1)]
    );
}

#[test]
fn what_if_looks_no_further_than_its_limit() {
    let current: Vec<_> = marks(&[("2", 2.0, 10); 20]);
    let offered = candidates(&[("5", 5.0)]);
    let policy = Policy::default_five_point();
    // Weight 1 would need 988 fives; weight 10 needs 99.
    let answer = what_if(&current, &policy, "5", &offered, &[1, 10], u32::MAX).unwrap();
    assert_eq!(answer.options, vec![option("5", 10, 99)]);
    let answer = what_if(&current, &policy, "5", &offered, &[1], u32::MAX).unwrap();
    assert!(
        answer
            .explanation
            .ends_with("при числе новых отметок до 100.")
    );
}

#[test]
fn counts_agree_with_the_word_for_mark() {
    let words: Vec<_> = [1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 112]
        .into_iter()
        .map(marks_word)
        .collect();
    assert_eq!(
        words,
        [
            "отметка",
            "отметки",
            "отметки",
            "отметок",
            "отметок",
            "отметок",
            "отметок",
            "отметка",
            "отметки",
            "отметок",
            "отметка",
            "отметок",
            "отметок",
        ]
    );
}

fn thousandths(range: std::ops::RangeInclusive<u32>) -> impl Strategy<Value = f64> {
    range.prop_map(|p| f64::from(p) / 1000.0)
}

fn any_marks() -> impl Strategy<Value = Vec<CountedMark>> {
    prop::collection::vec((thousandths(1_000..=5_000), 1u32..=10), 0..12).prop_map(|list| {
        let list: Vec<_> = list
            .into_iter()
            .map(|(p, w)| (p.to_string(), p, w))
            .collect();
        let list: Vec<_> = list.iter().map(|(v, p, w)| (v.as_str(), *p, *w)).collect();
        marks(&list)
    })
}

fn any_policy() -> impl Strategy<Value = Policy> {
    let rounding = (0u32..=3, 0u8..3).prop_map(|(decimals, mode)| match mode {
        0 => Rounding::HalfUp { decimals },
        1 => Rounding::HalfEven { decimals },
        _ => Rounding::Down { decimals },
    });
    let mins = prop::collection::btree_set(2_000u32..=5_000, 1..5);
    (mins, rounding).prop_map(|(mins, rounding)| Policy {
        version: 7,
        thresholds: mins
            .into_iter()
            .rev()
            .enumerate()
            .map(|(i, min)| Threshold {
                mark: format!("m{i}"),
                min_average: f64::from(min) / 1000.0,
            })
            .collect(),
        rounding,
    })
}

fn any_candidates() -> impl Strategy<Value = Vec<Candidate>> {
    prop::collection::vec(thousandths(2_500..=5_000), 1..4).prop_map(|points| {
        let list: Vec<_> = points.iter().map(|p| (p.to_string(), *p)).collect();
        let list: Vec<_> = list.iter().map(|(v, p)| (v.as_str(), *p)).collect();
        candidates(&list)
    })
}

fn rank(policy: &Policy, result: &Average) -> Option<usize> {
    let mark = result.suggested.as_deref()?;
    policy.thresholds.iter().position(|t| t.mark == mark)
}

fn plus(
    marks: &[CountedMark],
    value: &str,
    points: f64,
    weight: u32,
    count: u32,
) -> Vec<CountedMark> {
    let mut all = marks.to_vec();
    all.extend((0..count).map(|_| CountedMark {
        id: Uuid::nil(),
        value: value.to_owned(),
        points,
        weight,
    }));
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn what_if_options_reach_the_target_with_no_mark_to_spare(
        current in any_marks(),
        policy in any_policy(),
        best in any::<bool>(),
        target in any::<prop::sample::Index>(),
        offered in any_candidates(),
        weights in prop::collection::vec(0u32..=10, 1..4),
        max_count in 0u32..=30,
    ) {
        // The best mark half the time: it is the one least often reached.
        let target = if best { 0 } else { target.index(policy.thresholds.len()) };
        let name = policy.thresholds[target].mark.clone();
        let answer = what_if(&current, &policy, &name, &offered, &weights, max_count).unwrap();
        let reached = |marks: &[CountedMark]| rank(&policy, &average(marks, &policy))
            .is_some_and(|r| r <= target);
        prop_assert_eq!(answer.already, reached(&current));
        prop_assert_eq!(answer.reachable, answer.already || !answer.options.is_empty());
        for o in &answer.options {
            let points = offered.iter().find(|c| c.value == o.value).unwrap().points;
            prop_assert!(reached(&plus(&current, &o.value, points, o.weight, o.count)));
            prop_assert!(!reached(&plus(&current, &o.value, points, o.weight, o.count - 1)));
        }
        let sizes: Vec<_> = answer.options.iter()
            .map(|o| (u64::from(o.count) * u64::from(o.weight), o.count))
            .collect();
        prop_assert!(sizes.is_sorted());
        if !answer.already {
            // Searching one by one finds the same counts.
            for candidate in &offered {
                for &weight in weights.iter().filter(|w| **w > 0) {
                    let first = (1..=max_count).find(|n| {
                        reached(&plus(&current, &candidate.value, candidate.points, weight, *n))
                    });
                    let found = answer.options.iter()
                        .find(|o| o.value == candidate.value && o.weight == weight)
                        .map(|o| o.count);
                    prop_assert_eq!(found, first);
                }
            }
        }
    }

    #[test]
    fn the_average_lies_among_the_marks_and_suggests_by_threshold(
        current in any_marks(),
        policy in any_policy(),
    ) {
        let result = average(&current, &policy);
        prop_assert_eq!(result.mark_ids.len(), current.len());
        let Some(avg) = result.average else {
            prop_assert!(current.is_empty());
            return Ok(());
        };
        let lowest = current.iter().map(|m| m.points).fold(f64::INFINITY, f64::min);
        let highest = current.iter().map(|m| m.points).fold(f64::NEG_INFINITY, f64::max);
        prop_assert!(lowest - 1e-9 <= avg && avg <= highest + 1e-9, "{lowest} {avg} {highest}");
        let rounded = result.rounded.unwrap();
        let unit = 10f64.powi(-(policy.rounding.decimals() as i32));
        let off = rounded - avg;
        match policy.rounding {
            Rounding::Down { .. } => prop_assert!(-unit - 1e-9 < off && off <= 1e-9),
            _ => prop_assert!(off.abs() <= unit / 2.0 + 1e-9),
        }
        let expected = policy.thresholds.iter().find(|t| t.min_average <= rounded);
        prop_assert_eq!(result.suggested.as_deref(), expected.map(|t| t.mark.as_str()));
    }

    #[test]
    fn whatever_rounding_parses_prints_back_the_same(text in "(half_up|half_even|down|x)_[0-9+-]{0,3}") {
        if let Ok(rounding) = Rounding::parse(&text) {
            prop_assert_eq!(rounding.to_string(), text);
        }
    }
}
