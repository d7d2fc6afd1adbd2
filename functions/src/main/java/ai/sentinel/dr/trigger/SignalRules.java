package ai.sentinel.dr.trigger;

/**
 * A scenario's signal rules: which alarms and events (inside the EventBridge, SNS and manual envelopes) start it, and
 * its manual-payload fields and their validation.
 */
public interface SignalRules {}
