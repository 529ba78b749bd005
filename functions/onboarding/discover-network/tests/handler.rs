//! The handler of `discover-network` with in-memory fakes.

use discover_network::*;
use lambda_runtime::Context;
use lambda_runtime::LambdaEvent;
use onboarding_core::fakes::FakeAws;
use onboarding_core::request::{Network, NetworkAccessType, OnboardingRequest};
use onboarding_core::ErrorName;
use onboarding_core::OnboardingError;
use onboarding_core::OnboardingState;

async fn run(fake: &FakeAws, network: Network) -> Result<OnboardingState, OnboardingError> {
    let request = OnboardingRequest { domain_name: "team-a".into(), network, ..Default::default() };
    handler(fake, fake, "us-east-1", LambdaEvent::new(OnboardingState { request, ..Default::default() }, Context::default())).await
}

#[tokio::test]
async fn uses_the_default_vpc_without_constrained_zones() {
    let n = run(&FakeAws::standard(), Network::default()).await.expect("network").network.expect("section");
    assert_eq!(n.vpc_id, "vpc-0default");
    assert_eq!(n.subnet_ids, vec!["subnet-a", "subnet-b"]);
    assert!(n.skipped_subnets[0].contains("use1-az3"));
}

#[tokio::test]
async fn missing_vpcs_are_named() {
    let e = run(&FakeAws::new(), Network::default()).await.expect_err("no default");
    assert_eq!(e.name, ErrorName::VpcNotFound);
    let e = run(&FakeAws::standard(), Network { vpc_id: Some("vpc-0123abcd".into()), ..Default::default() }).await.expect_err("absent");
    assert!(e.message.contains("vpc-0123abcd"));
}

#[tokio::test]
async fn vpc_only_without_endpoints_lists_what_is_missing() {
    let wanted = Network { access_type: NetworkAccessType::VpcOnly, security_group_ids: vec!["sg-default".into()], ..Default::default() };
    let e = run(&FakeAws::standard(), wanted.clone()).await.expect_err("incomplete");
    assert_eq!(e.name, ErrorName::VpcOnlyNetworkIncomplete);
    assert!(e.message.contains("com.amazonaws.us-east-1.sagemaker.runtime"));

    let fake = FakeAws::standard();
    fake.world().vpcs.get_mut("vpc-0default").expect("vpc").endpoint_services = onboarding_core::network::required_endpoints("us-east-1").to_vec();
    let n = run(&fake, wanted).await.expect("complete").network.expect("section");
    assert_eq!(n.security_group_ids, vec!["sg-default"]);
}

mod studio_catalog {
    //! The custom images, app image configs and lifecycle configurations a request names.

    use super::*;
    use onboarding_core::request::{CustomImage, IdeSettings};

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
        let fake = FakeAws::standard();
        {
            let mut w = fake.world();
            w.images.push(("gpu-research".into(), vec![1, 2, 3]));
            w.app_image_configs.push(("gpu-lab".into(), vec!["JupyterLab".into()]));
            w.lifecycle_configs.push(("install-cuda-tools".into(), "JupyterLab".into()));
        }
        fake
    }

    async fn discover(fake: &FakeAws, s: OnboardingState) -> Result<OnboardingState, OnboardingError> {
        handler(fake, fake, "us-east-1", LambdaEvent::new(s, Context::default())).await
    }

    #[tokio::test]
    async fn what_exists_for_its_app_passes() {
        let fake = catalog();
        discover(&fake, state()).await.expect("all there");
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
        let e = discover(&fake, state()).await.expect_err("refused");
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
    async fn a_request_naming_nothing_reads_nothing_of_the_catalog() {
        let fake = FakeAws::standard();
        discover(&fake, OnboardingState { request: OnboardingRequest { domain_name: "team-a".into(), ..Default::default() }, ..Default::default() })
            .await
            .expect("nothing to check");
        assert_eq!(fake.calls("DescribeImage") + fake.calls("DescribeAppImageConfig") + fake.calls("DescribeStudioLifecycleConfig"), 0);
    }
}
