package ai.sentinel.dr.localcloud;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Temporary folders of drills and tests: removed when done, so a run leaves nothing in /tmp. */
public final class LocalFiles {
  private LocalFiles() {}

  /** Deletes a directory and everything in it; best effort (a leftover is not worth failing a drill for). */
  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort
    }
  }

  /** Whether {@code dir} is inside the JVM's temporary folder ({@code java.io.tmpdir}). */
  public static boolean isTemporary(Path dir) {
    return dir.toAbsolutePath().normalize().startsWith(Path.of(System.getProperty("java.io.tmpdir"))
        .toAbsolutePath().normalize());
  }
}
