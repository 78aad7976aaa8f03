namespace Onboarding.Core.Lifecycle;

public enum SubscriptionStatus
{
    /// <summary>No status notification seen yet (for example, only an entitlement update arrived).</summary>
    Unknown,
    Active,
    Failed,
    /// <summary>Unsubscribe requested; access continues until the subscription ends.</summary>
    PendingUnsubscribe,
    Ended,
}

/// <summary>
/// The position of an event in the total order used to merge notifications: publication time first,
/// then the more final status (so a tie never leaves a cancelled subscription active), then the event id.
/// </summary>
public readonly record struct EventStamp(DateTimeOffset At, int Rank, string EventId) : IComparable<EventStamp>
{
    public int CompareTo(EventStamp other)
    {
        var byTime = At.UtcTicks.CompareTo(other.At.UtcTicks);
        if (byTime != 0)
        {
            return byTime;
        }

        var byRank = Rank.CompareTo(other.Rank);
        return byRank != 0 ? byRank : string.CompareOrdinal(EventId, other.EventId);
    }

    public static bool operator >(EventStamp left, EventStamp right) => left.CompareTo(right) > 0;

    public static bool operator <(EventStamp left, EventStamp right) => left.CompareTo(right) < 0;

    public static bool operator >=(EventStamp left, EventStamp right) => left.CompareTo(right) >= 0;

    public static bool operator <=(EventStamp left, EventStamp right) => left.CompareTo(right) <= 0;
}

/// <summary>
/// What we know about one subscription. It is the join of every notification seen: the status comes from the
/// greatest status event, the entitlement version from the greatest entitlement event, and identifiers are merged
/// field by field. Joining is commutative, associative and idempotent, so arrival order and duplicates do not
/// change the result.
/// </summary>
public sealed record SubscriptionState(
    string Key,
    SubscriptionRef Subscription,
    SubscriptionStatus Status,
    EventStamp? StatusStamp,
    EventStamp? EntitlementsStamp)
{
    /// <summary>Whether the buyer should be able to read the feeds in this state.</summary>
    public bool GrantsAccess => Status is SubscriptionStatus.Active or SubscriptionStatus.PendingUnsubscribe;

    public static SubscriptionState Initial(SubscriptionRef subscription) =>
        new(subscription.Key, subscription, SubscriptionStatus.Unknown, null, null);
}
