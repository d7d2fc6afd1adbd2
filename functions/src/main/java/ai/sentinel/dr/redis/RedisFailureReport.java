package ai.sentinel.dr.redis;

import ai.sentinel.dr.report.ReportPart;

/** Redis failure: its part of the post-incident report. */
final class RedisFailureReport implements ReportPart {}
