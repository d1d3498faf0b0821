"""Deploy a CloudFormation template into a moto server, as `aws cloudformation deploy` would.

Usage: deploy_stack.py ENDPOINT_URL TEMPLATE STACK_NAME [KEY=VALUE ...]

Creates the stack through moto's CloudFormation API (which creates the template's EC2 and
SageMaker resources), waits until it is CREATE_COMPLETE, and prints the stack's physical
resources as JSON lines `{"LogicalResourceId": …, "PhysicalResourceId": …, "ResourceType": …}`
so the test can tell which resources the stack made. Exits non-zero with moto's message when the
stack fails. Run with the Python of the venv that holds moto (boto3 is pinned there by .ci/run).
"""

import json
import sys
import time

import boto3


def main() -> int:
    url, template, name = sys.argv[1:4]
    params = [
        {"ParameterKey": k, "ParameterValue": v}
        for k, v in (a.split("=", 1) for a in sys.argv[4:])
    ]
    cfn = boto3.client(
        "cloudformation",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with open(template, encoding="utf-8") as f:
        body = f.read()
    cfn.create_stack(StackName=name, TemplateBody=body, Parameters=params)
    deadline = time.time() + 60
    while True:
        stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
        status = stack["StackStatus"]
        if status == "CREATE_COMPLETE":
            break
        if status.endswith("FAILED") or status.startswith("ROLLBACK") or time.time() > deadline:
            print(f"stack {name}: {status}: {stack.get('StackStatusReason', '')}", file=sys.stderr)
            return 1
        time.sleep(0.2)
    for r in cfn.list_stack_resources(StackName=name)["StackResourceSummaries"]:
        print(
            json.dumps(
                {
                    "LogicalResourceId": r["LogicalResourceId"],
                    "PhysicalResourceId": r.get("PhysicalResourceId"),
                    "ResourceType": r["ResourceType"],
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
