using System.Text.Json.Nodes;

namespace Onboarding.IntegrationTests.Template;

[Trait("Category", "Template")]
public sealed class TemplateSecurityTests
{
    private static readonly string[] HttpMethods = ["get", "post", "put", "patch", "delete", "head", "options", "x-amazon-apigateway-any-method"];

    // These APIs have no resource-level permissions, so "*" is the narrowest possible resource.
    private static readonly HashSet<string> ActionsWithoutResourceLevelPermissions =
    [
        "aws-marketplace:ResolveCustomer",
        "aws-marketplace:GetEntitlements",
        "aws-marketplace:BatchMeterUsage",
        "ec2:DescribeVpcs",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
    ];

    private static readonly HashSet<string> AllowedManagedPolicies =
    [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    ];

    private readonly SamTemplate template = SamTemplate.Instance;

    [Fact]
    public void HttpApi_FinanceAndAdminRoutes_RequireIamAndEveryOtherRouteIsOpen()
    {
        var routes = Routes();

        Assert.Contains(routes, r => r.Path == "/finance");
        Assert.Contains(routes, r => r.Path == "/finance/{proxy+}");
        var misconfigured = routes
            .Where(r => IsIamOnlyPath(r.Path) != (r.Auth == "AWS_IAM") || (r.Auth is not null && r.Auth != "AWS_IAM"))
            .Select(r => $"{r.Method} {r.Path} auth={r.Auth ?? "open"}");
        Assert.Empty(misconfigured);
    }

    [Fact]
    public void HttpApi_MarketplaceLandingPost_IsOpenBecauseMarketplacePostsTheBuyerWithoutCredentials()
    {
        var landing = Assert.Single(Routes(), r => r.Path == "/" && r.Method == "post");

        Assert.Null(landing.Auth);
    }

    [Fact]
    public void LandingUrlOutput_PointsAtTheOpenLandingRoute()
    {
        var landingUrl = Intrinsic.SubTemplate(template.Transformed["Outputs"]!["LandingUrl"]!["Value"]);

        Assert.NotNull(landingUrl);
        Assert.Matches(@"^https://\$\{HttpApi\}\.execute-api\.\$\{AWS::Region\}\.\$\{AWS::URLSuffix\}/$", landingUrl);
    }

    [Fact]
    public void Iam_NoStatement_GrantsEveryActionOfAService()
    {
        var wildcards = AllStatements()
            .Where(s => s.Actions.Any(a => a == "*" || a.EndsWith(":*", StringComparison.Ordinal)))
            .Select(s => s.ToString());

        Assert.Empty(wildcards);
    }

    [Fact]
    public void Iam_StatementsOnEveryResource_HoldOnlyActionsThatCannotBeScopedToAResource()
    {
        var tooBroad = AllStatements()
            .Where(s => s.OnAllResources && s.Actions.Any(a => !ActionsWithoutResourceLevelPermissions.Contains(a)))
            .Select(s => s.ToString());

        Assert.Empty(tooBroad);
    }

    [Fact]
    public void Iam_ManagedPolicies_AreOnlyLoggingAndVpcNetworking()
    {
        var extra = SamTemplate.FunctionIds
            .SelectMany(f => template.ManagedPolicies(template.RoleOf(f)).Select(p => (Function: f, Policy: p)))
            .Where(x => !AllowedManagedPolicies.Contains(x.Policy))
            .Select(x => $"{x.Function}: {x.Policy}");

        Assert.Empty(extra);
    }

    [Fact]
    public void Iam_CertificateAuthorityActions_AreScopedToTheConfiguredCaAndIssueOnlyFromOurTemplate()
    {
        var pca = AllStatements().Where(s => s.Actions.Any(a => a.StartsWith("acm-pca:", StringComparison.Ordinal))).ToList();

        Assert.NotEmpty(pca);
        Assert.All(pca, s => Assert.All(s.Resources, r => Assert.Equal("CertificateAuthorityArn", Intrinsic.Target(r))));
        Assert.All(
            pca.Where(s => s.Actions.Contains("acm-pca:IssueCertificate")),
            s => Assert.NotNull(s.Condition?["StringEquals"]?["acm-pca:TemplateArn"]));
    }

    [Fact]
    public void Iam_SecretsManagerActions_AreScopedToTheSubscriberPrefixOrReadOneNamedCertificate()
    {
        string[] namedSecrets = ["KafkaAdminSecretArn", "EnrichmentClientCertificateSecretArn"];
        var violations = AllStatements()
            .Where(s => s.Actions.Any(a => a.StartsWith("secretsmanager:", StringComparison.Ordinal)))
            .Where(s => !s.Resources.All(r =>
                Intrinsic.SubTemplate(r)?.EndsWith(":secret:${SecretPrefix}*", StringComparison.Ordinal) == true
                || (namedSecrets.Contains(Intrinsic.Target(r)) && s.Actions.All(a => a == "secretsmanager:GetSecretValue"))))
            .Select(s => s.ToString());

        Assert.Empty(violations);
    }

    [Fact]
    public void Iam_KafkaClusterDataPlaneActions_AreAbsentBecauseTheClusterUsesTlsClientAuthentication()
    {
        // With TLS client authentication, what a client may do on Kafka is decided by ACLs on its
        // certificate's principal; kafka-cluster:* IAM actions only matter for IAM-authenticated clusters.
        var iamKafka = AllStatements()
            .Where(s => s.Actions.Any(a => a.StartsWith("kafka-cluster:", StringComparison.Ordinal)))
            .Select(s => s.ToString());

        Assert.Empty(iamKafka);
    }

    [Fact]
    public void Iam_KmsActions_AreOnlyTheApiEncryptingAndDecryptingItsKeyRingWithTheKeyItIsGiven()
    {
        var kms = SamTemplate.FunctionIds
            .SelectMany(f => template.Statements(template.RoleOf(f)).Select(s => (Function: f, Statement: s)))
            .Where(x => x.Statement.Actions.Any(a => a.StartsWith("kms:", StringComparison.Ordinal)))
            .ToList();

        var (function, statement) = Assert.Single(kms);
        Assert.Equal("ApiFunction", function);
        Assert.Equal(["kms:Decrypt", "kms:Encrypt"], statement.Actions.Order());
        Assert.Equal("DataProtectionKey", Intrinsic.Target(Assert.Single(statement.Resources)));
        Assert.Equal("DataProtectionKey", Intrinsic.Target(template.Environment("ApiFunction")["DATA_PROTECTION_KMS_KEY_ID"]));
        Assert.Equal("AWS::KMS::Key", (string?)template.Resource("DataProtectionKey")["Type"]);
        Assert.True(template.Resource("DataProtectionKey")["Properties"]!["EnableKeyRotation"]!.GetValue<bool>());
    }

    private IEnumerable<PolicyStatement> AllStatements() =>
        SamTemplate.FunctionIds.SelectMany(f => template.Statements(template.RoleOf(f)));

    private List<(string Method, string Path, string? Auth)> Routes()
    {
        var paths = template.Resource("HttpApi")["Properties"]!["Body"]!["paths"]!.AsObject();
        return (from path in paths
                from method in path.Value!.AsObject()
                where HttpMethods.Contains(method.Key)
                let security = method.Value!["security"] as JsonArray
                let auth = security?.SelectMany(s => s!.AsObject().Select(p => p.Key)).SingleOrDefault()
                select (method.Key, path.Key, auth)).ToList();
    }

    private static bool IsIamOnlyPath(string path) =>
        path is "/finance" or "/admin"
        || path.StartsWith("/finance/", StringComparison.Ordinal)
        || path.StartsWith("/admin/", StringComparison.Ordinal);
}
