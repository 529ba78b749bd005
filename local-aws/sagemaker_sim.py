"""SageMaker beyond moto: a domain's lifecycle (Pending, Failed, Updating, Deleting), what
CreateDomain makes in the VPC, UpdateDomain, the Studio catalog, user profiles, apps and spaces with
SageMaker's deletion rules."""

import hashlib
import http.client
import json
import re
import sys

from moto_account import MotoAccount
from real_formats import domain_ids_for_callers
from protocol import aws_error, json_response
from state import ACCOUNT, LOCK, STATE, initial_pending_polls


class SageMakerSimulation:
    """SageMaker's operations moto lacks, as methods of the router's request handler."""

    # --- SageMaker domains -------------------------------------------------------------
    def describe_domain(self, body):
        status, headers, data = self.forward(self.moto_port, body)
        if status != 200:
            domain_id = json.loads(body or b"{}").get("DomainId", "")
            with LOCK:
                entry = STATE["deleting"].get(domain_id)
                if entry:
                    entry["remaining"] -= 1
                    if entry["remaining"] <= 0:
                        del STATE["deleting"][domain_id]
            if entry:
                # Deleted in moto at once; SageMaker shows it Deleting for minutes.
                return json_response(dict(entry["summary"], Status="Deleting"))
            # moto says ValidationException for an unknown id; the API says ResourceNotFound.
            return aws_error("sagemaker", 400, "ResourceNotFound", "Cannot find the requested domain")
        domain = json.loads(data)
        domain_id = domain.get("DomainId")
        with LOCK:
            domain.update(STATE["domainOverlay"].get(domain_id, {}))
            updating = STATE["updating"].get(domain_id, 0)
            if updating:
                STATE["updating"][domain_id] = updating - 1
        if domain.get("HomeEfsFileSystemId"):
            # moto's is `NAME-efs-id`; EFS's are `fs-` and 17 hex digits.
            domain["HomeEfsFileSystemId"] = "fs-" + hashlib.sha256(domain["HomeEfsFileSystemId"].encode()).hexdigest()[:17]
        application = domain.get("SingleSignOnApplicationArn")
        if application and not application.startswith("arn:aws:sso::"):
            # moto names the application in SageMaker's namespace; Identity Center names it
            # under its instance, and IAM authorizes assignments on that ARN.
            instance = self.identity_center_instance_id()
            application_id = hashlib.sha256(domain_id.encode()).hexdigest()[:16]
            domain["SingleSignOnApplicationArn"] = f"arn:aws:sso::{ACCOUNT}:application/{instance}/apl-{application_id}"
            with LOCK:
                STATE["applications"][domain["SingleSignOnApplicationArn"]] = domain.get("DomainName")
        with LOCK:
            remaining = STATE["pending"].setdefault(domain_id, initial_pending_polls(domain.get("DomainName")))
            if remaining > 0:
                STATE["pending"][domain_id] = remaining - 1
                domain["Status"] = "Pending"
            elif updating:
                domain["Status"] = "Updating"
            elif domain.get("DomainName") in STATE["failDomains"]:
                domain["Status"] = "Failed"
                domain["FailureReason"] = STATE["failDomains"][domain["DomainName"]]
            STATE["domainStatus"][domain_id] = domain.get("Status")
        return json_response(domain)

    def list_domains(self, body):
        """moto's list with the statuses DescribeDomain reported, and the domains being deleted."""
        status, headers, data = self.forward(self.moto_port, body)
        if status != 200:
            return status, headers, data
        listed = json.loads(data)
        with LOCK:
            for domain in listed.get("Domains", []):
                domain_id = domain.get("DomainId")
                if domain_id not in STATE["domainStatus"] and STATE["pending"].get(domain_id, initial_pending_polls(domain.get("DomainName"))) > 0:
                    # Not described yet: SageMaker lists a new domain Pending, as DescribeDomain will.
                    domain["Status"] = "Pending"
                else:
                    domain["Status"] = STATE["domainStatus"].get(domain_id, domain.get("Status"))
            for domain_id, entry in list(STATE["deleting"].items()):
                listed.setdefault("Domains", []).append(dict(entry["summary"], Status="Deleting"))
                entry["remaining"] -= 1
                if entry["remaining"] <= 0:
                    del STATE["deleting"][domain_id]
        return json_response(listed)

    def create_domain(self, body):
        """Creates in moto, then what SageMaker creates in the VPC for the home file system."""
        problems = self.unknown_studio_resources(json.loads(body or b"{}"))
        if problems:
            return aws_error("sagemaker", 400, "ValidationException", "; ".join(problems))
        status, headers, data = self.forward(self.moto_port, body)
        if status == 200:
            req = json.loads(body or b"{}")
            moto_id = json.loads(data).get("DomainArn", "").rsplit("/", 1)[-1]
            caller_id = json.loads(domain_ids_for_callers(json.dumps({"DomainId": moto_id}).encode()))["DomainId"]
            with LOCK:
                STATE["domainOverlay"][moto_id] = {"TagPropagation": req.get("TagPropagation", "DISABLED")}
                STATE["domainIds"].setdefault(req.get("DomainName", ""), set()).add(caller_id)
            try:
                self.create_domain_network(moto_id, req.get("VpcId", ""), req.get("SubnetIds", []))
            except Exception as exc:  # the domain exists; only its VPC resources are missing
                print(f"CreateDomain: the NFS security groups were not created: {exc}", file=sys.stderr, flush=True)
        return status, headers, data

    def create_domain_network(self, moto_id, vpc_id, subnet_ids):
        real = json.loads(domain_ids_for_callers(json.dumps({"DomainId": moto_id}).encode()))["DomainId"]
        arn = f"arn:aws:sagemaker:{self.region}:{ACCOUNT}:domain/{real}"
        account = MotoAccount(self.moto_port, self.region)
        tag = {"TagSpecification.1.ResourceType": "security-group", "TagSpecification.1.Tag.1.Key": "ManagedByAmazonSageMakerResource", "TagSpecification.1.Tag.1.Value": arn}
        groups = {}
        for direction in ("inbound", "outbound"):
            name = f"security-group-for-{direction}-nfs-{real}"
            answer = account.ec2("CreateSecurityGroup", GroupName=name, GroupDescription=f"NFS {direction} for {real}", VpcId=vpc_id, **tag)
            if "InvalidGroup.Duplicate" in answer:
                # A domain of the same name (hence id) made it before: SageMaker reuses it.
                answer = account.ec2("DescribeSecurityGroups", **{"Filter.1.Name": "group-name", "Filter.1.Value.1": name})
            found = re.search(r"<groupId>([^<]+)</groupId>", answer)
            if not found:
                raise RuntimeError(answer[:300])
            groups[direction] = found.group(1)
        # The inbound group admits NFS from the outbound one, as SageMaker's does.
        account.ec2("AuthorizeSecurityGroupIngress", GroupId=groups["inbound"], **{
            "IpPermissions.1.IpProtocol": "tcp", "IpPermissions.1.FromPort": "2049", "IpPermissions.1.ToPort": "2049", "IpPermissions.1.Groups.1.GroupId": groups["outbound"]})
        interfaces = []
        if subnet_ids:
            answer = account.ec2("CreateNetworkInterface", SubnetId=subnet_ids[0], Description=f"EFS mount target of {real}", **{"SecurityGroupId.1": groups["inbound"]})
            found = re.search(r"<networkInterfaceId>([^<]+)</networkInterfaceId>", answer)
            interfaces = [found.group(1)] if found else []
        with LOCK:
            STATE["domainNetwork"][moto_id] = {"groups": list(groups.values()), "interfaces": interfaces}

    # --- The Studio catalog: images, app image configs, lifecycle configurations ---------
    def catalog_arn(self, resource):
        return f"arn:aws:sagemaker:{self.region}:{ACCOUNT}:{resource}"

    def create_in_catalog(self, table, label, name, value, arn_key, resource):
        """Keeps a new catalog entry; ResourceInUse when the name is taken, as SageMaker answers."""
        with LOCK:
            if name in STATE[table]:
                return aws_error("sagemaker", 400, "ResourceInUse", f"{label} {name} already exists")
            STATE[table][name] = value
        return json_response({arn_key: self.catalog_arn(f"{resource}/{name}")})

    def create_image(self, req):
        return self.create_in_catalog("images", "Image", req.get("ImageName", ""), [], "ImageArn", "image")

    def create_image_version(self, req):
        name = req.get("ImageName", "")
        with LOCK:
            if name not in STATE["images"]:
                return aws_error("sagemaker", 400, "ResourceNotFound", f"Image {name} does not exist")
            versions = STATE["images"][name]
            versions.append(len(versions) + 1)
            version = versions[-1]
        return json_response({"ImageVersionArn": self.catalog_arn(f"image-version/{name}/{version}")})

    def describe_image(self, req):
        name = req.get("ImageName", "")
        arn = self.catalog_arn(f"image/{name}")
        return self.describe_in_catalog("images", "Image", name, lambda _versions: {"ImageName": name, "ImageStatus": "CREATED", "ImageArn": arn})

    def describe_image_version(self, req):
        name, version = req.get("ImageName", ""), req.get("Version")
        with LOCK:
            versions = STATE["images"].get(name, [])
        if not versions or (version is not None and version not in versions):
            return aws_error("sagemaker", 400, "ResourceNotFound", f"Image version {version} of {name} does not exist")
        number = version if version is not None else versions[-1]
        return json_response({"Version": number, "ImageVersionStatus": "CREATED", "ImageVersionArn": self.catalog_arn(f"image-version/{name}/{number}")})

    def create_app_image_config(self, req):
        name = req.get("AppImageConfigName", "")
        return self.create_in_catalog("appImageConfigs", "AppImageConfig", name, req, "AppImageConfigArn", "app-image-config")

    def describe_in_catalog(self, table, label, name, answer):
        """ResourceNotFound for a name the catalog lacks, as SageMaker answers; else `answer(entry)`."""
        with LOCK:
            entry = STATE[table].get(name)
        if entry is None:
            return aws_error("sagemaker", 400, "ResourceNotFound", f"{label} {name} does not exist")
        return json_response(answer(entry))

    def describe_app_image_config(self, req):
        name = req.get("AppImageConfigName", "")
        return self.describe_in_catalog("appImageConfigs", "AppImageConfig", name, lambda config: dict(config, AppImageConfigArn=self.catalog_arn(f"app-image-config/{name}")))

    def create_studio_lifecycle_config(self, req):
        name, app = req.get("StudioLifecycleConfigName", ""), req.get("StudioLifecycleConfigAppType", "")
        return self.create_in_catalog("lifecycleConfigs", "StudioLifecycleConfig", name, app, "StudioLifecycleConfigArn", "studio-lifecycle-config")

    def describe_studio_lifecycle_config(self, req):
        name = req.get("StudioLifecycleConfigName", "")
        arn = self.catalog_arn(f"studio-lifecycle-config/{name}")
        return self.describe_in_catalog("lifecycleConfigs", "StudioLifecycleConfig", name,
                                        lambda app: {"StudioLifecycleConfigName": name, "StudioLifecycleConfigAppType": app, "StudioLifecycleConfigArn": arn})

    @staticmethod
    def unknown_studio_resources(req):
        """What a CreateDomain or UpdateDomain names of the catalog that does not exist, or that
        serves another app, as SageMaker refuses it."""
        problems = []
        for settings_key in ("DefaultUserSettings", "DefaultSpaceSettings"):
            for app_key, app in (("JupyterLabAppSettings", "JupyterLab"), ("CodeEditorAppSettings", "CodeEditor")):
                app_settings = (req.get(settings_key) or {}).get(app_key) or {}
                with LOCK:
                    for image in app_settings.get("CustomImages") or []:
                        versions = STATE["images"].get(image.get("ImageName"))
                        version = image.get("ImageVersionNumber")
                        if not versions or (version is not None and version not in versions):
                            problems.append(f"image {image.get('ImageName')} version {version} does not exist")
                        config = STATE["appImageConfigs"].get(image.get("AppImageConfigName"))
                        if config is None or f"{app}AppImageConfig" not in config:
                            problems.append(f"AppImageConfig {image.get('AppImageConfigName')} does not exist for {app}")
                    arns = list(app_settings.get("LifecycleConfigArns") or [])
                    default = (app_settings.get("DefaultResourceSpec") or {}).get("LifecycleConfigArn")
                    if default and default not in arns:
                        problems.append(f"the default lifecycle config {default} is not in LifecycleConfigArns")
                    for arn in arns:
                        if STATE["lifecycleConfigs"].get(arn.rsplit("/", 1)[-1]) != app:
                            problems.append(f"StudioLifecycleConfig {arn} does not exist for {app}")
        return problems

    def update_domain(self, req):
        """What UpdateDomain changes, kept beside moto's domain; the domain shows Updating once.
        As SageMaker documents: the network access type cannot change while apps run, nor
        subnets be removed."""
        domain_id = req.get("DomainId", "")
        current = self.moto_json("SageMaker.DescribeDomain", "sagemaker", {"DomainId": domain_id})
        if not current:
            return aws_error("sagemaker", 400, "ResourceNotFound", "Cannot find the requested domain")
        with LOCK:
            overlay = STATE["domainOverlay"].setdefault(domain_id, {})
            current.update(overlay)
            if STATE["updating"].get(domain_id) or STATE["domainStatus"].get(domain_id) in ("Pending", "Updating"):
                return aws_error("sagemaker", 400, "ResourceInUse", "The domain is being created or updated")
        problems = self.unknown_studio_resources(req)
        if problems:
            return aws_error("sagemaker", 400, "ValidationException", "; ".join(problems))
        apps, _, _ = self.holds(domain_id)
        live = [a for a in apps if a["Status"] in ("InService", "Pending", "Deleting")]
        access = req.get("AppNetworkAccessType")
        if live and access and access != current.get("AppNetworkAccessType"):
            return aws_error("sagemaker", 400, "ValidationException", "AppNetworkAccessType can only be modified if there are no apps in the InService, Pending, or Deleting state")
        if live and "SubnetIds" in req and set(current.get("SubnetIds") or []) - set(req["SubnetIds"]):
            return aws_error("sagemaker", 400, "ValidationException", "Subnets can only be removed if there are no apps in the InService, Pending, or Deleting state")
        with LOCK:
            for key in ("DefaultUserSettings", "DefaultSpaceSettings"):
                if key in req:
                    merged = dict(current.get(key) or {})
                    merged.update(req[key])
                    overlay[key] = merged
            if "DomainSettingsForUpdate" in req:
                settings = dict(current.get("DomainSettings") or {})
                for key, value in req["DomainSettingsForUpdate"].items():
                    settings["RStudioServerProDomainSettings" if key == "RStudioServerProDomainSettingsForUpdate" else key] = value
                overlay["DomainSettings"] = settings
            for key in ("TagPropagation", "AppNetworkAccessType", "SubnetIds", "AppSecurityGroupManagement"):
                if key in req:
                    overlay[key] = req[key]
            STATE["updating"][domain_id] = 1
        return json_response({"DomainArn": current.get("DomainArn")})

    def holds(self, domain_id):
        """What keeps a domain from being deleted: live apps, spaces, user profiles."""
        with LOCK:
            apps = [a for a in STATE["apps"].values() if a["DomainId"] == domain_id and a["Status"] != "Deleted"]
            spaces = [k for k in STATE["spaces"] if k[0] == domain_id]
            profiles = [k for k in STATE["profiles"] if k[0] == domain_id]
        return apps, spaces, profiles

    def delete_domain(self, body):
        """Deletes in moto; the domain then shows as Deleting in a few ListDomains answers, as a
        real deletion takes minutes. A domain that still holds apps, spaces or user profiles is
        ResourceInUse; the home file system's network interface goes unless it is retained."""
        req = json.loads(body or b"{}")
        domain_id = req.get("DomainId", "")
        apps, spaces, profiles = self.holds(domain_id)
        if apps or spaces or profiles:
            return aws_error("sagemaker", 400, "ResourceInUse", f"The domain still has {len(apps)} app(s), {len(spaces)} space(s) and {len(profiles)} user profile(s): delete them first")
        if (req.get("RetentionPolicy") or {}).get("HomeEfsFileSystem") == "Delete":
            with LOCK:
                network = STATE["domainNetwork"].get(domain_id, {})
                interfaces, network["interfaces"] = network.get("interfaces", []), []
            for eni in interfaces:
                MotoAccount(self.moto_port, self.region).ec2("DeleteNetworkInterface", NetworkInterfaceId=eni)
        summary = self.moto_json("SageMaker.DescribeDomain", "sagemaker", {"DomainId": domain_id})
        status, headers, data = self.forward(self.moto_port, body)
        if status != 200:
            return aws_error("sagemaker", 400, "ResourceNotFound", "Cannot find the requested domain")
        with LOCK:
            STATE["domainStatus"].pop(domain_id, None)
            if summary and STATE["deletingListings"] > 0:
                entry = {k: summary.get(k) for k in ("DomainArn", "DomainId", "DomainName", "CreationTime", "LastModifiedTime", "Url")}
                STATE["deleting"][domain_id] = {"summary": entry, "remaining": STATE["deletingListings"]}
        return status, headers, data

    def moto_json(self, target, service, payload):
        """A JSON-protocol call to moto; its answer, or None when it failed."""
        conn = http.client.HTTPConnection("127.0.0.1", self.moto_port, timeout=30)
        headers = {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": target,
            "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/20260101/{self.region}/{service}/aws4_request, SignedHeaders=host, Signature=0",
        }
        conn.request("POST", "/", body=json.dumps(payload).encode(), headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        conn.close()
        return json.loads(data or b"{}") if answer.status == 200 else None

    def identity_center_instance_id(self):
        """The id of the account's Identity Center instance (moto's), as in its ARN."""
        instances = (self.moto_json("SWBExternalService.ListInstances", "sso", {}) or {}).get("Instances", [])
        return instances[0]["InstanceArn"].rsplit("/", 1)[-1] if instances else "ssoins-local"

    # --- SageMaker user profiles --------------------------------------------------------
    def create_user_profile(self, req):
        key = (req["DomainId"], req["UserProfileName"].lower())
        with LOCK:
            if key in STATE["profiles"]:
                return aws_error("sagemaker", 400, "ResourceInUse", "User profile already exists")
            arn = f"arn:aws:sagemaker:{self.region}:123456789012:user-profile/{req['DomainId']}/{req['UserProfileName']}"
            STATE["profiles"][key] = {
                "DomainId": req["DomainId"],
                "UserProfileName": req["UserProfileName"],
                "UserProfileArn": arn,
                "SingleSignOnUserIdentifier": req.get("SingleSignOnUserIdentifier"),
                "SingleSignOnUserValue": req.get("SingleSignOnUserValue"),
                "Status": "InService",
                "Tags": req.get("Tags", []),
            }
        return json_response({"UserProfileArn": arn})

    def describe_user_profile(self, req):
        with LOCK:
            profile = STATE["profiles"].get((req["DomainId"], req["UserProfileName"].lower()))
        if not profile:
            return aws_error("sagemaker", 400, "ResourceNotFound", "User profile does not exist")
        return json_response({k: v for k, v in profile.items() if k != "Tags"})

    def list_user_profiles(self, req):
        with LOCK:
            profiles = [p for p in STATE["profiles"].values() if not req.get("DomainIdEquals") or p["DomainId"] == req["DomainIdEquals"]]
        return json_response({"UserProfiles": [{k: p[k] for k in ("DomainId", "UserProfileName", "Status")} for p in profiles]})

    def delete_user_profile(self, req):
        with LOCK:
            STATE["profiles"].pop((req["DomainId"], req["UserProfileName"].lower()), None)
        return json_response({})

    def delete_user_profile_checked(self, req):
        domain_id, name = req["DomainId"], req["UserProfileName"]
        with LOCK:
            apps = [a for a in STATE["apps"].values() if a["DomainId"] == domain_id and a.get("UserProfileName") == name and a["Status"] != "Deleted"]
            spaces = [k for k, v in STATE["spaces"].items() if k[0] == domain_id and v.get("OwnerUserProfileName") == name]
            if (domain_id, name.lower()) not in STATE["profiles"]:
                return aws_error("sagemaker", 400, "ResourceNotFound", "User profile does not exist")
        if apps or spaces:
            return aws_error("sagemaker", 400, "ResourceInUse", f"The user profile still has {len(apps)} app(s) and {len(spaces)} private space(s)")
        return self.delete_user_profile(req)

    # --- SageMaker apps and spaces ------------------------------------------------------
    @staticmethod
    def app_key(req):
        return (req["DomainId"], req.get("UserProfileName") or req.get("SpaceName") or "", req["AppType"], req["AppName"])

    def create_app(self, req):
        key = self.app_key(req)
        with LOCK:
            if key in STATE["apps"] and STATE["apps"][key]["Status"] != "Deleted":
                return aws_error("sagemaker", 400, "ResourceInUse", "App already exists")
            owner = f"{req.get('UserProfileName') or req.get('SpaceName')}"
            arn = f"arn:aws:sagemaker:{self.region}:{ACCOUNT}:app/{req['DomainId']}/{owner}/{req['AppType'].lower()}/{req['AppName']}"
            STATE["apps"][key] = {k: req[k] for k in ("DomainId", "UserProfileName", "SpaceName", "AppType", "AppName") if req.get(k)}
            STATE["apps"][key].update(Status="InService", AppArn=arn)
        return json_response({"AppArn": arn})

    def list_apps(self, req):
        domain = req.get("DomainIdEquals")
        with LOCK:
            listed = [dict(a) for a in STATE["apps"].values() if not domain or a["DomainId"] == domain]
            stuck = STATE["stuckApps"]
            for app in STATE["apps"].values():
                if app["Status"] == "Deleting" and not stuck.get(app["DomainId"][2:]):
                    app["deletingLeft"] = app.get("deletingLeft", 0) - 1
                    if app["deletingLeft"] < 0:
                        app["Status"] = "Deleted"
        return json_response({"Apps": [{k: v for k, v in a.items() if k != "deletingLeft"} for a in listed]})

    def delete_app(self, req):
        key = self.app_key(req)
        with LOCK:
            app = STATE["apps"].get(key)
            if not app or app["Status"] == "Deleted":
                return aws_error("sagemaker", 400, "ResourceNotFound", "App does not exist")
            if app["Status"] == "Deleting":
                return aws_error("sagemaker", 400, "ResourceInUse", "App is being deleted")
            app["Status"], app["deletingLeft"] = "Deleting", STATE["appDeletingPolls"] - 1
        return json_response({})

    def create_space(self, req):
        if any("S3FileSystem" in fs for fs in (req.get("SpaceSettings") or {}).get("CustomFileSystems") or []):
            # As SageMaker documents S3FileSystem: a space mounts S3 only in SageMaker Unified Studio.
            return aws_error("sagemaker", 400, "ValidationException", "S3FileSystem is only supported in Amazon SageMaker Unified Studio")
        key = (req["DomainId"], req["SpaceName"])
        with LOCK:
            if key in STATE["spaces"]:
                return aws_error("sagemaker", 400, "ResourceInUse", "Space already exists")
            arn = f"arn:aws:sagemaker:{self.region}:{ACCOUNT}:space/{req['DomainId']}/{req['SpaceName']}"
            owner = (req.get("OwnershipSettings") or {}).get("OwnerUserProfileName")
            STATE["spaces"][key] = {"DomainId": req["DomainId"], "SpaceName": req["SpaceName"], "Status": "InService", "SpaceArn": arn, "OwnerUserProfileName": owner}
        return json_response({"SpaceArn": arn})

    def list_spaces(self, req):
        domain = req.get("DomainIdEquals")
        with LOCK:
            listed = [dict(v) for k, v in STATE["spaces"].items() if not domain or k[0] == domain]
            for key, space in list(STATE["spaces"].items()):
                if space["Status"] == "Deleting":
                    space["deletingLeft"] = space.get("deletingLeft", 0) - 1
                    if space["deletingLeft"] < 0:
                        del STATE["spaces"][key]
        summary = lambda v: dict({k: v[k] for k in ("DomainId", "SpaceName", "Status")}, OwnershipSettingsSummary={"OwnerUserProfileName": v["OwnerUserProfileName"]} if v.get("OwnerUserProfileName") else {})
        return json_response({"Spaces": [summary(v) for v in listed]})

    def delete_space(self, req):
        key = (req["DomainId"], req["SpaceName"])
        with LOCK:
            space = STATE["spaces"].get(key)
            if not space:
                return aws_error("sagemaker", 400, "ResourceNotFound", "Space does not exist")
            live = [a for a in STATE["apps"].values() if a["DomainId"] == key[0] and a.get("SpaceName") == key[1] and a["Status"] != "Deleted"]
            if live:
                return aws_error("sagemaker", 400, "ResourceInUse", f"The space still has {len(live)} app(s)")
            if space["Status"] == "Deleting":
                return aws_error("sagemaker", 400, "ResourceInUse", "Space is being deleted")
            space["Status"], space["deletingLeft"] = "Deleting", STATE["appDeletingPolls"] - 1
        return json_response({})
