using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Onboarding.Lambda.Runtime;

/// <summary>
/// Builds the runtime loop for a typed handler. The call site mirrors Amazon.Lambda.RuntimeSupport:
/// <c>await LambdaBootstrapBuilder.Create(handler, new SourceGeneratorLambdaJsonSerializer&lt;Ctx&gt;()).Build().RunAsync();</c>
/// </summary>
public sealed class LambdaBootstrapBuilder
{
    private readonly Func<RuntimeApiInvocation, ILambdaContext, Task<ReadOnlyMemory<byte>>> _handler;
    private Func<Task>? _initializer;
    private string? _runtimeApi;
    private TimeProvider _timeProvider = TimeProvider.System;
    private ILogger? _logger;

    private LambdaBootstrapBuilder(Func<RuntimeApiInvocation, ILambdaContext, Task<ReadOnlyMemory<byte>>> handler) =>
        _handler = handler;

    public static LambdaBootstrapBuilder Create<TEvent, TResponse>(
        Func<TEvent, ILambdaContext, Task<TResponse>> handler,
        ILambdaSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(serializer);
        return new LambdaBootstrapBuilder(async (invocation, context) =>
        {
            var input = serializer.Deserialize<TEvent>(new MemoryStream(invocation.Payload, writable: false));
            var result = await handler(input, context).ConfigureAwait(false);
            var output = new MemoryStream();
            serializer.Serialize(result, output);
            return output.GetBuffer().AsMemory(0, (int)output.Length);
        });
    }

    /// <summary>
    /// A handler that reads the raw payload itself (a large batch read without materialising the event). The stream is a
    /// <see cref="MemoryStream"/> over the payload whose buffer <see cref="MemoryStream.TryGetBuffer"/> exposes.
    /// </summary>
    public static LambdaBootstrapBuilder Create<TResponse>(
        Func<Stream, ILambdaContext, Task<TResponse>> handler,
        ILambdaSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(serializer);
        return new LambdaBootstrapBuilder(async (invocation, context) =>
        {
            using var input = new MemoryStream(invocation.Payload, 0, invocation.Payload.Length, writable: false, publiclyVisible: true);
            var result = await handler(input, context).ConfigureAwait(false);
            var output = new MemoryStream();
            serializer.Serialize(result, output);
            return output.GetBuffer().AsMemory(0, (int)output.Length);
        });
    }

    /// <summary>A handler without a result (schedules, EventBridge); Lambda records an empty response.</summary>
    public static LambdaBootstrapBuilder Create<TEvent>(
        Func<TEvent, ILambdaContext, Task> handler,
        ILambdaSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(serializer);
        return new LambdaBootstrapBuilder(async (invocation, context) =>
        {
            var input = serializer.Deserialize<TEvent>(new MemoryStream(invocation.Payload, writable: false));
            await handler(input, context).ConfigureAwait(false);
            return ReadOnlyMemory<byte>.Empty;
        });
    }

    /// <summary>
    /// Work done once before the first invocation (building clients, reading configuration). If it
    /// throws, the error goes to <c>/runtime/init/error</c> and the loop does not start.
    /// </summary>
    public LambdaBootstrapBuilder UseInitializer(Func<Task> initializer)
    {
        _initializer = initializer;
        return this;
    }

    /// <summary>host:port of the Runtime API; defaults to <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public LambdaBootstrapBuilder UseRuntimeApi(string runtimeApi)
    {
        _runtimeApi = runtimeApi;
        return this;
    }

    /// <summary>The clock behind <see cref="ILambdaContext.RemainingTime"/>.</summary>
    public LambdaBootstrapBuilder UseTimeProvider(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        return this;
    }

    /// <summary>Where the loop logs failed invocations; defaults to nothing (the Runtime API still gets every error).</summary>
    public LambdaBootstrapBuilder UseLogger(ILogger logger)
    {
        _logger = logger;
        return this;
    }

    public LambdaBootstrap Build()
    {
        var http = RuntimeApiClient.CreateHttpClient(_runtimeApi ?? Environment.GetEnvironmentVariable(LambdaEnvironment.RuntimeApi) ?? "");
        return new LambdaBootstrap(
            _handler,
            _initializer,
            new RuntimeApiClient(http),
            http,
            _timeProvider,
            _logger ?? NullLogger.Instance);
    }
}
