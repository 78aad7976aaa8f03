using System.Text.Json.Serialization;

namespace Onboarding.Lambda.Runtime;

/// <summary>The error document the Runtime API expects: errorType, errorMessage, stackTrace.</summary>
public sealed record RuntimeErrorBody(
    [property: JsonPropertyName("errorType")] string ErrorType,
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("stackTrace")] string[] StackTrace);

internal sealed record XRayErrorCause(
    [property: JsonPropertyName("working_directory")] string WorkingDirectory,
    [property: JsonPropertyName("exceptions")] XRayException[] Exceptions);

internal sealed record XRayException(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("message")] string Message);

[JsonSerializable(typeof(RuntimeErrorBody))]
[JsonSerializable(typeof(XRayErrorCause))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;
