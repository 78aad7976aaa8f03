using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Onboarding.Lambda.Events;
using Onboarding.Lambda.Hosting;
using Onboarding.Lambda.Runtime;
using Onboarding.Lambda.Testing;
using Onboarding.Lambda.Tests.Support;

namespace Onboarding.Lambda.Tests.Hosting;

public sealed record EchoReply(
    string Method,
    string Scheme,
    string Host,
    string PathBase,
    string Path,
    string QueryString,
    string[] Symbols,
    string? Q,
    string? Note,
    string? Empty,
    string[] UserAgentValues,
    string[] DateValues,
    string? RemoteIp,
    string TraceIdentifier,
    string? LambdaRequestId,
    int? LambdaRemainingSeconds);

/// <summary>
/// A real ASP.NET Core app (routing, minimal APIs, cookies, forms, middleware) served by our
/// LambdaServer from the emulator, the way it runs inside Lambda.
/// </summary>
public sealed class LambdaHostedApp : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    public static readonly byte[] ZipBytes = [.. Enumerable.Range(0, 256).Select(i => (byte)i)];

    private WebApplication? _app;

    public RuntimeApiEmulator Emulator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await RuntimeApiEmulator.StartAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAWSLambdaHosting(LambdaEventSource.HttpApi, options =>
        {
            options.RuntimeApi = Emulator.RuntimeApi;
            options.TimeProvider = new FixedTimeProvider(Now);
        });
        _app = builder.Build();
        MapEndpoints(_app);
        await _app.StartAsync();
    }

    public static void MapEndpoints(WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers["X-Started-Callback"] = "ran";
                return Task.CompletedTask;
            });
            return next(context);
        });

        app.MapGet("/echo/{**rest}", (HttpContext context) =>
        {
            var request = context.Request;
            var lambda = context.Items[HttpApiV2Bridge.LambdaContextItem] as ILambdaContext;
            return Results.Json(new EchoReply(
                request.Method,
                request.Scheme,
                request.Host.Value ?? "",
                request.PathBase.Value ?? "",
                request.Path.Value ?? "",
                request.QueryString.Value ?? "",
                request.Query["symbol"].ToArray()!,
                request.Query["q"],
                request.Query["note"],
                request.Query.ContainsKey("empty") ? request.Query["empty"].ToString() : null,
                request.Headers.UserAgent.ToArray()!,
                request.Headers.Date.ToArray()!,
                context.Connection.RemoteIpAddress?.ToString(),
                context.TraceIdentifier,
                lambda?.AwsRequestId,
                lambda is null ? null : (int)lambda.RemainingTime.TotalSeconds));
        });

        app.MapPost("/landing", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            return Results.Text(
                $"token={form["x-amzn-marketplace-token"]} lang={form["lang"]} pathBase={context.Request.PathBase}",
                "text/plain; charset=utf-8");
        });

        app.MapPost("/json", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            using var document = JsonDocument.Parse(body);
            return Results.Text(
                $$"""{"received":{{document.RootElement.GetRawText()}},"contentLength":{{context.Request.ContentLength}}}""",
                "application/json");
        });

        app.MapGet("/session", (HttpContext context) =>
        {
            context.Response.Cookies.Append("session", "renewed", new CookieOptions { HttpOnly = true, Secure = true, Path = "/prod" });
            context.Response.Cookies.Append("seen", "1");
            context.Response.Headers.Append("Vary", "Accept");
            context.Response.Headers.Append("Vary", "Cookie");
            return Results.Text(
                $"session={context.Request.Cookies["session"]} theme={context.Request.Cookies["theme"]} cookieHeaders={context.Request.Headers.Cookie.Count} pathBase={context.Request.PathBase} path={context.Request.Path}",
                "text/plain");
        });

        app.MapGet("/credentials/{id}", (string id) => Results.File(ZipBytes, "application/zip", id));

        app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));

        app.MapGet("/boom", IResult () => throw new InvalidOperationException("pipeline failure"));
    }

    public async Task<APIGatewayHttpApiV2ProxyResponse> SendAsync(APIGatewayHttpApiV2ProxyRequest request, EmulatedInvocation? invocation = null) =>
        JsonSerializer.Deserialize(await SendRawAsync(request, invocation), LambdaEventsJsonContext.Default.APIGatewayHttpApiV2ProxyResponse)!;

    /// <summary>The response event exactly as the runtime posted it.</summary>
    public async Task<string> SendRawAsync(APIGatewayHttpApiV2ProxyRequest request, EmulatedInvocation? invocation = null)
    {
        var payload = JsonSerializer.Serialize(request, LambdaEventsJsonContext.Default.APIGatewayHttpApiV2ProxyRequest);
        var result = await Emulator.InvokeAsync(payload, invocation).Within();
        Assert.True(result.Succeeded, result.Error?.BodyText);
        return result.BodyText;
    }

    public static APIGatewayHttpApiV2ProxyRequest LoadEvent(string name) =>
        JsonSerializer.Deserialize(SampleEvents.Read(name), LambdaEventsJsonContext.Default.APIGatewayHttpApiV2ProxyRequest)!;

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await Emulator.DisposeAsync();
    }
}
