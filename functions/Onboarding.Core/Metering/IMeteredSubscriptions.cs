namespace Onboarding.Core.Metering;

/// <summary>The subscriptions to meter, read from the subscriber records (onboarding's store in production).</summary>
public interface IMeteredSubscriptions
{
    /// <summary>Every subscription live at some time at or after <paramref name="since"/>, including those that ended since.</summary>
    Task<IReadOnlyList<MeteredSubscription>> ListAsync(DateTimeOffset since, CancellationToken cancellationToken);
}
