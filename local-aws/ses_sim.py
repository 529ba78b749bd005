"""SES v2 beyond moto: GetAccount, and the e-mails SES accepted as the tests read them back."""

import json

from protocol import json_response
from state import LOCK, STATE


def keep_email(body, answer):
    """Keeps a message SES accepted, as the tests read it back (`GET /_local/emails`)."""
    request = json.loads(body or b"{}")
    simple = request.get("Content", {}).get("Simple", {})
    parts = simple.get("Body", {})
    destination = request.get("Destination", {})
    email = {
        "id": json.loads(answer or b"{}").get("MessageId", ""),
        "source": request.get("FromEmailAddress", ""),
        "subject": simple.get("Subject", {}).get("Data", ""),
        # What SES's own record holds: the HTML part when there is one.
        "body": (parts.get("Html") or parts.get("Text") or {}).get("Data", ""),
        "destinations": [a for key in ("ToAddresses", "CcAddresses", "BccAddresses") for a in destination.get(key, [])],
    }
    with LOCK:
        STATE["emails"].append(email)



class SesSimulation:
    """SES's GetAccount, as a method of the router's request handler."""

    def get_account(self, _req):
        """SES v2 GetAccount: a production account whose send rate keeps local runs quick."""
        return json_response({
            "DedicatedIpAutoWarmupEnabled": False,
            "EnforcementStatus": "HEALTHY",
            "ProductionAccessEnabled": True,
            "SendingEnabled": True,
            "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 200.0, "SentLast24Hours": float(STATE["calls"].get("ses:SendEmail", 0))},
        })
