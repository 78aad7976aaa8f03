using System.Net;
using System.Text.Json.Nodes;
using Onboarding.Core.Acl;
using Onboarding.Core.Certificates;
using Onboarding.IntegrationTests.DynamoDb;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.OnboardingFlow;

/// <summary>Failures midway and concurrency: a retry resumes, and nothing is ever issued twice.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class FaultTests(MotoFixture moto, SimulatorFixture simulator, DynamoDbLocalFixture dynamoLocal)
    : IClassFixture<SimulatorFixture>, IClassFixture<DynamoDbLocalFixture>
{
    [Fact]
    public async Task Registration_WhenAclWriteFailsMidway_SaysWhatWentWrongAndRetryCompletesWithOneCertificateAndSecret()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using var buyer = await LandedBuyerAsync(app);
        app.Acls.RefuseResources.Add("trades.us");

        using var failed = await buyer.RegisterAsync(generate: true);
        Assert.Equal(HttpStatusCode.SeeOther, failed.StatusCode);
        Assert.Equal("/register", failed.Headers.Location?.ToString());
        using var page = await buyer.Http.GetAsync("/register");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Contains("Granting your certificate access to the feed topics failed", html, StringComparison.Ordinal);
        Assert.Contains("retrying is safe", html, StringComparison.Ordinal);
        Assert.Contains("refused 2 of the access rules", html, StringComparison.Ordinal);
        Assert.Equal(1, app.Pca.Issued);
        Assert.NotEmpty(app.Acls.Bindings);
        // One line per step for the dashboard, one without dimensions for the alarm.
        var failures = app.Metrics.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Contains("\"OnboardingStepFailed\":1", StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l)!["_aws"]!["CloudWatchMetrics"]![0]!["Dimensions"]![0]!.AsArray().Select(d => (string)d!).ToList())
            .ToList();
        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, d => d.SequenceEqual(["Service", "Step"]));
        Assert.Contains(failures, d => d.Count == 0);

        app.Acls.RefuseResources.Clear();
        using var retried = await buyer.ContinueAsync();

        Assert.Equal(HttpStatusCode.SeeOther, retried.StatusCode);
        Assert.Equal("/credentials", retried.Headers.Location?.ToString());
        Assert.Equal(1, app.Pca.Issued);
        Assert.Single(await app.SecretNamesAsync());
        var principal = KafkaPrincipal.Parse(app.AclRules().First().Principal);
        var stableId = principal.Value.Split(',')[0]["User:CN=".Length..];
        Assert.Equal(AclPlan.Desired(principal, ["bars.1m.us", "news.us", "quotes.us", "trades.us"], stableId + "."), app.AclRules());
        var files = await RegistrationTests.UnzipAsync(await buyer.Http.GetAsync("/credentials/download"));
        Assert.Contains("client.key", files.Keys);
    }

    [Fact]
    public async Task Registration_WhenCertificateAuthorityStaysThrottled_ReportsItAndRetryIssuesExactlyOnce()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using var buyer = await LandedBuyerAsync(app);
        app.Pca.ThrottleNext = 1;

        using var failed = await buyer.RegisterAsync(OnboardingApp.EcCsr());
        using var page = await buyer.Http.GetAsync("/register");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal("/register", failed.Headers.Location?.ToString());
        Assert.Contains("Issuing your client certificate failed because the certificate authority is busy (throttled)", html, StringComparison.Ordinal);
        Assert.Equal(0, app.Pca.Issued);
        Assert.Empty(await app.SecretNamesAsync());
        Assert.Empty(app.Acls.Bindings);

        using var retried = await buyer.ContinueAsync();

        Assert.Equal("/credentials", retried.Headers.Location?.ToString());
        Assert.Equal(1, app.Pca.Issued);
        Assert.Single(await app.SecretNamesAsync());
    }

    [Fact]
    public async Task Registration_FiftyConcurrentForTheSameCustomer_IssueExactlyOneCertificateOneSecretAndOneAclSet()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator, dynamo: dynamoLocal.Client);
        var buyers = new List<Buyer>();
        for (var i = 0; i < 50; i++)
        {
            buyers.Add(await LandedBuyerAsync(app));
        }

        var csrfs = new List<string>();
        foreach (var buyer in buyers)
        {
            csrfs.Add(Buyer.Csrf(await buyer.GetRegistrationAsync()));
        }

        using var start = new SemaphoreSlim(0);
        var posts = buyers.Select(async (buyer, i) =>
        {
            var form = new MultipartFormDataContent
            {
                { new StringContent(csrfs[i]), "__csrf" },
                { new StringContent("Acme Trading"), "company" },
                { new StringContent("Jane Doe"), "contactName" },
                { new StringContent("ops@acme.example"), "email" },
                { new StringContent("generate"), "keyChoice" },
            };
            await start.WaitAsync();
            using var response = await buyer.Http.PostAsync("/register", form);
            return (response.StatusCode, response.Headers.Location?.ToString());
        }).ToList();
        start.Release(posts.Count);
        var results = await Task.WhenAll(posts);

        Assert.All(results, r => Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode));
        Assert.Contains(results, r => r.Item2 == "/credentials");
        Assert.Equal(1, app.Pca.Issued);
        Assert.Single(await app.SecretNamesAsync());
        var principals = app.AclRules().Select(r => r.Principal).Distinct().ToList();
        var principal = KafkaPrincipal.Parse(Assert.Single(principals));
        Assert.Equal(9, app.AclRules().Count);

        // Every buyer ends at the same quick-start; exactly one download carries the key.
        var withKey = 0;
        foreach (var buyer in buyers.Take(5))
        {
            var files = await RegistrationTests.UnzipAsync(await buyer.Http.GetAsync("/credentials/download"));
            withKey += files.ContainsKey("client.key") ? 1 : 0;
            Assert.Contains(principal.Value["User:CN=".Length..].Split(',')[0], files["README.txt"], StringComparison.Ordinal);
        }

        Assert.Equal(1, withKey);
        buyers.ForEach(b => b.Dispose());
    }

    private async Task<Buyer> LandedBuyerAsync(OnboardingApp app)
    {
        var buyer = app.NewBuyer();
        using var landed = await buyer.LandAsync(await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct));
        Assert.Equal(HttpStatusCode.SeeOther, landed.StatusCode);
        return buyer;
    }
}
