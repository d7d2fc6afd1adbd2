"""What every module of moto_launcher.py shares: the default account and region, the one lock over moto's models,
the readiness settings and the delivery of the events AWS would send (to the gateway's event bus).

  E4 POST /moto-api/localcloud/readiness {"rdsRestoreSeconds", "ecsRolloutSeconds", "cacheCreateSeconds",
     "rdsFailoverSeconds", "ecsScaleSeconds", "rdsCopySeconds", "emitEvents"} changes these at run time (each
     optional; the answer is the settings now). emitEvents false (LOCALCLOUD_EMIT_EVENTS=false) sends no event at
     all: what a lost event, or polling-only waits, look like.
"""
import datetime
import json
import os
import sys
import threading
import time
import urllib.request
import uuid


DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
lock = threading.RLock()


def now():
    return datetime.datetime.now(datetime.timezone.utc)


CACHE_CREATE_SECONDS = float(os.environ.get("LOCALCLOUD_CACHE_CREATE_SECONDS", "2"))
# E1-E6: how long AWS operations take here, and whether the events AWS sends are delivered (see the docstring)
READINESS = {
    "rdsRestoreSeconds": float(os.environ.get("LOCALCLOUD_RDS_RESTORE_SECONDS", "0")),
    "ecsRolloutSeconds": float(os.environ.get("LOCALCLOUD_ECS_ROLLOUT_SECONDS", "0")),
    "cacheCreateSeconds": CACHE_CREATE_SECONDS,
    "rdsFailoverSeconds": float(os.environ.get("LOCALCLOUD_RDS_FAILOVER_SECONDS", "0")),
    "ecsScaleSeconds": float(os.environ.get("LOCALCLOUD_ECS_SCALE_SECONDS", "0")),
    # E9 (moto_rds.py): a DB snapshot copy is "pending" this long
    "rdsCopySeconds": float(os.environ.get("LOCALCLOUD_RDS_COPY_SECONDS", "0")),
    "emitEvents": os.environ.get("LOCALCLOUD_EMIT_EVENTS", "true").lower() != "false",
}


def emit(body):
    """Hands an event to the gateway's event bus, which delivers it as EventBridge or SNS would (E1-E3)."""
    if not READINESS["emitEvents"]:
        return
    url = "http://localhost:{0}/_localcloud/events".format(os.environ.get("MOTO_PORT", "5000"))
    request = urllib.request.Request(url, data=json.dumps(body, default=str).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30):
            pass
    except Exception as e:  # an event AWS fails to deliver is lost; the waits fall back to polling
        sys.stderr.write("event not delivered: {0!r}\n".format(e))


def later(seconds, action, first=None):
    """Runs action after seconds on a daemon thread (at once on one when seconds <= 0), under the model lock;
    emits first (an event body) on that thread before waiting, so the two arrive in order."""
    def run():
        if first:
            emit(first)
        if seconds > 0:
            time.sleep(seconds)
        with lock:
            body = action()
        if body:
            emit(body)
    threading.Thread(target=run, daemon=True).start()


def event_bridge(source, detail_type, account, region, resources, detail):
    return {"eventBridge": {"version": "0", "id": str(uuid.uuid4()), "detail-type": detail_type, "source": source,
                            "account": account, "time": now().strftime("%Y-%m-%dT%H:%M:%SZ"), "region": region,
                            "resources": resources, "detail": detail}}


def readiness(body, account, region):
    """E4: how long operations take, and whether events are sent."""
    for key in ("rdsRestoreSeconds", "ecsRolloutSeconds", "cacheCreateSeconds", "rdsFailoverSeconds",
                "ecsScaleSeconds", "rdsCopySeconds"):
        if key in body:
            READINESS[key] = float(body[key])
    if "emitEvents" in body:
        READINESS["emitEvents"] = bool(body["emitEvents"])
    return dict(READINESS)
