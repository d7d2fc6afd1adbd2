package ai.sentinel.dr.report;

/**
 * A scenario's part of the post-incident report: its impact, root cause, recovery point, severity rule and lessons.
 * {@link IncidentReports} keeps the runbook's template frame and asks the scenario for these.
 */
public interface ReportPart {}
