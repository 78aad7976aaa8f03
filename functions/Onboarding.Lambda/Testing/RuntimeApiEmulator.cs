using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Onboarding.Lambda.Testing;

/// <summary>
/// A local stand-in for the Lambda Runtime API on 127.0.0.1 (tests and the start-up benchmark):
/// queue invocations with <see cref="InvokeAsync"/>, point a runtime at <see cref="RuntimeApi"/>,
/// and await what it answered. It speaks the documented protocol only; it does not run functions.
/// </summary>
public sealed class RuntimeApiEmulator : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime/";

    /// <summary>Lambda's limit for a synchronous response (6 MB).</summary>
    public const int MaxResponseBytes = 6 * 1024 * 1024;

    private readonly WebApplication _app;
    private readonly Channel<PendingInvocation> _queue = Channel.CreateUnbounded<PendingInvocation>();
    private readonly ConcurrentDictionary<string, PendingInvocation> _inFlight = new();
    private readonly TaskCompletionSource<EmulatedError> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextRequestCount;
    private int _waitingNextRequests;

    private RuntimeApiEmulator(WebApplication app, string runtimeApi)
    {
        _app = app;
        RuntimeApi = runtimeApi;
    }

    /// <summary>host:port, the value for <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public string RuntimeApi { get; }

    /// <summary>Completes when the runtime reports an initialisation error.</summary>
    public Task<EmulatedError> InitError => _initError.Task;

    /// <summary>How many <c>next</c> requests the runtime has made so far.</summary>
    public int NextRequestCount => Volatile.Read(ref _nextRequestCount);

    /// <summary>
    /// How many <c>next</c> requests are parked waiting for work. After killing a runtime process, wait
    /// for this to drop before queueing work for another, or the dead one's request may take it.
    /// </summary>
    public int WaitingNextRequests => Volatile.Read(ref _waitingNextRequests);

    public static async Task<RuntimeApiEmulator> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        RuntimeApiEmulator? emulator = null;
        app.Run(context => emulator!.HandleAsync(context));
        await app.StartAsync().ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        emulator = new RuntimeApiEmulator(app, new Uri(address).Authority);
        return emulator;
    }

    /// <summary>Queues one invocation and completes with the runtime's answer.</summary>
    public Task<EmulatedInvocationResult> InvokeAsync(string payload, EmulatedInvocation? invocation = null) =>
        InvokeAsync(Encoding.UTF8.GetBytes(payload), invocation);

    public Task<EmulatedInvocationResult> InvokeAsync(byte[] payload, EmulatedInvocation? invocation = null)
    {
        invocation ??= new EmulatedInvocation();
        var pending = new PendingInvocation(
            invocation.RequestId ?? Guid.NewGuid().ToString(),
            invocation.Deadline ?? DateTimeOffset.UtcNow.AddMinutes(15),
            invocation.FunctionArn,
            invocation.TraceId,
            payload);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The emulator is stopped.");
        }
        return pending.Result.Task;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var route = path[Prefix.Length..].Split('/');

        switch (http.Request.Method, route)
        {
            case ("GET", ["invocation", "next"]):
                await HandleNextAsync(http).ConfigureAwait(false);
                break;
            case ("POST", ["invocation", var id, "response"]):
                await CompleteAsync(http, id, succeeded: true).ConfigureAwait(false);
                break;
            case ("POST", ["invocation", var id, "error"]):
                await CompleteAsync(http, id, succeeded: false).ConfigureAwait(false);
                break;
            case ("POST", ["init", "error"]):
                _initError.TrySetResult(await ReadErrorAsync(http).ConfigureAwait(false));
                http.Response.StatusCode = StatusCodes.Status202Accepted;
                break;
            default:
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    private async Task HandleNextAsync(HttpContext http)
    {
        Interlocked.Increment(ref _nextRequestCount);
        Interlocked.Increment(ref _waitingNextRequests);
        PendingInvocation pending;
        try
        {
            // Blocks like the real API does until there is work.
            pending = await _queue.Reader.ReadAsync(http.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (ChannelClosedException)
        {
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }
        finally
        {
            Interlocked.Decrement(ref _waitingNextRequests);
        }

        if (http.RequestAborted.IsCancellationRequested)
        {
            // The runtime went away while we picked its work; keep the work for the next runtime.
            _queue.Writer.TryWrite(pending);
            return;
        }
        _inFlight[pending.RequestId] = pending;
        var headers = http.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = pending.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = pending.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = pending.FunctionArn;
        if (pending.TraceId is not null)
        {
            headers["Lambda-Runtime-Trace-Id"] = pending.TraceId;
        }
        http.Response.ContentType = "application/json";
        try
        {
            await http.Response.Body.WriteAsync(pending.Payload, http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            _inFlight.TryRemove(pending.RequestId, out _);
            _queue.Writer.TryWrite(pending);
        }
    }

    private async Task CompleteAsync(HttpContext http, string requestId, bool succeeded)
    {
        if (!_inFlight.TryRemove(requestId, out var pending))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        EmulatedInvocationResult result;
        if (succeeded)
        {
            var body = await ReadBodyAsync(http).ConfigureAwait(false);
            if (body.Length > MaxResponseBytes)
            {
                // As Lambda does: the caller gets an error, the runtime a 413, and the sandbox lives on.
                var tooLarge = Encoding.UTF8.GetBytes(
                    $$"""{"errorMessage":"Response payload size ({{body.Length}} bytes) exceeded maximum allowed payload size ({{MaxResponseBytes}} bytes).","errorType":"Function.ResponseSizeTooLarge"}""");
                pending.Result.TrySetResult(new EmulatedInvocationResult(
                    requestId, tooLarge, "application/json", new EmulatedError(tooLarge, "application/json", "Function.ResponseSizeTooLarge", "")));
                http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await http.Response.Body.WriteAsync(tooLarge).ConfigureAwait(false);
                return;
            }
            result = new EmulatedInvocationResult(requestId, body, http.Request.ContentType, null);
        }
        else
        {
            var error = await ReadErrorAsync(http).ConfigureAwait(false);
            result = new EmulatedInvocationResult(requestId, error.Body, error.ContentType, error);
        }
        http.Response.StatusCode = StatusCodes.Status202Accepted;
        pending.Result.TrySetResult(result);
    }

    private static async Task<EmulatedError> ReadErrorAsync(HttpContext http) => new(
        await ReadBodyAsync(http).ConfigureAwait(false),
        http.Request.ContentType,
        http.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString(),
        http.Request.Headers["Lambda-Runtime-Function-XRay-Error-Cause"].ToString());

    private static async Task<byte[]> ReadBodyAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer).ConfigureAwait(false);
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        foreach (var pending in _inFlight.Values)
        {
            pending.Result.TrySetCanceled();
        }
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private sealed record PendingInvocation(string RequestId, DateTimeOffset Deadline, string FunctionArn, string? TraceId, byte[] Payload)
    {
        public TaskCompletionSource<EmulatedInvocationResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>What the emulator hands the runtime with an invocation; unset values get defaults.</summary>
public sealed record EmulatedInvocation(
    string? RequestId = null,
    DateTimeOffset? Deadline = null,
    string FunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:emulated",
    string? TraceId = null);

/// <summary>The runtime's answer: a response, or an error when <see cref="Error"/> is set.</summary>
public sealed record EmulatedInvocationResult(string RequestId, byte[] Body, string? ContentType, EmulatedError? Error)
{
    public bool Succeeded => Error is null;

    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>An error the runtime posted, with the headers that travelled with it.</summary>
public sealed record EmulatedError(byte[] Body, string? ContentType, string ErrorTypeHeader, string XRayCauseHeader)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
}
