using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Onboarding.Core.Enrichment;
using Onboarding.Enrichment;

namespace Onboarding.Benchmarks.Enrichment;

/// <summary>
/// Handler CPU per record on a batch of 10,000 bars, Kafka and DynamoDB I/O excluded (in-memory ports):
/// base64 decoding, parsing, the reference state machine, routing and the enriched bytes.
/// Results are per record (OperationsPerInvoke). The same batch is handled again and again, as a stream of batches
/// would be: the reference closes it stored are there the next time (no per-iteration setup, so BenchmarkDotNet can
/// run several invocations per iteration and a garbage collection is spread over them instead of landing in one).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class EnrichmentHandlerBenchmarks
{
    private const int Records = 10_000;

    private readonly MemoryReferenceStore store = new();
    private readonly DiscardingPublisher publisher = new();
    private EnrichmentHandler handler = null!;
    private byte[] payload = null!;
    private List<(string Symbol, byte[] Value)> bars = null!;
    private EnrichmentBatch batch = null!;
    private List<OutgoingRecord> output = null!;

    [Params(100)]
    public int Symbols { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        bars = BenchmarkBars.Generate(Records, Symbols).ToList();
        payload = BenchmarkBars.Payload("bars-1m", 6, bars);
        handler = new EnrichmentHandler(new EnrichmentOptions(), store, publisher, NullLogger<EnrichmentHandler>.Instance);
        batch = new EnrichmentBatch(new EnrichmentOptions());
        output = new List<OutgoingRecord>(Records);
    }

    /// <summary>The whole handler on the invocation payload (the event's JSON, values still base64).</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public Task<EnrichmentResult> HandlerPerRecord() => handler.HandleAsync(payload, CancellationToken.None);

    /// <summary>The pure part only: decoded bytes in, enriched bytes out.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public int EnrichmentBatchPerRecord()
    {
        batch.Clear();
        output.Clear();
        for (var i = 0; i < bars.Count; i++)
        {
            batch.Add(new SourcePosition("bars-1m", 0, i), null, bars[i].Value, null);
        }

        batch.Complete([], output);
        return output.Count;
    }
}
