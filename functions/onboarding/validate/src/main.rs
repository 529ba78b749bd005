use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_core::config;
use onboarding_core::validate::ValidationContext;
use validate::{handler, Config, RequestInput};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let config = Config { validation: ValidationContext::from_env(), domain_region: config::domain_region(), settings: config::settings() };
    run(service_fn(|event: LambdaEvent<RequestInput>| handler(&config, event))).await
}
