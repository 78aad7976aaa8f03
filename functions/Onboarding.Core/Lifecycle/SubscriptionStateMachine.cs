namespace Onboarding.Core.Lifecycle;

/// <summary>
/// Applies Marketplace notifications to a subscription. The resulting state depends only on the set of
/// notifications seen (see <see cref="SubscriptionState"/>); the decision says which side effects the
/// transition needs, and the last status decision always matches the final state, so access converges too.
/// </summary>
public static class SubscriptionStateMachine
{
    public readonly record struct Transition(SubscriptionState State, LifecycleDecision Decision);

    public static Transition Apply(SubscriptionState? current, LifecycleEvent notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return Apply(current, notification, notification.Subscription.Key);
    }

    /// <summary>
    /// Applies a notification to the state kept under <paramref name="key"/>: its direct key, or the key of the subscriber
    /// it resolved to (<see cref="SubscriberAliases.SubscriberKey"/>).
    /// </summary>
    public static Transition Apply(SubscriptionState? current, LifecycleEvent notification, string key)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var previous = current ?? SubscriptionState.Initial(notification.Subscription) with { Key = key };
        if (!string.Equals(previous.Key, key, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Notification {notification.EventId} is about subscription {key}, not {previous.Key}.",
                nameof(notification));
        }

        if (SubscriberAliases.StableIdOf(key) is null && !string.Equals(key, notification.Subscription.Key, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Notification {notification.EventId} is about subscription {notification.Subscription.Key}, not {key}.",
                nameof(notification));
        }

        var merged = previous with { Subscription = MergeIdentifiers(previous.Subscription, notification.Subscription) };
        return TargetStatus(notification.Kind) is { } status
            ? ApplyStatus(merged, previous, notification, status)
            : ApplyEntitlementChange(merged, notification);
    }

    /// <summary>Folds a sequence of notifications; handy for tests and for rebuilding state from a log.</summary>
    public static SubscriptionState? Replay(IEnumerable<LifecycleEvent> notifications)
    {
        SubscriptionState? state = null;
        foreach (var notification in notifications)
        {
            state = Apply(state, notification).State;
        }

        return state;
    }

    public static SubscriptionStatus? TargetStatus(LifecycleEventKind kind) => kind switch
    {
        LifecycleEventKind.SubscribeSuccess => SubscriptionStatus.Active,
        LifecycleEventKind.SubscribeFail => SubscriptionStatus.Failed,
        LifecycleEventKind.UnsubscribePending => SubscriptionStatus.PendingUnsubscribe,
        LifecycleEventKind.UnsubscribeSuccess or LifecycleEventKind.AgreementEnded or LifecycleEventKind.LicenseDeprovisioned
            => SubscriptionStatus.Ended,
        LifecycleEventKind.EntitlementUpdated or LifecycleEventKind.AgreementAmended or LifecycleEventKind.LicenseUpdated => null,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown lifecycle event kind."),
    };

    private static int Rank(SubscriptionStatus status) => status switch
    {
        SubscriptionStatus.Active => 1,
        SubscriptionStatus.Failed => 2,
        SubscriptionStatus.PendingUnsubscribe => 3,
        SubscriptionStatus.Ended => 4,
        _ => 0,
    };

    private static Transition ApplyStatus(
        SubscriptionState merged, SubscriptionState previous, LifecycleEvent notification, SubscriptionStatus status)
    {
        var stamp = new EventStamp(notification.OccurredAt, Rank(status), notification.EventId);
        if (previous.StatusStamp is { } seen && stamp <= seen)
        {
            var reason = stamp == seen
                ? $"Duplicate of notification {seen.EventId}."
                : $"Superseded by a later {previous.Status} notification ({seen.EventId} at {seen.At:O}).";
            return new Transition(merged, new LifecycleDecision.Ignore(reason));
        }

        var next = merged with { Status = status, StatusStamp = stamp };
        if (status == previous.Status)
        {
            return new Transition(next, new LifecycleDecision.Ignore($"Already {status}."));
        }

        LifecycleDecision decision = status switch
        {
            SubscriptionStatus.Active => new LifecycleDecision.Activate(),
            SubscriptionStatus.Failed when previous.GrantsAccess => new LifecycleDecision.Revoke(false, SubscriptionStatus.Failed),
            SubscriptionStatus.Failed => new LifecycleDecision.MarkFailed(),
            // Access was revoked (or never granted) yet the subscription is live until it ends: grant it again;
            // the hourly run meters every live hour, so no usage is lost.
            SubscriptionStatus.PendingUnsubscribe when !previous.GrantsAccess => new LifecycleDecision.Activate(),
            SubscriptionStatus.PendingUnsubscribe => new LifecycleDecision.SendFinalUsage(),
            SubscriptionStatus.Ended => new LifecycleDecision.Revoke(
                SendFinalUsageFirst: notification.Kind != LifecycleEventKind.UnsubscribeSuccess
                    || previous.Status == SubscriptionStatus.Active,
                FinalStatus: SubscriptionStatus.Ended),
            _ => throw new InvalidOperationException($"No decision for status {status}."),
        };
        return new Transition(next, decision);
    }

    private static Transition ApplyEntitlementChange(SubscriptionState merged, LifecycleEvent notification)
    {
        var stamp = new EventStamp(notification.OccurredAt, 0, notification.EventId);
        if (merged.EntitlementsStamp is { } seen && stamp <= seen)
        {
            var reason = stamp == seen
                ? $"Duplicate of notification {seen.EventId}."
                : $"Entitlements already re-planned for a later change ({seen.EventId} at {seen.At:O}).";
            return new Transition(merged, new LifecycleDecision.Ignore(reason));
        }

        var next = merged with { EntitlementsStamp = stamp };
        return next.GrantsAccess
            ? new Transition(next, new LifecycleDecision.ReplanEntitlements())
            // Activation plans from the entitlements current at that time, so nothing is lost by ignoring this.
            : new Transition(next, new LifecycleDecision.Ignore($"Entitlements changed while the subscription is {next.Status}; access is planned on activation."));
    }

    /// <summary>The identifiers of both, field by field; commutative and idempotent.</summary>
    public static SubscriptionRef MergeIdentifiers(SubscriptionRef a, SubscriptionRef b) => new(
        Pick(a.CustomerIdentifier, b.CustomerIdentifier),
        Pick(a.ProductCode, b.ProductCode),
        Pick(a.CustomerAwsAccountId, b.CustomerAwsAccountId),
        Pick(a.LicenseArn, b.LicenseArn),
        Pick(a.ProductId, b.ProductId),
        Pick(a.AgreementId, b.AgreementId));

    // Ordinal maximum: commutative and idempotent, so the merged identifiers do not depend on arrival order.
    private static string? Pick(string? a, string? b) =>
        string.IsNullOrEmpty(a) ? (string.IsNullOrEmpty(b) ? null : b)
        : string.IsNullOrEmpty(b) ? a
        : string.CompareOrdinal(a, b) >= 0 ? a : b;
}
