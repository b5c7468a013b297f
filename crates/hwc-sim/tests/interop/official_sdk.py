"""Calls both operations through the official Huawei Cloud Python SDK against hwc-sim.

Environment: HWC_SIM_URL, HWC_SIM_AK, HWC_SIM_SK. Prints one JSON object with what happened:
the pages and records of a full paging run of each operation, and how a wrong SK was refused.
"""

import json
import os
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcodecheck.v2 import CheckRecordRequest, CodeCheckClient
from huaweicloudsdkhss.v5 import HssClient, ListGeneralImageVulOperationsRequest

URL = os.environ["HWC_SIM_URL"]
AK = os.environ["HWC_SIM_AK"]
SK = os.environ["HWC_SIM_SK"]
PROJECT = "0123456789abcdef0123456789abcdef"


def hss_client(sk):
    credentials = BasicCredentials(AK, sk, PROJECT)
    return HssClient.new_builder().with_credentials(credentials).with_endpoint(URL).build()


def codecheck_client():
    credentials = BasicCredentials(AK, SK)
    return CodeCheckClient.new_builder().with_credentials(credentials).with_endpoint(URL).build()


def page_hss():
    client = hss_client(SK)
    offset, pages, records, total = 0, 0, [], None
    while total is None or offset < total:
        request = ListGeneralImageVulOperationsRequest(
            vul_id="CVE-2021-44228", image_type="registry", enterprise_project_id="all_granted_eps",
            offset=offset, limit=200)
        response = client.list_general_image_vul_operations(request)
        total = response.total_num
        batch = response.data_list or []
        records.extend(batch)
        pages += 1
        offset += 200
    # The simulator sends some image_id values as JSON numbers, as the real API does; the SDK
    # must decode those pages (its model declares a string, so they arrive as digit strings).
    numeric_ids = sum(1 for r in records if str(r.image_id).isdigit())
    return {"pages": pages, "records": len(records), "total": total,
            "distinct": len({json.dumps(r.to_dict(), sort_keys=True, default=str) for r in records}),
            "numeric_ids_seen": numeric_ids,
            "statuses": sorted({r.status for r in records if r.status})}


def page_codecheck():
    client = codecheck_client()
    offset, pages, records, total = 0, 0, [], None
    while total is None or offset < total:
        request = CheckRecordRequest(project_id=PROJECT, task_id="demo-task", offset=offset, limit=1000,
                                     start_time="2021-01-01 00:00:00")
        response = client.check_record(request)
        total = response.total
        records.extend(response.data or [])
        pages += 1
        offset += 1000
    return {"pages": pages, "records": len(records), "total": total,
            "first": records[0].check_time if records else None}


def wrong_sk():
    try:
        hss_client("not-the-secret-key").list_general_image_vul_operations(
            ListGeneralImageVulOperationsRequest(vul_id="CVE-2021-44228", image_type="registry"))
    except exceptions.ClientRequestException as error:
        return {"status": error.status_code, "code": error.error_code, "message": error.error_msg,
                "request_id": error.request_id}
    return {"status": 200}


def main():
    result = {"hss": page_hss(), "codecheck": page_codecheck(), "wrong_sk": wrong_sk()}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
