package ai.sentinel.dr.localcloud;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Looks up the in-process function behind a Lambda function name. */
@FunctionalInterface
public interface FunctionRegistry {

  /**
   * Finds a function by its plain name (never an ARN, never with a qualifier).
   *
   * @param name the function name
   * @return the function, or empty when the gateway should answer ResourceNotFoundException
   */
  Optional<LocalFunction> find(String name);

  /** A registry with no functions: every invoke is answered 404. */
  static FunctionRegistry empty() {
    return name -> Optional.empty();
  }

  /** A fixed registry of {@code functions}, keyed by {@link LocalFunction#name()}. */
  static FunctionRegistry of(LocalFunction... functions) {
    return of(Arrays.asList(functions));
  }

  /** A fixed registry of {@code functions}, keyed by {@link LocalFunction#name()}; names must be unique. */
  static FunctionRegistry of(Collection<? extends LocalFunction> functions) {
    Map<String, LocalFunction> byName = new LinkedHashMap<>();
    for (LocalFunction function : functions) {
      if (byName.putIfAbsent(function.name(), function) != null) {
        throw new IllegalArgumentException("Duplicate function name: " + function.name());
      }
    }
    Map<String, LocalFunction> frozen = Map.copyOf(byName);
    return name -> Optional.ofNullable(frozen.get(name));
  }
}
