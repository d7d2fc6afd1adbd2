package ai.sentinel.dr.support;

import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.oncall.PagerDutyOnCall;
import ai.sentinel.dr.oncall.SnsOnCall;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The PagerDuty adapter as the paging tests use it: every Events API v2 body it sends is kept, in order, and accepted
 * (202), with a mocked SNS topic as its fallback.
 */
public final class CapturedPages {
  public static final String ROUTING_KEY = "R0UT1NGKEY0123456789abcdef012345";
  private final List<String> bodies = new ArrayList<>();
  private final OnCall onCall = new PagerDutyOnCall("http://127.0.0.1:8089", () -> ROUTING_KEY, (url, body) -> {
    bodies.add(body);
    return 202;
  }, d -> { }, new SnsOnCall(Fixtures.sdkMock(SnsClient.class), Fixtures.TOPIC));

  /** The adapter. */
  public OnCall onCall() {
    return onCall;
  }

  /** The bodies sent so far (live). */
  public List<String> bodies() {
    return bodies;
  }
}
