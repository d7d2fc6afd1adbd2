"""ECS and target groups, patched by moto_launcher.py: what moto 5.2.1 answers, what AWS does, what we answer.

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
  ECS in a second region: the F5-F7/S2/E2 deployment simulation works per backend (account and region), so services
     in the DR region start, complete and register targets like those of the primary (checked by RegionDrillIT).
  E2 ECS UpdateService / CreateService: a new deployment of a good revision completes after ecsRolloutSeconds
     (LOCALCLOUD_ECS_ROLLOUT_SECONDS, default 0: at once, as F5); meanwhile it is PRIMARY IN_PROGRESS with no running
     tasks and the previous deployment ACTIVE (still serving), as a rolling update reports. When it completes (and
     also at once), the events ECS sends are delivered: "ECS Deployment State Change" SERVICE_DEPLOYMENT_COMPLETED
     and "ECS Service Action" SERVICE_STEADY_STATE (resources: the service ARN, cluster/name format). A created
     service's first deployment behaves the same (any region: the DR region's services created by a failover too).
  E6 ECS UpdateService changing only desiredCount (a scale-up or down, no new deployment): F5 makes runningCount =
     desiredCount at once and no event is sent. AWS starts (or stops) tasks, and once runningCount reaches
     desiredCount sends "ECS Service Action" SERVICE_STEADY_STATE. A scale-up keeps runningCount at its old value
     (pendingCount the rest) for ecsScaleSeconds (LOCALCLOUD_ECS_SCALE_SECONDS, default 0), then settles; when it
     settles (at once for a scale-down or a zero delay) SERVICE_STEADY_STATE is delivered as in E2. A service on a
     revision that cannot start (S1) never settles, so no event.
"""
import itertools
import random
import threading

from moto.core.utils import utcnow as moto_utcnow
from moto.ecs import models as ecs_models
from moto.ecs import responses as ecs_responses
from moto.elbv2 import models as elbv2_models

from moto_base import READINESS as _READINESS, emit as _emit, event_bridge as _event_bridge, later as _later, \
    lock as _lock, now as _now

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
