#!/usr/bin/env python3
"""The official Tencent Cloud Python SDK's credential providers against the Tattle simulator's
metadata service and STS, each followed by a TAT call signed with what it obtained.

Usage: sdk_credentials.py HOST:PORT SECRET_ID SECRET_KEY ROLE_ARN PROVIDER_ID WEB_IDENTITY_TOKEN

Prints one JSON object on stdout with, for each of `cvmRole` (CVMRoleCredential), `assumeRole`
(STSAssumeRoleCredential, signed with SECRET_ID/SECRET_KEY) and `webIdentity` (OIDCRoleArnCredential,
unsigned): the SecretId obtained, whether a token came with it, and the TotalCount of a
DescribeInvocations call signed with those credentials.
Exit code 3 when the SDK is not importable (message on stderr), 1 on any unexpected error.
"""
import json
import sys

try:
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.tat.v20201028 import models, tat_client
except ImportError as error:  # pragma: no cover - depends on the environment
    print("tencentcloud SDK not importable (%s): pip install -r Tests/python/requirements.txt" % error,
          file=sys.stderr)
    sys.exit(3)


def main():
    endpoint, secret_id, secret_key, role_arn, provider_id, token = sys.argv[1:7]
    # The SDK's STS providers build their own HttpProfile (https); the simulator speaks http.
    credential.HttpProfile = lambda: HttpProfile(protocol="http", reqTimeout=30)
    # The CVM provider reads fixed class attributes for the metadata service's address.
    credential.CVMRoleCredential._metadata_endpoint = "http://%s/latest/meta-data/" % endpoint
    credential.CVMRoleCredential._role_endpoint = "http://%s/latest/meta-data/cam/security-credentials/" % endpoint

    providers = {
        "cvmRole": credential.CVMRoleCredential(),
        "assumeRole": credential.STSAssumeRoleCredential(secret_id, secret_key, role_arn, "sdk-test",
                                                         endpoint=endpoint),
        "webIdentity": credential.OIDCRoleArnCredential("ap-guangzhou", provider_id, token, role_arn, "sdk-test",
                                                        endpoint=endpoint),
    }
    result = {}
    for name, provider in providers.items():
        tmp_id, tmp_key, tmp_token = provider.get_credential_info()
        profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=endpoint, reqTimeout=30))
        client = tat_client.TatClient(credential.Credential(tmp_id, tmp_key, tmp_token), "ap-guangzhou", profile)
        response = client.DescribeInvocations(models.DescribeInvocationsRequest())
        result[name] = {"secretId": tmp_id, "hasToken": bool(tmp_token), "totalCount": response.TotalCount}
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # noqa: BLE001 - report anything to the test
        print("%s: %s" % (type(error).__name__, error), file=sys.stderr)
        sys.exit(1)
