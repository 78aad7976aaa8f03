using System.Globalization;

namespace Onboarding.Core.Enrichment;

public readonly record struct KafkaHeader(string Name, byte[] Value);

/// <summary>Where a raw record came from.</summary>
public readonly record struct SourcePosition(string Topic, int Partition, long Offset);

/// <summary>One record to produce: an enriched record, or a raw record on its way to the dead-letter topic.</summary>
public readonly record struct OutgoingRecord(
    string Topic,
    byte[]? Key,
    byte[] Value,
    IReadOnlyList<KafkaHeader>? Headers,
    SourcePosition Source,
    string? DeadLetterReason)
{
    public bool IsDeadLetter => DeadLetterReason is not null;
}

/// <summary>
/// The CPU part of one invocation, without I/O: add the batch's raw records in stream order, load the reference
/// states of <see cref="Symbols"/>, then <see cref="Complete"/> builds the outgoing records in the same order and
/// <see cref="ChangedReferences"/> says what to store. Reused across invocations (call <see cref="Clear"/>).
/// </summary>
public sealed class EnrichmentBatch(EnrichmentOptions options)
{
    public const string ReasonHeader = "dlq-reason";
    public const string SourceTopicHeader = "dlq-source-topic";
    public const string SourcePartitionHeader = "dlq-source-partition";
    public const string SourceOffsetHeader = "dlq-source-offset";

    private static readonly byte[] ChangeName = "\"%change\":"u8.ToArray();
    private static readonly byte[] IndicatorName = ",\"indicator\":\""u8.ToArray();

    private readonly ScanCache scanCache = new();
    private readonly GrowableBuffer bodies = new();
    private readonly List<Entry> entries = [];
    private readonly HashSet<string> symbols = new(StringComparer.Ordinal);
    private readonly ReferenceBook book = new();
    private readonly TopicRouter router = new(options);

    public int Count => entries.Count;

    /// <summary>Distinct symbols of the records that parsed, for one batched read of their reference states.</summary>
    public IReadOnlyCollection<string> Symbols => symbols;

    public void Clear()
    {
        entries.Clear();
        symbols.Clear();
        bodies.Clear();
        book.Clear();
    }

    public void Add(SourcePosition source, byte[]? key, ReadOnlySpan<byte> value, IReadOnlyList<KafkaHeader>? headers)
    {
        var start = bodies.Length;
        if (PriceRecordParser.TryParse(value, scanCache, bodies, out var point, out var error))
        {
            symbols.Add(point.Symbol);
            entries.Add(new Entry(source, key, headers, point, start, bodies.Length - start, null, null));
        }
        else
        {
            entries.Add(new Entry(source, key, headers, default, 0, 0, error, value.ToArray()));
        }
    }

    /// <summary>Adds a record that is rejected before parsing (for example a value that is not base64).</summary>
    public void AddRejected(SourcePosition source, byte[]? key, byte[] raw, IReadOnlyList<KafkaHeader>? headers, string reason)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        entries.Add(new Entry(source, key, headers, default, 0, 0, reason, raw));
    }

    /// <summary>Applies the records to the loaded references in order and appends the outgoing records to <paramref name="output"/>.</summary>
    public void Complete(IEnumerable<ReferencePrice> loaded, List<OutgoingRecord> output)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(output);
        foreach (var reference in loaded)
        {
            book.Load(reference);
        }

        string? thresholdTopic = null;
        var threshold = options.DefaultThresholdPercent;
        Span<byte> number = stackalloc byte[32];
        foreach (var entry in entries)
        {
            if (entry.Error is not null)
            {
                output.Add(DeadLetter(entry, entry.Error, entry.Raw!));
                continue;
            }

            var point = entry.Point;
            var body = bodies.Slice(entry.BodyStart, entry.BodyLength);
            var topic = router.EnrichedTopic(entry.Source.Topic, point.Symbol);
            if (topic is null)
            {
                output.Add(DeadLetter(entry, $"symbol '{point.Symbol}' does not form a valid topic name with template '{options.EnrichedTopicTemplate}'", body));
                continue;
            }

            var previous = book.PreviousClose(point.Symbol, point.TradingDate);
            var change = EnrichmentRule.PercentChange(point.Close, previous);
            int numberLength;
            if (change is { } value)
            {
                if (!double.IsFinite(value))
                {
                    output.Add(DeadLetter(entry, $"change against previous close {previous!.Value.ToString("R", CultureInfo.InvariantCulture)} is not a finite number", body));
                    continue;
                }

                value.TryFormat(number, out numberLength, "R", CultureInfo.InvariantCulture);
            }
            else
            {
                "null"u8.CopyTo(number);
                numberLength = 4;
            }

            book.Apply(point.Symbol, point.TradingDate, point.Close);
            if (!string.Equals(thresholdTopic, entry.Source.Topic, StringComparison.Ordinal))
            {
                thresholdTopic = entry.Source.Topic;
                threshold = options.ThresholdFor(thresholdTopic);
            }

            var indicator = EnrichmentRule.Utf8Name(EnrichmentRule.Classify(change, threshold));
            var enriched = new byte[body.Length + 1 + ChangeName.Length + numberLength + IndicatorName.Length + indicator.Length + 2];
            var span = enriched.AsSpan();
            body.CopyTo(span);
            var at = body.Length;
            span[at++] = (byte)',';
            ChangeName.CopyTo(span[at..]);
            at += ChangeName.Length;
            number[..numberLength].CopyTo(span[at..]);
            at += numberLength;
            IndicatorName.CopyTo(span[at..]);
            at += IndicatorName.Length;
            indicator.CopyTo(span[at..]);
            at += indicator.Length;
            span[at++] = (byte)'"';
            span[at] = (byte)'}';
            output.Add(new OutgoingRecord(topic, entry.Key, enriched, entry.Headers, entry.Source, null));
        }
    }

    public IReadOnlyList<ReferencePrice> ChangedReferences() => book.Changed();

    /// <summary>A record that parsed but cannot be enriched goes out as its fields, compacted, with the brace closed.</summary>
    private OutgoingRecord DeadLetter(Entry entry, string reason, ReadOnlySpan<byte> body)
    {
        var value = new byte[body.Length + 1];
        body.CopyTo(value);
        value[^1] = (byte)'}';
        return DeadLetter(entry, reason, value);
    }

    private OutgoingRecord DeadLetter(Entry entry, string reason, byte[] value)
    {
        var headers = new List<KafkaHeader>((entry.Headers?.Count ?? 0) + 4);
        if (entry.Headers is not null)
        {
            headers.AddRange(entry.Headers);
        }

        headers.Add(new KafkaHeader(ReasonHeader, System.Text.Encoding.UTF8.GetBytes(reason)));
        headers.Add(new KafkaHeader(SourceTopicHeader, System.Text.Encoding.UTF8.GetBytes(entry.Source.Topic)));
        headers.Add(new KafkaHeader(SourcePartitionHeader, System.Text.Encoding.UTF8.GetBytes(entry.Source.Partition.ToString(CultureInfo.InvariantCulture))));
        headers.Add(new KafkaHeader(SourceOffsetHeader, System.Text.Encoding.UTF8.GetBytes(entry.Source.Offset.ToString(CultureInfo.InvariantCulture))));
        return new OutgoingRecord(router.DeadLetterTopic(entry.Source.Topic), entry.Key, value, headers, entry.Source, reason);
    }

    private readonly record struct Entry(
        SourcePosition Source,
        byte[]? Key,
        IReadOnlyList<KafkaHeader>? Headers,
        PricePoint Point,
        int BodyStart,
        int BodyLength,
        string? Error,
        byte[]? Raw);
}
