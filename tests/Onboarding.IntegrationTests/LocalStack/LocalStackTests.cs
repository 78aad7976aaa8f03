using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using Onboarding.IntegrationTests.OnboardingFlow;

namespace Onboarding.IntegrationTests.LocalStackTests;

/// <summary>
/// README's first command, as a newcomer uses it: start the whole stack, subscribe a test customer through HTTP the
/// way the simulator's Subscribe button does, register, download the credentials, and see enriched bars.
/// </summary>
// In the moto collection (though it starts servers of its own) so that its five processes never run beside the
// browser tests, which share the two cores.
[Collection(Fixtures.MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class LocalStackTests
{
    [Fact]
    public async Task LocalStack_SubscribeRegisterAndDownload_ThenEnrichedBarsAreOnTheEnrichedTopic_AndLifecycleFollowsSubscribeAndCancel()
    {
        using var log = new StringWriter();
        // The synchronized writer locks on itself; reading under the same lock never races the stack's writers.
        var output = TextWriter.Synchronized(log);
        string Output()
        {
            lock (output)
            {
                return log.ToString();
            }
        }

        await using var stack = new Onboarding.LocalStack.LocalStack(output);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await stack.StartAsync(timeout.Token);
        using var stop = new CancellationTokenSource();
        var running = stack.RunUntilStoppedAsync(stop.Token);

        using var simulator = new HttpClient { BaseAddress = stack.SimulatorUrl };
        using var minted = await simulator.PostAsJsonAsync("/_sim/tokens", new { customerIdentifier = "cust-acme", productCode = Onboarding.LocalStack.LocalStack.ProductCode });
        Assert.True(minted.IsSuccessStatusCode, await minted.Content.ReadAsStringAsync());
        var token = (await minted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();

        using var buyer = new Buyer(new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = stack.ApiUrl });
        using var landed = await buyer.LandAsync(token);
        Assert.True(landed.IsSuccessStatusCode, await landed.Content.ReadAsStringAsync());
        using var registered = await buyer.RegisterAsync(generate: true);
        var quickStart = await registered.Content.ReadAsStringAsync();
        Assert.True(registered.IsSuccessStatusCode, quickStart);
        Assert.Contains("bars.1m.us.enriched", quickStart, StringComparison.Ordinal);

        using var download = await buyer.Http.GetAsync("/credentials/download");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        await using var zipStream = await download.Content.ReadAsStreamAsync();
        using var zip = new ZipArchive(zipStream);
        Assert.Contains(zip.Entries, e => e.FullName == "client.crt");
        Assert.Contains(zip.Entries, e => e.FullName == "client.key");

        var enriched = ReadEnriched(stack.Bootstrap, "bars.1m.us.enriched", atLeast: 10);
        Assert.All(enriched, value =>
        {
            using var bar = JsonDocument.Parse(value);
            Assert.True(bar.RootElement.TryGetProperty("%change", out _));
            Assert.Contains(bar.RootElement.GetProperty("indicator").GetString(), new[] { "Bullish", "Bearish", "Neutral" });
        });

        // Marketplace's subscribe-success reached the lifecycle function through the simulator's SNS feed.
        for (var attempt = 0; attempt < 300 && !Output().Contains("lifecycle handled subscribe-success", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100);
        }

        Assert.True(Output().Contains("lifecycle handled subscribe-success", StringComparison.Ordinal), LifecycleLines(Output()));

        // The buyer cancels: unsubscribe-pending and unsubscribe-success reach the lifecycle function, which revokes.
        using var cancelled = await simulator.PostAsJsonAsync("/_sim/unsubscribe", new { customerIdentifier = "cust-acme", productCode = Onboarding.LocalStack.LocalStack.ProductCode });
        Assert.True(cancelled.IsSuccessStatusCode, await cancelled.Content.ReadAsStringAsync());
        for (var attempt = 0; attempt < 600 && !Output().Contains("lifecycle handled unsubscribe-success", StringComparison.Ordinal)
                                             && !Output().Contains("lifecycle failed", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100);
        }

        Assert.True(Output().Contains("lifecycle handled unsubscribe-success", StringComparison.Ordinal), LifecycleLines(Output()));
        Assert.DoesNotContain("lifecycle failed", Output(), StringComparison.Ordinal);
        await stop.CancelAsync();
        await running;
    }

    private static string LifecycleLines(string output) =>
        string.Join('\n', output.Split('\n').Where(l => l.Contains("lifecycle", StringComparison.Ordinal)).TakeLast(20));

    /// <summary>Reads until <paramref name="atLeast"/> records arrived; bounded by attempts, not by the clock.</summary>
    private static List<string> ReadEnriched(string bootstrap, string topic, int atLeast)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"local-stack-test-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).Build();
        consumer.Subscribe(topic);
        var values = new List<string>();
        for (var attempt = 0; values.Count < atLeast && attempt < 600; attempt++)
        {
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { } record)
            {
                values.Add(record.Message.Value);
            }
        }

        consumer.Close();
        Assert.True(values.Count >= atLeast, $"only {values.Count} enriched records arrived");
        return values;
    }
}
