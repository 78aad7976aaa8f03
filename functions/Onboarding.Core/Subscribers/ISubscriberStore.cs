namespace Onboarding.Core.Subscribers;

/// <summary>A stored value with the version its optimistic-concurrency check compares against.</summary>
public sealed record Versioned<T>(T Value, long Version);

/// <summary>
/// What the customer is entitled to as last checked, the topics that follow from it, and since when those topics are
/// the plan, with the recent earlier plans: metering bills an hour for every plan in force during it, and hours are
/// metered after the plan may have changed. Writers compute the next snapshot with <see cref="PlanHistory.Next"/>.
/// </summary>
public sealed record EntitlementSnapshot(
    CustomerIdentity Customer,
    IReadOnlyList<Entitlement> Entitlements,
    IReadOnlyList<string> Topics,
    DateTimeOffset CheckedAt)
{
    /// <summary>When <see cref="Topics"/> took effect; null (a record written before plans had a history): since the subscription started.</summary>
    public DateTimeOffset? PlanSince { get; init; }

    /// <summary>Earlier plans that had feeds, oldest first, pruned by <see cref="PlanHistory"/>.</summary>
    public IReadOnlyList<PlanPeriod> PastPlans { get; init; } = [];
}

/// <summary>A plan that was in force from <paramref name="From"/> (null: since the subscription started) until, not including, <paramref name="Until"/>.</summary>
public sealed record PlanPeriod(IReadOnlyList<string> Topics, DateTimeOffset? From, DateTimeOffset Until);

/// <summary>
/// Another writer changed the record since it was read (or holds the claim). Nothing was written; read again and
/// decide again.
/// </summary>
public sealed class ConcurrentUpdateException(string message) : Exception(message);

/// <summary>Subscriber profiles and entitlement snapshots. Every write is conditional on the version read.</summary>
public interface ISubscriberStore
{
    Task<Versioned<Subscriber>?> GetAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Writes the subscriber if its stored version is <paramref name="expectedVersion"/> (0: must not exist). Returns the new version.</summary>
    /// <exception cref="ConcurrentUpdateException">The stored version differs.</exception>
    Task<long> SaveAsync(Subscriber subscriber, long expectedVersion, CancellationToken cancellationToken = default);

    Task<Versioned<EntitlementSnapshot>?> GetEntitlementsAsync(string customerId, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="SaveAsync"/>
    Task<long> SaveEntitlementsAsync(EntitlementSnapshot snapshot, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Every subscriber profile (for metering and the finance view), in no particular order.</summary>
    IAsyncEnumerable<Subscriber> ListAsync(CancellationToken cancellationToken = default);
}
