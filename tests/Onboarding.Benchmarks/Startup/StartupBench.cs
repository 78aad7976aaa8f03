using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Onboarding.Lambda.Events;
using Onboarding.Lambda.Runtime;
using Onboarding.Lambda.Testing;

namespace Onboarding.Benchmarks.Startup;

/// <summary>
/// Cold start of a Lambda function here: process start to the first invocation answered, against the
/// Runtime API emulator, NativeAOT against self-contained JIT.
/// <c>dotnet run -c Release --project tests/Onboarding.Benchmarks -- startup [--runs 15] [--function tiny|api] [--no-publish]</c>
/// </summary>
public static class StartupBench
{
    private const string TinyProgram = """
        using System.Text.Json.Serialization;
        using Onboarding.Lambda.Runtime;

        await LambdaBootstrapBuilder
            .Create((Ping ping, ILambdaContext context) => Task.FromResult(new Pong($"pong {ping.Name}", context.AwsRequestId)),
                new SourceGeneratorLambdaJsonSerializer<TinyJsonContext>())
            .Build()
            .RunAsync();

        public sealed record Ping(string Name);

        public sealed record Pong(string Message, string RequestId);

        [JsonSerializable(typeof(Ping))]
        [JsonSerializable(typeof(Pong))]
        internal sealed partial class TinyJsonContext : JsonSerializerContext;
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = int.Parse(Option(args, "--runs") ?? "15", CultureInfo.InvariantCulture);
        var function = Option(args, "--function") ?? "tiny";
        var publish = !args.Contains("--no-publish");
        var root = FindRepositoryRoot();
        var workDir = Path.Combine(root, "artifacts", "startup-bench", function);

        var (project, exeName, payload) = function switch
        {
            "tiny" => (WriteTinyProject(root, workDir), "TinyFunction", """{"Name":"bench"}"""),
            "api" => (Path.Combine(root, "functions", "Onboarding.Api", "Onboarding.Api.csproj"), "Onboarding.Api", HealthRequest()),
            _ => throw new ArgumentException($"Unknown --function '{function}'; use tiny or api."),
        };

        var aotDir = Path.Combine(workDir, "aot");
        var jitDir = Path.Combine(workDir, "jit");
        if (publish)
        {
            await PublishAsync(project, aotDir, aot: true);
            await PublishAsync(project, jitDir, aot: false);
        }

        await using var emulator = await RuntimeApiEmulator.StartAsync();
        var modes = new[] { ("NativeAOT", Path.Combine(aotDir, exeName)), ("JIT", Path.Combine(jitDir, exeName)) };
        var samples = modes.ToDictionary(m => m.Item1, _ => new List<double>());

        // One unmeasured start each warms the page cache; then the modes alternate so drift hits both.
        foreach (var (name, exe) in modes)
        {
            var (_, answer) = await MeasureAsync(emulator, exe, payload);
            if (answer.Contains("\"statusCode\"", StringComparison.Ordinal) && !answer.Contains("\"statusCode\":200", StringComparison.Ordinal))
            {
                // Still a valid start-up measurement (the request went through the whole pipeline), but say so.
                Console.WriteLine($"  note: {name} answered {answer}");
            }
        }
        for (var i = 0; i < runs; i++)
        {
            foreach (var (name, exe) in modes)
            {
                samples[name].Add((await MeasureAsync(emulator, exe, payload)).Milliseconds);
            }
        }

        Console.WriteLine($"Start-up to first answered invocation, function '{function}', {runs} runs each, {Environment.ProcessorCount} cores:");
        foreach (var (name, values) in samples)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-9} median {Median(values),7:F1} ms   min {values.Min(),7:F1} ms   max {values.Max(),7:F1} ms   package {PackageSizeMb(modes.First(m => m.Item1 == name).Item2),6:F1} MB"));
        }
        var ratio = Median(samples["JIT"]) / Median(samples["NativeAOT"]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  JIT / NativeAOT median ratio: {ratio:F1}x"));
        return 0;
    }

    private static async Task<(double Milliseconds, string Answer)> MeasureAsync(RuntimeApiEmulator emulator, string exe, string payload)
    {
        var invocation = emulator.InvokeAsync(payload);
        var start = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment[LambdaEnvironment.RuntimeApi] = emulator.RuntimeApi;
        start.Environment["AWS_LAMBDA_FUNCTION_NAME"] = "startup-bench";
        start.Environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512";

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {exe}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var finished = await Task.WhenAny(invocation, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(1)));
        var elapsed = clock.Elapsed.TotalMilliseconds;

        if (finished != invocation)
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
            await process.WaitForExitAsync();
            throw new InvalidOperationException(
                $"{exe} answered nothing (exit {(process.HasExited ? process.ExitCode : -1)}).\n{await stdout}\n{await stderr}");
        }

        var result = await invocation;
        // The function now waits for its next invocation forever; end the one we started, and let the
        // emulator notice its parked request is gone before the next run queues work.
        process.Kill();
        await process.WaitForExitAsync();
        for (var i = 0; i < 5_000 && emulator.WaitingNextRequests > 0; i++)
        {
            await Task.Delay(1);
        }
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{exe} failed its invocation: {result.Error!.BodyText}");
        }
        return (elapsed, result.BodyText);
    }

    private static async Task PublishAsync(string project, string outputDir, bool aot)
    {
        Console.WriteLine($"Publishing {Path.GetFileNameWithoutExtension(project)} ({(aot ? "NativeAOT" : "self-contained JIT")}) to {outputDir}");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            ArgumentList =
            {
                "publish", project, "--nologo", "-c", "Release", "-r", "linux-x64", "--self-contained",
                $"-p:PublishAot={(aot ? "true" : "false")}", "-o", outputDir,
            },
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet publish.");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {project} failed with exit code {process.ExitCode}.");
        }
    }

    private static string WriteTinyProject(string root, string workDir)
    {
        var projectDir = Path.Combine(workDir, "src");
        Directory.CreateDirectory(projectDir);
        var lambdaProject = Path.Combine(root, "functions", "Onboarding.Lambda", "Onboarding.Lambda.csproj");
        File.WriteAllText(Path.Combine(projectDir, "Program.cs"), TinyProgram);
        var projectPath = Path.Combine(projectDir, "TinyFunction.csproj");
        File.WriteAllText(projectPath, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <IsAotTarget>true</IsAotTarget>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{lambdaProject}" />
              </ItemGroup>
            </Project>
            """);
        return projectPath;
    }

    private static string HealthRequest() => JsonSerializer.Serialize(
        new APIGatewayHttpApiV2ProxyRequest
        {
            Version = "2.0",
            RouteKey = "$default",
            RawPath = "/health",
            RawQueryString = "",
            Headers = new() { ["host"] = "bench.example.com", ["user-agent"] = "startup-bench" },
            RequestContext = new()
            {
                Stage = "$default",
                RequestId = "bench",
                Http = new() { Method = "GET", Path = "/health", Protocol = "HTTP/1.1", SourceIp = "127.0.0.1" },
            },
        },
        LambdaEventsJsonContext.Default.APIGatewayHttpApiV2ProxyRequest);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    // What would ship: the published folder without debug symbols.
    private static double PackageSizeMb(string exe) =>
        new DirectoryInfo(Path.GetDirectoryName(exe)!).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Extension is not ".dbg" and not ".pdb")
            .Sum(f => f.Length) / 1024.0 / 1024.0;

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
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
        throw new InvalidOperationException("Run the benchmark from inside the repository (Onboarding.sln not found above the binaries).");
    }
}
