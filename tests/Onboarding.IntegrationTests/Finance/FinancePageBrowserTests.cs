using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Finance;

/// <summary>The finance page in headless Chromium against the API on Kestrel (127.0.0.1) with its ledger on moto.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
[Trait("Category", "Browser")]
public sealed class FinancePageBrowserTests(MotoFixture moto) : IAsyncLifetime
{
    private const string Key = "browser-finance-key-42";

    public Task InitializeAsync() => moto.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task FinanceUser_LogsInFiltersSeesTotalsAndDownloadsTheCsv()
    {
        await using var factory = new FinanceAppFactory(moto, Key);
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        await factory.SeedAsync();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true, ViewportSize = new() { Width = 1280, Height = 900 } });
        // A generous bound, not a speed check: on two busy cores the first request to a fresh app (JIT, moto) can be slow.
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        var page = await context.NewPageAsync();

        await page.GotoAsync($"{address}/finance/billing");
        Assert.EndsWith("/finance/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#apiKey", "not-the-key");
        await page.ClickAsync("#login button[type=submit]");
        Assert.Contains("not the one configured", await page.InnerTextAsync("#login-error"), StringComparison.Ordinal);
        await page.FillAsync("#apiKey", Key);
        await page.ClickAsync("#login button[type=submit]");
        await page.WaitForURLAsync("**/finance/billing");

        await page.FillAsync("#filters input[name=from]", "2026-11-01");
        await page.ClickAsync("#filters button[type=submit]");
        await page.WaitForURLAsync("**/finance/billing?*");
        Assert.Equal("8", await page.InnerTextAsync("#total-reported"));
        Assert.Equal("3", await page.InnerTextAsync("#total-pending"));
        Assert.Equal("3", await page.InnerTextAsync("#total-not-billed"));
        Assert.Equal(6, await page.Locator("#records tbody tr").CountAsync());
        Assert.True(await page.Locator("#chart rect").CountAsync() >= 2);
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", "finance-billing.png"), FullPage = true });

        await page.FillAsync("#filters input[name=customer]", "cust-acme");
        await page.SelectOptionAsync("#filters select[name=status]", "Reported");
        await page.ClickAsync("#filters button[type=submit]");
        await page.WaitForURLAsync("**customer=cust-acme*");
        Assert.Equal("6", await page.InnerTextAsync("#total-reported"));
        Assert.Equal("0", await page.InnerTextAsync("#total-not-billed"));
        Assert.Equal(["cust-acme"], await page.Locator("#by-customer tbody td:first-child").AllInnerTextsAsync());

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv"));
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines.Skip(1), line => Assert.Contains(",cust-acme,", line, StringComparison.Ordinal));
        Assert.All(lines.Skip(1), line => Assert.Contains(",Reported,", line, StringComparison.Ordinal));
        Assert.StartsWith("billing-2026-11-01-", download.SuggestedFilename, StringComparison.Ordinal);
    }
}
