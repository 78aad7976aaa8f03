using System.Text.Json;
using System.Text.Json.Nodes;
using Onboarding.Core.Metering;
using Onboarding.Metering;

namespace Onboarding.IntegrationTests.Template;

[Trait("Category", "Template")]
public sealed class SamConfigTests
{
    // Splits parameter_overrides the way the SAM CLI does (Key=Value pairs separated by spaces, a
    // value optionally wrapped in double quotes with \" inside), after reading the TOML with Python's
    // own parser.
    private const string ReadOverridesScript = """
        import json, re, sys, tomllib
        with open(sys.argv[1], "rb") as f:
            config = tomllib.load(f)
        deploy = config["default"]["deploy"]["parameters"]
        value = r'("(?:\\.|[^"\\]+)*"|(?:\\.|[^ "\\]+)+)'
        pairs = re.findall(r'(?: )([A-Za-z0-9"]+)=' + value, " " + deploy["parameter_overrides"])
        def unquote(v):
            if v and v[0] == v[-1] == '"':
                v = v.strip('"')
            return v.replace("\\ ", " ").replace('\\"', '"')
        json.dump({"deploy": {k: v for k, v in deploy.items() if k != "parameter_overrides"},
                   "build": config["default"].get("build", {}).get("parameters", {}),
                   "overrides": {unquote(k): unquote(v) for k, v in pairs}}, sys.stdout)
        """;

    private static readonly Lazy<JsonObject> Config = new(() =>
    {
        var (exitCode, stdout, stderr) = ExternalTool.Run("python3", ["-c", ReadOverridesScript, Path.Combine(SamTemplate.RepositoryRoot, "samconfig.toml")]);
        Assert.True(exitCode == 0, $"reading samconfig.toml failed: {stderr}");
        return JsonNode.Parse(stdout)!.AsObject();
    });

    private static JsonObject Overrides => Config.Value["overrides"]!.AsObject();

    [Fact]
    public void ParameterOverrides_NameEveryTemplateParameterAndNothingElse()
    {
        var parameters = SamTemplate.Instance.Source["Parameters"]!.AsObject().Select(p => p.Key).Order();

        Assert.Equal(parameters, Overrides.Select(o => o.Key).Order());
    }

    [Fact]
    public void ParameterOverrides_WithFixedChoices_HoldOneOfTheAllowedValues()
    {
        var invalid = from parameter in SamTemplate.Instance.Source["Parameters"]!.AsObject()
                      let allowed = parameter.Value!["AllowedValues"]?.AsArray().Select(v => v!.ToString()).ToList()
                      where allowed is not null && !allowed.Contains((string?)Overrides[parameter.Key] ?? "")
                      select $"{parameter.Key}={Overrides[parameter.Key]}";

        Assert.Empty(invalid);
    }

    [Fact]
    public void FeedTopicsByDimension_SurvivesTheQuotingAsAJsonObjectOfTopicLists()
    {
        var feeds = JsonNode.Parse((string)Overrides["FeedTopicsByDimension"]!)!.AsObject();

        Assert.NotEmpty(feeds);
        Assert.All(feeds, f => Assert.All(f.Value!.AsArray(), t => Assert.Equal(JsonValueKind.String, t!.GetValueKind())));
    }

    [Fact]
    public void MeteringDimensions_SurvivesTheQuotingAsAMapTheMeteringFunctionReads()
    {
        var dimensions = MeteringSettings.ParseDimensions((string?)Overrides["MeteringDimensions"]);

        Assert.Equal(DimensionMap.FeedHours, dimensions.DimensionOf("any product", "any feed"));
        Assert.NotEqual("", (string?)Overrides["MeteringDimensions"]);
    }

    [Fact]
    public void DefaultEnvironment_DeploysToUsEast1WithAChangesetToConfirmAndBuildsWithoutContainers()
    {
        var deploy = Config.Value["deploy"]!;
        var build = Config.Value["build"]!;

        Assert.Equal("us-east-1", (string?)deploy["region"]);
        Assert.True(deploy["confirm_changeset"]!.GetValue<bool>());
        Assert.Contains("CAPABILITY_IAM", ((string?)deploy["capabilities"] ?? "").Split(' '));
        Assert.False(build["use_container"]!.GetValue<bool>());
        Assert.False(build["parallel"]!.GetValue<bool>());
    }
}
