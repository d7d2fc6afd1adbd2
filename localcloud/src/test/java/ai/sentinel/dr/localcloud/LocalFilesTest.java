package ai.sentinel.dr.localcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where child servers' folders go (issue 16: the tests' temporary files stay in target/, servers' in /tmp). */
class LocalFilesTest {
  private static final String PROPERTY = "sentinel.servers.tmpdir";
  private final String before = System.getProperty(PROPERTY);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(PROPERTY);
    } else {
      System.setProperty(PROPERTY, before);
    }
  }

  @Test
  void aServerFolderGoesWhereTheBuildSaysServersGo(@TempDir Path servers) throws Exception {
    System.setProperty(PROPERTY, servers.toString());
    Path folder = LocalFiles.serverFolder("sentinel-pg-");
    assertEquals(servers, folder.getParent());
    assertTrue(Files.isDirectory(folder) && folder.getFileName().toString().startsWith("sentinel-pg-"));
  }

  @Test
  void withoutTheSettingAServerFolderIsTemporaryAndRemovable() throws Exception {
    System.clearProperty(PROPERTY);
    Path folder = LocalFiles.serverFolder("sentinel-redis-");
    assertEquals(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize(),
        folder.getParent().toAbsolutePath().normalize());
    assertTrue(LocalFiles.isTemporary(folder));
    LocalFiles.deleteTree(folder);
    assertTrue(Files.notExists(folder));
  }
}
