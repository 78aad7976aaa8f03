using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Onboarding.Core.Enrichment;
using Onboarding.Core.Observability;
using Onboarding.Lambda.Events;

namespace Onboarding.Enrichment;

/// <summary>What one invocation did.</summary>
public readonly record struct EnrichmentResult(int Records, int Enriched, int DeadLettered, int ReferencesStored, int StaleReferences);

/// <summary>
/// The MSK-triggered function: decode the batch, read the reference closes of its symbols once, enrich in stream
/// order, produce everything and wait for every delivery, then store the moved references. Any failure fails the
/// invocation before the references move, so Lambda's retry of the batch sees the same state and yields the same
/// outputs. One invocation at a time, as Lambda runs them; buffers are reused across invocations.
/// </summary>
public sealed partial class EnrichmentHandler(
    EnrichmentOptions options,
    IReferencePriceStore references,
    IEnrichedRecordPublisher publisher,
    ILogger<EnrichmentHandler> logger,
    TextWriter? metrics = null)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly EmbeddedMetrics? emf = metrics is null ? null : new EmbeddedMetrics(metrics, EmbeddedMetrics.DefaultNamespace, TimeProvider.System) { Service = "enrichment" };
    private readonly EnrichmentBatch batch = new(options);
    private readonly List<OutgoingRecord> output = [];
    private readonly Dictionary<string, byte[]> keys = new(StringComparer.Ordinal);
    private byte[] valueBuffer = new byte[4096];

    public async Task<EnrichmentResult> HandleAsync(MskEvent mskEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mskEvent);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = Stopwatch.GetTimestamp();
            Decode(mskEvent);
            var loaded = batch.Symbols.Count == 0 ? [] : await references.LoadAsync(batch.Symbols, cancellationToken).ConfigureAwait(false);
            batch.Complete(loaded, output);
            await publisher.PublishAsync(output, cancellationToken).ConfigureAwait(false);
            var changed = batch.ChangedReferences();
            var stale = changed.Count == 0 ? 0 : await references.SaveAsync(changed, cancellationToken).ConfigureAwait(false);

            var deadLettered = 0;
            foreach (var record in output)
            {
                if (record.IsDeadLetter)
                {
                    deadLettered++;
                    LogDeadLetter(logger, record.Source.Topic, record.Source.Partition, record.Source.Offset, record.DeadLetterReason!);
                }
            }

            var result = new EnrichmentResult(batch.Count, output.Count - deadLettered, deadLettered, changed.Count - stale, stale);
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogBatch(logger, result.Records, result.Enriched, result.DeadLettered, result.ReferencesStored, result.StaleReferences, elapsedMs);
            emf?.Emit(
            [
                new Metric("Records", result.Records),
                new Metric("Enriched", result.Enriched),
                new Metric("DeadLettered", result.DeadLettered),
                new Metric("StaleReferences", result.StaleReferences),
                new Metric("BatchDuration", elapsedMs, MetricUnit.Milliseconds),
            ]);

            return result;
        }
        finally
        {
            batch.Clear();
            output.Clear();
            gate.Release();
        }
    }

    private void Decode(MskEvent mskEvent)
    {
        foreach (var (_, records) in mskEvent.Records)
        {
            foreach (var record in records)
            {
                var source = new SourcePosition(record.Topic, record.Partition, record.Offset);
                var headers = Headers(record);
                var key = Key(record.Key);
                if (record.Value is not { Length: > 0 } base64)
                {
                    batch.Add(source, key, [], headers);
                    continue;
                }

                var capacity = base64.Length / 4 * 3 + 3;
                if (valueBuffer.Length < capacity)
                {
                    valueBuffer = new byte[Math.Max(capacity, valueBuffer.Length * 2)];
                }

                if (Convert.TryFromBase64String(base64, valueBuffer, out var written))
                {
                    batch.Add(source, key, valueBuffer.AsSpan(0, written), headers);
                }
                else
                {
                    batch.AddRejected(source, key, System.Text.Encoding.UTF8.GetBytes(base64), headers, "record value is not base64");
                }
            }
        }
    }

    /// <summary>Keys repeat (key = symbol), so each distinct key is decoded once and shared.</summary>
    private byte[]? Key(string? base64)
    {
        if (base64 is null)
        {
            return null;
        }

        if (keys.TryGetValue(base64, out var key))
        {
            return key;
        }

        if (keys.Count > 100_000)
        {
            keys.Clear();
        }

        // A key that is not base64 is kept as its text: the record still carries its value.
        var decoded = new byte[base64.Length];
        key = Convert.TryFromBase64String(base64, decoded, out var written)
            ? decoded[..written]
            : System.Text.Encoding.UTF8.GetBytes(base64);
        keys[base64] = key;
        return key;
    }

    private static List<KafkaHeader>? Headers(MskRecord record)
    {
        if (record.Headers is not { Count: > 0 } headers)
        {
            return null;
        }

        var result = new List<KafkaHeader>(headers.Count);
        foreach (var header in headers)
        {
            foreach (var (name, values) in header)
            {
                result.Add(new KafkaHeader(name, MskRecord.HeaderBytes(values ?? [])));
            }
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Enriched batch: {Records} records, {Enriched} enriched, {DeadLettered} dead-lettered, {ReferencesStored} references stored, {StaleReferences} left to a newer writer, {ElapsedMs} ms")]
    private static partial void LogBatch(ILogger logger, int records, int enriched, int deadLettered, int referencesStored, int staleReferences, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered {Topic}-{Partition}@{Offset}: {Reason}")]
    private static partial void LogDeadLetter(ILogger logger, string topic, int partition, long offset, string reason);
}
