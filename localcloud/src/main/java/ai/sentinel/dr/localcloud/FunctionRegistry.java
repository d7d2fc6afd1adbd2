package ai.sentinel.dr.localcloud;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
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

  /** Every function, for Lambda's ListFunctions (by name); a registry that cannot enumerate lists none. */
  default Collection<LocalFunction> functions() {
    return List.of();
  }

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
    List<LocalFunction> sorted = byName.values().stream().sorted(Comparator.comparing(LocalFunction::name)).toList();
    return new FunctionRegistry() {
      @Override
      public Optional<LocalFunction> find(String name) {
        return Optional.ofNullable(frozen.get(name));
      }

      @Override
      public Collection<LocalFunction> functions() {
        return sorted;
      }
    };
  }
}
