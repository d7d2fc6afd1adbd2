package ai.sentinel.dr.recovery;

/**
 * A scenario's own working state in the recovery document: the top-level JSON field it lives under (which the
 * scenario's Choice states read, e.g. {@code $.cache.cluster.available}) and its type. Declared by the scenario's
 * state record ({@code CacheState.PART}), so the shared document never names a scenario.
 *
 * @param name JSON field of the document
 * @param type the record stored there
 */
public record Part<T>(String name, Class<T> type) {}
