using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Onboarding.Lambda.Events;
using Onboarding.Lambda.Runtime;

namespace Onboarding.Lambda.Hosting;

/// <summary>
/// An ASP.NET Core server whose "connections" are Lambda invocations: each API Gateway HTTP API event
/// runs through the app's real middleware pipeline and its response becomes the invocation result.
/// </summary>
public sealed partial class LambdaServer(
    IOptions<LambdaServerOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<LambdaServer> logger) : IServer
{
    private readonly CancellationTokenSource _stopping = new();
    private LambdaBootstrap? _bootstrap;
    private Task _loop = Task.CompletedTask;

    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        _bootstrap = LambdaBootstrapBuilder
            .Create<APIGatewayHttpApiV2ProxyRequest, APIGatewayHttpApiV2ProxyResponse>(
                (request, context) => HttpApiV2Bridge.ProcessAsync(application, request, context, logger),
                new SourceGeneratorLambdaJsonSerializer<LambdaEventsJsonContext>())
            .UseRuntimeApi(options.Value.RuntimeApi)
            .UseTimeProvider(options.Value.TimeProvider)
            .UseLogger(logger)
            .Build();

        // Start returns at once, as Kestrel's does; the loop lives until StopAsync.
        _loop = Task.Run(() => RunLoopAsync(_bootstrap), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunLoopAsync(LambdaBootstrap bootstrap)
    {
        try
        {
            await bootstrap.RunAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            // Without the Runtime API there is nothing left to serve: stop so Lambda restarts the sandbox.
            LogRuntimeApiFailed(logger, ex);
            lifetime.StopApplication();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _bootstrap?.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Critical, Message = "The Lambda Runtime API failed; stopping the application")]
    private static partial void LogRuntimeApiFailed(ILogger logger, Exception exception);
}
