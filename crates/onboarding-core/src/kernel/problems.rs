//! The field-path problem machinery every workflow's validation uses: parsing a request with
//! every unknown key and the first type error named by its path, the problems a check collects,
//! the deployment's limits (`ValidationContext`) and the checks every request shares (principal
//! names, the notification).

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::kernel::envelope::Notification;
use crate::kernel::errors::{ErrorName, OnboardingError};
use crate::kernel::formats::is_email;

/// The largest request accepted, leaving room in Step Functions' 256 KiB state for what the steps add.
pub const MAX_REQUEST_BYTES: usize = 32 * 1024;

pub const MAX_USERS: usize = 50;

pub const MAX_GROUPS: usize = 50;

pub const MAX_EXTRA_RECIPIENTS: usize = 20;

/// One broken rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// The managed policies a request may attach when the deployment names none: SageMaker's own,
/// for Studio, Canvas, features, pipelines and the model registry. Nothing that grants IAM or
/// account administration.
pub const DEFAULT_ALLOWED_MANAGED_POLICIES: &[&str] = &[
    "AmazonSageMakerFullAccess",
    "AmazonSageMakerReadOnly",
    "AmazonSageMakerCanvasFullAccess",
    "AmazonSageMakerCanvasAIServicesAccess",
    "AmazonSageMakerCanvasDataPrepFullAccess",
    "service-role/AmazonSageMakerCanvasForecastAccess",
    "AmazonSageMakerFeatureStoreAccess",
    "AmazonSageMakerPipelinesIntegrations",
    "AmazonSageMakerModelRegistryFullAccess",
];

/// What validation needs to know about the deployment it runs in: the most a request may obtain.
#[derive(Clone, Debug)]
pub struct ValidationContext {
    /// Prefix of every role the workflow creates or passes (its IAM permissions are limited to it).
    pub role_name_prefix: String,
    /// Managed policies a request may attach to the roles it creates (the same list limits
    /// `iam:AttachRolePolicy` in the template).
    pub allowed_managed_policies: Vec<String>,
    /// The deployment's account: an existing role must be in it. `None`: not known, not checked.
    pub account_id: Option<String>,
    /// Senders a request may name (`ses:FromAddress` allows only these). `None`: not restricted.
    pub allowed_senders: Option<Vec<String>>,
    /// Domains `notification.extraRecipients` may be in. `None`: not restricted.
    pub allowed_recipient_domains: Option<Vec<String>>,
    /// The deployment's partition (`aws`, `aws-cn`, ...): the ARNs of AWS managed policies.
    pub partition: String,
}

impl ValidationContext {
    /// The defaults for a deployment with this role name prefix: the default policy allow-list,
    /// senders, recipients and accounts not restricted.
    pub fn new(role_name_prefix: impl Into<String>) -> Self {
        Self::in_partition(role_name_prefix, "aws")
    }

    /// The same defaults in a partition.
    pub fn in_partition(role_name_prefix: impl Into<String>, partition: &str) -> Self {
        ValidationContext {
            role_name_prefix: role_name_prefix.into(),
            allowed_managed_policies: DEFAULT_ALLOWED_MANAGED_POLICIES
                .iter()
                .map(|name| crate::kernel::partition::managed_policy_arn(partition, name))
                .collect(),
            account_id: None,
            allowed_senders: None,
            allowed_recipient_domains: None,
            partition: partition.to_string(),
        }
    }

    /// The deployment's limits from the functions' environment (`config`'s variables, which the
    /// template sets from its parameters).
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// The same from any source of those variables (the local AWS passes its deployment's).
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Self {
        use crate::kernel::config;
        let var = |name: &str| lookup(name).filter(|v| !v.is_empty());
        let list = |name: &str| lookup(name).map(|v| config::split_list(&v));
        let region = var(config::IDENTITY_CENTER_REGION).or_else(|| var("AWS_REGION")).unwrap_or_default();
        let mut ctx = Self::in_partition(var(config::ROLE_NAME_PREFIX).unwrap_or_default(), crate::kernel::partition::partition_of(&region));
        if let Some(policies) = list(config::ALLOWED_MANAGED_POLICY_ARNS) {
            ctx.allowed_managed_policies = policies;
        }
        ctx.account_id = var(config::DEPLOYMENT_ACCOUNT_ID);
        ctx.allowed_senders = list(config::ALLOWED_SENDERS).map(|mut senders| {
            senders.extend(var(config::SENDER_ADDRESS));
            senders
        });
        ctx.allowed_recipient_domains = list(config::ALLOWED_RECIPIENT_DOMAINS);
        ctx
    }
}

/// Parses a request of any of the workflows (every unknown key and the first type error, each
/// with its path), then runs `check` on it; the problems of both are reported together.
pub fn parse_and_check<T, C>(text: &str, check: C) -> Result<T, Vec<Problem>>
where
    T: serde::de::DeserializeOwned + Clone,
    C: Fn(T) -> Result<T, Vec<Problem>>,
{
    if text.len() > MAX_REQUEST_BYTES {
        return Err(vec![too_large(text.len())]);
    }
    if !text.trim_start().starts_with('{') {
        return Err(vec![Problem { path: "$".into(), message: "the request must be a JSON object".into() }]);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let (request, mut problems) = deserialize::<T, _>(&mut de);
    if let Some(request) = &request {
        if let Err(e) = de.end() {
            problems.push(Problem { path: "$".into(), message: format!("trailing characters after the request: {e}") });
        }
        if problems.is_empty() {
            return check(request.clone());
        }
        if let Err(mut more) = check(request.clone()) {
            problems.append(&mut more);
        }
    }
    Err(problems)
}

/// Reads the request, collecting unknown keys (all of them) and the first type error with its path.
fn deserialize<'de, T: Deserialize<'de>, D: serde::Deserializer<'de, Error = serde_json::Error>>(de: D) -> (Option<T>, Vec<Problem>) {
    let mut unknown = Vec::new();
    let mut record = |path: serde_ignored::Path<'_>| unknown.push(ignored_path(&path));
    let ignored = serde_ignored::Deserializer::new(de, &mut record);
    let parsed = serde_path_to_error::deserialize::<_, T>(ignored);
    let mut problems: Vec<Problem> = unknown.into_iter().map(|path| Problem { path, message: "unknown field".into() }).collect();
    match parsed {
        Ok(request) => (Some(request), problems),
        Err(e) => {
            let parent = e.path().to_string();
            let message = type_message(e.inner());
            // "missing field `id`" at "ticket" reads better as "ticket.id: is required".
            let missing = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`'));
            let problem = match (missing, parent.as_str()) {
                (Some(field), ".") => Problem { path: field.to_string(), message: "is required".into() },
                (Some(field), _) => Problem { path: format!("{parent}.{field}"), message: "is required".into() },
                // The root, or an error (such as the end of the text) that no field can be blamed for.
                (None, "." | "?") => Problem { path: "$".into(), message },
                (None, "") => Problem { path: "$".into(), message },
                (None, _) => Problem { path: parent, message },
            };
            problems.push(problem);
            (None, problems)
        }
    }
}

fn type_message(e: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; the path already says where.
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn ignored_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => "$".into(),
        Path::Seq { parent, index } => format!("{}[{index}]", ignored_path(parent)),
        // Keys that are not plain names are quoted, so that every problem names a path.
        Path::Map { parent, key } if key.is_empty() || !key.chars().all(|c| c.is_alphanumeric() || "_-:".contains(c)) => {
            format!("{}[{key:?}]", ignored_path(parent))
        }
        Path::Map { parent, key } => match **parent {
            Path::Root => key.clone(),
            _ => format!("{}.{key}", ignored_path(parent)),
        },
        Path::Some { parent } | Path::NewtypeStruct { parent } | Path::NewtypeVariant { parent } => ignored_path(parent),
    }
}

fn too_large(len: usize) -> Problem {
    Problem { path: "$".into(), message: format!("the request is {len} bytes; at most {MAX_REQUEST_BYTES} are accepted") }
}

/// Turns validation problems into the step's named error.
pub fn problems_error(problems: &[Problem]) -> OnboardingError {
    let list: Vec<String> = problems.iter().map(Problem::to_string).collect();
    OnboardingError::new(ErrorName::RequestInvalid, list.join("; "))
}

#[derive(Default)]
pub(crate) struct Problems(pub(crate) Vec<Problem>);

impl Problems {
    pub(crate) fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem { path: path.into(), message: message.into() });
    }

    pub(crate) fn check(&mut self, ok: bool, path: impl Into<String>, message: impl Into<String>) {
        if !ok {
            self.add(path, message);
        }
    }

    /// `value` when no rule was broken, else every problem.
    pub(crate) fn into_result<T>(self, value: T) -> Result<T, Vec<Problem>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }
}

pub(crate) fn check_principals(path: &str, names: &[String], p: &mut Problems) {
    let mut seen = HashSet::new();
    for (i, name) in names.iter().enumerate() {
        let at = format!("{path}[{i}]");
        if name.trim().is_empty() {
            p.add(at, "is empty");
        } else if name.len() > 128 {
            p.add(at, "is longer than 128 characters");
        } else if name.chars().any(char::is_control) || name.trim() != name {
            p.add(at, "has control characters or surrounding white space");
        } else if !seen.insert(name.to_lowercase()) {
            p.add(at, format!("{name:?} is named twice"));
        }
    }
}

/// The sender and extra recipients of any workflow's e-mails.
pub(crate) fn check_notification_of(n: &Notification, ctx: &ValidationContext, p: &mut Problems) {
    if let Some(sender) = &n.sender {
        if !is_email(sender) {
            p.add("notification.sender", "is not an e-mail address");
        } else if let Some(allowed) = &ctx.allowed_senders {
            p.check(
                allowed.iter().any(|a| a.eq_ignore_ascii_case(sender)),
                "notification.sender",
                format!("{sender} is not a sender this deployment allows ({})", allowed.join(", ")),
            );
        }
    }
    p.check(n.extra_recipients.len() <= MAX_EXTRA_RECIPIENTS, "notification.extraRecipients", format!("at most {MAX_EXTRA_RECIPIENTS} extra recipients"));
    let mut seen = HashSet::new();
    for (i, to) in n.extra_recipients.iter().enumerate() {
        let at = format!("notification.extraRecipients[{i}]");
        if check_recipient(to, &at, ctx, p) && !seen.insert(to.to_lowercase()) {
            p.add(at, "is named twice");
        }
    }
}

/// An address the deployment may send to; true when it is one.
pub(crate) fn check_recipient(to: &str, at: &str, ctx: &ValidationContext, p: &mut Problems) -> bool {
    let domain = to.rsplit('@').next().unwrap_or_default();
    if !is_email(to) {
        p.add(at, "is not an e-mail address");
        return false;
    }
    if let Some(allowed) = ctx.allowed_recipient_domains.as_ref().filter(|a| !a.iter().any(|d| d.eq_ignore_ascii_case(domain))) {
        let list = if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") };
        p.add(at, format!("{domain} is not a domain this deployment sends to (allowed: {list})"));
        return false;
    }
    true
}
