"""moto_server 5.2.1 with fixes and documented simulations for Sentinel DR's local cloud.

Same arguments as moto_server: -H 127.0.0.1 -p PORT. Each module beside this file patches one service and says, for
each patch, what moto does, what AWS does, and what we answer instead. Three kinds:

FIXES (moto answers differently from AWS; we answer as AWS does)
  F1, F10, F12 Step Functions (moto_sfn.py): StartExecution after a first execution (getmoto/moto#10077),
     SendTaskFailure's cause, JSONPath parsing once per path (engine speed).
  F2, F3, F4 ElastiCache (moto_elasticache.py): cache nodes and security groups, "creating" before "available",
     snapshot times.
  F5, F6, F7 ECS (moto_ecs.py): deployments on UpdateService, ListTasks by service, StopTask's stop code.
  F8, F9 Secrets Manager (moto_secrets.py): rotation through the gateway's Lambda Invoke, AWSCURRENT's default.
  F11 CloudFront (moto_cloudfront.py): a new ETag per update, a stale IfMatch refused.
  F13 CloudWatch Logs (moto_logs_filter.py): JSON filter patterns evaluated (getmoto/moto#2419).

SIMULATIONS (failures AWS would produce that moto cannot; only what a drill or test asks for, via the control API)
  S1, S2 ECS (moto_ecs.py): a revision whose image cannot start; target groups following their services.
  S3 ElastiCache (moto_elasticache.py): snapshot times set by a drill.
  S4 EC2 (moto_ec2.py): availability zones of an impaired region.

READINESS AND THE EVENTS AWS SENDS (event-driven waits; configurable so a benchmark's operations take realistic time)
  E1, E5, E9 RDS (moto_rds.py): restores, Multi-AZ failovers and snapshot copies take time and send RDS's events.
  E2, E6 ECS (moto_ecs.py): rollouts and scale-ups take time and send deployment / steady-state events.
  E3 ElastiCache (moto_elasticache.py): provisioning complete notification on the cluster's SNS topic.
  E4 (moto_base.py): POST /moto-api/localcloud/readiness changes the delays and turns events off.
  E7 Secrets Manager (moto_secrets.py): "Secret Label Updated" when a label such as AWSCURRENT moves.
  E8 RDS (moto_rds.py): RDS-EVENT-0042 when a manual DB snapshot is created.

Controls take optional "accountId" and "region" (default 123456789012, us-east-1). /moto-api/reset forgets all of it
(the state lives on moto's own model objects). python puts this script's folder first on sys.path, so the modules
beside it import as top-level modules; LocalCloud copies them all (LAUNCHER_RESOURCES).
"""
import json
import sys
import threading

from moto.moto_api._internal import urls as moto_api_urls

import moto_base
import moto_cloudfront  # noqa: F401 (F11 applies on import)
import moto_ec2
import moto_ecs
import moto_elasticache
import moto_logs_filter
import moto_rds  # noqa: F401 (E1, E5, E8 apply on import)
import moto_secrets  # noqa: F401 (F8, F9, E7 apply on import)
import moto_sfn


def _control(handler):
    def view(request, full_url, headers):
        try:
            size = int(headers.get("Content-Length") or 0)
            body = json.loads(request.environ["wsgi.input"].read(size).decode("utf-8") or "{}") if size else {}
            account = body.get("accountId", moto_base.DEFAULT_ACCOUNT)
            region = body.get("region", moto_base.DEFAULT_REGION)
            with moto_base.lock:
                answer = handler(body, account, region)
            return 200, {"Content-Type": "application/json"}, json.dumps(answer, default=str).encode("utf-8")
        except Exception as e:  # a control call that cannot apply says why
            return 400, {"Content-Type": "application/json"}, json.dumps({"message": repr(e)}).encode("utf-8")

    view.__name__ = "localcloud_" + handler.__name__
    return view


moto_api_urls.url_paths["{0}/moto-api/localcloud/ecs/broken-image"] = _control(moto_ecs.broken_image)
moto_api_urls.url_paths["{0}/moto-api/localcloud/elasticache/snapshot-time"] = _control(moto_elasticache.snapshot_time)
moto_api_urls.url_paths["{0}/moto-api/localcloud/readiness"] = _control(moto_base.readiness)
moto_api_urls.url_paths["{0}/moto-api/localcloud/ec2/zone-state"] = _control(moto_ec2.zone_state)

moto_logs_filter.install()  # F13

from moto.server import main  # noqa: E402 (after every patch)

threading.Thread(target=moto_sfn.load_lambda_model, daemon=True).start()  # F12

sys.exit(main(sys.argv[1:]))  # same arguments as moto_server: -H 127.0.0.1 -p PORT
