using System.Text.Json;
using Onboarding.Core.Lifecycle;
using Onboarding.IntegrationTests.Fixtures;
using Onboarding.Lambda.Events;
using Onboarding.Lambda.Runtime;
using Onboarding.Lambda.Testing;
using Onboarding.Lifecycle;

namespace Onboarding.IntegrationTests.Lifecycle;

/// <summary>The Lifecycle handler behind the real runtime loop (as Program.cs wires it), against the Runtime API emulator.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class LifecycleRuntimeTests(MotoFixture moto) : IAsyncLifetime
{
    private LifecycleStack stack = null!;

    public async Task InitializeAsync() => stack = await LifecycleStack.StartAsync(moto);

    public async Task DisposeAsync() => await stack.DisposeAsync();

    [Fact]
    public async Task OneFunctionTwoTriggers_AnswersSqsWithThePartialBatchResponseAndEventBridgeWithNoPayload()
    {
        await stack.OnboardAsync();
        await using var emulator = await RuntimeApiEmulator.StartAsync();
        using var stop = new CancellationTokenSource();
        using var bootstrap = LambdaBootstrapBuilder.Create<JsonElement, SQSBatchResponse?>(
                (input, context) => stack.Function.HandleAsync(input, context),
                new SourceGeneratorLambdaJsonSerializer<LifecycleJsonContext>())
            .UseRuntimeApi(emulator.RuntimeApi)
            .Build();
        var loop = bootstrap.RunAsync(stop.Token);

        var garbage = LifecycleStack.Record("sqs-sns-subscribe-success.json");
        garbage["messageId"] = "sqs-garbage";
        garbage["body"] = "not json";
        var sqs = await emulator.InvokeAsync(LifecycleStack.SqsEvent(garbage, LifecycleStack.Record("sqs-sns-subscribe-success.json")).GetRawText());
        var eventBridge = await emulator.InvokeAsync(LifecycleStack.Read("eventbridge-agreement-amended.json"));
        var unknown = await emulator.InvokeAsync("""{"hello":"world"}""");
        await stop.CancelAsync();
        await Task.WhenAny(loop, Task.Delay(TimeSpan.FromSeconds(30))); // the loop ends on cancellation; never wait for ever

        Assert.True(sqs.Succeeded);
        using var response = JsonDocument.Parse(sqs.BodyText);
        Assert.Equal("sqs-garbage", response.RootElement.GetProperty("batchItemFailures")[0].GetProperty("itemIdentifier").GetString());
        Assert.Equal(1, response.RootElement.GetProperty("batchItemFailures").GetArrayLength());
        Assert.True(eventBridge.Succeeded);
        Assert.Equal("null", eventBridge.BodyText);
        Assert.False(unknown.Succeeded);
        Assert.Contains("InvalidDataException", unknown.Error!.BodyText, StringComparison.Ordinal);
        Assert.Equal(SubscriptionStatus.Active, (await stack.StateAsync())!.Status);
    }

    [Fact]
    public void Settings_WithMissingAndMalformedVariables_NameEachOne()
    {
        var error = Assert.Throws<InvalidOperationException>(() => LifecycleSettings.FromEnvironment(name => name switch
        {
            "SUBSCRIBERS_TABLE" => "subscribers",
            "MARKETPLACE_MODEL" => "lease",
            "FEED_TOPICS_BY_DIMENSION" => """{"basic":["quotes.us"]}""",
            _ => null,
        }));

        foreach (var expected in new[] { "ONBOARDING_TABLE is not set", "METERING_LEDGER_TABLE is not set", "CERTIFICATE_AUTHORITY_ARN is not set", "PRODUCT_CODE is not set", "KAFKA_BOOTSTRAP_SERVERS is not set", "MARKETPLACE_MODEL must be 'subscription' or 'contract', not 'lease'" })
        {
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("SUBSCRIBERS_TABLE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_Complete_AreReadWithTheContractModelAndFeeds()
    {
        var settings = LifecycleSettings.FromEnvironment(name => name switch
        {
            "SUBSCRIBERS_TABLE" => "subscribers",
            "ONBOARDING_TABLE" => "onboarding",
            "METERING_LEDGER_TABLE" => "ledger",
            "CERTIFICATE_AUTHORITY_ARN" => "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/ca",
            "PRODUCT_CODE" => "prod-1",
            "KAFKA_BOOTSTRAP_SERVERS" => "b-1:9094",
            "MARKETPLACE_MODEL" => "contract",
            "FEED_TOPICS_BY_DIMENSION" => """{"basic":["quotes.us"],"pro":["quotes.us","trades.us"]}""",
            _ => null,
        });

        Assert.True(settings.ContractModel);
        Assert.Equal(["quotes.us", "trades.us"], settings.Feeds.AllTopics);
        Assert.Null(settings.KafkaAdminSecretArn);
        Assert.Equal("feed_hours", settings.Dimensions.DefaultDimension);
    }

    [Theory]
    [InlineData(60_000, 57_000)]
    [InlineData(500, 1_000)]
    [InlineData(9_999_999_999_999, 900_000)] // an emulator's far-future deadline must not overflow the timer
    public void TimeBudget_StaysBetweenASecondAndLambdasMaximum(long remainingMs, long expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), LifecycleFunction.TimeBudget(TimeSpan.FromMilliseconds(remainingMs)));
        using var timer = new CancellationTokenSource(LifecycleFunction.TimeBudget(TimeSpan.FromMilliseconds(remainingMs)));
    }

    [Fact]
    public void MeteringTimeBudget_OfAFarFutureDeadline_IsLambdasMaximum() =>
        Assert.Equal(TimeSpan.FromMinutes(15), Onboarding.Metering.MeteringFunction.TimeBudget(TimeSpan.FromDays(365)));
}
