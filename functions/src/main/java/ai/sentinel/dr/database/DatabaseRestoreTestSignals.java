package ai.sentinel.dr.database;

import ai.sentinel.dr.trigger.SignalRules;

/** Database snapshot restore test: the signals that start it and its manual-payload fields. */
final class DatabaseRestoreTestSignals implements SignalRules {}
