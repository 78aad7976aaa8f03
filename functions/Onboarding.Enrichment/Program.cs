using Microsoft.Extensions.Logging;
using Onboarding.Enrichment.Poller;
using Onboarding.Lambda.Events;
using Onboarding.Lambda.Runtime;

namespace Onboarding.Enrichment;

/// <summary>
/// The enrichment function. In Lambda the MSK event source mapping invokes it through the Runtime API;
/// locally (ENRICHMENT_POLL_TOPICS set) the poller stands in for the event source mapping.
/// A named entry point rather than top-level statements: test and benchmark projects reference several
/// function executables, whose generated public Program classes would collide.
/// </summary>
internal static class EnrichmentEntryPoint
{
    public static async Task<int> Main()
    {
        using var loggerFactory = FunctionLogging.Create(Environment.GetEnvironmentVariable(FunctionLogging.LogLevelVariable));
        EnrichmentSettings settings;
        try
        {
            settings = EnrichmentSettings.FromEnvironment(Environment.GetEnvironmentVariable);
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        using var function = await EnrichmentFunction.CreateAsync(settings, loggerFactory, Console.Out);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        if (Environment.GetEnvironmentVariable(EnrichmentEnvironment.PollTopics) is { Length: > 0 } topics)
        {
            var options = new PollerOptions
            {
                Topics = topics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                BatchSize = int.TryParse(Environment.GetEnvironmentVariable(EnrichmentEnvironment.PollBatchSize), out var size) ? size : 100,
                BatchingWindowMs = int.TryParse(Environment.GetEnvironmentVariable(EnrichmentEnvironment.PollBatchingWindowMs), out var window) ? window : 500,
                GroupId = Environment.GetEnvironmentVariable(EnrichmentEnvironment.PollGroupId) is { Length: > 0 } group ? group : "enrichment-local",
            };
            if (options.Validate() is { Count: > 0 } errors)
            {
                Console.Error.WriteLine("Local poller configuration is invalid: " + string.Join("; ", errors) + ".");
                return 2;
            }

            using var consumer = MskEventPoller.BuildConsumer(settings.BootstrapServers, options.GroupId);
            var poller = new MskEventPoller(consumer, options, settings.BootstrapServers,
                (payload, token) => function.Handler.HandleAsync(payload, token), loggerFactory.CreateLogger<MskEventPoller>());
            await poller.RunAsync(stop.Token);
            consumer.Close();
            return 0;
        }

        if (Environment.GetEnvironmentVariable(LambdaEnvironment.RuntimeApi) is not { Length: > 0 })
        {
            Console.Error.WriteLine(
                $"Neither {LambdaEnvironment.RuntimeApi} (running in Lambda) nor {EnrichmentEnvironment.PollTopics} (local poller) is set; nothing to do.");
            return 2;
        }

        // A failed batch fails the invocation; the MSK event source mapping then retries the whole batch.
        // The payload is read as bytes (MskEventReader), not deserialized into an MskEvent: a 10,000-record batch
        // would otherwise become 20,000 base64 strings before the first record is enriched.
        await LambdaBootstrapBuilder.Create<EnrichmentResult>(
                (Stream payload, ILambdaContext context) => function.Handler.HandleAsync(payload, CancellationToken.None),
                new SourceGeneratorLambdaJsonSerializer<EnrichmentJsonContext>())
            .UseLogger(loggerFactory.CreateLogger("Onboarding.Lambda.Runtime"))
            .Build()
            .RunAsync(stop.Token);
        return 0;
    }
}

/// <summary>The event and result types the enrichment function exchanges with the Runtime API.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(EnrichmentResult))]
internal sealed partial class EnrichmentJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
