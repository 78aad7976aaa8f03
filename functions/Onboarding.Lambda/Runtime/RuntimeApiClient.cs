using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Onboarding.Lambda.Runtime;

/// <summary>One invocation as the Runtime API hands it out.</summary>
public sealed record RuntimeApiInvocation(
    string RequestId,
    DateTimeOffset Deadline,
    string InvokedFunctionArn,
    string? TraceId,
    byte[] Payload);

/// <summary>
/// The Lambda Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html):
/// next invocation, response, invocation error, init error.
/// </summary>
public sealed class RuntimeApiClient
{
    private const string ErrorContentType = "application/vnd.aws.lambda.error+json";
    private const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
    private const string XRayErrorCauseHeader = "Lambda-Runtime-Function-XRay-Error-Cause";

    // X-Ray drops causes above 1 MiB; keep the header well below typical proxy limits.
    private const int MaxErrorCauseChars = 8 * 1024;

    private readonly HttpClient _http;

    /// <param name="http">A client whose BaseAddress is <c>http://{AWS_LAMBDA_RUNTIME_API}/</c>; see <see cref="CreateHttpClient"/>.</param>
    public RuntimeApiClient(HttpClient http) => _http = http;

    /// <summary>
    /// A client fit for the Runtime API: no timeout (<c>next</c> blocks until work arrives, which may be
    /// hours) and UTF-8 header values (error text can be any language; ASCII-only headers would throw
    /// and kill the loop).
    /// </summary>
    public static HttpClient CreateHttpClient(string runtimeApi)
    {
        if (string.IsNullOrWhiteSpace(runtimeApi))
        {
            throw new InvalidOperationException(
                $"{LambdaEnvironment.RuntimeApi} is not set: the Lambda runtime loop can only run inside Lambda or against an emulator.");
        }

        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
            ResponseHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        };
        return new HttpClient(handler)
        {
            BaseAddress = new Uri($"http://{runtimeApi}/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<RuntimeApiInvocation> GetNextInvocationAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("2018-06-01/runtime/invocation/next", cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();

        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new InvalidOperationException("The Runtime API answered without Lambda-Runtime-Aws-Request-Id.");
        var deadlineMs = long.TryParse(Header(response, "Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? ms
            : throw new InvalidOperationException($"Invocation {requestId} has no valid Lambda-Runtime-Deadline-Ms header.");
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);

        return new RuntimeApiInvocation(
            requestId,
            DateTimeOffset.FromUnixTimeMilliseconds(deadlineMs),
            Header(response, "Lambda-Runtime-Invoked-Function-Arn") ?? "",
            Header(response, "Lambda-Runtime-Trace-Id"),
            payload);
    }

    public async Task SendResponseAsync(string requestId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(
            $"2018-06-01/runtime/invocation/{Uri.EscapeDataString(requestId)}/response", content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public Task ReportInvocationErrorAsync(string requestId, Exception error, CancellationToken cancellationToken) =>
        PostErrorAsync($"2018-06-01/runtime/invocation/{Uri.EscapeDataString(requestId)}/error", error, cancellationToken);

    public Task ReportInitErrorAsync(Exception error, CancellationToken cancellationToken) =>
        PostErrorAsync("2018-06-01/runtime/init/error", error, cancellationToken);

    private async Task PostErrorAsync(string path, Exception error, CancellationToken cancellationToken)
    {
        var errorType = error.GetType().Name;
        var body = new RuntimeErrorBody(errorType, error.Message, StackTraceLines(error));

        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, RuntimeJsonContext.Default.RuntimeErrorBody));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ErrorContentType);
        request.Headers.TryAddWithoutValidation(ErrorTypeHeader, errorType);
        request.Headers.TryAddWithoutValidation(XRayErrorCauseHeader, XRayCause(error));

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    internal static string[] StackTraceLines(Exception error) =>
        (error.StackTrace ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string XRayCause(Exception error)
    {
        var message = error.Message.Length > MaxErrorCauseChars ? error.Message[..MaxErrorCauseChars] : error.Message;
        var cause = new XRayErrorCause(
            Environment.CurrentDirectory,
            [new XRayException(error.GetType().Name, message)]);
        // The value travels as a header: no line breaks; non-ASCII goes out as UTF-8.
        return JsonSerializer.Serialize(cause, RuntimeJsonContext.Default.XRayErrorCause);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
