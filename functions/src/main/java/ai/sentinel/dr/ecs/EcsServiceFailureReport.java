package ai.sentinel.dr.ecs;

import ai.sentinel.dr.report.ReportPart;

/** ECS service failure: its part of the post-incident report. */
final class EcsServiceFailureReport implements ReportPart {}
