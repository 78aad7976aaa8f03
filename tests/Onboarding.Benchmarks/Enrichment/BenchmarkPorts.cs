using System.Buffers;
using System.Text;
using Confluent.Kafka;
using Onboarding.Core.Enrichment;
using Onboarding.Enrichment.Poller;

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

    /// <summary>
    /// The invocation payload the MSK event source mapping would send for <paramref name="bars"/> (key = symbol,
    /// partitioned by symbol), written by the local poller's writer.
    /// </summary>
    public static byte[] Payload(string topic, int partitions, IEnumerable<(string Symbol, byte[] Value)> bars)
    {
        var offsets = new long[partitions];
        var records = new List<ConsumeResult<byte[], byte[]>>();
        foreach (var (symbol, value) in bars)
        {
            var partition = (int)((uint)symbol.GetHashCode(StringComparison.Ordinal) % partitions);
            records.Add(new ConsumeResult<byte[], byte[]>
            {
                Topic = topic,
                Partition = partition,
                Offset = offsets[partition]++,
                Message = new Message<byte[], byte[]>
                {
                    Key = Encoding.UTF8.GetBytes(symbol),
                    Value = value,
                    Timestamp = new Timestamp(1720727340000, TimestampType.CreateTime),
                },
            });
        }

        var payload = new ArrayBufferWriter<byte>();
        MskEventPoller.WriteEvent(records, "127.0.0.1:9092", "arn:aws:kafka:us-east-1:000000000000:cluster/bench/x", payload);
        return payload.WrittenSpan.ToArray();
    }
}
