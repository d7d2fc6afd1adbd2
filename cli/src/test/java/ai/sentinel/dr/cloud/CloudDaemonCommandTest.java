package ai.sentinel.dr.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code cloud up}'s daemon keeps its temporary files where its caller keeps them (issue 16: a test's daemon left
 * jsii's runtime in /tmp while the test's own JVM used target/).
 */
class CloudDaemonCommandTest {
  @Test
  void theDaemonInheritsTheCallersTemporaryFolders() {
    List<String> command = CloudCommand.thisJvm();
    assertTrue(command.contains("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")), command.toString());
    String servers = System.getProperty("sentinel.servers.tmpdir");
    assertEquals(servers != null, command.contains("-Dsentinel.servers.tmpdir=" + servers), command.toString());
    // options before the class path and the main class CloudCommand appends
    assertEquals("-cp", command.get(command.size() - 2));
  }
}
