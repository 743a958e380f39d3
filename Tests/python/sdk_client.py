#!/usr/bin/env python3
"""Calls a TAT endpoint (the Tattle simulator) with the official Tencent Cloud Python SDK.

Usage: sdk_client.py HOST:PORT SECRET_ID SECRET_KEY REGION [INVOCATION_ID]

Prints one JSON object on stdout:
  page1 / page2     DescribeInvocations with Limit 2 and Offset 0 / 2 (the SDK's parsed models, re-serialised)
  byIds             DescribeInvocations with InvocationIds [INVOCATION_ID or the first id of page1]
  tasks             DescribeInvocationTasks with HideOutput false, filtered on that invocation
  decodedOutputs    the Base64 TaskResult.Output of each task, decoded
  wrongKey          the TencentCloudSDKException code of a call signed with a wrong SecretKey
Exit code 3 when the SDK is not importable (message on stderr), 1 on any unexpected error.
"""
import base64
import json
import sys

try:
    from tencentcloud.common import credential
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.tat.v20201028 import models, tat_client
except ImportError as error:  # pragma: no cover - depends on the environment
    print("tencentcloud SDK not importable (%s): pip install -r Tests/python/requirements.txt" % error,
          file=sys.stderr)
    sys.exit(3)


def make_client(endpoint, secret_id, secret_key, region):
    # HttpProfile's parameter is `protocol` (it sets `scheme`); `endpoint` is host[:port] and is also
    # the Host header the SDK signs.
    http_profile = HttpProfile(protocol="http", endpoint=endpoint, reqTimeout=30)
    profile = ClientProfile(httpProfile=http_profile, language="en-US")
    return tat_client.TatClient(credential.Credential(secret_id, secret_key), region, profile)


def as_json(response):
    return json.loads(response.to_json_string())


def main():
    endpoint, secret_id, secret_key, region = sys.argv[1:5]
    wanted = sys.argv[5] if len(sys.argv) > 5 else None
    client = make_client(endpoint, secret_id, secret_key, region)
    result = {}

    request = models.DescribeInvocationsRequest()
    request.Limit = 2
    request.Offset = 0
    page1 = client.DescribeInvocations(request)
    result["page1"] = as_json(page1)

    request = models.DescribeInvocationsRequest()
    request.Limit = 2
    request.Offset = 2
    result["page2"] = as_json(client.DescribeInvocations(request))

    first_id = wanted or (page1.InvocationSet[0].InvocationId if page1.InvocationSet else None)
    request = models.DescribeInvocationsRequest()
    request.InvocationIds = [first_id]
    by_ids = client.DescribeInvocations(request)
    result["byIds"] = as_json(by_ids)
    # Typed access proves the models parsed the fields, not only that JSON came back.
    invocation = by_ids.InvocationSet[0]
    result["typed"] = {
        "InvocationId": invocation.InvocationId,
        "InvocationStatus": invocation.InvocationStatus,
        "CommandName": invocation.CommandName,
        "CreatedTime": invocation.CreatedTime,
        "TaskIds": [info.InvocationTaskId for info in invocation.InvocationTaskBasicInfoSet],
        "CommandContent": base64.b64decode(invocation.CommandContent).decode("utf-8", "replace"),
        "Timeout": invocation.Timeout,
    }

    request = models.DescribeInvocationTasksRequest()
    request.HideOutput = False
    task_filter = models.Filter()
    task_filter.Name = "invocation-id"
    task_filter.Values = [first_id]
    request.Filters = [task_filter]
    tasks = client.DescribeInvocationTasks(request)
    result["tasks"] = as_json(tasks)
    result["decodedOutputs"] = [
        base64.b64decode(task.TaskResult.Output or "").decode("utf-8", "replace") for task in tasks.InvocationTaskSet
    ]
    result["exitCodes"] = [task.TaskResult.ExitCode for task in tasks.InvocationTaskSet]

    wrong = make_client(endpoint, secret_id, secret_key + "-wrong", region)
    try:
        wrong.DescribeInvocations(models.DescribeInvocationsRequest())
        result["wrongKey"] = None
    except TencentCloudSDKException as error:
        result["wrongKey"] = error.get_code()

    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # report anything else as a failure with its message
        print("sdk_client.py failed: %r" % error, file=sys.stderr)
        sys.exit(1)
