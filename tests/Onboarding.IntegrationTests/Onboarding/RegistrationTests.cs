using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Onboarding.Core.Acl;
using Onboarding.Core.Certificates;
using Onboarding.Core.Subscribers;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.OnboardingFlow;

/// <summary>Registration through to the quick-start and the download, on moto (PCA, Secrets Manager, DynamoDB) and the simulator.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class RegistrationTests(MotoFixture moto, SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task Registration_WithOwnCsr_IssuesCertificateStoresSecretWritesAclsAndShowsQuickStart()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using var buyer = await LandedBuyerAsync(app);
        var csr = OnboardingApp.EcCsr("CN=acme-feed-client");

        using var response = await buyer.RegisterAsync(csr);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/credentials", response.Headers.Location?.ToString());
        var quickStart = await buyer.Http.GetStringAsync("/credentials");
        Assert.Contains("access is ready", quickStart, StringComparison.Ordinal);
        Assert.Contains(OnboardingApp.PublicBrokers, quickStart, StringComparison.Ordinal);
        Assert.Contains("we never had it", quickStart, StringComparison.Ordinal);

        var customer = CustomerIdentity.FromAccountAndLicense("111111111111", "arn:aws:license-manager::111111111111:license:l-acme0000000000000000000000payg");
        Assert.Contains(customer.ConsumerGroupPrefix, quickStart, StringComparison.Ordinal);
        Assert.Equal(1, app.Pca.Issued);
        Assert.Equal([customer.SecretName(OnboardingApp.SecretPrefix)], await app.SecretNamesAsync());
        var secret = JsonNode.Parse(await app.SecretValueAsync(customer.SecretName(OnboardingApp.SecretPrefix)))!;
        Assert.Null(secret["privateKey"]);

        using var certificate = X509Certificate2.CreateFromPem((string)secret["certificate"]!);
        var principal = KafkaPrincipal.FromCertificate(certificate);
        Assert.Equal(AclPlan.Desired(principal, ["bars.1m.us", "news.us", "quotes.us", "trades.us"], customer.ConsumerGroupPrefix), app.AclRules());
        Assert.True(OnboardingApp.ChainsTo(certificate, app.CaCertificatePem), "the issued certificate must chain to the CA");
        using var csrKey = CertificateRequest.LoadSigningRequestPem(csr, HashAlgorithmName.SHA256).PublicKey.GetECDsaPublicKey();
        using var certificateKey = certificate.GetECDsaPublicKey();
        Assert.Equal(csrKey!.ExportSubjectPublicKeyInfo(), certificateKey!.ExportSubjectPublicKeyInfo());

        var items = await app.ItemsAsync(app.SubscribersTable);
        var profile = Assert.Single(items, i => i["sk"].S == "PROFILE");
        Assert.Equal("Active", profile["status"].S);
        // The first plan is in force from the entitlement check on, with no earlier plan to bill.
        var plan = Assert.Single(items, i => i["sk"].S == "ENTITLEMENTS");
        Assert.Equal(plan["checkedAt"].S, plan["planSince"].S);
        Assert.Empty(plan["pastPlans"].L);
    }

    [Fact]
    public async Task Registration_WithGeneratedKey_HandsTheKeyOutOnceAndTheCertificateChainsToTheCaWithTheAclPrincipal()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using var buyer = await LandedBuyerAsync(app);

        using var response = await buyer.RegisterAsync(generate: true);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Contains("included in this download once", await buyer.Http.GetStringAsync("/credentials"), StringComparison.Ordinal);

        using var first = await buyer.Http.GetAsync("/credentials/download");
        Assert.Equal("application/zip", first.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", first.Headers.CacheControl?.ToString());
        var files = await UnzipAsync(first);
        Assert.Equal(["README.txt", "ca-chain.pem", "client.crt", "client.key", "client.properties", "librdkafka.config"], files.Keys.Order(StringComparer.Ordinal));

        using var certificate = X509Certificate2.CreateFromPem(files["client.crt"], files["client.key"]);
        Assert.True(certificate.HasPrivateKey);
        Assert.True(OnboardingApp.ChainsTo(certificate, app.CaCertificatePem), "the issued certificate must chain to the CA");
        Assert.Contains(app.CaCertificatePem.Trim(), files["ca-chain.pem"], StringComparison.Ordinal);

        // Our subject, not the buyer's: CN is the stable id, O and OU the provider's; the ACLs name exactly it.
        var principal = KafkaPrincipal.FromCertificate(certificate);
        var stableId = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        Assert.True(CustomerIdentity.IsStableId(stableId), stableId);
        Assert.Equal($"User:CN={stableId},OU={OnboardingApp.OrganizationalUnit},O=Example Market Data\\, Inc.", principal.Value);
        Assert.All(app.AclRules(), rule => Assert.Equal(principal.Value, rule.Principal));
        Assert.Equal(9, app.AclRules().Count); // READ + DESCRIBE on 4 topics, READ on the group prefix
        Assert.Contains($"group.id={stableId}.consumer-1", files["librdkafka.config"], StringComparison.Ordinal);

        using var second = await buyer.Http.GetAsync("/credentials/download");
        var again = await UnzipAsync(second);
        Assert.DoesNotContain("client.key", again.Keys);
        Assert.Equal(files["client.crt"], again["client.crt"]);
        Assert.Contains("already downloaded", await buyer.Http.GetStringAsync("/credentials"), StringComparison.Ordinal);
        Assert.Equal(1, app.Pca.Issued);
        Assert.Single(await app.SecretNamesAsync());
        Assert.Contains("Onboarding of " + stableId + " completed", app.Logs.All, StringComparison.Ordinal);
        var metric = Assert.Single(app.Metrics.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("OnboardingCompleted", StringComparison.Ordinal));
        Assert.Equal(1, (int)JsonNode.Parse(metric)!["OnboardingCompleted"]!);
        Assert.Equal("GenerateKey", (string)JsonNode.Parse(metric)!["KeyChoice"]!);
        Assert.DoesNotContain("PRIVATE KEY", app.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(files["client.key"].Split('\n')[1], app.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Landing_AndRegistration_NeverLogTheTokenOrTheSessionId()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using var buyer = app.NewBuyer();
        var token = await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct);

        using var landed = await buyer.LandAsync(token);
        using var replayed = await app.NewBuyer().LandAsync(token);
        using var registered = await buyer.RegisterAsync(OnboardingApp.EcCsr());
        var session = landed.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("mp_session=", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Conflict, replayed.StatusCode);
        Assert.Contains("Marketplace token resolved", app.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(token, app.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(session["mp_session=".Length..session.IndexOf(';', StringComparison.Ordinal)], app.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_FormRenderedByOneInstance_IsAcceptedByAnother()
    {
        await using var first = await OnboardingApp.CreateAsync(moto, simulator);
        await using var second = first.AnotherInstance();
        var cookies = new CookieContainer();
        using var onFirst = new Buyer(first.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies)));
        using var onSecond = new Buyer(second.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies)));
        using var landed = await onFirst.LandAsync(await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct));
        var csrf = Buyer.Csrf(await onFirst.GetRegistrationAsync());

        using var response = await onSecond.PostRegistrationAsync(csrf, OnboardingApp.EcCsr());

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/credentials", response.Headers.Location?.ToString());
        // The shared ring lives in the table, not on the instance's disk (which on Lambda is not shared or kept).
        var ring = Assert.Single(await first.ItemsAsync(first.OnboardingTable), i => i["pk"].S == "DATAPROTECTION");
        Assert.Contains(ring.Keys, k => k.StartsWith("key-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Registration_WithCsrUploadedAsFile_IsAccepted()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using var buyer = await LandedBuyerAsync(app);

        using var response = await buyer.RegisterAsync(csr: null, csrFile: OnboardingApp.RsaCsr(2048));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/credentials", response.Headers.Location?.ToString());
    }

    [Theory]
    [InlineData("not a csr", "This is not a PEM CSR")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----", "could not be read")]
    [InlineData("rsa1024", "at least 2048")]
    [InlineData("p521", "only P-256 and P-384")]
    public async Task Registration_WithBadCsr_ShowsTheFormAgainWithTheReasonAndIssuesNothing(string csr, string message)
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using var buyer = await LandedBuyerAsync(app);
        var pem = csr switch
        {
            "rsa1024" => OnboardingApp.RsaCsr(1024),
            "p521" => OnboardingApp.EcCsr(curve: ECCurve.NamedCurves.nistP521),
            _ => csr,
        };

        using var response = await buyer.RegisterAsync(pem, company: "Acme <b>Trading</b>");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("id=\"csr-error\"", html, StringComparison.Ordinal);
        Assert.Contains(message, html, StringComparison.Ordinal);
        Assert.Contains("value=\"Acme &lt;b&gt;Trading&lt;/b&gt;\"", html, StringComparison.Ordinal);
        Assert.Equal(0, app.Pca.Issued);
        Assert.Empty(await app.SecretNamesAsync());
        Assert.DoesNotContain(await app.ItemsAsync(app.SubscribersTable), i => i["sk"].S == "PROFILE");
    }

    [Fact]
    public async Task Registration_WithMissingFields_ReportsEachFieldAndIssuesNothing()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using var buyer = await LandedBuyerAsync(app);

        using var response = await buyer.RegisterAsync(generate: true, company: " ", email: "not-an-email");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("id=\"company-error\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"email-error\"", html, StringComparison.Ordinal);
        Assert.Equal(0, app.Pca.Issued);
    }

    [Fact]
    public async Task Registration_WithOversizedBody_Answers413AndIssuesNothing()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using var buyer = await LandedBuyerAsync(app);

        using var response = await buyer.RegisterAsync(csr: new string('A', 200 * 1024));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, app.Pca.Issued);
        Assert.Empty(await app.SecretNamesAsync());
    }

    [Fact]
    public async Task Registration_WithoutCsrfToken_IsRefusedAndIssuesNothing()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using var buyer = await LandedBuyerAsync(app);
        var form = new MultipartFormDataContent
        {
            { new StringContent("Acme"), "company" },
            { new StringContent("Jane"), "contactName" },
            { new StringContent("ops@acme.example"), "email" },
            { new StringContent("generate"), "keyChoice" },
        };

        using var response = await buyer.Http.PostAsync("/register", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Form expired", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, app.Pca.Issued);
    }

    [Fact]
    public async Task CredentialsPages_WithoutSession_AreRefused()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using var stranger = app.NewBuyer();

        using var quickStart = await stranger.Http.GetAsync("/credentials");
        using var download = await stranger.Http.GetAsync("/credentials/download");

        Assert.Equal(HttpStatusCode.Unauthorized, quickStart.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, download.StatusCode);
    }

    [Fact]
    public async Task Registration_RepeatedAfterCompletion_IssuesNothingTwiceAndShowsTheQuickStart()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using (var buyer = await LandedBuyerAsync(app))
        {
            using var done = await buyer.RegisterAsync(generate: true);
            Assert.Equal("/credentials", done.Headers.Location?.ToString());
        }

        using var returning = await LandedBuyerAsync(app);
        using var registration = await returning.Http.GetAsync("/register");

        Assert.Equal(HttpStatusCode.SeeOther, registration.StatusCode);
        Assert.Equal("/credentials", registration.Headers.Location?.ToString());
        Assert.Equal(1, app.Pca.Issued);
        Assert.Single(await app.SecretNamesAsync());
    }

    private async Task<Buyer> LandedBuyerAsync(OnboardingApp app)
    {
        var buyer = app.NewBuyer();
        using var landed = await buyer.LandAsync(await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct));
        Assert.Equal(HttpStatusCode.SeeOther, landed.StatusCode);
        return buyer;
    }

    internal static async Task<Dictionary<string, string>> UnzipAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            files[entry.FullName] = await reader.ReadToEndAsync();
        }

        return files;
    }
}
