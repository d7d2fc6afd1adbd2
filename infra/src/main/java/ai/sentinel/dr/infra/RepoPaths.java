package ai.sentinel.dr.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Files the app needs from the repository. The root is found by walking up to cdk.json, because the app runs from the
 * root under the CDK CLI but from infra/ under Maven's test runner.
 */
public final class RepoPaths {
  private RepoPaths() {}

  /** The repository root: the nearest directory at or above the working directory holding cdk.json. */
  public static Path root() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("cdk.json"))) {
        return dir;
      }
    }
    throw new IllegalStateException("cdk.json not found in " + start + " or above: run from the repository");
  }

  public static Path cdkJson(Path root) {
    return root.resolve("cdk.json");
  }

  /** The functions' shaded Lambda jar, which must have been built. */
  public static Path lambdaJar(Path root) {
    Properties props = new Properties();
    try (InputStream in = RepoPaths.class.getResourceAsStream("/sentinel-dr-infra.properties")) {
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path jar = root.resolve(props.getProperty("lambda.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("Lambda jar not found at " + jar + ": build it first with "
          + "`mvn -B -pl functions -am package -DskipTests` (cdk.json's app command does this)");
    }
    return jar;
  }
}
