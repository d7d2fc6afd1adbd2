package ai.sentinel.dr.safety;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What one recovery locks: every resource it will mutate, as its scenario declares them
 * ({@link Scenario#mutates}), taken all-or-nothing in {@link LockedResource#ORDER}.
 *
 * @param scenario  the recovery's scenario
 * @param resource  the resource it recovers (as in the recovery document)
 * @param own       the lock item of that resource, where signals that join the recovery are recorded
 * @param resources everything locked, own included, sorted and distinct
 */
public record Claim(String scenario, String resource, LockedResource own, List<LockedResource> resources) {
  public Claim {
    resources = List.copyOf(new TreeSet<>(resources));
    if (!resources.contains(own)) {
      throw new IllegalArgumentException("the claim of " + scenario + " on " + resource + " must lock " + own);
    }
  }

  /** The claim of a scenario's recovery of {@code resource}: its own resource first, then what it changes besides. */
  public static Claim of(Scenario scenario, String resource, DrConfig config) {
    List<LockedResource> declared = new ArrayList<>(scenario.mutates(resource, config));
    if (declared.isEmpty()) {
      throw new IllegalStateException(scenario.id() + " declares no resource it mutates: nothing could be locked");
    }
    return new Claim(scenario.id(), resource, declared.get(0), declared);
  }

  /** The claim of the registered scenario {@code scenario}. */
  public static Claim of(String scenario, String resource, DrConfig config) {
    return of(ScenarioRegistry.get(scenario), resource, config);
  }
}
