using Onboarding.Aws.AwsJson;
using Onboarding.Aws.Marketplace;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Aws;

/// <summary>Retries against the simulator's switchable faults; delays are recorded, never slept.</summary>
[Collection(SimulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class RetryTests(SimulatorFixture simulator) : IAsyncLifetime
{
    public Task InitializeAsync() => simulator.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Call_ThrottledTwiceThenServed_SucceedsAfterTwoBackoffs()
    {
        var delays = new List<TimeSpan>();
        await simulator.SetFaultsAsync(new { throttle = 2 });

        var customer = await simulator.Metering(delays).ResolveCustomerAsync(new() { RegistrationToken = "sim-token-acme-payg" });

        Assert.Equal("cust-acme", customer.CustomerIdentifier);
        Assert.Equal(2, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Call_ThrottledOnEveryAttempt_GivesUpWithThrottlingExceptionAfterMaxAttempts()
    {
        var delays = new List<TimeSpan>();
        await simulator.SetFaultsAsync(new { throttle = 10 });

        var error = await Assert.ThrowsAsync<ThrottlingException>(() =>
            simulator.Entitlements(delays, maxAttempts: 4).GetEntitlementsAsync(new() { ProductCode = "sim-rtfeed-contract" }));

        Assert.Equal(3, delays.Count);
        Assert.Contains("after 4 attempts", error.Message, StringComparison.Ordinal);
        Assert.Contains("Rate exceeded", error.AwsMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Call_ServerErrorThenServed_Succeeds(int status)
    {
        var delays = new List<TimeSpan>();
        await simulator.SetFaultsAsync(new { serverErrors = 1, serverErrorStatus = status });

        var response = await simulator.Metering(delays).BatchMeterUsageAsync(new()
        {
            ProductCode = "sim-rtfeed-payg",
            UsageRecords = [new() { CustomerIdentifier = "cust-acme", Dimension = "messages_million", Quantity = 1, Timestamp = DateTime.UtcNow.AddMinutes(-1) }],
        });

        Assert.Equal(UsageRecordResultStatus.Success, response.Results![0].Status);
        Assert.Single(delays);
    }

    [Fact]
    public async Task Call_PersistentServerError_ThrowsInternalServiceErrorWithStatus()
    {
        await simulator.SetFaultsAsync(new { serverErrors = 5, serverErrorStatus = 503 });

        var error = await Assert.ThrowsAsync<InternalServiceErrorException>(() =>
            simulator.Metering(maxAttempts: 2).ResolveCustomerAsync(new() { RegistrationToken = "sim-token-acme-payg" }));

        Assert.Equal(503, (int)error.StatusCode);
    }

    [Fact]
    public async Task Call_Retried_ReportsEachRetryWithCodeAndDelay()
    {
        var retries = new List<(string Code, int Attempt, TimeSpan Delay)>();
        await simulator.SetFaultsAsync(new { throttle = 1, serverErrors = 1 });
        var client = new AmazonAWSMarketplaceMeteringClient(
            simulator.AwsOptions() with { OnRetry = (failure, delay) => retries.Add((failure.ErrorCode, failure.Attempts, delay)) },
            simulator.CreateClient());

        await client.ResolveCustomerAsync(new() { RegistrationToken = "sim-token-acme-payg" });

        Assert.Equal(["ThrottlingException", "InternalServiceErrorException"], retries.Select(r => r.Code));
        Assert.Equal([1, 2], retries.Select(r => r.Attempt));
    }

    [Fact]
    public async Task Call_ClientError_IsNotRetried()
    {
        var delays = new List<TimeSpan>();

        await Assert.ThrowsAsync<InvalidTokenException>(() =>
            simulator.Metering(delays).ResolveCustomerAsync(new() { RegistrationToken = "sim-token-invalid" }));

        Assert.Empty(delays);
    }

    [Fact]
    public async Task BatchMeterUsage_UnprocessedRecordsFault_ReturnsThemForResending()
    {
        await simulator.SetFaultsAsync(new { unprocessedRecords = 1, operations = new[] { "BatchMeterUsage" } });
        var metering = simulator.Metering();
        var hour = DateTime.UtcNow.AddMinutes(-2);
        List<UsageRecord> records =
        [
            new() { CustomerIdentifier = "cust-acme", Dimension = "messages_million", Quantity = 1, Timestamp = hour },
            new() { CustomerIdentifier = "cust-acme", Dimension = "consumer_hours", Quantity = 2, Timestamp = hour },
        ];

        var first = await metering.BatchMeterUsageAsync(new() { ProductCode = "sim-rtfeed-payg", UsageRecords = records });
        var resent = await metering.BatchMeterUsageAsync(new() { ProductCode = "sim-rtfeed-payg", UsageRecords = first.UnprocessedRecords });

        var unprocessed = Assert.Single(first.UnprocessedRecords!);
        Assert.Equal("messages_million", unprocessed.Dimension);
        Assert.Equal("consumer_hours", Assert.Single(first.Results!).UsageRecord!.Dimension);
        Assert.Equal(UsageRecordResultStatus.Success, Assert.Single(resent.Results!).Status);
        Assert.Empty(resent.UnprocessedRecords!);
    }
}
