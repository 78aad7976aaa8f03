using System.Globalization;
using System.Text.Json.Serialization;
using Onboarding.Core.Lifecycle;

namespace Onboarding.Lifecycle;

// Minimal SQS event and partial-batch response; to be replaced by the shared models of Onboarding.Lambda/Events.

public sealed class SqsEvent
{
    [JsonPropertyName("Records")]
    public List<SqsMessage> Records { get; set; } = [];
}

public sealed class SqsMessage
{
    [JsonPropertyName("messageId")]
    public string MessageId { get; set; } = "";

    [JsonPropertyName("body")]
    public string? Body { get; set; }

    [JsonPropertyName("attributes")]
    public Dictionary<string, string>? Attributes { get; set; }

    public QueuedNotification ToNotification() => new(
        MessageId,
        Body,
        Attributes is not null && Attributes.TryGetValue("SentTimestamp", out var sent)
            && long.TryParse(sent, NumberStyles.Integer, CultureInfo.InvariantCulture, out var milliseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : null);
}

public sealed class SqsBatchResponse
{
    [JsonPropertyName("batchItemFailures")]
    public List<BatchItemFailure> BatchItemFailures { get; set; } = [];

    public sealed class BatchItemFailure
    {
        [JsonPropertyName("itemIdentifier")]
        public string ItemIdentifier { get; set; } = "";
    }
}

[JsonSerializable(typeof(SqsEvent))]
[JsonSerializable(typeof(SqsBatchResponse))]
public sealed partial class LifecycleJsonContext : JsonSerializerContext;
