using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Onboarding.Aws.Kafka;
using Onboarding.Lambda.Events;

namespace Onboarding.Enrichment.Poller;

/// <summary>How the local poller batches, mirroring the MSK event source mapping's settings.</summary>
public sealed record PollerOptions
{
    /// <summary>Raw topics to consume.</summary>
    public required IReadOnlyList<string> Topics { get; init; }

    /// <summary>BatchSize: most records per invocation (the mapping allows 1..10000; default 100).</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>MaximumBatchingWindowInSeconds, in ms: how long to gather records after the first one (default 500 ms).</summary>
    public int BatchingWindowMs { get; init; } = 500;

    /// <summary>Lambda's synchronous payload limit; a batch closes before its base64 values reach it.</summary>
    public int MaxPayloadBytes { get; init; } = 6 * 1024 * 1024;

    public string GroupId { get; init; } = "enrichment-local";

    public string EventSourceArn { get; init; } = "arn:aws:kafka:us-east-1:000000000000:cluster/local/00000000-0000-0000-0000-000000000000-1";

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Topics.Count == 0 || Topics.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("at least one raw topic is needed, none blank");
        }

        if (BatchSize is < 1 or > 10_000)
        {
            errors.Add($"batch size {BatchSize} must be 1..10000");
        }

        if (BatchingWindowMs is < 0 or > 300_000)
        {
            errors.Add($"batching window {BatchingWindowMs} ms must be 0..300000");
        }

        return errors;
    }
}

/// <summary>
/// The local stand-in for the MSK event source mapping: consumes raw topics, gathers up to a batch size or a
/// batching window, invokes the handler with the payload the mapping would send (the JSON of an <see cref="MskEvent"/>:
/// records grouped by "topic-partition", base64 keys and values, headers as number arrays) and commits the offsets
/// only after the handler succeeded. When the handler fails, the same batch is delivered again, as Lambda retries it.
/// Like the mapping, it keeps fetching while an invocation runs: the next batch is gathered and written while the
/// handler works on the current one, and it is handed over only after the current one succeeded and was committed.
/// One invocation at a time, in offset order.
/// </summary>
public sealed partial class MskEventPoller(
    IConsumer<byte[], byte[]> consumer,
    PollerOptions options,
    string bootstrapServers,
    Func<ReadOnlyMemory<byte>, CancellationToken, Task> handler,
    ILogger<MskEventPoller> logger)
{
    // Two payload buffers, reused: one is the running invocation's, the next batch is written into the other.
    private readonly ArrayBufferWriter<byte>[] payloads = [new(1024 * 1024), new(1024 * 1024)];
    private int nextPayload;
    private Invocation? running;
    private bool subscribed;

    public static ConsumerConfig ConsumerConfig(string bootstrapServers, string groupId) => new()
    {
        BootstrapServers = bootstrapServers,
        GroupId = groupId,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = false,
        EnableAutoOffsetStore = false,
        // The mock cluster holds an empty fetch for the whole wait; short waits keep batches flowing.
        FetchWaitMaxMs = 10,
        FetchQueueBackoffMs = 1,
    };

    public static IConsumer<byte[], byte[]> BuildConsumer(string bootstrapServers, string groupId)
    {
        Librdkafka.EnsureLoaded();
        return new ConsumerBuilder<byte[], byte[]>(ConsumerConfig(bootstrapServers, groupId)).Build();
    }

    /// <summary>Polls until cancelled; a failed batch is retried with a growing pause. The running invocation finishes before it returns.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await PollOnceAsync(cancellationToken).ConfigureAwait(false);
                    failures = 0;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (KafkaPublishException e) when (e.IsFatal)
                {
                    // The producer cannot recover; a new process (a new Lambda sandbox) can.
                    LogFatal(logger, e);
                    throw;
                }
#pragma warning disable CA1031 // The poller outlives a failing batch, as the event source mapping does.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failures++;
                    LogBatchFailed(logger, failures, e);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * (1 << Math.Min(failures, 6)), 5000)), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            try
            {
                await DrainAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping mid-invocation: the batch is not committed and is delivered again on the next start.
            }
        }
    }

    /// <summary>
    /// One step: gathers and writes the next batch (at most one batching window; cut short when the running
    /// invocation has finished and nothing arrived) while the running invocation works, waits for that invocation,
    /// starts the handler on the new batch and commits the finished one. Returns the number of records whose
    /// invocation succeeded and was committed in this step (0 when none had been running). When the invocation
    /// failed, its batch and the one gathered meanwhile are delivered again (the consumer seeks back) and the
    /// handler's exception is rethrown.
    /// </summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        if (!subscribed)
        {
            consumer.Subscribe(options.Topics);
            subscribed = true;
        }

        // Gathered and written while the running invocation works: the next invocation can start the moment it ends.
        var (payload, offsets, count) = GatherAndWrite(running?.Handler, cancellationToken);

        var previous = running;
        running = null;
        if (previous is not null)
        {
            try
            {
                await previous.Handler.ConfigureAwait(false);
            }
            catch
            {
                SeekBack(previous.Offsets, offsets);
                throw;
            }
        }

        if (payload is not null)
        {
            // On the thread pool, so that this thread commits and gathers the next batch meanwhile. Only the offsets
            // are kept: the consumed records are garbage once written into the payload.
            running = new Invocation(Task.Run(() => handler(payload.WrittenMemory, cancellationToken), CancellationToken.None), offsets, count);
        }

        if (previous is null)
        {
            return 0;
        }

        // The previous invocation succeeded: its offsets are committed while the next one already runs.
        Commit(previous.Offsets);
        return previous.Count;
    }

    /// <summary>
    /// Gathers the next batch and writes its payload. Kept out of the async step on purpose: the consumed
    /// records must not live in its state machine while the running invocation is awaited, or every garbage
    /// collection during the wait would copy a whole batch of them.
    /// </summary>
    private (ArrayBufferWriter<byte>? Payload, Dictionary<TopicPartition, (Offset First, Offset Last)> Offsets, int Count) GatherAndWrite(Task? runningHandler, CancellationToken cancellationToken)
    {
        var batch = Gather(runningHandler, cancellationToken);
        var groups = GroupByPartition(batch);
        var offsets = Offsets(groups);
        if (batch.Count == 0)
        {
            return (null, offsets, 0);
        }

        var payload = payloads[nextPayload];
        nextPayload = 1 - nextPayload;
        payload.ResetWrittenCount();
        WriteEvent(groups, bootstrapServers, options.EventSourceArn, payload);
        return (payload, offsets, batch.Count);
    }

    /// <summary>Waits for the running invocation, if any, and commits its batch; returns its record count.</summary>
    public async Task<int> DrainAsync()
    {
        if (running is not { } previous)
        {
            return 0;
        }

        running = null;
        try
        {
            await previous.Handler.ConfigureAwait(false);
        }
        catch
        {
            SeekBack(previous.Offsets, []);
            throw;
        }

        Commit(previous.Offsets);
        return previous.Count;
    }

    /// <summary>Seeks every partition of the failed batch and of the batch gathered meanwhile back to its first record.</summary>
    private void SeekBack(Dictionary<TopicPartition, (Offset First, Offset Last)> failed, Dictionary<TopicPartition, (Offset First, Offset Last)> gathered)
    {
        var first = new Dictionary<TopicPartition, Offset>();
        foreach (var (partition, (start, _)) in gathered.Concat(failed))
        {
            // The failed batch comes second and is older: its first offset wins where both have records.
            first[partition] = start;
        }

        foreach (var (partition, offset) in first)
        {
            consumer.Seek(new TopicPartitionOffset(partition, offset));
        }
    }

    private void Commit(Dictionary<TopicPartition, (Offset First, Offset Last)> offsets) =>
        consumer.Commit(offsets.Select(p => new TopicPartitionOffset(p.Key, p.Value.Last + 1)));

    /// <summary>
    /// Writes the payload the MSK event source mapping would send for <paramref name="records"/>: partitions in the
    /// order they first appear, each partition's records in consumption (offset) order.
    /// </summary>
    public static void WriteEvent(IReadOnlyList<ConsumeResult<byte[], byte[]>> records, string bootstrapServers, string eventSourceArn, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(records);
        WriteEvent(GroupByPartition(records), bootstrapServers, eventSourceArn, output);
    }

    private static void WriteEvent(List<(string Topic, int Partition, List<ConsumeResult<byte[], byte[]>> Records)> groups, string bootstrapServers, string eventSourceArn, IBufferWriter<byte> output)
    {
        // Structure is correct by construction (and tested by reading it back), so the writer skips validating it.
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        json.WriteStartObject();
        json.WriteString("eventSource"u8, MskEvent.Source);
        json.WriteString("eventSourceArn"u8, eventSourceArn);
        json.WriteString("bootstrapServers"u8, bootstrapServers);
        json.WriteStartObject("records"u8);
        var scratch = new byte[4096];
        foreach (var (topic, partition, group) in groups)
        {
            json.WriteStartArray($"{topic}-{partition}");
            var encodedTopic = JsonEncodedText.Encode(topic);
            foreach (var record in group)
            {
                // Each record is formatted directly (a quarter of the writer's cost); the writer keeps the structure.
                json.WriteRawValue(FormatRecord(ref scratch, encodedTopic.EncodedUtf8Bytes, record), skipInputValidation: true);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>Partitions in the order they first appear, each with its records in order (one pass, no TopicPartition objects).</summary>
    private static List<(string Topic, int Partition, List<ConsumeResult<byte[], byte[]>> Records)> GroupByPartition(IReadOnlyList<ConsumeResult<byte[], byte[]>> records)
    {
        var groups = new List<(string Topic, int Partition, List<ConsumeResult<byte[], byte[]>> Records)>();
        var current = -1;
        foreach (var record in records)
        {
            var partition = record.Partition.Value;
            if (current < 0 || groups[current].Partition != partition || !string.Equals(groups[current].Topic, record.Topic, StringComparison.Ordinal))
            {
                current = 0;
                while (current < groups.Count && (groups[current].Partition != partition || !string.Equals(groups[current].Topic, record.Topic, StringComparison.Ordinal)))
                {
                    current++;
                }

                if (current == groups.Count)
                {
                    groups.Add((record.Topic, partition, []));
                }
            }

            groups[current].Records.Add(record);
        }

        return groups;
    }

    /// <summary>Reads a payload back into an <see cref="MskEvent"/> (tests and tools; the handler reads the bytes).</summary>
    public static MskEvent ReadEvent(ReadOnlyMemory<byte> payload) =>
        JsonSerializer.Deserialize(payload.Span, MskEventJsonContext.Default.MskEvent)
        ?? throw new FormatException("The payload holds no MSK event.");

    /// <summary>One record as compact JSON: the fields the mapping writes, headers as arrays of Java's signed bytes.</summary>
    private static ReadOnlySpan<byte> FormatRecord(ref byte[] scratch, ReadOnlySpan<byte> topic, ConsumeResult<byte[], byte[]> record)
    {
        var message = record.Message;
        var needed = 160 + topic.Length + Base64.GetMaxEncodedToUtf8Length(message.Key?.Length ?? 0) + Base64.GetMaxEncodedToUtf8Length(message.Value?.Length ?? 0);
        var headers = message.Headers is { Count: > 0 } present ? present : null;
        if (headers is not null)
        {
            foreach (var header in headers)
            {
                // An escaped character takes at most 6 bytes, a signed byte and its comma 5.
                needed += 16 + header.Key.Length * 6 + (header.GetValueBytes()?.Length ?? 0) * 5;
            }
        }
        if (scratch.Length < needed)
        {
            scratch = new byte[Math.Max(needed, scratch.Length * 2)];
        }

        var span = scratch.AsSpan();
        var at = 0;
        Append(span, ref at, "{\"topic\":\""u8);
        Append(span, ref at, topic);
        Append(span, ref at, "\",\"partition\":"u8);
        at += Format(span[at..], record.Partition.Value);
        Append(span, ref at, ",\"offset\":"u8);
        at += Format(span[at..], record.Offset.Value);
        Append(span, ref at, ",\"timestamp\":"u8);
        at += Format(span[at..], message.Timestamp.UnixTimestampMs);
        Append(span, ref at, message.Timestamp.Type == TimestampType.LogAppendTime ? ",\"timestampType\":\"LOG_APPEND_TIME\""u8 : ",\"timestampType\":\"CREATE_TIME\""u8);
        if (message.Key is { } key)
        {
            Append(span, ref at, ",\"key\":\""u8);
            Base64.EncodeToUtf8(key, span[at..], out _, out var written);
            at += written;
            span[at++] = (byte)'"';
        }

        if (message.Value is { } value)
        {
            Append(span, ref at, ",\"value\":\""u8);
            Base64.EncodeToUtf8(value, span[at..], out _, out var written);
            at += written;
            span[at++] = (byte)'"';
        }

        if (headers is not null)
        {
            Append(span, ref at, ",\"headers\":["u8);
            for (var h = 0; h < headers.Count; h++)
            {
                Append(span, ref at, h == 0 ? "{\""u8 : ",{\""u8);
                Append(span, ref at, JsonEncodedText.Encode(headers[h].Key).EncodedUtf8Bytes);
                Append(span, ref at, "\":["u8);
                var bytes = headers[h].GetValueBytes() ?? [];
                for (var i = 0; i < bytes.Length; i++)
                {
                    if (i > 0)
                    {
                        span[at++] = (byte)',';
                    }

                    at += Format(span[at..], unchecked((sbyte)bytes[i]));
                }

                Append(span, ref at, "]}"u8);
            }

            span[at++] = (byte)']';
        }

        span[at++] = (byte)'}';
        return span[..at];
    }

    private static void Append(Span<byte> span, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[at..]);
        at += bytes.Length;
    }

    private static int Format(Span<byte> span, long value)
    {
        value.TryFormat(span, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        return written;
    }

    /// <summary>First and last offset of each partition in the batch.</summary>
    private static Dictionary<TopicPartition, (Offset First, Offset Last)> Offsets(List<(string Topic, int Partition, List<ConsumeResult<byte[], byte[]>> Records)> groups)
    {
        var span = new Dictionary<TopicPartition, (Offset First, Offset Last)>();
        foreach (var (topic, partition, records) in groups)
        {
            span[new TopicPartition(topic, partition)] = (records[0].Offset, records[^1].Offset);
        }

        return span;
    }

    private static readonly TimeSpan IdleSlice = TimeSpan.FromMilliseconds(5);

    private List<ConsumeResult<byte[], byte[]>> Gather(Task? running, CancellationToken cancellationToken)
    {
        var batch = new List<ConsumeResult<byte[], byte[]>>(options.BatchSize);
        var payload = 0L;
        var deadline = Environment.TickCount64 + options.BatchingWindowMs;
        while (batch.Count < options.BatchSize)
        {
            // The coarse millisecond clock: a precise clock read per record costs as much as handling the record.
            var remaining = TimeSpan.FromMilliseconds(deadline - Environment.TickCount64);
            if (remaining < TimeSpan.Zero)
            {
                break;
            }

            // While an invocation runs and nothing has arrived, wait in short slices: once it finishes, its commit
            // should not wait for a batching window on an idle topic.
            var idleWithInvocation = running is not null && batch.Count == 0;
            if (idleWithInvocation && running!.IsCompleted)
            {
                break;
            }

            var record = consumer.Consume(idleWithInvocation && remaining > IdleSlice ? IdleSlice : remaining);
            if (record is null)
            {
                if (idleWithInvocation)
                {
                    continue;
                }

                break;
            }

            if (record.IsPartitionEOF)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            // base64 grows values by a third; keep the event under the payload limit.
            payload += ((record.Message.Value?.Length ?? 0) + (record.Message.Key?.Length ?? 0)) * 4L / 3 + 200;
            if (batch.Count > 0 && payload > options.MaxPayloadBytes)
            {
                consumer.Seek(record.TopicPartitionOffset);
                break;
            }

            batch.Add(record);
        }

        return batch;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The Kafka producer failed fatally; stopping so that a fresh process takes over")]
    private static partial void LogFatal(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Enrichment batch failed (attempt {Failures}); it will be delivered again")]
    private static partial void LogBatchFailed(ILogger logger, int failures, Exception exception);
}

/// <summary>The invocation in progress and the batch it was given.</summary>
internal sealed record Invocation(Task Handler, Dictionary<TopicPartition, (Offset First, Offset Last)> Offsets, int Count);
