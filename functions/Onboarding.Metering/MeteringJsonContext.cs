using System.Text.Json.Serialization;
using Onboarding.Lambda.Events;

namespace Onboarding.Metering;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScheduledEvent))]
public sealed partial class MeteringJsonContext : JsonSerializerContext;
