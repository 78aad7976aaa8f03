using Onboarding.Core.Lifecycle;

namespace Onboarding.Core.Metering;

/// <summary>A subscription as metering sees it: who to bill, for which product, its plans over time, and when it was live.</summary>
/// <param name="ActiveUntil">When the subscription ended (unsubscribe or agreement end); null while it runs.</param>
public sealed record MeteredSubscription(
    SubscriptionRef Customer,
    string ProductCode,
    PlanTimeline Plans,
    DateTimeOffset ActiveFrom,
    DateTimeOffset? ActiveUntil)
{
    /// <summary>
    /// The customer part of the ledger key: the license ARN in the CustomerAWSAccountId + LicenseArn model
    /// (concurrent agreements of one account are billed separately), else the legacy CustomerIdentifier.
    /// </summary>
    public string CustomerKey => MeteringCustomer.KeyOf(Customer);

    /// <summary>Live at any moment of the hour starting at <paramref name="hour"/>: a started hour counts as a whole one.</summary>
    public bool IsActiveDuring(DateTimeOffset hour) =>
        ActiveFrom < hour + MeteringHours.Hour && (ActiveUntil is not { } until || until > hour);

    /// <summary>The feeds billed for the hour starting at <paramref name="hour"/>: those of every plan in force during it, none while not live.</summary>
    public IReadOnlyList<string> FeedsDuring(DateTimeOffset hour) => IsActiveDuring(hour) ? Plans.FeedsDuring(hour) : [];
}

public static class MeteringCustomer
{
    public static string KeyOf(SubscriptionRef customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        if (customer.LicenseArn is { Length: > 0 } license)
        {
            if (customer.CustomerAwsAccountId is not { Length: > 0 })
            {
                throw new ArgumentException($"License {license} has no customer AWS account id to bill.", nameof(customer));
            }

            return license;
        }

        return customer.CustomerIdentifier is { Length: > 0 } identifier
            ? identifier
            : throw new ArgumentException("A metered customer needs a license ARN with an account id, or a customer identifier.", nameof(customer));
    }
}
