using System.Net.Http.Json;
using System.Text.Json;
using Onboarding.Core.Lifecycle;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Aws;

/// <summary>The simulator's SNS feed, which the local stack forwards to the lifecycle function, in the shape our parser reads.</summary>
[Collection(SimulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SubscriptionNotificationTests(SimulatorFixture simulator) : IAsyncLifetime
{
    public Task InitializeAsync() => simulator.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SubscribeThenCancel_PublishesSubscribeSuccessThenPendingThenSuccessOnce_AsParsableSnsEnvelopes()
    {
        var token = await simulator.MintTokenAsync("cust-hooli", "sim-rtfeed-payg");
        var metering = simulator.Metering();
        await metering.ResolveCustomerAsync(new() { RegistrationToken = token });
        await metering.ResolveCustomerAsync(new() { RegistrationToken = await simulator.MintTokenAsync("cust-hooli", "sim-rtfeed-payg") });
        using var http = simulator.CreateClient();
        using var cancelled = await http.PostAsJsonAsync("/_sim/unsubscribe", new { customerIdentifier = "cust-hooli", productCode = "sim-rtfeed-payg" });
        cancelled.EnsureSuccessStatusCode();

        var all = await http.GetFromJsonAsync<JsonElement>("/_sim/notifications");
        var later = await http.GetFromJsonAsync<JsonElement>("/_sim/notifications?after=1");

        var events = all.EnumerateArray()
            .Select(n => LifecycleMessageParser.ParseSqsBody(n.GetProperty("body").GetString(), n.GetProperty("messageId").GetString()!, null))
            .ToList();
        Assert.All(events, e => Assert.True(e.Succeeded, e.Error));
        Assert.Equal(
            [LifecycleEventKind.SubscribeSuccess, LifecycleEventKind.UnsubscribePending, LifecycleEventKind.UnsubscribeSuccess],
            events.Select(e => e.Event!.Kind));
        Assert.All(events, e => Assert.Equal("sim-rtfeed-payg", e.Event!.Subscription.ProductCode));
        Assert.Equal(2, later.GetArrayLength());
    }
}
