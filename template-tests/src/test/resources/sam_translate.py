# Translates a SAM template to CloudFormation with aws-sam-translator, as `sam deploy` does, after
# replacing each CodeUri with an S3 location (what `sam package` does). Prints the resource types.
import json
import os
import sys

# the translator fills AWS::Region from a boto session; any region will do for checking
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    def load(self):
        return {}


document = yaml_parse(open(sys.argv[1]).read())
for resource in document["Resources"].values():
    if resource["Type"] == "AWS::Serverless::Function":
        code = resource["Properties"]["CodeUri"]
        resource["Properties"]["CodeUri"] = "s3://bucket/" + code.replace("/", "-") + ".zip"
translated = transform(document, {}, NoManagedPolicies())
print(json.dumps({k: v["Type"] for k, v in translated["Resources"].items()}, indent=1, sort_keys=True))
