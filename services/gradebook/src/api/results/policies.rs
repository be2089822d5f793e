//! Calculation policies: the thresholds and rounding that turn an average
//! into a suggested mark, published by a school in versions.

use chrono::Utc;
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::time::{parse_id, to_timestamp};
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::GradebookApi;
use crate::calc::{Policy, Rounding, Threshold};
use crate::convert;
use crate::scale::ScaleKind;
use crate::store::{self, PolicyRow};

#[derive(Serialize, Deserialize)]
struct StoredThreshold {
    mark: String,
    min_average: f64,
}

/// The rule a school uses until it publishes its own: what schools write
/// in their regulations for each scale.
fn default_policy(kind: ScaleKind) -> Policy {
    let thresholds = |pairs: &[(&str, f64)]| {
        pairs
            .iter()
            .map(|(mark, min_average)| Threshold {
                mark: (*mark).to_owned(),
                min_average: *min_average,
            })
            .collect()
    };
    match kind {
        ScaleKind::FivePoint | ScaleKind::PassFail => Policy::default_five_point(),
        ScaleKind::TenPoint => Policy {
            version: 0,
            thresholds: (1..=10)
                .rev()
                .map(|mark| Threshold {
                    mark: mark.to_string(),
                    min_average: if mark == 1 {
                        0.0
                    } else {
                        f64::from(mark) - 0.5
                    },
                })
                .collect(),
            rounding: Rounding::HalfUp { decimals: 2 },
        },
        ScaleKind::HundredPoint | ScaleKind::Custom => Policy {
            version: 0,
            thresholds: thresholds(&[("5", 85.0), ("4", 70.0), ("3", 50.0), ("2", 0.0)]),
            rounding: Rounding::HalfUp { decimals: 2 },
        },
    }
}

fn policy_from(row: &PolicyRow) -> Result<Policy> {
    let corrupt = || Error::Internal(anyhow::anyhow!("policy {} is malformed", row.version));
    let thresholds: Vec<StoredThreshold> =
        serde_json::from_str(&row.thresholds).map_err(|_| corrupt())?;
    Ok(Policy {
        version: row.version,
        thresholds: thresholds
            .into_iter()
            .map(|t| Threshold {
                mark: t.mark,
                min_average: t.min_average,
            })
            .collect(),
        rounding: Rounding::parse(&row.rounding).map_err(|_| corrupt())?,
    })
}

fn policy_to_proto(
    school_id: Uuid,
    kind: ScaleKind,
    policy: &Policy,
    created: Option<chrono::DateTime<Utc>>,
) -> pb::CalculationPolicy {
    pb::CalculationPolicy {
        school_id: school_id.to_string(),
        version: policy.version,
        thresholds: policy
            .thresholds
            .iter()
            .map(|t| pb::Threshold {
                mark: t.mark.clone(),
                min_average: t.min_average,
            })
            .collect(),
        rounding: policy.rounding.to_string(),
        create_time: created.map(to_timestamp),
        scale: convert::scale_kind(kind).into(),
    }
}

impl GradebookApi {
    /// The newest policy of a school for a scale (the built-in one until
    /// the school publishes its own).
    pub(super) async fn current_policy(&self, school_id: Uuid, kind: ScaleKind) -> Result<Policy> {
        match store::policy(&self.db, school_id, kind, 0).await? {
            Some(row) => policy_from(&row),
            None => Ok(default_policy(kind)),
        }
    }

    pub(in crate::api) async fn create_calculation_policy(
        &self,
        ctx: CallContext,
        request: pb::CreateCalculationPolicyRequest,
    ) -> Result<pb::CreateCalculationPolicyResponse> {
        let wanted = request
            .policy
            .ok_or_else(|| Error::invalid("policy", "is required"))?;
        let school_id = parse_id("policy.school_id", &wanted.school_id)?;
        let kind = convert::scale_kind_from(wanted.scale, ScaleKind::FivePoint)
            .ok_or_else(|| Error::invalid("policy.scale", "is not a known scale"))?;
        let rounding = Rounding::parse(&wanted.rounding)
            .map_err(|description| Error::invalid("policy.rounding", description))?;
        let policy = Policy {
            version: 0,
            thresholds: wanted
                .thresholds
                .iter()
                .map(|t| Threshold {
                    mark: t.mark.trim().to_owned(),
                    min_average: t.min_average,
                })
                .collect(),
            rounding,
        };
        if let Err(problems) = policy.validate() {
            let mut violations = Violations::new();
            for problem in problems {
                violations.add(format!("policy.{}", problem.field), problem.description);
            }
            violations.into_result()?;
        }
        self.school(&ctx, identity::Action::ManageSchedule, school_id)
            .await?;
        let thresholds: Vec<StoredThreshold> = policy
            .thresholds
            .iter()
            .map(|t| StoredThreshold {
                mark: t.mark.clone(),
                min_average: t.min_average,
            })
            .collect();
        let row = PolicyRow {
            school_id,
            scale: kind,
            version: 0,
            thresholds: serde_json::to_string(&thresholds)
                .map_err(|e| Error::Internal(e.into()))?,
            rounding: policy.rounding.to_string(),
            created_at: self.clock.now(),
        };
        let row = store::insert_policy(&self.db, row, ctx.person_id()?).await?;
        tracing::info!(%school_id, version = row.version, scale = kind.as_str(), "calculation policy published");
        Ok(pb::CreateCalculationPolicyResponse {
            policy: Some(policy_to_proto(
                school_id,
                kind,
                &policy_from(&row)?,
                Some(row.created_at),
            )),
        })
    }

    pub(in crate::api) async fn get_calculation_policy(
        &self,
        ctx: CallContext,
        request: pb::GetCalculationPolicyRequest,
    ) -> Result<pb::GetCalculationPolicyResponse> {
        let school_id = parse_id("school_id", &request.school_id)?;
        let kind = convert::scale_kind_from(request.scale, ScaleKind::FivePoint)
            .ok_or_else(|| Error::invalid("scale", "is not a known scale"))?;
        if request.version < 0 {
            return Err(Error::invalid("version", "must not be negative"));
        }
        self.school(&ctx, identity::Action::ReadSchool, school_id)
            .await?;
        let policy = match store::policy(&self.db, school_id, kind, request.version).await? {
            Some(row) => {
                policy_to_proto(school_id, kind, &policy_from(&row)?, Some(row.created_at))
            }
            None if request.version == 0 => {
                policy_to_proto(school_id, kind, &default_policy(kind), None)
            }
            None => return Err(Error::not_found("policy version")),
        };
        Ok(pb::GetCalculationPolicyResponse {
            policy: Some(policy),
        })
    }
}
