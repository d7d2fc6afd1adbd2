package ai.sentinel.dr.database;

import ai.sentinel.dr.report.ReportPart;

/** Database snapshot restore test: its part of the post-incident report. */
final class DatabaseRestoreTestReport implements ReportPart {}
