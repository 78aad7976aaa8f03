namespace Onboarding.Core.Lifecycle;

/// <summary>
/// A subscription's state with the version used for optimistic concurrency, and the effects of the transition to it
/// when they are not known to be carried out yet (<see cref="LifecycleProcessor"/> saves the state first).
/// </summary>
public sealed record StoredSubscriptionState(SubscriptionState State, long Version, PendingEffects? Pending = null);

/// <summary>
/// The decision of a saved transition whose effects may not have been carried out: the next message about the
/// subscription (its own redelivery or any other) carries them out before it is applied. <see cref="LeaseUntil"/>
/// keeps other invocations from doing so while the invocation that saved it is still at work.
/// </summary>
/// <param name="OccurredAt">The time of the notification that caused it (final usage and revocation need it).</param>
public sealed record PendingEffects(LifecycleDecision Decision, DateTimeOffset OccurredAt, DateTimeOffset LeaseUntil)
{
    public LifecycleDecision Decision { get; } = Decision is null or LifecycleDecision.Ignore
        ? throw new ArgumentException("Only a decision with effects can be pending.", nameof(Decision))
        : Decision;
}

/// <summary>Where subscription states live (the subscriber records in DynamoDB in production).</summary>
public interface ISubscriptionStateStore
{
    Task<StoredSubscriptionState?> GetAsync(string subscriptionKey, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the state and its pending effects (null: none) as version <paramref name="expectedVersion"/> + 1 when the
    /// stored version is still <paramref name="expectedVersion"/> (0: not stored yet); false otherwise.
    /// </summary>
    Task<bool> TrySaveAsync(SubscriptionState state, PendingEffects? pending, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>The subscriber an identifier key (<see cref="SubscriberAliases.IdentifierKeys"/>) belongs to, or null when unknown.</summary>
    Task<SubscriberAlias?> GetAliasAsync(string identifierKey, CancellationToken cancellationToken);

    /// <summary>
    /// Records that <paramref name="identifierKey"/> belongs to <paramref name="alias"/>'s subscriber unless the key already
    /// has an alias (the first one stays: an identifier never moves to another subscriber). Returns the alias now stored.
    /// </summary>
    Task<SubscriberAlias> RecordAliasAsync(string identifierKey, SubscriberAlias alias, CancellationToken cancellationToken);
}

/// <summary>
/// The side effects of lifecycle decisions, carried out by the onboarding adapters (ACLs, ACM PCA, Secrets Manager,
/// subscriber records, metering). Each must be idempotent: a re-delivered notification repeats it.
/// </summary>
public interface ILifecycleActions
{
    /// <summary>GetEntitlements, plan and write ACLs for a registered buyer; for an unregistered one, nothing beyond the state.</summary>
    Task ActivateAsync(SubscriptionState state, CancellationToken cancellationToken);

    Task MarkFailedAsync(SubscriptionState state, CancellationToken cancellationToken);

    Task SendFinalUsageAsync(SubscriptionState state, DateTimeOffset endingAt, CancellationToken cancellationToken);

    /// <summary>
    /// Remove every ACL, revoke the certificate, mark the secret and records; optionally send final usage first.
    /// <paramref name="finalStatus"/> (<see cref="SubscriptionStatus.Ended"/> or <see cref="SubscriptionStatus.Failed"/>)
    /// says why, and so which status the subscriber record gets.
    /// </summary>
    Task RevokeAsync(SubscriptionState state, bool sendFinalUsageFirst, SubscriptionStatus finalStatus, DateTimeOffset endedAt, CancellationToken cancellationToken);

    Task ReplanEntitlementsAsync(SubscriptionState state, CancellationToken cancellationToken);
}

/// <summary>The dead-letter destination for notifications that can never be processed, with the reason.</summary>
public interface IRejectedNotifications
{
    Task RejectAsync(string messageId, string? body, string reason, CancellationToken cancellationToken);
}

/// <summary>One SQS message as the Lifecycle function receives it (mapped from the Lambda SQS event).</summary>
public sealed record QueuedNotification(string MessageId, string? Body, DateTimeOffset? SentTimestamp);

/// <summary>What happened to one notification; the function logs it.</summary>
public sealed record LifecycleOutcome(
    string MessageId, LifecycleEvent? Event, LifecycleDecision? Decision, string? Rejected = null, Exception? Failure = null);

/// <summary>The outcome of an SQS batch; <see cref="FailedMessageIds"/> become the Lambda <c>batchItemFailures</c>.</summary>
public sealed record LifecycleBatchResult(IReadOnlyList<LifecycleOutcome> Outcomes)
{
    public IReadOnlyList<string> FailedMessageIds => [.. Outcomes.Where(o => o.Failure is not null).Select(o => o.MessageId)];
}

/// <summary>Another invocation changed the subscription meanwhile; the message is retried against the newer state.</summary>
public sealed class ConcurrentSubscriptionUpdateException(string subscriptionKey)
    : Exception($"Subscription {subscriptionKey} was updated concurrently; the notification will be retried.");
