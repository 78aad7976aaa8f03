using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Tests.Subscribers;

public sealed class CustomerIdentityTests
{
    private const string License = "arn:aws:license-manager::111122223333:license:l-0123456789abcdef0123456789abcdef";

    [Fact]
    public void StableId_ForTheSameCustomer_IsTheSameEveryTime()
    {
        var first = CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123");
        var second = CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123");

        Assert.Equal(first.StableId, second.StableId);
        Assert.Equal(first, second);
        Assert.True(CustomerIdentity.IsStableId(first.StableId));
        Assert.Equal("mp-", first.StableId[..3]);
    }

    [Fact]
    public void StableId_IsPinned_SoStoredRecordsAndCertificatesKeepMatching()
    {
        // Changing the derivation would orphan every existing subscriber's records, certificate and ACLs.
        var legacy = CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123");
        var account = CustomerIdentity.FromAccountAndLicense("111122223333", License);

        Assert.Equal(legacy.StableId, CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123").StableId);
        Assert.Matches("^mp-[a-z2-7]{26}$", legacy.StableId);
        Assert.Matches("^mp-[a-z2-7]{26}$", account.StableId);
        Assert.Equal(legacy.StableId + ".", legacy.ConsumerGroupPrefix);
    }

    [Fact]
    public void StableId_DistinguishesIdentifiersThatDifferOnlyInCase()
    {
        var upper = CustomerIdentity.FromCustomerIdentifier("ABCdef", "prod-1");
        var lower = CustomerIdentity.FromCustomerIdentifier("abcdef", "prod-1");

        Assert.NotEqual(upper.StableId, lower.StableId);
    }

    [Fact]
    public void StableId_DiffersBetweenModelsProductsAndLicenses()
    {
        var ids = new[]
        {
            CustomerIdentity.FromCustomerIdentifier("111122223333", "prod-1").StableId,
            CustomerIdentity.FromCustomerIdentifier("111122223333", "prod-2").StableId,
            CustomerIdentity.FromAccountAndLicense("111122223333", License).StableId,
            CustomerIdentity.FromAccountAndLicense("111122223333", License + "0").StableId,
        };

        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Property]
    public Property StableId_ForAnyIdentifiers_HasOnlySafeCharacters() =>
        Prop.ForAll(
            Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:+=".ToCharArray())
                .ArrayOf().Where(a => a.Length > 0).Select(a => new string(a)).Two().ToArbitrary(),
            pair =>
            {
                var id = CustomerIdentity.FromCustomerIdentifier(pair.Item1, pair.Item2).StableId;
                return CustomerIdentity.IsStableId(id) && id.Length == CustomerIdentity.StableIdLength;
            });

    [Theory]
    [InlineData("", "prod-1")]
    [InlineData("cust", "")]
    [InlineData(" cust", "prod-1")]
    [InlineData("cu\nst", "prod-1")]
    public void FromCustomerIdentifier_WithMissingOrUnsafeValues_IsRejected(string customer, string product)
    {
        Assert.Throws<ArgumentException>(() => CustomerIdentity.FromCustomerIdentifier(customer, product));
    }

    [Theory]
    [InlineData("11112222333", License)]
    [InlineData("11112222333x", License)]
    [InlineData("111122223333", "arn:aws:s3:::bucket")]
    [InlineData("111122223333", "")]
    public void FromAccountAndLicense_WithBadAccountOrLicense_SaysWhichIsWrong(string account, string license)
    {
        var error = Assert.Throws<ArgumentException>(() => CustomerIdentity.FromAccountAndLicense(account, license));

        Assert.Matches("CustomerAWSAccountId|LicenseArn", error.Message);
    }

    [Fact]
    public void SecretName_IsThePrefixAndTheStableId()
    {
        var customer = CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123");

        Assert.Equal("marketplace-feed/subscribers/" + customer.StableId, customer.SecretName("marketplace-feed/subscribers/"));
        Assert.Throws<ArgumentException>(() => customer.SecretName("no-slash"));
        Assert.Throws<ArgumentException>(() => customer.SecretName("bad prefix/"));
    }

    [Fact]
    public void AccountModel_KeepsBothIdentifiers()
    {
        var customer = CustomerIdentity.FromAccountAndLicense("111122223333", License);

        Assert.Equal(CustomerIdentityModel.AccountAndLicense, customer.Model);
        Assert.Equal("111122223333", customer.AwsAccountId);
        Assert.Equal(License, customer.LicenseArn);
        Assert.Null(customer.CustomerIdentifier);
    }
}
