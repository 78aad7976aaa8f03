namespace Onboarding.Core.Lifecycle;

/// <summary>
/// Handles Marketplace notifications: parse, merge into the stored state, carry out the decision, save.
/// Effects run before the state is saved, so a crash in between repeats the (idempotent) effects on
/// re-delivery instead of losing them.
/// </summary>
public sealed class LifecycleProcessor(ISubscriptionStateStore store, ILifecycleActions actions, IRejectedNotifications rejected)
{
    /// <summary>An SQS batch from the Marketplace SNS topics. Unparseable messages are dead-lettered with the reason and
    /// acknowledged (never retried); messages whose processing failed are reported for a partial batch retry.</summary>
    public async Task<LifecycleBatchResult> HandleBatchAsync(IEnumerable<QueuedNotification> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var outcomes = new List<LifecycleOutcome>();
        foreach (var message in messages)
        {
            var parsed = LifecycleMessageParser.ParseSqsBody(message.Body, message.MessageId, message.SentTimestamp);
            outcomes.Add(parsed.Succeeded
                ? await HandleSafelyAsync(message.MessageId, parsed.Event!, cancellationToken).ConfigureAwait(false)
                : await RejectAsync(message.MessageId, message.Body, parsed.Error!, cancellationToken).ConfigureAwait(false));
        }

        return new LifecycleBatchResult(outcomes);
    }

    /// <summary>One EventBridge event. A malformed event is dead-lettered; a processing failure throws so EventBridge retries.</summary>
    public async Task<LifecycleOutcome> HandleEventBridgeAsync(string json, string fallbackId, CancellationToken cancellationToken)
    {
        var parsed = LifecycleMessageParser.ParseEventBridge(json);
        if (!parsed.Succeeded)
        {
            var outcome = await RejectAsync(fallbackId, json, parsed.Error!, cancellationToken).ConfigureAwait(false);
            return outcome.Failure is { } failure ? throw failure : outcome;
        }

        return await HandleAsync(parsed.Event!.EventId, parsed.Event, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LifecycleOutcome> HandleAsync(string messageId, LifecycleEvent notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var key = notification.Subscription.Key;
        var stored = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        var transition = SubscriptionStateMachine.Apply(stored?.State, notification);
        var state = transition.State;

        switch (transition.Decision)
        {
            case LifecycleDecision.Activate:
                await actions.ActivateAsync(state, cancellationToken).ConfigureAwait(false);
                break;
            case LifecycleDecision.MarkFailed:
                await actions.MarkFailedAsync(state, cancellationToken).ConfigureAwait(false);
                break;
            case LifecycleDecision.SendFinalUsage:
                await actions.SendFinalUsageAsync(state, notification.OccurredAt, cancellationToken).ConfigureAwait(false);
                break;
            case LifecycleDecision.Revoke revoke:
                await actions.RevokeAsync(state, revoke.SendFinalUsageFirst, revoke.FinalStatus, notification.OccurredAt, cancellationToken).ConfigureAwait(false);
                break;
            case LifecycleDecision.ReplanEntitlements:
                await actions.ReplanEntitlementsAsync(state, cancellationToken).ConfigureAwait(false);
                break;
        }

        if (state != stored?.State && !await store.TrySaveAsync(state, stored?.Version ?? 0, cancellationToken).ConfigureAwait(false))
        {
            throw new ConcurrentSubscriptionUpdateException(key);
        }

        return new LifecycleOutcome(messageId, notification, transition.Decision);
    }

    private async Task<LifecycleOutcome> HandleSafelyAsync(string messageId, LifecycleEvent notification, CancellationToken cancellationToken)
    {
        try
        {
            return await HandleAsync(messageId, notification, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new LifecycleOutcome(messageId, notification, null, Failure: e);
        }
    }

    private async Task<LifecycleOutcome> RejectAsync(string messageId, string? body, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await rejected.RejectAsync(messageId, body, reason, cancellationToken).ConfigureAwait(false);
            return new LifecycleOutcome(messageId, null, null, Rejected: reason);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Could not dead-letter it ourselves: let SQS retry; its redrive policy moves it to the DLQ eventually.
            return new LifecycleOutcome(messageId, null, null, Rejected: reason, Failure: e);
        }
    }
}
