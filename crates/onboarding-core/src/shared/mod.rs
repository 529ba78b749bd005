//! What several workflows' steps share: the teardown of a domain's apps, spaces and profiles
//! (the offboarding's whole domain, an amendment's or a reconciliation's removed people).

pub mod teardown;
