/**
 * The naive baseline: Lambda handlers written the way a first Lambda usually is. Per call they build their SDK
 * clients with {@code XxxClient.create()} (default credential chain, default region chain, default HTTP client, which
 * is Apache because the jar carries the modules' default dependencies), and a fresh {@link
 * com.fasterxml.jackson.databind.ObjectMapper}. Each does the same AWS calls as the handler of ours it is compared
 * with, so the ratios compare packaging and client set-up, not different work.
 *
 * <p>Nothing here is used by the project; only {@code bench/coldstart.sh} runs it, in the naive jar.
 */
package ai.sentinel.dr.bench.naive;
