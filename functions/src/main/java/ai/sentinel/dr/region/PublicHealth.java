package ai.sentinel.dr.region;

import ai.sentinel.dr.region.RegionState.Evidence;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The platform's {@code /health} as the public reaches it, one GET bounded by {@code timeout} to connect and to
 * answer, no redirect followed: 2xx is healthy, another status unhealthy, no answer in time unreachable. One judgement
 * for the failover's evidence ({@link ConfirmPrimaryDown}) and for the DR region's probe that alarms
 * ({@link ProbePrimary}), so the alarm and the assessment it starts never disagree about what "down" means.
 */
final class PublicHealth {
  static final String CHECK = "public-health";
  private final HttpClient http;
  private final Duration timeout;

  PublicHealth(Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  Evidence check(String url) {
    try {
      HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET()
          .build(), HttpResponse.BodyHandlers.discarding());
      int status = response.statusCode();
      return new Evidence(CHECK, status >= 200 && status < 300 ? Evidence.HEALTHY : Evidence.UNHEALTHY,
          url + " answered " + status);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return new Evidence(CHECK, Evidence.UNREACHABLE, url + " did not answer within " + timeout.toSeconds()
          + " s (" + e.getClass().getSimpleName() + ")");
    }
  }
}
