using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Onboarding.Lambda.Events;
using Onboarding.Lambda.Runtime;

namespace Onboarding.Lambda.Hosting;

/// <summary>Translates API Gateway HTTP API (payload 2.0) events to ASP.NET Core requests and back.</summary>
public static partial class HttpApiV2Bridge
{
    /// <summary>HttpContext.Items keys; the same strings Amazon.Lambda.AspNetCoreServer uses.</summary>
    public const string LambdaContextItem = "LambdaContext";
    public const string LambdaRequestItem = "LambdaRequestObject";

    private const string DefaultStage = "$default";

    internal static async Task<APIGatewayHttpApiV2ProxyResponse> ProcessAsync<TContext>(
        IHttpApplication<TContext> application,
        APIGatewayHttpApiV2ProxyRequest request,
        ILambdaContext lambdaContext,
        ILogger logger)
        where TContext : notnull
    {
        var features = new InvocationFeatures();
        ApplyRequest(request, features);
        features.TraceIdentifier = lambdaContext.AwsRequestId;
        features.Items[LambdaContextItem] = lambdaContext;
        features.Items[LambdaRequestItem] = request;

        var context = application.CreateContext(features.Collection);
        Exception? failure = null;
        try
        {
            await application.ProcessRequestAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // As Kestrel does for an exception no middleware handled: a bare 500, nothing half-written.
            failure = ex;
            LogUnhandledException(logger, lambdaContext.AwsRequestId, ex);
            features.ResetResponse(StatusCodes.Status500InternalServerError);
        }

        APIGatewayHttpApiV2ProxyResponse response;
        try
        {
            await features.CompleteAsync().ConfigureAwait(false);
            response = ToResponse(features);
            await features.FireOnCompletedAsync().ConfigureAwait(false);
        }
        finally
        {
            application.DisposeContext(context, failure);
        }
        return response;
    }

    /// <summary>Fills the request side of <paramref name="features"/> from the event.</summary>
    internal static void ApplyRequest(APIGatewayHttpApiV2ProxyRequest request, InvocationFeatures features)
    {
        var http = request.RequestContext?.Http;
        features.Method = http?.Method ?? "GET";
        features.Protocol = string.IsNullOrEmpty(http?.Protocol) ? "HTTP/1.1" : http.Protocol;

        var rawPath = string.IsNullOrEmpty(request.RawPath) ? "/" : request.RawPath;
        var (pathBase, path) = SplitStage(rawPath, request.RequestContext?.Stage);
        features.PathBase = pathBase;
        features.Path = path;
        features.QueryString = string.IsNullOrEmpty(request.RawQueryString) ? "" : "?" + request.RawQueryString;
        features.RawTarget = rawPath + features.QueryString;

        IHeaderDictionary headers = new HeaderDictionary();
        if (request.Headers is not null)
        {
            foreach (var (name, value) in request.Headers)
            {
                // API Gateway already joined repeated headers with commas; splitting again would break
                // single-valued ones such as User-Agent or Date.
                headers[name] = value;
            }
        }
        if (request.Cookies is { Length: > 0 } cookies)
        {
            headers[HeaderNames.Cookie] = string.Join("; ", cookies);
        }
        features.Scheme = headers.TryGetValue("X-Forwarded-Proto", out var proto) && !StringValues.IsNullOrEmpty(proto)
            ? proto.ToString()
            : "https";

        var body = DecodeBody(request);
        features.CanHaveBody = body.Length > 0;
        if (body.Length > 0 && !headers.ContainsKey(HeaderNames.ContentLength))
        {
            headers.ContentLength = body.Length;
        }
        IHttpRequestFeature requestFeature = features;
        requestFeature.Headers = headers;
        requestFeature.Body = new MemoryStream(body, writable: false);

        if (IPAddress.TryParse(http?.SourceIp, out var sourceIp))
        {
            features.RemoteIpAddress = sourceIp;
        }
        features.ConnectionId = request.RequestContext?.RequestId ?? "";
    }

    /// <summary>
    /// A named stage prefixes the raw path (<c>/prod/users</c>); it becomes the PathBase so the app's
    /// routes and generated links work unchanged. The <c>$default</c> stage adds no prefix.
    /// </summary>
    internal static (string PathBase, string Path) SplitStage(string rawPath, string? stage)
    {
        var decoded = PathString.FromUriComponent(rawPath).Value ?? "/";
        if (string.IsNullOrEmpty(stage) || stage == DefaultStage)
        {
            return ("", decoded);
        }

        var prefix = "/" + stage;
        if (decoded.StartsWith(prefix, StringComparison.Ordinal)
            && (decoded.Length == prefix.Length || decoded[prefix.Length] == '/'))
        {
            return (prefix, decoded[prefix.Length..]);
        }
        return ("", decoded);
    }

    private static byte[] DecodeBody(APIGatewayHttpApiV2ProxyRequest request)
    {
        if (string.IsNullOrEmpty(request.Body))
        {
            return [];
        }
        if (!request.IsBase64Encoded)
        {
            return Encoding.UTF8.GetBytes(request.Body);
        }
        try
        {
            return Convert.FromBase64String(request.Body);
        }
        catch (FormatException ex)
        {
            throw new FormatException("The API Gateway event says isBase64Encoded but its body is not valid base64.", ex);
        }
    }

    internal static APIGatewayHttpApiV2ProxyResponse ToResponse(InvocationFeatures features)
    {
        var response = new APIGatewayHttpApiV2ProxyResponse { StatusCode = features.StatusCode };
        var headers = ((IHttpResponseFeature)features).Headers;

        Dictionary<string, string>? outHeaders = null;
        List<string>? cookies = null;
        foreach (var (name, values) in headers)
        {
            if (string.Equals(name, HeaderNames.SetCookie, StringComparison.OrdinalIgnoreCase))
            {
                (cookies ??= []).AddRange(values.Where(v => v is not null)!);
            }
            else
            {
                // Payload 2.0 response headers are single-valued; a comma-joined list is the HTTP equivalent.
                (outHeaders ??= new(StringComparer.OrdinalIgnoreCase))[name] = values.ToString();
            }
        }
        response.Headers = outHeaders;
        response.Cookies = cookies?.ToArray();

        var buffer = features.ResponseBuffer;
        if (buffer.Length > 0)
        {
            var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            if (IsUtf8Text(headers))
            {
                response.Body = Encoding.UTF8.GetString(bytes);
            }
            else
            {
                response.Body = Convert.ToBase64String(bytes);
                response.IsBase64Encoded = true;
            }
        }
        return response;
    }

    /// <summary>
    /// Only bodies that are UTF-8 text can travel as a JSON string unchanged. Everything else (images,
    /// octet-stream, zip, pdf, any compressed or non-UTF-8 body, or an unknown type) goes base64, which
    /// API Gateway decodes before the client sees it.
    /// </summary>
    internal static bool IsUtf8Text(IHeaderDictionary headers)
    {
        if (!StringValues.IsNullOrEmpty(headers.ContentEncoding)
            && !string.Equals(headers.ContentEncoding.ToString(), "identity", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (!MediaTypeHeaderValue.TryParse(headers.ContentType.ToString(), out var contentType))
        {
            return false;
        }
        if (contentType.Charset.HasValue
            && !contentType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !contentType.Charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var type = contentType.MediaType;
        return type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/xml", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/javascript", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || type.EndsWith("+xml", StringComparison.OrdinalIgnoreCase);
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Unhandled exception in the request pipeline of invocation {AwsRequestId}; answering 500")]
    private static partial void LogUnhandledException(ILogger logger, string awsRequestId, Exception exception);
}
