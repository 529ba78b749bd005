"""What the local account holds now, read from moto with IAM's query API: for the
authorization (a role's permissions boundary) and the documented rules (a role's policies and
tags)."""

import html
import http.client
import json
import re
from urllib.parse import unquote, urlencode


class MotoAccount:
    """What the account holds now, read from moto (for the authorization and the documented rules)."""

    def __init__(self, moto_port, region):
        self.moto_port = moto_port
        self.region = region

    def query(self, service, version, action, **params):
        """A query-protocol call to moto (IAM, EC2); the answer's XML text."""
        conn = http.client.HTTPConnection("127.0.0.1", self.moto_port, timeout=30)
        body = urlencode(dict(Action=action, Version=version, **params))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/20260101/{self.region}/{service}/aws4_request, SignedHeaders=host, Signature=0",
        }
        conn.request("POST", "/", body=body, headers=headers)
        answer = conn.getresponse().read().decode("utf-8", "replace")
        conn.close()
        return answer

    def iam(self, action, **params):
        return self.query("iam", "2010-05-08", action, **params)

    def role_boundary(self, role):
        found = re.search(r"<PermissionsBoundaryArn>([^<]+)</PermissionsBoundaryArn>", self.iam("GetRole", RoleName=role))
        return found.group(1) if found else None

    def inline_policies(self, role):
        names = re.findall(r"<member>([^<]+)</member>", self.iam("ListRolePolicies", RoleName=role))
        documents = {}
        for name in names:
            found = re.search(r"<PolicyDocument>([^<]*)</PolicyDocument>", self.iam("GetRolePolicy", RoleName=role, PolicyName=name))
            documents[name] = unquote(html.unescape(found.group(1))) if found else ""
        return documents

    def attached_policies(self, role):
        return re.findall(r"<PolicyArn>([^<]+)</PolicyArn>", self.iam("ListAttachedRolePolicies", RoleName=role))

    def role_tag_keys(self, role):
        return re.findall(r"<Key>([^<]+)</Key>", self.iam("ListRoleTags", RoleName=role))

    def role_tags(self, role):
        """The role's tags, as a dict."""
        answer = self.iam("ListRoleTags", RoleName=role)
        return dict(re.findall(r"<Key>([^<]+)</Key>\s*<Value>([^<]*)</Value>", answer))

    def ec2(self, action, **params):
        return self.query("ec2", "2016-11-15", action, **params)

    def security_group_tags(self, group_id):
        """A security group's tags, as a dict."""
        answer = self.ec2("DescribeTags", **{"Filter.1.Name": "resource-id", "Filter.1.Value.1": group_id})
        tags = {}
        for item in re.findall(r"<item>(.*?)</item>", answer, re.S):
            key, value = re.search(r"<key>([^<]*)</key>", item), re.search(r"<value>([^<]*)</value>", item)
            if key:
                tags[html.unescape(key.group(1))] = html.unescape(value.group(1)) if value else ""
        return tags

    def domain_tags(self, domain_id):
        """A SageMaker domain's tags (the id in the callers' format), as a dict."""
        from real_formats import domain_ids_for_moto

        moto_id = json.loads(domain_ids_for_moto(json.dumps({"DomainId": domain_id}).encode()))["DomainId"]
        conn = http.client.HTTPConnection("127.0.0.1", self.moto_port, timeout=30)
        headers = {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "SageMaker.ListTags",
            "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/20260101/{self.region}/sagemaker/aws4_request, SignedHeaders=host, Signature=0",
        }
        arn = f"arn:aws:sagemaker:{self.region}:123456789012:domain/{moto_id}"
        conn.request("POST", "/", body=json.dumps({"ResourceArn": arn}).encode(), headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        conn.close()
        if answer.status != 200:
            return {}
        return {t.get("Key"): t.get("Value", "") for t in json.loads(data).get("Tags", [])}
