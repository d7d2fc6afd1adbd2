package ai.sentinel.dr.database;

import ai.sentinel.dr.trigger.SignalRules;

/** Database failure: the signals that start it and its manual-payload fields. */
final class DatabaseFailureSignals implements SignalRules {}
