//! The handler of `studio-resources` with in-memory fakes.

use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::fakes::FakeAws;
use onboarding_core::request::{CustomImage, IdeSettings, OnboardingRequest};
use onboarding_core::{ErrorName, OnboardingState};
use studio_resources::handler;

const LCC: &str = "arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/install-cuda-tools";

fn state() -> OnboardingState {
    let mut request = OnboardingRequest { domain_name: "team-gpu".into(), ..Default::default() };
    request.studio.jupyter_lab = Some(IdeSettings {
        custom_images: vec![CustomImage { image_name: "gpu-research".into(), image_version: Some(3), app_image_config_name: "gpu-lab".into() }],
        lifecycle_config_arns: vec![LCC.into()],
        ..Default::default()
    });
    OnboardingState { request, ..Default::default() }
}

fn catalog() -> FakeAws {
    let fake = FakeAws::new();
    {
        let mut w = fake.world();
        w.images.push(("gpu-research".into(), vec![1, 2, 3]));
        w.app_image_configs.push(("gpu-lab".into(), vec!["JupyterLab".into()]));
        w.lifecycle_configs.push(("install-cuda-tools".into(), "JupyterLab".into()));
    }
    fake
}

#[tokio::test]
async fn what_exists_for_its_app_passes_and_the_state_is_unchanged() {
    let fake = catalog();
    let out = handler(&fake, LambdaEvent::new(state(), Context::default())).await.expect("all there");
    assert_eq!(out, state());
    assert_eq!((fake.calls("DescribeImage"), fake.calls("DescribeAppImageConfig"), fake.calls("DescribeStudioLifecycleConfig")), (1, 1, 1));
}

#[tokio::test]
async fn each_missing_or_mismatched_reference_is_named_by_its_field() {
    let fake = catalog();
    {
        let mut w = fake.world();
        w.images[0].1 = vec![1, 2];
        w.app_image_configs[0].1 = vec!["CodeEditor".into()];
        w.lifecycle_configs.clear();
    }
    let e = handler(&fake, LambdaEvent::new(state(), Context::default())).await.expect_err("refused");
    assert_eq!(e.name, ErrorName::StudioResourceNotFound);
    assert!(!e.name.is_retryable());
    for expected in [
        "studio.jupyterLab.customImages[0].imageName: the image gpu-research has no version 3",
        "studio.jupyterLab.customImages[0].appImageConfigName: the app image config gpu-lab is for CodeEditor, not JupyterLab",
        "studio.jupyterLab.lifecycleConfigArns[0]: no Studio lifecycle configuration install-cuda-tools",
    ] {
        assert!(e.message.contains(expected), "{expected} not in {}", e.message);
    }
}

#[tokio::test]
async fn a_request_naming_nothing_reads_nothing() {
    let fake = FakeAws::new();
    let s = OnboardingState { request: OnboardingRequest { domain_name: "team-a".into(), ..Default::default() }, ..Default::default() };
    handler(&fake, LambdaEvent::new(s, Context::default())).await.expect("nothing to check");
    assert!(fake.world().calls.is_empty());
}
