#!/usr/bin/env python3
"""Transform template.yaml with the SAM translator and print the resulting
CloudFormation template as JSON (used by infra/deploy's tests).

Usage: python3 infra/deploy/transform.py [template.yaml]

It needs no AWS access: samtranslator is the package cfn-lint ships with,
managed policies are looked up in an empty map (the template grants inline
statements only), and local CodeUri paths become placeholder S3 locations,
as `sam deploy` would upload them.
"""

import json
import os
import sys

from cfnlint.decode import cfn_yaml
from samtranslator.translator.transform import transform


class NoManagedPolicies:
    """Stands in for samtranslator's ManagedPolicyLoader (which calls IAM)."""

    def load(self):
        return {}


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "template.yaml"
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    # Plain dicts, lists and strings (cfn-lint's nodes carry line marks).
    template = json.loads(json.dumps(cfn_yaml.load(path)))
    for res in template.get("Resources", {}).values():
        props = res.get("Properties") or {}
        if res.get("Type") == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = "s3://placeholder/" + props["CodeUri"].strip("/") + ".zip"
    out = transform(template, {}, NoManagedPolicies())
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
