package ai.sentinel.dr.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command runs with: where it prints, the process environment (AWS_ENDPOINT_URL, AWS_REGION, credentials, as
 * for the AWS CLI) and the caller's directory. {@code ./sentinel} changes to the project root before starting Java,
 * so it passes the directory it was called from as {@code -Dsentinel.cwd}: file arguments are resolved against it.
 *
 * @param out what the command prints
 * @param err errors and usage
 * @param env the process environment
 * @param cwd the caller's directory
 */
public record Cli(PrintStream out, PrintStream err, Map<String, String> env, Path cwd) {
  /** The system property the {@code sentinel} script sets to the directory it was called from. */
  public static final String CALLER_DIR = "sentinel.cwd";

  /** This process's: System.out/err, its environment, the caller's directory. */
  public static Cli of(PrintStream out, PrintStream err) {
    return new Cli(out, err, System.getenv(), callerDir());
  }

  /** The directory the user called {@code ./sentinel} from (the working directory when run otherwise). */
  public static Path callerDir() {
    String dir = System.getProperty(CALLER_DIR);
    return Path.of(dir == null || dir.isBlank() ? "" : dir).toAbsolutePath();
  }

  /** A file argument as the user meant it: relative to the directory they called from. */
  public Path path(String arg) {
    return cwd.resolve(arg).normalize();
  }
}
