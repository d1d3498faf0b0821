"""Build an AWS Organization in a moto server for tests/scan_org_moto.rs.

Usage: organization.py ENDPOINT_URL setup IAM_POLICY CALLER_POLICY
       organization.py ENDPOINT_URL enforce

`setup` (with moto's dummy credentials, account 123456789012) creates the organisation and four
member accounts — analytics, research, sandbox, retired — and prints one JSON object:

  {"management": ID, "scanner": {"key": …, "secret": …},
   "accounts": {NAME: {"id": ID, "key": …, "secret": …, "token": …}, …}}

- The IAM role `VpcreachScan` is created in analytics, research and sandbox; in analytics and
  research it holds IAM_POLICY (docs/iam-policy.json) inline, in sandbox no policy at all, so
  once `enforce` has run every call in sandbox is AccessDenied: that account cannot be read.
  retired is closed (moto: SUSPENDED), so an organisation scan skips it.
- An IAM user `scanner` in the management account holds the policy the README asks of the caller:
  CALLER_POLICY (docs/iam-policy-organization.json) plus IAM_POLICY, since the caller's own
  account is read with the caller's credentials. Its access key is printed.
- Each member account's credentials (STS AssumeRole of its VpcreachScan role) are printed so the
  test can build that account's topology through the SDK before `enforce`.

`enforce` turns on moto's IAM authorisation (POST /moto-api/reset-auth 0): from then on every
request is checked against the caller's IAM policies.

moto deviations (moto 5.2.5), and why the test still proves what it claims:
- moto's AssumeRole never refuses (not even for a role that does not exist), so an account whose
  role cannot be assumed cannot be built here. sandbox is the other way an account cannot be
  read — its role exists but may do nothing — and vpcreach treats both the same way (an account
  in which no call succeeded is unreadable, exactly like one whose AssumeRole failed); the
  refused AssumeRole itself is covered by tests/scan_stub.rs.
- moto's authorisation matches a statement's Resource against "*" for STS and Organizations, so
  the scanner's statements are given with "Resource": "*" (the README's ARN-scoped
  sts:AssumeRole statement is stricter on AWS, never looser).
"""

import json
import sys
import urllib.request

import boto3

MANAGEMENT = "123456789012"


def client(url, service, key="testing", secret="testing", token=None, region="us-east-1"):
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
    )


def statements(path):
    with open(path) as f:
        return json.load(f)["Statement"]


def setup(url, iam_policy, caller_policy):
    org = client(url, "organizations")
    org.create_organization(FeatureSet="ALL")
    out = {"management": MANAGEMENT, "accounts": {}}
    read_only = {"Version": "2012-10-17", "Statement": statements(iam_policy)}
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    sts = client(url, "sts")
    for name in ["analytics", "research", "sandbox", "retired"]:
        st = org.create_account(Email=f"{name}@example.test", AccountName=name)
        account = st["CreateAccountStatus"]["AccountId"]
        role = f"arn:aws:iam::{account}:role/VpcreachScan"
        c = sts.assume_role(RoleArn=role, RoleSessionName="vpcreach-test-setup")["Credentials"]
        creds = {
            "id": account,
            "key": c["AccessKeyId"],
            "secret": c["SecretAccessKey"],
            "token": c["SessionToken"],
        }
        if name != "retired":
            iam = client(url, "iam", creds["key"], creds["secret"], creds["token"])
            iam.create_role(RoleName="VpcreachScan", AssumeRolePolicyDocument=json.dumps(trust))
        if name in ("analytics", "research"):
            iam.put_role_policy(
                RoleName="VpcreachScan",
                PolicyName="vpcreach-read-only",
                PolicyDocument=json.dumps(read_only),
            )
        if name == "retired":
            org.close_account(AccountId=account)
        out["accounts"][name] = creds
    caller = statements(caller_policy) + statements(iam_policy)
    for s in caller:
        s["Resource"] = "*"
    iam = client(url, "iam")
    iam.create_user(UserName="scanner")
    iam.put_user_policy(
        UserName="scanner",
        PolicyName="vpcreach-organization-scan",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": caller}),
    )
    k = iam.create_access_key(UserName="scanner")["AccessKey"]
    out["scanner"] = {"key": k["AccessKeyId"], "secret": k["SecretAccessKey"]}
    print(json.dumps(out))


def enforce(url):
    req = urllib.request.Request(
        f"{url}/moto-api/reset-auth",
        data=b"0",
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    with urllib.request.urlopen(req) as r:
        r.read()


if __name__ == "__main__":
    url, mode = sys.argv[1], sys.argv[2]
    if mode == "setup":
        setup(url, sys.argv[3], sys.argv[4])
    elif mode == "enforce":
        enforce(url)
    else:
        sys.exit(f"unknown mode {mode}")
