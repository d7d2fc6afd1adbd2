package ai.sentinel.dr.common;

import java.time.Clock;
import java.util.Map;

/**
 * What a handler is built from: configuration, the client factory and a clock. Lambda builds it from the process
 * environment (no-arg constructors); the local cloud builds one per function from that function's environment; unit
 * tests build it around mocks.
 */
public record Deps(DrConfig config, Clients clients, Clock clock) {

  public static Deps fromEnv(Map<String, String> env) {
    return new Deps(DrConfig.fromEnv(env), new Clients(env), Clock.systemUTC());
  }

  public static Deps fromProcessEnv() {
    return fromEnv(System.getenv());
  }
}
