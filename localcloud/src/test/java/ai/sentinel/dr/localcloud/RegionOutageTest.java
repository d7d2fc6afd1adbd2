package ai.sentinel.dr.localcloud;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RegionOutageTest {
  private static String signed(String region, String service) {
    return "AWS4-HMAC-SHA256 Credential=test/20260117/" + region + "/" + service + "/aws4_request, "
        + "SignedHeaders=host, Signature=abc";
  }

  @Test
  void onlyRegionalCallsSignedForTheDownRegionGoUnanswered() {
    RegionOutage outage = new RegionOutage();
    assertFalse(outage.affects(signed("us-east-1", "rds"), "rds"), "nothing is down by default");
    outage.set("us-east-1");
    assertTrue(outage.affects(signed("us-east-1", "rds"), "rds"));
    assertTrue(outage.affects(signed("us-east-1", "dynamodb"), "dynamodb"));
    assertFalse(outage.affects(signed("eu-west-1", "rds"), "rds"), "the DR region answers");
    assertFalse(outage.affects(signed("us-east-1", "route53"), "route53"), "global services answer");
    assertFalse(outage.affects(null, "rds"), "an unsigned call names no region");
    outage.set(null);
    assertFalse(outage.affects(signed("us-east-1", "rds"), "rds"), "back up");
  }
}
