//! Identity Center users and principals as the workflows resolve them.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedUser {
    pub user_name: String,
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum PrincipalType {
    User,
    Group,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedGroup {
    pub display_name: String,
    pub group_id: String,
    /// How many people the group had when resolved. The members themselves stay out of the
    /// state (a large team would take it past Step Functions' 256 KiB): the invitation step reads
    /// them page by page.
    #[serde(default)]
    pub member_count: u32,
}
