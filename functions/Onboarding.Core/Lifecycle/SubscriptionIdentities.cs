using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Lifecycle;

/// <summary>
/// Links a Marketplace notification to the onboarding records it concerns. Onboarding names a buyer by one
/// <see cref="CustomerIdentity"/> (legacy pair or account + license); a notification may carry either or both.
/// </summary>
public static class SubscriptionIdentities
{
    /// <summary>
    /// The identities the subscription may have been onboarded under, the configured model's first. A license ARN
    /// needs the account id; the legacy pair falls back to <paramref name="defaultProductCode"/> when the message has no product code.
    /// </summary>
    public static IReadOnlyList<CustomerIdentity> Candidates(SubscriptionRef subscription, string? defaultProductCode, bool licenseModelFirst)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        CustomerIdentity? byLicense = null;
        CustomerIdentity? byIdentifier = null;
        if (subscription is { LicenseArn: { Length: > 0 } license, CustomerAwsAccountId: { Length: > 0 } account })
        {
            byLicense = Try(() => CustomerIdentity.FromAccountAndLicense(account, license));
        }

        var product = subscription.ProductCode is { Length: > 0 } code ? code : defaultProductCode;
        if (subscription.CustomerIdentifier is { Length: > 0 } identifier && product is { Length: > 0 })
        {
            byIdentifier = Try(() => CustomerIdentity.FromCustomerIdentifier(identifier, product));
        }

        var ordered = licenseModelFirst ? new[] { byLicense, byIdentifier } : [byIdentifier, byLicense];
        return [.. ordered.OfType<CustomerIdentity>()];
    }

    /// <summary>
    /// The customer as metering bills it, from the identity it was onboarded under, so final usage and the hourly run
    /// write the same ledger keys whatever identifiers a notification carried.
    /// </summary>
    public static SubscriptionRef BillingRef(CustomerIdentity customer, string productCode)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return customer.Model == CustomerIdentityModel.AccountAndLicense
            ? new SubscriptionRef(null, productCode, customer.AwsAccountId, customer.LicenseArn)
            : new SubscriptionRef(customer.CustomerIdentifier, customer.ProductCode ?? productCode, null, null);
    }

    // A malformed identifier in a notification names no onboarded customer; the notification itself was validated by the parser.
    private static CustomerIdentity? Try(Func<CustomerIdentity> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
