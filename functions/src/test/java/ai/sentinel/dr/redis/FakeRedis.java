package ai.sentinel.dr.redis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A tiny Redis on a loopback ServerSocket: reads RESP commands, records them (and their raw bytes), and answers each
 * with what the test's function returns (null: say nothing, to test timeouts).
 */
final class FakeRedis implements AutoCloseable {
  private final ServerSocket server;
  private final Thread acceptor;
  final List<List<String>> commands = new CopyOnWriteArrayList<>();
  final ByteArrayOutputStream raw = new ByteArrayOutputStream();

  FakeRedis(Function<List<String>, String> reply) throws IOException {
    server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket client = server.accept()) {
          serve(client, reply);
        } catch (IOException e) {
          // closed by the test, or the client went away
        }
      }
    }, "fake-redis");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Answers +PONG to PING and +OK to AUTH with the given password (null: AUTH is refused as Redis does). */
  static FakeRedis answering(String password) throws IOException {
    return new FakeRedis(cmd -> switch (cmd.get(0).toUpperCase()) {
      case "PING" -> "+PONG";
      case "AUTH" -> password != null && password.equals(cmd.get(cmd.size() - 1)) ? "+OK"
          : "-WRONGPASS invalid username-password pair or user is disabled.";
      default -> "-ERR unknown command";
    });
  }

  int port() {
    return server.getLocalPort();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  String rawText() {
    synchronized (raw) {
      return raw.toString(StandardCharsets.UTF_8);
    }
  }

  private void serve(Socket client, Function<List<String>, String> reply) throws IOException {
    InputStream in = client.getInputStream();
    OutputStream out = client.getOutputStream();
    while (true) {
      String header = line(in);
      if (header == null) {
        return;
      }
      int count = Integer.parseInt(header.substring(1));
      List<String> cmd = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        line(in); // $length
        cmd.add(line(in));
      }
      commands.add(cmd);
      String answer = reply.apply(cmd);
      if (answer == null) {
        continue; // silent: the client's read times out
      }
      out.write((answer + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  private String line(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      synchronized (raw) {
        raw.write(c);
      }
      if (c == '\n') {
        String s = buf.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      buf.write(c);
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
