"""What the local account holds now, read from moto with IAM's query API: for the
authorization (a role's permissions boundary) and the documented rules (a role's policies and
tags)."""

import html
import http.client
import re
from urllib.parse import unquote, urlencode


class MotoAccount:
    """What the account holds now, read from moto (for the authorization and the documented rules)."""

    def __init__(self, moto_port, region):
        self.moto_port = moto_port
        self.region = region

    def iam(self, action, **params):
        conn = http.client.HTTPConnection("127.0.0.1", self.moto_port, timeout=30)
        body = urlencode(dict(Action=action, Version="2010-05-08", **params))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/20260101/{self.region}/iam/aws4_request, SignedHeaders=host, Signature=0",
        }
        conn.request("POST", "/", body=body, headers=headers)
        answer = conn.getresponse().read().decode("utf-8", "replace")
        conn.close()
        return answer

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
