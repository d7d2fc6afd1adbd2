package ai.sentinel.dr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.sentinel.dr.infra.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./sentinel} script builds once after the sources changed (a pull, a checkout), not on every later call:
 * Maven's dependency plugin leaves an unchanged classpath.txt as it was, so the script itself marks the build. Run on a
 * copy of the script with stand-ins for mvn and java that count the builds.
 */
class SentinelScriptTest {
  @TempDir
  Path root;

  @Test
  void buildsOnceAfterTheSourcesChangedNotOnEveryCall() throws Exception {
    Path script = root.resolve("sentinel");
    Files.copy(RepoPaths.root().resolve("sentinel"), script);
    for (String module : List.of("functions", "infra", "localcloud", "cli")) {
      Files.createDirectories(root.resolve(module).resolve("src/main"));
      Files.writeString(root.resolve(module).resolve("pom.xml"), "<project/>");
    }
    Files.writeString(root.resolve("pom.xml"), "<project/>");
    Path bin = Files.createDirectories(root.resolve("bin"));
    Path builds = root.resolve("builds.txt");
    // like maven-dependency-plugin's build-classpath: writes the file only when it is missing or different
    executable(bin.resolve("mvn"), "#!/bin/sh\necho build >> '" + builds + "'\nmkdir -p cli/target\n"
        + "[ -f cli/target/classpath.txt ] || echo x.jar > cli/target/classpath.txt\n");
    executable(bin.resolve("java"), "#!/bin/sh\nexit 0\n");
    Path classpath = Files.createDirectories(root.resolve("cli/target")).resolve("classpath.txt");
    Files.writeString(classpath, "x.jar\n");
    Files.setLastModifiedTime(classpath, FileTime.from(Instant.now().minusSeconds(3600)));
    Files.writeString(root.resolve("cli/src/main/Changed.java"), "// pulled after the last build");

    run(script, bin);
    run(script, bin);
    run(script, bin);
    assertEquals(List.of("build"), Files.readAllLines(builds), "one build for one change");
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private void run(Path script, Path bin) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "--help").directory(root.toFile())
        .redirectErrorStream(true).redirectOutput(root.resolve("out.txt").toFile());
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the script did not end");
    }
    assertEquals(0, p.exitValue(), Files.readString(root.resolve("out.txt")));
  }
}
