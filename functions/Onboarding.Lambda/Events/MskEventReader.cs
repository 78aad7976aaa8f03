using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Onboarding.Lambda.Events;

/// <summary>
/// One record of an MSK event payload as <see cref="MskEventReader"/> found it. <see cref="Key"/> and
/// <see cref="Value"/> are the base64 text (UTF-8, JSON escapes already resolved), valid until the next read.
/// </summary>
public readonly ref struct MskRecordView
{
    internal MskRecordView(string topic, int partition, long offset, long timestamp, ReadOnlySpan<byte> key, bool hasKey,
        ReadOnlySpan<byte> value, bool hasValue, IReadOnlyList<KeyValuePair<string, byte[]>>? headers)
    {
        Topic = topic;
        Partition = partition;
        Offset = offset;
        Timestamp = timestamp;
        Key = key;
        HasKey = hasKey;
        Value = value;
        HasValue = hasValue;
        Headers = headers;
    }

    public string Topic { get; }

    public int Partition { get; }

    public long Offset { get; }

    /// <summary>Milliseconds since the Unix epoch (0 when absent).</summary>
    public long Timestamp { get; }

    /// <summary>Base64 of the key bytes; empty when <see cref="HasKey"/> is false.</summary>
    public ReadOnlySpan<byte> Key { get; }

    public bool HasKey { get; }

    /// <summary>Base64 of the value bytes; empty when <see cref="HasValue"/> is false (a tombstone).</summary>
    public ReadOnlySpan<byte> Value { get; }

    public bool HasValue { get; }

    /// <summary>The record's headers as Kafka holds them, in order; null when it has none.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>>? Headers { get; }
}

/// <summary>
/// Reads the payload the MSK event source mapping sends (the shape of <see cref="MskEvent"/>) record by record,
/// straight from its UTF-8 bytes: no per-record strings or objects, so a 10,000-record batch costs one pass.
/// A payload that is not an MSK event throws <see cref="FormatException"/> saying what is wrong.
/// </summary>
public ref struct MskEventReader
{
    private readonly ReadOnlySpan<byte> payload;
    private readonly CompactMskEvent? compact;
    private int next;
    private Utf8JsonReader json;
    private State state;
    private string? lastTopic;
    private byte[] keyScratch;
    private byte[] valueScratch;

    /// <param name="payload">The invocation payload.</param>
    /// <param name="compact">
    /// A reusable index for the fast path: the mapping's compact payloads are then checked and indexed in one quick
    /// pass and read from the index; other payloads are read by the full pass as without it.
    /// </param>
    public MskEventReader(ReadOnlySpan<byte> payload, CompactMskEvent? compact = null)
    {
        this.payload = payload;
        this.compact = compact is not null && compact.TryIndex(payload) ? compact : null;
        json = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 16 });
        state = State.Start;
        keyScratch = [];
        valueScratch = [];
    }

    private enum State
    {
        Start,
        InRecords,
        InPartition,
        Done,
    }

    private enum Field
    {
        Other,
        Topic,
        Partition,
        Offset,
        Timestamp,
        Key,
        Value,
        Headers,
    }

    /// <summary>Moves to the next record; false after the last one.</summary>
    public bool Read(out MskRecordView record)
    {
        record = default;
        if (compact is not null)
        {
            return ReadIndexed(out record);
        }

        try
        {
            while (true)
            {
                switch (state)
                {
                    case State.Start:
                        if (!SeekRecords())
                        {
                            state = State.Done;
                            return false;
                        }

                        state = State.InRecords;
                        break;
                    case State.InRecords:
                        Next();
                        if (json.TokenType == JsonTokenType.EndObject)
                        {
                            FinishEnvelope();
                            state = State.Done;
                            return false;
                        }

                        // "topic-partition": the list of that partition's records.
                        Next();
                        Expect(JsonTokenType.StartArray, "each entry of 'records' must be an array of records");
                        state = State.InPartition;
                        break;
                    case State.InPartition:
                        Next();
                        if (json.TokenType == JsonTokenType.EndArray)
                        {
                            state = State.InRecords;
                            break;
                        }

                        Expect(JsonTokenType.StartObject, "each record must be an object");
                        record = ReadRecord();
                        return true;
                    default:
                        return false;
                }
            }
        }
        catch (JsonException e)
        {
            throw new FormatException($"MSK event payload is not valid JSON (byte {json.BytesConsumed}): {e.Message}", e);
        }
    }

    private bool ReadIndexed(out MskRecordView record)
    {
        record = default;
        if (next == compact!.Count)
        {
            return false;
        }

        ref readonly var entry = ref compact[next++];
        record = new MskRecordView(
            InternTopic(payload.Slice(entry.TopicStart, entry.TopicLength)),
            entry.Partition,
            entry.Offset,
            entry.Timestamp,
            entry.KeyStart >= 0 ? payload.Slice(entry.KeyStart, entry.KeyLength) : default,
            entry.KeyStart >= 0,
            entry.ValueStart >= 0 ? payload.Slice(entry.ValueStart, entry.ValueLength) : default,
            entry.ValueStart >= 0,
            null);
        return true;
    }

    /// <summary>Walks the envelope to the <c>records</c> object; false when the event has no records at all.</summary>
    private bool SeekRecords()
    {
        Next();
        Expect(JsonTokenType.StartObject, "an MSK event must be a JSON object");
        while (true)
        {
            Next();
            if (json.TokenType == JsonTokenType.EndObject)
            {
                FinishDocument();
                return false;
            }

            var isRecords = json.ValueTextEquals("records"u8);
            Next();
            if (!isRecords)
            {
                json.Skip();
                continue;
            }

            if (json.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            Expect(JsonTokenType.StartObject, "'records' must be an object of \"topic-partition\" arrays");
            return true;
        }
    }

    /// <summary>Skips the envelope fields after <c>records</c> and checks nothing follows the event.</summary>
    private void FinishEnvelope()
    {
        while (true)
        {
            Next();
            if (json.TokenType == JsonTokenType.EndObject)
            {
                FinishDocument();
                return;
            }

            Next();
            json.Skip();
        }
    }

    /// <summary>Content after the event makes the reader throw (one JSON value per payload).</summary>
    private void FinishDocument() => json.Read();

    private MskRecordView ReadRecord()
    {
        string? topic = null;
        int? partition = null;
        long? offset = null;
        long timestamp = 0;
        ReadOnlySpan<byte> key = default, value = default;
        bool hasKey = false, hasValue = false;
        List<KeyValuePair<string, byte[]>>? headers = null;
        while (true)
        {
            Next();
            if (json.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var field = json.ValueIsEscaped ? IdentifyEscaped() : Identify(json.ValueSpan);
            Next();
            switch (field)
            {
                case Field.Topic:
                    topic = Topic();
                    break;
                case Field.Partition:
                    partition = json.TokenType == JsonTokenType.Number && json.TryGetInt32(out var p) && p >= 0
                        ? p
                        : throw Invalid("'partition' must be a non-negative integer");
                    break;
                case Field.Offset:
                    offset = json.TokenType == JsonTokenType.Number && json.TryGetInt64(out var o) && o >= 0
                        ? o
                        : throw Invalid("'offset' must be a non-negative integer");
                    break;
                case Field.Timestamp:
                    timestamp = json.TokenType == JsonTokenType.Number && json.TryGetInt64(out var t)
                        ? t
                        : throw Invalid("'timestamp' must be an integer (ms since the epoch)");
                    break;
                case Field.Key:
                    hasKey = Base64Text(isValue: false, out key);
                    break;
                case Field.Value:
                    hasValue = Base64Text(isValue: true, out value);
                    break;
                case Field.Headers:
                    headers = Headers();
                    break;
                default:
                    json.Skip();
                    break;
            }
        }

        if (topic is null || partition is null || offset is null)
        {
            throw Invalid("a record lacks 'topic', 'partition' or 'offset'");
        }

        return new MskRecordView(topic, partition.Value, offset.Value, timestamp, key, hasKey, value, hasValue, headers);
    }

    private static Field Identify(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 when name.SequenceEqual("key"u8) => Field.Key,
        5 when name.SequenceEqual("topic"u8) => Field.Topic,
        5 when name.SequenceEqual("value"u8) => Field.Value,
        6 when name.SequenceEqual("offset"u8) => Field.Offset,
        7 when name.SequenceEqual("headers"u8) => Field.Headers,
        9 when name.SequenceEqual("partition"u8) => Field.Partition,
        9 when name.SequenceEqual("timestamp"u8) => Field.Timestamp,
        _ => Field.Other,
    };

    private static readonly (string Name, Field Field)[] Names =
        [("key", Field.Key), ("topic", Field.Topic), ("value", Field.Value), ("offset", Field.Offset), ("headers", Field.Headers), ("partition", Field.Partition), ("timestamp", Field.Timestamp)];

    /// <summary>A property name with escapes (never sent by the mapping, but valid JSON) is compared unescaped.</summary>
    private readonly Field IdentifyEscaped()
    {
        foreach (var (name, field) in Names)
        {
            if (json.ValueTextEquals(name))
            {
                return field;
            }
        }

        return Field.Other;
    }

    /// <summary>The record's topic: a string, not empty.</summary>
    private string Topic()
    {
        if (json.TokenType != JsonTokenType.String)
        {
            throw Invalid("'topic' must be a string");
        }

        var topic = json.ValueIsEscaped ? json.GetString()! : InternTopic(json.ValueSpan);
        return topic.Length > 0 ? topic : throw Invalid("'topic' is empty");
    }

    /// <summary>Consecutive records share their topic: compare its bytes before making a string.</summary>
    private string InternTopic(ReadOnlySpan<byte> unescaped) =>
        lastTopic is not null && Ascii.Equals(unescaped, lastTopic) ? lastTopic : lastTopic = Encoding.UTF8.GetString(unescaped);

    /// <summary>The base64 text of a key or value (false for null); escaped text is resolved into a scratch buffer.</summary>
    private bool Base64Text(bool isValue, out ReadOnlySpan<byte> text)
    {
        var field = isValue ? "value" : "key";
        text = default;
        if (json.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        if (json.TokenType != JsonTokenType.String)
        {
            throw Invalid($"'{field}' must be a base64 string");
        }

        if (!json.ValueIsEscaped)
        {
            text = json.ValueSpan;
            return true;
        }

        var scratch = isValue ? valueScratch : keyScratch;
        if (scratch.Length < json.ValueSpan.Length)
        {
            scratch = new byte[Math.Max(json.ValueSpan.Length, scratch.Length * 2)];
            if (isValue)
            {
                valueScratch = scratch;
            }
            else
            {
                keyScratch = scratch;
            }
        }

        text = scratch.AsSpan(0, json.CopyString(scratch));
        return true;
    }

    private List<KeyValuePair<string, byte[]>>? Headers()
    {
        if (json.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(JsonTokenType.StartArray, "'headers' must be an array of {\"name\": [bytes]} objects");
        List<KeyValuePair<string, byte[]>>? headers = null;
        while (true)
        {
            Next();
            if (json.TokenType == JsonTokenType.EndArray)
            {
                return headers;
            }

            Expect(JsonTokenType.StartObject, "each header must be an object {\"name\": [bytes]}");
            while (true)
            {
                Next();
                if (json.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                var name = json.GetString()!;
                Next();
                Expect(JsonTokenType.StartArray, $"header '{name}' must be an array of byte values");
                var bytes = new List<byte>();
                while (true)
                {
                    Next();
                    if (json.TokenType == JsonTokenType.EndArray)
                    {
                        break;
                    }

                    // Java writes signed bytes (-128..127); unsigned (0..255) is read too.
                    if (json.TokenType != JsonTokenType.Number || !json.TryGetInt32(out var b) || b is < sbyte.MinValue or > byte.MaxValue)
                    {
                        throw Invalid($"header '{name}' holds a value that is not a byte (-128..255)");
                    }

                    bytes.Add(unchecked((byte)b));
                }

                (headers ??= []).Add(new KeyValuePair<string, byte[]>(name, bytes.ToArray()));
            }
        }
    }

    private void Next()
    {
        if (!json.Read())
        {
            throw new FormatException($"MSK event payload ends early (byte {json.BytesConsumed}).");
        }
    }

    private readonly void Expect(JsonTokenType type, string message)
    {
        if (json.TokenType != type)
        {
            throw Invalid(message);
        }
    }

    private readonly FormatException Invalid(string message) =>
        new($"MSK event payload: {message} (byte {json.TokenStartIndex.ToString(CultureInfo.InvariantCulture)}).");
}
