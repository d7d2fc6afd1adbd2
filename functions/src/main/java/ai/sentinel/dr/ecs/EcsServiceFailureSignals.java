package ai.sentinel.dr.ecs;

import ai.sentinel.dr.trigger.SignalRules;

/** ECS service failure: the signals that start it and its manual-payload fields. */
final class EcsServiceFailureSignals implements SignalRules {}
