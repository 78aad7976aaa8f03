using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Onboarding.Lambda.Runtime;

/// <summary>Same members as Amazon.Lambda.Core's ILambdaSerializer.</summary>
public interface ILambdaSerializer
{
    T Deserialize<T>(Stream requestStream);

    void Serialize<T>(T response, Stream responseStream);
}

/// <summary>
/// Reads and writes events through a System.Text.Json source-generated context, so no reflection is
/// needed (trim and NativeAOT safe). Shaped like Amazon.Lambda.Serialization.SystemTextJson's class of
/// the same name.
/// </summary>
public sealed class SourceGeneratorLambdaJsonSerializer<
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TContext> : ILambdaSerializer
    where TContext : JsonSerializerContext, new()
{
    // The generated static Default carries the context's [JsonSourceGenerationOptions]; `new TContext()`
    // would silently fall back to default options (naming policy, null handling).
    private readonly TContext _context =
        typeof(TContext).GetProperty("Default")?.GetValue(null) as TContext ?? new TContext();

    public T Deserialize<T>(Stream requestStream)
    {
        var value = JsonSerializer.Deserialize(requestStream, TypeInfo<T>());
        return value ?? throw new JsonException($"The event is JSON null; expected a {typeof(T).Name}.");
    }

    public void Serialize<T>(T response, Stream responseStream) =>
        JsonSerializer.Serialize(responseStream, response, TypeInfo<T>());

    private JsonTypeInfo<T> TypeInfo<T>() =>
        _context.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new InvalidOperationException(
            $"{typeof(TContext).Name} has no [JsonSerializable(typeof({typeof(T).Name}))]; add it so the type can be (de)serialized without reflection.");
}
