using System.Text;
using Onboarding.Core.Enrichment;
using Onboarding.Lambda.Events;

namespace Onboarding.Benchmarks.Enrichment;

/// <summary>Reference store in memory: the benchmarks measure the handler and Kafka, not DynamoDB.</summary>
internal sealed class MemoryReferenceStore : IReferencePriceStore
{
    private readonly Dictionary<string, ReferencePrice> items = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<ReferencePrice>> LoadAsync(IReadOnlyCollection<string> symbols, CancellationToken cancellationToken)
    {
        IReadOnlyList<ReferencePrice> found = symbols.Where(items.ContainsKey).Select(s => items[s]).ToList();
        return Task.FromResult(found);
    }

    public Task<int> SaveAsync(IReadOnlyList<ReferencePrice> references, CancellationToken cancellationToken)
    {
        foreach (var reference in references)
        {
            items[reference.Symbol] = reference;
        }

        return Task.FromResult(0);
    }

    public void Clear() => items.Clear();
}

internal sealed class DiscardingPublisher : IEnrichedRecordPublisher
{
    public long Records { get; private set; }

    public Task PublishAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        Records += records.Count;
        return Task.CompletedTask;
    }
}

internal static class BenchmarkBars
{
    /// <summary>Provider-shaped bars for <paramref name="symbols"/> symbols, the first half on one date and the rest on the next.</summary>
    public static IEnumerable<(string Symbol, byte[] Value)> Generate(int count, int symbols)
    {
        var random = new Random(42);
        for (var i = 0; i < count; i++)
        {
            var symbol = $"SYM{i % symbols:0000}";
            var day = i < count / 2 ? 11 : 12;
            var close = Math.Round(100 + random.NextDouble() * 20, 2);
            var minute = i / symbols % 600;
            yield return (symbol, Encoding.UTF8.GetBytes(
                $$"""{"symbol":"{{symbol}}","open":{{close}},"high":{{close + 0.06}},"low":{{close - 0.06}},"close":{{close}},"volume":{{i % 1000}}.0,"timestamp":"2024-07-{{day}} {{13 + minute / 60:00}}:{{minute % 60:00}}:00"}"""));
        }
    }

    public static MskEvent Event(string topic, int partitions, IEnumerable<(string Symbol, byte[] Value)> bars)
    {
        var mskEvent = new MskEvent { EventSource = MskEvent.Source, EventSourceArn = "arn:aws:kafka:us-east-1:000000000000:cluster/bench/x", BootstrapServers = "127.0.0.1:9092" };
        var offsets = new long[partitions];
        foreach (var (symbol, value) in bars)
        {
            var partition = (int)((uint)symbol.GetHashCode(StringComparison.Ordinal) % partitions);
            var key = $"{topic}-{partition}";
            if (!mskEvent.Records.TryGetValue(key, out var list))
            {
                list = [];
                mskEvent.Records[key] = list;
            }

            list.Add(new MskRecord
            {
                Topic = topic,
                Partition = partition,
                Offset = offsets[partition]++,
                Timestamp = 1720727340000,
                TimestampType = "CREATE_TIME",
                Key = Convert.ToBase64String(Encoding.UTF8.GetBytes(symbol)),
                Value = Convert.ToBase64String(value),
            });
        }

        return mskEvent;
    }
}
