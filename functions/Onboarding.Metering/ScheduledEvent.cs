using System.Text.Json.Serialization;

namespace Onboarding.Metering;

/// <summary>The EventBridge scheduled event that triggers a run (see events/schedule-hourly.json).</summary>
/// <remarks>To be replaced by the shared event model of Onboarding.Lambda/Events once merged.</remarks>
public sealed class ScheduledEvent
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("detail-type")]
    public string? DetailType { get; set; }

    [JsonPropertyName("source")]
    public string? Source { get; set; }

    [JsonPropertyName("time")]
    public DateTimeOffset? Time { get; set; }

    [JsonPropertyName("resources")]
    public List<string>? Resources { get; set; }
}

[JsonSerializable(typeof(ScheduledEvent))]
public sealed partial class MeteringJsonContext : JsonSerializerContext;
