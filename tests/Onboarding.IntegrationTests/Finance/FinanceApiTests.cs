using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Finance;

[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class FinanceApiTests(MotoFixture moto) : IAsyncLifetime
{
    private const string Key = "finance-test-key-0123456789";
    private const string Range = "from=2026-11-01&to=2026-11-23";

    public Task InitializeAsync() => moto.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static HttpClient Client(FinanceAppFactory factory, string? key = null)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-key", key);
        }

        return client;
    }

    [Theory]
    [InlineData("/finance/billing")]
    [InlineData("/finance/billing.csv")]
    [InlineData("/finance/billing.json")]
    [InlineData("/finance/login")]
    public async Task Finance_LocallyWithoutAConfiguredKey_RefusesAndSaysToSetFinanceApiKey(string path)
    {
        await using var factory = new FinanceAppFactory(moto, apiKey: null);
        await factory.SeedAsync();

        var response = await Client(factory, "anything").GetAsync(path);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Set FINANCE_API_KEY", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData("finance-test-key-012345678")]
    public async Task Exports_WithoutTheRightKey_AreUnauthorisedAndRevealNothing(string? key)
    {
        await using var factory = new FinanceAppFactory(moto, Key);
        await factory.SeedAsync();
        using var client = Client(factory, key);

        foreach (var path in new[] { "/finance/billing.csv", "/finance/billing.json" })
        {
            var response = await client.GetAsync($"{path}?{Range}");
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.DoesNotContain("cust-acme", body, StringComparison.Ordinal);
            Assert.Contains("x-api-key", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BillingPage_WithoutASession_RedirectsToTheLoginForm()
    {
        await using var factory = new FinanceAppFactory(moto, Key);
        await factory.SeedAsync();

        var response = await Client(factory).GetAsync("/finance/billing");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/finance/login", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Login_WithTheWrongKey_ShowsAnErrorAndSetsNoCookie()
    {
        await using var factory = new FinanceAppFactory(moto, Key);
        using var client = Client(factory);

        var response = await client.PostAsync("/finance/login", new FormUrlEncodedContent([new("apiKey", "guess")]));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("login-error", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Login_WithTheKey_SetsAnHttpOnlySessionCookieWithoutTheKeyThatOpensThePage()
    {
        await using var factory = new FinanceAppFactory(moto, Key);
        await factory.SeedAsync();
        using var client = Client(factory);

        var login = await client.PostAsync("/finance/login", new FormUrlEncodedContent([new("apiKey", Key)]));
        var page = await client.GetAsync($"/finance/billing?{Range}");

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Key, cookie, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"total-reported\">8<", html, StringComparison.Ordinal);
        Assert.Contains("DuplicateRecord", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BillingJson_WithTheKeyHeader_GivesTotalsPerCustomerDimensionDayAndMonthAndEveryRecord()
    {
        await using var factory = new FinanceAppFactory(moto, Key);
        await factory.SeedAsync();

        var response = await Client(factory, Key).GetAsync($"/finance/billing.json?{Range}&period=day");

        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var report = json.RootElement.GetProperty("report");
        Assert.Equal((8, 3, 3), (report.GetProperty("reported").GetInt64(), report.GetProperty("pending").GetInt64(), report.GetProperty("notBilled").GetInt64()));
        Assert.Equal(
            ["arn:aws:license-manager::222222222222:license:l-abc", "cust-acme"],
            report.GetProperty("byCustomer").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(["feed_hours", "trade_feed_hours"], report.GetProperty("byDimension").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(["2026-11-21", "2026-11-22"], report.GetProperty("byDay").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal([14L], report.GetProperty("byMonth").EnumerateArray().Select(c =>
            c.GetProperty("reported").GetInt64() + c.GetProperty("pending").GetInt64() + c.GetProperty("notBilled").GetInt64()));
        var entries = json.RootElement.GetProperty("entries");
        Assert.Equal(6, entries.GetArrayLength());
        Assert.Contains(entries.EnumerateArray(), e => e.GetProperty("status").GetString() == "CustomerNotSubscribed"
            && e.GetProperty("customerAwsAccountId").GetString() == "222222222222");
    }

    [Fact]
    public async Task BillingCsv_FilteredByCustomerAndStatus_DownloadsOnlyThoseRecords()
    {
        await using var factory = new FinanceAppFactory(moto, Key);
        await factory.SeedAsync();

        var response = await Client(factory, Key).GetAsync($"/finance/billing.csv?{Range}&customer=cust-acme&status=reported");

        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [
                Onboarding.Core.Metering.BillingSummary.CsvHeader,
                "2026-11-21T10:00:00Z,cust-acme,,,prod-feed,feed_hours,3,Reported,rec-1,1,",
                "2026-11-21T11:00:00Z,cust-acme,,,prod-feed,feed_hours,3,Reported,rec-2,1,",
            ],
            lines);
    }

    [Fact]
    public async Task BillingPage_WithoutDates_ShowsTheLast31DaysEndingToday()
    {
        await using var factory = new FinanceAppFactory(moto, Key);
        await factory.SeedAsync();

        var html = await Client(factory, Key).GetStringAsync("/finance/billing");

        Assert.Contains("2026-10-24 to 2026-11-23", html, StringComparison.Ordinal);
        Assert.Contains("id=\"total-reported\">8<", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("from=23/11/2026", "'from' must be a date as yyyy-MM-dd")]
    [InlineData("status=Billed", "'status' must be one of Pending, Reported")]
    [InlineData("period=week", "'period' must be hour, day or month")]
    [InlineData("from=2026-11-10&to=2026-11-01", "is before 'from'")]
    [InlineData("from=2024-01-01&to=2026-01-01", "longer than 366 days")]
    public async Task BillingPage_WithABadFilter_SaysWhatIsWrong(string query, string message)
    {
        await using var factory = new FinanceAppFactory(moto, Key);
        await factory.SeedAsync();

        var response = await Client(factory, Key).GetAsync($"/finance/billing?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BillingPage_EchoedFilterValues_AreHtmlEncoded()
    {
        await using var factory = new FinanceAppFactory(moto, Key);
        await factory.SeedAsync();

        var html = await Client(factory, Key).GetStringAsync("/finance/billing?customer=%3Cscript%3Ealert(1)%3C%2Fscript%3E");

        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finance_UnderLambda_TrustsTheGatewaysIamAuthorisationWithoutAKey()
    {
        await using var factory = new FinanceAppFactory(moto, apiKey: null, underLambda: true);
        await factory.SeedAsync();

        var response = await Client(factory).GetAsync($"/finance/billing.json?{Range}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
