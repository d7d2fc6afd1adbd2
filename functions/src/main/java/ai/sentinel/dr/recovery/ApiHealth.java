package ai.sentinel.dr.recovery;

import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The runbook's "curl -f https://api.sentinel.ai/health", the check every scenario's verification ends with where
 * the environment names a HEALTH_URL: 2xx passes, anything else or no answer fails.
 */
public final class ApiHealth {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ApiHealth() {}

  /** The "api-health" check of {@code url}; SKIP with the reason when no URL is configured. */
  public static Check check(String url) {
    if (url == null) {
      return new Check("api-health", Result.SKIP, "HEALTH_URL not configured");
    }
    try {
      HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .GET().build(), HttpResponse.BodyHandlers.discarding());
      boolean ok = response.statusCode() >= 200 && response.statusCode() < 300;
      return new Check("api-health", ok ? Result.PASS : Result.FAIL, url + " answered " + response.statusCode());
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return new Check("api-health", Result.FAIL, url + " did not answer: " + e.getClass().getSimpleName());
    }
  }
}
