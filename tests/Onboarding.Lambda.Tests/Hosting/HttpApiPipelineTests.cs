using System.Text.Json;
using Onboarding.Lambda.Events;
using Onboarding.Lambda.Testing;

namespace Onboarding.Lambda.Tests.Hosting;

public sealed class HttpApiPipelineTests(LambdaHostedApp app) : IClassFixture<LambdaHostedApp>
{
    private static EchoReply Echo(APIGatewayHttpApiV2ProxyResponse response)
    {
        Assert.Equal(200, response.StatusCode);
        Assert.False(response.IsBase64Encoded);
        return JsonSerializer.Deserialize<EchoReply>(response.Body!, JsonSerializerOptions.Web)!;
    }

    [Fact]
    public async Task GetWithQueryString_KeepsEncodedValuesRepeatedKeysAndDecodedPath()
    {
        var response = await app.SendAsync(LambdaHostedApp.LoadEvent("apigw-get-query.json"));

        var echo = Echo(response);
        Assert.Equal("GET", echo.Method);
        Assert.Equal("https", echo.Scheme);
        Assert.Equal("abc123.execute-api.us-east-1.amazonaws.com", echo.Host);
        Assert.Equal("", echo.PathBase);
        Assert.Equal("/echo/café/résumé", echo.Path);
        Assert.Equal("?symbol=AMZN&symbol=MSFT&q=a%26b%3Dc&note=100%25+sure&empty=", echo.QueryString);
        Assert.Equal(["AMZN", "MSFT"], echo.Symbols);
        Assert.Equal("a&b=c", echo.Q);
        Assert.Equal("100% sure", echo.Note);
        Assert.Equal("", echo.Empty);
        Assert.Equal("203.0.113.7", echo.RemoteIp);
    }

    [Fact]
    public async Task SingleValuedHeadersContainingCommas_AreNotSplit()
    {
        var response = await app.SendAsync(LambdaHostedApp.LoadEvent("apigw-get-query.json"));

        var echo = Echo(response);
        Assert.Equal(["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"], echo.UserAgentValues);
        Assert.Equal(["Tue, 15 Nov 1994 08:12:31 GMT"], echo.DateValues);
    }

    [Fact]
    public async Task LambdaContext_IsAvailableToTheAppAndNamesTheRequest()
    {
        var response = await app.SendAsync(
            LambdaHostedApp.LoadEvent("apigw-get-query.json"),
            new EmulatedInvocation(RequestId: "lambda-req-7", Deadline: LambdaHostedApp.Now.AddSeconds(29)));

        var echo = Echo(response);
        Assert.Equal("lambda-req-7", echo.LambdaRequestId);
        Assert.Equal("lambda-req-7", echo.TraceIdentifier);
        Assert.Equal(29, echo.LambdaRemainingSeconds);
    }

    [Fact]
    public async Task NamedStage_BecomesPathBase_AndBase64FormBodyIsDecoded()
    {
        var response = await app.SendAsync(LambdaHostedApp.LoadEvent("apigw-post-landing-form.json"));

        Assert.Equal(200, response.StatusCode);
        Assert.False(response.IsBase64Encoded);
        Assert.Equal("token=tok+en/abc== lang=de/CH pathBase=/prod", response.Body);
        Assert.StartsWith("text/plain", response.Headers!["Content-Type"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultStage_LeavesPathBaseEmpty_EvenWhenPathLooksLikeAStage()
    {
        var request = LambdaHostedApp.LoadEvent("apigw-get-query.json");
        request.RawPath = "/echo/prod";
        request.RawQueryString = "";

        var echo = Echo(await app.SendAsync(request));

        Assert.Equal("", echo.PathBase);
        Assert.Equal("/echo/prod", echo.Path);
    }

    [Fact]
    public async Task CookiesArray_BecomesOneCookieHeader_AndSetCookieGoesToCookies()
    {
        var response = await app.SendAsync(LambdaHostedApp.LoadEvent("apigw-stage-cookies.json"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("session=s3ss10n-abc theme=dark cookieHeaders=1 pathBase=/prod path=/session", response.Body);
        Assert.Equal(["session=renewed; path=/prod; secure; httponly", "seen=1; path=/"], response.Cookies!);
        Assert.False(response.Headers!.ContainsKey("Set-Cookie"));
        Assert.Equal("Accept,Cookie", response.Headers["Vary"]);
    }

    [Fact]
    public async Task OnStartingCallbacks_RunBeforeTheResponseIsReturned()
    {
        var response = await app.SendAsync(LambdaHostedApp.LoadEvent("apigw-stage-cookies.json"));

        Assert.Equal("ran", response.Headers!["X-Started-Callback"]);
    }

    [Fact]
    public async Task BinaryResponse_IsBase64EncodedByteForByte()
    {
        var response = await app.SendAsync(LambdaHostedApp.LoadEvent("apigw-get-binary.json"));

        Assert.Equal(200, response.StatusCode);
        Assert.True(response.IsBase64Encoded);
        Assert.Equal(LambdaHostedApp.ZipBytes, Convert.FromBase64String(response.Body!));
        Assert.Equal("application/zip", response.Headers!["Content-Type"]);
        Assert.Contains("sub-42.zip", response.Headers["Content-Disposition"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainJsonBody_ReachesTheAppWithItsLength()
    {
        var request = LambdaHostedApp.LoadEvent("apigw-get-query.json");
        request.RequestContext!.Http!.Method = "POST";
        request.RawPath = "/json";
        request.RawQueryString = "";
        request.Headers!.Remove("content-length");
        request.Headers["content-type"] = "application/json";
        request.Body = """{"symbol":"AMZN","note":"Überweisung"}""";

        var response = await app.SendAsync(request);

        Assert.Equal(200, response.StatusCode);
        Assert.False(response.IsBase64Encoded);
        Assert.Equal("""{"received":{"symbol":"AMZN","note":"Überweisung"},"contentLength":39}""", response.Body);
    }

    [Theory]
    [InlineData(201)]
    [InlineData(204)]
    [InlineData(302)]
    [InlineData(409)]
    [InlineData(503)]
    public async Task StatusCodes_PassThroughUnchanged(int status)
    {
        var request = LambdaHostedApp.LoadEvent("apigw-get-query.json");
        request.RawPath = $"/status/{status}";
        request.RawQueryString = "";

        var response = await app.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Null(response.Body);
    }

    [Fact]
    public async Task ResponseEvent_WithoutBodyOrCookies_OmitsThoseFields()
    {
        var request = LambdaHostedApp.LoadEvent("apigw-get-query.json");
        request.RawPath = "/status/204";
        request.RawQueryString = "";

        var raw = await app.SendRawAsync(request);

        Assert.StartsWith("{\"statusCode\":204,", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("null", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\"body\"", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\"cookies\"", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRoute_Answers404()
    {
        var request = LambdaHostedApp.LoadEvent("apigw-get-query.json");
        request.RawPath = "/nowhere";

        var response = await app.SendAsync(request);

        Assert.Equal(404, response.StatusCode);
    }

    [Fact]
    public async Task UnhandledExceptionInPipeline_Answers500AndTheNextRequestStillWorks()
    {
        var boom = LambdaHostedApp.LoadEvent("apigw-get-query.json");
        boom.RawPath = "/boom";

        var failed = await app.SendAsync(boom);
        var next = await app.SendAsync(LambdaHostedApp.LoadEvent("apigw-get-query.json"));

        Assert.Equal(500, failed.StatusCode);
        Assert.Null(failed.Body);
        Assert.Equal(200, next.StatusCode);
    }
}
