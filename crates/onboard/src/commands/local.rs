//! `onboard local`: a team's life on the local AWS (what `scripts/demo` runs).

use super::*;

pub(crate) fn local(
    file: &PathBuf,
    keep: bool,
    pending_polls: u32,
    poll_interval: u32,
    then_amend: Option<&std::path::Path>,
    then_reconcile: bool,
    then_offboard: Option<&std::path::Path>,
) -> Result<ExitCode> {
    let read_later = |f: Option<&std::path::Path>| f.map(|f| std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))).transpose();
    let (amendment, offboarding) = (read_later(then_amend)?, read_later(then_offboard)?);
    let request = read(file)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let root = std::env::current_dir()?;
        println!("Starting the local AWS (moto, the router and the functions' binaries) ...");
        let session = LocalSession::start(&root, Tunables { poll_interval_seconds: poll_interval, ..local_aws::deploy::LOCAL_TUNABLES }).await?;
        session.aws.configure(serde_json::json!({"domainPendingPolls": pending_polls}))?;
        println!("Local AWS at {}; onboarding {}", session.aws.endpoint(), file.display());
        let request = prepare_example(&session, request).await?;
        let started = std::time::Instant::now();
        let outcome = session.onboard(&request, print_step).await?;
        println!("\n{} in {:.1} s ({} state transitions)", outcome.status, started.elapsed().as_secs_f64(), outcome.transitions);
        print_path(&outcome);
        print_outcome(&outcome);
        print_emails(&session)?;
        let mut code = if outcome.succeeded() { ExitCode::SUCCESS } else { ExitCode::FAILURE };
        // The team's later days, each only after the one before succeeded.
        let reconciliation = then_reconcile.then(|| serde_json::json!({"domainName": domain_name_of(&request)}).to_string());
        let later = [
            (Workflow::Amendment, amendment.as_deref(), then_amend),
            (Workflow::Reconciliation, reconciliation.as_deref(), None),
            (Workflow::Offboarding, offboarding.as_deref(), then_offboard),
        ];
        for (workflow, text, path) in later {
            let (Some(text), ExitCode::SUCCESS) = (text, code) else { continue };
            let what = path.map(|f| f.display().to_string()).unwrap_or_default();
            let started = std::time::Instant::now();
            let outcome = match workflow {
                Workflow::Onboarding => continue,
                Workflow::Amendment => {
                    println!("\nDay two: amending the team's access with {what}");
                    session.amend(text, print_step).await?
                }
                Workflow::Reconciliation => {
                    let joined = change_first_group(&session, &request).await?;
                    println!("\nThe directory changes on its own: {joined}; reconciling the team");
                    session.reconcile(&format!("{}-demo", domain_name_of(&request)), text, print_step).await?
                }
                Workflow::Offboarding => {
                    println!("\nThe team's last day: offboarding with {what}");
                    session.offboard(text, print_step).await?
                }
            };
            println!("\n{} in {:.1} s ({} state transitions)", outcome.status, started.elapsed().as_secs_f64(), outcome.transitions);
            print_path(&outcome);
            print_outcome(&outcome);
            if !outcome.succeeded() {
                code = ExitCode::FAILURE;
            }
        }
        if then_amend.is_some() || then_reconcile || then_offboard.is_some() {
            print_emails(&session)?;
        }
        if keep {
            println!("\nThe local AWS keeps running at {} (region {}). For example:", session.aws.endpoint(), session.aws.region);
            println!(
                "  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing aws --endpoint-url {} --region {} sagemaker list-domains",
                session.aws.endpoint(),
                session.aws.region
            );
            let pids: Vec<String> = session.aws.pids().iter().map(|(n, p)| format!("{n} {p}")).collect();
            println!("Stop it with: kill -- -PID for each of: {}", pids.join(", "));
            session.aws.keep_running();
        }
        Ok(code)
    })
}

pub(crate) fn domain_name_of(request: &str) -> String {
    serde_json::from_str::<serde_json::Value>(request).ok().and_then(|v| v["domainName"].as_str().map(str::to_string)).unwrap_or_default()
}

/// What the demo's directory does on its own: in the request's first group, the seeded user
/// `jane` (removed by name the day before) joins and `omar` leaves.
pub(crate) async fn change_first_group(session: &LocalSession, request: &str) -> Result<String> {
    use aws_sdk_identitystore::types::{AlternateIdentifier, MemberId, UniqueAttribute};
    let value: serde_json::Value = serde_json::from_str(request)?;
    let group = value["identityCenter"]["groups"][0].as_str().context("the onboarding names no group to change")?;
    let store = aws_sdk_identitystore::Client::new(session.aws.sdk_config());
    let store_id = &session.seeded.identity_store_id;
    let unique = |path: &str, value: &str| -> Result<AlternateIdentifier> {
        let attribute = UniqueAttribute::builder().attribute_path(path).attribute_value(aws_smithy_types::Document::from(value)).build()?;
        Ok(AlternateIdentifier::UniqueAttribute(attribute))
    };
    let group_id = store.get_group_id().identity_store_id(store_id).alternate_identifier(unique("displayName", group)?).send().await?.group_id().to_string();
    let mut ids = Vec::new();
    for name in ["jane", "omar"] {
        ids.push(store.get_user_id().identity_store_id(store_id).alternate_identifier(unique("userName", name)?).send().await?.user_id().to_string());
    }
    let (jane, omar) = (ids[0].clone(), ids[1].clone());
    store.create_group_membership().identity_store_id(store_id).group_id(&group_id).member_id(MemberId::UserId(jane)).send().await?;
    let memberships = store.list_group_memberships().identity_store_id(store_id).group_id(&group_id).send().await?;
    let leaving = memberships.group_memberships().iter().find(|m| matches!(m.member_id(), Some(MemberId::UserId(u)) if *u == omar));
    if let Some(membership) = leaving {
        store.delete_group_membership().identity_store_id(store_id).membership_id(membership.membership_id()).send().await?;
    }
    Ok(format!("jane joins {group} and omar leaves it"))
}

/// Creates the network the request names when the local account lacks it, and says which local
/// ids stand in for the request's (the local AWS assigns its own).
pub(crate) async fn prepare_example(session: &LocalSession, request: String) -> Result<String> {
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&request) else { return Ok(request) };
    let prepared = local_aws::prepare::prepare_network(session.aws.sdk_config(), &session.aws.region, &mut value, 30).await?;
    if prepared.is_empty() {
        return Ok(request);
    }
    println!("The local AWS prepared what the request names (and the request now names the local ids):");
    for p in &prepared {
        if p.named == p.local {
            println!("  {:<18} {}", p.kind, p.local);
        } else {
            println!("  {:<18} {} for {}", p.kind, p.local, p.named);
        }
    }
    Ok(value.to_string())
}
