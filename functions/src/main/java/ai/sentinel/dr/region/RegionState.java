package ai.sentinel.dr.region;

import ai.sentinel.dr.recovery.Part;
import java.util.List;

/**
 * Scenario 4 (Region Failure) working state, filled in step by step. Choice states read
 * {@code $.region.confirmation.confirmed}.
 *
 * @param confirmation what ConfirmPrimaryDown saw of the primary region from the DR region
 */
public record RegionState(Confirmation confirmation) {
  /** Where Scenario 4 keeps its state in the recovery document. */
  public static final Part<RegionState> PART = new Part<>("region", RegionState.class);

  public RegionState withConfirmation(Confirmation value) {
    return new RegionState(value);
  }

  /**
   * The verdict on the primary region, with the evidence it rests on.
   *
   * @param primaryRegion the region judged
   * @param drRegion      where the checks ran from
   * @param confirmed     true only when the platform is down and the region itself shows it (see ConfirmPrimaryDown)
   * @param verdict       one line: what was concluded and why
   * @param evidence      every check, in the order run
   * @param checkedAt     when
   */
  public record Confirmation(String primaryRegion, String drRegion, boolean confirmed, String verdict,
      List<Evidence> evidence, String checkedAt) {
    public Confirmation {
      evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }
  }

  /**
   * One check of the primary.
   *
   * @param check  availability-zones, rds, ecs, public-health
   * @param result healthy (answered, fine), unhealthy (answered, not fine), unreachable (no answer in time, or an
   *               error from the region's endpoint: evidence too), skipped (not configured)
   * @param detail what was seen, in one line (never a secret)
   */
  public record Evidence(String check, String result, String detail) {
    public static final String HEALTHY = "healthy";
    public static final String UNHEALTHY = "unhealthy";
    public static final String UNREACHABLE = "unreachable";
    public static final String SKIPPED = "skipped";

    public boolean healthy() {
      return HEALTHY.equals(result);
    }

    public boolean skipped() {
      return SKIPPED.equals(result);
    }

    @Override
    public String toString() {
      return check + " " + result + ": " + detail;
    }
  }
}
