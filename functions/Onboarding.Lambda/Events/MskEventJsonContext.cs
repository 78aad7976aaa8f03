using System.Text.Json.Serialization;

namespace Onboarding.Lambda.Events;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MskEvent))]
public sealed partial class MskEventJsonContext : JsonSerializerContext;
