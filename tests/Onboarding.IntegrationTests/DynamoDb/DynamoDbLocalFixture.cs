using Onboarding.LocalServers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Onboarding.IntegrationTests.DynamoDb;

/// <summary>
/// DynamoDB Local (in memory, on a free 127.0.0.1 port) for the concurrency tests. moto_server evaluates a condition
/// and writes without a lock, so 50 concurrent conditional writes there can have several winners; DynamoDB Local,
/// like DynamoDB, applies a conditional write to one item atomically.
/// </summary>
public sealed class DynamoDbLocalFixture : IAsyncLifetime
{
    public const string JarVariable = "DYNAMODB_LOCAL_JAR";

    public static readonly string InstallHint =
        "DynamoDB Local was not found. It ships in the npm package amplify-dynamodb-simulator and runs on the machine's Java 17: " +
        "npm install --prefix ~/.cache/onboarding/dynamodb-local --ignore-scripts amplify-dynamodb-simulator@2.9.30 " +
        $"(or set {JarVariable} to DynamoDBLocal.jar).";

    private Process? process;

    public AmazonDynamoDBClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var jar = FindJar() ?? throw new InvalidOperationException(InstallHint);
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo("java")
        {
            WorkingDirectory = Path.GetDirectoryName(jar)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-Djava.library.path=" + Path.Combine(Path.GetDirectoryName(jar)!, "DynamoDBLocal_lib"),
            "-jar", jar, "-inMemory", "-port", port.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("Could not start java for DynamoDB Local.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("testing", "testing"),
            new AmazonDynamoDBConfig { ServiceURL = $"http://127.0.0.1:{port}/", AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

        // Readiness by attempts, not by a clock: the JVM needs a few seconds.
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"DynamoDB Local exited with code {process.ExitCode} before it was ready.");
            }

            try
            {
                await Client.ListTablesAsync(new Amazon.DynamoDBv2.Model.ListTablesRequest());
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or AmazonServiceException or AmazonClientException or IOException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException("DynamoDB Local did not answer.");
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
    }

    private static string? FindJar()
    {
        if (Environment.GetEnvironmentVariable(JarVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var candidate = Path.Combine(home, ".cache", "onboarding", "dynamodb-local", "node_modules", "amplify-dynamodb-simulator", "emulator", "DynamoDBLocal.jar");
        return File.Exists(candidate) ? candidate : null;
    }
}
