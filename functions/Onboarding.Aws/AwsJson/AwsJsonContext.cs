using System.Text.Json.Serialization;

namespace Onboarding.Aws.AwsJson;

/// <summary>The error body of the JSON protocols: <c>{"__type": "...", "message": "..."}</c> (some services say "Message").</summary>
public sealed record AwsErrorBody
{
    [JsonPropertyName("__type")]
    public string? Type { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("Message")]
    public string? MessageUpper { get; init; }
}

[JsonSerializable(typeof(AwsErrorBody))]
internal sealed partial class AwsJsonContext : JsonSerializerContext;
