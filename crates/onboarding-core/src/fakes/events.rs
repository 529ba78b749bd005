//! The fake EventBridge: published events.

use super::*;

impl EventPort for FakeAws {
    async fn publish(&self, detail_type: &str, detail: &Value) -> PortResult<()> {
        self.enter("PutEvents")?.events.push((detail_type.to_string(), detail.clone()));
        Ok(())
    }
}
