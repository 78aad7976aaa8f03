using System.Net.Http.Json;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.Marketplace;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Aws;

[Collection(SimulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MarketplaceMeteringTests(SimulatorFixture simulator) : IAsyncLifetime
{
    private const string Payg = "sim-rtfeed-payg";
    private const string Contract = "sim-rtfeed-contract";

    public Task InitializeAsync() => simulator.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static DateTime RecentHour => DateTime.UtcNow.AddMinutes(-10);

    [Fact]
    public async Task ResolveCustomer_CatalogueToken_ReturnsBothCustomerIdentifiers()
    {
        var customer = await simulator.Metering().ResolveCustomerAsync(new() { RegistrationToken = "sim-token-globex-contract" });

        Assert.Equal("cust-globex", customer.CustomerIdentifier);
        Assert.Equal(Contract, customer.ProductCode);
        Assert.Equal("222222222222", customer.CustomerAWSAccountId);
        Assert.Equal("arn:aws:license-manager::222222222222:license:l-globex000000000000000000contract", customer.LicenseArn);
    }

    [Fact]
    public async Task ResolveCustomer_ExpiredToken_ThrowsExpiredTokenExceptionNamingTheCall()
    {
        var error = await Assert.ThrowsAsync<ExpiredTokenException>(() =>
            simulator.Metering().ResolveCustomerAsync(new() { RegistrationToken = "sim-token-expired" }));

        Assert.Equal("ExpiredTokenException", error.ErrorCode);
        Assert.Contains("Marketplace Metering ResolveCustomer", error.Message, StringComparison.Ordinal);
        Assert.Contains("Registration token has expired.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sim-token-expired", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sim-token-invalid")]
    [InlineData("never-issued")]
    public async Task ResolveCustomer_InvalidOrUnknownToken_ThrowsInvalidTokenException(string token)
    {
        var error = await Assert.ThrowsAsync<InvalidTokenException>(() =>
            simulator.Metering().ResolveCustomerAsync(new() { RegistrationToken = token }));

        Assert.Equal(400, (int)error.StatusCode);
    }

    [Fact]
    public async Task BatchMeterUsage_SubscribedCustomer_IsRecordedOnce()
    {
        var record = new UsageRecord { CustomerIdentifier = "cust-acme", Dimension = "messages_million", Quantity = 12, Timestamp = RecentHour };

        var response = await simulator.Metering().BatchMeterUsageAsync(new() { ProductCode = Payg, UsageRecords = [record] });

        var result = Assert.Single(response.Results!);
        Assert.Equal(UsageRecordResultStatus.Success, result.Status);
        Assert.False(string.IsNullOrEmpty(result.MeteringRecordId));
        Assert.Equal(12, result.UsageRecord!.Quantity);
        Assert.Empty(response.UnprocessedRecords!);
        var usage = await RecordedUsageAsync();
        Assert.Equal(result.MeteringRecordId, Assert.Single(usage).MeteringRecordId);
    }

    [Fact]
    public async Task BatchMeterUsage_IdenticalResend_SucceedsWithTheSameMeteringRecordId()
    {
        var metering = simulator.Metering();
        var record = new UsageRecord { CustomerIdentifier = "cust-acme", Dimension = "consumer_hours", Quantity = 4, Timestamp = RecentHour };

        var first = await metering.BatchMeterUsageAsync(new() { ProductCode = Payg, UsageRecords = [record] });
        var again = await metering.BatchMeterUsageAsync(new() { ProductCode = Payg, UsageRecords = [record] });

        Assert.Equal(UsageRecordResultStatus.Success, again.Results![0].Status);
        Assert.Equal(first.Results![0].MeteringRecordId, again.Results[0].MeteringRecordId);
        Assert.Single(await RecordedUsageAsync());
    }

    [Fact]
    public async Task BatchMeterUsage_SameHourDifferentQuantity_IsDuplicateRecordAndKeepsTheFirst()
    {
        var metering = simulator.Metering();
        var hour = RecentHour;
        await metering.BatchMeterUsageAsync(new() { ProductCode = Payg, UsageRecords = [new() { CustomerIdentifier = "cust-acme", Dimension = "messages_million", Quantity = 5, Timestamp = hour }] });

        var second = await metering.BatchMeterUsageAsync(new() { ProductCode = Payg, UsageRecords = [new() { CustomerIdentifier = "cust-acme", Dimension = "messages_million", Quantity = 6, Timestamp = hour }] });

        Assert.Equal(UsageRecordResultStatus.DuplicateRecord, second.Results![0].Status);
        Assert.Equal(5, Assert.Single(await RecordedUsageAsync()).Quantity);
    }

    [Fact]
    public async Task BatchMeterUsage_UnsubscribedOrUnknownCustomer_IsCustomerNotSubscribed()
    {
        var response = await simulator.Metering().BatchMeterUsageAsync(new()
        {
            ProductCode = Payg,
            UsageRecords =
            [
                new() { CustomerIdentifier = "cust-initech", Dimension = "messages_million", Quantity = 1, Timestamp = RecentHour },
                new() { CustomerIdentifier = "cust-nobody", Dimension = "messages_million", Quantity = 1, Timestamp = RecentHour },
                new() { CustomerAWSAccountId = "999999999999", Dimension = "messages_million", Quantity = 1, Timestamp = RecentHour },
            ],
        });

        Assert.All(response.Results!, r => Assert.Equal(UsageRecordResultStatus.CustomerNotSubscribed, r.Status));
        Assert.Equal(3, response.Results!.Count);
        Assert.Empty(await RecordedUsageAsync());
    }

    [Fact]
    public async Task BatchMeterUsage_AccountIdAndLicenseArnModelWithAllocations_IsRecorded()
    {
        var record = new UsageRecord
        {
            CustomerAWSAccountId = "222222222222",
            LicenseArn = "arn:aws:license-manager::222222222222:license:l-globex00000000000000000000payg",
            Dimension = "messages_million",
            Quantity = 10,
            Timestamp = RecentHour,
            UsageAllocations =
            [
                new() { AllocatedUsageQuantity = 7, Tags = [new() { Key = "feed", Value = "equities" }] },
                new() { AllocatedUsageQuantity = 3, Tags = [new() { Key = "feed", Value = "fx" }] },
            ],
        };

        var response = await simulator.Metering().BatchMeterUsageAsync(new() { ProductCode = Payg, UsageRecords = [record] });

        Assert.Equal(UsageRecordResultStatus.Success, response.Results![0].Status);
        Assert.Equal("222222222222", response.Results[0].UsageRecord!.CustomerAWSAccountId);
        var recorded = Assert.Single(await RecordedUsageAsync());
        Assert.Equal("cust-globex", recorded.CustomerIdentifier);
    }

    [Fact]
    public async Task BatchMeterUsage_WrongLicenseArn_IsCustomerNotSubscribed()
    {
        var response = await simulator.Metering().BatchMeterUsageAsync(new()
        {
            ProductCode = Payg,
            UsageRecords = [new() { CustomerAWSAccountId = "222222222222", LicenseArn = "arn:aws:license-manager::222222222222:license:l-other", Dimension = "messages_million", Quantity = 1, Timestamp = RecentHour }],
        });

        Assert.Equal(UsageRecordResultStatus.CustomerNotSubscribed, response.Results![0].Status);
    }

    [Fact]
    public async Task BatchMeterUsage_RecordOlderThanSixHours_RefusesTheWholeBatch()
    {
        var error = await Assert.ThrowsAsync<TimestampOutOfBoundsException>(() => simulator.Metering().BatchMeterUsageAsync(new()
        {
            ProductCode = Payg,
            UsageRecords =
            [
                new() { CustomerIdentifier = "cust-acme", Dimension = "messages_million", Quantity = 1, Timestamp = RecentHour },
                new() { CustomerIdentifier = "cust-acme", Dimension = "consumer_hours", Quantity = 1, Timestamp = DateTime.UtcNow.AddHours(-7) },
            ],
        }));

        Assert.Contains("product sim-rtfeed-payg", error.Message, StringComparison.Ordinal);
        Assert.Empty(await RecordedUsageAsync());
    }

    [Fact]
    public async Task BatchMeterUsage_MoreThan25Records_IsRefused()
    {
        var records = Enumerable.Range(0, 26)
            .Select(i => new UsageRecord { CustomerIdentifier = "cust-acme", Dimension = "messages_million", Quantity = i, Timestamp = RecentHour.AddMinutes(-i) })
            .ToList();

        await Assert.ThrowsAsync<ValidationException>(() => simulator.Metering().BatchMeterUsageAsync(new() { ProductCode = Payg, UsageRecords = records }));
        Assert.Empty(await RecordedUsageAsync());
    }

    [Fact]
    public async Task BatchMeterUsage_AllocationsNotSummingToQuantity_IsRefused()
    {
        await Assert.ThrowsAsync<InvalidUsageAllocationsException>(() => simulator.Metering().BatchMeterUsageAsync(new()
        {
            ProductCode = Payg,
            UsageRecords = [new() { CustomerIdentifier = "cust-acme", Dimension = "messages_million", Quantity = 10, Timestamp = RecentHour, UsageAllocations = [new() { AllocatedUsageQuantity = 9 }] }],
        }));
    }

    [Fact]
    public async Task BatchMeterUsage_UnknownProductOrDimension_ThrowsTypedExceptions()
    {
        var metering = simulator.Metering();

        await Assert.ThrowsAsync<InvalidProductCodeException>(() => metering.BatchMeterUsageAsync(new()
        {
            ProductCode = "no-such-product",
            UsageRecords = [new() { CustomerIdentifier = "cust-acme", Dimension = "messages_million", Quantity = 1, Timestamp = RecentHour }],
        }));
        await Assert.ThrowsAsync<InvalidUsageDimensionException>(() => metering.BatchMeterUsageAsync(new()
        {
            ProductCode = Payg,
            UsageRecords = [new() { CustomerIdentifier = "cust-acme", Dimension = "no_such_dimension", Quantity = 1, Timestamp = RecentHour }],
        }));
    }

    private async Task<List<UsageRow>> RecordedUsageAsync()
    {
        using var http = simulator.CreateClient();
        return (await http.GetFromJsonAsync<List<UsageRow>>("/_sim/usage"))!;
    }

    private sealed record UsageRow(string MeteringRecordId, string CustomerIdentifier, string Dimension, int Quantity);
}
