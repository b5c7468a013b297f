"""Calls both operations through the official Huawei Cloud Python SDK against hwc-sim.

Environment: HWC_SIM_URL, HWC_SIM_AK, HWC_SIM_SK. Prints one JSON object with what happened:
the pages and records of a full paging run of each operation, and how a wrong SK was refused.

With HWC_SIM_CODEARTS_PAGING set to the simulator's CodeArts paging mode (page0, page1 or record),
it also pages CodeArts Check through the current package, huaweicloudsdkcodeartscheck, the way
that mode reads `offset`, HWC_SIM_CODEARTS_LIMIT records a page (default 1000), and reports it
under `codeartscheck`.

With HWC_SIM_SIGNING_ALGORITHM set to a member of the SDK's SigningAlgorithm (HMAC_SHA256,
HMAC_SM3, ECDSA_P256_SHA256, SM2_SM3) or to V11 (the derived-key signer, scoped to region
cn-north-4), it instead pages both APIs signing that way and prints what it got under `signed`.
"""

import json
import os
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.region.region import Region
from huaweicloudsdkcore.signer.algorithm import SigningAlgorithm
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcodeartscheck.v2 import CheckRecordRequest as CodeArtsCheckRecordRequest
from huaweicloudsdkcodeartscheck.v2 import CodeArtsCheckClient
from huaweicloudsdkcodecheck.v2 import CheckRecordRequest, CodeCheckClient
from huaweicloudsdkhss.v5 import HssClient, ListGeneralImageVulOperationsRequest

URL = os.environ["HWC_SIM_URL"]
AK = os.environ["HWC_SIM_AK"]
SK = os.environ["HWC_SIM_SK"]
PROJECT = "0123456789abcdef0123456789abcdef"
CODEARTS_PAGING = os.environ.get("HWC_SIM_CODEARTS_PAGING")
CODEARTS_LIMIT = int(os.environ.get("HWC_SIM_CODEARTS_LIMIT", "1000"))
# The `offset` of page `page` (counted from 0) of `limit` records, in each paging mode.
CODEARTS_OFFSETS = {
    "page0": lambda page, limit: page,
    "page1": lambda page, limit: page + 1,
    "record": lambda page, limit: page * limit,
}


def hss_client(sk):
    credentials = BasicCredentials(AK, sk, PROJECT)
    return HssClient.new_builder().with_credentials(credentials).with_endpoint(URL).build()


def codecheck_client(client_class=CodeCheckClient):
    credentials = BasicCredentials(AK, SK)
    return client_class.new_builder().with_credentials(credentials).with_endpoint(URL).build()


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


def page_codeartscheck(mode, limit):
    """Pages the demo task's whole history through CodeArtsCheckClient, `offset` as `mode` reads it.

    `start_time` is the documented default, in the documented UTC form: it keeps every scan. An
    empty page ends the run early, so a mode mismatch shows as fewer records than `total`.
    """
    client = codecheck_client(CodeArtsCheckClient)
    pages, records, total = 0, [], None
    while total is None or len(records) < total:
        request = CodeArtsCheckRecordRequest(
            project_id=PROJECT, task_id="demo-task", offset=CODEARTS_OFFSETS[mode](pages, limit),
            limit=limit, start_time="2000-01-01T00:00:00Z")
        response = client.check_record(request)
        total = response.total
        batch = response.data or []
        records.extend(batch)
        pages += 1
        if not batch:
            break
    return {"paging": mode, "limit": limit, "pages": pages, "records": len(records), "total": total,
            "distinct": len({json.dumps(r.to_dict(), sort_keys=True, default=str) for r in records}),
            "first": records[0].check_time if records else None,
            "last": records[-1].check_time if records else None}


def wrong_sk():
    try:
        hss_client("not-the-secret-key").list_general_image_vul_operations(
            ListGeneralImageVulOperationsRequest(vul_id="CVE-2021-44228", image_type="registry"))
    except exceptions.ClientRequestException as error:
        return {"status": error.status_code, "code": error.error_code, "message": error.error_msg,
                "request_id": error.request_id}
    return {"status": 200}


def page_signed(name):
    """Both APIs paged with the signing algorithm `name`: records and totals of each."""
    config = HttpConfig.get_default_config()
    v11 = name == "V11"
    if not v11:
        config.signing_algorithm = SigningAlgorithm[name]

    def build(client_class, service):
        credentials = BasicCredentials(AK, SK, PROJECT)
        builder = client_class.new_builder().with_http_config(config)
        if v11:
            # The derived-key signer needs a region and the service's name in its scope.
            credentials.with_derived_predicate(lambda request: True)
            builder = builder.with_region(Region("cn-north-4", URL))
            builder._with_derived_auth_service_name(service)
        else:
            builder = builder.with_endpoint(URL)
        return builder.with_credentials(credentials).build()

    hss = build(HssClient, "hss")
    offset, records, total = 0, 0, None
    while total is None or offset < total:
        response = hss.list_general_image_vul_operations(ListGeneralImageVulOperationsRequest(
            vul_id="CVE-2021-44228", image_type="registry", enterprise_project_id="all_granted_eps",
            offset=offset, limit=200))
        total = response.total_num
        records += len(response.data_list or [])
        offset += 200
    codearts = build(CodeArtsCheckClient, "codeartscheck")
    response = codearts.check_record(CodeArtsCheckRecordRequest(
        project_id=PROJECT, task_id="demo-task", offset=0, limit=1000, start_time="2000-01-01T00:00:00Z"))
    return {"algorithm": name, "hss": {"records": records, "total": total},
            "codeartscheck": {"records": len(response.data or []), "total": response.total}}


def main():
    algorithm = os.environ.get("HWC_SIM_SIGNING_ALGORITHM")
    if algorithm:
        json.dump({"signed": page_signed(algorithm)}, sys.stdout)
        return
    result = {"hss": page_hss(), "codecheck": page_codecheck(), "wrong_sk": wrong_sk()}
    if CODEARTS_PAGING:
        result["codeartscheck"] = page_codeartscheck(CODEARTS_PAGING, CODEARTS_LIMIT)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
