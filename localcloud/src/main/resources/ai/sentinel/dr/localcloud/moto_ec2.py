"""EC2 availability zones, patched by moto_launcher.py: what moto 5.2.1 answers, what AWS does, what we answer.

  S4 Availability zones of an impaired region: moto's zones are always "available". POST
     /moto-api/localcloud/ec2/zone-state {"region": R, "state": "unavailable" | "available"} sets every zone of R
     (LocalCloud.setRegionImpaired sets them unavailable and lets only EC2 of R answer at the gateway; the region back
     sets them available again). Zone state is moto's class-level data: /moto-api/reset does not restore it.
"""
from moto.ec2 import models as ec2_models


def zone_state(body, account, region):
    """S4: the zones of a region reported in this state (unavailable while a drill impairs it, available after)."""
    state = body.get("state", "unavailable")
    backend = ec2_models.ec2_backends[account][region]
    zones = backend.describe_availability_zones()
    for zone in zones:
        zone.state = state
    return {"region": region, "zones": {z.name: z.state for z in zones}}
