"""Signs test requests with the official Huawei Cloud Python signer (huaweicloudsdkcore).

`../shared/testdata/sign-vectors.json` (copied beside this file) gives requests signed by the
official signer, but not the SK they were signed with. This script signs the same requests, and
some harder ones, with a known test SK through `huaweicloudsdkcore.signer.signer.Signer`, so the
Rust signer can be compared with the official one on every byte of `Authorization`.

    python3 -m venv .venv && .venv/bin/pip install huaweicloudsdkcore
    .venv/bin/python official_signatures.py > official-signatures.json
"""

import json
import os
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

AK = "HPUAEXAMPLEAK0000001"
SK = "hwc-test-secret-key-not-a-real-one-0000001"
HERE = os.path.dirname(os.path.abspath(__file__))

EXTRA = [
    {
        "method": "GET",
        "host": "127.0.0.1:18080",
        "path": "/v2/0123456789abcdef0123456789abcdef/tasks/demo-task/checkrecord",
        "query": [["offset", "1000"], ["limit", "1000"], ["start_time", "2024-01-01 00:00:00"]],
        "headers": {"X-Sdk-Date": "20240101T000000Z", "Host": "127.0.0.1:18080"},
        "body": "",
    },
    {
        "method": "GET",
        "host": "hss.eu-west-101.myhuaweicloud.eu",
        "path": "/v5/p%C3%A9/image/vulnerability/handle-history",
        "query": [
            ["vul_id", "CVE-2021-44228"],
            ["image_type", "local_image"],
            ["image_name", "nginx:1.25 ~alpine+slim/é漢"],
            ["remark", ""],
            ["app_name", "a&b=c"],
            ["user_name", "ü"],
        ],
        "headers": {
            "X-Sdk-Date": "20261122T235959Z",
            "Host": "hss.eu-west-101.myhuaweicloud.eu",
            "X-Project-Id": "0123456789abcdef0123456789abcdef",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-Security-Token": "  padded-token  ",
        },
        "body": "",
    },
    {
        "method": "GET",
        "host": "codecheck-ext.cn-north-4.myhuaweicloud.com",
        "path": "/v2/p/tasks/a%20b/checkrecord",
        "query": [["limit", "1"], ["limit", "10"]],
        "headers": {"X-Sdk-Date": "20200220T113746Z", "Host": "codecheck-ext.cn-north-4.myhuaweicloud.com"},
        "body": "",
    },
]


def sign(vector):
    request = SdkRequest(
        method=vector["method"],
        schema="https",
        host=vector["host"],
        resource_path=vector["path"],
        query_params=[tuple(pair) for pair in vector["query"]],
        header_params=dict(vector["headers"]),
        body=vector["body"],
    )
    Signer(BasicCredentials(AK, SK)).sign(request)
    return {
        **vector,
        "canonical_query": Signer.process_canonical_query_string(request),
        "authorization": request.header_params["Authorization"],
    }


def main():
    with open(os.path.join(HERE, "sign-vectors.json")) as f:
        shared = json.load(f)
    vectors = [{k: v for k, v in vector.items() if k not in ("canonical_query", "authorization")}
               for vector in shared] + EXTRA
    json.dump({"access_key": AK, "secret_key": SK, "vectors": [sign(v) for v in vectors]},
              sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
