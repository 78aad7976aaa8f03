using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Onboarding.Lambda.Events;
using Onboarding.Lambda.Hosting;
using Onboarding.Lambda.Runtime;
using Onboarding.Lambda.Testing;
using Onboarding.Lambda.Tests.Runtime;
using Onboarding.Lambda.Tests.Support;

namespace Onboarding.Lambda.Tests.Hosting;

// These tests change AWS_LAMBDA_RUNTIME_API, which is process-wide.
[Collection(nameof(ProcessEnvironmentCollection))]
public sealed class HostingSwitchTests
{
    [Fact]
    public void AddAWSLambdaHosting_OutsideLambda_KeepsKestrel()
    {
        Environment.SetEnvironmentVariable(LambdaEnvironment.RuntimeApi, null);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddAWSLambdaHosting(LambdaEventSource.HttpApi);

        using var app = builder.Build();

        Assert.IsNotType<LambdaServer>(app.Services.GetRequiredService<IServer>());
        Assert.Contains("Kestrel", app.Services.GetRequiredService<IServer>().GetType().Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAWSLambdaHosting_WithRuntimeApiVariable_ServesInvocationsInsteadOfKestrel()
    {
        await using var emulator = await RuntimeApiEmulator.StartAsync();
        Environment.SetEnvironmentVariable(LambdaEnvironment.RuntimeApi, emulator.RuntimeApi);
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddAWSLambdaHosting(LambdaEventSource.HttpApi);
            await using var app = builder.Build();
            app.MapGet("/health", () => Results.Text("ok"));
            await app.StartAsync();

            var request = JsonSerializer.Deserialize(SampleEvents.Read("apigw-get-query.json"), LambdaEventsJsonContext.Default.APIGatewayHttpApiV2ProxyRequest)!;
            request.RawPath = "/health";
            var result = await emulator.InvokeAsync(JsonSerializer.Serialize(request, LambdaEventsJsonContext.Default.APIGatewayHttpApiV2ProxyRequest)).Within();
            var response = JsonSerializer.Deserialize(result.Body, LambdaEventsJsonContext.Default.APIGatewayHttpApiV2ProxyResponse)!;
            await app.StopAsync();

            Assert.IsType<LambdaServer>(app.Services.GetRequiredService<IServer>());
            Assert.Equal(200, response.StatusCode);
            Assert.Equal("ok", response.Body);
        }
        finally
        {
            Environment.SetEnvironmentVariable(LambdaEnvironment.RuntimeApi, null);
        }
    }

    [Theory]
    [InlineData(LambdaEventSource.RestApi)]
    [InlineData(LambdaEventSource.ApplicationLoadBalancer)]
    public void AddAWSLambdaHosting_ForUnsupportedEventSource_SaysOnlyHttpApiIsSupported(LambdaEventSource source)
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<NotSupportedException>(() => services.AddAWSLambdaHosting(source, _ => { }));

        Assert.Contains("HTTP API", error.Message, StringComparison.Ordinal);
    }
}
