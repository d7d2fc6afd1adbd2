"""RDS restores and failovers, patched by moto_launcher.py: what moto 5.2.1 answers, what AWS does, what we answer.

  E1 RDS RestoreDBInstanceFromDBSnapshot / RestoreDBInstanceToPointInTime: moto makes the instance "available" at
     once and sends no event. AWS reports "creating" until the restore completes, then sends the RDS DB Instance Event
     RDS-EVENT-0008 (restored from a snapshot) or RDS-EVENT-0019 (restored to a point in time) to EventBridge. The
     restored instance is "creating" for rdsRestoreSeconds (LOCALCLOUD_RDS_RESTORE_SECONDS, default 0), then
     "available", and at that moment the event (as EventBridge delivers it: version, id, detail-type, source aws.rds,
     account, time, region, resources, detail with EventCategories, SourceType, SourceArn, Date, Message,
     SourceIdentifier, EventID) is POSTed to the gateway's event bus (/_localcloud/events), which delivers it to the
     functions the deployed rules target, as EventBridge would. Instances created by CreateDBInstance (seeding) are
     unchanged.
  E5 RDS RebootDBInstance with ForceFailover=true on a Multi-AZ instance: moto ignores ForceFailover (the instance
     stays "available" in its zone) and sends no event. AWS answers "rebooting", sends RDS-EVENT-0013 ("Multi-AZ
     instance failover started") to EventBridge, promotes the standby in the other zone, and sends RDS-EVENT-0049
     ("Multi-AZ instance failover completed") once the instance is available again. We do the same: 0013 at once, the
     instance "rebooting" for rdsFailoverSeconds (LOCALCLOUD_RDS_FAILOVER_SECONDS, default 0), then "available" with
     its AvailabilityZone moved to the standby's (a <-> b) and 0049 (EventCategories ["failover"]). On a single-AZ
     instance ForceFailover is refused as on AWS (InvalidParameterCombination).
  E8 RDS CreateDBSnapshot (manual): moto makes the snapshot "available" at once and sends no event. AWS sends the RDS
     DB Snapshot Event RDS-EVENT-0042 ("Manual snapshot created", EventCategories ["creation"], SourceType SNAPSHOT,
     SourceIdentifier the snapshot id) when it is available. We send it as the snapshot is created (it is available
     then); automated snapshots and copies send nothing here.
  E9 RDS CopyDBSnapshot: moto makes the copy "available" at once and sends no event. AWS reports the copy "pending"
     until it is done and sends RDS DB Snapshot Events in the copy's region (the one CopyDBSnapshot is called in),
     naming the copy (SourceIdentifier, SourceArn): RDS-EVENT-0059 "Started copy of snapshot NAME from region NAME."
     and RDS-EVENT-0060 "Finished copy of snapshot NAME from region NAME in N minutes." for a cross-Region copy,
     RDS-EVENT-0196 / RDS-EVENT-0197 ("... in region NAME.") for a copy in the same region (RDS User Guide, DB
     snapshot events; EventCategories ["notification"], SourceType SNAPSHOT). We do the same: the started event at
     once, the copy "pending" for rdsCopySeconds (LOCALCLOUD_RDS_COPY_SECONDS, default 0), then "available" and the
     finished event.
"""
import threading

from moto.rds import exceptions as rds_exceptions
from moto.rds import models as rds_models
from moto.rds import responses as rds_responses

from moto_base import READINESS as _READINESS, event_bridge as _event_bridge, later as _later, lock as _lock, \
    now as _now


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


# ---- E8: a manual DB snapshot's "created" event ---------------------------------------------------------------------

_original_create_db_snapshot = rds_models.RDSBackend.create_db_snapshot


def _create_db_snapshot(self, db_instance_identifier, db_snapshot_identifier, snapshot_type="manual", *args,
                        **kwargs):
    snapshot = _original_create_db_snapshot(self, db_instance_identifier, db_snapshot_identifier, snapshot_type,
                                            *args, **kwargs)
    if snapshot_type == "manual":
        arn = snapshot.db_snapshot_arn
        stamp = _now().strftime("%Y-%m-%dT%H:%M:%S.") + "{:03d}Z".format(_now().microsecond // 1000)
        event = _event_bridge("aws.rds", "RDS DB Snapshot Event", self.account_id, self.region_name, [arn], {
            "EventCategories": ["creation"], "SourceType": "SNAPSHOT", "SourceArn": arn, "Date": stamp,
            "Message": "Manual snapshot created", "SourceIdentifier": db_snapshot_identifier,
            "EventID": "RDS-EVENT-0042"})
        _later(0, lambda: event)  # E8: after this answer, on its own thread
    return snapshot


rds_models.RDSBackend.create_db_snapshot = _create_db_snapshot


# ---- E9: a DB snapshot copy takes time and RDS says when it is finished ------------------------------------------

_original_copy_db_snapshot = rds_models.RDSBackend.copy_db_snapshot


def _snapshot_event(backend, snapshot, event_id, message):
    arn = snapshot.db_snapshot_arn
    stamp = _now().strftime("%Y-%m-%dT%H:%M:%S.") + "{:03d}Z".format(_now().microsecond // 1000)
    return _event_bridge("aws.rds", "RDS DB Snapshot Event", backend.account_id, backend.region_name, [arn], {
        "EventCategories": ["notification"], "SourceType": "SNAPSHOT", "SourceArn": arn, "Date": stamp,
        "Message": message, "SourceIdentifier": snapshot.db_snapshot_identifier, "EventID": event_id})


def _copy_db_snapshot(self, source_db_snapshot_identifier, target_db_snapshot_identifier, *args, **kwargs):
    snapshot = _original_copy_db_snapshot(self, source_db_snapshot_identifier, target_db_snapshot_identifier,
                                          *args, **kwargs)
    source = source_db_snapshot_identifier
    parts = source.split(":")
    # a copy from another region names its source by ARN: arn:aws:rds:REGION:ACCOUNT:snapshot:NAME
    source_region = parts[3] if source.startswith("arn:") and len(parts) >= 7 else self.region_name
    source_name = parts[-1] if source.startswith("arn:") else source
    cross = source_region != self.region_name
    delay = _READINESS["rdsCopySeconds"]
    if delay > 0:
        snapshot.status = "pending"
    began = _now()
    if cross:
        ids, where = ("RDS-EVENT-0059", "RDS-EVENT-0060"), "from region " + source_region
    else:
        ids, where = ("RDS-EVENT-0196", "RDS-EVENT-0197"), "in region " + self.region_name
    started = _snapshot_event(self, snapshot, ids[0], "Started copy of snapshot {0} {1}.".format(source_name, where))

    def finished():
        if self.database_snapshots.get(snapshot.db_snapshot_identifier) is not snapshot \
                or snapshot.status not in ("pending", "available"):
            return None  # deleted or changed meanwhile: no "finished" event
        snapshot.status = "available"
        minutes = int((_now() - began).total_seconds() // 60)
        message = "Finished copy of snapshot {0} {1}".format(source_name, where)
        return _snapshot_event(self, snapshot, ids[1], message + (" in {0} minutes.".format(minutes) if cross else "."))

    _later(delay, finished, first=started)
    return snapshot


rds_models.RDSBackend.copy_db_snapshot = _copy_db_snapshot
