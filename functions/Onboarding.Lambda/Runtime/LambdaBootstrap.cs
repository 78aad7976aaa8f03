using Microsoft.Extensions.Logging;

namespace Onboarding.Lambda.Runtime;

/// <summary>
/// The runtime loop: optional initialisation, then next invocation, handler, response or error, forever.
/// A handler that throws fails only its own invocation; a broken Runtime API ends the loop (Lambda then
/// restarts the sandbox).
/// </summary>
public sealed partial class LambdaBootstrap : IDisposable
{
    private readonly Func<RuntimeApiInvocation, ILambdaContext, Task<ReadOnlyMemory<byte>>> _handler;
    private readonly Func<Task>? _initializer;
    private readonly RuntimeApiClient _client;
    private readonly HttpClient? _ownedHttpClient;
    private readonly LambdaFunctionInfo _function;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    internal LambdaBootstrap(
        Func<RuntimeApiInvocation, ILambdaContext, Task<ReadOnlyMemory<byte>>> handler,
        Func<Task>? initializer,
        RuntimeApiClient client,
        HttpClient? ownedHttpClient,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _handler = handler;
        _initializer = initializer;
        _client = client;
        _ownedHttpClient = ownedHttpClient;
        _function = LambdaFunctionInfo.FromEnvironment();
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> fires or the Runtime API fails. An initializer
    /// failure is reported to <c>/runtime/init/error</c> and rethrown, so the process exits.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (_initializer is not null)
        {
            try
            {
                await _initializer().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogInitFailed(_logger, ex);
                await _client.ReportInitErrorAsync(ex, cancellationToken).ConfigureAwait(false);
                throw;
            }
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            RuntimeApiInvocation invocation;
            try
            {
                invocation = await _client.GetNextInvocationAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            // A handled invocation is always reported, even when stopping: its caller is waiting.
            await InvokeAsync(invocation, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task InvokeAsync(RuntimeApiInvocation invocation, CancellationToken cancellationToken)
    {
        // Libraries (the AWS SDK, X-Ray) read the trace header from here; it changes per invocation.
        Environment.SetEnvironmentVariable(LambdaEnvironment.TraceId, invocation.TraceId);
        var context = new LambdaContext(invocation, _function, _timeProvider);

        ReadOnlyMemory<byte> response;
        try
        {
            response = await _handler(invocation, context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogInvocationFailed(_logger, invocation.RequestId, ex.GetType().Name, ex);
            await _client.ReportInvocationErrorAsync(invocation.RequestId, ex, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await _client.SendResponseAsync(invocation.RequestId, response, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is { } status && (int)status is >= 400 and < 500)
        {
            // The Runtime API refused this response (e.g. 413, above 6 MB) and has failed the invocation
            // itself; the runtime is healthy, so go on with the next one.
            LogResponseRejected(_logger, invocation.RequestId, (int)status, response.Length);
        }
    }

    public void Dispose() => _ownedHttpClient?.Dispose();

    [LoggerMessage(EventId = 1, Level = LogLevel.Critical, Message = "Function initialisation failed; reported to the Runtime API")]
    private static partial void LogInitFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "The Runtime API rejected the response of invocation {AwsRequestId} with HTTP {StatusCode} ({ResponseBytes} bytes)")]
    private static partial void LogResponseRejected(ILogger logger, string awsRequestId, int statusCode, int responseBytes);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Invocation {AwsRequestId} failed with {ErrorType}; reported to the Runtime API")]
    private static partial void LogInvocationFailed(ILogger logger, string awsRequestId, string errorType, Exception exception);
}
