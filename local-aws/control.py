"""The control endpoints (`/_local/...`, JSON): settings, faults, quotas, policy overrides, and the
filtered reads the tests make of what the local AWS recorded."""

import json
from urllib.parse import parse_qs

import checks
from checks import statements
from state import LOCK, POLICIES, STATE


def filtered_reads(query):
    """The tests' reads of what the local AWS recorded, each narrowed to what one test made: the
    bodies of one operation's calls holding `match`; the e-mails whose subject names `about`; one
    application's assignments; the refusals whose resource holds `match`."""
    arg = lambda name, default=None: query.get(name, [default])[0]
    holds = lambda text: arg("match") is None or arg("match") in text
    return {
        "/_local/recorded": lambda: [b for b in STATE["recorded"].get(arg("op", ""), []) if holds(b)],
        "/_local/emails": lambda: [e for e in STATE["emails"] if arg("about") is None or arg("about") in e["subject"].split()],
        "/_local/assignments": lambda: list(STATE["assignments"].get(arg("application", ""), [])),
        "/_local/denied": lambda: [d for d in STATE["denied"] if holds(d["resource"])],
    }


class ControlEndpoints:
    """`/_local/...`, as a method of the router's request handler."""

    # --- control ------------------------------------------------------------------------
    def control(self, body):
        path = self.path.split("?")[0]
        if path == "/_local/health":
            return 200, {"Content-Type": "application/json"}, b'{"ok":true}'
        reads = filtered_reads(parse_qs(self.path.split("?", 1)[1]) if "?" in self.path else {})
        if path in reads:
            with LOCK:
                answer = json.dumps(reads[path]())
            return 200, {"Content-Type": "application/json"}, answer.encode()
        if path == "/_local/state":
            with LOCK:
                snapshot = {
                    "assignments": STATE["assignments"],
                    "profiles": list(STATE["profiles"].values()),
                    "apps": list(STATE["apps"].values()),
                    "spaces": list(STATE["spaces"].values()),
                    "calls": STATE["calls"],
                    "faults": STATE["faults"],
                    "denied": STATE["denied"],
                    "invalid": STATE["invalid"],
                    "authorizer": {"asked": checks.AUTHORIZER.asked, "simulated": len(checks.AUTHORIZER.decisions)} if checks.AUTHORIZER else None,
                }
                text = json.dumps(snapshot)
            return 200, {"Content-Type": "application/json"}, text.encode()
        req = json.loads(body or b"{}")
        with LOCK:
            if path == "/_local/config":
                for key in ("domainPendingPolls", "deletingListings", "appDeletingPolls"):
                    if key in req:
                        STATE[key] = req[key]
                for key in ("failDomains", "pendingPollsByName", "asyncInvoke", "stuckApps"):
                    for name, value in req.get(key, {}).items():
                        # null removes a setting.
                        if value is None:
                            STATE[key].pop(name, None)
                        else:
                            STATE[key][name] = value
            elif path == "/_local/ses-quota":
                # {"match": "text of the sends it counts", "max24HourSend": 100, "refusals": 3}
                STATE["sesQuotas"].append({"match": req["match"], "max24HourSend": int(req["max24HourSend"]), "refusals": int(req.get("refusals", 1)), "sent": 0, "refused": 0})
            elif path == "/_local/policies":
                # {"function": "assign-access", "withoutStatement": "UserProfiles", "matchDomain": "least-privilege"}
                sids = {st.get("Sid") for p in POLICIES.get(req["function"], {}).get("policies", []) for st in statements(p["policy"])}
                if req["withoutStatement"] not in sids:
                    return 400, {"Content-Type": "application/json"}, json.dumps({"error": f"{req['function']} has no statement {req['withoutStatement']}"}).encode()
                STATE["policyOverrides"].append({k: req[k] for k in ("function", "withoutStatement", "matchDomain")})
            elif path == "/_local/faults":
                # {"op": "sagemaker:CreateDomain", "count": 2, "status": 400, "code": "ThrottlingException",
                #  "message": "...", "delayMs": 0, "match": "text the request body must contain",
                #  "matchDomain": "a domain whose Identity Center application the request names"}
                fault = {k: req[k] for k in ("status", "code", "message", "delayMs", "match", "matchDomain", "lambdaError") if k in req}
                STATE["faults"].setdefault(req["op"], []).extend([fault] * int(req.get("count", 1)))
            elif path == "/_local/reset":
                for key, empty in (("pending", {}), ("assignments", {}), ("profiles", {}), ("apps", {}), ("spaces", {}), ("stuckApps", {}), ("domainNetwork", {}), ("domainOverlay", {}), ("updating", {}), ("faults", {}), ("calls", {}), ("failDomains", {}), ("pendingPollsByName", {}), ("recorded", {}), ("denied", []), ("invalid", []), ("sesQuotas", []), ("emails", []), ("policyOverrides", []), ("domainIds", {})):
                    STATE[key] = empty
                STATE["domainPendingPolls"] = 0
                STATE["deletingListings"] = 1
                STATE["appDeletingPolls"] = 1
                STATE["domainStatus"], STATE["deleting"] = {}, {}
            else:
                return 404, {"Content-Type": "application/json"}, b'{"error":"unknown control path"}'
        return 200, {"Content-Type": "application/json"}, b'{"ok":true}'
