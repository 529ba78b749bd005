//! `onboard validate`, `onboard plan <workflow>` and `onboard schema [workflow]`: a request
//! checked, dry-run against an account, or described, changing nothing.

use super::*;

pub(crate) fn validate(file: &PathBuf, role_name_prefix: String) -> Result<ExitCode> {
    match validate_json(&read(file)?, &ValidationContext { role_name_prefix, ..ValidationContext::from_env() }) {
        Ok(request) => {
            println!("{}", serde_json::to_string_pretty(&request)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => Ok(refused(file, &problems)),
    }
}

pub(crate) async fn plan(
    workflow: Workflow,
    file: PathBuf,
    role_name_prefix: String,
    instance_arn: Option<String>,
    profile: Option<String>,
    region: Option<String>,
) -> Result<ExitCode> {
    use plan_workflow::{plan, plan_amendment, plan_offboarding, Deployment, Readers};
    let validation = ValidationContext { role_name_prefix, ..ValidationContext::from_env() };
    let text = read(&file)?;
    let config = sdk_config(profile.as_deref(), region.as_deref()).await;
    let region = onboarding_aws::config_region(&config);
    let deployment = Deployment { role_name_prefix: &validation.role_name_prefix, region: &region, identity_center_instance_arn: instance_arn.as_deref() };
    let identity = onboarding_aws::identity_center::IdentityCenterAdapter::from_config(&config);
    let network = onboarding_aws::ec2::Ec2Adapter::from_config(&config);
    let iam = onboarding_aws::iam::IamAdapter::from_config(&config);
    let sagemaker = onboarding_aws::sagemaker::SageMakerAdapter::from_config(&config);
    let sso = onboarding_aws::sso_assignments::AssignmentAdapter::from_config(&config);
    let readers = Readers { identity: &identity, network: &network, iam: &iam, sagemaker: &sagemaker, sso: &sso };
    let planned = match workflow {
        Workflow::Offboarding => match onboarding_core::offboarding::validate_offboarding_json(&text, &validation) {
            Ok(request) => plan_offboarding(readers, &region, &validation, &request).await,
            Err(problems) => return Ok(refused(&file, &problems)),
        },
        Workflow::Amendment => match onboarding_core::amendment::validate_amendment_json(&text, &validation) {
            Ok(request) => plan_amendment(readers, &deployment, &validation, &request).await,
            Err(problems) => return Ok(refused(&file, &problems)),
        },
        Workflow::Onboarding => match validate_json(&text, &validation) {
            Ok(request) => plan(readers, &deployment, request).await,
            Err(problems) => return Ok(refused(&file, &problems)),
        },
        Workflow::Reconciliation => anyhow::bail!("the reconciliation has no dry run: it only reads until it finds a change"),
    };
    match planned {
        Ok(lines) => {
            println!("The {workflow} of {} would (nothing was changed):", file.display());
            for line in lines {
                println!("  {:<8} {}", line.action.as_str(), line.what);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{}: the {workflow} would fail with {}: {}", file.display(), e.name, e.message);
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Prints every problem of a request that validation refused.
pub(crate) fn refused(file: &std::path::Path, problems: &[onboarding_core::validate::Problem]) -> ExitCode {
    eprintln!("{} is not a valid request:", file.display());
    for p in problems {
        eprintln!("  {p}");
    }
    ExitCode::FAILURE
}

pub(crate) fn schema(workflow: Workflow) -> Result<ExitCode> {
    println!("{}", serde_json::to_string_pretty(&workflow.request_schema())?);
    Ok(ExitCode::SUCCESS)
}
