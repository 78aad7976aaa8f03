using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Onboarding.Aws.AwsJson;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Aws;

/// <summary>Untyped JSON-protocol calls for test set-up operations our clients deliberately do not offer.</summary>
internal static class MotoRaw
{
    public static AwsJsonClientOptions Options(MotoFixture moto) => new()
    {
        Region = MotoFixture.Region,
        Credentials = MotoFixture.Credentials,
        ServiceUrl = moto.Endpoint,
        Delay = (_, _) => Task.CompletedTask,
    };

    public static Task<JsonObject> CallAsync(MotoFixture moto, AwsJsonService service, string operation, JsonObject request) =>
        new AwsJsonClient(service, Options(moto)).InvokeAsync(
            operation, request, RawJsonContext.Default.JsonObject, RawJsonContext.Default.JsonObject, resource: null, CancellationToken.None);
}

[JsonSerializable(typeof(JsonObject))]
internal sealed partial class RawJsonContext : JsonSerializerContext;
