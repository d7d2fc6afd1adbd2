package ai.sentinel.dr.drill;

import java.util.Collection;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;

/**
 * An execution's history as text with every field's value, states' inputs and outputs included, for secret scans:
 * the SDK's own toString prints "*** Sensitive Data Redacted ***" for those, so a scan of it never sees a secret in
 * a state's data.
 */
public final class HistoryText {
  private HistoryText() {}

  public static String of(LocalSentinel sentinel, String executionArn) {
    return text(sentinel.aws.sfn.getExecutionHistory(b -> b.executionArn(executionArn).maxResults(1000)).events());
  }

  private static String text(Object value) {
    if (value instanceof SdkPojo pojo) {
      StringBuilder b = new StringBuilder("{");
      for (SdkField<?> field : pojo.sdkFields()) {
        Object v = field.getValueOrDefault(pojo);
        if (v != null) {
          b.append(field.memberName()).append('=').append(text(v)).append(", ");
        }
      }
      return b.append('}').toString();
    }
    if (value instanceof Collection<?> list) {
      return list.stream().map(HistoryText::text).collect(Collectors.joining(", ", "[", "]"));
    }
    return String.valueOf(value);
  }
}
