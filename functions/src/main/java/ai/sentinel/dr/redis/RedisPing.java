package ai.sentinel.dr.redis;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import software.amazon.awssdk.services.elasticache.model.Endpoint;

/**
 * The runbook's "is Redis answering" as a raw socket speaking RESP: no client library for one command. AUTH first
 * when the secret carries a password (an AUTH-protected cache answers PING with -NOAUTH otherwise), TLS for
 * {@code rediss://}. Connect and read both time out after 3 seconds. Replies are quoted in the result, commands never
 * (AUTH carries the password).
 */
final class RedisPing {
  static final int TIMEOUT_MILLIS = 3000;
  private static final int MAX_LINE = 512;

  private RedisPing() {}

  /** Whether the server answered +PONG, and what was seen. */
  record Answer(boolean pong, String detail) {}

  static Answer ping(String host, int port, boolean tls, String user, String password) {
    String where = host + ":" + port + (tls ? " (TLS)" : "");
    try (Socket socket = open(host, port, tls)) {
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (password != null) {
        out.write(command(user == null ? List.of("AUTH", password) : List.of("AUTH", user, password)));
        out.flush();
        String auth = line(in);
        if (!auth.equals("+OK")) {
          return new Answer(false, "AUTH on " + where + " answered " + auth);
        }
      }
      out.write(command(List.of("PING")));
      out.flush();
      String reply = line(in);
      return new Answer("+PONG".equals(reply), "PING to " + where + " answered " + reply);
    } catch (SocketTimeoutException e) {
      return new Answer(false, "PING to " + where + " got no answer within " + TIMEOUT_MILLIS / 1000 + " s");
    } catch (IOException e) {
      return new Answer(false, "PING to " + where + " failed: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
  }

  /**
   * Redis PING at the settings' connectHost (local clouds, whose endpoints are not real) or the cluster's endpoint,
   * with the secret's TLS and credentials (a null url: none): what the services will do on their first request.
   */
  static Check check(DrConfig config, RedisUrl url, Endpoint endpoint, String name) {
    if (!RedisSettings.of(config).verifyConnect()) {
      return new Check(name, Result.SKIP, "redis.verifyConnect=false: no network path to the cache");
    }
    String host;
    int port;
    String connect = RedisSettings.of(config).connectHost();
    if (connect != null) {
      int colon = connect.lastIndexOf(':');
      host = colon < 0 ? connect : connect.substring(0, colon);
      try {
        port = colon < 0 ? CacheClusters.DEFAULT_PORT : Integer.parseInt(connect.substring(colon + 1));
      } catch (NumberFormatException e) {
        return new Check(name, Result.FAIL, "redis connectHost '" + connect + "' is not host:port");
      }
    } else if (endpoint != null) {
      host = endpoint.address();
      port = CacheClusters.portOf(endpoint);
    } else {
      return new Check(name, Result.FAIL, "no endpoint to PING");
    }
    String user;
    String password;
    try {
      user = url == null ? null : url.user();
      password = url == null ? null : url.password();
    } catch (StepFailedError e) {
      return new Check(name, Result.FAIL, e.getMessage());
    }
    Answer answer = ping(host, port, url != null && url.tls(), user, password);
    return new Check(name, answer.pong() ? Result.PASS : Result.FAIL, answer.detail());
  }

  private static Socket open(String host, int port, boolean tls) throws IOException {
    Socket raw = new Socket();
    try {
      raw.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
      raw.setSoTimeout(TIMEOUT_MILLIS);
      if (!tls) {
        return raw;
      }
      SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
          .createSocket(raw, host, port, true);
      SSLParameters params = ssl.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the endpoint
      ssl.setSSLParameters(params);
      ssl.startHandshake();
      return ssl;
    } catch (IOException e) {
      raw.close();
      throw e;
    }
  }

  /** A RESP array of bulk strings: {@code *1\r\n$4\r\nPING\r\n}. */
  static byte[] command(List<String> parts) {
    StringBuilder b = new StringBuilder("*").append(parts.size()).append("\r\n");
    for (String part : parts) {
      b.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(part).append("\r\n");
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** One reply line without its CRLF, cut at 512 bytes (a confused server must not flood the timeline). */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1 && c != '\n' && buf.size() < MAX_LINE) {
      if (c != '\r') {
        buf.write(c);
      }
    }
    if (c == -1 && buf.size() == 0) {
      throw new EOFException("connection closed without a reply");
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    return text.isEmpty() ? "(empty line)" : text;
  }
}
