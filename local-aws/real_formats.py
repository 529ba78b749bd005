"""Ids, ARNs and URLs in the formats AWS gives them, where moto's differ: the router gives
callers the real form and translates it back for moto.

- identity store ids: moto's are `d-` and ten letters or digits, AWS's `d-` and ten hex digits;
- domain ids: moto's are `d-` and the domain's name (invalid past 61 characters), AWS's `d-` and
  twelve lower-case letters or digits;
- Studio URLs: moto's are the domain name under a test host, AWS's
  `https://DOMAIN-ID.studio.REGION.sagemaker.aws`.
"""

import hashlib
import json
import re
import threading

_LOCK = threading.Lock()


# moto's identity store ids (`d-` and ten letters or digits) -> ids in the real format (`d-` and
# ten hex digits, as the service models require), and back.
STORE_IDS = {}
MOTO_STORE_ID = re.compile(rb'"IdentityStoreId"\s*:\s*"(d-[a-z0-9]{10})"')


def store_ids_for_callers(data):
    for moto_id in set(MOTO_STORE_ID.findall(data)):
        real = b"d-" + hashlib.sha256(moto_id).hexdigest()[:10].encode()
        with _LOCK:
            STORE_IDS[real] = moto_id
        data = data.replace(moto_id, real)
    return data


def store_ids_for_moto(body):
    with _LOCK:
        known = list(STORE_IDS.items())
    for real, moto_id in known:
        body = body.replace(real, moto_id)
    return body


# moto's domain ids (`d-` and the domain's name) -> ids in the real format (`d-` and twelve
# lower-case letters or digits: a name past 61 characters makes moto's id invalid), and back.
DOMAIN_IDS = {}
MOTO_DOMAIN_ID = re.compile(rb'(?:"DomainId"\s*:\s*"|:domain/)(d-[A-Za-z0-9-]+)')


def bounded(text_id):
    """A pattern for the id as a whole word (d-team-a is not inside d-team-ab)."""
    return re.compile(rb"(?<![A-Za-z0-9-])" + re.escape(text_id) + rb"(?![A-Za-z0-9-])")


def studio_urls(data, region):
    """A domain's Studio URL as SageMaker gives it (`https://DOMAIN-ID.studio.REGION.sagemaker.aws`);
    moto's is the domain name under a test host."""
    if not data.startswith(b"{"):
        return data
    answer = json.loads(data)

    def fix(node):
        if isinstance(node, dict):
            domain_id = node.get("DomainId") or (node.get("DomainArn") or "").rpartition("domain/")[2]
            if "Url" in node and domain_id:
                node["Url"] = f"https://{domain_id}.studio.{region}.sagemaker.aws"
            for value in node.values():
                fix(value)
        elif isinstance(node, list):
            for value in node:
                fix(value)

    fix(answer)
    return json.dumps(answer).encode()


def domain_ids_for_callers(data):
    for moto_id in set(MOTO_DOMAIN_ID.findall(data)):
        real = b"d-" + hashlib.sha256(moto_id).hexdigest()[:12].encode()
        with _LOCK:
            DOMAIN_IDS[real] = moto_id
        data = bounded(moto_id).sub(real, data)
    return data


def domain_ids_for_moto(body):
    with _LOCK:
        known = list(DOMAIN_IDS.items())
    for real, moto_id in known:
        if real in body:
            body = bounded(real).sub(moto_id, body)
    return body
