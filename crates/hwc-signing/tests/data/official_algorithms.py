"""Vectors of the official SDK's other signing algorithms, made with huaweicloudsdkcore 3.1.219.

    python3 -m venv .venv && .venv/bin/pip install huaweicloudsdkcore==3.1.219
    .venv/bin/python official_algorithms.py vectors > official-algorithms.json
    .venv/bin/python official_algorithms.py verify < signatures.json

`vectors`: the requests of official-signatures.json signed by `SM3Signer` (SDK-HMAC-SM3) and
`DerivationAKSKSigner` (V11-HMAC-SHA256, scoped to a region and service): their exact
`Authorization`, canonical request and string to sign; and for `P256SHA256Signer`
(SDK-ECDSA-P256-SHA256) and `SM2SM3Signer` (SDK-SM2-SM3), whose signatures are random, the public
key each derives from the AK/SK (SEC1 uncompressed hex), and a signature the official code made
of each request's string to sign, for hwc to verify.

`verify`: reads `[{"algorithm": ..., "string_to_sign": ..., "signature": hex}]` (signatures hwc
made) and prints, for each, whether the official key derived from the same AK/SK verifies it.
"""

import json
import os
import sys
from datetime import datetime

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import (
    DerivationAKSKSigner,
    P256SHA256Signer,
    SM2SM3Signer,
    SM3Signer,
)

HERE = os.path.dirname(os.path.abspath(__file__))
REGION = "cn-north-4"
SERVICE = "hss"


def request_of(vector):
    return SdkRequest(
        method=vector["method"],
        schema="https",
        host=vector["host"],
        resource_path=vector["path"],
        query_params=[tuple(pair) for pair in vector["query"]],
        header_params=dict(vector["headers"]),
        body=vector["body"],
    )


def string_to_sign(signer, request):
    """The canonical request and string to sign of `signer`, as its sign() makes them."""
    signer._process_content_header(request)
    t = signer._process_header_time(request)
    signer._process_header_host(request)
    signed_headers = signer._process_signed_headers(request)
    canonical = signer._process_canonical_request(request, signed_headers)
    if isinstance(signer, DerivationAKSKSigner):
        info = "%s/%s/%s" % (datetime.strftime(t, signer.BasicISODateFormat), REGION, SERVICE)
        return canonical, signer._process_string_to_sign(canonical, t, info)
    return canonical, signer._process_string_to_sign(canonical, t)


def public_key(signer):
    x, y = signer.get_signing_key()._public_key
    return "04" + x.to_bytes(32, "big").hex() + y.to_bytes(32, "big").hex()


def vectors(ak, sk, requests):
    credentials = BasicCredentials(ak, sk)
    out = {"access_key": ak, "secret_key": sk, "region": REGION, "service": SERVICE, "hmac": [], "asymmetric": {}}
    for vector in requests:
        for name, signer_class in (("SDK-HMAC-SM3", SM3Signer), ("V11-HMAC-SHA256", DerivationAKSKSigner)):
            signer = signer_class(credentials)
            canonical, to_sign = string_to_sign(signer, request_of(vector))
            request = request_of(vector)
            if signer_class is DerivationAKSKSigner:
                signer.sign(request, SERVICE, REGION)
            else:
                signer.sign(request)
            out["hmac"].append({**vector, "algorithm": name, "canonical_request": canonical,
                                "string_to_sign": to_sign,
                                "authorization": request.header_params["Authorization"]})
    for name, signer_class in (("SDK-ECDSA-P256-SHA256", P256SHA256Signer), ("SDK-SM2-SM3", SM2SM3Signer)):
        signer = signer_class(credentials)
        key = signer.get_signing_key()
        signed = []
        for vector in requests:
            canonical, to_sign = string_to_sign(signer, request_of(vector))
            signature = key.sign(to_sign.encode("utf-8")).hex()
            signed.append({"canonical_request": canonical, "string_to_sign": to_sign, "signature": signature})
        out["asymmetric"][name] = {"public_key": public_key(signer), "signed": signed}
    return out


def verify(ak, sk, items):
    credentials = BasicCredentials(ak, sk)
    classes = {"SDK-ECDSA-P256-SHA256": P256SHA256Signer, "SDK-SM2-SM3": SM2SM3Signer}
    results = []
    for item in items:
        key = classes[item["algorithm"]](credentials).get_signing_key()
        try:
            results.append(bool(key.verify(bytes.fromhex(item["signature"]), item["string_to_sign"].encode("utf-8"))))
        except Exception:  # a signature the official code cannot even decode
            results.append(False)
    return results


def main():
    with open(os.path.join(HERE, "official-signatures.json")) as f:
        base = json.load(f)
    ak, sk = base["access_key"], base["secret_key"]
    requests = [{k: v for k, v in vector.items() if k not in ("canonical_query", "authorization")}
                for vector in base["vectors"]]
    if sys.argv[1:] == ["vectors"]:
        json.dump(vectors(ak, sk, requests), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif sys.argv[1:] == ["verify"]:
        json.dump(verify(ak, sk, json.load(sys.stdin)), sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.exit("usage: official_algorithms.py vectors|verify")


if __name__ == "__main__":
    main()
