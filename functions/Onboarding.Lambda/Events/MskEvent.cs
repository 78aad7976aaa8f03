using System.Text.Json.Serialization;

namespace Onboarding.Lambda.Events;

/// <summary>The event an Amazon MSK (or self-managed Kafka) event source mapping sends to a function.</summary>
public sealed class MskEvent
{
    public const string Source = "aws:kafka";

    /// <summary><c>aws:kafka</c> for MSK, <c>SelfManagedKafka</c> for a self-managed cluster.</summary>
    [JsonPropertyName("eventSource")]
    public string? EventSource { get; set; }

    [JsonPropertyName("eventSourceArn")]
    public string? EventSourceArn { get; set; }

    /// <summary>Comma-separated broker addresses.</summary>
    [JsonPropertyName("bootstrapServers")]
    public string? BootstrapServers { get; set; }

    /// <summary>Records grouped by <c>"topic-partition"</c>, each list in offset order.</summary>
    [JsonPropertyName("records")]
    public Dictionary<string, List<MskRecord>> Records { get; set; } = [];
}

public sealed class MskRecord
{
    [JsonPropertyName("topic")]
    public string Topic { get; set; } = string.Empty;

    [JsonPropertyName("partition")]
    public int Partition { get; set; }

    [JsonPropertyName("offset")]
    public long Offset { get; set; }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    [JsonPropertyName("timestamp")]
    public long Timestamp { get; set; }

    /// <summary><c>CREATE_TIME</c> or <c>LOG_APPEND_TIME</c>.</summary>
    [JsonPropertyName("timestampType")]
    public string? TimestampType { get; set; }

    /// <summary>Base64 of the key bytes; absent for a record without a key.</summary>
    [JsonPropertyName("key")]
    public string? Key { get; set; }

    /// <summary>Base64 of the value bytes; absent for a tombstone.</summary>
    [JsonPropertyName("value")]
    public string? Value { get; set; }

    /// <summary>
    /// Each header is a one-entry map from its name to its bytes written as a JSON array of numbers
    /// (Java's signed bytes, so -128..127; 0..255 is read too). Not byte[]: System.Text.Json reads byte[] as base64.
    /// </summary>
    [JsonPropertyName("headers")]
    public List<Dictionary<string, int[]>>? Headers { get; set; }

    /// <summary>Header bytes as Kafka holds them.</summary>
    public static byte[] HeaderBytes(int[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var bytes = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is < sbyte.MinValue or > byte.MaxValue)
            {
                throw new FormatException($"Header byte {values[i]} is outside -128..255.");
            }

            bytes[i] = unchecked((byte)values[i]);
        }

        return bytes;
    }

    /// <summary>Header bytes as the event writes them (signed, like Java).</summary>
    public static int[] HeaderValues(ReadOnlySpan<byte> bytes)
    {
        var values = new int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            values[i] = unchecked((sbyte)bytes[i]);
        }

        return values;
    }
}
