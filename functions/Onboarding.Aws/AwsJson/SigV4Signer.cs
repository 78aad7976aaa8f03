using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Onboarding.Aws.AwsJson;

/// <summary>
/// AWS Signature Version 4 for header-signed requests. Our own small signer: AWSSDK.Core's <c>AWS4Signer</c>
/// only signs its internal <c>IRequest</c>/<c>IClientConfig</c> pipeline types, not a plain HTTP request.
/// </summary>
public static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>
    /// Adds <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (when the credentials carry one) and <c>Authorization</c>
    /// to <paramref name="headers"/>, signing every header present plus <c>host</c>.
    /// </summary>
    /// <param name="headers">Headers to sign (name → value); signing headers are added to it.</param>
    public static string Sign(
        string method,
        Uri uri,
        IDictionary<string, string> headers,
        ReadOnlySpan<byte> payload,
        SigningCredentials credentials,
        string region,
        string service,
        DateTimeOffset signedAt)
    {
        var amzDate = signedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        headers["X-Amz-Date"] = amzDate;
        if (!string.IsNullOrEmpty(credentials.SessionToken))
        {
            headers["X-Amz-Security-Token"] = credentials.SessionToken;
        }

        var canonicalHeaders = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = uri.Authority,
        };
        foreach (var (name, value) in headers)
        {
            canonicalHeaders[name.ToLowerInvariant()] = CollapseSpaces(value.Trim());
        }

        var signedHeaders = string.Join(';', canonicalHeaders.Keys);
        var canonicalRequest = new StringBuilder()
            .Append(method).Append('\n')
            .Append(CanonicalPath(uri)).Append('\n')
            .Append(CanonicalQuery(uri)).Append('\n')
            .AppendJoin(string.Empty, canonicalHeaders.Select(h => $"{h.Key}:{h.Value}\n")).Append('\n')
            .Append(signedHeaders).Append('\n')
            .Append(HexSha256(payload))
            .ToString();

        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{HexSha256(Encoding.UTF8.GetBytes(canonicalRequest))}";

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var signature = Convert.ToHexStringLower(Hmac(key, stringToSign));

        var authorization = $"{Algorithm} Credential={credentials.AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        headers["Authorization"] = authorization;
        return authorization;
    }

    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string CanonicalPath(Uri uri)
    {
        // JSON-protocol calls always POST to "/"; other paths are encoded once per segment.
        var path = uri.AbsolutePath;
        return path.Length == 0
            ? "/"
            : string.Join('/', path.Split('/').Select(segment => Rfc3986(Uri.UnescapeDataString(segment))));
    }

    private static string CanonicalQuery(Uri uri)
    {
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0)
        {
            return string.Empty;
        }

        return string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
                var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
                return (Name: Rfc3986(name), Value: Rfc3986(value));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));
    }

    private static string Rfc3986(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static string CollapseSpaces(string value)
    {
        if (!value.Contains("  ", StringComparison.Ordinal))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        var previousSpace = false;
        foreach (var c in value)
        {
            if (c == ' ' && previousSpace)
            {
                continue;
            }

            previousSpace = c == ' ';
            builder.Append(c);
        }

        return builder.ToString();
    }
}

/// <summary>The key material one request is signed with. <see cref="ToString"/> never shows the secret.</summary>
public sealed record SigningCredentials(string AccessKey, string SecretKey, string? SessionToken)
{
    public override string ToString() => $"SigningCredentials {{ AccessKey = {AccessKey} }}";
}
