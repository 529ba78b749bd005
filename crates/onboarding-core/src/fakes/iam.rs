//! The fake IAM: roles, their policies, eventual consistency, deletion.

use super::*;

impl IamPort for FakeAws {
    async fn get_role(&self, name: &str) -> PortResult<Option<RoleInfo>> {
        let w = self.enter("GetRole")?;
        if w.unreadable_roles.iter().any(|r| r == name) {
            return Ok(None);
        }
        Ok(w.roles.get(name).map(|r| r.info.clone()))
    }

    async fn create_role(&self, name: &str, trust_policy: &Value, tags: &Tags) -> PortResult<String> {
        let mut w = self.enter("CreateRole")?;
        let arn = format!("arn:aws:iam::123456789012:role/{name}");
        let permissions_boundary = w.permissions_boundary.clone();
        w.roles.entry(name.to_string()).or_insert_with(|| FakeRole {
            info: RoleInfo { arn: arn.clone(), trust_policy: trust_policy.clone(), tags: tags.clone(), permissions_boundary },
            managed: Vec::new(),
            inline: BTreeMap::new(),
        });
        Ok(arn)
    }

    async fn ensure_permissions_boundary(&self, role_name: &str, current: Option<&str>) -> PortResult<bool> {
        let Some(boundary) = self.world().permissions_boundary.clone().filter(|b| current != Some(b.as_str())) else { return Ok(false) };
        let mut w = self.enter("PutRolePermissionsBoundary")?;
        let role = w.roles.get_mut(role_name).ok_or_else(|| OnboardingError::new(ErrorName::AwsRequestFailed, "NoSuchEntity"))?;
        role.info.permissions_boundary = Some(boundary);
        Ok(true)
    }

    async fn attached_policy_arns(&self, role_name: &str) -> PortResult<Vec<String>> {
        Ok(self.enter("ListAttachedRolePolicies")?.roles.get(role_name).map(|r| r.managed.clone()).unwrap_or_default())
    }

    async fn attach_policy(&self, role_name: &str, policy_arn: &str) -> PortResult<()> {
        let mut w = self.enter("AttachRolePolicy")?;
        let role = w.roles.get_mut(role_name).ok_or_else(|| OnboardingError::new(ErrorName::AwsRequestFailed, "NoSuchEntity"))?;
        if !role.managed.iter().any(|p| p == policy_arn) {
            role.managed.push(policy_arn.to_string());
        }
        Ok(())
    }

    async fn update_trust_policy(&self, role_name: &str, trust_policy: &Value) -> PortResult<()> {
        let mut w = self.enter("UpdateAssumeRolePolicy")?;
        let role = w.roles.get_mut(role_name).ok_or_else(|| OnboardingError::new(ErrorName::AwsRequestFailed, "NoSuchEntity"))?;
        role.info.trust_policy = trust_policy.clone();
        Ok(())
    }

    async fn put_inline_policy(&self, role_name: &str, policy_name: &str, document: &Value) -> PortResult<()> {
        let mut w = self.enter("PutRolePolicy")?;
        let role = w.roles.get_mut(role_name).ok_or_else(|| OnboardingError::new(ErrorName::AwsRequestFailed, "NoSuchEntity"))?;
        role.inline.insert(policy_name.to_string(), document.clone());
        Ok(())
    }
}

impl RoleRemovalPort for FakeAws {
    async fn delete_role(&self, role_name: &str) -> PortResult<()> {
        self.enter("DeleteRole")?.roles.remove(role_name);
        Ok(())
    }
}
