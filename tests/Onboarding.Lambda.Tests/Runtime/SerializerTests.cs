using System.Text.Json.Serialization;
using Onboarding.Lambda.Runtime;
using Onboarding.Lambda.Tests.Support;

namespace Onboarding.Lambda.Tests.Runtime;

[JsonSerializable(typeof(RuntimeErrorBody))]
internal sealed partial class ErrorJsonContext : JsonSerializerContext;

public sealed class SerializerTests
{
    private sealed record NotInContext(int Value);

    [Fact]
    public void Deserialize_TypeMissingFromContext_SaysWhichAttributeToAdd()
    {
        var serializer = new SourceGeneratorLambdaJsonSerializer<TestJsonContext>();

        var error = Assert.Throws<InvalidOperationException>(() => serializer.Deserialize<NotInContext>(new MemoryStream("{}"u8.ToArray())));

        Assert.Contains("[JsonSerializable(typeof(NotInContext))]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_JsonNull_IsRejectedWithTheExpectedType()
    {
        var serializer = new SourceGeneratorLambdaJsonSerializer<TestJsonContext>();

        var error = Assert.Throws<System.Text.Json.JsonException>(() => serializer.Deserialize<Greeting>(new MemoryStream("null"u8.ToArray())));

        Assert.Contains("Greeting", error.Message, StringComparison.Ordinal);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OptionsProbe))]
internal sealed partial class CamelCaseJsonContext : JsonSerializerContext;

public sealed record OptionsProbe(string FirstName, string? Nickname);

public sealed class SerializerOptionsTests
{
    [Fact]
    public void Serialize_HonoursTheContextsSourceGenerationOptions()
    {
        var serializer = new SourceGeneratorLambdaJsonSerializer<CamelCaseJsonContext>();
        using var output = new MemoryStream();

        serializer.Serialize(new OptionsProbe("Ada", null), output);

        Assert.Equal("""{"firstName":"Ada"}""", System.Text.Encoding.UTF8.GetString(output.ToArray()));
    }
}
