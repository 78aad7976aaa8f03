using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Onboarding.Lambda.Hosting;

/// <summary>
/// The HTTP features of one invocation: the request as read from the event, the response buffered in
/// memory (Lambda returns it whole), OnStarting callbacks fired before the first byte, as Kestrel does.
/// </summary>
internal sealed class InvocationFeatures :
    IHttpRequestFeature,
    IHttpResponseFeature,
    IHttpResponseBodyFeature,
    IHttpRequestBodyDetectionFeature,
    IHttpConnectionFeature,
    IHttpRequestIdentifierFeature,
    IHttpRequestLifetimeFeature,
    IItemsFeature
{
    private readonly ResponseStream _responseStream;
    private PipeWriter? _writer;
    private List<(Func<object, Task> Callback, object State)>? _onStarting;
    private List<(Func<object, Task> Callback, object State)>? _onCompleted;

    public InvocationFeatures()
    {
        _responseStream = new ResponseStream(this);
        Collection = new FeatureCollection();
        Collection.Set<IHttpRequestFeature>(this);
        Collection.Set<IHttpResponseFeature>(this);
        Collection.Set<IHttpResponseBodyFeature>(this);
        Collection.Set<IHttpRequestBodyDetectionFeature>(this);
        Collection.Set<IHttpConnectionFeature>(this);
        Collection.Set<IHttpRequestIdentifierFeature>(this);
        Collection.Set<IHttpRequestLifetimeFeature>(this);
        Collection.Set<IItemsFeature>(this);
    }

    public FeatureCollection Collection { get; }

    public MemoryStream ResponseBuffer { get; } = new();

    // IHttpRequestFeature
    public string Protocol { get; set; } = "HTTP/1.1";
    public string Scheme { get; set; } = "https";
    public string Method { get; set; } = "GET";
    public string PathBase { get; set; } = "";
    public string Path { get; set; } = "/";
    public string QueryString { get; set; } = "";
    public string RawTarget { get; set; } = "/";
    IHeaderDictionary IHttpRequestFeature.Headers { get; set; } = new HeaderDictionary();
    Stream IHttpRequestFeature.Body { get; set; } = Stream.Null;

    // IHttpResponseFeature
    public int StatusCode { get; set; } = StatusCodes.Status200OK;
    public string? ReasonPhrase { get; set; }
    IHeaderDictionary IHttpResponseFeature.Headers { get; set; } = new HeaderDictionary();
#pragma warning disable CS0618 // IHttpResponseFeature.Body is obsolete but still part of the interface.
    Stream IHttpResponseFeature.Body { get => _responseStream; set => throw new NotSupportedException("Replace IHttpResponseBodyFeature instead."); }
#pragma warning restore CS0618
    public bool HasStarted { get; private set; }

    public void OnStarting(Func<object, Task> callback, object state)
    {
        if (HasStarted)
        {
            throw new InvalidOperationException("The response has already started.");
        }
        (_onStarting ??= []).Add((callback, state));
    }

    public void OnCompleted(Func<object, Task> callback, object state) => (_onCompleted ??= []).Add((callback, state));

    // IHttpResponseBodyFeature
    public Stream Stream => _responseStream;
    public PipeWriter Writer => _writer ??= PipeWriter.Create(_responseStream, new StreamPipeWriterOptions(leaveOpen: true));
    public void DisableBuffering() { }
    public Task StartAsync(CancellationToken cancellationToken = default) => FireOnStartingAsync();

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        await FireOnStartingAsync().ConfigureAwait(false);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        file.Seek(offset, SeekOrigin.Begin);
        if (count is { } length)
        {
            var buffer = new byte[length];
            await file.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
            await ResponseBuffer.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await file.CopyToAsync(ResponseBuffer, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task CompleteAsync()
    {
        await FireOnStartingAsync().ConfigureAwait(false);
        if (_writer is not null)
        {
            await _writer.FlushAsync().ConfigureAwait(false);
        }
    }

    // IHttpRequestBodyDetectionFeature
    public bool CanHaveBody { get; set; }

    // IHttpConnectionFeature
    public string ConnectionId { get; set; } = "";
    public IPAddress? RemoteIpAddress { get; set; }
    public IPAddress? LocalIpAddress { get; set; }
    public int RemotePort { get; set; }
    public int LocalPort { get; set; }

    // IHttpRequestIdentifierFeature
    public string TraceIdentifier { get; set; } = "";

    // IHttpRequestLifetimeFeature
    public CancellationToken RequestAborted { get; set; }
    public void Abort() { }

    // IItemsFeature
    public IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public async Task FireOnStartingAsync()
    {
        if (HasStarted)
        {
            return;
        }
        HasStarted = true;
        if (_onStarting is null)
        {
            return;
        }
        // Registered last runs first, as in Kestrel.
        for (var i = _onStarting.Count - 1; i >= 0; i--)
        {
            await _onStarting[i].Callback(_onStarting[i].State).ConfigureAwait(false);
        }
    }

    public async Task FireOnCompletedAsync()
    {
        if (_onCompleted is null)
        {
            return;
        }
        for (var i = _onCompleted.Count - 1; i >= 0; i--)
        {
            await _onCompleted[i].Callback(_onCompleted[i].State).ConfigureAwait(false);
        }
    }

    /// <summary>Resets a half-written response so an unhandled exception can become a plain 500.</summary>
    public void ResetResponse(int statusCode)
    {
        StatusCode = statusCode;
        ReasonPhrase = null;
        ((IHttpResponseFeature)this).Headers.Clear();
        ResponseBuffer.SetLength(0);
    }

    private sealed class ResponseStream(InvocationFeatures owner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!owner.HasStarted)
            {
                owner.FireOnStartingAsync().GetAwaiter().GetResult();
            }
            owner.ResponseBuffer.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await owner.FireOnStartingAsync().ConfigureAwait(false);
            owner.ResponseBuffer.Write(buffer.Span);
        }

        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => owner.FireOnStartingAsync();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
