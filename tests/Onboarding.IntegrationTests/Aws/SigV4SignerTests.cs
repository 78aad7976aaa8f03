using System.Text;
using Onboarding.Aws.AwsJson;

namespace Onboarding.IntegrationTests.Aws;

/// <summary>
/// The published AWS SigV4 test suite (aws-sig-v4-test-suite): credentials AKIDEXAMPLE /
/// wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z, us-east-1, service "service", host example.amazonaws.com.
/// </summary>
public sealed class SigV4SignerTests
{
    private static readonly SigningCredentials Example = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTimeOffset SignedAt = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("get-vanilla", "GET", "https://example.amazonaws.com/", "", "",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData("post-vanilla", "POST", "https://example.amazonaws.com/", "", "",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")]
    [InlineData("get-vanilla-query-order-key-case", "GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1", "", "",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")]
    [InlineData("post-x-www-form-urlencoded", "POST", "https://example.amazonaws.com/", "application/x-www-form-urlencoded", "Param1=value1",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a")]
    public void Sign_PublishedTestVector_ProducesTheDocumentedAuthorizationHeader(
        string vector, string method, string url, string contentType, string body, string expected)
    {
        _ = vector;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (contentType.Length > 0)
        {
            headers["Content-Type"] = contentType;
        }

        var authorization = SigV4Signer.Sign(method, new Uri(url), headers, Encoding.UTF8.GetBytes(body), Example, "us-east-1", "service", SignedAt);

        Assert.Equal(expected, authorization);
        Assert.Equal(expected, headers["Authorization"]);
        Assert.Equal("20150830T123600Z", headers["X-Amz-Date"]);
    }

    [Fact]
    public void Sign_JsonProtocolCallWithSessionToken_SignsTargetAndTokenLikeBotocore()
    {
        // Expected value computed with botocore's SigV4Auth (an independent implementation) for the same request.
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = "application/x-amz-json-1.1",
            ["X-Amz-Target"] = "AWSMPMeteringService.ResolveCustomer",
        };

        var authorization = SigV4Signer.Sign(
            "POST",
            new Uri("https://metering.marketplace.us-east-1.amazonaws.com/"),
            headers,
            """{"RegistrationToken":"abc"}"""u8,
            Example with { SessionToken = "SESSIONTOKEN" },
            "us-east-1",
            "aws-marketplace",
            SignedAt);

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/aws-marketplace/aws4_request, " +
            "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, " +
            "Signature=40f830b81c41ba856b6d3336f58888a1ff2d76b95077e9c8a891e67a0e59ce1a",
            authorization);
        Assert.Equal("SESSIONTOKEN", headers["X-Amz-Security-Token"]);
    }

    [Fact]
    public void Sign_ChangedBody_ChangesTheSignature()
    {
        string SignBody(string body) => SigV4Signer.Sign(
            "POST", new Uri("https://example.amazonaws.com/"), new Dictionary<string, string>(), Encoding.UTF8.GetBytes(body),
            Example, "us-east-1", "service", SignedAt);

        Assert.NotEqual(SignBody("""{"Quantity":1}"""), SignBody("""{"Quantity":2}"""));
    }

    [Fact]
    public void SigningCredentials_ToString_NeverShowsTheSecretKey()
    {
        Assert.DoesNotContain(Example.SecretKey, Example.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Example.SecretKey, (Example with { SessionToken = "t" }).ToString(), StringComparison.Ordinal);
    }
}
