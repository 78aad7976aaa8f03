using Onboarding.Core.Lifecycle;
using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Tests.Lifecycle;

public sealed class SubscriptionIdentitiesTests
{
    private const string License = "arn:aws:license-manager::111122223333:license:l-1";

    [Fact]
    public void Candidates_WithBothModels_ListsTheConfiguredModelFirst()
    {
        var subscription = new SubscriptionRef("cust-1", "prod-1", "444455556666", License);

        var licenseFirst = SubscriptionIdentities.Candidates(subscription, null, licenseModelFirst: true);
        var identifierFirst = SubscriptionIdentities.Candidates(subscription, null, licenseModelFirst: false);

        Assert.Equal([CustomerIdentity.FromAccountAndLicense("444455556666", License), CustomerIdentity.FromCustomerIdentifier("cust-1", "prod-1")], licenseFirst);
        Assert.Equal([.. licenseFirst.Reverse()], identifierFirst);
    }

    [Fact]
    public void Candidates_WithoutProductCode_UseTheConfiguredOne()
    {
        var candidates = SubscriptionIdentities.Candidates(new SubscriptionRef("cust-1", null, null, null), "prod-9", licenseModelFirst: true);

        Assert.Equal([CustomerIdentity.FromCustomerIdentifier("cust-1", "prod-9")], candidates);
    }

    [Fact]
    public void Candidates_OfALicenseWithoutAccountOrAMalformedAccount_AreEmpty()
    {
        Assert.Empty(SubscriptionIdentities.Candidates(new SubscriptionRef(null, null, null, License), null, true));
        Assert.Empty(SubscriptionIdentities.Candidates(new SubscriptionRef(null, null, "12", License), null, true));
    }

    [Fact]
    public void BillingRef_FollowsTheOnboardedIdentityNotTheNotification()
    {
        var byLicense = SubscriptionIdentities.BillingRef(CustomerIdentity.FromAccountAndLicense("444455556666", License), "prod-1");
        var byIdentifier = SubscriptionIdentities.BillingRef(CustomerIdentity.FromCustomerIdentifier("cust-1", "prod-1"), "prod-1");

        Assert.Equal(new SubscriptionRef(null, "prod-1", "444455556666", License), byLicense);
        Assert.Equal(new SubscriptionRef("cust-1", "prod-1", null, null), byIdentifier);
    }
}
