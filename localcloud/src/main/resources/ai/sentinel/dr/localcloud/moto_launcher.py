"""moto_server 5.2.1 with fixes and documented simulations for Sentinel DR's local cloud.

Same arguments as moto_server: -H 127.0.0.1 -p PORT. Every patch below says what moto does, what AWS does, and what
we answer instead. Two kinds:

FIXES (moto answers differently from AWS; we answer as AWS does)
  F1 Step Functions: after any execution exists, the next StartExecution fails with `TypeError: cannot pickle
     '_thread.RLock' object` (getmoto/moto#10077, fixed upstream after 5.2.1 by #10093).
  F2 ElastiCache DescribeCacheClusters: moto reports no CacheNodes and no SecurityGroups. With ShowCacheNodeInfo=true
     AWS lists each node with its endpoint; we give every cluster one node "0001" whose Endpoint is
     {Address: "<id>.<6 chars>.0001.use1.cache.amazonaws.com", Port: the cluster's port}. SecurityGroups lists the
     SecurityGroupIds the cluster was created with (status "active").
  F3 ElastiCache creation: moto makes a cluster "available" at once; AWS reports "creating" (no endpoint yet) for
     minutes. A new cluster is "creating" for LOCALCLOUD_CACHE_CREATE_SECONDS (default 2) seconds, then "available".
  F4 ElastiCache snapshots: moto's have no NodeSnapshots, so no SnapshotCreateTime (the recovery point). We add one
     NodeSnapshot per snapshot with SnapshotCreateTime = when it was taken.
  F5 ECS UpdateService: moto never adds a deployment (forceNewDeployment only renames the one it has; a new task
     definition leaves the deployment on the old one), keeps the task definition as the caller spelled it (AWS: the
     ARN), and sets runningCount = desiredCount. We start a new PRIMARY deployment (new id, createdAt, the task
     definition ARN) whenever forceNewDeployment is set or the task definition changes; a desired-count change updates
     the PRIMARY deployment's desiredCount. Old deployments are drained at once (as with minimumHealthyPercent 0:
     moto has no tasks to drain). A deployment of a good revision completes at once (runningCount = desiredCount,
     rolloutState COMPLETED), as moto's answers always implied.
  F6 ECS ListTasks ignores serviceName (moto: "TODO"); we return the tasks whose group is "service:NAME", which is
     what ECS gives the tasks a service starts. ListTaskDefinitions ignores sort; we honour sort=DESC.
  F7 ECS StopTask sets no stopCode or stoppedAt; we set stoppedAt and stopCode "UserInitiated" (AWS's value for
     StopTask), or "TaskFailedToStart" for a task of a revision whose image cannot start (S1).
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
  F11 CloudFront ETags: moto gives a distribution one ETag for life and accepts any IfMatch on UpdateDistribution.
     AWS makes a new ETag with each update and refuses an IfMatch that is not the current one with 412
     PreconditionFailed (the caller re-reads and re-applies). We do both, so a stale read is refused as on AWS.
  F10 Step Functions SendTaskFailure drops `cause`: moto's response handler passes only `error` to the backend, so
     the waiting state fails with an empty Cause (TaskFailed event, a Catch's {"Error", "Cause"}, the execution's
     cause). AWS keeps the cause the caller sent (up to 32768 characters). We pass it on.
  F12 Step Functions engine speed: moto evaluates every JSONPath of a state (InputPath, Parameters' "x.$", a Choice's
     Variable, ResultPath, OutputPath) by building a new jsonpath-ng parser, i.e. PLY's LALR tables from scratch
     (write_tables=0), for each evaluation: 16 ms of CPU per extended-syntax path (4 ms for ResultPath's). A chain of
     30 Choice states took 0.5 s on 2 cores at load 5 and 4.8 s at load 12, where AWS moves from state to state in
     milliseconds (bench/overhead.sh, issue 15). We build each parser once (a new path then parses in 0.3 ms) and
     reuse each distinct path's parsed expression (jsonpath-ng expressions keep no state between find/update calls,
     so threads can share them): the same chain takes 0.04-0.08 s. Same answers, same history; only faster. Each
     Lambda task also builds a new boto3 client (10-25 ms; a cached one reused a keep-alive connection the gateway
     had closed and failed a drill's step, so that stays as moto does it), and the first one loaded the Lambda model
     (0.2-0.4 s): we load it once at start, in the background.
  F13 CloudWatch Logs FilterLogEvents: moto matches plain and quoted terms only and lets any JSON pattern
     (`{ $.status >= 400 }`) match every event (getmoto/moto#2419); AWS evaluates it against JSON messages. We do
     (moto_logs_filter.py, copied beside this file: selectors, = != < <= > >=, wildcards, IS NULL/TRUE/FALSE,
     NOT EXISTS, && || and parentheses; a message that is not JSON does not match).

SIMULATIONS (failures AWS would produce that moto cannot; only what a drill or test asks for, via the control API)
  S1 A task definition revision marked "image cannot start" (POST /moto-api/localcloud/ecs/broken-image
     {"taskDefinition": ARN}) never gets running tasks: while a service's PRIMARY deployment runs it, DescribeServices
     reports runningCount 0 (pendingCount 0) and the deployment IN_PROGRESS with failedTasks, a service event says
     why, and each new deployment of it leaves STOPPED tasks (group service:NAME, startedBy the deployment id) with
     stoppedReason "CannotPullContainerError: ..." and stopCode TaskFailedToStart, created through moto's own
     RunTask/StopTask. Every target registered in the service's target groups then reports "unhealthy"
     (Target.ResponseCodeMismatch). When the service moves to a good revision, moto's normal answers apply again.
  S2 Target groups follow the services that name them in loadBalancers, as ECS registers its tasks: a service on a
     good revision has exactly runningCount targets (new IPs for a new deployment), all "healthy" (moto's answer for
     any registered IP target).
  S3 ElastiCache snapshot times: a snapshot's SnapshotCreateTime can be set (POST
     /moto-api/localcloud/elasticache/snapshot-time {"snapshotName": N, "snapshotCreateTime": ISO-8601}) so seeded
     history has an older and a newer snapshot, as a cluster with daily backups would.
  S4 Availability zones of an impaired region: moto's zones are always "available". POST
     /moto-api/localcloud/ec2/zone-state {"region": R, "state": "unavailable" | "available"} sets every zone of R
     (LocalCloud.setRegionImpaired sets them unavailable and lets only EC2 of R answer at the gateway; the region back
     sets them available again). Zone state is moto's class-level data: /moto-api/reset does not restore it.
  ECS in a second region: the F5-F7/S2/E2 deployment simulation works per backend (account and region), so services
     in the DR region start, complete and register targets like those of the primary (checked by RegionDrillIT).
READINESS AND THE EVENTS AWS SENDS (event-driven waits; configurable so a benchmark's operations take realistic time)
  E1 RDS RestoreDBInstanceFromDBSnapshot / RestoreDBInstanceToPointInTime: moto makes the instance "available" at
     once and sends no event. AWS reports "creating" until the restore completes, then sends the RDS DB Instance Event
     RDS-EVENT-0008 (restored from a snapshot) or RDS-EVENT-0019 (restored to a point in time) to EventBridge. The
     restored instance is "creating" for rdsRestoreSeconds (LOCALCLOUD_RDS_RESTORE_SECONDS, default 0), then
     "available", and at that moment the event (as EventBridge delivers it: version, id, detail-type, source aws.rds,
     account, time, region, resources, detail with EventCategories, SourceType, SourceArn, Date, Message,
     SourceIdentifier, EventID) is POSTed to the gateway's event bus (/_localcloud/events), which delivers it to the
     functions the deployed rules target, as EventBridge would. Instances created by CreateDBInstance (seeding) are
     unchanged.
  E2 ECS UpdateService / CreateService: a new deployment of a good revision completes after ecsRolloutSeconds
     (LOCALCLOUD_ECS_ROLLOUT_SECONDS, default 0: at once, as F5); meanwhile it is PRIMARY IN_PROGRESS with no running
     tasks and the previous deployment ACTIVE (still serving), as a rolling update reports. When it completes (and
     also at once), the events ECS sends are delivered: "ECS Deployment State Change" SERVICE_DEPLOYMENT_COMPLETED
     and "ECS Service Action" SERVICE_STEADY_STATE (resources: the service ARN, cluster/name format). A created
     service's first deployment behaves the same (any region: the DR region's services created by a failover too).
  E3 ElastiCache: a cluster created with a NotificationTopicArn (F3's creating time, cacheCreateSeconds,
     LOCALCLOUD_CACHE_CREATE_SECONDS) gets ElastiCache's SNS notification {"ElastiCache:CacheClusterProvisioningComplete":
     "<id>"} when it becomes available, delivered (Subject "ElastiCache Notification Message") to the functions
     subscribed to that topic in the deployed template, as SNS would.
  E4 POST /moto-api/localcloud/readiness {"rdsRestoreSeconds", "ecsRolloutSeconds", "cacheCreateSeconds",
     "rdsFailoverSeconds", "ecsScaleSeconds", "emitEvents"} changes these at run time (each optional; the answer is
     the settings now). emitEvents false (LOCALCLOUD_EMIT_EVENTS=false) sends no event at all: what a lost event, or
     polling-only waits, look like.
  E5 RDS RebootDBInstance with ForceFailover=true on a Multi-AZ instance: moto ignores ForceFailover (the instance
     stays "available" in its zone) and sends no event. AWS answers "rebooting", sends RDS-EVENT-0013 ("Multi-AZ
     instance failover started") to EventBridge, promotes the standby in the other zone, and sends RDS-EVENT-0049
     ("Multi-AZ instance failover completed") once the instance is available again. We do the same: 0013 at once, the
     instance "rebooting" for rdsFailoverSeconds (LOCALCLOUD_RDS_FAILOVER_SECONDS, default 0), then "available" with
     its AvailabilityZone moved to the standby's (a <-> b) and 0049 (EventCategories ["failover"]). On a single-AZ
     instance ForceFailover is refused as on AWS (InvalidParameterCombination).
  E6 ECS UpdateService changing only desiredCount (a scale-up or down, no new deployment): F5 makes runningCount =
     desiredCount at once and no event is sent. AWS starts (or stops) tasks, and once runningCount reaches
     desiredCount sends "ECS Service Action" SERVICE_STEADY_STATE. A scale-up keeps runningCount at its old value
     (pendingCount the rest) for ecsScaleSeconds (LOCALCLOUD_ECS_SCALE_SECONDS, default 0), then settles; when it
     settles (at once for a scale-down or a zero delay) SERVICE_STEADY_STATE is delivered as in E2. A service on a
     revision that cannot start (S1) never settles, so no event.
Controls take optional "accountId" and "region" (default 123456789012, us-east-1). /moto-api/reset forgets all of it
(the state lives on moto's own model objects).
"""
import copy
import datetime
import itertools
import json
import os
import random
import string
import sys
import threading

from moto.stepfunctions import models as sfn_models


# ---- F1: Step Functions deep copy -------------------------------------------------------------------------------

def _deepcopy(self, memo):
    # the clone is a snapshot of the definition: live executions and the backend are shared, not copied
    memo[id(self.executions)] = []
    if hasattr(self, "backend"):
        memo[id(self.backend)] = self.backend
    clone = self.__class__.__new__(self.__class__)
    memo[id(self)] = clone
    for key, value in self.__dict__.items():
        setattr(clone, key, copy.deepcopy(value, memo))
    return clone


sfn_models.StateMachine.__deepcopy__ = _deepcopy


# ---- F10: Step Functions SendTaskFailure's cause --------------------------------------------------------------------

from moto.core.responses import EmptyResult
from moto.stepfunctions import responses as sfn_responses


def _send_task_failure(self):
    # moto 5.2.1 reads only taskToken and error; the backend (the ASL interpreter) already takes a cause
    self.stepfunction_backend.send_task_failure(self._get_param("taskToken"), error=self._get_param("error"),
                                                cause=self._get_param("cause"))
    return EmptyResult()


sfn_responses.StepFunctionResponse.send_task_failure = _send_task_failure


# ---- F12: Step Functions JSONPath parsing, once per distinct path ---------------------------------------------------

import functools

from jsonpath_ng.ext.parser import ExtendedJsonPathParser
from jsonpath_ng.parser import JsonPathParser
from moto.stepfunctions.parser.asl.component.common.path import result_path as sfn_result_path
from moto.stepfunctions.parser.asl.utils import json_path as sfn_json_path


def _parse_once(parser_class):
    """jsonpath-ng's parse(path) with one parser (its tables built once), used under a lock (a PLY parser keeps its
    stacks on itself while parsing), and each distinct path parsed once."""
    lock = threading.Lock()
    parser = []

    @functools.lru_cache(maxsize=4096)
    def parse(path):
        with lock:
            if not parser:
                parser.append(parser_class())
            return parser[0].parse(path)
    return parse


# both modules call the name they imported at each evaluation: replacing it there is enough
sfn_json_path.parse = _parse_once(ExtendedJsonPathParser)
sfn_result_path.parse = _parse_once(JsonPathParser)


def _load_lambda_model():
    # the first boto3 client of a service loads its model (0.2-0.4 s on a loaded machine): loaded at start, the first
    # Lambda task of a recovery does not pay it; the engine still builds its own client per task, as moto does
    try:
        from moto.stepfunctions.parser.asl.utils.boto_client import boto_client_for
        boto_client_for(region=DEFAULT_REGION, service="lambda")
    except Exception as e:  # only slower without it
        sys.stderr.write("lambda model not preloaded: {0!r}\n".format(e))

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
_lock = threading.RLock()


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


# ---- F2, F3, F4: ElastiCache ------------------------------------------------------------------------------------

from moto.elasticache import models as ec_models
from moto.elasticache import responses as ec_responses

CACHE_CREATE_SECONDS = float(os.environ.get("LOCALCLOUD_CACHE_CREATE_SECONDS", "2"))
# E1-E4: how long AWS operations take here, and whether the events AWS sends are delivered (see the docstring)
_READINESS = {
    "rdsRestoreSeconds": float(os.environ.get("LOCALCLOUD_RDS_RESTORE_SECONDS", "0")),
    "ecsRolloutSeconds": float(os.environ.get("LOCALCLOUD_ECS_ROLLOUT_SECONDS", "0")),
    "cacheCreateSeconds": CACHE_CREATE_SECONDS,
    "rdsFailoverSeconds": float(os.environ.get("LOCALCLOUD_RDS_FAILOVER_SECONDS", "0")),
    "ecsScaleSeconds": float(os.environ.get("LOCALCLOUD_ECS_SCALE_SECONDS", "0")),
    "emitEvents": os.environ.get("LOCALCLOUD_EMIT_EVENTS", "true").lower() != "false",
}
# AWS's short region code in node endpoints (use1 for us-east-1, euw1 for eu-west-1, ...)
_REGION_CODES = {"us-east-1": "use1", "us-east-2": "use2", "us-west-1": "usw1", "us-west-2": "usw2",
                 "eu-west-1": "euw1", "eu-central-1": "euc1"}

_original_cluster_init = ec_models.CacheCluster.__init__


def _cluster_init(self, account_id, region_name, *args, **kwargs):
    _original_cluster_init(self, account_id, region_name, *args, **kwargs)
    self._region = region_name
    self._suffix = "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(6))
    delay = _READINESS["cacheCreateSeconds"]
    self._ready_at = _now() + datetime.timedelta(seconds=delay)
    if delay > 0:
        self.cache_cluster_status = "creating"
        self.status = "creating"
    _cache_created(self, delay)  # E3


ec_models.CacheCluster.__init__ = _cluster_init


def _cluster_status(cluster):
    if cluster.cache_cluster_status == "creating" and _now() >= cluster._ready_at:
        cluster.cache_cluster_status = "available"
        cluster.status = "available"
    return cluster.cache_cluster_status


def _cache_nodes(cluster):
    status = _cluster_status(cluster)
    if status == "creating":
        return []  # AWS shows no endpoint until the node exists
    region = getattr(cluster, "_region", DEFAULT_REGION)
    address = "{}.{}.0001.{}.cache.amazonaws.com".format(
        cluster.cache_cluster_id, getattr(cluster, "_suffix", "xxxxxx"), _REGION_CODES.get(region, region))
    return [{
        "CacheNodeId": "0001",
        "CacheNodeStatus": "deleting" if status == "deleting" else "available",
        "CacheNodeCreateTime": cluster.cache_cluster_create_time,
        "Endpoint": {"Address": address, "Port": int(cluster.port)},
        "ParameterGroupStatus": "in-sync",
        "CustomerAvailabilityZone": cluster.preferred_availability_zone or region + "a",
    }]


class _ClusterView:
    """A cluster as AWS describes it: moto's object plus the fields moto leaves out."""

    def __init__(self, cluster, show_nodes):
        self._cluster = cluster
        _cluster_status(cluster)
        self.cache_nodes = _cache_nodes(cluster) if show_nodes else None
        self.security_groups = [{"SecurityGroupId": g, "Status": "active"} for g in cluster.security_group_ids]

    def __getattr__(self, name):
        return getattr(self._cluster, name)


_original_describe_clusters = ec_responses.ElastiCacheResponse.describe_cache_clusters


def _describe_cache_clusters(self):
    result = _original_describe_clusters(self)
    show = self._get_bool_param("ShowCacheNodeInfo", False)
    clusters = result.result["CacheClusters"]
    result.result["CacheClusters"] = [_ClusterView(c, show) for c in clusters]
    return result


ec_responses.ElastiCacheResponse.describe_cache_clusters = _describe_cache_clusters

_original_create_cluster_response = ec_responses.ElastiCacheResponse.create_cache_cluster


def _create_cache_cluster(self):
    result = _original_create_cluster_response(self)
    result.result["CacheCluster"] = _ClusterView(result.result["CacheCluster"], False)
    return result


ec_responses.ElastiCacheResponse.create_cache_cluster = _create_cache_cluster

_original_snapshot_init = ec_models.Snapshot.__init__


def _snapshot_init(self, *args, **kwargs):
    _original_snapshot_init(self, *args, **kwargs)
    taken = _now()
    self.node_snapshots = [{
        "CacheNodeId": "0001",
        "CacheSize": "0 MB",
        "CacheNodeCreateTime": self.cache_cluster_create_time or taken,
        "SnapshotCreateTime": taken,
    }]


ec_models.Snapshot.__init__ = _snapshot_init


# ---- F5, F6, F7, S1, S2: ECS and target groups --------------------------------------------------------------------

from moto.ecs import models as ecs_models
from moto.ecs import responses as ecs_responses
from moto.elbv2 import models as elbv2_models
from moto.core.utils import utcnow as moto_utcnow

_original_task_init = ecs_models.Task.__init__


def _task_init(self, *args, **kwargs):
    _original_task_init(self, *args, **kwargs)
    self.created_at = _now()


ecs_models.Task.__init__ = _task_init


def _broken_reason(backend, task_definition_arn):
    """Why tasks of this revision cannot start, or None when it is good (S1)."""
    if not task_definition_arn:
        return None
    try:
        td = backend.describe_task_definition(task_definition_arn)
    except Exception:
        return None
    return getattr(td, "_cannot_start", None)


def _new_deployment(service, previous):
    deployment_id = "ecs-svc/{}".format(random.randint(0, 32 ** 12))
    now = moto_utcnow()
    d = dict(previous) if previous else {}
    d.update({
        "id": deployment_id,
        "createdAt": now,
        "updatedAt": now,
        "status": "PRIMARY",
        "taskDefinition": service.task_definition,
        "desiredCount": service.desired_count,
        "pendingCount": 0,
        "runningCount": 0,
        "failedTasks": 0,
        "launchType": service.launch_type,
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": "ECS deployment {} in progress.".format(deployment_id),
    })
    if not d.get("networkConfiguration") and service.network_configuration:
        d["networkConfiguration"] = service.network_configuration
    return d


def _primary(service):
    for d in service.deployments:
        if d.get("status") == "PRIMARY":
            return d
    return None


def _fail_tasks(backend, service, deployment, reason, count):
    """S1: the tasks a deployment of a broken revision tried to start, stopped as ECS stops them."""
    if service.launch_type != "FARGATE" or not service.network_configuration:
        return  # moto's RunTask needs container instances for EC2; nothing to show then
    for _ in range(count):
        for task in backend.run_task(service.cluster_name, deployment["taskDefinition"], 1, None, deployment["id"],
                                     None, "FARGATE", service.network_configuration,
                                     "service:" + service.name, service.platform_version):
            backend.stop_task(service.cluster_name, task.task_arn, reason)
            for container in task.containers:
                container.last_status = "STOPPED"
                container.reason = reason
                container.exitCode = None


def _settle(backend, service, new_deployment=False):
    """Answers for the service's current deployment, as ECS would report it once it has acted (F5, S1, S2)."""
    primary = _primary(service)
    if primary is None:
        return
    reason = _broken_reason(backend, primary.get("taskDefinition"))
    now = moto_utcnow()
    # F5: old deployments drain at once
    service.deployments = [primary]
    if reason is None:
        primary.update({"runningCount": service.desired_count, "pendingCount": 0, "desiredCount": service.desired_count,
                        "rolloutState": "COMPLETED", "updatedAt": now,
                        "rolloutStateReason": "ECS deployment {} completed.".format(primary["id"])})
        service.running_count = service.desired_count
        service.pending_count = 0
    else:
        attempts = min(max(service.desired_count, 1), 3) if new_deployment else 0
        primary.update({"runningCount": 0, "pendingCount": 0, "desiredCount": service.desired_count,
                        "rolloutState": "IN_PROGRESS", "updatedAt": now,
                        "failedTasks": primary.get("failedTasks", 0) + attempts,
                        "rolloutStateReason": "ECS deployment {} in progress.".format(primary["id"])})
        service.running_count = 0
        service.pending_count = 0
        if attempts:
            _fail_tasks(backend, service, primary, reason, attempts)
            service.events.insert(0, {
                "id": str(random.randint(10 ** 8, 10 ** 9)),
                "createdAt": now,
                "message": "(service {}) deployment {}: {} task(s) failed to start: {}".format(
                    service.name, primary["id"], attempts, reason),
            })
    _sync_targets(service, reason is None, primary["id"])


def _target_groups(service):
    backend = elbv2_models.elbv2_backends[service._account_id][service.region_name]
    for lb in service.load_balancers or []:
        arn = lb.get("targetGroupArn")
        tg = backend.target_groups.get(arn) if arn else None
        if tg is not None:
            yield lb, tg


_ip_counter = itertools.count(10)


def _sync_targets(service, healthy, deployment_id):
    """S2: ECS registers a service's running tasks (new IPs for a new deployment) and deregisters stopped ones."""
    if not healthy:
        return  # S1: the old targets stay registered and fail their health checks
    for lb, tg in _target_groups(service):
        port = lb.get("containerPort") or tg.port
        if getattr(tg, "_owner_deployment", None) != deployment_id:
            for target_id in list(tg.targets.keys()):
                tg.deregister([{"Id": target_id}])
            tg._owner_deployment = deployment_id
        current = list(tg.targets.keys())
        while len(current) < service.running_count:
            n = next(_ip_counter)
            ip = "10.0.{}.{}".format(n // 250 % 250, n % 250 + 2)
            tg.targets[ip] = {"Id": ip, "Port": int(port)}
            tg.deregistered_targets.pop(ip, None)
            current.append(ip)
        for target_id in current[service.running_count:]:
            tg.deregister([{"Id": target_id}])


def _unhealthy_target_groups(account_id, region):
    """Target group ARNs whose service runs a revision that cannot start (S1)."""
    backend = ecs_models.ecs_backends[account_id][region]
    arns = set()
    for service in backend.services.values():
        primary = _primary(service)
        if primary is not None and _broken_reason(backend, primary.get("taskDefinition")):
            for lb in service.load_balancers or []:
                if lb.get("targetGroupArn"):
                    arns.add(lb["targetGroupArn"])
    return arns


_original_create_service = ecs_models.EC2ContainerServiceBackend.create_service


def _create_service(self, *args, **kwargs):
    with _lock:
        service = _original_create_service(self, *args, **kwargs)
        if _rollout(self, service, []):
            return service  # E2: the first deployment completes (and settles) after ecsRolloutSeconds, then its events
        _settle(self, service, new_deployment=True)
        if _primary(service) is not None and _broken_reason(self, service.task_definition) is None:
            # E2: ECS's events for a created service's first deployment too (a failover's DR services wait on them)
            threading.Thread(target=_ecs_completed, args=(self, service, _primary(service)["id"]),
                             daemon=True).start()
        return service


ecs_models.EC2ContainerServiceBackend.create_service = _create_service

_original_update_service = ecs_models.EC2ContainerServiceBackend.update_service


def _update_service(self, service_properties):
    with _lock:
        props = dict(service_properties)
        force = props.pop("force_new_deployment", False) in (True, "true", "True")
        task_definition_str = props.get("task_definition")
        service = self._get_service(props.get("cluster", "default"), props["service"].split("/")[-1])
        before = service.task_definition
        desired_before, running_before = service.desired_count, service.running_count
        serving = [dict(d) for d in service.deployments]
        service = _original_update_service(self, props)
        if task_definition_str:
            service.task_definition = self.describe_task_definition(task_definition_str).arn
        primary = _primary(service)
        if primary is None and service.deployment_controller.get("type") != "ECS":
            return service  # CODE_DEPLOY / EXTERNAL controllers: moto's answers as they are
        started = force or service.task_definition != before or primary is None
        if started:
            service.deployments = [_new_deployment(service, primary)]
            if _rollout(self, service, serving):
                return service  # E2: completes (and settles) after ecsRolloutSeconds
        scaled = not started and service.desired_count != desired_before
        if scaled and _scale(self, service, running_before):
            return service  # E6: settles (and is steady) after ecsScaleSeconds
        _settle(self, service, new_deployment=started)
        if started and _broken_reason(self, service.task_definition) is None:
            threading.Thread(target=_ecs_completed, args=(self, service, _primary(service)["id"]), daemon=True).start()
        elif scaled and _broken_reason(self, service.task_definition) is None:
            threading.Thread(target=_emit, args=(_ecs_steady(self, service),), daemon=True).start()  # E6
        return service


ecs_models.EC2ContainerServiceBackend.update_service = _update_service

_original_list_tasks = ecs_models.EC2ContainerServiceBackend.list_tasks


def _list_tasks(self, cluster_str=None, container_instance=None, family=None, started_by=None, service_name=None,
                desiredStatus=None):
    tasks = _original_list_tasks(self, cluster_str, container_instance, family, started_by, service_name,
                                 desiredStatus)
    if service_name:
        group = "service:" + service_name.split("/")[-1]
        tasks = [t for t in tasks if t.group == group]
    return tasks


ecs_models.EC2ContainerServiceBackend.list_tasks = _list_tasks

_original_list_task_definitions = ecs_responses.EC2ContainerServiceResponse.list_task_definitions


def _list_task_definitions(self):
    result = _original_list_task_definitions(self)
    if (self._get_param("sort") or "ASC").upper() == "DESC":
        result.result["taskDefinitionArns"] = list(reversed(result.result["taskDefinitionArns"]))
    return result


ecs_responses.EC2ContainerServiceResponse.list_task_definitions = _list_task_definitions

_original_stop_task = ecs_models.EC2ContainerServiceBackend.stop_task


def _stop_task(self, cluster_str, task_str, reason):
    task = _original_stop_task(self, cluster_str, task_str, reason)
    now = _now()
    task.stopping_at = now
    task.stopped_at = now
    task.execution_stopped_at = now
    task.stop_code = "TaskFailedToStart" if _broken_reason(self, task.task_definition_arn) else "UserInitiated"
    return task


ecs_models.EC2ContainerServiceBackend.stop_task = _stop_task

_original_describe_target_health = elbv2_models.ELBv2Backend.describe_target_health


def _describe_target_health(self, target_group_arn, targets):
    statuses = _original_describe_target_health(self, target_group_arn, targets)
    if target_group_arn not in _unhealthy_target_groups(self.account_id, self.region_name):
        return statuses
    return [elbv2_models.FakeHealthStatus(s.instance_id, s.port, s.health_check_port, "unhealthy",
                                          "Target.ResponseCodeMismatch",
                                          "Health checks failed with these codes: [503]")
            if s.status == "healthy" else s for s in statuses]


elbv2_models.ELBv2Backend.describe_target_health = _describe_target_health


# ---- F8, F9: Secrets Manager rotation ---------------------------------------------------------------------------

import time
import urllib.parse
import urllib.request
import uuid

from moto.secretsmanager import models as sm_models
from moto.secretsmanager.exceptions import InvalidRequestException as _SmInvalidRequest

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
    return answer


sm_models.SecretsManagerBackend.rotate_secret = _rotate_secret
sm_models.SecretsManagerBackend.update_secret_version_stage = _update_secret_version_stage


# ---- E1-E4: readiness delays and the events AWS sends (event-driven waits) -------------------------------------

from moto.rds import exceptions as rds_exceptions
from moto.rds import models as rds_models
from moto.rds import responses as rds_responses


def _emit(body):
    """Hands an event to the gateway's event bus, which delivers it as EventBridge or SNS would (E1-E3)."""
    if not _READINESS["emitEvents"]:
        return
    url = "http://localhost:{0}/_localcloud/events".format(os.environ.get("MOTO_PORT", "5000"))
    request = urllib.request.Request(url, data=json.dumps(body, default=str).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30):
            pass
    except Exception as e:  # an event AWS fails to deliver is lost; the waits fall back to polling
        sys.stderr.write("event not delivered: {0!r}\n".format(e))


def _later(seconds, action, first=None):
    """Runs action after seconds on a daemon thread (at once on one when seconds <= 0), under the model lock;
    emits first (an event body) on that thread before waiting, so the two arrive in order."""
    def run():
        if first:
            _emit(first)
        if seconds > 0:
            time.sleep(seconds)
        with _lock:
            body = action()
        if body:
            _emit(body)
    threading.Thread(target=run, daemon=True).start()


def _event_bridge(source, detail_type, account, region, resources, detail):
    return {"eventBridge": {"version": "0", "id": str(uuid.uuid4()), "detail-type": detail_type, "source": source,
                            "account": account, "time": _now().strftime("%Y-%m-%dT%H:%M:%SZ"), "region": region,
                            "resources": resources, "detail": detail}}


_restore_event = threading.local()


def _restored(original, event_id, message):
    def restore(self, *args, **kwargs):
        _restore_event.value = (event_id, message)
        try:
            instance = original(self, *args, **kwargs)
        finally:
            _restore_event.value = None
        delay = _READINESS["rdsRestoreSeconds"]
        if delay > 0:
            instance.status = "creating"

        def available():
            if instance.db_instance_identifier not in self.databases or instance.status not in ("creating",
                                                                                                  "available"):
                return None  # deleted or changed meanwhile: no "restored" event
            instance.status = "available"
            arn = instance.db_instance_arn
            stamp = _now().strftime("%Y-%m-%dT%H:%M:%S.") + "{:03d}Z".format(_now().microsecond // 1000)
            return _event_bridge("aws.rds", "RDS DB Instance Event", self.account_id, self.region_name, [arn], {
                "EventCategories": ["restoration"], "SourceType": "DB_INSTANCE", "SourceArn": arn, "Date": stamp,
                "Message": message, "SourceIdentifier": instance.db_instance_identifier, "EventID": event_id})
        _later(delay, available)
        return instance
    return restore


rds_models.RDSBackend.restore_db_instance_from_db_snapshot = _restored(
    rds_models.RDSBackend.restore_db_instance_from_db_snapshot, "RDS-EVENT-0008",
    "DB instance restored from snapshot")
rds_models.RDSBackend.restore_db_instance_to_point_in_time = _restored(
    rds_models.RDSBackend.restore_db_instance_to_point_in_time, "RDS-EVENT-0019",
    "Restored from DB instance to a point in time")


def _rds_event(backend, instance, event_id, message, category):
    arn = instance.db_instance_arn
    stamp = _now().strftime("%Y-%m-%dT%H:%M:%S.") + "{:03d}Z".format(_now().microsecond // 1000)
    return _event_bridge("aws.rds", "RDS DB Instance Event", backend.account_id, backend.region_name, [arn], {
        "EventCategories": [category], "SourceType": "DB_INSTANCE", "SourceArn": arn, "Date": stamp,
        "Message": message, "SourceIdentifier": instance.db_instance_identifier, "EventID": event_id})


def _standby_zone(zone):
    """The other zone of a Multi-AZ pair: us-east-1a <-> us-east-1b."""
    if not zone:
        return zone
    return zone[:-1] + ("b" if zone[-1] == "a" else "a")


def _failover(backend, instance):
    """E5: a forced Multi-AZ failover: 0013 now, rdsFailoverSeconds "rebooting", then the standby's zone and 0049."""
    delay = _READINESS["rdsFailoverSeconds"]
    started = _rds_event(backend, instance, "RDS-EVENT-0013", "Multi-AZ instance failover started.", "failover")
    instance.status = "rebooting"

    def completed():
        if backend.databases.get(instance.db_instance_identifier) is not instance or instance.status != "rebooting":
            return None  # deleted or changed meanwhile: no "completed" event
        instance.availability_zone = _standby_zone(instance.availability_zone)
        instance.status = "available"
        return _rds_event(backend, instance, "RDS-EVENT-0049", "Multi-AZ instance failover completed.", "failover")

    _later(delay, completed, first=started)


_original_reboot = rds_responses.RDSResponse.reboot_db_instance


def _reboot_db_instance(self):
    if str(self.params.get("ForceFailover", "false")).lower() == "true":
        with _lock:
            instance = self.backend.describe_db_instances(self.params.get("DBInstanceIdentifier"))[0]
            if not instance.multi_az:
                raise rds_exceptions.InvalidParameterCombination(
                    "Cannot perform a forced failover on a DB instance that is not Multi-AZ.")
            _failover(self.backend, instance)  # E5
    return _original_reboot(self)


rds_responses.RDSResponse.reboot_db_instance = _reboot_db_instance


def _ecs_completed(backend, service, deployment_id):
    """E2: the events ECS sends when a deployment has completed and the service is steady."""
    arn = "arn:aws:ecs:{0}:{1}:service/{2}/{3}".format(backend.region_name, backend.account_id,
                                                          service.cluster_name, service.name)
    stamp = _now().strftime("%Y-%m-%dT%H:%M:%S.") + "{:03d}Z".format(_now().microsecond // 1000)
    _emit(_event_bridge("aws.ecs", "ECS Deployment State Change", backend.account_id, backend.region_name, [arn], {
        "eventType": "INFO", "eventName": "SERVICE_DEPLOYMENT_COMPLETED", "deploymentId": deployment_id,
        "updatedAt": stamp, "reason": "ECS deployment {0} completed.".format(deployment_id)}))
    _emit(_ecs_steady(backend, service))


def _ecs_steady(backend, service):
    """E2, E6: "ECS Service Action" SERVICE_STEADY_STATE for the service, as EventBridge delivers it."""
    arn = "arn:aws:ecs:{0}:{1}:service/{2}/{3}".format(backend.region_name, backend.account_id,
                                                          service.cluster_name, service.name)
    cluster = "arn:aws:ecs:{0}:{1}:cluster/{2}".format(backend.region_name, backend.account_id, service.cluster_name)
    stamp = _now().strftime("%Y-%m-%dT%H:%M:%S.") + "{:03d}Z".format(_now().microsecond // 1000)
    return _event_bridge("aws.ecs", "ECS Service Action", backend.account_id, backend.region_name, [arn], {
        "eventType": "INFO", "eventName": "SERVICE_STEADY_STATE", "clusterArn": cluster, "createdAt": stamp})


def _scale(backend, service, running_before):
    """E6: a scale-up of a good revision that takes ecsScaleSeconds (False: it settles at once)."""
    delay = _READINESS["ecsScaleSeconds"]
    primary = _primary(service)
    if (delay <= 0 or primary is None or service.desired_count <= running_before
            or _broken_reason(backend, primary.get("taskDefinition")) is not None):
        return False
    deployment_id, desired = primary["id"], service.desired_count
    primary.update({"desiredCount": desired, "runningCount": running_before,
                    "pendingCount": desired - running_before, "updatedAt": moto_utcnow()})
    service.running_count = running_before
    service.pending_count = desired - running_before

    def complete():
        now_primary = _primary(service)
        if now_primary is None or now_primary.get("id") != deployment_id or service.desired_count != desired:
            return None  # redeployed or scaled again meanwhile: that change answers for itself
        _settle(backend, service)
        return _ecs_steady(backend, service)
    _later(delay, complete)
    return True


def _rollout(backend, service, previous):
    """E2: a new deployment of a good revision that takes ecsRolloutSeconds (False: it completes at once, F5)."""
    delay = _READINESS["ecsRolloutSeconds"]
    primary = _primary(service)
    if delay <= 0 or primary is None or _broken_reason(backend, primary.get("taskDefinition")) is not None:
        return False
    deployment_id = primary["id"]
    primary.update({"runningCount": 0, "pendingCount": service.desired_count, "rolloutState": "IN_PROGRESS",
                    "desiredCount": service.desired_count,
                    "rolloutStateReason": "ECS deployment {} in progress.".format(deployment_id)})
    still = [dict(d, status="ACTIVE") for d in previous if d.get("id") != deployment_id]
    service.deployments = [primary] + still
    service.running_count = sum(int(d.get("runningCount", 0) or 0) for d in still)
    service.pending_count = service.desired_count

    def complete():
        now_primary = _primary(service)
        if now_primary is None or now_primary.get("id") != deployment_id:
            return None  # replaced by a newer deployment meanwhile
        _settle(backend, service)
        threading.Thread(target=_ecs_completed, args=(backend, service, deployment_id), daemon=True).start()
        return None
    _later(delay, complete)
    return True


def _cache_created(cluster, delay):
    """E3: "provisioning complete" to the cluster's notification topic once it is available."""
    topic = getattr(cluster, "notification_topic_arn", None)
    if not topic:
        return

    def provisioned():
        _cluster_status(cluster)
        return {"sns": {"topicArn": topic, "subject": "ElastiCache Notification Message",
                        "message": json.dumps({"ElastiCache:CacheClusterProvisioningComplete":
                                               cluster.cache_cluster_id})}}
    _later(delay, provisioned)


def readiness(body, account, region):
    """E4: how long operations take, and whether events are sent."""
    for key in ("rdsRestoreSeconds", "ecsRolloutSeconds", "cacheCreateSeconds", "rdsFailoverSeconds",
                "ecsScaleSeconds"):
        if key in body:
            _READINESS[key] = float(body[key])
    if "emitEvents" in body:
        _READINESS["emitEvents"] = bool(body["emitEvents"])
    return dict(_READINESS)


# ---- F11: CloudFront ETags -------------------------------------------------------------------------------------------

from moto.cloudfront import models as cf_models
from moto.cloudfront.exceptions import CloudFrontException

_original_update_distribution = cf_models.CloudFrontBackend.update_distribution


def _update_distribution(self, dist_config, _id, if_match):
    # AWS: IfMatch must be the distribution's current ETag (else 412 PreconditionFailed), and each update makes a new one
    dist = self.distributions.get(_id) if _id else None
    if dist is not None and if_match and if_match != dist.etag:
        raise CloudFrontException("PreconditionFailed", "The precondition given in one or more of the request "
                                  "header fields evaluated to false.")
    answer = _original_update_distribution(self, dist_config, _id, if_match)
    dist.etag = cf_models.random_id()
    return answer[0], answer[1], dist.etag


cf_models.CloudFrontBackend.update_distribution = _update_distribution


# ---- S4: availability zones of a region that is down ------------------------------------------------------------------

from moto.ec2 import models as ec2_models


def zone_state(body, account, region):
    """S4: the zones of a region reported in this state (unavailable while a drill impairs it, available after)."""
    state = body.get("state", "unavailable")
    backend = ec2_models.ec2_backends[account][region]
    zones = backend.describe_availability_zones()
    for zone in zones:
        zone.state = state
    return {"region": region, "zones": {z.name: z.state for z in zones}}


# ---- control API: /moto-api/localcloud/... ----------------------------------------------------------------------

from moto.moto_api._internal import urls as moto_api_urls


def _control(handler):
    def view(request, full_url, headers):
        try:
            size = int(headers.get("Content-Length") or 0)
            body = json.loads(request.environ["wsgi.input"].read(size).decode("utf-8") or "{}") if size else {}
            account = body.get("accountId", DEFAULT_ACCOUNT)
            region = body.get("region", DEFAULT_REGION)
            with _lock:
                answer = handler(body, account, region)
            return 200, {"Content-Type": "application/json"}, json.dumps(answer, default=str).encode("utf-8")
        except Exception as e:  # a control call that cannot apply says why
            return 400, {"Content-Type": "application/json"}, json.dumps({"message": repr(e)}).encode("utf-8")

    view.__name__ = "localcloud_" + handler.__name__
    return view


def broken_image(body, account, region):
    """S1: tasks of this revision cannot start (its image cannot be pulled)."""
    backend = ecs_models.ecs_backends[account][region]
    td = backend.describe_task_definition(body["taskDefinition"])
    image = td.container_definitions[0].get("image") if td.container_definitions else "?"
    td._cannot_start = body.get("reason") or (
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "
        "{0}: {0}: not found".format(image))
    for service in backend.services.values():
        primary = _primary(service)
        if primary is not None and primary.get("taskDefinition") == td.arn:
            _settle(backend, service)
    return {"taskDefinitionArn": td.arn, "reason": td._cannot_start}


def snapshot_time(body, account, region):
    """S3: when a snapshot was taken."""
    backend = ec_models.elasticache_backends[account][region]
    snapshot = backend.snapshots[body["snapshotName"]]
    taken = datetime.datetime.fromisoformat(body["snapshotCreateTime"].replace("Z", "+00:00"))
    for node in snapshot.node_snapshots:
        node["SnapshotCreateTime"] = taken
    return {"snapshotName": snapshot.snapshot_name, "snapshotCreateTime": taken.isoformat()}


moto_api_urls.url_paths["{0}/moto-api/localcloud/ecs/broken-image"] = _control(broken_image)
moto_api_urls.url_paths["{0}/moto-api/localcloud/elasticache/snapshot-time"] = _control(snapshot_time)
moto_api_urls.url_paths["{0}/moto-api/localcloud/readiness"] = _control(readiness)
moto_api_urls.url_paths["{0}/moto-api/localcloud/ec2/zone-state"] = _control(zone_state)

import moto_logs_filter  # F13 (beside this file: python puts the script's folder first on sys.path)

moto_logs_filter.install()

from moto.server import main

threading.Thread(target=_load_lambda_model, daemon=True).start()  # F12

sys.exit(main(sys.argv[1:]))  # same arguments as moto_server: -H 127.0.0.1 -p PORT
