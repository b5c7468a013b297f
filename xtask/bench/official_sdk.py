"""Pages every record of one API through the official Huawei Cloud Python SDK, sequentially, as
its users do (their own offset loop, the SDK's models). Timed by `cargo xtask bench`.

Usage: official_sdk.py hss|codearts ENDPOINT. Credentials: HUAWEICLOUD_SDK_AK / _SK. Prints one
JSON line in the shape of hwc-bench's reports.
"""

import json
import os
import sys
import time

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcodecheck.v2 import CheckRecordRequest, CodeCheckClient
from huaweicloudsdkhss.v5 import HssClient, ListGeneralImageVulOperationsRequest

PROJECT = "0123456789abcdef0123456789abcdef"
AK = os.environ["HUAWEICLOUD_SDK_AK"]
SK = os.environ["HUAWEICLOUD_SDK_SK"]


def page_hss(endpoint, limit):
    credentials = BasicCredentials(AK, SK, PROJECT)
    client = HssClient.new_builder().with_credentials(credentials).with_endpoint(endpoint).build()
    offset, pages, records, total = 0, 0, 0, None
    while total is None or offset < total:
        request = ListGeneralImageVulOperationsRequest(
            vul_id="CVE-2021-44228", image_type="registry", enterprise_project_id="all_granted_eps",
            offset=offset, limit=limit)
        response = client.list_general_image_vul_operations(request)
        total = response.total_num
        records += len(response.data_list or [])
        pages += 1
        offset += limit
    return records, pages


def page_codearts(endpoint, limit):
    credentials = BasicCredentials(AK, SK)
    client = CodeCheckClient.new_builder().with_credentials(credentials).with_endpoint(endpoint).build()
    # CodeArts Check's offset is a page number (the benchmark's simulator counts from 0).
    pages, records, total = 0, 0, None
    while total is None or pages * limit < total:
        request = CheckRecordRequest(project_id=PROJECT, task_id="demo-task", offset=pages, limit=limit)
        response = client.check_record(request)
        total = response.total
        records += len(response.data or [])
        pages += 1
    return records, pages


def main():
    api, endpoint, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    started = time.perf_counter()
    records, pages = (page_hss if api == "hss" else page_codearts)(endpoint, limit)
    seconds = time.perf_counter() - started
    print(json.dumps({"client": "python", "api": api, "concurrency": 1, "page_size": limit,
                      "records": records, "pages": pages, "seconds": seconds}))


if __name__ == "__main__":
    main()
