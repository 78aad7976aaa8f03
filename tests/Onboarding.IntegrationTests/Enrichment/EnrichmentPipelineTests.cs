using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Onboarding.Aws.Kafka;
using Onboarding.Aws.ReferencePrices;
using Onboarding.Core.Enrichment;
using Onboarding.Enrichment;
using Onboarding.Enrichment.Poller;
using Onboarding.IntegrationTests.Fixtures;
using Onboarding.LocalServers;

namespace Onboarding.IntegrationTests.Enrichment;

/// <summary>
/// Raw bars on the mock Kafka cluster, through the local poller and the real handler (DynamoDB on moto, the
/// Kafka producer), to the enriched and dead-letter topics. The Kafka cluster is started here because a test
/// class can belong to one collection only.
/// </summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class EnrichmentPipelineTests(MotoFixture moto) : IDisposable
{
    private const int Partitions = 3;
    private static readonly string[] Symbols = ["AMZN", "MSFT", "GOOG", "NVDA", "TSLA", "META"];

    private readonly MockKafkaCluster kafka = MockKafkaCluster.Start(brokers: 1);

    public void Dispose() => kafka.Dispose();

    [Fact]
    public async Task RawBarsAcrossTwoTradingDates_AreEnrichedInPartitionOrder_AndMalformedOnesLandInTheDeadLetterTopic()
    {
        var raw = $"bars-{Guid.NewGuid():N}";
        kafka.CreateTopic(raw, Partitions);
        kafka.CreateTopic($"{raw}.enriched", Partitions);
        kafka.CreateTopic($"{raw}.dlq", 1);
        using var dynamoDb = moto.NewDynamoDbClient();
        var table = $"reference-prices-{Guid.NewGuid():N}";
        await dynamoDb.CreateTableAsync(DynamoDbReferencePriceStore.CreateTableRequest(table));
        var store = new DynamoDbReferencePriceStore(dynamoDb, table);
        // AMZN is seeded with the close of the day before the stream starts; the others start unknown.
        await store.SaveAsync([ReferencePrice.Seed("AMZN", new DateOnly(2024, 7, 10), 190)], CancellationToken.None);

        var (bars, malformed) = await ProduceRawAsync(raw);
        Assert.True(bars.Select(b => b.Partition).Distinct().Count() >= 2, "the symbols should spread over several partitions");

        using var producer = EnrichmentProducerConfig.Build(EnrichmentProducerConfig.Create(kafka.BootstrapServers));
        var handler = new EnrichmentHandler(new EnrichmentOptions(), store, new KafkaEnrichedRecordPublisher(producer), NullLogger<EnrichmentHandler>.Instance);
        using var consumer = MskEventPoller.BuildConsumer(kafka.BootstrapServers, $"enrichment-{Guid.NewGuid():N}");
        var poller = new MskEventPoller(consumer, new PollerOptions { Topics = [raw], BatchSize = 25, BatchingWindowMs = 50 },
            kafka.BootstrapServers, (payload, token) => handler.HandleAsync(payload, token), NullLogger<MskEventPoller>.Instance);
        var handled = 0;
        for (var polls = 0; handled < bars.Count + malformed.Count && polls < 2000; polls++)
        {
            var count = await poller.PollOnceAsync(CancellationToken.None);
            Assert.True(count <= 25, $"a batch held {count} records, more than the batch size");
            handled += count;
        }

        Assert.Equal(bars.Count + malformed.Count, handled);

        // Every enriched value, partition by partition, in the raw partition's order.
        var enriched = ReadToHighWatermark($"{raw}.enriched");
        var expected = Expected(bars);
        for (var partition = 0; partition < Partitions; partition++)
        {
            var expectedHere = expected.Where(e => e.Partition == partition).OrderBy(e => e.Offset).ToList();
            var actualHere = enriched.Where(r => r.Partition.Value == partition).ToList();
            Assert.Equal(expectedHere.Select(e => e.Value), actualHere.Select(r => Encoding.UTF8.GetString(r.Message.Value)));
            Assert.Equal(expectedHere.Select(e => e.Symbol), actualHere.Select(r => Encoding.UTF8.GetString(r.Message.Key)));
        }

        Assert.Equal(bars.Count, enriched.Count);
        Assert.Contains(expected, e => e.Value.Contains("\"Bullish\"", StringComparison.Ordinal));
        Assert.Contains(expected, e => e.Value.Contains("\"Bearish\"", StringComparison.Ordinal));

        // Dead letters keep the raw bytes and say why and where they came from; per source partition in offset order.
        var dead = ReadToHighWatermark($"{raw}.dlq")
            .Select(d => (
                Value: Encoding.UTF8.GetString(d.Message.Value),
                Reason: Header(d.Message.Headers, EnrichmentBatch.ReasonHeader),
                Topic: Header(d.Message.Headers, EnrichmentBatch.SourceTopicHeader),
                Partition: int.Parse(Header(d.Message.Headers, EnrichmentBatch.SourcePartitionHeader)!, CultureInfo.InvariantCulture),
                Offset: long.Parse(Header(d.Message.Headers, EnrichmentBatch.SourceOffsetHeader)!, CultureInfo.InvariantCulture)))
            .ToList();
        Assert.All(dead, d => Assert.Equal(raw, d.Topic));
        for (var partition = 0; partition < Partitions; partition++)
        {
            Assert.Equal(
                malformed.Where(m => m.Partition == partition).Select(m => (m.Value, (string?)m.Reason, m.Offset)),
                dead.Where(d => d.Partition == partition).Select(d => (d.Value, d.Reason, d.Offset)));
        }

        Assert.Equal(malformed.Count, dead.Count);

        // The references moved to the second date, with the first date's last close behind them.
        var references = await store.LoadAsync(Symbols, CancellationToken.None);
        foreach (var symbol in Symbols)
        {
            var reference = Assert.Single(references, r => r.Symbol == symbol);
            var lastOfDay = bars.Where(b => b.Symbol == symbol).GroupBy(b => b.Date).ToDictionary(g => g.Key, g => g.Last().Close);
            Assert.Equal((new DateOnly(2024, 7, 12), lastOfDay[new DateOnly(2024, 7, 12)]), (reference.Date, reference.Close));
            Assert.Equal(new DatedClose(new DateOnly(2024, 7, 11), lastOfDay[new DateOnly(2024, 7, 11)]), reference.Earlier[0]);
        }

        Assert.Equal(new DatedClose(new DateOnly(2024, 7, 10), 190), references.Single(r => r.Symbol == "AMZN").Earlier[1]);

        // The poller committed everything it handed over.
        var committed = consumer.Committed(Enumerable.Range(0, Partitions).Select(p => new TopicPartition(raw, p)), TimeSpan.FromSeconds(30));
        foreach (var offset in committed)
        {
            var high = consumer.QueryWatermarkOffsets(offset.TopicPartition, TimeSpan.FromSeconds(30)).High.Value;
            Assert.Equal(high, offset.Offset == Offset.Unset ? 0 : offset.Offset.Value); // a partition without records has nothing to commit
        }
    }

    private async Task<(List<RawBar> Bars, List<Malformed> Malformed)> ProduceRawAsync(string topic)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            CompressionType = CompressionType.Lz4,
            Partitioner = Partitioner.Murmur2Random,
        }).Build();
        var bars = new List<RawBar>();
        var malformed = new List<Malformed>();
        double[] moves = [-7, -5, -4.9, 0, 3, 5, 5.1, 8, -2, 1];
        var startCloses = Symbols.Select((s, i) => 100.0 + 37 * i).ToArray();
        foreach (var (date, day) in new[] { (new DateOnly(2024, 7, 11), 0), (new DateOnly(2024, 7, 12), 1) })
        {
            for (var minute = 0; minute < 10; minute++)
            {
                for (var s = 0; s < Symbols.Length; s++)
                {
                    var close = Math.Round(startCloses[s] * (1 + moves[(minute + s + day) % moves.Length] / 100), 2);
                    var value = $$"""{"symbol":"{{Symbols[s]}}","open":{{close}},"high":{{close}},"low":{{close}},"close":{{close}},"volume":{{minute * 10 + s}}.0,"timestamp":"{{date:yyyy-MM-dd}} 14:{{minute:00}}:00"}""";
                    var result = await producer.ProduceAsync(topic, new Message<string, string> { Key = Symbols[s], Value = value });
                    bars.Add(new RawBar(Symbols[s], date, close, value, result.Partition.Value, result.Offset.Value));
                }

                if (minute == 4)
                {
                    foreach (var (key, value, reason) in new[]
                             {
                                 ("AMZN", "not json", "record is not valid JSON"),
                                 ("MSFT", """{"symbol":"MSFT","close":-3,"timestamp":"2024-07-11 14:04:00"}""", "field 'close' must be greater than zero (was -3)"),
                                 ("GOOG", """{"symbol":"GOOG","close":3}""", "missing field 'timestamp'"),
                             })
                    {
                        var result = await producer.ProduceAsync(topic, new Message<string, string> { Key = key, Value = value });
                        malformed.Add(new Malformed(value, reason, result.Partition.Value, result.Offset.Value));
                    }
                }
            }
        }

        return (bars, malformed);
    }

    /// <summary>An independent model of the rule: previous close = last close of the symbol on the previous date seen.</summary>
    private static List<(string Symbol, int Partition, long Offset, string Value)> Expected(List<RawBar> bars)
    {
        var lastClose = new Dictionary<string, (DateOnly Date, double Close)> { ["AMZN"] = (new DateOnly(2024, 7, 10), 190) };
        var previous = new Dictionary<string, double?>();
        var result = new List<(string, int, long, string)>();
        foreach (var bar in bars)
        {
            if (lastClose.TryGetValue(bar.Symbol, out var last) && last.Date < bar.Date)
            {
                previous[bar.Symbol] = last.Close;
            }

            var previousClose = previous.GetValueOrDefault(bar.Symbol);
            lastClose[bar.Symbol] = (bar.Date, bar.Close);
            var change = previousClose is { } p ? (bar.Close - p) / p * 100 : (double?)null;
            var indicator = change is null ? "Neutral" : change >= 5 ? "Bullish" : change <= -5 ? "Bearish" : "Neutral";
            var changeText = change?.ToString("R", CultureInfo.InvariantCulture) ?? "null";
            result.Add((bar.Symbol, bar.Partition, bar.Offset, $"{bar.Value[..^1]},\"%change\":{changeText},\"indicator\":\"{indicator}\"}}"));
        }

        return result;
    }

    private List<ConsumeResult<byte[], byte[]>> ReadToHighWatermark(string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = $"check-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
            FetchQueueBackoffMs = 1,
        }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(30)).Topics.Single().Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId)).OrderBy(p => p.Partition.Value).ToList();
        var records = new List<ConsumeResult<byte[], byte[]>>();
        foreach (var partition in partitions)
        {
            var watermarks = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(30));
            Assert.Equal(0, watermarks.Low.Value); // above 0 would mean the mock dropped records
            consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
            while (records.Count(r => r.TopicPartition == partition) < watermarks.High.Value)
            {
                var record = consumer.Consume(TimeSpan.FromSeconds(30));
                Assert.NotNull(record);
                records.Add(record);
            }
        }

        return records;
    }

    private static string? Header(Headers headers, string name) =>
        headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private sealed record RawBar(string Symbol, DateOnly Date, double Close, string Value, int Partition, long Offset);

    private sealed record Malformed(string Value, string Reason, int Partition, long Offset);
}
