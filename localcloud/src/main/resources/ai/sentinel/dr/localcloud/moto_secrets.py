"""Secrets Manager rotation, patched by moto_launcher.py: what moto 5.2.1 answers, what AWS does, what we answer.

  F8 Secrets Manager RotateSecret with a rotation function: moto runs the function inside moto's own Lambda backend
     (Docker, or nothing), so our gateway never sees it, puts an empty AWSPENDING version first and makes it
     AWSCURRENT whatever the function did. AWS returns at once and invokes the function asynchronously with
     {"Step": createSecret|setSecret|testSecret|finishSecret, "SecretId": <secret ARN>, "ClientRequestToken"}; the
     function itself creates and moves the versions; a step that fails ends the rotation (AWSPENDING stays, AWSCURRENT
     does not move). We do exactly that: the four steps are POSTed, in order, from a background thread to the Lambda
     Invoke API at http://localhost:$MOTO_PORT (the gateway, which runs our handler), stopping at the first
     function error. A second RotateSecret while another version holds AWSPENDING is refused as on AWS
     ("A previous rotation isn't complete"). RotateImmediately=false records the rotation configuration (function,
     AutomaticallyAfterDays) and invokes nothing (AWS would also run testSecret). Without a function moto's own
     behaviour is kept.
  F9 Secrets Manager UpdateSecretVersionStage moving AWSCURRENT leaves moto's default version on the old one, so a
     GetSecretValue without VersionStage still returns the old value; AWS returns the version holding AWSCURRENT.
     We move the default with the label.
  E7 Secrets Manager's own EventBridge event "Secret Label Updated": AWS sends it (without CloudTrail) whenever a
     staging label other than AWSPENDING and AWSPREVIOUS moves to a new version, e.g. a rotation's finishSecret moving
     AWSCURRENT, with detail {name, labelUpdated, versionId} and resources [the secret's ARN]; moto sends nothing. We
     send it after UpdateSecretVersionStage moves such a label (the call rotation functions make; PutSecretValue's
     implicit AWSCURRENT move is not covered), through the gateway's event bus as the other events (moto_base E4).
"""
import json
import os
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid

from moto.secretsmanager import models as sm_models
from moto.secretsmanager.exceptions import InvalidRequestException as _SmInvalidRequest

from moto_base import event_bridge as _event_bridge, later as _later


_original_rotate_secret = sm_models.SecretsManagerBackend.rotate_secret
_original_update_stage = sm_models.SecretsManagerBackend.update_secret_version_stage


def _invoke_rotation(function_arn, secret_arn, token, region):
    """F8: Secrets Manager's four invocations, through the gateway; a function error ends the rotation."""
    url = "http://localhost:{0}/2015-03-31/functions/{1}/invocations".format(
        os.environ.get("MOTO_PORT", "5000"), urllib.parse.quote(function_arn, safe=""))
    for step in ("createSecret", "setSecret", "testSecret", "finishSecret"):
        body = json.dumps({"Step": step, "SecretId": secret_arn, "ClientRequestToken": token}).encode("utf-8")
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json",
            "Authorization": "AWS4-HMAC-SHA256 Credential=secretsmanager/20260101/{0}/lambda/aws4_request, "
                             "SignedHeaders=host, Signature=0".format(region)})
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                if answer.headers.get("X-Amz-Function-Error"):
                    sys.stderr.write("rotation of {0} stopped at {1}: function error\n".format(secret_arn, step))
                    return
        except Exception as e:  # the rotation fails as on AWS: AWSPENDING stays, AWSCURRENT does not move
            sys.stderr.write("rotation of {0} stopped at {1}: {2!r}\n".format(secret_arn, step, e))
            return


def _rotate_secret(self, secret_id, client_request_token=None, rotation_lambda_arn=None, rotation_rules=None,
                   rotate_immediately=True):
    secret = self.secrets[secret_id] if self._is_valid_identifier(secret_id) else None
    function_arn = rotation_lambda_arn or (secret.rotation_lambda_arn if secret is not None else "")
    if secret is None or not function_arn or secret.is_deleted():
        return _original_rotate_secret(self, secret_id, client_request_token, rotation_lambda_arn, rotation_rules,
                                       rotate_immediately)
    for version in secret.versions.values():
        stages = version["version_stages"]
        if "AWSPENDING" in stages and "AWSCURRENT" not in stages:
            raise _SmInvalidRequest("A previous rotation isn't complete. That rotation will be reattempted.")
    days = (rotation_rules or {}).get("AutomaticallyAfterDays")
    if days is not None:
        secret.auto_rotate_after_days = int(days)
        secret.next_rotation_date = int(time.time()) + int(days) * 86400
    secret.rotation_lambda_arn = function_arn
    secret.rotation_requested = True
    secret.rotation_enabled = secret.rotation_enabled or secret.auto_rotate_after_days > 0
    token = client_request_token or str(uuid.uuid4())
    if rotate_immediately:
        secret.last_rotation_date = int(time.time())
        threading.Thread(target=_invoke_rotation, args=(function_arn, secret.arn, token, self.region_name),
                         daemon=True).start()
    return json.dumps({"ARN": secret.arn, "Name": secret.name, "VersionId": token})


def _update_secret_version_stage(self, secret_id, version_stage, remove_from_version_id, move_to_version_id):
    answer = _original_update_stage(self, secret_id, version_stage, remove_from_version_id, move_to_version_id)
    if version_stage == "AWSCURRENT" and move_to_version_id:
        self.secrets[secret_id].default_version_id = move_to_version_id  # F9
    if move_to_version_id and version_stage not in ("AWSPENDING", "AWSPREVIOUS"):
        secret = self.secrets[secret_id]
        event = _event_bridge("aws.secretsmanager", "Secret Label Updated", self.account_id, self.region_name,
                              [secret.arn], {"name": secret.name, "labelUpdated": version_stage,
                                             "versionId": move_to_version_id})
        _later(0, lambda: event)  # E7: after this answer, on its own thread (the rotation function still runs)
    return answer


sm_models.SecretsManagerBackend.rotate_secret = _rotate_secret
sm_models.SecretsManagerBackend.update_secret_version_stage = _update_secret_version_stage
