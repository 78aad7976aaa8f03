using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Onboarding.IntegrationTests.OnboardingFlow;

/// <summary>One buyer's browser, reduced to what the pages need: its cookies, the forms' hidden CSRF field, redirects.</summary>
public sealed partial class Buyer(HttpClient http) : IDisposable
{
    public HttpClient Http => http;

    public Task<HttpResponseMessage> LandAsync(string? token) =>
        http.PostAsync("/", new FormUrlEncodedContent(token is null ? [] : [new("x-amzn-marketplace-token", token)]));

    public async Task<string> GetRegistrationAsync()
    {
        using var response = await http.GetAsync("/register");
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /register answered {(int)response.StatusCode}: {html}");
        return html;
    }

    /// <summary>GET /register for its CSRF field, then POST the form (multipart, as the page sends it).</summary>
    public async Task<HttpResponseMessage> RegisterAsync(string? csr = null, bool generate = false, string company = "Acme Trading", string email = "ops@acme.example", string? csrFile = null) =>
        await PostRegistrationAsync(Csrf(await GetRegistrationAsync()), csr, generate, company, email, csrFile);

    public async Task<HttpResponseMessage> PostRegistrationAsync(string csrf, string? csr = null, bool generate = false, string company = "Acme Trading", string email = "ops@acme.example", string? csrFile = null)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(csrf), "__csrf" },
            { new StringContent(company), "company" },
            { new StringContent("Jane Doe"), "contactName" },
            { new StringContent(email), "email" },
            { new StringContent("+1 206 555 0100"), "phone" },
            { new StringContent(generate ? "generate" : "csr"), "keyChoice" },
            { new StringContent(csr ?? string.Empty), "csr" },
        };
        if (csrFile is not null)
        {
            form.Add(new ByteArrayContent(Encoding.ASCII.GetBytes(csrFile)), "csrFile", "client.csr");
        }

        return await http.PostAsync("/register", form);
    }

    /// <summary>The "Try again" button of the progress/failure page.</summary>
    public async Task<HttpResponseMessage> ContinueAsync()
    {
        using var page = await http.GetAsync("/register");
        var csrf = Csrf(await page.Content.ReadAsStringAsync());
        return await http.PostAsync("/register/continue", new FormUrlEncodedContent([new("__csrf", csrf)]));
    }

    public static string Csrf(string html) =>
        CsrfField().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("The page has no CSRF field: " + html);

    public void Dispose() => http.Dispose();

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
