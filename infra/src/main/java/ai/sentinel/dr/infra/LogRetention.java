package ai.sentinel.dr.infra;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.services.logs.RetentionDays;

/** CloudWatch Logs retention values CDK accepts, by days (cdk.json {@code logRetentionDays}). */
final class LogRetention {
  /** Every finite value; INFINITE is deliberately not offered. */
  static final Map<Integer, RetentionDays> TABLE = table();

  private LogRetention() {}

  private static Map<Integer, RetentionDays> table() {
    Map<Integer, RetentionDays> t = new TreeMap<>();
    t.put(1, RetentionDays.ONE_DAY);
    t.put(3, RetentionDays.THREE_DAYS);
    t.put(5, RetentionDays.FIVE_DAYS);
    t.put(7, RetentionDays.ONE_WEEK);
    t.put(14, RetentionDays.TWO_WEEKS);
    t.put(30, RetentionDays.ONE_MONTH);
    t.put(60, RetentionDays.TWO_MONTHS);
    t.put(90, RetentionDays.THREE_MONTHS);
    t.put(120, RetentionDays.FOUR_MONTHS);
    t.put(150, RetentionDays.FIVE_MONTHS);
    t.put(180, RetentionDays.SIX_MONTHS);
    t.put(365, RetentionDays.ONE_YEAR);
    t.put(400, RetentionDays.THIRTEEN_MONTHS);
    t.put(545, RetentionDays.EIGHTEEN_MONTHS);
    t.put(731, RetentionDays.TWO_YEARS);
    t.put(1096, RetentionDays.THREE_YEARS);
    t.put(1827, RetentionDays.FIVE_YEARS);
    t.put(2192, RetentionDays.SIX_YEARS);
    t.put(2557, RetentionDays.SEVEN_YEARS);
    t.put(2922, RetentionDays.EIGHT_YEARS);
    t.put(3288, RetentionDays.NINE_YEARS);
    t.put(3653, RetentionDays.TEN_YEARS);
    return Collections.unmodifiableMap(t);
  }
}
