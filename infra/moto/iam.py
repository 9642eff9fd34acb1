"""Makes moto 5.2.1's IAM enforcement judge Baton's policies as AWS does
(serve.py loads it when BATON_MOTO_IAM=1; the test then turns enforcement
on with POST /moto-api/reset-auth "0").

Enforced, moto authorizes each request signed by an IAM user's access key
against that user's policies (moto/iam/access_control.py), but as it comes:
- it knows the resource only for SQS (the queue's ARN); DynamoDB (and its
  streams) and Secrets Manager requests are judged against "*", which a
  statement naming the table, stream or secret never matches: everything
  would be denied;
- it reads a policy's Resource as a regular expression with "*" widened, so
  the secret's "name-??????" is not a valid pattern (HTTP 500) and "." in
  an ARN matches any character;
- it takes the API operation for the IAM action, where AWS has no
  dynamodb:TransactWriteItems or TransactGetItems (each item needs the
  action of its kind on its table) and authorizes SQS's batch operations
  as the single ones.
(And a request signed by a key of no IAM user is refused once enforced:
everything the test does itself goes through a user of its own.)
This module fixes those three, and records each (user, action, resource,
denied) it judged for GET /_baton/iam. Still not checked: a statement's
Condition (moto evaluates StringEquals against the request's own parameters
only and lets any other condition pass: a conditional grant acts as an
unconditional one), NotResource, resource-based policies, and calls AWS
makes with the role on its own (Lambda's event source mappings).
"""
import json
import re
import threading

from moto.iam import access_control
from moto.secretsmanager.models import secretsmanager_backends

_lock = threading.Lock()
_log = []  # {"user", "action", "resource", "denied"} of every judged request

# IAM actions of operations whose name is not their action.
_SQS_BATCH = {
    "sqs:SendMessageBatch": "sqs:SendMessage",
    "sqs:DeleteMessageBatch": "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
}
_TRANSACT_ITEM = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
    "Get": "dynamodb:GetItem",
}


def _glob(pattern, value):
    """IAM's wildcards: * any run of characters, ? exactly one."""
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, value)


def _requested(req, resource):
    """The (action, resource) pairs AWS would authorize for the request."""
    action, body = req._action, {}
    if req._service in ("dynamodb", "secretsmanager"):
        try:
            body = json.loads(req._body or b"{}")
        except ValueError:
            body = {}
    arn = "arn:aws:%s:%s:%s:" % (req._service, req._region, req.account_id)
    if req._service == "dynamodb":
        table = lambda name: arn + "table/" + name
        if action in ("dynamodb:TransactWriteItems", "dynamodb:TransactGetItems"):
            items = [
                (_TRANSACT_ITEM[kind], table(op["TableName"]))
                for item in body.get("TransactItems", [])
                for kind, op in item.items()
            ]
            return items or [(action, "*")]  # none: still judged
        if "StreamArn" in body:
            return [(action, body["StreamArn"])]
        if "ShardIterator" in body:  # moto's iterators are "<stream arn>|1|<id>"
            return [(action, body["ShardIterator"].split("|", 1)[0])]
        if "TableName" in body:
            return [(action, table(body["TableName"]))]
        return [(action, "*")]
    if req._service == "secretsmanager" and "SecretId" in body:
        secret = secretsmanager_backends[req.account_id][req._region].secrets.get(body["SecretId"])
        return [(action, secret.arn if secret else arn + "secret:" + body["SecretId"])]
    return [(_SQS_BATCH.get(action, action), resource)]


_check = access_control.IAMRequestBase.check_action_permitted


def _check_action_permitted(self, resource):
    user = getattr(self._access_key, "_owner_user_name", None)
    for action, res in _requested(self, resource):
        self._action = action
        entry = {"user": user, "action": action, "resource": res, "denied": True}
        try:
            _check(self, res)
            entry["denied"] = False
        finally:
            with _lock:
                _log.append(entry)


def install(app):
    """Patches moto and returns app answering GET /_baton/iam with the log."""
    access_control.IAMRequestBase.check_action_permitted = _check_action_permitted
    access_control.IAMPolicyStatement._match = staticmethod(_glob)

    def wrapped(environ, start_response):
        if environ.get("PATH_INFO") == "/_baton/iam":
            with _lock:
                body = json.dumps(_log).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        return app(environ, start_response)

    return wrapped
