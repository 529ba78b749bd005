"""IAM Identity Center application assignments (moto answers 500 for them)."""

from protocol import aws_error, json_response
from state import LOCK, STATE


class IdentityCenterSimulation:
    """sso-admin's application assignments, as methods of the router's request handler."""

    # --- Identity Center application assignments -----------------------------------------
    def create_application_assignment(self, req):
        with LOCK:
            entries = STATE["assignments"].setdefault(req["ApplicationArn"], [])
            entry = {"PrincipalType": req["PrincipalType"], "PrincipalId": req["PrincipalId"]}
            if entry not in entries:
                entries.append(entry)
        return json_response({})

    def list_application_assignments(self, req):
        with LOCK:
            entries = list(STATE["assignments"].get(req["ApplicationArn"], []))
        return json_response({"ApplicationAssignments": [dict(e, ApplicationArn=req["ApplicationArn"]) for e in entries]})

    def describe_application_assignment(self, req):
        entry = {"PrincipalType": req["PrincipalType"], "PrincipalId": req["PrincipalId"]}
        with LOCK:
            found = entry in STATE["assignments"].get(req["ApplicationArn"], [])
        if not found:
            return aws_error("sso", 400, "ResourceNotFoundException", "Assignment not found")
        return json_response(dict(entry, ApplicationArn=req["ApplicationArn"]))

    def delete_application_assignment(self, req):
        entry = {"PrincipalType": req["PrincipalType"], "PrincipalId": req["PrincipalId"]}
        with LOCK:
            entries = STATE["assignments"].get(req["ApplicationArn"], [])
            if entry in entries:
                entries.remove(entry)
        return json_response({})
