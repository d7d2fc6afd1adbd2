package ai.sentinel.dr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.LocalFiles;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a rejected gate ends with one exit code and one wording, whether a human rejects it with
 * {@code ./sentinel reject TOKEN --reason} from another terminal or the drill rejects it itself with --reject-as. Both
 * run through the command line as an operator runs them.
 */
class GateRejectionIT {
  private static final Path ROOT = RepoPaths.root();
  private static final Pattern REJECT_LINE =
      Pattern.compile("AWS_ENDPOINT_URL=(\\S+) \\./sentinel reject (\\S+) --reason");

  /** Output collected as it is printed, so that another thread can answer the gate the drill prints. */
  private static final class Collected extends OutputStream {
    private final StringBuffer text = new StringBuffer();

    @Override
    public void write(int b) {
      text.append((char) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      text.append(new String(b, off, len, StandardCharsets.UTF_8));
    }

    String text() {
      return text.toString();
    }
  }

  private record Run(int code, String out) {}

  private static Run drill(String... options) throws Exception {
    Collected out = new Collected();
    String[] args = new String[options.length + 2];
    args[0] = "drill";
    args[1] = "redis-failure";
    System.arraycopy(options, 0, args, 2, options.length);
    CompletableFuture<Integer> rejectedByHand = new CompletableFuture<>();
    Thread human = null;
    if (options.length == 1 && options[0].equals("--approval")) {
      human = new Thread(() -> answer(out, rejectedByHand), "human");
      human.setDaemon(true);
      human.start();
    }
    int code;
    try {
      code = Main.run(args, new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, Map.of(), ROOT));
    } finally {
      logFolder(out.text());
    }
    if (human != null) {
      assertEquals(0, rejectedByHand.get(1, TimeUnit.MINUTES), "./sentinel reject failed:\n" + out.text());
    }
    return new Run(code, out.text());
  }

  /** The human in the other terminal: runs the reject command line the drill printed, with a reason. */
  private static void answer(Collected out, CompletableFuture<Integer> done) {
    try {
      long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (System.nanoTime() < until) {
        Matcher m = REJECT_LINE.matcher(out.text());
        if (m.find()) {
          Collected answer = new Collected();
          done.complete(Main.run(new String[] {"reject", m.group(2), "--by", "carol", "--reason", "wrong snapshot"},
              new Cli(new PrintStream(answer, true, StandardCharsets.UTF_8), System.err,
                  Map.of("AWS_ENDPOINT_URL", m.group(1), "AWS_REGION", "us-east-1"), ROOT)));
          return;
        }
        Thread.sleep(200);
      }
      done.complete(-1);
    } catch (RuntimeException | InterruptedException e) {
      done.completeExceptionally(e);
    }
  }

  private static void logFolder(String output) {
    int at = output.indexOf(".local/drill-");
    if (at >= 0) {
      LocalFiles.deleteTree(ROOT.resolve(output.substring(at).split("[\\s,]")[0]));
    }
  }

  @Test
  void rejectedByHandOrByTheDrillEndsWithTheSameExitCodeAndWording() throws Exception {
    Run byHand = drill("--approval");
    assertTrue(byHand.out().contains("REJECTION HONORED (rejected by carol"), byHand.out());
    assertTrue(byHand.out().contains("wrong snapshot): the recovery stopped before changing anything"), byHand.out());
    assertEquals(Main.REJECTED, byHand.code(), byHand.out());

    Run byDrill = drill("--reject-as", "bob");
    assertTrue(byDrill.out().contains("REJECTION HONORED (rejected by bob"), byDrill.out());
    assertEquals(Main.REJECTED, byDrill.code(), byDrill.out());
    // one wording: the verdict line differs only in who rejected and why
    assertEquals(verdict(byHand.out()).replaceAll("\\(.*\\): the recovery", "(...): the recovery"),
        verdict(byDrill.out()).replaceAll("\\(.*\\): the recovery", "(...): the recovery"));
  }

  private static String verdict(String out) {
    return out.lines().filter(l -> l.startsWith("REJECTION HONORED")).findFirst().orElse("no verdict in:\n" + out);
  }
}
