using System.Globalization;
using System.Text.Json.Nodes;
using Confluent.Kafka;

namespace Onboarding.LocalStack.SampleData;

/// <summary>
/// Plays the provider's part: replays the shipped bars (three trading dates, some moves beyond the 5 % threshold)
/// to the raw topic, then keeps publishing live-looking bars stamped with the current minute.
/// </summary>
internal sealed class SampleProducer(string bootstrapServers, string topic, TimeSpan livePace) : IDisposable
{
    private readonly IProducer<string, string> producer = new ProducerBuilder<string, string>(new ProducerConfig
    {
        BootstrapServers = bootstrapServers,
        EnableIdempotence = true,
        Acks = Acks.All,
        CompressionType = CompressionType.Lz4,
        LingerMs = 5,
    }).Build();

    public static string SampleFile => Path.Combine(AppContext.BaseDirectory, "SampleData", "bars.jsonl");

    public async Task<int> ReplayAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var line in await File.ReadAllLinesAsync(SampleFile, cancellationToken))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var symbol = JsonNode.Parse(line)?["symbol"]?.GetValue<string>() ?? "UNKNOWN";
            producer.Produce(topic, new Message<string, string> { Key = symbol, Value = line });
            count++;
        }

        producer.Flush(cancellationToken);
        return count;
    }

    /// <summary>Random-walks each symbol from its last replayed close, one bar per symbol per tick.</summary>
    public async Task RunLiveAsync(CancellationToken cancellationToken)
    {
        var last = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in await File.ReadAllLinesAsync(SampleFile, cancellationToken))
        {
            if (JsonNode.Parse(line) is JsonObject bar)
            {
                last[bar["symbol"]!.GetValue<string>()] = bar["close"]!.GetValue<double>();
            }
        }

        var random = new Random(11);
        using var timer = new PeriodicTimer(livePace);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                foreach (var symbol in last.Keys.ToList())
                {
                    var open = last[symbol];
                    var close = Math.Round(open * (1 + ((random.NextDouble() - 0.5) * 0.004)), 2);
                    last[symbol] = close;
                    var bar = new JsonObject
                    {
                        ["symbol"] = symbol,
                        ["open"] = open,
                        ["high"] = Math.Max(open, close),
                        ["low"] = Math.Min(open, close),
                        ["close"] = close,
                        ["volume"] = (double)random.Next(100, 5000),
                        ["timestamp"] = stamp,
                    };
                    producer.Produce(topic, new Message<string, string> { Key = symbol, Value = bar.ToJsonString() });
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C
        }
    }

    public void Dispose()
    {
        producer.Flush(TimeSpan.FromSeconds(5));
        producer.Dispose();
    }
}
