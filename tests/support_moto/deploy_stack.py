"""Deploy a CloudFormation template into a moto server, as `aws cloudformation deploy` would.

Usage: deploy_stack.py ENDPOINT_URL TEMPLATE STACK_NAME [TEMPLATE STACK_NAME ...]

Creates each stack in turn through moto's CloudFormation API (which creates the template's EC2
resources, and resolves `Fn::ImportValue` against the exports of the stacks before), waits until
it is CREATE_COMPLETE, and prints one JSON object: the stacks' physical resources by logical ID
(the templates of one call use distinct logical IDs). Exits non-zero with moto's message when a
stack fails. Run with the Python of the
venv that holds moto (boto3 and PyYAML come with moto[server], pinned by .ci/run).

moto deviations worked around here, never in vpcreach (each checked against moto 5.2.5):
- moto's AWS::SageMaker::NotebookInstance keeps only InstanceType and RoleArn: it ignores
  NotebookInstanceName (names it STACK-LogicalId-RANDOM), SubnetId, SecurityGroupIds,
  DirectInternetAccess and RootAccess. So notebooks are taken out of the template and created
  through the SageMaker API after the stack, with those properties resolved against the stack's
  physical IDs (only literals, `Ref` and `Fn::GetAtt X.GroupId` are supported, which is what the
  test templates use).
- moto's AWS::EC2::VPC ignores EnableDnsHostnames (always false) and EnableDnsSupport: they are
  set through ModifyVpcAttribute as the template says.
- moto's AWS::EC2::SubnetRouteTableAssociation returns the route table's ID but associates
  nothing: each association is made through AssociateRouteTable when it is missing.
- moto gives an interface endpoint's network interface an address outside the endpoint's subnet
  (random in 10.0.0.0/8); on AWS it lies in the subnet. The interface is deleted, so vpcreach
  falls back to the subnet's CIDR (DESIGN §3), where AWS's address lies (as
  tests/support_moto/mod.rs does for endpoints it creates).
- moto ignores AWS::EC2::DHCPOptions / VPCDHCPOptionsAssociation, and a VPC it creates has no
  DHCP option set at all (`DhcpOptionsId: default`), where AWS gives a new VPC the region's
  default set (AmazonProvidedDNS). Those resources are taken out, and every VPC of the stack gets
  a set with AmazonProvidedDNS through the EC2 API.
"""

import json
import sys
import time

import boto3
import yaml

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
DHCP = ("AWS::EC2::DHCPOptions", "AWS::EC2::VPCDHCPOptionsAssociation")


class Loader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags, turned into their long forms."""


def _tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {"Fn::" + suffix: value}


Loader.add_multi_constructor("!", _tag)


def sub(value, params):
    """`Fn::Sub` of a string naming parameters (their values) and `AWS::StackName`."""
    if isinstance(value, dict) and "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
        text = value["Fn::Sub"]
        for k, v in params.items():
            text = text.replace("${" + k + "}", v)
        if "${" in text:
            raise SystemExit(f"deploy_stack.py: {text}: unknown variable")
        return text
    if isinstance(value, str):
        return value
    raise SystemExit(f"deploy_stack.py: {value} is not supported as an export name here")


def resolve(value, physical, params=None, exports=None):
    if isinstance(value, dict) and "Fn::ImportValue" in value:
        name = sub(value["Fn::ImportValue"], params or {})
        if name not in (exports or {}):
            raise SystemExit(f"deploy_stack.py: no stack exports {name}")
        return exports[name]
    if isinstance(value, dict) and "Ref" in value:
        return physical[value["Ref"]]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        res, attr = value["Fn::GetAtt"]
        if attr == "GroupId":
            return physical[res]
        raise SystemExit(f"deploy_stack.py: Fn::GetAtt {res}.{attr} is not supported here")
    if isinstance(value, list):
        return [resolve(v, physical, params, exports) for v in value]
    if isinstance(value, dict):
        raise SystemExit(f"deploy_stack.py: intrinsic {value} is not supported here")
    return value


def main() -> int:
    url = sys.argv[1]
    pairs = sys.argv[2:]
    if not pairs or len(pairs) % 2:
        raise SystemExit("usage: deploy_stack.py ENDPOINT_URL TEMPLATE STACK_NAME [TEMPLATE STACK_NAME ...]")
    out = {}
    for template, name in zip(pairs[0::2], pairs[1::2]):
        status = deploy(url, template, name, out)
        if status:
            return status
    print(json.dumps({k: out[k] for k in sorted(out) if k}))
    return 0


def deploy(url, template, name, out) -> int:
    session = dict(
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    cfn = boto3.client("cloudformation", **session)
    ec2 = boto3.client("ec2", **session)
    sm = boto3.client("sagemaker", **session)
    with open(template, encoding="utf-8") as f:
        body = yaml.load(f, Loader=Loader)
    resources = body["Resources"]
    params = {k: str(v["Default"]) for k, v in (body.get("Parameters") or {}).items() if "Default" in v}
    params["AWS::StackName"] = name
    exports = {e["Name"]: e["Value"] for e in cfn.list_exports().get("Exports", [])}
    notebooks = {k: v for k, v in resources.items() if v["Type"] == NOTEBOOK}
    body["Resources"] = {
        k: v for k, v in resources.items() if v["Type"] != NOTEBOOK and v["Type"] not in DHCP
    }
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(body))
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
    physical = {}
    types = {}
    for r in cfn.list_stack_resources(StackName=name)["StackResourceSummaries"]:
        physical[r["LogicalResourceId"]] = r.get("PhysicalResourceId")
        types[r["LogicalResourceId"]] = r["ResourceType"]
    for logical, kind in types.items():
        props = resources.get(logical, {}).get("Properties", {})
        if kind == "AWS::EC2::VPC":
            for attr in ("EnableDnsSupport", "EnableDnsHostnames"):
                if attr in props:
                    ec2.modify_vpc_attribute(
                        VpcId=physical[logical], **{attr: {"Value": bool(props[attr])}}
                    )
        if kind == "AWS::EC2::SubnetRouteTableAssociation":
            table = resolve(props["RouteTableId"], physical, params, exports)
            subnet = resolve(props["SubnetId"], physical, params, exports)
            rt = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]
            if not any(a.get("SubnetId") == subnet for a in rt.get("Associations", [])):
                ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        if kind == "AWS::EC2::VPCEndpoint":
            ep = ec2.describe_vpc_endpoints(VpcEndpointIds=[physical[logical]])["VpcEndpoints"][0]
            for eni in ep.get("NetworkInterfaceIds", []):
                ec2.delete_network_interface(NetworkInterfaceId=eni)
    for logical, kind in types.items():
        if kind == "AWS::EC2::VPC":
            dopt = ec2.create_dhcp_options(
                DhcpConfigurations=[{"Key": "domain-name-servers", "Values": ["AmazonProvidedDNS"]}]
            )["DhcpOptions"]["DhcpOptionsId"]
            ec2.associate_dhcp_options(DhcpOptionsId=dopt, VpcId=physical[logical])
    for logical, nb in notebooks.items():
        p = nb["Properties"]
        r = lambda v: resolve(v, physical, params, exports)  # noqa: E731
        nb_name = r(p.get("NotebookInstanceName", logical))
        sm.create_notebook_instance(
            NotebookInstanceName=nb_name,
            InstanceType=r(p["InstanceType"]),
            RoleArn=r(p["RoleArn"]),
            SubnetId=r(p["SubnetId"]),
            SecurityGroupIds=r(p.get("SecurityGroupIds", [])),
            DirectInternetAccess=r(p.get("DirectInternetAccess", "Enabled")),
            RootAccess=r(p.get("RootAccess", "Enabled")),
        )
        physical[logical] = nb_name
        types[logical] = NOTEBOOK
    for k in physical:
        out[k] = {"Type": types[k], "Id": physical[k]}
    return 0


if __name__ == "__main__":
    sys.exit(main())
