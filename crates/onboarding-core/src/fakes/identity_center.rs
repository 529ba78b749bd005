//! The fake Identity Center: the instance, users and groups.

use super::*;

impl IdentityCenterPort for FakeAws {
    async fn instances(&self) -> PortResult<Vec<IdentityCenterInstance>> {
        Ok(self.enter("ListInstances")?.instances.clone())
    }

    async fn find_user(&self, _store_id: &str, user_name: &str) -> PortResult<Option<ResolvedUser>> {
        Ok(self.enter("GetUserId")?.users.iter().find(|u| u.user_name == user_name).cloned())
    }

    async fn find_group(&self, _store_id: &str, display_name: &str) -> PortResult<Option<String>> {
        Ok(self.enter("GetGroupId")?.groups.iter().find(|g| g.display_name == display_name).map(|g| g.group_id.clone()))
    }

    async fn group_member_ids(&self, _store_id: &str, group_id: &str) -> PortResult<Vec<String>> {
        let w = self.enter("ListGroupMemberships")?;
        Ok(w.groups.iter().find(|g| g.group_id == group_id).map(|g| g.member_ids.clone()).unwrap_or_default())
    }

    async fn describe_user(&self, _store_id: &str, user_id: &str) -> PortResult<Option<ResolvedUser>> {
        Ok(self.enter("DescribeUser")?.users.iter().find(|u| u.user_id == user_id).cloned())
    }
}
