package ai.sentinel.dr.region;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsResponse;

/**
 * The cross-region copies of the protected database in the DR region, named {@code <instance>-cross-region-<time>}
 * where the time ({@code yyyyMMdd-HHmmss}, UTC) is the source snapshot's: the name says which point in time a copy
 * holds, so its age (the RPO a failover would give) is read from the name, whatever the copy's own creation time,
 * and copying the same source twice names the same copy.
 */
public final class SnapshotCopies {
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private SnapshotCopies() {}

  /**
   * One copy.
   *
   * @param id         its identifier
   * @param sourceTime the source snapshot's time, from the name
   * @param status     available, creating, copying...
   */
  public record Copy(String id, Instant sourceTime, String status) {
    public boolean available() {
      return "available".equals(status);
    }
  }

  /** The copy's name for a source snapshot taken at {@code sourceTime}. */
  static String name(RegionSettings settings, Instant sourceTime) {
    return settings.copyPrefix() + TIME.format(sourceTime);
  }

  /** The source time a copy's name holds, or empty for a name that is not one of ours. */
  static Optional<Instant> sourceTime(RegionSettings settings, String id) {
    if (id == null || !id.startsWith(settings.copyPrefix())) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.from(TIME.parse(id.substring(settings.copyPrefix().length()))));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Every copy in the DR region ({@code rds} is the DR region's client), newest source time first. */
  public static List<Copy> list(RdsClient rds, RegionSettings settings) {
    List<Copy> out = new ArrayList<>();
    String marker = null;
    do {
      String from = marker;
      DescribeDbSnapshotsResponse page = rds.describeDBSnapshots(b -> b.snapshotType("manual").marker(from));
      for (DBSnapshot s : page.dbSnapshots()) {
        sourceTime(settings, s.dbSnapshotIdentifier()).ifPresent(t -> out.add(new Copy(s.dbSnapshotIdentifier(), t,
            s.status())));
      }
      marker = page.marker();
    } while (marker != null && !marker.isEmpty());
    out.sort(Comparator.comparing(Copy::sourceTime).reversed());
    return out;
  }

  /** The newest copy that can be restored. */
  public static Optional<Copy> newestAvailable(List<Copy> copies) {
    return copies.stream().filter(Copy::available).findFirst();
  }
}
