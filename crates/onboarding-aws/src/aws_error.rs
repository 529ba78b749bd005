//! Turning SDK errors that no operation-specific rule claimed into the workflow's named errors.
//! Operation-specific variants (NoSuchEntity, ResourceNotFound, ConflictException, ...) are matched
//! by the adapters themselves; what remains is judged by its error code and HTTP status.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::retry::{ErrorKind, ProvideErrorKind};
use onboarding_core::{ErrorName, OnboardingError};

const THROTTLING_CODES: &[&str] =
    &["Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown", "RequestThrottled"];
const ACCESS_CODES: &[&str] =
    &["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken"];

/// Names an SDK error of operation `op` (for example `sagemaker:CreateDomain`).
pub fn classify<E>(op: &str, err: &SdkError<E, HttpResponse>) -> OnboardingError
where
    E: ProvideErrorMetadata + ProvideErrorKind + std::error::Error + 'static,
{
    match err {
        SdkError::ServiceError(ctx) => {
            let e = ctx.err();
            // Modeled retryable errors (ThrottlingException and the like) say what they are.
            match ProvideErrorKind::retryable_error_kind(e) {
                Some(ErrorKind::ThrottlingError) => return OnboardingError::new(ErrorName::AwsThrottled, format!("{op}: throttled")),
                Some(ErrorKind::ServerError | ErrorKind::TransientError) => {
                    return OnboardingError::new(ErrorName::AwsUnavailable, format!("{op}: server error"))
                }
                _ => {}
            }
            let status = ctx.raw().status().as_u16();
            let code = ProvideErrorMetadata::code(e).unwrap_or("Unknown");
            let message = ProvideErrorMetadata::message(e).unwrap_or("no message");
            classify_code(op, code, message, status)
        }
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            OnboardingError::new(ErrorName::AwsUnavailable, format!("{op}: the service could not be reached: {}", error_chain(err)))
        }
        _ => OnboardingError::new(ErrorName::AwsRequestFailed, format!("{op}: {}", error_chain(err))),
    }
}

/// Names a service error by its code and HTTP status.
pub fn classify_code(op: &str, code: &str, message: &str, status: u16) -> OnboardingError {
    let name = if THROTTLING_CODES.contains(&code) || status == 429 {
        ErrorName::AwsThrottled
    } else if ACCESS_CODES.contains(&code) || status == 403 {
        ErrorName::AwsAccessDenied
    } else if status >= 500 || code == "ServiceUnavailable" || code == "InternalFailure" {
        ErrorName::AwsUnavailable
    } else {
        ErrorName::AwsRequestFailed
    };
    OnboardingError::new(name, format!("{op}: {code}: {message}"))
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses_map_to_names() {
        assert_eq!(classify_code("op", "ThrottlingException", "slow down", 400).name, ErrorName::AwsThrottled);
        assert_eq!(classify_code("op", "Whatever", "", 429).name, ErrorName::AwsThrottled);
        assert_eq!(classify_code("op", "AccessDeniedException", "", 400).name, ErrorName::AwsAccessDenied);
        assert_eq!(classify_code("op", "InternalError", "", 503).name, ErrorName::AwsUnavailable);
        let e = classify_code("iam:GetRole", "ValidationError", "bad", 400);
        assert_eq!(e.name, ErrorName::AwsRequestFailed);
        assert_eq!(e.message, "iam:GetRole: ValidationError: bad");
    }
}
