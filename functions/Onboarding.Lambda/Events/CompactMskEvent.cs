using Onboarding.Shared;

namespace Onboarding.Lambda.Events;

/// <summary>
/// The fast path of <see cref="MskEventReader"/> for the payload as the event source mapping writes it: compact JSON,
/// ASCII strings without escapes, records with only the mapping's fields and no headers. One pass checks the whole
/// payload and notes where each record's fields are; anything else (whitespace, escapes, headers, unknown record
/// fields, any error) is declined and the <see cref="System.Text.Json.Utf8JsonReader"/> pass reads the payload
/// instead, so errors are always reported by that pass. A test holds both passes to the same records.
/// </summary>
public sealed class CompactMskEvent
{
    private Entry[] entries = new Entry[1024];

    public int Count { get; private set; }

    internal ref readonly Entry this[int index] => ref entries[index];

    /// <summary>Indexes <paramref name="payload"/>; false (and nothing indexed) when the fast path declines it.</summary>
    public bool TryIndex(ReadOnlySpan<byte> payload)
    {
        Count = 0;
        var at = 0;
        if (!Expect(payload, ref at, (byte)'{'))
        {
            return Declined();
        }

        var first = true;
        var seenRecords = false;
        while (true)
        {
            if (Expect(payload, ref at, (byte)'}'))
            {
                return at == payload.Length || Declined();
            }

            if ((!first && !Expect(payload, ref at, (byte)',')) || !TryString(payload, ref at, out var nameStart, out var nameLength) || !Expect(payload, ref at, (byte)':'))
            {
                return Declined();
            }

            first = false;
            if (payload.Slice(nameStart, nameLength).SequenceEqual("records"u8))
            {
                // The full pass reads the first "records" only: a second one is left to it.
                if (seenRecords || !TryRecords(payload, ref at))
                {
                    return Declined();
                }

                seenRecords = true;
            }
            else if (!TryString(payload, ref at, out _, out _))
            {
                return Declined();
            }
        }
    }

    private bool Declined()
    {
        Count = 0;
        return false;
    }

    private bool TryRecords(ReadOnlySpan<byte> payload, ref int at)
    {
        if (!Expect(payload, ref at, (byte)'{'))
        {
            return false;
        }

        if (Expect(payload, ref at, (byte)'}'))
        {
            return true;
        }

        while (true)
        {
            if (!TryString(payload, ref at, out _, out _) || !Expect(payload, ref at, (byte)':') || !Expect(payload, ref at, (byte)'['))
            {
                return false;
            }

            if (!Expect(payload, ref at, (byte)']'))
            {
                while (true)
                {
                    if (!TryRecord(payload, ref at))
                    {
                        return false;
                    }

                    if (Expect(payload, ref at, (byte)']'))
                    {
                        break;
                    }

                    if (!Expect(payload, ref at, (byte)','))
                    {
                        return false;
                    }
                }
            }

            if (Expect(payload, ref at, (byte)'}'))
            {
                return true;
            }

            if (!Expect(payload, ref at, (byte)','))
            {
                return false;
            }
        }
    }

    private bool TryRecord(ReadOnlySpan<byte> payload, ref int at)
    {
        if (TryCanonicalRecord(payload, ref at, out var canonical))
        {
            Add(canonical);
            return true;
        }

        if (!Expect(payload, ref at, (byte)'{'))
        {
            return false;
        }

        var entry = new Entry { KeyStart = -1, ValueStart = -1, TopicStart = -1, Partition = -1, Offset = -1 };
        var first = true;
        while (!Expect(payload, ref at, (byte)'}'))
        {
            if ((!first && !Expect(payload, ref at, (byte)',')) || !TryString(payload, ref at, out var nameStart, out var nameLength) || !Expect(payload, ref at, (byte)':'))
            {
                return false;
            }

            first = false;
            var name = payload.Slice(nameStart, nameLength);
            switch (name.Length)
            {
                case 5 when name.SequenceEqual("topic"u8):
                    if (entry.TopicStart >= 0 || !TryString(payload, ref at, out entry.TopicStart, out entry.TopicLength) || entry.TopicLength == 0)
                    {
                        return false;
                    }

                    break;
                case 9 when name.SequenceEqual("partition"u8):
                    if (entry.Partition >= 0 || !TryInteger(payload, ref at, out var partition) || partition > int.MaxValue)
                    {
                        return false;
                    }

                    entry.Partition = (int)partition;
                    break;
                case 6 when name.SequenceEqual("offset"u8):
                    if (entry.Offset >= 0 || !TryInteger(payload, ref at, out entry.Offset))
                    {
                        return false;
                    }

                    break;
                case 9 when name.SequenceEqual("timestamp"u8):
                    if (!TryInteger(payload, ref at, out entry.Timestamp))
                    {
                        return false;
                    }

                    break;
                case 13 when name.SequenceEqual("timestampType"u8):
                    if (!TryString(payload, ref at, out _, out _))
                    {
                        return false;
                    }

                    break;
                case 3 when name.SequenceEqual("key"u8):
                    if (entry.KeyStart >= 0 || !TryStringOrNull(payload, ref at, out entry.KeyStart, out entry.KeyLength))
                    {
                        return false;
                    }

                    break;
                case 5 when name.SequenceEqual("value"u8):
                    if (entry.ValueStart >= 0 || !TryStringOrNull(payload, ref at, out entry.ValueStart, out entry.ValueLength))
                    {
                        return false;
                    }

                    break;
                case 7 when name.SequenceEqual("headers"u8):
                    // Only an empty header list takes the fast path.
                    if (!Expect(payload, ref at, (byte)'[') || !Expect(payload, ref at, (byte)']'))
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }
        }

        if (entry.TopicStart < 0 || entry.Partition < 0 || entry.Offset < 0)
        {
            return false;
        }

        Add(entry);
        return true;
    }

    /// <summary>
    /// A record with the mapping's fields in the order it writes them (<c>topic, partition, offset, timestamp,
    /// timestampType, key, value</c>, then an empty <c>headers</c> or none), each name matched as a whole instead of
    /// being read and looked up. Anything else returns false with <paramref name="at"/> unmoved, for the general loop.
    /// </summary>
    private static bool TryCanonicalRecord(ReadOnlySpan<byte> payload, ref int at, out Entry entry)
    {
        entry = default;
        var next = at;
        if (!PlainJsonText.TryLiteral(payload, ref next, "{\"topic\":"u8) || !TryString(payload, ref next, out entry.TopicStart, out entry.TopicLength) || entry.TopicLength == 0
            || !PlainJsonText.TryLiteral(payload, ref next, ",\"partition\":"u8) || !TryInteger(payload, ref next, out var partition) || partition > int.MaxValue
            || !PlainJsonText.TryLiteral(payload, ref next, ",\"offset\":"u8) || !TryInteger(payload, ref next, out entry.Offset)
            || !PlainJsonText.TryLiteral(payload, ref next, ",\"timestamp\":"u8) || !TryInteger(payload, ref next, out entry.Timestamp)
            || !PlainJsonText.TryLiteral(payload, ref next, ",\"timestampType\":"u8) || !TryString(payload, ref next, out _, out _)
            || !PlainJsonText.TryLiteral(payload, ref next, ",\"key\":"u8) || !TryStringOrNull(payload, ref next, out entry.KeyStart, out entry.KeyLength)
            || !PlainJsonText.TryLiteral(payload, ref next, ",\"value\":"u8) || !TryStringOrNull(payload, ref next, out entry.ValueStart, out entry.ValueLength))
        {
            return false;
        }

        PlainJsonText.TryLiteral(payload, ref next, ",\"headers\":[]"u8);
        if (!Expect(payload, ref next, (byte)'}'))
        {
            return false;
        }

        entry.Partition = (int)partition;
        at = next;
        return true;
    }

    private void Add(in Entry entry)
    {
        if (Count == entries.Length)
        {
            Array.Resize(ref entries, entries.Length * 2);
        }

        entries[Count++] = entry;
    }

    private static bool Expect(ReadOnlySpan<byte> payload, ref int at, byte c)
    {
        if (at < payload.Length && payload[at] == c)
        {
            at++;
            return true;
        }

        return false;
    }

    /// <summary>A string of printable ASCII without escapes; where its content starts and how long it is.</summary>
    private static bool TryString(ReadOnlySpan<byte> payload, ref int at, out int start, out int length)
    {
        (start, length) = (0, 0);
        if (at >= payload.Length || payload[at] != '"')
        {
            return false;
        }

        var rest = payload[(at + 1)..];
        var end = PlainJsonText.StringLength(rest);
        if (end < 0)
        {
            return false;
        }

        (start, length) = (at + 1, end);
        at += end + 2;
        return true;
    }

    private static bool TryStringOrNull(ReadOnlySpan<byte> payload, ref int at, out int start, out int length)
    {
        (start, length) = (-1, 0);
        if (at < payload.Length && payload[at..].StartsWith("null"u8))
        {
            at += 4;
            return true;
        }

        return TryString(payload, ref at, out start, out length);
    }

    /// <summary>A non-negative integer without sign, fraction or exponent, and without leading zeros.</summary>
    private static bool TryInteger(ReadOnlySpan<byte> payload, ref int at, out long value)
    {
        value = 0;
        var start = at;
        while (at < payload.Length && (uint)(payload[at] - '0') <= 9)
        {
            if (at - start == 18)
            {
                return false;
            }

            value = value * 10 + (payload[at] - '0');
            at++;
        }

        var digits = at - start;
        return digits > 0 && (digits == 1 || payload[start] != '0');
    }

    /// <summary>Where one record's fields are in the payload; -1 for an absent key or value.</summary>
    internal struct Entry
    {
        public int TopicStart;
        public int TopicLength;
        public int Partition;
        public long Offset;
        public long Timestamp;
        public int KeyStart;
        public int KeyLength;
        public int ValueStart;
        public int ValueLength;
    }
}
