using System.Text.Json.Serialization;

namespace Onboarding.Lambda.Events;

/// <summary>
/// Source-generated (reflection-free) metadata for the event models here. A function whose handler
/// also uses its own types declares its own context listing both.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(APIGatewayHttpApiV2ProxyRequest))]
[JsonSerializable(typeof(APIGatewayHttpApiV2ProxyResponse))]
[JsonSerializable(typeof(SQSEvent))]
[JsonSerializable(typeof(SQSBatchResponse))]
[JsonSerializable(typeof(SNSMessage))]
[JsonSerializable(typeof(EventBridgeEvent))]
[JsonSerializable(typeof(ScheduledEvent))]
public sealed partial class LambdaEventsJsonContext : JsonSerializerContext;
