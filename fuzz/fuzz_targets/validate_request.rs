//! Any text given as a request: validation must answer (the normalised request or problems with
//! paths) without panicking, and what it accepts must be accepted again unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onboarding_core::validate::{validate_json, ValidationContext};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ctx = ValidationContext::new("sagemaker-onboarding-");
    match validate_json(text, &ctx) {
        Ok(request) => {
            // Normalising is idempotent: the normalised request validates to itself.
            let again = serde_json::to_string(&request).expect("a request serialises");
            let normalised = validate_json(&again, &ctx).expect("a normalised request is valid");
            assert_eq!(normalised, request);
            let _ = onboarding_core::naming::execution_name(&request);
        }
        Err(problems) => assert!(!problems.is_empty() && problems.iter().all(|p| !p.path.is_empty())),
    }
});
