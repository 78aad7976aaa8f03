using System.Security.Cryptography;
using System.Text;

namespace Onboarding.Api.Finance;

/// <summary>
/// Local protection of the finance view: the key from <see cref="FinanceOptions.ApiKeyVariable"/> in an <c>x-api-key</c>
/// header, or a session cookie set by the login form. The cookie holds an HMAC derived from the key, never the key,
/// so changing the key ends every session.
/// </summary>
internal static class FinanceAuth
{
    public const string HeaderName = "x-api-key";
    public const string CookieName = "finance_session";

    public const string NotConfiguredMessage =
        "The finance view is locked: no API key is configured. Set FINANCE_API_KEY in the environment of the API and restart it.";

    public enum Verdict
    {
        Allowed,
        NotConfigured,
        Unauthenticated,
    }

    public static Verdict Check(HttpContext context, FinanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        if (options.TrustGateway)
        {
            return Verdict.Allowed;
        }

        if (options.ApiKey is not { } key)
        {
            return Verdict.NotConfigured;
        }

        if (context.Request.Headers[HeaderName] is [{ Length: > 0 } presented] && KeyMatches(key, presented))
        {
            return Verdict.Allowed;
        }

        return context.Request.Cookies.TryGetValue(CookieName, out var session) && session is { Length: > 0 }
            && FixedTimeEquals(SessionValue(key), session)
            ? Verdict.Allowed
            : Verdict.Unauthenticated;
    }

    public static bool KeyMatches(string key, string presented) => FixedTimeEquals(key, presented);

    public static string SessionValue(string key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), "finance-session-v1"u8));

    public static CookieOptions SessionCookie(HttpRequest request) => new()
    {
        HttpOnly = true,
        Secure = request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Path = request.PathBase.Add("/finance"),
        MaxAge = TimeSpan.FromHours(12),
    };

    // Hashing first makes the comparison take the same time whatever the lengths.
    private static bool FixedTimeEquals(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
