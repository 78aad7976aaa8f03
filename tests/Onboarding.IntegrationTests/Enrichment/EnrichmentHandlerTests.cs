using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Onboarding.Core.Enrichment;
using Onboarding.Enrichment;
using Onboarding.Lambda.Events;

namespace Onboarding.IntegrationTests.Enrichment;

/// <summary>The handler with in-memory ports: decoding, ordering, dead letters and the failure contract.</summary>
public sealed class EnrichmentHandlerTests
{
    private readonly InMemoryReferenceStore store = new();
    private readonly InMemoryPublisher publisher = new();

    private EnrichmentHandler NewHandler(EnrichmentOptions? options = null, TextWriter? metrics = null) =>
        new(options ?? new EnrichmentOptions(), store, publisher, NullLogger<EnrichmentHandler>.Instance, metrics);

    [Fact]
    public async Task SampleBarsEvent_IsEnrichedInOrderAndTheNegativeCloseIsDeadLettered()
    {
        var result = await NewHandler().HandleAsync(SampleEvents.Load("msk-bars.json"), CancellationToken.None);

        Assert.Equal(new EnrichmentResult(3, 2, 1, 1, 0), result);
        Assert.Equal(["bars-1m.enriched", "bars-1m.enriched", "bars-1m.dlq"], publisher.Published.Select(r => r.Topic));
        var (first, second, dead) = (publisher.Published[0], publisher.Published[1], publisher.Published[2]);
        Assert.EndsWith("\"timestamp\":\"2024-07-11 19:49:00\",\"%change\":null,\"indicator\":\"Neutral\"}", Encoding.UTF8.GetString(first.Value), StringComparison.Ordinal);
        Assert.EndsWith($"\"%change\":{((192.93 - 194.64) / 194.64 * 100).ToString("R", System.Globalization.CultureInfo.InvariantCulture)},\"indicator\":\"Neutral\"}}", Encoding.UTF8.GetString(second.Value), StringComparison.Ordinal);
        Assert.Equal("AMZN"u8.ToArray(), first.Key);
        Assert.Equal("provider"u8.ToArray(), Assert.Single(first.Headers!, h => h.Name == "source").Value);
        Assert.Equal("field 'close' must be greater than zero (was -1)", Header(dead, EnrichmentBatch.ReasonHeader));
        Assert.Equal("bars-1m", Header(dead, EnrichmentBatch.SourceTopicHeader));
        Assert.Equal("1", Header(dead, EnrichmentBatch.SourcePartitionHeader));
        Assert.Equal("42", Header(dead, EnrichmentBatch.SourceOffsetHeader));
        Assert.Equal(new byte[] { 0xFF, 0, 0x7F, 0x80 }, Assert.Single(dead.Headers!, h => h.Name == "signed").Value);
        Assert.Equal(new DateOnly(2024, 7, 12), store.Items["AMZN"].Date);
        Assert.Equal(192.93, store.Items["AMZN"].Close);
        Assert.Equal(1, store.Loads);
        Assert.Equal(1, store.Saves);
    }

    [Fact]
    public async Task SampleTradesEvent_EnrichesTheTradeAndDeadLettersTheTextValue()
    {
        store.Items["AMZN"] = ReferencePrice.Seed("AMZN", new DateOnly(2024, 7, 10), 200);

        await NewHandler().HandleAsync(SampleEvents.Load("msk-trades.json"), CancellationToken.None);

        Assert.Equal(["trades.enriched", "trades.dlq"], publisher.Published.Select(r => r.Topic));
        using var enriched = JsonDocument.Parse(publisher.Published[0].Value);
        Assert.Equal((194.6 - 200) / 200 * 100, enriched.RootElement.GetProperty("%change").GetDouble());
        Assert.Equal("not json"u8.ToArray(), publisher.Published[1].Value);
        Assert.Null(publisher.Published[1].Key);
    }

    [Fact]
    public async Task PublishFailure_FailsTheInvocationAndStoresNoReference()
    {
        publisher.FailWith = new InvalidOperationException("broker down");

        await Assert.ThrowsAsync<InvalidOperationException>(() => NewHandler().HandleAsync(SampleEvents.Load("msk-bars.json"), CancellationToken.None));

        Assert.Empty(store.Items);
        Assert.Equal(0, store.Saves);
    }

    [Fact]
    public async Task RedeliveredEvent_ProducesIdenticalRecordsAndLeavesTheReference()
    {
        var handler = NewHandler();
        store.Items["AMZN"] = ReferencePrice.Seed("AMZN", new DateOnly(2024, 7, 10), 190);
        await handler.HandleAsync(SampleEvents.Load("msk-bars.json"), CancellationToken.None);
        var firstDelivery = publisher.Published.Select(r => (r.Topic, Encoding.UTF8.GetString(r.Value))).ToList();
        var stored = store.Items["AMZN"];
        publisher.Published.Clear();

        await handler.HandleAsync(SampleEvents.Load("msk-bars.json"), CancellationToken.None);

        Assert.Equal(firstDelivery, publisher.Published.Select(r => (r.Topic, Encoding.UTF8.GetString(r.Value))));
        Assert.Same(stored, store.Items["AMZN"]);
    }

    [Fact]
    public async Task MalformedEventAfterAGoodRecord_FailsSayingWhatIsWrong_AndPublishesAndStoresNothing()
    {
        var good = Base64("""{"symbol":"X","close":1,"timestamp":"2024-07-11 10:00:00"}""");
        var payload = Encoding.UTF8.GetBytes(
            $$$"""{"records":{"bars-0":[{"topic":"bars","partition":0,"offset":1,"value":"{{{good}}}"},{"topic":"bars","partition":0,"value":"{{{good}}}"}]}}""");
        var handler = NewHandler();

        var error = await Assert.ThrowsAsync<FormatException>(() => handler.HandleAsync(payload, CancellationToken.None));

        Assert.Contains("a record lacks 'topic', 'partition' or 'offset'", error.Message, StringComparison.Ordinal);
        Assert.Empty(publisher.Published);
        Assert.Equal((0, 0), (store.Loads, store.Saves));
        // The half-read batch is gone: the next invocation sees only its own records.
        Assert.Equal(3, (await handler.HandleAsync(SampleEvents.Load("msk-bars.json"), CancellationToken.None)).Records);
    }

    [Fact]
    public async Task ValueThatIsNotBase64_IsDeadLetteredAndTheBatchGoesOn()
    {
        var mskEvent = Event(("bars", 0, 1, "@@not base64@@"), ("bars", 0, 2, Base64("""{"symbol":"X","close":1,"timestamp":"2024-07-11 10:00:00"}""")));

        await NewHandler().HandleAsync(mskEvent, CancellationToken.None);

        Assert.Equal(["bars.dlq", "bars.enriched"], publisher.Published.Select(r => r.Topic));
        Assert.Equal("record value is not base64", Header(publisher.Published[0], EnrichmentBatch.ReasonHeader));
    }

    [Fact]
    public async Task Invocation_WritesOneEmbeddedMetricLine()
    {
        using var metrics = new StringWriter();

        await NewHandler(metrics: metrics).HandleAsync(SampleEvents.Load("msk-bars.json"), CancellationToken.None);

        using var line = JsonDocument.Parse(metrics.ToString().Trim());
        Assert.Equal(Onboarding.Core.Observability.EmbeddedMetrics.DefaultNamespace, line.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString());
        Assert.Equal(1, line.RootElement.GetProperty("DeadLettered").GetInt32());
        Assert.Equal(2, line.RootElement.GetProperty("Enriched").GetInt32());
    }

    [Fact]
    public void Settings_FromAnIncompleteEnvironment_NameEveryProblem()
    {
        var environment = new Dictionary<string, string?>
        {
            [EnrichmentEnvironment.ThresholdPercent] = "-2",
            [EnrichmentEnvironment.TopicThresholds] = "bars:5",
            [EnrichmentEnvironment.EnrichedTopicTemplate] = "enriched",
        };

        var error = Assert.Throws<InvalidOperationException>(() => EnrichmentSettings.FromEnvironment(n => environment.GetValueOrDefault(n)));

        Assert.Contains(EnrichmentEnvironment.BootstrapServers, error.Message, StringComparison.Ordinal);
        Assert.Contains(EnrichmentEnvironment.ReferenceTable, error.Message, StringComparison.Ordinal);
        Assert.Contains(EnrichmentEnvironment.TopicThresholds, error.Message, StringComparison.Ordinal);
        Assert.Contains("threshold -2 must be a finite number above 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("must contain {topic} or {symbol}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_FromACompleteEnvironment_AreRead()
    {
        var environment = new Dictionary<string, string?>
        {
            [EnrichmentEnvironment.BootstrapServers] = "127.0.0.1:9092",
            [EnrichmentEnvironment.ReferenceTable] = "reference-prices",
            [EnrichmentEnvironment.EnrichedTopicTemplate] = "{symbol}enhanced",
            [EnrichmentEnvironment.TopicThresholds] = "trades=2.5",
            [EnrichmentEnvironment.DynamoDbEndpoint] = "http://127.0.0.1:5000",
        };

        var settings = EnrichmentSettings.FromEnvironment(n => environment.GetValueOrDefault(n));

        Assert.Equal("{symbol}enhanced", settings.Options.EnrichedTopicTemplate);
        Assert.Equal(2.5, settings.Options.ThresholdFor("trades"));
        Assert.Equal(5, settings.Options.ThresholdFor("bars"));
        Assert.Equal(new Uri("http://127.0.0.1:5000"), settings.DynamoDbEndpoint);
    }

    private static string? Header(OutgoingRecord record, string name) =>
        record.Headers?.Where(h => h.Name == name).Select(h => Encoding.UTF8.GetString(h.Value)).LastOrDefault();

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static MskEvent Event(params (string Topic, int Partition, long Offset, string Value)[] records)
    {
        var mskEvent = new MskEvent { EventSource = MskEvent.Source };
        foreach (var group in records.GroupBy(r => $"{r.Topic}-{r.Partition}"))
        {
            mskEvent.Records[group.Key] = group.Select(r => new MskRecord { Topic = r.Topic, Partition = r.Partition, Offset = r.Offset, Value = r.Value }).ToList();
        }

        return mskEvent;
    }
}
