"""The rules of local-aws/documented_rules.py, against a fake account.

Run: .venv/bin/python -m unittest discover -s local-aws (the suite runs it).
"""

import json
import unittest

from documented_rules import broken


class Account:
    def __init__(self, inline=None, attached=None, tags=None):
        self.inline, self.attached, self.tags = inline or {}, attached or [], tags or []

    def inline_policies(self, role):
        return self.inline

    def attached_policies(self, role):
        return self.attached

    def role_tag_keys(self, role):
        return self.tags


def document(size):
    """A policy document of `size` characters, white space not counted."""
    head = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::'
    tail = '"}]}'
    return head + "b" * (size - len(head) - len(tail)) + tail


class Rules(unittest.TestCase):
    def test_inline_policies_of_a_role_count_together_without_white_space(self):
        put = {"RoleName": "r", "PolicyName": "new", "PolicyDocument": document(6000)}
        self.assertIsNone(broken("iam:PutRolePolicy", put, Account(inline={"old": document(4240)})))
        self.assertEqual(broken("iam:PutRolePolicy", put, Account(inline={"old": document(4241)}))[:2], (409, "LimitExceeded"))
        # Replacing a policy does not count the old version; white space is free.
        self.assertIsNone(broken("iam:PutRolePolicy", put, Account(inline={"new": document(9000)})))
        spaced = dict(put, PolicyDocument=json.dumps(json.loads(document(10240)), indent=4))
        self.assertIsNone(broken("iam:PutRolePolicy", spaced, Account()))

    def test_ten_managed_policies_per_role(self):
        attached = [f"arn:aws:iam::aws:policy/P{i}" for i in range(10)]
        self.assertEqual(broken("iam:AttachRolePolicy", {"RoleName": "r", "PolicyArn": "arn:aws:iam::aws:policy/New"}, Account(attached=attached))[1], "LimitExceeded")
        # Attaching one already attached changes nothing.
        self.assertIsNone(broken("iam:AttachRolePolicy", {"RoleName": "r", "PolicyArn": attached[0]}, Account(attached=attached)))

    def test_fifty_tags_per_role(self):
        tag = {"RoleName": "r", "Tags.member.1.Key": "new", "Tags.member.1.Value": "v"}
        self.assertEqual(broken("iam:TagRole", tag, Account(tags=[str(i) for i in range(50)]))[1], "LimitExceeded")
        self.assertIsNone(broken("iam:TagRole", tag, Account(tags=[str(i) for i in range(49)])))

    def test_fifty_recipients_per_message(self):
        to = {"Destination": {"ToAddresses": [f"u{i}@example.com" for i in range(40)], "BccAddresses": [f"b{i}@example.com" for i in range(11)]}}
        self.assertEqual(broken("ses:SendEmail", to, Account())[1], "MessageRejected")
        to["Destination"]["BccAddresses"].pop()
        self.assertIsNone(broken("ses:SendEmail", to, Account()))


if __name__ == "__main__":
    unittest.main()
