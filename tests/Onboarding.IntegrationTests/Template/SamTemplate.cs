using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Onboarding.IntegrationTests.Template;

/// <summary>
/// template.yaml as CloudFormation will see it: cfn-lint's own decoder reads the YAML (with its short-form
/// intrinsic tags) and applies the LanguageExtensions and SAM transforms, exactly as `cfn-lint template.yaml`
/// does in CI. So the tests check the generated roles, routes and event source mappings, not just our YAML.
/// </summary>
public sealed class SamTemplate
{
    private const string DecodeScript = """
        import copy, json, sys
        from cfnlint.decode import decode
        from cfnlint.template import Template
        source, errors = decode(sys.argv[1])
        if errors:
            sys.exit("cannot read template: " + "; ".join(str(e) for e in errors))
        original = copy.deepcopy(source)
        cfn = Template(sys.argv[1], source, ["us-east-1"])
        errors = cfn.transform()
        if errors:
            sys.exit("transform failed: " + "; ".join(str(e) for e in errors))
        json.dump({"source": original, "transformed": cfn.template}, sys.stdout)
        """;

    private static readonly Lazy<SamTemplate> Loaded = new(Load);

    private SamTemplate(JsonObject source, JsonObject transformed)
    {
        Source = source;
        Transformed = transformed;
    }

    public static SamTemplate Instance => Loaded.Value;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string TemplatePath => Path.Combine(RepositoryRoot, "template.yaml");

    /// <summary>The YAML as written (Globals, SAM resource types, Fn::ForEach unexpanded).</summary>
    public JsonObject Source { get; }

    /// <summary>Plain CloudFormation after the transforms.</summary>
    public JsonObject Transformed { get; }

    public JsonObject Resources => Transformed["Resources"]!.AsObject();

    public JsonObject Resource(string logicalId) =>
        Resources[logicalId]?.AsObject() ?? throw new KeyNotFoundException($"template has no resource {logicalId}");

    public IEnumerable<(string Id, JsonObject Properties)> ResourcesOfType(string type) =>
        from pair in Resources
        let resource = pair.Value!.AsObject()
        where (string?)resource["Type"] == type
        select (pair.Key, resource["Properties"]?.AsObject() ?? []);

    public static readonly string[] FunctionIds = ["ApiFunction", "EnrichmentFunction", "LifecycleFunction", "MeteringFunction"];

    public JsonObject FunctionProperties(string functionId) => Resource(functionId)["Properties"]!.AsObject();

    public IReadOnlyDictionary<string, JsonNode?> Environment(string functionId) =>
        FunctionProperties(functionId)["Environment"]?["Variables"]?.AsObject().ToDictionary(p => p.Key, p => p.Value)
        ?? new Dictionary<string, JsonNode?>();

    public string RoleOf(string functionId) =>
        Intrinsic.Target(FunctionProperties(functionId)["Role"]) ?? throw new InvalidOperationException($"{functionId} has no role reference");

    public IReadOnlyList<string> ManagedPolicies(string roleId) =>
        Resource(roleId)["Properties"]!["ManagedPolicyArns"]?.AsArray().Select(a => (string)a!).ToList() ?? [];

    /// <summary>Every inline statement of a role, with Action and Resource normalised to lists.</summary>
    public IReadOnlyList<PolicyStatement> Statements(string roleId) =>
        (from policy in Resource(roleId)["Properties"]!["Policies"]?.AsArray() ?? []
         from statement in policy!["PolicyDocument"]!["Statement"]!.AsArray()
         select PolicyStatement.From(policy!["PolicyName"]!.GetValue<string>(), statement!.AsObject())).ToList();

    private static SamTemplate Load()
    {
        var (exitCode, stdout, stderr) = ExternalTool.Run("python3", ["-c", DecodeScript, TemplatePath]);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"Reading template.yaml through cfn-lint failed (exit {exitCode}). The template tests need cfn-lint "
                + $"in the python3 on PATH: pip install cfn-lint.\n{stderr}");
        }

        var both = JsonNode.Parse(stdout)!.AsObject();
        return new SamTemplate(both["source"]!.AsObject(), both["transformed"]!.AsObject());
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Onboarding.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Onboarding.sln above {AppContext.BaseDirectory}.");
    }
}

public sealed record PolicyStatement(string PolicyName, string? Sid, string Effect, IReadOnlyList<string> Actions, IReadOnlyList<JsonNode?> Resources, JsonObject? Condition)
{
    public static PolicyStatement From(string policyName, JsonObject statement)
    {
        if (statement.ContainsKey("NotAction") || statement.ContainsKey("NotResource"))
        {
            throw new InvalidOperationException($"{policyName} uses NotAction/NotResource, which grants by exclusion.");
        }

        return new PolicyStatement(
            policyName,
            (string?)statement["Sid"],
            (string)statement["Effect"]!,
            AsList(statement["Action"]).Select(a => (string)a!).ToList(),
            AsList(statement["Resource"]),
            statement["Condition"]?.AsObject());
    }

    public bool OnAllResources => Resources.Any(r => r is JsonValue v && v.TryGetValue<string>(out var s) && s == "*");

    public override string ToString() => $"{PolicyName}/{Sid}: {string.Join(",", Actions)} on {string.Join(",", Resources.Select(r => r?.ToJsonString()))}";

    private static IReadOnlyList<JsonNode?> AsList(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.ToList(),
        _ => [node],
    };
}

/// <summary>Reads the intrinsic functions the transforms leave behind.</summary>
public static class Intrinsic
{
    /// <summary>The logical id or parameter named by {"Ref": X} or {"Fn::GetAtt": [X, attr]}; otherwise null.</summary>
    public static string? Target(JsonNode? node)
    {
        if (node is not JsonObject obj)
        {
            return null;
        }

        if (obj["Ref"] is JsonValue reference)
        {
            return reference.GetValue<string>();
        }

        return obj["Fn::GetAtt"] switch
        {
            JsonArray getAtt => (string?)getAtt[0],
            JsonValue dotted => dotted.GetValue<string>().Split('.')[0],
            _ => null,
        };
    }

    /// <summary>The template string of {"Fn::Sub": "..."} or {"Fn::Sub": ["...", {...}]}; otherwise null.</summary>
    public static string? SubTemplate(JsonNode? node) => node?["Fn::Sub"] switch
    {
        JsonArray withVariables => (string?)withVariables[0],
        JsonValue plain => plain.GetValue<string>(),
        _ => null,
    };
}

internal static class ExternalTool
{
    public static (int ExitCode, string StdOut, string StdErr) Run(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = SamTemplate.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{fileName} is not on PATH ({e.Message}). Install cfn-lint: pip install cfn-lint.", e);
        }
    }
}
