"""Fault injection for the reliability tests: the next N calls of an operation fail with an AWS
error, an HTTP status or a Lambda error, or are delayed."""

from state import STATE


def take_fault(op, body):
    """The first queued fault for this operation (or `service:*`) whose `match` texts the body
    holds; `matchDomain` matches a call that names that domain's Identity Center application."""
    for key in (op, op.rsplit(":", 1)[0] + ":*"):
        queue = STATE["faults"].get(key) or []
        for i, fault in enumerate(queue):
            wanted = fault.get("match", [])
            wanted = [wanted] if isinstance(wanted, str) else wanted
            if "matchDomain" in fault:
                applications = [arn for arn, name in STATE["applications"].items() if name == fault["matchDomain"]]
                if not any(arn.encode() in body for arn in applications):
                    continue
            if all(text.encode() in body for text in wanted):
                return queue.pop(i)
    return None
