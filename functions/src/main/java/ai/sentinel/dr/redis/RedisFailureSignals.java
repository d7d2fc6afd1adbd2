package ai.sentinel.dr.redis;

import ai.sentinel.dr.trigger.SignalRules;

/** Redis failure: the signals that start it and its manual-payload fields. */
final class RedisFailureSignals implements SignalRules {}
