using System.Net.Http.Json;
using Amazon.Runtime;
using Marketplace.Simulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.Marketplace;

namespace Onboarding.IntegrationTests.Fixtures;

/// <summary>
/// The Marketplace simulator in-process (WebApplicationFactory over <see cref="SimulatorApp"/>) with the shipped
/// catalogue. Tests in <see cref="SimulatorCollection"/> share it and call <see cref="ResetAsync"/> first.
/// </summary>
public sealed class SimulatorFixture : WebApplicationFactory<SimulatorApp>, IAsyncLifetime
{
    public const string LandingUrl = "https://seller.example.test/marketplace/landing";

    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("testing", "testing");

    public Uri Endpoint => Server.BaseAddress;

    /// <summary>Client options for the simulator; <paramref name="delays"/> collects retry delays instead of sleeping.</summary>
    public AwsJsonClientOptions AwsOptions(List<TimeSpan>? delays = null, int maxAttempts = 3) => new()
    {
        Region = "us-east-1",
        Credentials = Credentials,
        ServiceUrl = Endpoint,
        MaxAttempts = maxAttempts,
        Delay = (delay, _) =>
        {
            delays?.Add(delay);
            return Task.CompletedTask;
        },
    };

    public AmazonAWSMarketplaceMeteringClient Metering(List<TimeSpan>? delays = null, int maxAttempts = 3) =>
        new(AwsOptions(delays, maxAttempts), CreateClient());

    public AmazonMarketplaceEntitlementServiceClient Entitlements(List<TimeSpan>? delays = null, int maxAttempts = 3) =>
        new(AwsOptions(delays, maxAttempts), CreateClient());

    public async Task ResetAsync()
    {
        using var http = CreateClient();
        using var response = await http.PostAsync("/_sim/reset", content: null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Arms faults: JSON as <c>POST /_sim/faults</c> takes it, e.g. <c>new { throttle = 2 }</c>.</summary>
    public async Task SetFaultsAsync(object faults)
    {
        using var http = CreateClient();
        using var response = await http.PostAsJsonAsync("/_sim/faults", faults);
        response.EnsureSuccessStatusCode();
    }

    public async Task<string> MintTokenAsync(string customerIdentifier, string productCode)
    {
        using var http = CreateClient();
        using var response = await http.PostAsJsonAsync("/_sim/tokens", new { customerIdentifier, productCode });
        response.EnsureSuccessStatusCode();
        var minted = await response.Content.ReadFromJsonAsync<MintedTokenBody>();
        return minted!.Token;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.UseSetting("Simulator:LandingUrl", LandingUrl);

    public Task InitializeAsync()
    {
        _ = Server; // start the host once, up front
        return Task.CompletedTask;
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    private sealed record MintedTokenBody(string Token);
}

[CollectionDefinition(Name)]
public sealed class SimulatorCollection : ICollectionFixture<SimulatorFixture>
{
    public const string Name = "marketplace-simulator";
}
