namespace Onboarding.Core.Metering;

/// <summary>The subscriptions to meter, read from the subscriber records (onboarding's store in production).</summary>
public interface IMeteredSubscriptions
{
    /// <summary>Every subscription live at some time at or after <paramref name="since"/>, including those that ended since.</summary>
    Task<SubscriptionsToMeter> ListAsync(DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>What one metering run bills, and whom it cannot.</summary>
/// <param name="Subscriptions">Subscriptions with at least one feed to bill.</param>
/// <param name="CustomersWithoutPlan">
/// Customers whose subscriber record gives them access but who have no entitlement plan (the feeds their ACLs were
/// written for), so there is nothing to bill them from. Onboarding writes the plan before the subscriber record, so
/// this is a broken record that needs a person: reported, never silently skipped.
/// </param>
public sealed record SubscriptionsToMeter(IReadOnlyList<MeteredSubscription> Subscriptions, IReadOnlyList<string> CustomersWithoutPlan)
{
    public static SubscriptionsToMeter Of(params MeteredSubscription[] subscriptions) => new(subscriptions, []);
}
