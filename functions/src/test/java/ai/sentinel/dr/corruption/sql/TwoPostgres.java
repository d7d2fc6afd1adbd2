package ai.sentinel.dr.corruption.sql;

import java.sql.Connection;

/**
 * The clean copy and live, as Scenario 5 compares them: two real PostgreSQL servers started for a test class, each
 * with one open connection; closing closes both connections and stops both servers.
 */
public final class TwoPostgres implements AutoCloseable {
  private final TestPostgres cleanServer;
  private final TestPostgres liveServer;
  private final Connection clean;
  private final Connection live;

  private TwoPostgres(TestPostgres cleanServer, TestPostgres liveServer) throws Exception {
    this.cleanServer = cleanServer;
    this.liveServer = liveServer;
    this.clean = cleanServer.connect();
    this.live = liveServer.connect();
  }

  /** Both servers started and connected to. */
  public static TwoPostgres start() throws Exception {
    return new TwoPostgres(TestPostgres.start(), TestPostgres.start());
  }

  public Connection clean() {
    return clean;
  }

  public Connection live() {
    return live;
  }

  public TestPostgres cleanServer() {
    return cleanServer;
  }

  public TestPostgres liveServer() {
    return liveServer;
  }

  @Override
  public void close() throws Exception {
    clean.close();
    live.close();
    cleanServer.close();
    liveServer.close();
  }
}
