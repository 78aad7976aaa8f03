using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Onboarding.Aws.AwsJson;

/// <summary>
/// Sends one AWS JSON 1.1 call: serialise, sign (SigV4), POST to the resolved endpoint, retry throttling, 5xx and
/// transport failures with capped exponential backoff and full jitter, and turn error answers into typed exceptions.
/// Credentials and region are resolved on the first call, never in the constructor. Request and response bodies
/// are never logged or put in exception messages (they may hold secrets).
/// </summary>
public sealed class AwsJsonClient
{
    public const string ContentType = "application/x-amz-json-1.1";

    private static readonly HttpClient SharedHttp = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });

    private readonly HttpClient http;
    private readonly AwsJsonService service;
    private readonly AwsJsonClientOptions options;
    private readonly Lazy<Task<(AWSCredentials Credentials, string Region, Uri Endpoint)>> resolved;

    /// <param name="httpClient">When null, one process-wide pooled client.</param>
    public AwsJsonClient(AwsJsonService service, AwsJsonClientOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxAttempts, "MaxAttempts must be at least 1.");
        }

        this.service = service;
        this.options = options;
        http = httpClient ?? SharedHttp;
        resolved = new(ResolveAsync);
    }

    public AwsJsonService Service => service;

    /// <summary>Calls <paramref name="operation"/>; <paramref name="resource"/> names the thing acted on, for error messages.</summary>
    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(
        string operation,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        string? resource,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (credentials, region, endpoint) = await resolved.Value.ConfigureAwait(false);
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);

        for (var attempt = 1; ; attempt++)
        {
            AwsErrorDetails? failure;
            Exception? transportError = null;
            try
            {
                var immutable = await credentials.GetCredentialsAsync().ConfigureAwait(false);
                using var message = BuildRequest(operation, endpoint, body, region, immutable);
                using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
                var content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return JsonSerializer.Deserialize(content.Length == 0 ? "{}"u8 : content, responseType)
                        ?? throw new InvalidOperationException($"{service.ServiceId} {operation} answered 'null'.");
                }

                failure = ReadError(operation, resource, response, content, attempt);
            }
            catch (HttpRequestException ex)
            {
                transportError = ex;
                failure = new AwsErrorDetails(service.ServiceId, operation, resource, "RequestFailed", ex.Message, HttpStatusCode.ServiceUnavailable, null, attempt);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                transportError = ex;
                failure = new AwsErrorDetails(service.ServiceId, operation, resource, "RequestTimeout", "The HTTP request timed out.", HttpStatusCode.RequestTimeout, null, attempt);
            }

            if (attempt >= options.MaxAttempts || !(transportError is not null || AwsServiceExceptions.IsRetryable(failure)))
            {
                if (transportError is not null)
                {
                    throw new AwsServiceException(failure, transportError);
                }

                throw AwsServiceExceptions.Create(failure);
            }

            var backoff = Backoff(attempt);
            options.OnRetry?.Invoke(failure, backoff);
            await options.Delay(backoff, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Full jitter: uniform in [0, min(cap, 2^(attempt-1) s)), as the SDK standard retry mode does.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(options.MaxBackoff.TotalSeconds, Math.Pow(2, attempt - 1));
        return TimeSpan.FromSeconds(options.Random() * ceiling);
    }

    private HttpRequestMessage BuildRequest(string operation, Uri endpoint, byte[] body, string region, ImmutableCredentials credentials)
    {
        var target = $"{service.TargetPrefix}.{operation}";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = ContentType,
            ["X-Amz-Target"] = target,
        };
        SigV4Signer.Sign(
            "POST",
            endpoint,
            headers,
            body,
            new SigningCredentials(credentials.AccessKey, credentials.SecretKey, credentials.UseToken ? credentials.Token : null),
            region,
            service.SigningName,
            options.Clock.GetUtcNow());

        var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        foreach (var (name, value) in headers)
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    private AwsErrorDetails ReadError(string operation, string? resource, HttpResponseMessage response, byte[] content, int attempt)
    {
        string? code = null;
        string? text = null;
        try
        {
            if (content.Length > 0 && JsonSerializer.Deserialize(content, AwsJsonContext.Default.AwsErrorBody) is { } error)
            {
                code = error.Type;
                text = error.Message ?? error.MessageUpper;
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy or a crashed stand-in): the status code alone says what happened.
        }

        if (response.Headers.TryGetValues("X-Amzn-ErrorType", out var types) && types.FirstOrDefault() is { Length: > 0 } header)
        {
            code ??= header;
        }

        code = NormaliseCode(code) ?? ((int)response.StatusCode >= 500 ? "InternalFailure" : $"Http{(int)response.StatusCode}");
        var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
        return new AwsErrorDetails(service.ServiceId, operation, resource, code, text ?? response.ReasonPhrase ?? "no message", response.StatusCode, requestId, attempt);
    }

    /// <summary>"aws.protocoljson#ThrottlingException" and "ThrottlingException:http://..." both give "ThrottlingException".</summary>
    private static string? NormaliseCode(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var hash = code.LastIndexOf('#');
        if (hash >= 0)
        {
            code = code[(hash + 1)..];
        }

        var colon = code.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? code[..colon] : code;
    }

    private async Task<(AWSCredentials, string, Uri)> ResolveAsync()
    {
        var credentials = options.Credentials
            ?? await new DefaultAWSCredentialsIdentityResolver().ResolveIdentityAsync(null!).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{service.ServiceId}: no AWS credentials found in the default credential chain.");
        var region = options.Region
            ?? FallbackRegionFactory.GetRegionEndpoint()?.SystemName
            ?? throw new InvalidOperationException($"{service.ServiceId}: no AWS region configured; set AWS_REGION.");
        var endpoint = AwsEndpointResolver.Resolve(service, region, options.ServiceUrl, options.Environment);
        return (credentials, region, endpoint);
    }
}
