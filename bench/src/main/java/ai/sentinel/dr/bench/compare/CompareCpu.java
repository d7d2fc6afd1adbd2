package ai.sentinel.dr.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * CPU each method of the compare benchmark used, from /proc (Linux; 1/100 s ticks): the two PostgreSQL servers (each
 * postmaster with its living children and those it reaped, so parallel workers and pg_dump's backends count) and
 * the client side (this JVM's threads, JIT and GC included, and the children it reaped: pg_dump, diff). On a machine
 * shared with other work, wall time measures the load as much as the method; CPU seconds much less so.
 */
final class CompareCpu {
  private final long[] postmasters;

  private CompareCpu(long[] postmasters) {
    this.postmasters = postmasters;
  }

  /** The postmasters behind the given connections, or null where /proc cannot tell (the bench then prints no CPU). */
  static CompareCpu of(Connection... servers) {
    try {
      long[] pids = new long[servers.length];
      for (int i = 0; i < servers.length; i++) {
        try (Statement st = servers[i].createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
          rs.next();
          pids[i] = Long.parseLong(fields(rs.getLong(1))[3]);
        }
      }
      CompareCpu cpu = new CompareCpu(pids);
      cpu.mark();
      return cpu;
    } catch (SQLException | RuntimeException e) {
      return null;
    }
  }

  /** {servers' ticks, client's ticks} now. */
  long[] mark() {
    long servers = 0;
    for (long pm : postmasters) {
      String[] f = fields(pm);
      servers += Long.parseLong(f[13]) + Long.parseLong(f[14]) + Long.parseLong(f[15]) + Long.parseLong(f[16]);
      try {
        for (String child : Files.readString(Path.of("/proc", pm + "", "task", pm + "", "children")).trim()
            .split(" ")) {
          if (!child.isEmpty()) {
            String[] c = fieldsOrNull(Long.parseLong(child));
            // a child that exited meanwhile is in the postmaster's cutime/cstime once reaped
            servers += c == null ? 0 : Long.parseLong(c[13]) + Long.parseLong(c[14]);
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    String[] self = fields(ProcessHandle.current().pid());
    long client = Long.parseLong(self[13]) + Long.parseLong(self[14]) + Long.parseLong(self[15])
        + Long.parseLong(self[16]);
    return new long[] {servers, client};
  }

  /** Seconds {servers, client} since {@code before}. */
  double[] since(long[] before) {
    long[] now = mark();
    return new double[] {(now[0] - before[0]) / 100.0, (now[1] - before[1]) / 100.0};
  }

  /** The load average line of /proc/loadavg, or "?". */
  static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static String[] fields(long pid) {
    String[] f = fieldsOrNull(pid);
    if (f == null) {
      throw new IllegalStateException("no /proc/" + pid + "/stat");
    }
    return f;
  }

  /** /proc/<pid>/stat's fields numbered from 0 (the name, which may hold spaces, skipped), null when gone. */
  private static String[] fieldsOrNull(long pid) {
    try {
      String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] rest = line.substring(line.lastIndexOf(')') + 2).trim().split("\\s+");
      String[] f = new String[rest.length + 2];
      System.arraycopy(rest, 0, f, 2, rest.length);
      return f;
    } catch (IOException e) {
      return null;
    }
  }
}
