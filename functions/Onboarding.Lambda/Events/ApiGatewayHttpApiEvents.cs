using System.Text.Json.Serialization;

namespace Onboarding.Lambda.Events;

// API Gateway HTTP API, payload format 2.0. Class and property names follow
// Amazon.Lambda.APIGatewayEvents so handlers can move to that package.

public sealed class APIGatewayHttpApiV2ProxyRequest
{
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [JsonPropertyName("routeKey")]
    public string? RouteKey { get; set; }

    /// <summary>The path as the client sent it (percent-encoded), including <c>/{stage}</c> for named stages.</summary>
    [JsonPropertyName("rawPath")]
    public string? RawPath { get; set; }

    /// <summary>The query string as the client sent it, without '?': encoded values, repeated keys kept.</summary>
    [JsonPropertyName("rawQueryString")]
    public string? RawQueryString { get; set; }

    /// <summary>Request cookies; API Gateway moves them out of the Cookie header.</summary>
    [JsonPropertyName("cookies")]
    public string[]? Cookies { get; set; }

    /// <summary>Lower-case names; repeated headers arrive joined with commas.</summary>
    [JsonPropertyName("headers")]
    public Dictionary<string, string>? Headers { get; set; }

    [JsonPropertyName("queryStringParameters")]
    public Dictionary<string, string>? QueryStringParameters { get; set; }

    [JsonPropertyName("pathParameters")]
    public Dictionary<string, string>? PathParameters { get; set; }

    [JsonPropertyName("stageVariables")]
    public Dictionary<string, string>? StageVariables { get; set; }

    [JsonPropertyName("requestContext")]
    public ProxyRequestContext? RequestContext { get; set; }

    [JsonPropertyName("body")]
    public string? Body { get; set; }

    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }

    public sealed class ProxyRequestContext
    {
        [JsonPropertyName("accountId")]
        public string? AccountId { get; set; }

        [JsonPropertyName("apiId")]
        public string? ApiId { get; set; }

        [JsonPropertyName("domainName")]
        public string? DomainName { get; set; }

        [JsonPropertyName("domainPrefix")]
        public string? DomainPrefix { get; set; }

        [JsonPropertyName("http")]
        public HttpDescription? Http { get; set; }

        [JsonPropertyName("requestId")]
        public string? RequestId { get; set; }

        [JsonPropertyName("routeKey")]
        public string? RouteKey { get; set; }

        /// <summary><c>$default</c> or a stage name that also prefixes <see cref="RawPath"/>.</summary>
        [JsonPropertyName("stage")]
        public string? Stage { get; set; }

        [JsonPropertyName("time")]
        public string? Time { get; set; }

        [JsonPropertyName("timeEpoch")]
        public long TimeEpoch { get; set; }
    }

    public sealed class HttpDescription
    {
        [JsonPropertyName("method")]
        public string? Method { get; set; }

        [JsonPropertyName("path")]
        public string? Path { get; set; }

        [JsonPropertyName("protocol")]
        public string? Protocol { get; set; }

        [JsonPropertyName("sourceIp")]
        public string? SourceIp { get; set; }

        [JsonPropertyName("userAgent")]
        public string? UserAgent { get; set; }
    }
}

public sealed class APIGatewayHttpApiV2ProxyResponse
{
    [JsonPropertyName("statusCode")]
    public int StatusCode { get; set; }

    /// <summary>One value per name; several values are joined with commas (Set-Cookie goes to <see cref="Cookies"/>).</summary>
    [JsonPropertyName("headers")]
    public Dictionary<string, string>? Headers { get; set; }

    [JsonPropertyName("cookies")]
    public string[]? Cookies { get; set; }

    [JsonPropertyName("body")]
    public string? Body { get; set; }

    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }
}
