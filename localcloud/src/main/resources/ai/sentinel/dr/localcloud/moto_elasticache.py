"""ElastiCache, patched by moto_launcher.py: what moto 5.2.1 answers, what AWS does, what we answer.

  F2 ElastiCache DescribeCacheClusters: moto reports no CacheNodes and no SecurityGroups. With ShowCacheNodeInfo=true
     AWS lists each node with its endpoint; we give every cluster one node "0001" whose Endpoint is
     {Address: "<id>.<6 chars>.0001.use1.cache.amazonaws.com", Port: the cluster's port}. SecurityGroups lists the
     SecurityGroupIds the cluster was created with (status "active").
  F3 ElastiCache creation: moto makes a cluster "available" at once; AWS reports "creating" (no endpoint yet) for
     minutes. A new cluster is "creating" for LOCALCLOUD_CACHE_CREATE_SECONDS (default 2) seconds, then "available".
  F4 ElastiCache snapshots: moto's have no NodeSnapshots, so no SnapshotCreateTime (the recovery point). We add one
     NodeSnapshot per snapshot with SnapshotCreateTime = when it was taken.
  E3 ElastiCache: a cluster created with a NotificationTopicArn (F3's creating time, cacheCreateSeconds,
     LOCALCLOUD_CACHE_CREATE_SECONDS) gets ElastiCache's SNS notification
     {"ElastiCache:CacheClusterProvisioningComplete": "<id>"} when it becomes available, delivered (Subject
     "ElastiCache Notification Message") to the functions subscribed to that topic in the deployed template, as SNS
     would.
  S3 ElastiCache snapshot times: a snapshot's SnapshotCreateTime can be set (POST
     /moto-api/localcloud/elasticache/snapshot-time {"snapshotName": N, "snapshotCreateTime": ISO-8601}) so seeded
     history has an older and a newer snapshot, as a cluster with daily backups would.
"""
import datetime
import json
import random
import string

from moto.elasticache import models as ec_models
from moto.elasticache import responses as ec_responses

from moto_base import DEFAULT_REGION, READINESS as _READINESS, later as _later, now as _now


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


def snapshot_time(body, account, region):
    """S3: when a snapshot was taken."""
    backend = ec_models.elasticache_backends[account][region]
    snapshot = backend.snapshots[body["snapshotName"]]
    taken = datetime.datetime.fromisoformat(body["snapshotCreateTime"].replace("Z", "+00:00"))
    for node in snapshot.node_snapshots:
        node["SnapshotCreateTime"] = taken
    return {"snapshotName": snapshot.snapshot_name, "snapshotCreateTime": taken.isoformat()}
