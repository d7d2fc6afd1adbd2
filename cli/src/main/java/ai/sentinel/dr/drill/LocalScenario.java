package ai.sentinel.dr.drill;

import java.util.List;
import java.util.function.Supplier;

/**
 * A runbook scenario on the local cloud: its part of the seeded platform, its recovery drills and its Testing
 * Schedule tests. Registered once, in {@link LocalScenarios#ALL}.
 *
 * @param seed   a fresh seed part for each local platform
 * @param drills a fresh drill for each run (a drill may keep what it noted before the failure)
 * @param tests  the scenario's Testing Schedule tests, drilled the same way (listed after every recovery drill)
 */
public record LocalScenario(Supplier<SeedPart> seed, List<Supplier<DrillScenario>> drills,
    List<Supplier<DrillScenario>> tests) {}
