package ai.sentinel.dr.database;

import ai.sentinel.dr.report.ReportPart;

/** Database failure: its part of the post-incident report. */
final class DatabaseFailureReport implements ReportPart {}
