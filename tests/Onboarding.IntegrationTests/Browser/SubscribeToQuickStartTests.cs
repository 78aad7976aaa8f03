using Onboarding.LocalServers;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Marketplace.Simulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;
using Onboarding.IntegrationTests.Fixtures;
using Onboarding.IntegrationTests.OnboardingFlow;

namespace Onboarding.IntegrationTests.Browser;

/// <summary>
/// The buyer's whole journey in real headless Chromium: the simulator's Subscribe button, the registration form with
/// "generate a key for me", the quick-start page and the credentials download. Simulator and API both run on Kestrel
/// on 127.0.0.1; AWS services on moto_server; Kafka ACLs on the fake admin client.
/// </summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Browser")]
[Trait("Category", "Integration")]
public sealed class SubscribeToQuickStartTests(MotoFixture moto)
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    [Fact]
    public async Task Buyer_FromSubscribeButtonWithGeneratedKey_ReachesQuickStartAndDownloadsWorkingCredentials()
    {
        var (apiPort, simulatorPort) = (LoopbackPorts.Free(), LoopbackPorts.Free());
        await using var simulator = new KestrelSimulator($"http://127.0.0.1:{apiPort}/");
        simulator.UseKestrel(options => options.Listen(IPAddress.Loopback, simulatorPort));
        simulator.StartServer();
        var simulatorUrl = new Uri($"http://127.0.0.1:{simulatorPort}/");
        await using var app = await OnboardingApp.CreateAsync(moto, simulator: null, marketplaceEndpoint: simulatorUrl);
        app.StartOnKestrel(apiPort);
        var output = Path.Combine(AppContext.BaseDirectory, "browser-screenshots");
        Directory.CreateDirectory(output);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ChromiumArgs });
        var context = await browser.NewContextAsync(new() { AcceptDownloads = true, ViewportSize = new() { Width = 1100, Height = 900 } });
        // A generous bound, not a speed check: on two busy cores the first request to a fresh app (JIT, moto) can be slow.
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        var page = await context.NewPageAsync();

        await page.GotoAsync(simulatorUrl.ToString());
        await page.Locator("section[data-product-code='sim-rtfeed-payg'] tr[data-customer-identifier='cust-acme'] button").ClickAsync();
        await page.WaitForURLAsync($"http://127.0.0.1:{apiPort}/register");

        Assert.Contains("Set up your", await page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
        await page.FillAsync("#company", "Acme, O=Admin Trading");
        await page.FillAsync("#contact", "Jane Doe");
        await page.FillAsync("#email", "ops@acme.example");
        await page.CheckAsync("#generate");
        await page.ScreenshotAsync(new() { Path = Path.Combine(output, "registration.png"), FullPage = true });
        await page.ClickAsync("#register");
        await page.WaitForURLAsync($"http://127.0.0.1:{apiPort}/credentials");

        Assert.Contains("access is ready", await page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
        var subscriberId = await page.Locator("#subscriber-id").InnerTextAsync();
        Assert.Equal(["bars.1m.us", "news.us", "quotes.us", "trades.us"], (await page.Locator("#topics li").AllInnerTextsAsync()).Select(t => t.Trim()));
        Assert.Equal(subscriberId + ".", await page.Locator("#group-prefix").InnerTextAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(output, "quick-start.png"), FullPage = true });

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download"));
        var zipPath = Path.Combine(output, "credentials.zip");
        await download.SaveAsAsync(zipPath);
        using var zip = ZipFile.OpenRead(zipPath);
        var files = zip.Entries.ToDictionary(e => e.FullName, e => new StreamReader(e.Open()).ReadToEnd());

        Assert.Equal(["README.txt", "ca-chain.pem", "client.crt", "client.key", "client.properties", "librdkafka.config"], files.Keys.Order(StringComparer.Ordinal));
        using var certificate = X509Certificate2.CreateFromPem(files["client.crt"], files["client.key"]);
        Assert.Equal(subscriberId, certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        Assert.True(OnboardingApp.ChainsTo(certificate, app.CaCertificatePem));
        Assert.Contains($"bootstrap.servers={OnboardingApp.PublicBrokers.Split(',')[0]}", files["client.properties"], StringComparison.Ordinal);
        Assert.Equal(1, app.Pca.Issued);
    }

    private sealed class KestrelSimulator(string landingUrl) : WebApplicationFactory<SimulatorApp>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseSetting("Simulator:LandingUrl", landingUrl);
    }
}
