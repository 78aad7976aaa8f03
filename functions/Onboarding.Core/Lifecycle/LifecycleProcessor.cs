namespace Onboarding.Core.Lifecycle;

/// <summary>
/// Handles Marketplace notifications: parse, merge into the stored state, save it with the decision as pending effects,
/// carry the effects out, then clear them.
/// </summary>
/// <remarks>
/// <para>The state is saved before the effects so that the landing page, which reads it, refuses a cancelled buyer from
/// the moment revocation starts: were the effects first, a landing between the onboarding's restart and the save would
/// still read the old state and onboard the buyer afresh.</para>
/// <para>Saving first is safe with the state machine's order and duplicate rules because a pending decision is always
/// carried out before anything else happens to the subscription: a redelivery (which the state machine then ignores as
/// a duplicate) or any later notification first completes it, and only then is applied against the state it belongs
/// to. So the effects run in the order of the saved transitions, each after its predecessor, exactly as if every
/// first attempt had succeeded, and a failed attempt is repeated (the effects are idempotent), never lost or skipped.
/// The conditional save also means that of two concurrent notifications only one carries out effects; the lease keeps
/// a second invocation from repeating effects that are still running elsewhere.</para>
/// </remarks>
public sealed class LifecycleProcessor(
    ISubscriptionStateStore store, ILifecycleActions actions, IRejectedNotifications rejected, TimeProvider? clock = null, TimeSpan? effectsLease = null)
{
    /// <summary>How long another invocation leaves pending effects to the one that saved them: longer than the function's timeout (60 s).</summary>
    public static readonly TimeSpan DefaultEffectsLease = TimeSpan.FromMinutes(2);

    private readonly TimeProvider time = clock ?? TimeProvider.System;
    private readonly TimeSpan lease = effectsLease ?? DefaultEffectsLease;

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
        var subscriber = await ResolveAsync(notification.Subscription, cancellationToken).ConfigureAwait(false);
        var key = subscriber is null ? notification.Subscription.Key : SubscriberAliases.SubscriberKey(subscriber.StableId);
        var stored = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored?.Pending is not null)
        {
            stored = await CompletePendingAsync(stored, cancellationToken).ConfigureAwait(false);
        }

        var current = stored?.State;
        if (current is null && subscriber is not null)
        {
            current = await SeedAsync(key, SubscriptionStateMachine.MergeIdentifiers(subscriber.Identifiers, notification.Subscription), cancellationToken).ConfigureAwait(false);
        }

        var transition = SubscriptionStateMachine.Apply(current, notification, key);
        var state = transition.State;
        if (transition.Decision is LifecycleDecision.Ignore && state == stored?.State)
        {
            return new LifecycleOutcome(messageId, notification, transition.Decision);
        }

        var pending = transition.Decision is LifecycleDecision.Ignore
            ? null
            : new PendingEffects(transition.Decision, notification.OccurredAt, time.GetUtcNow() + lease);
        var version = stored?.Version ?? 0;
        if (!await store.TrySaveAsync(state, pending, version, cancellationToken).ConfigureAwait(false))
        {
            throw new ConcurrentSubscriptionUpdateException(key);
        }

        if (pending is not null)
        {
            await CarryOutAsync(new StoredSubscriptionState(state, version + 1, pending), cancellationToken).ConfigureAwait(false);
        }

        return new LifecycleOutcome(messageId, notification, transition.Decision);
    }

    /// <summary>
    /// The subscriber the notification concerns, through the aliases of its identifiers (null: none is known, the
    /// notification keeps its direct key). Identifiers it carries that have no alias yet are recorded, so a later
    /// notification carrying only one of them (an agreement id, say) reaches the same subscriber.
    /// </summary>
    private async Task<SubscriberAlias?> ResolveAsync(SubscriptionRef subscription, CancellationToken cancellationToken)
    {
        var lookups = new List<KeyValuePair<string, SubscriberAlias?>>();
        foreach (var identifierKey in SubscriberAliases.IdentifierKeys(subscription))
        {
            lookups.Add(new(identifierKey, await store.GetAliasAsync(identifierKey, cancellationToken).ConfigureAwait(false)));
        }

        var resolution = SubscriberAliases.Resolve(lookups);
        if (resolution.Subscriber is not { } subscriber)
        {
            return null;
        }

        if (resolution.Unaliased.Count > 0)
        {
            var learned = subscriber with { Identifiers = SubscriptionStateMachine.MergeIdentifiers(subscriber.Identifiers, subscription) };
            foreach (var identifierKey in resolution.Unaliased)
            {
                await store.RecordAliasAsync(identifierKey, learned, cancellationToken).ConfigureAwait(false);
            }

            return learned;
        }

        return subscriber;
    }

    /// <summary>The first state under a subscriber's own key: what its identifiers' direct keys recorded before it resolved.</summary>
    private async Task<SubscriptionState> SeedAsync(string key, SubscriptionRef identifiers, CancellationToken cancellationToken)
    {
        var direct = new List<SubscriptionState?>();
        foreach (var identifierKey in SubscriberAliases.IdentifierKeys(identifiers))
        {
            direct.Add((await store.GetAsync(identifierKey, cancellationToken).ConfigureAwait(false))?.State);
        }

        return SubscriberAliases.Seed(key, identifiers, direct);
    }

    /// <summary>Carries out effects left pending by an earlier attempt, unless another invocation may still be at them.</summary>
    private async Task<StoredSubscriptionState> CompletePendingAsync(StoredSubscriptionState stored, CancellationToken cancellationToken)
    {
        var pending = stored.Pending!;
        var now = time.GetUtcNow();
        if (pending.LeaseUntil > now)
        {
            throw new ConcurrentSubscriptionUpdateException(stored.State.Key);
        }

        // Taking them over: of invocations that find them abandoned, only one wins this save.
        var taken = pending with { LeaseUntil = now + lease };
        if (!await store.TrySaveAsync(stored.State, taken, stored.Version, cancellationToken).ConfigureAwait(false))
        {
            throw new ConcurrentSubscriptionUpdateException(stored.State.Key);
        }

        return await CarryOutAsync(new StoredSubscriptionState(stored.State, stored.Version + 1, taken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Carries out the pending effects of <paramref name="stored"/> and clears them; on failure, gives up the lease so a retry may take them over at once.</summary>
    private async Task<StoredSubscriptionState> CarryOutAsync(StoredSubscriptionState stored, CancellationToken cancellationToken)
    {
        var pending = stored.Pending!;
        try
        {
            await ExecuteAsync(pending.Decision, stored.State, pending.OccurredAt, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ReleaseAsync(stored).ConfigureAwait(false);
            throw;
        }

        if (!await store.TrySaveAsync(stored.State, null, stored.Version, cancellationToken).ConfigureAwait(false))
        {
            throw new ConcurrentSubscriptionUpdateException(stored.State.Key);
        }

        return new StoredSubscriptionState(stored.State, stored.Version + 1);
    }

    private async Task ReleaseAsync(StoredSubscriptionState stored)
    {
        try
        {
            await store.TrySaveAsync(stored.State, stored.Pending! with { LeaseUntil = time.GetUtcNow() }, stored.Version, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The lease then runs out by itself; the original failure is what the caller must see.
        }
    }

    private async Task ExecuteAsync(LifecycleDecision decision, SubscriptionState state, DateTimeOffset occurredAt, CancellationToken cancellationToken)
    {
        switch (decision)
        {
            case LifecycleDecision.Activate:
                await actions.ActivateAsync(state, cancellationToken).ConfigureAwait(false);
                break;
            case LifecycleDecision.MarkFailed:
                await actions.MarkFailedAsync(state, cancellationToken).ConfigureAwait(false);
                break;
            case LifecycleDecision.SendFinalUsage:
                await actions.SendFinalUsageAsync(state, occurredAt, cancellationToken).ConfigureAwait(false);
                break;
            case LifecycleDecision.Revoke revoke:
                await actions.RevokeAsync(state, revoke.SendFinalUsageFirst, revoke.FinalStatus, occurredAt, cancellationToken).ConfigureAwait(false);
                break;
            case LifecycleDecision.ReplanEntitlements:
                await actions.ReplanEntitlementsAsync(state, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(decision), decision, "No effects for this decision.");
        }
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
