package ai.sentinel.dr.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How much CPU other processes took while the benchmark ran: on a 2-core machine a build or test run elsewhere is
 * enough to double some cold starts, and the report should say so rather than print numbers that look clean. Linux
 * only (/proc); elsewhere it reports nothing.
 *
 * <p>Machine busy time comes from /proc/stat; ours is this JVM's own time plus its reaped children (every child JVM,
 * waited for) from /proc/self/stat, plus the local cloud's moto process, read before it is stopped.
 */
final class CpuAccount {
  private final long machineStart;
  private final long ownStart;

  private CpuAccount(long machineStart, long ownStart) {
    this.machineStart = machineStart;
    this.ownStart = ownStart;
  }

  static Optional<CpuAccount> start() {
    try {
      return Optional.of(new CpuAccount(machineBusy(), own()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * CPU seconds other processes used since {@link #start()}.
   *
   * @param unreaped CPU jiffies of our children not reaped yet (the moto process)
   */
  double othersSeconds(long unreaped) throws IOException {
    long others = (machineBusy() - machineStart) - (own() - ownStart) - unreaped;
    return Math.max(0, others) / 100.0;
  }

  /** A point in time for {@link #othersSince}: machine busy time, ours, our live children's. */
  record Mark(long machine, long own, long children) {}

  /** Now, or null where /proc cannot be read. */
  static Mark mark() {
    try {
      return new Mark(machineBusy(), own(),
          ProcessHandle.current().children().mapToLong(CpuAccount::treeJiffies).sum());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Jiffies (1/100 s) of CPU that processes other than ours (this JVM, its reaped children, its live children such as
   * moto) used since {@code before}; 0 when unknown. Children alive at both marks are counted by their delta, children
   * reaped in between by their whole time (the parent's cutime).
   */
  static long othersSince(Mark before) {
    Mark now = mark();
    if (before == null || now == null) {
      return 0;
    }
    return Math.max(0, (now.machine() - before.machine()) - (now.own() - before.own())
        - (now.children() - before.children()));
  }

  /** utime+stime of a live process and its descendants, in jiffies (0 when unreadable). */
  static long treeJiffies(ProcessHandle process) {
    long total = jiffies(process.pid());
    for (ProcessHandle d : process.descendants().toList()) {
      total += jiffies(d.pid());
    }
    return total;
  }

  private static long jiffies(long pid) {
    try {
      String[] f = fields(Path.of("/proc", Long.toString(pid), "stat"));
      return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** All but idle and iowait, in USER_HZ (100 on Linux). */
  private static long machineBusy() throws IOException {
    String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
    String[] f = first.trim().split("\\s+");
    long busy = 0;
    for (int i = 1; i < f.length && i <= 8; i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(f[i]);
      }
    }
    return busy;
  }

  private static long own() throws IOException {
    String[] f = fields(Path.of("/proc/self/stat"));
    return Long.parseLong(f[13]) + Long.parseLong(f[14]) + Long.parseLong(f[15]) + Long.parseLong(f[16]);
  }

  /** The fields of a /proc/<pid>/stat line, numbered from 0, with the command name (which may hold spaces) skipped. */
  private static String[] fields(Path stat) throws IOException {
    String line = Files.readString(stat);
    String afterName = line.substring(line.lastIndexOf(')') + 2);
    String[] rest = afterName.trim().split("\\s+");
    String[] f = new String[rest.length + 2];
    System.arraycopy(rest, 0, f, 2, rest.length);
    return f;
  }
}
