using System.Text.Json;
using System.Text.Json.Serialization;

namespace Onboarding.Lambda.Events;

/// <summary>
/// An EventBridge event with its <c>detail</c> left as JSON, to be read with the caller's own
/// source-generated type once <see cref="DetailType"/> and <see cref="Source"/> say what it is.
/// (Amazon.Lambda.CloudWatchEvents calls this CloudWatchEvent&lt;T&gt;.)
/// </summary>
public class EventBridgeEvent
{
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [JsonPropertyName("id")]
    public string Id { get; set; } = "";

    [JsonPropertyName("detail-type")]
    public string DetailType { get; set; } = "";

    [JsonPropertyName("source")]
    public string Source { get; set; } = "";

    [JsonPropertyName("account")]
    public string? Account { get; set; }

    [JsonPropertyName("time")]
    public DateTimeOffset Time { get; set; }

    [JsonPropertyName("region")]
    public string? Region { get; set; }

    [JsonPropertyName("resources")]
    public List<string> Resources { get; set; } = [];

    [JsonPropertyName("detail")]
    public JsonElement Detail { get; set; }
}

/// <summary>What an EventBridge schedule rule sends: <c>detail-type</c> "Scheduled Event", source "aws.events", the rule in <c>resources</c>.</summary>
public sealed class ScheduledEvent : EventBridgeEvent
{
    public const string ScheduledDetailType = "Scheduled Event";
}
