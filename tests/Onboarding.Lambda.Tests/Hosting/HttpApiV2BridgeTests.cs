using Microsoft.AspNetCore.Http;
using Onboarding.Lambda.Hosting;

namespace Onboarding.Lambda.Tests.Hosting;

public sealed class HttpApiV2BridgeTests
{
    [Theory]
    [InlineData("/prod/users/7", "prod", "/prod", "/users/7")]
    [InlineData("/prod", "prod", "/prod", "")]
    [InlineData("/prod/", "prod", "/prod", "/")]
    [InlineData("/production/users", "prod", "", "/production/users")]
    [InlineData("/users/prod", "prod", "", "/users/prod")]
    [InlineData("/prod/users", "$default", "", "/prod/users")]
    [InlineData("/prod/users", null, "", "/prod/users")]
    [InlineData("/v1/caf%C3%A9", "v1", "/v1", "/café")]
    [InlineData("/files/a%2Fb", "$default", "", "/files/a%2Fb")]
    public void SplitStage_MovesOnlyAWholeStageSegmentIntoPathBase(string rawPath, string? stage, string pathBase, string path)
    {
        Assert.Equal((pathBase, path), HttpApiV2Bridge.SplitStage(rawPath, stage));
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("application/problem+json", true)]
    [InlineData("text/html; charset=utf-8", true)]
    [InlineData("text/csv", true)]
    [InlineData("image/svg+xml", true)]
    [InlineData("text/plain; charset=iso-8859-1", false)]
    [InlineData("image/png", false)]
    [InlineData("application/octet-stream", false)]
    [InlineData("application/zip", false)]
    [InlineData("application/pdf", false)]
    [InlineData("application/gzip", false)]
    [InlineData("application/x-x509-ca-cert", false)]
    [InlineData("", false)]
    public void ResponseBody_TravelsAsTextOnlyForUtf8TextTypes(string contentType, bool text)
    {
        var headers = new HeaderDictionary { ["Content-Type"] = contentType };

        Assert.Equal(text, HttpApiV2Bridge.IsUtf8Text(headers));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public void CompressedTextResponse_IsTreatedAsBinary(string encoding)
    {
        var headers = new HeaderDictionary { ["Content-Type"] = "application/json", ["Content-Encoding"] = encoding };

        Assert.False(HttpApiV2Bridge.IsUtf8Text(headers));
    }
}
