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

  /**
   * A new folder for a child server (PostgreSQL, Redis): in {@code sentinel.servers.tmpdir} when set, else in
   * java.io.tmpdir. The build points the tests' java.io.tmpdir at target/ and this property at /tmp: PostgreSQL runs
   * as user postgres (it must reach every parent folder) and puts its Unix socket in this folder (at most 107 bytes,
   * which a deep clone's target/ can exceed). The server's guard removes the folder on every exit path.
   */
  public static Path serverFolder(String prefix) throws IOException {
    String base = System.getProperty("sentinel.servers.tmpdir", System.getProperty("java.io.tmpdir"));
    return Files.createTempDirectory(Path.of(base), prefix);
  }

  /** Whether {@code dir} is inside the JVM's temporary folder ({@code java.io.tmpdir}). */
  public static boolean isTemporary(Path dir) {
    return dir.toAbsolutePath().normalize().startsWith(Path.of(System.getProperty("java.io.tmpdir"))
        .toAbsolutePath().normalize());
  }
}
