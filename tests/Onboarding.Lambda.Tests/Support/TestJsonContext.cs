using System.Text.Json.Serialization;

namespace Onboarding.Lambda.Tests.Support;

public sealed record Greeting(string Name);

public sealed record Reply(string Message, string RequestId);

[JsonSerializable(typeof(Greeting))]
[JsonSerializable(typeof(Reply))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
