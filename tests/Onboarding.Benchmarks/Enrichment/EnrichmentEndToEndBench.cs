using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Onboarding.Aws.Kafka;
using Onboarding.Core.Enrichment;
using Onboarding.Enrichment;
using Onboarding.Enrichment.Poller;
using Onboarding.Lambda.Events;
using Onboarding.LocalServers;

namespace Onboarding.Benchmarks.Enrichment;

/// <summary>
/// <c>enrichment-e2e [records] [batch-size] [rounds]</c>: raw -> enriched throughput on the mock cluster (local poller +
/// handler + idempotent lz4 producer, reference store in memory) next to a plain passthrough copy (consume -> produce
/// the same bytes, same producer settings, same batch size, deliveries confirmed and offsets committed per batch) and a
/// passthrough through the same local poller (the MSK event written and read back, the decoded bytes republished), in
/// one run.
/// Run it with the function's GC settings (<c>DOTNET_gcConcurrent=0 DOTNET_GCgen0size=0x10000000</c>) to measure what the
/// function gets; the benchmark process itself keeps the defaults.
/// </summary>
public static class EnrichmentEndToEndBench
{
    private const int Partitions = 6;
    private const int Symbols = 500;

    public static async Task<int> RunAsync(string[] args)
    {
        var records = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        var batchSize = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        Console.WriteLine($"enrichment-e2e: {records:N0} bars, {Symbols} symbols, {Partitions} partitions, batch size {batchSize:N0}, best of {rounds} rounds, mock cluster {cluster.BootstrapServers}");

        // Warm every path (connections, JIT) on as many records first, in batches of 1,000 so that the per-batch
        // methods run often enough to reach their optimised tier: a sandbox that has run for a few minutes is
        // past tiered compilation, and a short run would otherwise measure the JIT (a background thread
        // compiling for up to a third of the run).
        var warmup = await CreateAndFillAsync(cluster, "warmup", records);
        await PassthroughAsync(cluster, warmup, records, Math.Min(1_000, batchSize));
        await EnrichAsync(cluster, warmup, records, Math.Min(1_000, batchSize));
        await PollerPassthroughAsync(cluster, warmup, records, Math.Min(1_000, batchSize));

        // The paths take turns, round after round, so that a busy moment on a shared machine hits all of them;
        // each path's best round is reported.
        var raw = await CreateAndFillAsync(cluster, "bars", records);
        var best = new Dictionary<string, (TimeSpan Wall, TimeSpan Cpu)>();
        var toCopy = new List<double>();
        var toPoller = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var walls = new Dictionary<string, TimeSpan>();
            foreach (var (name, run) in new (string, Func<Task<TimeSpan>>)[]
            {
                ("passthrough copy", () => PassthroughAsync(cluster, raw, records, batchSize)),
                ("enrichment", () => EnrichAsync(cluster, raw, records, batchSize)),
                ("poller passthrough", () => PollerPassthroughAsync(cluster, raw, records, batchSize)),
            })
            {
                var result = await Measure(name, round, records, run);
                walls[name] = result.Wall;
                if (!best.TryGetValue(name, out var known) || result.Wall < known.Wall)
                {
                    best[name] = result;
                }
            }

            // Throughput ratio within a round: the three paths ran back to back, under about the same load.
            toCopy.Add(walls["passthrough copy"] / walls["enrichment"]);
            toPoller.Add(walls["poller passthrough"] / walls["enrichment"]);
        }

        double Rate(string name) => records / best[name].Wall.TotalSeconds;
        foreach (var (name, (wall, cpu)) in best)
        {
            Console.WriteLine($"{name,-18} : {Rate(name),10:N0} records/s best ({wall.TotalMilliseconds:N0} ms wall, {cpu.TotalMilliseconds * 1000 / records:0.00} us CPU/record in this process)");
        }

        Console.WriteLine($"ratio enrichment / passthrough copy  : median of rounds {Median(toCopy):0.00} (rounds {string.Join(" ", toCopy.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}), of best rounds {Rate("enrichment") / Rate("passthrough copy"):0.00}");
        Console.WriteLine($"ratio enrichment / poller passthrough: median of rounds {Median(toPoller):0.00} (rounds {string.Join(" ", toPoller.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}), of best rounds {Rate("enrichment") / Rate("poller passthrough"):0.00}");
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores; the mock cluster runs in this process");
        return 0;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static async Task<(TimeSpan Wall, TimeSpan Cpu)> Measure(string name, int round, int records, Func<Task<TimeSpan>> run)
    {
        GC.Collect();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var pause = GC.GetTotalPauseDuration();
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var allocated = GC.GetTotalAllocatedBytes();
        var wall = await run();
        Console.WriteLine($"  round {round} {name,-18}: {records / wall.TotalSeconds,10:N0} records/s, GC pause {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:N0} ms, collections {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, allocated {(GC.GetTotalAllocatedBytes() - allocated) / 1048576.0:N0} MiB");
        return (wall, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    private static async Task<string> CreateAndFillAsync(MockKafkaCluster cluster, string name, int records)
    {
        cluster.CreateTopic(name, Partitions);
        cluster.CreateTopic($"{name}.enriched", Partitions);
        cluster.CreateTopic($"{name}.dlq", 1);
        cluster.CreateTopic($"{name}.copy", Partitions);
        using var producer = EnrichmentProducerConfig.Build(EnrichmentProducerConfig.Create(cluster.BootstrapServers));
        var publisher = new KafkaEnrichedRecordPublisher(producer);
        var batch = new List<OutgoingRecord>(records);
        var keys = Enumerable.Range(0, Symbols).Select(i => System.Text.Encoding.UTF8.GetBytes($"SYM{i:0000}")).ToArray();
        var i = 0;
        foreach (var (_, value) in BenchmarkBars.Generate(records, Symbols))
        {
            batch.Add(new OutgoingRecord(name, keys[i++ % Symbols], value, null, default, null));
        }

        await publisher.PublishAsync(batch, CancellationToken.None);
        return name;
    }

    private static async Task<TimeSpan> PassthroughAsync(MockKafkaCluster cluster, string topic, int records, int batchSize)
    {
        using var consumer = MskEventPoller.BuildConsumer(cluster.BootstrapServers, $"copy-{Guid.NewGuid():N}");
        using var producer = EnrichmentProducerConfig.Build(EnrichmentProducerConfig.Create(cluster.BootstrapServers));
        var publisher = new KafkaEnrichedRecordPublisher(producer);
        consumer.Subscribe(topic);
        var target = $"{topic}.copy";
        var batch = new List<OutgoingRecord>(batchSize);
        var last = new Dictionary<TopicPartition, Offset>();
        var copied = 0;
        var clock = Stopwatch.StartNew();
        while (copied < records)
        {
            var deadline = DateTime.UtcNow.AddMilliseconds(500);
            while (batch.Count < batchSize && copied + batch.Count < records)
            {
                var remaining = deadline - DateTime.UtcNow;
                var record = remaining > TimeSpan.Zero ? consumer.Consume(remaining) : null;
                if (record is null)
                {
                    break;
                }

                batch.Add(new OutgoingRecord(target, record.Message.Key, record.Message.Value, null, default, null));
                last[record.TopicPartition] = record.Offset;
            }

            await publisher.PublishAsync(batch, CancellationToken.None);
            consumer.Commit(last.Select(l => new TopicPartitionOffset(l.Key, l.Value + 1)));
            copied += batch.Count;
            batch.Clear();
        }

        var elapsed = clock.Elapsed;
        consumer.Close();
        return elapsed;
    }

    private static async Task<TimeSpan> EnrichAsync(MockKafkaCluster cluster, string topic, int records, int batchSize)
    {
        using var producer = EnrichmentProducerConfig.Build(EnrichmentProducerConfig.Create(cluster.BootstrapServers));
        var handler = new EnrichmentHandler(new EnrichmentOptions(), new MemoryReferenceStore(), new KafkaEnrichedRecordPublisher(producer), NullLogger<EnrichmentHandler>.Instance);
        return await PollAsync(cluster, topic, records, batchSize, (payload, token) => handler.HandleAsync(payload, token));
    }

    /// <summary>The local poller with a handler that decodes each record and produces the same bytes to <c>T.copy</c>.</summary>
    private static async Task<TimeSpan> PollerPassthroughAsync(MockKafkaCluster cluster, string topic, int records, int batchSize)
    {
        using var producer = EnrichmentProducerConfig.Build(EnrichmentProducerConfig.Create(cluster.BootstrapServers));
        var publisher = new KafkaEnrichedRecordPublisher(producer);
        var batch = new List<OutgoingRecord>(batchSize);
        var compact = new CompactMskEvent();
        return await PollAsync(cluster, topic, records, batchSize, async (payload, token) =>
        {
            batch.Clear();
            Copy(payload.Span, compact, batch);
            await publisher.PublishAsync(batch, token);
        });
    }

    private static void Copy(ReadOnlySpan<byte> payload, CompactMskEvent compact, List<OutgoingRecord> batch)
    {
        var reader = new MskEventReader(payload, compact);
        string? topic = null, target = null;
        while (reader.Read(out var record))
        {
            if (!ReferenceEquals(topic, record.Topic))
            {
                (topic, target) = (record.Topic, $"{record.Topic}.copy");
            }

            batch.Add(new OutgoingRecord(target!, record.HasKey ? Decode(record.Key) : null, Decode(record.Value), null, default, null));
        }
    }

    /// <summary>One exactly sized array per value (the mapping writes padded base64 without whitespace).</summary>
    private static byte[] Decode(ReadOnlySpan<byte> base64)
    {
        var padding = base64.EndsWith("=="u8) ? 2 : base64.EndsWith("="u8) ? 1 : 0;
        var bytes = new byte[base64.Length / 4 * 3 - padding];
        Base64.DecodeFromUtf8(base64, bytes, out _, out _);
        return bytes;
    }

    private static async Task<TimeSpan> PollAsync(MockKafkaCluster cluster, string topic, int records, int batchSize, Func<ReadOnlyMemory<byte>, CancellationToken, Task> handler)
    {
        using var consumer = MskEventPoller.BuildConsumer(cluster.BootstrapServers, $"poll-{Guid.NewGuid():N}");
        var poller = new MskEventPoller(consumer, new PollerOptions { Topics = [topic], BatchSize = batchSize, BatchingWindowMs = 500 },
            cluster.BootstrapServers, handler, NullLogger<MskEventPoller>.Instance);
        var handled = 0;
        var clock = Stopwatch.StartNew();
        while (handled < records)
        {
            handled += await poller.PollOnceAsync(CancellationToken.None);
        }

        var elapsed = clock.Elapsed;
        consumer.Close();
        return elapsed;
    }
}
