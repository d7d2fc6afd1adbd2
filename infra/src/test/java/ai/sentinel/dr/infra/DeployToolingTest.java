package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy path as an SRE uses it (issue 16): `cdk synth > template.yaml` gets a clean stdout, the CDK CLI is the
 * one package.json pins, and CI installs what .ci/setup needs (which uses sudo when it is not root).
 */
class DeployToolingTest {
  private static final Path ROOT = RepoPaths.root();

  @Test
  void cdkAppRunsTheScriptThatKeepsMavenOffStdout() throws IOException {
    JsonNode cdk = Synth.JSON.readTree(Files.readString(RepoPaths.cdkJson(ROOT)));
    assertEquals("bash infra/cdk-app", cdk.path("app").asText());
  }

  /**
   * Runs infra/cdk-app with a Maven that prints ANSI codes and build chatter on stdout (as mvn 3.8 does even with -q
   * -B -Dstyle.color=never) and a java that prints what the CDK app would: stdout must be the app's output only.
   */
  @Test
  void cdkAppStdoutIsTheAppsOutputOnly(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("repo");
    Files.createDirectories(root.resolve("infra/target"));
    Files.copy(ROOT.resolve("infra/cdk-app"), root.resolve("infra/cdk-app"));
    Files.writeString(root.resolve("infra/target/classpath.txt"), "/deps.jar");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path mvnArgs = dir.resolve("mvn-args");
    script(bin.resolve("mvn"), "printf '\\033[0m\\033[0m[INFO] building\\n'; echo \"$@\" > " + mvnArgs);
    script(bin.resolve("java"), "echo \"app: $*\"");

    ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("infra/cdk-app").toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process run = pb.start();
    String stdout = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(run.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, run.exitValue());
    assertEquals("app: -cp " + root.toRealPath().resolve("infra/target/classes") + ":/deps.jar "
        + "ai.sentinel.dr.infra.SentinelDrApp\n", stdout);
    String args = Files.readString(mvnArgs);
    assertTrue(args.contains("-B") && args.contains("-Dstyle.color=never") && args.contains("package"), args);
    // install would write into ~/.m2: a synth must not change the user's Maven repository
    assertFalse(args.contains("install"), args);
  }

  @Test
  void packageJsonPinsTheCdkCliAndTheLockFileHoldsIt() throws IOException {
    JsonNode pkg = Synth.JSON.readTree(Files.readString(ROOT.resolve("package.json")));
    String pinned = pkg.path("devDependencies").path("aws-cdk").asText();
    assertTrue(pinned.matches("\\d+\\.\\d+\\.\\d+"), "an exact aws-cdk version: " + pinned);
    JsonNode lock = Synth.JSON.readTree(Files.readString(ROOT.resolve("package-lock.json")));
    assertEquals(pinned, lock.path("packages").path("node_modules/aws-cdk").path("version").asText());
    assertTrue(Files.readAllLines(ROOT.resolve(".gitignore")).contains("node_modules/"));
  }

  @Test
  void workflowsUseThePinnedCdkCliAfterNpmCi() throws IOException {
    for (String workflow : List.of("ci.yml", "deploy.yml")) {
      String text = Files.readString(ROOT.resolve(".github/workflows").resolve(workflow));
      assertFalse(text.contains("npx --yes"), workflow + " fetches an unpinned CLI");
      int npmCi = text.indexOf("npm ci");
      int npxCdk = text.indexOf("npx cdk ");
      assertTrue(npmCi >= 0 && npxCdk > npmCi, workflow + ": npm ci, then npx cdk");
    }
  }

  /** Every package .ci/setup may apt-get is installed by the workflow (node by setup-node) before .ci/run. */
  @Test
  void ciInstallsWhatSetupNeeds() throws IOException {
    String setup = Files.readString(ROOT.resolve(".ci/setup"));
    String ci = Files.readString(ROOT.resolve(".github/workflows/ci.yml"));
    List<String> needed = new ArrayList<>();
    Matcher m = Pattern.compile("need_apt\\+=\\(([^)]+)\\)").matcher(setup);
    while (m.find()) {
      needed.add(m.group(1).trim());
    }
    assertTrue(needed.containsAll(List.of("postgresql", "redis-server")), needed.toString());
    String installLine = ci.lines().filter(l -> l.contains("apt-get install")).findFirst().orElse("");
    for (String pkg : needed) {
      boolean installed = pkg.equals("nodejs") ? ci.contains("actions/setup-node")
          : List.of(installLine.trim().split("\\s+")).contains(pkg);
      assertTrue(installed, "ci.yml does not install " + pkg + " for .ci/setup");
    }
  }

  /** .ci/setup's apt-get calls go through as_root, which uses sudo unless it runs as root. */
  @Test
  void setupUsesSudoWhenNotRoot(@TempDir Path dir) throws Exception {
    String setup = Files.readString(ROOT.resolve(".ci/setup"));
    setup.lines().filter(l -> l.contains("apt-get ") && !l.trim().startsWith("#") && !l.contains("echo"))
        .forEach(l -> assertTrue(l.trim().startsWith("as_root "), "apt-get without as_root: " + l));
    Matcher fn = Pattern.compile("(?ms)^as_root\\(\\) \\{.*?^}").matcher(setup);
    assertTrue(fn.find(), ".ci/setup has no as_root function");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    script(bin.resolve("sudo"), "echo \"sudo $*\"");
    assertEquals("sudo apt-get update\n", asRoot(fn.group(), bin, "1000"));
    assertEquals("apt-get update\n", asRoot(fn.group(), bin, "0"));
  }

  private static String asRoot(String function, Path bin, String uid) throws Exception {
    script(bin.resolve("id"), "echo " + uid);
    // apt-get itself is a stand-in that only echoes: nothing is installed
    script(bin.resolve("apt-get"), "echo \"apt-get $*\"");
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", function + "\nas_root apt-get update");
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    return out;
  }

  private static void script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
