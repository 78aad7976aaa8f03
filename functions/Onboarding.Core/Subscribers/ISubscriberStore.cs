namespace Onboarding.Core.Subscribers;

/// <summary>A stored value with the version its optimistic-concurrency check compares against.</summary>
public sealed record Versioned<T>(T Value, long Version);

/// <summary>What the customer is entitled to as last checked, and the topics that follow from it.</summary>
public sealed record EntitlementSnapshot(
    CustomerIdentity Customer,
    IReadOnlyList<Entitlement> Entitlements,
    IReadOnlyList<string> Topics,
    DateTimeOffset CheckedAt);

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
