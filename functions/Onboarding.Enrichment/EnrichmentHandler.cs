using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
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
/// The event is read straight from the invocation payload's bytes (<see cref="MskEventReader"/>): base64 is decoded
/// from the UTF-8 text into one reused buffer, so a record costs no strings or objects on the way in.
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
    private readonly DecodedKeys keys = new();
    private readonly CompactMskEvent compactEvent = new();
    private byte[] valueBuffer = new byte[4096];

    /// <summary>Handles an event already deserialized (tests, tools): written back to its payload bytes first.</summary>
    public Task<EnrichmentResult> HandleAsync(MskEvent mskEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mskEvent);
        return HandleAsync(JsonSerializer.SerializeToUtf8Bytes(mskEvent, MskEventJsonContext.Default.MskEvent), cancellationToken);
    }

    /// <summary>Handles the Runtime API's payload as it arrived (a <see cref="MemoryStream"/> is read without copying).</summary>
    public Task<EnrichmentResult> HandleAsync(Stream payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (payload is MemoryStream memory && memory.TryGetBuffer(out var buffer))
        {
            return HandleAsync(buffer.AsMemory((int)memory.Position), cancellationToken);
        }

        using var copy = new MemoryStream();
        payload.CopyTo(copy);
        return HandleAsync(copy.ToArray(), cancellationToken);
    }

    /// <summary>Handles an MSK event payload (UTF-8 JSON, as the event source mapping sends it).</summary>
    public async Task<EnrichmentResult> HandleAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = Stopwatch.GetTimestamp();
            Decode(payload.Span);
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

    private void Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new MskEventReader(payload, compactEvent);
        while (reader.Read(out var record))
        {
            var source = new SourcePosition(record.Topic, record.Partition, record.Offset);
            var headers = Headers(record.Headers);
            var key = record.HasKey ? keys.Get(record.Key) : null;
            if (!record.HasValue || record.Value.IsEmpty)
            {
                batch.Add(source, key, [], headers);
                continue;
            }

            var capacity = Base64.GetMaxDecodedFromUtf8Length(record.Value.Length);
            if (valueBuffer.Length < capacity)
            {
                valueBuffer = new byte[Math.Max(capacity, valueBuffer.Length * 2)];
            }

            if (Base64.DecodeFromUtf8(record.Value, valueBuffer, out _, out var written) == OperationStatus.Done)
            {
                batch.Add(source, key, valueBuffer.AsSpan(0, written), headers);
            }
            else
            {
                batch.AddRejected(source, key, record.Value.ToArray(), headers, "record value is not base64");
            }
        }
    }

    private static List<KafkaHeader>? Headers(IReadOnlyList<KeyValuePair<string, byte[]>>? headers)
    {
        if (headers is not { Count: > 0 })
        {
            return null;
        }

        var result = new List<KafkaHeader>(headers.Count);
        foreach (var (name, value) in headers)
        {
            result.Add(new KafkaHeader(name, value));
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Enriched batch: {Records} records, {Enriched} enriched, {DeadLettered} dead-lettered, {ReferencesStored} references stored, {StaleReferences} left to a newer writer, {ElapsedMs} ms")]
    private static partial void LogBatch(ILogger logger, int records, int enriched, int deadLettered, int referencesStored, int staleReferences, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered {Topic}-{Partition}@{Offset}: {Reason}")]
    private static partial void LogDeadLetter(ILogger logger, string topic, int partition, long offset, string reason);

    /// <summary>Keys repeat (key = symbol), so each distinct key is decoded once and shared.</summary>
    private sealed class DecodedKeys
    {
        private const int MaxCachedKey = 256;
        private readonly Dictionary<string, byte[]> keys = new(StringComparer.Ordinal);
        private readonly Dictionary<string, byte[]>.AlternateLookup<ReadOnlySpan<char>> lookup;

        public DecodedKeys() => lookup = keys.GetAlternateLookup<ReadOnlySpan<char>>();

        public byte[] Get(ReadOnlySpan<byte> base64)
        {
            Span<char> text = stackalloc char[MaxCachedKey];
            var cacheable = base64.Length <= MaxCachedKey;
            if (cacheable)
            {
                // base64 is ASCII: widening its bytes gives the text to look up without making a string.
                text = text[..Encoding.Latin1.GetChars(base64, text)];
                if (lookup.TryGetValue(text, out var known))
                {
                    return known;
                }
            }

            // A key that is not base64 is kept as its text: the record still carries its value.
            var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(base64.Length)];
            var key = Base64.DecodeFromUtf8(base64, decoded, out _, out var written) == OperationStatus.Done
                ? decoded[..written]
                : base64.ToArray();
            if (cacheable)
            {
                if (keys.Count > 100_000)
                {
                    keys.Clear();
                }

                lookup[text] = key;
            }

            return key;
        }
    }
}
